package openapi

import (
	"context"
	"testing"
)

func TestDocumentIsAValidOpenAPIDocument(t *testing.T) {
	doc, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Paths.Len(); got < 15 {
		t.Fatalf("the document has %d paths; the whole API of design.md has more", got)
	}
}
