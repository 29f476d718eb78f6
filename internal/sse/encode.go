package sse

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/api"
	"orderchat/gen/db"
	"orderchat/internal/eventlog"
)

// maxDataLine bounds one `data:` line: "data: " plus the JSON (openapi.yaml, "Events").
const maxDataLine = 2048

const dataPrefix = "data: "

// event is one log entry ready to send: who may see it and its SSE frame.
type event struct {
	id          int64
	userID      uuid.UUID // the order's customer
	userVisible bool      // whether the customer's stream carries it
	frame       []byte    // "id: N\ndata: {...}\n\n"
}

// encode turns a log row into its SSE frame. Message text is cut (meta.truncated) so
// that the data line stays within maxDataLine bytes; json.Marshal escapes every line
// break, so no content can split the frame.
func encode(row db.Event) (event, error) {
	data, err := fitLine(row)
	if err != nil {
		return event{}, err
	}
	e := event{id: row.ID, userVisible: row.UserVisible, frame: frame(row.ID, data)}
	if row.UserID != nil {
		e.userID = *row.UserID
	}
	return e, nil
}

// fitLine is the row's JSON (eventlog.Marshal), a messages.new event's text cut to the
// longest prefix that keeps the data line within maxDataLine.
func fitLine(row db.Event) ([]byte, error) {
	data, err := eventlog.Marshal(row)
	if err != nil || len(dataPrefix)+len(data) <= maxDataLine {
		return data, err
	}
	if row.ResourceType != string(api.MessageNewEventResourceTypeMessagesNew) {
		return nil, fmt.Errorf("event %d: a %d-byte data line with no text to cut", row.ID, len(data))
	}
	var meta api.MessageNewMeta
	if err := json.Unmarshal(row.Meta, &meta); err != nil {
		return nil, fmt.Errorf("event %d: meta: %w", row.ID, err)
	}
	meta.Truncated = true
	// Binary search on the number of runes kept: escaping makes bytes per rune vary.
	runes := []rune(meta.MessageContent)
	lo, hi := 0, len(runes)
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		meta.MessageContent = string(runes[:mid])
		if row.Meta, err = json.Marshal(meta); err != nil {
			return nil, fmt.Errorf("event %d: meta: %w", row.ID, err)
		}
		candidate, err := eventlog.Marshal(row)
		if err != nil {
			return nil, err
		}
		if len(dataPrefix)+len(candidate) <= maxDataLine {
			best, lo = candidate, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best == nil {
		return nil, fmt.Errorf("event %d: does not fit a data line even without its text", row.ID)
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

// heartbeatFrame is an SSE comment: it keeps proxies from timing the stream out.
var heartbeatFrame = []byte(":\n\n")

// resetFrame is the stream.reset event (openapi.yaml: StreamResetEvent), which is not in
// the log; id is the position the stream goes live from, where a reconnect resumes.
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

func controlFrame[E api.StreamResetEvent | api.StreamTokenExpiredEvent](id int64, e E) []byte {
	data, _ := json.Marshal(e) // strings, numbers and times always marshal
	return frame(id, data)
}
