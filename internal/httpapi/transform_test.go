package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/openapi"
)

// TestEveryEventTypeMatchesTheContract: each kind of change that appends an event, done
// through the API, then read back from the admin stream, the feed and both sides'
// notifications, each checked against openapi.yaml (the feed and the notifications by the
// test client): the meta EventMeta encoded and the envelopes of transform_events.go are
// what the contract says. The changes must cover every type of the spec's Event, so a
// type added to the contract fails here until this test emits it (README: "Adding an
// event type").
func TestEveryEventTypeMatchesTheContract(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	doc, err := openapi.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	stream := s.follow(t, admin.token, "/api/admin/sse", 0)

	order := user.placeOrder(t)
	said := user.say(t, order.ThreadId, "Where is my parcel?")
	if r := postUpload(t, s, admin.token, order.ThreadId, "label.png", pngBytes(4), "Here is the label."); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(admin.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: said.MessageId}))
	expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Shipped}))
	expect[*apiclient.AssignThreadResponse](t, http.StatusOK)(admin.api.AssignThreadWithResponse(ctx, order.ThreadId, apiclient.AssignThreadRequest{AssigneeId: admin.Subject}))
	expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	const changes = 7

	streamEvent := doc.Components.Schemas["StreamEvent"].Value
	for _, e := range stream.next(t, changes) {
		var value any
		if err := json.Unmarshal(e.Raw, &value); err != nil {
			t.Fatal(err)
		}
		if err := streamEvent.VisitJSON(value, openapi3.MultiErrors()); err != nil {
			t.Errorf("stream event %d (%s) does not match StreamEvent: %v\n%s", e.ID, e.ResourceType, err, e.Raw)
		}
	}

	items, _ := admin.feedAll(t, 0, 0)
	if len(items) != changes {
		t.Fatalf("the feed holds %d events, want %d", len(items), changes)
	}
	emitted := map[string]bool{}
	for _, n := range items {
		emitted[n.ResourceType] = true
	}
	for resourceType := range doc.Components.Schemas["Event"].Value.Discriminator.Mapping {
		if !emitted[resourceType] {
			t.Errorf("no %s event was emitted: add the change that appends it to this test", resourceType)
		}
	}
	for _, a := range []*actor{user, admin} {
		if notes := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(a.api.ListNotificationsWithResponse(ctx, nil)); len(notes.JSON200.Items) == 0 {
			t.Errorf("%s has no notifications", a.Role)
		}
	}
}
