// Package events delivers the event log to Server-Sent Event streams: one listener per
// process reads committed events in id order, up to the settled id (horizon.go), and fans
// them out to its subscribers; a reconnecting client replays what it missed from the log.
package events

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// MaxDataLine bounds one `data:` line: "data: " plus the JSON (SRS 7: events <= 2 KB).
const MaxDataLine = 2048

const dataPrefix = "data: "

// envelope is the SRS's event shape (openapi.yaml: Event).
type envelope struct {
	ID           int64     `json:"id"`
	Resource     string    `json:"resource"`
	ResourceType string    `json:"resource_type"`
	Data         eventData `json:"data"`
	CreatedAt    time.Time `json:"created_at"`
}

type eventData struct {
	OrderID  *uuid.UUID     `json:"order_id,omitempty"`
	ThreadID *uuid.UUID     `json:"thread_id,omitempty"`
	Meta     map[string]any `json:"meta"`
}

// Event is one log entry ready to send: who may see it and its SSE frame.
type Event struct {
	ID          int64
	UserID      uuid.UUID // the order's customer
	UserVisible bool      // whether the customer's stream carries it
	Frame       []byte    // "id: N\ndata: {...}\n\n"
}

// Encode turns a log row into its SSE frame. Message text is cut (meta.truncated) so
// that the data line stays within MaxDataLine bytes; json.Marshal escapes every line
// break, so no content can split the frame.
func Encode(row db.Event) (Event, error) {
	var meta map[string]any
	if err := json.Unmarshal(row.Meta, &meta); err != nil {
		return Event{}, fmt.Errorf("event %d: meta: %w", row.ID, err)
	}
	if meta == nil {
		meta = map[string]any{}
	}
	env := envelope{
		ID: row.ID, Resource: row.Resource, ResourceType: row.ResourceType, CreatedAt: row.CreatedAt.UTC(),
		Data: eventData{OrderID: row.OrderID, ThreadID: row.ThreadID, Meta: meta},
	}
	data, err := fitLine(&env)
	if err != nil {
		return Event{}, fmt.Errorf("event %d: %w", row.ID, err)
	}
	e := Event{ID: row.ID, UserVisible: row.UserVisible, Frame: frame(row.ID, data)}
	if row.UserID != nil {
		e.UserID = *row.UserID
	}
	return e, nil
}

// fitLine marshals env, cutting meta.message_content to the longest prefix that keeps
// the data line within MaxDataLine.
func fitLine(env *envelope) ([]byte, error) {
	data, err := json.Marshal(env)
	if err != nil || len(dataPrefix)+len(data) <= MaxDataLine {
		return data, err
	}
	text, ok := env.Data.Meta["message_content"].(string)
	if !ok {
		return nil, fmt.Errorf("a %d-byte data line with no text to cut", len(data))
	}
	env.Data.Meta["truncated"] = true
	// Binary search on the number of runes kept: escaping makes bytes per rune vary.
	runes := []rune(text)
	lo, hi := 0, len(runes)
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		env.Data.Meta["message_content"] = string(runes[:mid])
		candidate, err := json.Marshal(env)
		if err != nil {
			return nil, err
		}
		if len(dataPrefix)+len(candidate) <= MaxDataLine {
			best, lo = candidate, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best == nil {
		return nil, fmt.Errorf("the event does not fit a data line even without its text")
	}
	return best, nil
}

func frame(id int64, data []byte) []byte {
	b := make([]byte, 0, len(data)+32)
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, '\n')
	b = append(b, dataPrefix...)
	b = append(b, data...)
	return append(b, '\n', '\n')
}

// controlFrame is a frame for a stream-level event (stream.reset, stream.token_expired)
// that is not in the log.
func controlFrame(id int64, resourceType string, meta map[string]any) []byte {
	data, _ := json.Marshal(envelope{ // a map of strings and times always marshals
		ID: id, Resource: "stream", ResourceType: resourceType, CreatedAt: time.Now().UTC(),
		Data: eventData{Meta: meta},
	})
	return frame(id, data)
}
