package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// feedPage is one page of the event feed as the test reads it.
type feedPage struct {
	items   []note
	next    int64
	hasMore bool
}

func (p feedPage) ids() []int64 {
	var ids []int64
	for _, n := range p.items {
		ids = append(ids, n.ID)
	}
	return ids
}

func pageOf(t testing.TB, l *apiclient.EventList) feedPage {
	t.Helper()
	p := feedPage{next: l.NextCursor, hasMore: l.HasMore}
	for _, e := range l.Items {
		p.items = append(p.items, noteOf(t, e))
	}
	return p
}

// feed reads one page of a's event feed; nil after starts at the present, limit 0 is the default.
func (a *actor) feed(t testing.TB, after *int64, limit int) feedPage {
	t.Helper()
	params := &apiclient.ListEventsParams{After: after}
	if limit > 0 {
		params.Limit = &limit
	}
	return pageOf(t, expect[*apiclient.ListEventsResponse](t, http.StatusOK)(a.api.ListEventsWithResponse(context.Background(), params)).JSON200)
}

// feedAll pages through a's feed from after until a page says nothing more is there.
func (a *actor) feedAll(t testing.TB, after int64, limit int) (items []note, next int64) {
	t.Helper()
	for {
		p := a.feed(t, &after, limit)
		items = append(items, p.items...)
		after = p.next
		if !p.hasMore {
			return items, after
		}
	}
}

type pollResult struct {
	page feedPage
	err  error
}

// poll starts a long poll of a's feed after `after`, waiting up to wait seconds.
func (a *actor) poll(ctx context.Context, t testing.TB, after int64, wait int) <-chan pollResult {
	done := make(chan pollResult, 1)
	go func() {
		resp, err := a.api.ListEventsWithResponse(ctx, &apiclient.ListEventsParams{After: &after, Wait: &wait})
		switch {
		case err != nil:
			done <- pollResult{err: err}
		case resp.StatusCode() != http.StatusOK:
			done <- pollResult{err: fmt.Errorf("status %d: %s", resp.StatusCode(), resp.Body)}
		default:
			done <- pollResult{page: pageOf(t, resp.JSON200)}
		}
	}()
	return done
}

// await waits for a long poll's answer, failing well before its own wait would end it.
func await(t *testing.T, done <-chan pollResult) feedPage {
	t.Helper()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.page
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not answer")
		return feedPage{}
	}
}

// waitingPolls waits until n feed requests are waiting for an event (the server's gauge).
func (s *testServer) waitingPolls(t *testing.T, n int) {
	t.Helper()
	want := fmt.Sprintf("orderchat_event_feed_waiting %d\n", n)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, _, metrics := s.do(t, http.MethodGet, "/metrics", "", "", ""); strings.Contains(metrics, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never showed %q", strings.TrimSpace(want))
		}
	}
}

// eventIDs lists the ids of the log's events matching where, in id order.
func (s *testServer) eventIDs(t *testing.T, where string, args ...any) []int64 {
	t.Helper()
	rows, err := s.Pool.Query(context.Background(), "SELECT id FROM events WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func ptr[T any](v T) *T { return &v }

func idsOf(items []note) []int64 { return feedPage{items: items}.ids() }

// TestFeedAdminSeesEveryEventInIDOrder: from after=0 an admin pages through every event
// of the log, of every type and every customer, in id order and whole.
func TestFeedAdminSeesEveryEventInIDOrder(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	seen := user.say(t, order.ThreadId, "hello")
	long := strings.Repeat("é", 1500) // past the 2 KiB SSE line: the feed carries it whole
	admin.say(t, order.ThreadId, long)
	other.placeOrder(t)
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(admin.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: seen.MessageId}))
	expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Paid}))
	expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))

	items, _ := admin.feedAll(t, 0, 0)
	if want := s.eventIDs(t, "true"); !slices.Equal(idsOf(items), want) {
		t.Fatalf("admin feed ids %v, want every event %v", idsOf(items), want)
	}
	var types []string
	for _, n := range items {
		types = append(types, n.ResourceType)
	}
	if want := s.eventTypes(t); !slices.Equal(types, want) {
		t.Fatalf("admin feed types %v, want %v", types, want)
	}
	if got := items[2].Data.Meta; got["message_content"] != long || got["truncated"] != false {
		t.Fatalf("the long message is not whole in the feed: truncated=%v, %d bytes", got["truncated"], len(fmt.Sprint(got["message_content"])))
	}
}

// TestFeedUserSeesOnlyTheirOwnVisibleEvents: a user's feed is what their stream carries:
// their own orders' user-visible events, never another customer's, never admin-only ones.
func TestFeedUserSeesOnlyTheirOwnVisibleEvents(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	mine, theirs := user.placeOrder(t), other.placeOrder(t)
	admin.say(t, mine.ThreadId, "for you")
	admin.say(t, theirs.ThreadId, "for the other one")
	user.say(t, mine.ThreadId, "mine")
	other.say(t, theirs.ThreadId, "theirs")
	for _, o := range []apiclient.Order{mine, theirs} {
		expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(ctx, o.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Paid}))
	}

	items, _ := user.feedAll(t, 0, 0)
	if len(items) == 0 {
		t.Fatal("the user's feed is empty")
	}
	for _, n := range items {
		if n.Data.OrderID == nil || *n.Data.OrderID != mine.OrderId || n.ResourceType == "orders.created" {
			t.Fatalf("the user's feed holds %d %s of order %v", n.ID, n.ResourceType, n.Data.OrderID)
		}
	}
	// Exactly what the user's stream replays from the start.
	want := s.eventIDs(t, "user_id = $1 AND user_visible", user.Subject)
	stream := s.followFrom(t, user.token, userStream(user), 0, true)
	var streamed []int64
	for _, e := range stream.next(t, len(want)) {
		streamed = append(streamed, e.ID)
	}
	stream.quiet(t)
	if !slices.Equal(idsOf(items), streamed) || !slices.Equal(streamed, want) {
		t.Fatalf("user feed %v, user stream %v, want %v", idsOf(items), streamed, want)
	}
	admins, _ := admin.feedAll(t, 0, 0)
	if len(admins) <= len(items) || admins[0].ResourceType != "orders.created" {
		t.Fatalf("the admin feed (%d events) should hold the orders.created the user does not see", len(admins))
	}
	// The cursor is the user's last event, though the log goes on with other customers'.
	if p := user.feed(t, ptr[int64](0), 0); p.next != items[len(items)-1].ID || p.next == admins[len(admins)-1].ID {
		t.Fatalf("user page cursor %d, want their last event %d", p.next, items[len(items)-1].ID)
	}
}

// TestFeedStartsAtThePresentWithoutAfter: without after a feed starts at the present
// (no past events, the cursor at the newest); after=0 is every retained event.
func TestFeedStartsAtThePresentWithoutAfter(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	admin.say(t, order.ThreadId, "one")
	admin.say(t, order.ThreadId, "two")
	all := s.eventIDs(t, "true")

	for _, a := range []*actor{admin, user} {
		present := a.feed(t, nil, 0)
		if len(present.items) != 0 || present.hasMore || present.next != all[len(all)-1] {
			t.Fatalf("without after: %+v, want no items and the cursor at %d", present, all[len(all)-1])
		}
	}
	if got := admin.feed(t, ptr[int64](0), 0); !slices.Equal(got.ids(), all) || got.hasMore || got.next != all[len(all)-1] {
		t.Fatalf("after=0: %+v, want %v", got, all)
	}
	if got := user.feed(t, ptr[int64](0), 0); len(got.items) != 2 || got.items[0].Data.Meta["message_content"] != "one" {
		t.Fatalf("after=0 for the user: %+v, want the two messages", got)
	}

	cursor := admin.feed(t, nil, 0).next
	admin.say(t, order.ThreadId, "three")
	if got := admin.feed(t, &cursor, 0); len(got.items) != 1 || got.items[0].Data.Meta["message_content"] != "three" || got.next != got.items[0].ID {
		t.Fatalf("after the present's cursor: %+v, want only the new message", got)
	}
}

// TestFeedPagesWithoutGapOrDuplicate: limit bounds a page, has_more says a full page has
// a successor, and next_cursor chains the pages with no event lost or repeated.
func TestFeedPagesWithoutGapOrDuplicate(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	for i := range 7 {
		admin.say(t, order.ThreadId, fmt.Sprint("message ", i))
	}
	all := s.eventIDs(t, "true") // 8 events: 3 + 3 + 2

	var got []int64
	after := int64(0)
	for i, want := range []struct {
		n       int
		hasMore bool
	}{{3, true}, {3, true}, {2, false}} {
		p := admin.feed(t, &after, 3)
		if len(p.items) != want.n || p.hasMore != want.hasMore || p.next != p.items[len(p.items)-1].ID {
			t.Fatalf("page %d: %d items, has_more %v, next %d; want %d items, has_more %v, next the last id", i, len(p.items), p.hasMore, p.next, want.n, want.hasMore)
		}
		got = append(got, p.ids()...)
		after = p.next
	}
	if !slices.Equal(got, all) {
		t.Fatalf("paged %v, want %v", got, all)
	}
	if end := admin.feed(t, &after, 3); len(end.items) != 0 || end.hasMore || end.next != after {
		t.Fatalf("past the end: %+v, want an empty page that stays at %d", end, after)
	}
	// A full last page: has_more is false when nothing follows it.
	if p := admin.feed(t, ptr(all[1]), 6); len(p.items) != 6 || p.hasMore {
		t.Fatalf("exactly the rest: %d items, has_more %v", len(p.items), p.hasMore)
	}
}

// TestFeedLongPollGetsTheEventThatCommitsWhileItWaits: a request that finds nothing waits
// and answers with the event that commits meanwhile; a user's poll is not answered with
// another customer's event.
func TestFeedLongPollGetsTheEventThatCommitsWhileItWaits(t *testing.T) {
	s := newTestServer(t)
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	mine, theirs := user.placeOrder(t), other.placeOrder(t)
	cursor := admin.feed(t, nil, 0).next

	ctx := context.Background()
	adminPoll := admin.poll(ctx, t, cursor, 30)
	userPoll := user.poll(ctx, t, cursor, 30)
	s.waitingPolls(t, 2)
	admin.say(t, theirs.ThreadId, "not for the user")
	got := await(t, adminPoll)
	if len(got.items) != 1 || got.items[0].Data.Meta["message_content"] != "not for the user" {
		t.Fatalf("the admin's long poll answered %+v", got)
	}
	s.waitingPolls(t, 1) // the user's poll still waits
	admin.say(t, mine.ThreadId, "for the user")
	got = await(t, userPoll)
	if len(got.items) != 1 || got.items[0].Data.Meta["message_content"] != "for the user" {
		t.Fatalf("the user's long poll answered %+v", got)
	}
}

// TestFeedLongPollEndsWithItsClientAndAtShutdown: a waiting request ends when its client
// leaves and, with an empty page, when the server shuts down, well before its wait.
func TestFeedLongPollEndsWithItsClientAndAtShutdown(t *testing.T) {
	s := newTestServer(t)
	admin := s.newActor(t, auth.RoleAdmin)
	cursor := admin.feed(t, nil, 0).next

	ctx, cancel := context.WithCancel(context.Background())
	left := admin.poll(ctx, t, cursor, 30)
	s.waitingPolls(t, 1)
	cancel()
	<-left
	s.waitingPolls(t, 0)

	polls := []<-chan pollResult{admin.poll(context.Background(), t, cursor, 30), admin.poll(context.Background(), t, cursor, 30)}
	s.waitingPolls(t, 2)
	s.Log.Shutdown()
	for _, p := range polls {
		if got := await(t, p); len(got.items) != 0 || got.next != cursor {
			t.Fatalf("at shutdown: %+v, want an empty page at %d", got, cursor)
		}
	}
}

// TestFeedHoldsBackAnEventThatCommitsAfterALaterOne: while an earlier event id is still
// uncommitted, the feed returns nothing after it (a later id that has committed would
// make a client skip the earlier one for good); once it commits both come, in id order.
func TestFeedHoldsBackAnEventThatCommitsAfterALaterOne(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	admin.say(t, order.ThreadId, "before")
	cursor := admin.feed(t, nil, 0).next // settled up to "before"

	slow, late := s.openLateEvent(t, order, user, admin)
	defer slow.Rollback(ctx)
	admin.say(t, order.ThreadId, "after")

	for _, a := range []*actor{admin, user} {
		if got := a.feed(t, &cursor, 0); len(got.items) != 0 || got.next >= late {
			t.Fatalf("while %d is open: %+v, want nothing and a cursor below it", late, got)
		}
	}
	adminPoll, userPoll := admin.poll(ctx, t, cursor, 30), user.poll(ctx, t, cursor, 30)
	s.waitingPolls(t, 2)
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s.Log.Published()
	for name, p := range map[string]struct {
		a    *actor
		poll <-chan pollResult
	}{"admin": {admin, adminPoll}, "user": {user, userPoll}} {
		first := await(t, p.poll)
		items := first.items
		if len(items) < 2 { // the poll may answer as soon as the first of them is handed out
			rest, _ := p.a.feedAll(t, first.next, 0)
			items = append(items, rest...)
		}
		if len(items) != 2 || items[0].ID != late || items[0].ResourceType != "orders.updated" || items[1].Data.Meta["message_content"] != "after" {
			t.Fatalf("%s after the late commit: %+v, want %d then the message", name, items, late)
		}
	}
}

// TestFeedAfterPrunedEventsIsGone: a position after which events were pruned is 410
// events-expired; the pruning point itself and after=0 still answer.
func TestFeedAfterPrunedEventsIsGone(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	admin.say(t, order.ThreadId, "old")
	newest := admin.feed(t, nil, 0).next
	if _, err := s.Pool.Exec(context.Background(), `WITH gone AS (DELETE FROM events RETURNING id)
		UPDATE event_log_state SET pruned_up_to = (SELECT max(id) FROM gone)`); err != nil {
		t.Fatal(err)
	}

	for _, a := range []*actor{admin, user} {
		code, header, body := s.do(t, http.MethodGet, fmt.Sprintf("/api/events?after=%d", newest-1), a.token, "", "")
		if code != http.StatusGone || header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"type":"urn:orderchat:problem:events-expired"`) {
			t.Fatalf("after a pruned event: %d %s %s", code, header.Get("Content-Type"), body)
		}
	}
	if got := admin.feed(t, &newest, 0); len(got.items) != 0 || got.next != newest {
		t.Fatalf("after the last pruned event: %+v", got)
	}
	if got := admin.feed(t, ptr[int64](0), 0); len(got.items) != 0 {
		t.Fatalf("after=0 once everything was pruned: %+v", got)
	}
	admin.say(t, order.ThreadId, "new")
	if got := admin.feed(t, &newest, 0); len(got.items) != 1 || got.items[0].Data.Meta["message_content"] != "new" {
		t.Fatalf("after the pruning point: %+v, want the new message", got)
	}
}

func TestFeedRejectsBadParameters(t *testing.T) {
	s := newTestServer(t)
	admin := s.newActor(t, auth.RoleAdmin)
	for _, query := range []string{"wait=31", "after=-1", "wait=-1", "limit=0", "limit=201", "after=x"} {
		if code, _, body := s.do(t, http.MethodGet, "/api/events?"+query, admin.token, "", ""); code != http.StatusBadRequest || !strings.Contains(body, "urn:orderchat:problem:validation") {
			t.Errorf("%s: %d %s, want 400 validation", query, code, body)
		}
	}
	if code, _, _ := s.do(t, http.MethodGet, "/api/events", "", "", ""); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", code)
	}
}
