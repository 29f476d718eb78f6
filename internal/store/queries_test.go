package store

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestOnlyTheMediaStoreTouchesAttachmentBytes keeps listings cheap: no query but those of
// internal/media (save, load, read back, and the switch of a move between stores) may name
// messages.media_data.
func TestOnlyTheMediaStoreTouchesAttachmentBytes(t *testing.T) {
	files, err := filepath.Glob("../../queries/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries found: %v", err)
	}
	name := regexp.MustCompile(`-- name: (\w+)`)
	comment := regexp.MustCompile(`(?m)^--.*$`)
	var touching []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		queries := name.Split(string(data), -1)[1:]
		names := name.FindAllStringSubmatch(string(data), -1)
		for i, q := range queries {
			if strings.Contains(comment.ReplaceAllString(q, ""), "media_data") {
				touching = append(touching, names[i][1])
			}
		}
	}
	slices.Sort(touching)
	if want := []string{"LoadMessageMedia", "MessageMediaChecksum", "SaveMessageMedia", "SwitchMediaStore"}; !slices.Equal(touching, want) {
		t.Fatalf("queries naming media_data: %v, want only %v", touching, want)
	}
}
