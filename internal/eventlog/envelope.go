package eventlog

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// envelope is an event as clients see it (openapi.yaml: Event) with the meta as its
// emitter wrote it: the generated *Meta type of its resource_type (chat.encodeMeta).
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

// Marshal is a log row as the JSON of an Event: what the feed, the notifications and
// (cut to one line by internal/sse) the streams carry.
func Marshal(row db.Event) ([]byte, error) {
	data, err := json.Marshal(envelope{
		ID: row.ID, Resource: row.Resource, ResourceType: row.ResourceType, CreatedAt: row.CreatedAt.UTC(),
		Data: eventData{OrderID: row.OrderID, ThreadID: row.ThreadID, Meta: row.Meta},
	})
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", row.ID, err)
	}
	return data, nil
}
