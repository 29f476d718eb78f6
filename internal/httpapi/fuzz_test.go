package httpapi

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"orderchat/internal/media"
)

// FuzzReadUpload feeds arbitrary multipart bodies to the upload reader: it never
// panics, never keeps more than the attachment limit (+1 byte to detect "more"), and
// answers anything it refuses with a 400 or 413 problem.
func FuzzReadUpload(f *testing.F) {
	for _, seed := range []string{
		"--B\r\nContent-Disposition: form-data; name=\"thread_id\"\r\n\r\n0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e\r\n--B--\r\n",
		"--B\r\nContent-Disposition: form-data; name=\"media_data\"; filename=\"a.png\"\r\n\r\n\x89PNG\r\n\x1a\n\r\n--B--\r\n",
		"--B\r\nContent-Disposition: form-data; name=\"message_content\"\r\n\r\nhello\r\n--B\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\nuser\r\n--B--\r\n",
		"--B\r\n\r\n--B--",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := readUpload(multipart.NewReader(bytes.NewReader(body), "B"))
		if err != nil {
			var p *problem
			if !errors.As(err, &p) || (p.status != http.StatusBadRequest && p.status != http.StatusRequestEntityTooLarge) || p.detail == "" {
				t.Fatalf("refusal %v is not a 400/413 problem", err)
			}
			return
		}
		if m.Media != nil && len(m.Media.Data) > media.MaxBytes+1 {
			t.Fatalf("kept %d attachment bytes", len(m.Media.Data))
		}
		if len(m.Content) > maxFieldBytes {
			t.Fatalf("kept %d bytes of text", len(m.Content))
		}
	})
}

// FuzzParseLastEventID: a resume point is accepted only as a canonical non-negative id.
func FuzzParseLastEventID(f *testing.F) {
	for _, seed := range []string{"0", "42", "9223372036854775807", "9223372036854775808", "-1", "+1", "1e3", " 1", "", "0x10"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseLastEventID(s)
		if err != nil {
			return
		}
		if id < 0 {
			t.Fatalf("accepted %q as %d", s, id)
		}
		if back, _ := strconv.ParseInt(s, 10, 64); back != id {
			t.Fatalf("%q read as %d", s, id)
		}
	})
}
