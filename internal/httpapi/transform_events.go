package httpapi

import (
	"encoding/json"
	"fmt"

	"github.com/oapi-codegen/runtime"

	"orderchat/gen/api"
	"orderchat/gen/db"
	"orderchat/internal/chat"
	"orderchat/internal/eventlog"
)

// EventMeta is chat's EventEncoder: each event's meta is built as the generated type of
// its openapi.yaml *Meta schema, so that a meta that drifts from the contract does not
// compile, and chat's EventEncoder has one method per event type, so that a new type does
// not compile until it is mapped here (README: "Adding an event type").
type EventMeta struct{}

var _ chat.EventEncoder = EventMeta{}

func (EventMeta) OrderCreated(e chat.OrderCreated) ([]byte, error) {
	return encodeMeta(api.OrderCreatedMeta{
		UserId: e.UserID, Status: api.OrderStatus(e.Status), TotalCents: e.TotalCents, ItemCount: e.ItemCount,
	})
}

func (EventMeta) OrderUpdated(e chat.OrderUpdated) ([]byte, error) {
	return encodeMeta(api.OrderUpdatedMeta{Status: api.OrderStatus(e.Status), PreviousStatus: api.OrderStatus(e.Previous)})
}

func (EventMeta) MessagePosted(e chat.MessagePosted) ([]byte, error) {
	return encodeMeta(api.MessageNewMeta{
		MessageId: e.MessageID, Owner: api.Owner(e.Owner), Author: toPerson(e.Author), Visibility: api.MessageVisibility(e.Visibility),
		CreatedAt: e.CreatedAt.UTC(), HasMedia: e.HasMedia, MessageContent: e.Content,
	})
}

func (EventMeta) ThreadClosed(e chat.ThreadClosed) ([]byte, error) {
	return encodeMeta(api.ThreadClosedMeta{ClosedAt: e.ClosedAt.UTC()})
}

func (EventMeta) ThreadRead(e chat.ThreadRead) ([]byte, error) {
	return encodeMeta(api.ThreadReadMeta{Reader: api.Owner(e.Reader), ReadBy: toPerson(e.ReadBy), MessageId: e.MessageID, ReadAt: e.ReadAt.UTC()})
}

func (EventMeta) ThreadAssigned(e chat.ThreadAssigned) ([]byte, error) {
	return encodeMeta(api.ThreadAssignedMeta{
		Assignee: toAssignee(e.Assignee), PreviousAssignee: toAssignee(e.Previous), AssignedBy: toPerson(e.By), AssignedAt: e.AssignedAt.UTC(),
	})
}

// eventMeta lists the generated *Meta types of the stored event types: encodeMeta takes
// nothing else.
type eventMeta interface {
	api.OrderCreatedMeta | api.OrderUpdatedMeta | api.MessageNewMeta | api.ThreadClosedMeta | api.ThreadReadMeta |
		api.ThreadAssignedMeta
}

func encodeMeta[M eventMeta](meta M) ([]byte, error) {
	data, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("encode event meta: %w", err)
	}
	return data, nil
}

// toEvent is a log row as an api.Event: the JSON the streams carry, with the whole meta
// (the feed is not bound by the SSE line limit).
func toEvent(row db.Event) (api.Event, error) {
	var e api.Event
	data, err := eventlog.Marshal(row)
	if err == nil {
		err = e.UnmarshalJSON(data)
	}
	return e, err
}

// toNotification is an event as its recipient sees it: each member of the Notification
// union is its event type plus ReadState (openapi.yaml: Notification).
func toNotification(n chat.Notification) (api.Notification, error) {
	data, err := eventlog.Marshal(n.Event)
	if err == nil {
		readState, _ := json.Marshal(api.ReadState{IsRead: n.IsRead}) // a bool always marshals
		data, err = runtime.JSONMerge(data, readState)
	}
	var out api.Notification
	if err == nil {
		err = out.UnmarshalJSON(data)
	}
	if err != nil {
		return api.Notification{}, fmt.Errorf("notification: %w", err)
	}
	return out, nil
}
