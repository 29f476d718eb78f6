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

	"orderchat/gen/api"
	"orderchat/gen/db"
)

// MaxDataLine bounds one `data:` line: "data: " plus the JSON (SRS 7: events <= 2 KB).
const MaxDataLine = 2048

const dataPrefix = "data: "

// envelope is the SRS's event shape (openapi.yaml: Event) with the meta as its emitter
// wrote it: the generated *Meta type of its resource_type (chat.encodeMeta).
type envelope struct {
	ID           int64     `json:"id"`
	Resource     string    `json:"resource"`
	ResourceType string    `json:"resource_type"`
	Data         eventData `json:"data"`
	CreatedAt    time.Time `json:"created_at"`
}

type eventData struct {
	OrderID  *uuid.UUID      `json:"order_id,omitempty"`
	ThreadID *uuid.UUID      `json:"thread_id,omitempty"`
	Meta     json.RawMessage `json:"meta"`
}

func newEnvelope(row db.Event) envelope {
	return envelope{
		ID: row.ID, Resource: row.Resource, ResourceType: row.ResourceType, CreatedAt: row.CreatedAt.UTC(),
		Data: eventData{OrderID: row.OrderID, ThreadID: row.ThreadID, Meta: row.Meta},
	}
}

// Marshal is a log row as the JSON of an Event, its meta whole (the feed and the
// notifications list are not bound by the SSE line limit).
func Marshal(row db.Event) ([]byte, error) {
	data, err := json.Marshal(newEnvelope(row))
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", row.ID, err)
	}
	return data, nil
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
	env := newEnvelope(row)
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

// fitLine marshals env, cutting a messages.new event's text to the longest prefix that
// keeps the data line within MaxDataLine.
func fitLine(env *envelope) ([]byte, error) {
	data, err := json.Marshal(env)
	if err != nil || len(dataPrefix)+len(data) <= MaxDataLine {
		return data, err
	}
	if env.ResourceType != string(api.MessageNewEventResourceTypeMessagesNew) {
		return nil, fmt.Errorf("a %d-byte data line with no text to cut", len(data))
	}
	var meta api.MessageNewMeta
	if err := json.Unmarshal(env.Data.Meta, &meta); err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	meta.Truncated = true
	// Binary search on the number of runes kept: escaping makes bytes per rune vary.
	runes := []rune(meta.MessageContent)
	lo, hi := 0, len(runes)
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		meta.MessageContent = string(runes[:mid])
		if env.Data.Meta, err = json.Marshal(meta); err != nil {
			return nil, err
		}
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

// resetFrame is the stream.reset event (openapi.yaml: StreamResetEvent), which is not in
// the log; id is the newest event id, where a reconnect resumes.
func resetFrame(id int64, reason string) []byte {
	return controlFrame(id, api.StreamResetEvent{
		Id: id, Resource: api.StreamResetEventResourceStream, ResourceType: api.StreamReset, CreatedAt: time.Now().UTC(),
		Data: api.StreamResetData{Meta: api.StreamResetMeta{Reason: reason}},
	})
}

// tokenExpiredFrame is the last event of a stream whose token expired (openapi.yaml:
// StreamTokenExpiredEvent); id is the last event the stream delivered.
func tokenExpiredFrame(id int64, expiredAt time.Time) []byte {
	return controlFrame(id, api.StreamTokenExpiredEvent{
		Id: id, Resource: api.StreamTokenExpiredEventResourceStream, ResourceType: api.StreamTokenExpired, CreatedAt: time.Now().UTC(),
		Data: api.StreamTokenExpiredData{Meta: api.StreamTokenExpiredMeta{ExpiredAt: expiredAt.UTC()}},
	})
}

func controlFrame[E api.StreamResetEvent | api.StreamTokenExpiredEvent](id int64, event E) []byte {
	data, _ := json.Marshal(event) // strings, numbers and times always marshal
	return frame(id, data)
}
