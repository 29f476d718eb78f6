package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/ratelimit"
)

func TestPostingAndStreamingAreRateLimitedPerPrincipal(t *testing.T) {
	s := newTestServer(t, func(d *Deps) {
		d.MessageLimit = ratelimit.New(0.2, 2)
		d.StreamLimit = ratelimit.New(0.2, 1)
	})
	ctx := context.Background()
	user, other := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser)
	order := user.placeOrder(t)
	user.say(t, order.ThreadId, "one")
	user.say(t, order.ThreadId, "two")
	before := s.rowCounts(t)
	text := "three"
	limited := expect[*apiclient.CreateMessageResponse](t, http.StatusTooManyRequests)(user.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text}))
	if wait, err := strconv.Atoi(limited.HTTPResponse.Header.Get("Retry-After")); err != nil || wait < 1 || wait > 5 {
		t.Fatalf("Retry-After %q", limited.HTTPResponse.Header.Get("Retry-After"))
	}
	if after := s.rowCounts(t); !sameCounts(before, after) {
		t.Fatalf("a limited post changed the database: %v -> %v", before, after)
	}
	// Reading is not limited, and another principal has a bucket of their own.
	expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(user.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId}))
	other.placeOrder(t)

	header := http.Header{"Authorization": {"Bearer " + user.token}}
	if resp := s.rawStream(t, userStream(user), header); resp.StatusCode != http.StatusOK {
		t.Fatalf("first stream: %d", resp.StatusCode)
	}
	if resp := s.rawStream(t, userStream(user), header); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second stream open: %d", resp.StatusCode)
	}
}
