package httpapi

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// TestUsersSeeOnlyTheirOwnData: everything of another user is "not found", never
// "forbidden", so that existence does not leak; admins see everything.
func TestUsersSeeOnlyTheirOwnData(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		alice, bob, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
		order := alice.placeOrder(t)
		adminMsg := admin.say(t, order.ThreadId, "hello alice")
		upload := postUpload(t, s, alice.token, order.ThreadId, "pic.png", pngBytes(64), "")
		if upload.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", upload.status, upload.body)
		}
		var aliceNote apiclient.Notification
		if notes := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(alice.api.ListNotificationsWithResponse(ctx, nil)); len(notes.JSON200.Items) > 0 {
			aliceNote = notes.JSON200.Items[0]
		} else {
			t.Fatal("alice has no notification of the admin's message")
		}

		expect[*apiclient.GetOrderResponse](t, http.StatusNotFound)(bob.api.GetOrderWithResponse(ctx, order.OrderId))
		expect[*apiclient.GetThreadResponse](t, http.StatusNotFound)(bob.api.GetThreadWithResponse(ctx, order.ThreadId))
		expect[*apiclient.ListMessagesResponse](t, http.StatusNotFound)(bob.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId}))
		expect[*apiclient.GetMessageMediaResponse](t, http.StatusNotFound)(bob.api.GetMessageMediaWithResponse(ctx, upload.message.MessageId))
		expect[*apiclient.MarkThreadReadResponse](t, http.StatusNotFound)(bob.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: adminMsg.MessageId}))
		expect[*apiclient.UpdateNotificationResponse](t, http.StatusNotFound)(bob.api.UpdateNotificationWithResponse(ctx, noteOf(t, aliceNote).ID, apiclient.UpdateNotificationRequest{IsRead: true}))
		text := "let me in"
		expect[*apiclient.CreateMessageResponse](t, http.StatusNotFound)(bob.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text}))

		for name, list := range map[string]func() int{
			"orders": func() int {
				return len(expect[*apiclient.ListOrdersResponse](t, 200)(bob.api.ListOrdersWithResponse(ctx, nil)).JSON200.Items)
			},
			"threads": func() int {
				return len(expect[*apiclient.ListThreadsResponse](t, 200)(bob.api.ListThreadsWithResponse(ctx, nil)).JSON200.Items)
			},
			"thread lookup": func() int {
				return len(expect[*apiclient.ListThreadsResponse](t, 200)(bob.api.ListThreadsWithResponse(ctx, &apiclient.ListThreadsParams{OrderId: &order.OrderId})).JSON200.Items)
			},
			"notifications": func() int {
				return len(expect[*apiclient.ListNotificationsResponse](t, 200)(bob.api.ListNotificationsWithResponse(ctx, nil)).JSON200.Items)
			},
		} {
			if n := list(); n != 0 {
				t.Errorf("bob's %s list shows %d of alice's items", name, n)
			}
		}

		expect[*apiclient.GetOrderResponse](t, http.StatusOK)(admin.api.GetOrderWithResponse(ctx, order.OrderId))
		expect[*apiclient.GetMessageMediaResponse](t, http.StatusOK)(admin.api.GetMessageMediaWithResponse(ctx, upload.message.MessageId))
		if n := len(expect[*apiclient.ListOrdersResponse](t, 200)(admin.api.ListOrdersWithResponse(ctx, nil)).JSON200.Items); n != 1 {
			t.Errorf("admin sees %d orders, want 1", n)
		}
		if n := len(expect[*apiclient.ListThreadsResponse](t, 200)(admin.api.ListThreadsWithResponse(ctx, nil)).JSON200.Items); n != 1 {
			t.Errorf("admin inbox has %d threads, want 1", n)
		}
	})
}

// TestRolesGateAdminOperations: users cannot change orders or close threads, admins
// cannot place orders, and nobody writes as the other side.
func TestRolesGateAdminOperations(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	before := s.rowCounts(t)

	expect[*apiclient.UpdateOrderResponse](t, http.StatusForbidden)(user.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Paid}))
	expect[*apiclient.UpdateThreadResponse](t, http.StatusForbidden)(user.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	expect[*apiclient.CreateOrderResponse](t, http.StatusForbidden)(admin.api.CreateOrderWithResponse(ctx, apiclient.CreateOrderRequest{Items: []apiclient.OrderItem{{Name: "x", Quantity: 1, UnitPriceCents: 1}}}))
	text, asAdmin, asUser := "hi", apiclient.Admin, apiclient.User
	expect[*apiclient.CreateMessageResponse](t, http.StatusForbidden)(user.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text, Owner: &asAdmin}))
	expect[*apiclient.CreateMessageResponse](t, http.StatusForbidden)(admin.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text, Owner: &asUser}))
	// A user patching an order that does not exist learns nothing either: 403 by role.
	expect[*apiclient.UpdateOrderResponse](t, http.StatusForbidden)(user.api.UpdateOrderWithResponse(ctx, uuid.New(), apiclient.UpdateOrderRequest{Status: apiclient.Paid}))

	if after := s.rowCounts(t); !sameCounts(before, after) {
		t.Fatalf("refused operations changed the database: %v -> %v", before, after)
	}
	// The agreeing owner is accepted.
	expect[*apiclient.CreateMessageResponse](t, http.StatusCreated)(user.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text, Owner: &asUser}))
}

func sameCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
