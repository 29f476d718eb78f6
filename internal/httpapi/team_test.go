package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"orderchat/eventstream"
	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/syncbuf"
)

// A support team on one thread (issue 14, docs/adr/0007): names, assignment, internal
// notes and per-admin read state.

// named is an actor whose token carries a name claim (and an email, unless email is "").
func (s *testServer) named(t *testing.T, role auth.Role, name, email string) *actor {
	t.Helper()
	return s.actorWithToken(t, auth.Principal{Subject: uuid.New(), Name: name, Email: email, Role: role}, time.Now())
}

// postNote posts an internal note with an attachment as admin, and returns its id.
func postNote(t *testing.T, s *testServer, admin *actor, threadID uuid.UUID, text string, attachment []byte) uuid.UUID {
	t.Helper()
	r := postUploadAs(t, s, admin.token, threadID, text+".png", attachment, text, "internal")
	if r.status != http.StatusCreated || r.message.Visibility != apiclient.Internal {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	return r.message.MessageId
}

func TestPeopleAreNamedByTheirLatestClaims(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	grace := s.named(t, auth.RoleUser, "Grace Hopper", "grace@example.com")
	ada := s.named(t, auth.RoleAdmin, "Ada Lovelace", "ada@example.com")
	anonymous := s.named(t, auth.RoleUser, "", "")

	order := grace.placeOrder(t)
	if order.Customer.DisplayName != "Grace Hopper" || order.Customer.Email == nil || *order.Customer.Email != "grace@example.com" {
		t.Fatalf("the new order's customer: %+v", order.Customer)
	}
	grace.say(t, order.ThreadId, "Where is my parcel?")
	ada.say(t, order.ThreadId, "On its way.")
	messages := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(grace.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId})).JSON200.Items
	if len(messages) != 2 || messages[0].Author.DisplayName != "Grace Hopper" || messages[0].Author.Role != apiclient.User ||
		messages[1].Author.DisplayName != "Ada Lovelace" || messages[1].Author.Id != ada.Subject || messages[1].Author.Role != apiclient.Admin {
		t.Fatalf("authors: %+v", messages)
	}

	// The name of the latest request wins, everywhere it is shown.
	renamed := s.actorWithToken(t, auth.Principal{Subject: grace.Subject, Name: "Grace B. Hopper", Email: "grace@example.com", Role: auth.RoleUser}, time.Now())
	renamed.placeOrder(t)
	thread := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(ada.api.GetThreadWithResponse(ctx, order.ThreadId)).JSON200
	if thread.Customer.DisplayName != "Grace B. Hopper" || thread.LastMessage.Author.DisplayName != "Ada Lovelace" {
		t.Fatalf("thread after the rename: customer %+v, last message by %+v", thread.Customer, thread.LastMessage.Author)
	}
	orders := expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(ada.api.ListOrdersWithResponse(ctx, nil)).JSON200.Items
	for _, o := range orders {
		if o.Customer.DisplayName != "Grace B. Hopper" {
			t.Fatalf("an order of the renamed customer shows %+v", o.Customer)
		}
	}

	// Without a name the email stands in; without either, the side's generic name.
	bare := anonymous.placeOrder(t)
	if bare.Customer.DisplayName != "Customer" || bare.Customer.Email != nil {
		t.Fatalf("a customer without name or email: %+v", bare.Customer)
	}
	if got := expect[*apiclient.GetOrderResponse](t, http.StatusOK)(ada.api.GetOrderWithResponse(ctx, bare.OrderId)).JSON200.Customer; got.DisplayName != "Customer" {
		t.Fatalf("read back: %+v", got)
	}
}

func TestAdminsAssignThreads(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user := s.named(t, auth.RoleUser, "Grace Hopper", "grace@example.com")
	ada := s.named(t, auth.RoleAdmin, "Ada Lovelace", "ada@example.com")
	bo := s.named(t, auth.RoleAdmin, "Bo Diddley", "")
	cy := s.named(t, auth.RoleAdmin, "Cy Twombly", "")
	for _, a := range []*actor{ada, bo, cy} {
		expect[*apiclient.ListAdminsResponse](t, http.StatusOK)(a.api.ListAdminsWithResponse(ctx))
	}
	team := expect[*apiclient.ListAdminsResponse](t, http.StatusOK)(ada.api.ListAdminsWithResponse(ctx)).JSON200.Items
	if len(team) != 3 || team[0].DisplayName != "Ada Lovelace" || team[1].DisplayName != "Bo Diddley" || team[2].DisplayName != "Cy Twombly" {
		t.Fatalf("the team: %+v", team)
	}
	adaStream, userStream := s.follow(t, ada.token, "/api/admin/sse", 0), s.follow(t, user.token, userStream(user), 0)
	order := user.placeOrder(t)
	other := user.placeOrder(t)
	adaStream.next(t, 2) // orders.created, twice

	assigned := expect[*apiclient.AssignThreadResponse](t, http.StatusOK)(ada.api.AssignThreadWithResponse(ctx, order.ThreadId, apiclient.AssignThreadRequest{AssigneeId: bo.Subject})).JSON200
	if assigned.Assignee == nil || assigned.Assignee.Id != bo.Subject || assigned.Assignee.DisplayName != "Bo Diddley" {
		t.Fatalf("assigned thread: %+v", assigned.Assignee)
	}
	e := adaStream.next(t, 1)[0]
	if e.ResourceType != "threads.assigned" {
		t.Fatalf("admin stream: %s", e.ResourceType)
	}
	meta, err := eventstream.Meta[apiclient.ThreadAssignedMeta](e)
	if err != nil || meta.Assignee == nil || meta.Assignee.Id != bo.Subject || meta.PreviousAssignee != nil || meta.AssignedBy.DisplayName != "Ada Lovelace" {
		t.Fatalf("threads.assigned meta: %+v (%v)", meta, err)
	}
	// The same assignee again changes nothing and emits nothing.
	expect[*apiclient.AssignThreadResponse](t, http.StatusOK)(ada.api.AssignThreadWithResponse(ctx, order.ThreadId, apiclient.AssignThreadRequest{AssigneeId: bo.Subject}))
	adaStream.quiet(t)
	userStream.quiet(t) // never a customer's

	// The customer sees no assignee; the inbox filters by it.
	if got := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(user.api.GetThreadWithResponse(ctx, order.ThreadId)).JSON200; got.Assignee != nil {
		t.Fatalf("the customer sees the assignee %+v", got.Assignee)
	}
	inbox := func(a *actor, filter apiclient.ListThreadsParamsAssignee) []uuid.UUID {
		items := expect[*apiclient.ListThreadsResponse](t, http.StatusOK)(a.api.ListThreadsWithResponse(ctx, &apiclient.ListThreadsParams{Assignee: &filter})).JSON200.Items
		ids := make([]uuid.UUID, len(items))
		for i, th := range items {
			ids[i] = th.ThreadId
		}
		return ids
	}
	if mine := inbox(bo, apiclient.Me); len(mine) != 1 || mine[0] != order.ThreadId {
		t.Fatalf("Bo's threads: %v", mine)
	}
	if mine := inbox(ada, apiclient.Me); len(mine) != 0 {
		t.Fatalf("Ada's threads: %v", mine)
	}
	if unassigned := inbox(ada, apiclient.Nobody); len(unassigned) != 1 || unassigned[0] != other.ThreadId {
		t.Fatalf("unassigned threads: %v", unassigned)
	}
	me := apiclient.Me
	expect[*apiclient.ListThreadsResponse](t, http.StatusForbidden)(user.api.ListThreadsWithResponse(ctx, &apiclient.ListThreadsParams{Assignee: &me}))

	// The assignment is news to Bo only: not to Ada, who made it, nor to Cy.
	hasAssignment := func(a *actor) bool {
		for _, n := range expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(a.api.ListNotificationsWithResponse(ctx, nil)).JSON200.Items {
			if noteOf(t, n).ResourceType == "threads.assigned" {
				return true
			}
		}
		return false
	}
	if !hasAssignment(bo) || hasAssignment(ada) || hasAssignment(cy) || hasAssignment(user) {
		t.Fatalf("threads.assigned notifications: bo %v, ada %v, cy %v, user %v", hasAssignment(bo), hasAssignment(ada), hasAssignment(cy), hasAssignment(user))
	}

	// Only admins known to the team can be assigned; nothing changes otherwise.
	before := s.rowCounts(t)
	for _, who := range []uuid.UUID{user.Subject, uuid.New()} {
		expect[*apiclient.AssignThreadResponse](t, http.StatusBadRequest)(ada.api.AssignThreadWithResponse(ctx, order.ThreadId, apiclient.AssignThreadRequest{AssigneeId: who}))
	}
	expect[*apiclient.AssignThreadResponse](t, http.StatusNotFound)(ada.api.AssignThreadWithResponse(ctx, uuid.New(), apiclient.AssignThreadRequest{AssigneeId: bo.Subject}))
	if after := s.rowCounts(t); !sameCounts(before, after) {
		t.Fatalf("a refused assignment changed the database: %v -> %v", before, after)
	}

	// Unassigning names the previous assignee.
	expect[*apiclient.UnassignThreadResponse](t, http.StatusOK)(cy.api.UnassignThreadWithResponse(ctx, order.ThreadId))
	e = adaStream.next(t, 1)[0]
	meta, err = eventstream.Meta[apiclient.ThreadAssignedMeta](e)
	if err != nil || meta.Assignee != nil || meta.PreviousAssignee == nil || meta.PreviousAssignee.Id != bo.Subject {
		t.Fatalf("unassignment meta: %+v (%v)", meta, err)
	}
}

// TestReadStateIsPerAdmin: each admin has their own unread count; the customer's "seen"
// shows once any admin read, and names the newest message the customer can see.
func TestReadStateIsPerAdmin(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user := s.named(t, auth.RoleUser, "Grace Hopper", "")
	ada, bo := s.named(t, auth.RoleAdmin, "Ada Lovelace", ""), s.named(t, auth.RoleAdmin, "Bo Diddley", "")
	stream := s.follow(t, user.token, userStream(user), 0)
	order := user.placeOrder(t)
	question := user.say(t, order.ThreadId, "Where is my parcel?")
	note := postNote(t, s, ada, order.ThreadId, "checking with the warehouse", pngBytes(4))
	stream.next(t, 1) // the question

	unread := func(a *actor) (int, *uuid.UUID) {
		th := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(a.api.GetThreadWithResponse(ctx, order.ThreadId)).JSON200
		return th.UnreadCount, th.LastReadMessageId
	}
	if n, _ := unread(ada); n != 1 {
		t.Fatalf("Ada's unread before reading: %d", n)
	}
	// Ada reads up to her note: her marker is the note, the customer's "seen" is the question.
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(ada.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: note}))
	if n, marker := unread(ada); n != 0 || marker == nil || *marker != note {
		t.Fatalf("Ada after reading: %d unread, marker %v", n, marker)
	}
	if n, marker := unread(bo); n != 1 || marker != nil {
		t.Fatalf("Bo, who read nothing: %d unread, marker %v", n, marker)
	}
	read := stream.next(t, 1)[0]
	meta, err := eventstream.Meta[apiclient.ThreadReadMeta](read)
	if err != nil || read.ResourceType != "threads.read" || meta.MessageId != question.MessageId || meta.ReadBy.Id != ada.Subject || meta.ReadBy.DisplayName != "Ada Lovelace" {
		t.Fatalf("the customer's threads.read: %s %+v (%v)", read.ResourceType, meta, err)
	}
	messages := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(user.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId})).JSON200.Items
	if len(messages) != 1 || !messages[0].Seen {
		t.Fatalf("the customer's messages: %+v", messages)
	}
	// Bo reading the question does not move the side's marker again: no second event.
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(bo.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: question.MessageId}))
	if n, _ := unread(bo); n != 0 {
		t.Fatalf("Bo after reading: %d", n)
	}
	stream.quiet(t)
}

// recorder keeps every response body a client received, with the request's own path (a
// 404's instance) blanked out: the customer naming a note's id is not being shown it.
type recorder struct {
	inner http.RoundTripper
	mu    sync.Mutex
	seen  []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.inner.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	r.mu.Lock()
	r.seen = append(r.seen, strings.ReplaceAll(string(data), req.URL.Path, "(the request's path)"))
	r.mu.Unlock()
	return resp, err
}

// TestNotesNeverReachTheCustomer runs a thread with notes (one with an attachment, one the
// admin read up to, one the newest message) and searches everything the customer
// received, through every operation and both their live stream and a full replay, for
// the notes' text and ids.
func TestNotesNeverReachTheCustomer(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.named(t, auth.RoleUser, "Grace Hopper", "grace@example.com"), s.named(t, auth.RoleAdmin, "Ada Lovelace", "")
	rec := &recorder{inner: s.Client.Transport}
	client, err := apiclient.NewClientWithResponses(s.URL+apiBase, apiclient.WithHTTPClient(&http.Client{Transport: rec}),
		apiclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+user.token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	live := s.rawFollow(t, user.token, userStream(user), "")

	order := user.placeOrder(t)
	question := user.say(t, order.ThreadId, "Where is my parcel?")
	marker := "note-marker-" + uuid.NewString()
	notes := []uuid.UUID{postNote(t, s, admin, order.ThreadId, marker+" attached", pngBytes(4))}
	answer := admin.say(t, order.ThreadId, "It ships tomorrow.")
	text := marker + " the newest"
	internal := apiclient.Internal
	last := expect[*apiclient.CreateMessageResponse](t, http.StatusCreated)(admin.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text, Visibility: &internal})).JSON201
	notes = append(notes, last.MessageId)
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(admin.api.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: last.MessageId}))
	expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Paid}))

	// Everything the customer can read.
	zero := int64(0)
	expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(client.ListOrdersWithResponse(ctx, nil))
	expect[*apiclient.GetOrderResponse](t, http.StatusOK)(client.GetOrderWithResponse(ctx, order.OrderId))
	threads := expect[*apiclient.ListThreadsResponse](t, http.StatusOK)(client.ListThreadsWithResponse(ctx, nil)).JSON200.Items
	thread := expect[*apiclient.GetThreadResponse](t, http.StatusOK)(client.GetThreadWithResponse(ctx, order.ThreadId)).JSON200
	expect[*apiclient.ListThreadsResponse](t, http.StatusOK)(client.ListThreadsWithResponse(ctx, &apiclient.ListThreadsParams{OrderId: &order.OrderId}))
	messages := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(client.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId})).JSON200.Items
	notifications := expect[*apiclient.ListNotificationsResponse](t, http.StatusOK)(client.ListNotificationsWithResponse(ctx, nil)).JSON200
	expect[*apiclient.ListEventsResponse](t, http.StatusOK)(client.ListEventsWithResponse(ctx, &apiclient.ListEventsParams{After: &zero}))
	for _, id := range notes {
		expect[*apiclient.GetMessageMediaResponse](t, http.StatusNotFound)(client.GetMessageMediaWithResponse(ctx, id))
		expect[*apiclient.MarkThreadReadResponse](t, http.StatusNotFound)(client.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: id}))
	}
	expect[*apiclient.MarkThreadReadResponse](t, http.StatusOK)(client.MarkThreadReadWithResponse(ctx, order.ThreadId, apiclient.MarkThreadReadRequest{MessageId: answer.MessageId}))
	replay := s.rawFollow(t, user.token, userStream(user), "0")
	time.Sleep(300 * time.Millisecond) // the replay and the live events are written at once; give them a moment

	if len(messages) != 2 || messages[0].MessageId != question.MessageId || messages[1].MessageId != answer.MessageId {
		t.Fatalf("the customer's messages: %+v", messages)
	}
	// Unread: the answer, not the notes.
	if len(threads) != 1 || thread.LastMessage == nil || thread.LastMessage.MessageId != answer.MessageId || thread.UnreadCount != 1 {
		t.Fatalf("the customer's thread: %+v", thread)
	}
	if notifications.UnreadCount != 2 { // the answer and the status change
		t.Fatalf("the customer's unread notifications: %d", notifications.UnreadCount)
	}
	received := append(rec.received(), "live stream\n"+live.String(), "replay\n"+replay.String())
	if !strings.Contains(received[len(received)-1], answer.MessageId.String()) {
		t.Fatalf("the replay holds no answer, so searching it proves nothing:\n%s", received[len(received)-1])
	}
	for _, body := range received {
		for _, secret := range []string{marker, notes[0].String(), notes[1].String()} {
			if strings.Contains(body, secret) {
				t.Fatalf("the customer received %q in:\n%s", secret, body)
			}
		}
	}
	t.Logf("searched %d responses and 2 streams of the customer", len(received)-2)
}

func (r *recorder) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// rawFollow collects a stream's bytes as they arrive (lastEventID "" : live only).
func (s *testServer) rawFollow(t *testing.T, token, path, lastEventID string) *syncbuf.Buffer {
	t.Helper()
	header := http.Header{"Authorization": {"Bearer " + token}}
	if lastEventID != "" {
		header.Set("Last-Event-ID", lastEventID)
	}
	resp := s.rawStream(t, path, header)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream %s: %d", path, resp.StatusCode)
	}
	out := &syncbuf.Buffer{}
	go func() { _, _ = io.Copy(out, resp.Body) }()
	return out
}
