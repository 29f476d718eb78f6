package chat

import (
	"time"

	"github.com/google/uuid"
)

// Events are appended by the statement that makes the change (queries/*.sql), through
// append_event (migrations/00004), which readers rely on to deliver ids in order (see
// package eventlog). The service supplies each event's meta, and the times in it, so that the
// event carries exactly what was stored.

// EventEncoder turns each event the service appends into the meta stored with it. The
// meta's JSON is part of the contract (openapi.yaml: the *Meta schemas), so the HTTP layer
// implements this with the generated types (httpapi.EventMeta). One method per event type:
// a type added here does not compile until it is given its contract shape (README:
// "Adding an event type").
type EventEncoder interface {
	OrderCreated(OrderCreated) ([]byte, error)
	OrderUpdated(OrderUpdated) ([]byte, error)
	MessagePosted(MessagePosted) ([]byte, error)
	ThreadClosed(ThreadClosed) ([]byte, error)
	ThreadRead(ThreadRead) ([]byte, error)
	ThreadAssigned(ThreadAssigned) ([]byte, error)
}

// OrderCreated is orders.created: a customer placed an order, and its thread opened.
type OrderCreated struct {
	UserID     uuid.UUID
	Status     OrderStatus
	TotalCents int64
	ItemCount  int
}

// OrderUpdated is orders.updated: an admin moved an order from Previous to Status.
type OrderUpdated struct {
	Status, Previous OrderStatus
}

// MessagePosted is messages.new. Content is the whole text; the streams cut it to fit
// their line (internal/sse, encode.go).
type MessagePosted struct {
	MessageID  uuid.UUID
	Owner      Side
	Author     Person
	Visibility Visibility
	CreatedAt  time.Time
	HasMedia   bool
	Content    string
}

// ThreadClosed is threads.closed: an admin closed a thread.
type ThreadClosed struct {
	ClosedAt time.Time
}

// ThreadRead is threads.read: Reader's read marker moved forward to MessageID.
type ThreadRead struct {
	Reader    Side
	ReadBy    Person // which admin, when Reader is the admins' side
	MessageID uuid.UUID
	ReadAt    time.Time
}

// dbNow is the current time as PostgreSQL stores it (microseconds), so that a time
// written to a row and to its event's meta is the same value.
func dbNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ThreadAssigned is threads.assigned: an admin gave the thread to Assignee (nil: to
// nobody). Only admins see it.
type ThreadAssigned struct {
	Assignee, Previous *Person
	By                 Person
	AssignedAt         time.Time
}
