package httpapi

import (
	"context"
	"net/http"
	"testing"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

func TestNotificationsReadStateAndReadAll(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	user.say(t, order.ThreadId, "my own message is no notification of mine")
	for _, text := range []string{"a", "b", "c"} {
		admin.say(t, order.ThreadId, text)
	}
	list := func(a *actor, unreadOnly bool) apiclient.NotificationList {
		return *expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(a.api.ListNotificationsWithResponse(ctx, &apiclient.ListNotificationsParams{UnreadOnly: &unreadOnly})).JSON200
	}
	got := list(user, false)
	if len(got.Items) != 3 || got.UnreadCount != 3 || noteOf(t, got.Items[0]).Data.Meta["message_content"] != "c" {
		t.Fatalf("user notifications: %+v", got)
	}
	if admins := list(admin, false); len(admins.Items) != 2 || admins.UnreadCount != 2 {
		t.Fatalf("admin sees %d notifications (%d unread), want the order and the user's message", len(admins.Items), admins.UnreadCount)
	}

	one := expect[*apiclient.UpdateNotificationResponse](t, http.StatusOK)(user.api.UpdateNotificationWithResponse(ctx, noteOf(t, got.Items[1]).ID, apiclient.UpdateNotificationRequest{IsRead: true}))
	if !noteOf(t, *one.JSON200).IsRead {
		t.Fatal("marked read, answered unread")
	}
	if after := list(user, true); len(after.Items) != 2 || after.UnreadCount != 2 {
		t.Fatalf("unread after marking one: %d items, count %d", len(after.Items), after.UnreadCount)
	}
	all := expect[*apiclient.MarkAllNotificationsReadResponse](t, http.StatusOK)(user.api.MarkAllNotificationsReadWithResponse(ctx))
	if all.JSON200.Updated != 2 {
		t.Fatalf("read-all updated %d, want 2", all.JSON200.Updated)
	}
	if after := list(user, false); after.UnreadCount != 0 || !noteOf(t, after.Items[0]).IsRead {
		t.Fatalf("after read-all: %+v", after)
	}
	// Marking one unread again after read-all works, and new events arrive unread.
	expect[*apiclient.UpdateNotificationResponse](t, http.StatusOK)(user.api.UpdateNotificationWithResponse(ctx, noteOf(t, got.Items[2]).ID, apiclient.UpdateNotificationRequest{IsRead: false}))
	admin.say(t, order.ThreadId, "d")
	if after := list(user, true); len(after.Items) != 2 || after.UnreadCount != 2 {
		t.Fatalf("unread after re-marking one and a new message: %+v", after)
	}
	if again := expect[*apiclient.MarkAllNotificationsReadResponse](t, http.StatusOK)(user.api.MarkAllNotificationsReadWithResponse(ctx)); again.JSON200.Updated != 2 {
		t.Fatalf("second read-all updated %d, want 2", again.JSON200.Updated)
	}
}

// TestReadAllLeavesAnEventThatCommitsLaterUnread: read-all while an earlier event id is
// still uncommitted marks only what came before it; that event and the ones after it
// stay unread (marking up to the newest committed id would hide the late one for good).
func TestReadAllLeavesAnEventThatCommitsLaterUnread(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	stream := s.follow(t, user.token, userStream(user), 0)
	order := user.placeOrder(t)
	admin.say(t, order.ThreadId, "before")
	stream.next(t, 1) // delivered, so settled before the open event begins

	slow, late := s.openLateEvent(t, order, user, admin)
	defer slow.Rollback(ctx)
	admin.say(t, order.ThreadId, "after")

	all := expect[*apiclient.MarkAllNotificationsReadResponse](t, http.StatusOK)(user.api.MarkAllNotificationsReadWithResponse(ctx))
	if all.JSON200.Updated != 1 {
		t.Fatalf("read-all updated %d, want 1 (only the message before the open event)", all.JSON200.Updated)
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	unreadOnly := true
	got := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(user.api.ListNotificationsWithResponse(ctx, &apiclient.ListNotificationsParams{UnreadOnly: &unreadOnly})).JSON200
	if len(got.Items) != 2 || got.UnreadCount != 2 || noteOf(t, got.Items[1]).ID != late || noteOf(t, got.Items[0]).Data.Meta["message_content"] != "after" {
		t.Fatalf("unread after read-all and the late commit: %+v (the late event is %d)", got, late)
	}
}
