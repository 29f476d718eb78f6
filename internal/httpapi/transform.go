package httpapi

import (
	"time"

	"github.com/google/uuid"

	"orderchat/gen/api"
	"orderchat/internal/chat"
)

// The transform*.go files are the one place where chat's domain values become the models
// of openapi.yaml (gen/api) and back, and where the URLs in them are built: chat knows
// the rules, not the contract's shapes or routes (README: "Architecture"). Times leave in
// UTC (RFC 3339, openapi.yaml: format date-time).

// orderURL is where an order is read (openapi.yaml: getOrder), createOrder's Location.
func orderURL(id uuid.UUID) string { return apiBase + "/orders/" + id.String() }

// mediaURL is where a message's attachment is downloaded (openapi.yaml: getMessageMedia).
func mediaURL(messageID uuid.UUID) string {
	return apiBase + "/messages/" + messageID.String() + "/media"
}

func fromOrderItem(it api.OrderItem) chat.Item {
	return chat.Item{Name: it.Name, Quantity: it.Quantity, UnitPriceCents: it.UnitPriceCents}
}

func toOrder(o chat.Order) api.Order {
	return api.Order{
		OrderId: o.ID, UserId: o.UserID, Customer: toCustomer(o.Customer), ThreadId: o.ThreadID, Status: api.OrderStatus(o.Status), TotalCents: o.TotalCents,
		Items: each(o.Items, toOrderItem), StatusHistory: each(o.StatusHistory, toStatusChange),
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}

func toOrderItem(it chat.Item) api.OrderItem {
	return api.OrderItem{Name: it.Name, Quantity: it.Quantity, UnitPriceCents: it.UnitPriceCents}
}

func toStatusChange(c chat.StatusChange) api.OrderStatusChange {
	return api.OrderStatusChange{
		Status: api.OrderStatus(c.Status), PreviousStatus: api.OrderStatus(c.Previous), ChangedAt: c.ChangedAt.UTC(), EventId: c.EventID,
	}
}

func toThread(t chat.Thread) api.Thread {
	out := api.Thread{
		ThreadId: t.ThreadID, OrderId: t.OrderID, UserId: t.UserID, Customer: toCustomer(t.Customer), Assignee: toAssignee(t.Assignee),
		IsActive:  t.IsActive,
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), ClosedAt: utcPtr(t.ClosedAt),
		UnreadCount: t.UnreadCount, LastReadMessageId: t.LastReadMessageID,
	}
	if m := t.LastMessage; m != nil {
		out.LastMessage = &api.MessagePreview{
			MessageId: m.ID, Owner: api.Owner(m.Owner), Author: toPerson(m.Author), Visibility: api.MessageVisibility(m.Visibility),
			MessageContent: m.Content, HasMedia: m.HasMedia, CreatedAt: m.CreatedAt.UTC(),
		}
	}
	return out
}

func toMessage(m chat.Message) api.Message {
	out := api.Message{
		MessageId: m.ID, ThreadId: m.ThreadID, MessageContent: m.Content, Owner: api.Owner(m.Owner), Seen: m.Seen,
		Author: toPerson(m.Author), Visibility: api.MessageVisibility(m.Visibility),
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
	if a := m.Media; a != nil {
		out.Media = &api.Media{
			ContentType: api.MediaContentType(a.ContentType), SizeBytes: a.SizeBytes, Filename: a.Filename, Url: mediaURL(m.ID),
		}
	}
	return out
}

func toPerson(p chat.Person) api.Person {
	return api.Person{Id: p.ID, Role: api.Owner(p.Role), DisplayName: p.DisplayName}
}

func toCustomer(c chat.Customer) api.Customer {
	return api.Customer{Id: c.ID, DisplayName: c.DisplayName, Email: c.Email}
}

// toAssignee is an assigned admin, or nil (the contract's null) for nobody.
func toAssignee(p *chat.Person) *api.Assignee {
	if p == nil {
		return nil
	}
	return &api.Assignee{Id: p.ID, DisplayName: p.DisplayName}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// each maps every value of in. The result is never nil: the contract's arrays are never null.
func each[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// eachOrError is each for a mapping that can fail.
func eachOrError[T, U any](in []T, f func(T) (U, error)) ([]U, error) {
	out := make([]U, len(in))
	for i, v := range in {
		var err error
		if out[i], err = f(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}
