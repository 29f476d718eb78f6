package eventlog

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"orderchat/gen/db"
)

// Marshal is a log row as the JSON of an Event (openapi.yaml: Event), with the meta as its
// emitter wrote it (the generated *Meta type of its resource_type, chat.encodeMeta): what
// the feed, the notifications and (cut to one line by internal/sse) the streams carry.
//
// The bytes are those json.Marshal gives for the envelope (envelope_test.go holds it as
// the oracle), assembled by hand: json.Marshal re-parses the meta to compact it, half of
// the server's CPU when a stream replays the log (issue 16, BenchmarkReplay). The meta
// comes from PostgreSQL's jsonb or from json.Marshal, so it is valid JSON already.
func Marshal(row db.Event) ([]byte, error) {
	created := row.CreatedAt.UTC()
	if y := created.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("event %d: created_at %v is outside the years JSON can carry", row.ID, created)
	}
	b := make([]byte, 0, 300+len(row.Meta)) // the envelope around meta takes up to about 250 bytes
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, row.ID, 10)
	b = append(b, `,"resource":`...)
	b = appendString(b, row.Resource)
	b = append(b, `,"resource_type":`...)
	b = appendString(b, row.ResourceType)
	b = append(b, `,"data":{`...)
	if row.OrderID != nil {
		b = append(b, `"order_id":"`...)
		b = append(b, row.OrderID.String()...)
		b = append(b, `",`...)
	}
	if row.ThreadID != nil {
		b = append(b, `"thread_id":"`...)
		b = append(b, row.ThreadID.String()...)
		b = append(b, `",`...)
	}
	b = append(b, `"meta":`...)
	if row.Meta == nil {
		b = append(b, "null"...)
	} else {
		b = appendCompact(b, row.Meta)
	}
	b = append(b, `},"created_at":"`...)
	b = created.AppendFormat(b, time.RFC3339Nano)
	return append(b, `"}`...), nil
}

// appendString appends s as a JSON string; only plain ASCII is copied as it is, the rest
// goes through encoding/json (resource names are plain ASCII).
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always marshals
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendCompact appends the valid JSON doc without the whitespace between its tokens and
// with <, >, &, U+2028 and U+2029 escaped in its strings, as json.Marshal writes a
// json.RawMessage.
func appendCompact(b, doc []byte) []byte {
	const hex = "0123456789abcdef"
	inString, escaped := false, false
	from := 0 // doc[from:i] is still to be copied as it is
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if !inString {
			switch c {
			case ' ', '\t', '\n', '\r':
				b, from = append(b, doc[from:i]...), i+1
			case '"':
				inString = true
			}
			continue
		}
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			inString = false
		case c == '<' || c == '>' || c == '&':
			b = append(append(b, doc[from:i]...), '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			from = i + 1
		case c == 0xE2 && i+2 < len(doc) && doc[i+1] == 0x80 && doc[i+2]&^1 == 0xA8: // U+2028, U+2029
			b = append(append(b, doc[from:i]...), '\\', 'u', '2', '0', '2', "89"[doc[i+2]&1])
			i += 2
			from = i + 1
		}
	}
	return append(b, doc[from:]...)
}
