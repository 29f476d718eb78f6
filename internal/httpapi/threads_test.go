package httpapi

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

func TestClosingIsIdempotentAndEmitsOnce(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	first := expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	second := expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	if !first.JSON200.ClosedAt.Equal(*second.JSON200.ClosedAt) {
		t.Fatalf("closed_at moved: %v then %v", first.JSON200.ClosedAt, second.JSON200.ClosedAt)
	}
	if got := s.eventTypes(t); !slices.Equal(got, []string{"orders.created", "threads.closed"}) {
		t.Fatalf("events %v", got)
	}
	expect[*apiclient.UpdateThreadResponse](t, http.StatusNotFound)(admin.api.UpdateThreadWithResponse(ctx, uuid.New(), apiclient.UpdateThreadRequest{IsActive: false}))
}

func TestOrderStatusChangesEmitOnlyRealChanges(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	for _, status := range []apiclient.OrderStatus{apiclient.Paid, apiclient.Paid, apiclient.Shipped} {
		got := expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: status}))
		if got.JSON200.Status != status {
			t.Fatalf("status %s, want %s", got.JSON200.Status, status)
		}
	}
	if got := s.eventTypes(t); !slices.Equal(got, []string{"orders.created", "orders.updated", "orders.updated"}) {
		t.Fatalf("events %v", got)
	}
	notes := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(user.api.ListNotificationsWithResponse(ctx, nil))
	if len(notes.JSON200.Items) != 2 || noteOf(t, notes.JSON200.Items[0]).Data.Meta["status"] != "shipped" || noteOf(t, notes.JSON200.Items[0]).Data.Meta["previous_status"] != "paid" {
		t.Fatalf("user's notifications: %+v", notes.JSON200.Items)
	}
	shipped := apiclient.Shipped
	list := expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(admin.api.ListOrdersWithResponse(ctx, &apiclient.ListOrdersParams{Status: &shipped}))
	pending := apiclient.Pending
	none := expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(user.api.ListOrdersWithResponse(ctx, &apiclient.ListOrdersParams{Status: &pending}))
	if len(list.JSON200.Items) != 1 || len(none.JSON200.Items) != 0 {
		t.Fatalf("status filter: %d shipped (admin), %d pending (user)", len(list.JSON200.Items), len(none.JSON200.Items))
	}
}

func TestTheInboxShowsNewestActivityFirst(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	var orders []apiclient.Order
	for range 3 {
		orders = append(orders, user.placeOrder(t))
	}
	user.say(t, orders[0].ThreadId, "the oldest order, newest message")
	inbox := expect[*apiclient.ListThreadsResponse](t, http.StatusOK)(admin.api.ListThreadsWithResponse(ctx, nil))
	var got []uuid.UUID
	for _, th := range inbox.JSON200.Items {
		got = append(got, th.ThreadId)
	}
	want := []uuid.UUID{orders[0].ThreadId, orders[2].ThreadId, orders[1].ThreadId}
	if !slices.Equal(got, want) {
		t.Fatalf("inbox order %v, want %v", got, want)
	}
	if first := inbox.JSON200.Items[0]; first.UnreadCount != 1 || first.LastMessage == nil || first.LastMessage.Owner != apiclient.User {
		t.Fatalf("inbox head: %+v", first)
	}
	// Paging through the inbox one thread at a time gives the same order.
	one, got2 := 1, []uuid.UUID{}
	var cursor *string
	for {
		page := expect[*apiclient.ListThreadsResponse](t, http.StatusOK)(admin.api.ListThreadsWithResponse(ctx, &apiclient.ListThreadsParams{Limit: &one, Cursor: cursor}))
		for _, th := range page.JSON200.Items {
			got2 = append(got2, th.ThreadId)
		}
		if cursor = page.JSON200.NextCursor; cursor == nil {
			break
		}
	}
	if !slices.Equal(got2, want) {
		t.Fatalf("paged inbox %v, want %v", got2, want)
	}
}

// TestReadMarkersDriveSeenAndUnread: the admin reading moves the user's "seen" ticks and
// the admin's unread count; markers never move back; each move emits threads.read.
func TestReadMarkersDriveSeenAndUnread(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	first := user.say(t, order.ThreadId, "one")
	second := user.say(t, order.ThreadId, "two")

	thread := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(admin.api.GetThreadWithResponse(ctx, order.ThreadId))
	if thread.JSON200.UnreadCount != 2 {
		t.Fatalf("admin unread %d, want 2", thread.JSON200.UnreadCount)
	}
	read := expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(admin.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: first.MessageId}))
	if read.JSON200.UnreadCount != 1 || *read.JSON200.LastReadMessageId != first.MessageId {
		t.Fatalf("after reading the first: %+v", read.JSON200)
	}
	msgs := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(user.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId}))
	if !msgs.JSON200.Items[0].Seen || msgs.JSON200.Items[1].Seen {
		t.Fatalf("seen ticks: %v %v, want true false", msgs.JSON200.Items[0].Seen, msgs.JSON200.Items[1].Seen)
	}
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(admin.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: second.MessageId}))
	back := expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(admin.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: first.MessageId}))
	if back.JSON200.UnreadCount != 0 || *back.JSON200.LastReadMessageId != second.MessageId {
		t.Fatalf("the marker moved back: %+v", back.JSON200)
	}
	// The user's own unread count is untouched by the admin's reading, and the moves are
	// no notifications of the user's (read receipts update ticks: see quiet_test.go).
	mine := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(user.api.GetThreadWithResponse(ctx, order.ThreadId))
	notes := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(user.api.ListNotificationsWithResponse(ctx, nil))
	if mine.JSON200.UnreadCount != 0 || len(notes.JSON200.Items) != 0 || notes.JSON200.UnreadCount != 0 {
		t.Fatalf("user view: unread %d, notifications %+v", mine.JSON200.UnreadCount, notes.JSON200.Items)
	}
	if got := s.eventTypes(t); !slices.Equal(got, []string{"orders.created", "messages.new", "messages.new", "threads.read", "threads.read"}) {
		t.Fatalf("events %v", got)
	}
}

func TestOrdersPageNewestFirst(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	var want []uuid.UUID
	for range 5 {
		want = append([]uuid.UUID{user.placeOrder(t).OrderId}, want...)
	}
	s.newActor(t, auth.RoleUser).placeOrder(t) // another customer's order: not in the user's pages
	two := 2
	for _, a := range []*actor{user, admin} {
		var got []uuid.UUID
		var cursor *string
		for {
			page := expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(a.api.ListOrdersWithResponse(ctx, &apiclient.ListOrdersParams{Limit: &two, Cursor: cursor}))
			for _, o := range page.JSON200.Items {
				if o.UserId == user.Subject {
					got = append(got, o.OrderId)
				}
				if len(o.Items) != 1 || o.TotalCents != 2500 {
					t.Fatalf("order without its items: %+v", o)
				}
			}
			if cursor = page.JSON200.NextCursor; cursor == nil {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s pages: %v, want %v", a.Role, got, want)
		}
	}
}
