package httpapi

import (
	"context"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// tab is another client of the same principal as a (another tab or device), with its
// own token.
func (s *testServer) tab(t *testing.T, a *actor) *actor {
	t.Helper()
	return s.actorWithToken(t, a.Principal, time.Now().Add(-time.Second)) // another token than a's
}

func notifications(t *testing.T, a *actor) apiclient.NotificationList {
	t.Helper()
	return *expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(a.api.ListNotificationsWithResponse(context.Background(), nil)).JSON200
}

// readState maps the message ids of a's messages.new notifications to their read state.
func readState(t *testing.T, a *actor) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	for _, n := range notifications(t, a).Items {
		if note := noteOf(t, n); note.ResourceType == "messages.new" {
			got[note.Data.Meta["message_id"].(string)] = note.IsRead
		}
	}
	return got
}

func markRead(t *testing.T, a *actor, thread uuid.UUID, msg uuid.UUID) {
	t.Helper()
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(a.api.MarkThreadReadWithResponse(context.Background(), thread, apiclient.MarkThreadReadRequest{MessageId: msg}))
}

// TestReadReceiptsAreNoNotifications: threads.read events still reach the streams (the
// other side's ticks), but are never notifications: not listed, not counted, not
// markable, not counted by read-all.
func TestReadReceiptsAreNoNotifications(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	userStream := s.follow(t, user.token, "/api/users/sse/notification/"+user.Subject.String(), 0)
	order := user.placeOrder(t)
	fromUser := user.say(t, order.ThreadId, "hello")
	fromAdmin := admin.say(t, order.ThreadId, "hi")
	userStream.next(t, 2) // the two messages.new (orders.created is for admins only)

	markRead(t, admin, order.ThreadId, fromUser.MessageId)
	markRead(t, user, order.ThreadId, fromAdmin.MessageId)
	if got := types(userStream.next(t, 1)); len(got) != 1 || got[0] != "threads.read" {
		t.Fatalf("the user's stream carries %v, want the admin's threads.read (ticks)", got)
	}
	var receipts []int64
	rows, err := s.Pool.Query(ctx, `SELECT id FROM events WHERE resource_type = 'threads.read' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		receipts = append(receipts, id)
	}
	if len(receipts) != 2 {
		t.Fatalf("%d threads.read events, want 2", len(receipts))
	}

	for _, a := range []*actor{user, admin} {
		list := notifications(t, a)
		for _, n := range list.Items {
			if noteOf(t, n).ResourceType == "threads.read" {
				t.Fatalf("%s is notified of a read receipt: %+v", a.Role, list.Items)
			}
		}
		// user: the admin's message (read by reading the thread); admin: the order and the user's message.
		wantUnread := map[auth.Role]int{auth.RoleUser: 0, auth.RoleAdmin: 1}[a.Role]
		if list.UnreadCount != wantUnread {
			t.Fatalf("%s unread %d, want %d: %+v", a.Role, list.UnreadCount, wantUnread, list.Items)
		}
		for _, id := range receipts {
			expect[*apiclient.UpdateNotificationResponse](t, http.StatusNotFound)(a.api.UpdateNotificationWithResponse(ctx, id, apiclient.UpdateNotificationRequest{IsRead: true}))
		}
		unreadOnly := true
		only := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(a.api.ListNotificationsWithResponse(ctx, &apiclient.ListNotificationsParams{UnreadOnly: &unreadOnly})).JSON200
		if len(only.Items) != wantUnread {
			t.Fatalf("%s unread_only lists %d, want %d", a.Role, len(only.Items), wantUnread)
		}
		all := expect[*apiclient.MarkAllNotificationsReadResponse](t, http.StatusOK)(a.api.MarkAllNotificationsReadWithResponse(ctx))
		if all.JSON200.Updated != wantUnread {
			t.Fatalf("%s read-all updated %d, want %d", a.Role, all.JSON200.Updated, wantUnread)
		}
	}
}

// TestReadingAThreadReadsItsNotifications: POST /threads/{id}/read marks read the caller's
// notifications of that thread's messages up to the message read, as server state (another
// tab of the same principal agrees), and nothing else: later messages, other threads, other
// principals and other kinds of notification stay unread. A colleague who reads after the
// side's marker already moved gets theirs marked too.
func TestReadingAThreadReadsItsNotifications(t *testing.T) {
	s := newTestServer(t)
	user, admin, colleague := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin), s.newActor(t, auth.RoleAdmin)
	order, elsewhere := user.placeOrder(t), user.placeOrder(t)
	var said []apiclient.Message
	for _, text := range []string{"one", "two", "three"} {
		said = append(said, admin.say(t, order.ThreadId, text))
	}
	other := admin.say(t, elsewhere.ThreadId, "in another thread")
	expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(context.Background(), order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Paid}))
	phone := s.tab(t, user)

	if got := notifications(t, phone).UnreadCount; got != 5 {
		t.Fatalf("user unread %d before reading, want 5 (4 messages, 1 status change)", got)
	}
	markRead(t, user, order.ThreadId, said[1].MessageId)
	list := notifications(t, phone) // the other tab asks the server
	if list.UnreadCount != 3 {
		t.Fatalf("after reading up to the second message the other tab counts %d unread, want 3", list.UnreadCount)
	}
	want := map[string]bool{said[0].MessageId.String(): true, said[1].MessageId.String(): true, said[2].MessageId.String(): false, other.MessageId.String(): false}
	if got := readState(t, phone); !maps.Equal(got, want) {
		t.Fatalf("read state %v, want %v", got, want)
	}
	for _, n := range list.Items {
		if note := noteOf(t, n); note.ResourceType == "orders.updated" && note.IsRead {
			t.Fatal("reading the chat marked the status change read")
		}
	}
	markRead(t, user, order.ThreadId, said[2].MessageId)
	if got := notifications(t, phone).UnreadCount; got != 2 {
		t.Fatalf("after reading the thread: unread %d, want 2 (the other thread, the status change)", got)
	}

	// The admins: the user's messages notify both; one reading leaves the other's unread.
	asked := []apiclient.Message{user.say(t, order.ThreadId, "a question"), user.say(t, order.ThreadId, "another")}
	before := notifications(t, colleague).UnreadCount
	markRead(t, admin, order.ThreadId, asked[1].MessageId)
	if got := readState(t, admin); !got[asked[0].MessageId.String()] || !got[asked[1].MessageId.String()] {
		t.Fatalf("the reader's notifications: %v", got)
	}
	if got := notifications(t, colleague).UnreadCount; got != before {
		t.Fatalf("a colleague's unread went %d → %d when another admin read", before, got)
	}
	var receipts int
	countReceipts := func() int {
		t.Helper()
		if err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM events WHERE resource_type = 'threads.read'`).Scan(&receipts); err != nil {
			t.Fatal(err)
		}
		return receipts
	}
	n := countReceipts()
	markRead(t, colleague, order.ThreadId, asked[1].MessageId) // the admin side's marker is already there
	if countReceipts() != n {
		t.Fatal("a marker that did not move emitted threads.read")
	}
	// The thread's five messages: three from the other admin, the user's two.
	if got := notifications(t, colleague).UnreadCount; got != before-5 {
		t.Fatalf("the colleague's unread after reading: %d, want %d", got, before-5)
	}
}
