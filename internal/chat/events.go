package chat

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// The event types of design.md; resource is the part before the dot.
const (
	OrderCreated = "orders.created"
	OrderUpdated = "orders.updated"
	MessageNew   = "messages.new"
	ThreadClosed = "threads.closed"
	ThreadRead   = "threads.read"
)

// event is one change to append to the event log.
type event struct {
	resource, resourceType string
	orderID, threadID      uuid.UUID
	owner                  uuid.UUID // the order's customer
	userVisible            bool      // whether the customer's stream carries it
	actor                  auth.Principal
	meta                   any
}

// appendEvent writes e to the event log. It must be the last statement of the
// transaction that made the change: it takes the event-log lock, which is held until
// commit so that event ids become visible in order.
func appendEvent(ctx context.Context, q *db.Queries, e event) (db.Event, error) {
	meta, err := json.Marshal(e.meta)
	if err != nil {
		return db.Event{}, fmt.Errorf("encode %s meta: %w", e.resourceType, err)
	}
	actor := e.actor.Subject
	row, err := q.AppendEvent(ctx, db.AppendEventParams{
		Resource:     e.resource,
		ResourceType: e.resourceType,
		OrderID:      &e.orderID,
		ThreadID:     &e.threadID,
		UserID:       &e.owner,
		UserVisible:  e.userVisible,
		ActorID:      &actor,
		Meta:         meta,
	})
	if err != nil {
		return db.Event{}, fmt.Errorf("append %s event: %w", e.resourceType, err)
	}
	return row, nil
}
