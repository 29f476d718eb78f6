package sse

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

func messageRow(text string) db.Event {
	meta, _ := json.Marshal(map[string]any{
		"message_id": uuid.New(), "owner": "user", "created_at": time.Now().UTC(), "has_media": false,
		"message_content": text, "truncated": false,
	})
	order, thread, user := uuid.New(), uuid.New(), uuid.New()
	return db.Event{ID: 1234567, Resource: "messages", ResourceType: "messages.new", OrderID: &order, ThreadID: &thread,
		UserID: &user, UserVisible: true, Meta: meta, CreatedAt: time.Now()}
}

// dataLine checks the frame's shape and returns its JSON.
func dataLine(t *testing.T, frame []byte) []byte {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(frame), "\n\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "id: ") || !strings.HasPrefix(lines[1], "data: ") {
		t.Fatalf("frame is not one id line and one data line: %q", frame)
	}
	if len(lines[1]) > maxDataLine {
		t.Fatalf("data line of %d bytes", len(lines[1]))
	}
	return []byte(strings.TrimPrefix(lines[1], "data: "))
}

func TestLongTextIsCutToFitTheDataLine(t *testing.T) {
	for name, text := range map[string]string{
		"short":     "hello",
		"ascii":     strings.Repeat("a", 4000),
		"multibyte": strings.Repeat("€", 4000),
		"escapes":   strings.Repeat("\"\\\n\r\t<>&\u2028", 400),
		"emoji":     strings.Repeat("🧾", 4000),
		"controls":  strings.Repeat("\x01\x02", 2000),
	} {
		t.Run(name, func(t *testing.T) {
			e, err := encode(messageRow(text))
			if err != nil {
				t.Fatal(err)
			}
			var env struct {
				Data struct {
					Meta struct {
						Content   string `json:"message_content"`
						Truncated bool   `json:"truncated"`
					} `json:"meta"`
				} `json:"data"`
			}
			if err := json.Unmarshal(dataLine(t, e.frame), &env); err != nil {
				t.Fatal(err)
			}
			got := env.Data.Meta
			if !strings.HasPrefix(text, got.Content) || !utf8.ValidString(got.Content) || got.Truncated != (got.Content != text) {
				t.Fatalf("kept %d of %d bytes, truncated=%v", len(got.Content), len(text), got.Truncated)
			}
			if got.Truncated && len(e.frame) < maxDataLine-64 {
				t.Fatalf("cut too much: a %d-byte frame", len(e.frame))
			}
		})
	}
}

func TestFramesCarryTheIDAndTheEnvelope(t *testing.T) {
	e, err := encode(messageRow("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(e.frame, []byte("id: 1234567\ndata: {")) || !bytes.HasSuffix(e.frame, []byte("}\n\n")) {
		t.Fatalf("frame %q", e.frame)
	}
	var env map[string]any
	if err := json.Unmarshal(dataLine(t, e.frame), &env); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"id", "resource", "resource_type", "data", "created_at"} {
		if _, ok := env[key]; !ok {
			t.Errorf("envelope lacks %q: %v", key, env)
		}
	}
}
