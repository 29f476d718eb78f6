package chat

import (
	"encoding/json"
	"fmt"
	"time"

	"orderchat/gen/api"
)

// Events are appended by the statement that makes the change (queries/*.sql), through
// append_event (migrations/00004), which readers rely on to deliver ids in order (see
// package eventlog). The service supplies each event's meta, and the times in it, so that the
// event carries exactly what was stored.

// eventMeta is the meta of every event type the service emits: the generated types of
// openapi.yaml's *Meta schemas, so that an emitter whose meta drifts from the contract
// does not compile. A new event type adds its meta type here (README: "Adding an event type").
type eventMeta interface {
	api.OrderCreatedMeta | api.OrderUpdatedMeta | api.MessageNewMeta | api.ThreadClosedMeta | api.ThreadReadMeta
}

// encodeMeta is an event's meta as JSON.
func encodeMeta[M eventMeta](meta M) ([]byte, error) {
	data, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("encode event meta: %w", err)
	}
	return data, nil
}

// dbNow is the current time as PostgreSQL stores it (microseconds), so that a time
// written to a row and to its event's meta is the same value.
func dbNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
