package httpapi

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/ratelimit"
	"orderchat/openapi"
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

// The spec's x-rate-limit is the one declaration of which operation is limited; a
// misspelt or unused budget stops the server from starting instead of leaving an
// operation unlimited.
func TestRateLimitsAreDeclaredInTheSpecAndCheckedAtStartUp(t *testing.T) {
	load := func() *openapi3.T {
		doc, err := openapi.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	messages, streams := ratelimit.New(1, 1), ratelimit.New(1, 1)
	budgets := map[string]*ratelimit.Limiter{"messages": messages, "streams": streams}

	limits, err := newRateLimits(load(), budgets)
	if err != nil {
		t.Fatal(err)
	}
	want := rateLimits{"createMessage": messages, "uploadMessage": messages, "streamAdminEvents": streams, "streamUserEvents": streams}
	if !maps.Equal(limits, want) {
		t.Fatalf("limits %v, want %v", limits, want)
	}

	misspelt := load()
	misspelt.Paths.Find("/messages").Post.Extensions[rateLimitExtension] = "mesages"
	if _, err := newRateLimits(misspelt, budgets); err == nil || !strings.Contains(err.Error(), "mesages") {
		t.Fatalf("a misspelt budget in the spec: %v", err)
	}
	if _, err := newRateLimits(load(), map[string]*ratelimit.Limiter{"messages": messages, "streams": streams, "stream": streams}); err == nil || !strings.HasSuffix(err.Error(), "x-rate-limit: stream") {
		t.Fatalf("a budget no operation names: %v", err)
	}
	public := load()
	op := public.Paths.Find("/messages").Post
	op.Security = &openapi3.SecurityRequirements{}
	if _, err := newRateLimits(public, budgets); err == nil || !strings.Contains(err.Error(), "without security") {
		t.Fatalf("a limit on an operation without security: %v", err)
	}
}
