package openapi

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
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

// TestEveryOperationIsDescribedWithExamples: what a partner reads in /api/docs or in a
// generated client has prose and an example everywhere (issue 11: every operation a
// description; every request body, response body and event an example). The linters
// check descriptions too; neither checks that examples exist.
func TestEveryOperationIsDescribedWithExamples(t *testing.T) {
	doc, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if strings.TrimSpace(op.Description) == "" {
				t.Errorf("%s has no description", name)
			}
			if op.RequestBody != nil {
				for ct, mt := range op.RequestBody.Value.Content {
					if !hasExample(mt) {
						t.Errorf("%s: the %s request body has no example", name, ct)
					}
				}
			}
			for status, resp := range op.Responses.Map() {
				for ct, mt := range resp.Value.Content {
					if !hasExample(mt) {
						t.Errorf("%s: the %s %s response has no example", name, status, ct)
					}
				}
			}
		}
	}
	for _, union := range []string{"Event", "StreamEvent"} {
		for _, member := range doc.Components.Schemas[union].Value.OneOf {
			if member.Value.Example == nil {
				t.Errorf("%s has no example", member.Ref)
			}
		}
	}
}

func hasExample(mt *openapi3.MediaType) bool {
	return mt.Example != nil || len(mt.Examples) > 0 || mt.Schema != nil && mt.Schema.Value.Example != nil
}
