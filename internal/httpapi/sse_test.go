package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"orderchat/eventstream"
	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/openapi"
)

// follower is a stream consumed with the public Go consumer, as an integrator would.
type follower struct {
	events   chan eventstream.Event
	connects chan int64
	done     chan error
	cancel   context.CancelFunc
	consumer *eventstream.Consumer
}

func (s *testServer) follow(t *testing.T, token, path string, lastEventID int64) *follower {
	t.Helper()
	return s.followFrom(t, token, path, lastEventID, lastEventID > 0)
}

// followFrom resumes after lastEventID when resume is set, even from 0.
func (s *testServer) followFrom(t *testing.T, token, path string, lastEventID int64, resume bool) *follower {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &follower{events: make(chan eventstream.Event, 20000), connects: make(chan int64, 100), done: make(chan error, 1), cancel: cancel}
	f.consumer = &eventstream.Consumer{
		URL:         s.URL + path,
		Token:       func(context.Context) (string, error) { return token, nil },
		HTTPClient:  &http.Client{Transport: s.Client.Transport},
		LastEventID: lastEventID,
		Resume:      resume,
		OnConnect:   func(from int64) { f.connects <- from },
	}
	go func() {
		f.done <- f.consumer.Run(ctx, func(e eventstream.Event) error { f.events <- e; return nil })
	}()
	select {
	case <-f.connects:
	case err := <-f.done:
		t.Fatalf("stream %s: %v", path, err)
	case <-time.After(5 * time.Second):
		t.Fatalf("stream %s did not connect", path)
	}
	t.Cleanup(cancel)
	return f
}

// next waits for n events.
func (f *follower) next(t *testing.T, n int) []eventstream.Event {
	t.Helper()
	var got []eventstream.Event
	timeout := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case e := <-f.events:
			got = append(got, e)
		case <-timeout:
			t.Fatalf("got %d events, want %d: %v", len(got), n, types(got))
		}
	}
	return got
}

// quiet checks that nothing more arrives for a while.
func (f *follower) quiet(t *testing.T) {
	t.Helper()
	select {
	case e := <-f.events:
		t.Fatalf("unexpected event %d %s", e.ID, e.ResourceType)
	case <-time.After(400 * time.Millisecond):
	}
}

// messageMeta is the meta of a messages.new event.
func messageMeta(t testing.TB, e eventstream.Event) apiclient.MessageNewMeta {
	t.Helper()
	meta, err := eventstream.Meta[apiclient.MessageNewMeta](e)
	if err != nil {
		t.Fatal(err)
	}
	return meta
}

func types(events []eventstream.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.ResourceType)
	}
	return out
}

func userStream(a *actor) string { return "/api/users/sse/notification/" + a.Subject.String() }

// TestCoreSequenceOnBothStreams: README "The core sequence" as the two streams see it.
func TestCoreSequenceOnBothStreams(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	adminStream := s.follow(t, admin.token, "/api/admin/sse", 0)
	userEvents := s.follow(t, user.token, userStream(user), 0)

	order := user.placeOrder(t)
	if got := adminStream.next(t, 1)[0]; got.ResourceType != "orders.created" || *got.Data.OrderID != order.OrderId || *got.Data.ThreadID != order.ThreadId {
		t.Fatalf("admin stream: %+v", got)
	}
	msg := admin.say(t, order.ThreadId, "Your order is confirmed.")
	for name, f := range map[string]*follower{"admin": adminStream, "user": userEvents} {
		got := f.next(t, 1)[0]
		if meta := messageMeta(t, got); got.ResourceType != "messages.new" || meta.MessageId != msg.MessageId || meta.MessageContent != "Your order is confirmed." {
			t.Fatalf("%s stream: %+v", name, got)
		}
	}
	expect[*apiclient.UpdateOrderResponse](t, 200)(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Shipped}))
	expect[*apiclient.MarkThreadReadResponse](t, 200)(user.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: msg.MessageId}))
	expect[*apiclient.UpdateThreadResponse](t, 200)(admin.api.UpdateThreadWithResponse(ctx, order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	if got := types(adminStream.next(t, 3)); fmt.Sprint(got) != "[orders.updated threads.read threads.closed]" {
		t.Fatalf("admin stream: %v", got)
	}
	// The user's own read marker is for the admins; the user sees the update and the close.
	if got := types(userEvents.next(t, 2)); fmt.Sprint(got) != "[orders.updated threads.closed]" {
		t.Fatalf("user stream: %v", got)
	}
	userEvents.quiet(t)
	_, _, metrics := s.do(t, http.MethodGet, "/metrics", "", "", "")
	for _, want := range []string{`orderchat_sse_streams{kind="admin"} 1`, `orderchat_sse_streams{kind="user"} 1`, "orderchat_sse_events_delivered_total 8"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestEachUserSeesOnlyTheirOwnEvents(t *testing.T) {
	s := newTestServer(t)
	alice, bob, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	aliceStream := s.follow(t, alice.token, userStream(alice), 0)
	bobStream := s.follow(t, bob.token, "/api/users/sse/notification/"+bob.Email, 0) // by email
	adminStream := s.follow(t, admin.token, "/api/admin/sse", 0)
	aliceOrder, bobOrder := alice.placeOrder(t), bob.placeOrder(t)
	admin.say(t, aliceOrder.ThreadId, "for alice")
	admin.say(t, bobOrder.ThreadId, "for bob")
	if got := aliceStream.next(t, 1)[0]; *got.Data.ThreadID != aliceOrder.ThreadId {
		t.Fatalf("alice got %+v", got)
	}
	if got := bobStream.next(t, 1)[0]; *got.Data.ThreadID != bobOrder.ThreadId {
		t.Fatalf("bob got %+v", got)
	}
	if got := adminStream.next(t, 4); len(got) != 4 {
		t.Fatalf("admin got %v", types(got))
	}
	aliceStream.quiet(t)
	bobStream.quiet(t)
}

// TestReconnectingReplaysExactlyTheMissedEvents: disconnect, post, reconnect with the
// last id: the missed events arrive once, in order, then live ones follow.
func TestReconnectingReplaysExactlyTheMissedEvents(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	first := s.follow(t, user.token, userStream(user), 0)
	admin.say(t, order.ThreadId, "m0")
	last := first.next(t, 1)[0].ID
	first.cancel()

	other := s.newActor(t, auth.RoleUser).placeOrder(t) // another user's events interleave
	var missed []string
	for i := 1; i <= 5; i++ {
		admin.say(t, order.ThreadId, fmt.Sprintf("m%d", i))
		admin.say(t, other.ThreadId, "not for this user")
		missed = append(missed, fmt.Sprintf("m%d", i))
	}
	again := s.follow(t, user.token, userStream(user), last)
	admin.say(t, order.ThreadId, "live")
	got := again.next(t, 6)
	var texts []string
	for i, e := range got {
		texts = append(texts, messageMeta(t, e).MessageContent)
		if i > 0 && e.ID <= got[i-1].ID {
			t.Fatalf("ids out of order: %d after %d", e.ID, got[i-1].ID)
		}
	}
	if fmt.Sprint(texts) != fmt.Sprint(append(missed, "live")) {
		t.Fatalf("after reconnect: %v", texts)
	}
	again.quiet(t)
}

func TestTenThousandMissedEventsReplayOnOneConnection(t *testing.T) {
	s := newTestServer(t)
	admin := s.newActor(t, auth.RoleAdmin)
	_, err := s.Pool.Exec(context.Background(), `INSERT INTO events (resource, resource_type, user_visible, meta)
		SELECT 'orders', 'orders.updated', true, jsonb_build_object('status', 'paid', 'previous_status', 'pending', 'n', g)
		FROM generate_series(1, 10000) g`)
	if err != nil {
		t.Fatal(err)
	}
	// Connect once this instance has read the burst: a stream open during it would get
	// the burst live, overflow its queue and (rightly) be cut off and resume.
	deadline := time.Now().Add(10 * time.Second)
	for _, _, metrics := s.do(t, http.MethodGet, "/metrics", "", "", ""); !strings.Contains(metrics, "orderchat_event_log_position 10000\n"); _, _, metrics = s.do(t, http.MethodGet, "/metrics", "", "", "") {
		if time.Now().After(deadline) {
			t.Fatal("the hub did not read the 10,000 events")
		}
		time.Sleep(20 * time.Millisecond)
	}
	f := s.follow(t, admin.token, "/api/admin/sse?last_event_id=0", 0)
	got := f.next(t, 10000)
	for i, e := range got {
		if e.ID != int64(i+1) {
			t.Fatalf("event %d has id %d", i, e.ID)
		}
	}
	select {
	case from := <-f.connects:
		t.Fatalf("the stream reconnected (from %d) during the replay", from)
	default:
	}
}

func TestAResumePointBeyondRetentionGetsStreamReset(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	watcher := s.follow(t, admin.token, "/api/admin/sse", 0)
	order := user.placeOrder(t)
	admin.say(t, order.ThreadId, "old")
	watcher.next(t, 2) // the hub has read up to here: a reset resumes from its position
	if _, err := s.Pool.Exec(context.Background(), `WITH gone AS (DELETE FROM events RETURNING id)
		UPDATE event_log_state SET pruned_up_to = (SELECT max(id) FROM gone)`); err != nil {
		t.Fatal(err)
	}
	f := s.follow(t, admin.token, "/api/admin/sse", 1)
	reset := f.next(t, 1)[0]
	if reset.ResourceType != eventstream.StreamReset || reset.ID != 2 {
		t.Fatalf("first event %+v, want stream.reset with the newest id", reset)
	}
	admin.say(t, order.ThreadId, "new")
	if got := f.next(t, 1)[0]; got.ResourceType != "messages.new" || got.ID != 3 {
		t.Fatalf("after the reset: %+v", got)
	}
}

// rawStream opens a stream with a plain HTTP request and returns the response.
func (s *testServer) rawStream(t *testing.T, path string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestTheWireFormat: headers, retry first, heartbeats as comments, one id and one
// data line of at most 2048 bytes per event, each a valid Event of openapi.yaml.
func TestTheWireFormat(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	resp := s.rawStream(t, "/api/admin/sse", http.Header{"Authorization": {"Bearer " + admin.token}})
	for name, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	lines := make(chan string, 1000)
	go func() {
		scanner := bufio.NewScanner(resp.Body)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	nextLine := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatal("no line within 5 s")
			return ""
		}
	}
	if l := nextLine(); l != "retry: 2000" {
		t.Fatalf("first line %q, want retry: 2000", l)
	}
	nextLine()
	if l := nextLine(); l != "id: 0" { // the position the stream goes live from
		t.Fatalf("after retry: %q, want a bare id: 0", l)
	}
	nextLine()
	if l := nextLine(); l != ":" {
		t.Fatalf("heartbeat line %q, want a comment", l)
	}

	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eventSchema := doc.Components.Schemas["Event"].Value
	order := user.placeOrder(t)
	admin.say(t, order.ThreadId, strings.Repeat("très long message ", 300)[:4000])
	var checked int
	for checked < 2 {
		l := nextLine()
		if l == "" || l == ":" {
			continue
		}
		if !strings.HasPrefix(l, "id: ") {
			t.Fatalf("an event starts with %q", l)
		}
		data := nextLine()
		if !strings.HasPrefix(data, "data: ") || len(data) > 2048 {
			t.Fatalf("data line of %d bytes: %.80q", len(data), data)
		}
		var value any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(data, "data: ")), &value); err != nil {
			t.Fatal(err)
		}
		if err := eventSchema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
			t.Fatalf("event does not match the Event schema: %v\n%s", err, data)
		}
		if strings.Contains(data, `"messages.new"`) && !strings.Contains(data, `"truncated":true`) {
			t.Fatalf("a 4000-character message was not cut: %.200s", data)
		}
		if blank := nextLine(); blank != "" {
			t.Fatalf("an event is followed by %q, not a blank line", blank)
		}
		checked++
	}
}

func TestStreamAccessRules(t *testing.T) {
	s := newTestServer(t)
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	bearer := func(a *actor) http.Header { return http.Header{"Authorization": {"Bearer " + a.token}} }
	for name, tc := range map[string]struct {
		path   string
		header http.Header
		want   int
	}{
		"no token":                  {"/api/admin/sse", nil, 401},
		"user on the admin stream":  {"/api/admin/sse", bearer(user), 403},
		"another user's stream":     {userStream(other), bearer(user), 403},
		"another user's email":      {"/api/users/sse/notification/" + other.Email, bearer(user), 403},
		"access_token in the query": {userStream(user) + "?access_token=" + user.token, nil, 200},
		"bad access_token":          {userStream(user) + "?access_token=x" + user.token, nil, 401},
		"bad Last-Event-ID":         {"/api/admin/sse", http.Header{"Authorization": {"Bearer " + admin.token}, "Last-Event-Id": {"abc"}}, 400},
		"Last-Event-ID overflow":    {"/api/admin/sse?last_event_id=9999999999999999999", bearer(admin), 400},
		"unknown ticket":            {"/api/admin/sse?ticket=tk_nope", nil, 401},
	} {
		t.Run(name, func(t *testing.T) {
			resp := s.rawStream(t, tc.path, tc.header)
			if resp.StatusCode != tc.want {
				body, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
		})
	}
}

func TestATicketOpensOneStreamOnce(t *testing.T) {
	s := newTestServer(t)
	admin := s.newActor(t, auth.RoleAdmin)
	ticket := expect[*apiclient.CreateSseTicketResponse](t, http.StatusCreated)(admin.api.CreateSseTicketWithResponse(context.Background()))
	if !strings.HasPrefix(ticket.JSON201.Ticket, "tk_") || time.Until(ticket.JSON201.ExpiresAt) > 61*time.Second {
		t.Fatalf("ticket %+v", ticket.JSON201)
	}
	path := "/api/admin/sse?ticket=" + ticket.JSON201.Ticket
	if resp := s.rawStream(t, path, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("first use: %d", resp.StatusCode)
	}
	if resp := s.rawStream(t, path, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("second use: %d", resp.StatusCode)
	}
}

func TestAStreamEndsWhenItsTokenExpires(t *testing.T) {
	s := newTestServer(t)
	p := auth.Principal{Subject: s.newActor(t, auth.RoleUser).Subject, Role: auth.RoleUser}
	token, err := auth.Mint(testSecret, p, 2*time.Second, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(2 * time.Second).Truncate(time.Second)
	f := s.follow(t, token, "/api/users/sse/notification/"+p.Subject.String(), 0)
	got := f.next(t, 1)[0]
	if got.ResourceType != eventstream.StreamTokenExpired {
		t.Fatalf("event %+v, want stream.token_expired", got)
	}
	if late := time.Since(exp); late > time.Second {
		t.Fatalf("the stream ended %v after exp", late)
	}
	select {
	case err := <-f.done:
		if err != eventstream.ErrUnauthorized {
			t.Fatalf("the consumer stopped with %v, want ErrUnauthorized on reconnect", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the consumer kept going with an expired token")
	}
}

func TestTooManyStreamsIs429(t *testing.T) {
	s := newTestServer(t)
	user := s.newActor(t, auth.RoleUser)
	header := http.Header{"Authorization": {"Bearer " + user.token}}
	var first *http.Response
	for i := range 5 {
		resp := s.rawStream(t, userStream(user), header)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %d", i+1, resp.StatusCode)
		}
		if first == nil {
			first = resp
		}
	}
	resp := s.rawStream(t, userStream(user), header)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth stream: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// A client that leaves frees its slot (found within about a second), as after a page reload.
	first.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.rawStream(t, userStream(user), header).StatusCode != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("a closed stream still counts against the limit after 5 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestShutdownEndsStreamsWithAJitteredRetry(t *testing.T) {
	s := newTestServer(t)
	admin := s.newActor(t, auth.RoleAdmin)
	resp := s.rawStream(t, "/api/admin/sse", http.Header{"Authorization": {"Bearer " + admin.token}})
	ended := make(chan string, 1)
	go func() {
		data, _ := io.ReadAll(resp.Body)
		ended <- string(data)
	}()
	time.Sleep(100 * time.Millisecond)
	s.Hub.Shutdown()
	select {
	case body := <-ended:
		retries := strings.Count(body, "retry: ")
		last := body[strings.LastIndex(body, "retry: "):]
		var ms int
		fmt.Sscanf(last, "retry: %d", &ms)
		if retries != 2 || ms < 2000 || ms > 8000 {
			t.Fatalf("stream ended with %d retry lines, last %d ms: %q", retries, ms, body)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the stream did not end within 3 s of shutdown")
	}
	if resp := s.rawStream(t, "/api/admin/sse", http.Header{"Authorization": {"Bearer " + admin.token}}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a stream opened during shutdown: %d", resp.StatusCode)
	}
}

func TestReadyzIncludesTheListener(t *testing.T) {
	s := newTestServer(t)
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, _, body := s.do(t, http.MethodGet, "/readyz", "", "", "")
		if status == http.StatusOK && strings.Contains(body, `"listener":"ok"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz: %d %s", status, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAStreamThatGotNoEventStillResumesWithoutAGap: the bare `id:` sent on connect gives
// the client a resume point before any event arrives.
func TestAStreamThatGotNoEventStillResumesWithoutAGap(t *testing.T) {
	s := newTestServer(t)
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	f := s.follow(t, user.token, userStream(user), 0)
	time.Sleep(100 * time.Millisecond) // the bare id has been read by now
	f.cancel()
	<-f.done
	admin.say(t, order.ThreadId, "while away")
	if !f.consumer.Resume {
		t.Fatalf("no resume point after connecting: %d (resume %v)", f.consumer.LastEventID, f.consumer.Resume)
	}
	again := s.followFrom(t, user.token, userStream(user), f.consumer.LastEventID, f.consumer.Resume)
	if got := again.next(t, 1)[0]; messageMeta(t, got).MessageContent != "while away" {
		t.Fatalf("after reconnecting: %+v", got)
	}
}

// TestALiveEventIsItsReplayByteForByte: a message's event reaches live streams as the
// post handed it over (eventlog.Log.Committed), not as read back from the log; a replay
// reads it back. Both must carry the same bytes, meta included (jsonb orders its keys).
func TestALiveEventIsItsReplayByteForByte(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	live := s.follow(t, admin.token, "/api/admin/sse", 0)
	user.say(t, order.ThreadId, "<b>Größe</b> & \u2028 \"quoted\" 🙂")
	note, internal := "a note for the team", apiclient.Internal
	expect[*apiclient.CreateMessageResponse](t, http.StatusCreated)(admin.api.CreateMessageWithResponse(ctx,
		apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &note, Visibility: &internal}))
	got := live.next(t, 2)
	if got[0].ResourceType != "messages.new" { // the order's event reached the hub after the stream began
		got = append(got[1:], live.next(t, 1)...)
	}
	replayed := s.followFrom(t, admin.token, "/api/admin/sse", got[0].ID-1, true).next(t, 2)
	for i := range got {
		if got[i].ResourceType != "messages.new" || string(got[i].Raw) != string(replayed[i].Raw) {
			t.Errorf("event %d live:\n%s\nreplayed:\n%s", got[i].ID, got[i].Raw, replayed[i].Raw)
		}
	}
}
