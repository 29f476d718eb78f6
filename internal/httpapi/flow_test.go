package httpapi

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// TestCoreSequenceEndToEnd walks README "The core sequence" through the generated client:
// a user orders, the thread exists, the admin is notified and answers, the user is
// notified and replies, the admin closes the thread and nobody can post any more.
func TestCoreSequenceEndToEnd(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)

	order := user.placeOrder(t)
	if order.TotalCents != 2500 || order.Status != apiclient.Pending || order.UserId != user.Subject {
		t.Fatalf("new order: %+v", order)
	}

	threads := expect[*apiclient.ListThreadsResponse](t, http.StatusOK)(user.api.ListThreadsWithResponse(ctx, &apiclient.ListThreadsParams{OrderId: &order.OrderId}))
	if len(threads.JSON200.Items) != 1 || threads.JSON200.Items[0].ThreadId != order.ThreadId || !threads.JSON200.Items[0].IsActive {
		t.Fatalf("thread of the new order: %+v", threads.JSON200.Items)
	}
	createdAt := threads.JSON200.Items[0].UpdatedAt

	adminNotes := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(admin.api.ListNotificationsWithResponse(ctx, nil))
	if len(adminNotes.JSON200.Items) != 1 || noteOf(t, adminNotes.JSON200.Items[0]).ResourceType != "orders.created" || adminNotes.JSON200.UnreadCount != 1 {
		t.Fatalf("admin notifications after the order: %+v", adminNotes.JSON200)
	}

	answer := admin.say(t, order.ThreadId, "Thanks! It ships tomorrow.")
	if answer.Owner != apiclient.Admin {
		t.Fatalf("admin's message has owner %q", answer.Owner)
	}
	userNotes := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(user.api.ListNotificationsWithResponse(ctx, nil))
	if len(userNotes.JSON200.Items) != 1 || noteOf(t, userNotes.JSON200.Items[0]).ResourceType != "messages.new" ||
		noteOf(t, userNotes.JSON200.Items[0]).Data.Meta["message_id"] != answer.MessageId.String() {
		t.Fatalf("user notifications after the admin's answer: %+v", userNotes.JSON200)
	}

	reply := user.say(t, order.ThreadId, "Great, thank you.")
	messages := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(admin.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId}))
	if got := messages.JSON200.Items; len(got) != 2 || got[0].MessageId != answer.MessageId || got[1].MessageId != reply.MessageId {
		t.Fatalf("messages, oldest first: %+v", got)
	}
	thread := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(admin.api.GetThreadWithResponse(ctx, order.ThreadId))
	if !thread.JSON200.UpdatedAt.After(createdAt) || !thread.JSON200.UpdatedAt.Equal(reply.CreatedAt) ||
		thread.JSON200.LastMessage == nil || thread.JSON200.LastMessage.MessageId != reply.MessageId || thread.JSON200.UnreadCount != 1 {
		t.Fatalf("thread after the reply: %+v", thread.JSON200)
	}

	closed := expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	if closed.JSON200.IsActive || closed.JSON200.ClosedAt == nil {
		t.Fatalf("closed thread: %+v", closed.JSON200)
	}
	text := "one more thing"
	late := expect[*apiclient.CreateMessageResponse](t, http.StatusConflict)(user.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text}))
	if late.ApplicationproblemJSON409.Type != "urn:orderchat:problem:thread-closed" {
		t.Fatalf("post to a closed thread: %+v", late.ApplicationproblemJSON409)
	}
	expect[*apiclient.CreateMessageResponse](t, http.StatusConflict)(admin.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text}))

	want := []string{"orders.created", "messages.new", "messages.new", "threads.closed"}
	if got := s.eventTypes(t); !slices.Equal(got, want) {
		t.Fatalf("event log %v, want %v", got, want)
	}
}
