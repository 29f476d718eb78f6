package sse

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzEncode: whatever a message says, its frame is one id line and one data line of at
// most 2048 bytes, holding valid JSON whose text is a prefix of the message.
func FuzzEncode(f *testing.F) {
	for _, seed := range []string{"hello", "line\nbreak\r\n", "\u2028\u2029", strings.Repeat("€", 1000), "\xff\xfe invalid utf-8", "data: fake\n\nid: 1", strings.Repeat("\"", 3000)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		row := messageRow(text)
		var stored struct {
			Content string `json:"message_content"`
		}
		if err := json.Unmarshal(row.Meta, &stored); err != nil { // the text as the log holds it (valid UTF-8)
			t.Fatal(err)
		}
		e, err := encode(row)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(e.frame, []byte("\n\n")) || bytes.Count(e.frame, []byte("\n")) != 3 || bytes.ContainsRune(e.frame, '\r') {
			t.Fatalf("frame breaks SSE framing: %q", e.frame)
		}
		var env struct {
			Data struct {
				Meta struct {
					Content string `json:"message_content"`
				} `json:"meta"`
			} `json:"data"`
		}
		if err := json.Unmarshal(dataLine(t, e.frame), &env); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored.Content, env.Data.Meta.Content) {
			t.Fatalf("kept text is not a prefix of the message")
		}
	})
}
