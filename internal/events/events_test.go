package events

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"orderchat/gen/db"
	"orderchat/internal/store"
	"orderchat/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := store.Open(ctx, testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool
}

func startHub(t *testing.T, pool *pgxpool.Pool, opt Options) *Hub {
	t.Helper()
	if opt.Poll == 0 {
		opt.Poll = 100 * time.Millisecond
	}
	h, err := NewHub(context.Background(), pool, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go h.Run(ctx)
	return h
}

// appendEvent writes an event the way the chat service does (through append_event); the
// caller commits.
func appendEvent(t *testing.T, ctx context.Context, tx pgx.Tx, user uuid.UUID, text string) int64 {
	t.Helper()
	meta, _ := json.Marshal(map[string]any{"message_content": text})
	id, err := db.New(tx).AppendEvent(ctx, db.AppendEventParams{Resource: "messages", ResourceType: "messages.new", UserID: &user, UserVisible: true, Meta: meta})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func post(t *testing.T, pool *pgxpool.Pool, user uuid.UUID, text string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		id = appendEvent(t, context.Background(), tx, user, text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// receive waits for n events on s.
func receive(t *testing.T, s *Subscriber, n int) []Event {
	t.Helper()
	var got []Event
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case <-s.ready:
			queued, overflow, _ := s.take()
			if overflow {
				t.Fatal("the subscriber overflowed")
			}
			got = append(got, queued...)
		case <-deadline:
			t.Fatalf("received %d events, want %d", len(got), n)
		}
	}
	return got
}

// TestOutOfOrderCommitsNeverReorderEvents: a later id may commit while an earlier one is
// still open (commits do not wait for each other), but the hub delivers neither until
// the earlier one has committed, then both in id order.
func TestOutOfOrderCommitsNeverReorderEvents(t *testing.T) {
	pool := newPool(t)
	h := startHub(t, pool, Options{})
	user := uuid.New()
	sub, _, err := h.Subscribe(user, Audience{UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx) // on failure: otherwise closing the pool waits for it forever
	first := appendEvent(t, ctx, slow, user, "slow")
	second := post(t, pool, user, "fast") // commits while "slow" is open
	h.Published()

	// Several settle rounds (a recheck is 5 ms, a poll 100 ms) pass without a delivery.
	select {
	case <-sub.ready:
		queued, _, _ := sub.take()
		t.Fatalf("delivered %d events before the first committed", len(queued))
	case <-time.After(300 * time.Millisecond):
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	h.Published()
	got := receive(t, sub, 2)
	if second <= first || got[0].ID != first || got[1].ID != second {
		t.Fatalf("ids %d then %d; delivered %d, %d", first, second, got[0].ID, got[1].ID)
	}
}

// TestAnOpenTransactionWithoutEventsDoesNotHoldUpDelivery: a transaction that writes
// but appends no event is waited for only briefly; events flow while it stays open.
func TestAnOpenTransactionWithoutEventsDoesNotHoldUpDelivery(t *testing.T) {
	pool := newPool(t)
	h := startHub(t, pool, Options{})
	user := uuid.New()
	sub, _, _ := h.Subscribe(user, Audience{UserID: user})
	ctx := context.Background()
	other, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback(ctx)
	if _, err := other.Exec(ctx, `UPDATE event_log_state SET pruned_up_to = pruned_up_to`); err != nil {
		t.Fatal(err)
	}
	id := post(t, pool, user, "while another transaction is open")
	h.Published()
	got := receive(t, sub, 1)
	if got[0].ID != id {
		t.Fatalf("delivered %d, want %d", got[0].ID, id)
	}
}

// TestConcurrentWritersAreDeliveredInIDOrder: 8 writers, 50 events each, all delivered
// to one subscriber, strictly increasing, none missing.
func TestConcurrentWritersAreDeliveredInIDOrder(t *testing.T) {
	pool := newPool(t)
	h := startHub(t, pool, Options{QueueBytes: 1 << 20})
	user := uuid.New()
	sub, _, err := h.Subscribe(user, Audience{Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				post(t, pool, user, fmt.Sprintf("w%d-%d", w, i))
			}
		}()
	}
	wg.Wait()
	got := receive(t, sub, 400)
	for i := 1; i < len(got); i++ {
		if got[i].ID <= got[i-1].ID {
			t.Fatalf("event %d delivered after %d", got[i].ID, got[i-1].ID)
		}
	}
	var count int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM events").Scan(&count); err != nil || count != len(got) {
		t.Fatalf("delivered %d of %d events (%v)", len(got), count, err)
	}
}

// TestASlowSubscriberIsCutOffAndOthersKeepReceiving: a subscriber that never reads
// overflows its byte budget and is removed; the others get every event.
func TestASlowSubscriberIsCutOffAndOthersKeepReceiving(t *testing.T) {
	pool := newPool(t)
	reg := prometheus.NewRegistry()
	h := startHub(t, pool, Options{QueueBytes: 4 << 10, Registerer: reg})
	user := uuid.New()
	slow, _, _ := h.Subscribe(uuid.New(), Audience{Admin: true})
	healthy, _, _ := h.Subscribe(user, Audience{UserID: user})

	var got []Event
	for i := range 60 {
		post(t, pool, user, strings.Repeat("x", 200)+fmt.Sprint(i))
		got = append(got, receive(t, healthy, 1)...)
	}
	if len(got) != 60 {
		t.Fatalf("the healthy subscriber got %d of 60", len(got))
	}
	if _, overflow, _ := slow.take(); !overflow {
		t.Fatal("the slow subscriber did not overflow")
	}
	h.mu.Lock()
	_, stillThere := h.admins[slow]
	h.mu.Unlock()
	if stillThere {
		t.Fatal("the slow subscriber is still registered")
	}
	if n := testutil.ToFloat64(h.metrics.dropped.WithLabelValues("slow")); n != 1 {
		t.Fatalf("dropped counter %v, want 1", n)
	}
}

func TestStreamsPerPrincipalAreLimited(t *testing.T) {
	h := startHub(t, newPool(t), Options{MaxPerUser: 2})
	p := uuid.New()
	a, _, err1 := h.Subscribe(p, Audience{UserID: p})
	_, _, err2 := h.Subscribe(p, Audience{UserID: p})
	_, _, err3 := h.Subscribe(p, Audience{UserID: p})
	if err1 != nil || err2 != nil || err3 != ErrTooManyStreams {
		t.Fatalf("errors %v %v %v, want nil nil ErrTooManyStreams", err1, err2, err3)
	}
	h.Unsubscribe(a)
	h.Unsubscribe(a)
	if _, _, err := h.Subscribe(p, Audience{UserID: p}); err != nil {
		t.Fatalf("after closing one: %v", err)
	}
}

func TestReplayDeliversOnlyWhatTheAudienceMaySee(t *testing.T) {
	pool := newPool(t)
	h := startHub(t, pool, Options{})
	alice, bob := uuid.New(), uuid.New()
	var aliceIDs []int64
	for i := range 6 {
		if i%2 == 0 {
			aliceIDs = append(aliceIDs, post(t, pool, alice, "a"))
		} else {
			post(t, pool, bob, "b")
		}
	}
	newest, _ := h.q.NewestEventID(context.Background())
	var got []int64
	n, err := h.Replay(context.Background(), Audience{UserID: alice}, aliceIDs[0], newest, func(e Event) error {
		got = append(got, e.ID)
		return nil
	})
	if err != nil || n != 2 || fmt.Sprint(got) != fmt.Sprint(aliceIDs[1:]) {
		t.Fatalf("replayed %v (%d, %v), want %v", got, n, err, aliceIDs[1:])
	}
}

func TestMaintainPrunesOldEventsAndRemembersWhereItCut(t *testing.T) {
	pool := newPool(t)
	h := startHub(t, pool, Options{})
	user := uuid.New()
	old := post(t, pool, user, "old")
	kept := post(t, pool, user, "kept")
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `UPDATE events SET created_at = now() - interval '8 days' WHERE id = $1`, old); err != nil {
		t.Fatal(err)
	}
	tickets := NewTickets(pool)
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { h.Maintain(mctx, time.Hour, 7*24*time.Hour, tickets); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		pruned, err := h.q.PrunedUpTo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pruned == old {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pruned_up_to %d, want %d", pruned, old)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	var ids []int64
	rows, _ := pool.Query(ctx, `SELECT id FROM events ORDER BY id`)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	if fmt.Sprint(ids) != fmt.Sprint([]int64{kept}) {
		t.Fatalf("events left: %v, want [%d]", ids, kept)
	}
}

// TestARolledBackEventIsNeverPublished: a transaction that fails after writing its event
// publishes nothing, and the id it burnt does not hold up the events after it.
func TestARolledBackEventIsNeverPublished(t *testing.T) {
	pool := newPool(t)
	h := startHub(t, pool, Options{})
	user := uuid.New()
	sub, _, _ := h.Subscribe(user, Audience{Admin: true})
	ctx := context.Background()
	var burnt int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		burnt = appendEvent(t, ctx, tx, user, "never")
		_, err := tx.Exec(ctx, `INSERT INTO threads (thread_id, order_id, user_id) VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid())`)
		return err // a foreign-key violation: the whole transaction rolls back
	})
	if err == nil {
		t.Fatal("the failing statement succeeded")
	}
	next := post(t, pool, user, "after")
	got := receive(t, sub, 1)
	if got[0].ID != next || next <= burnt {
		t.Fatalf("delivered %d, want only %d (the rolled-back one was %d)", got[0].ID, next, burnt)
	}
	select {
	case <-sub.ready:
		queued, _, _ := sub.take()
		if len(queued) > 0 {
			t.Fatalf("extra events delivered: %d", len(queued))
		}
	case <-time.After(300 * time.Millisecond):
	}
}

// TestAnotherInstanceHearsOfEventsByNotify: two hubs on one database, polling once an
// hour: an event one instance announces after its commit reaches the other's subscriber.
func TestAnotherInstanceHearsOfEventsByNotify(t *testing.T) {
	pool := newPool(t)
	writer := startHub(t, pool, Options{Poll: time.Hour})
	reader := startHub(t, pool, Options{Poll: time.Hour})
	for deadline := time.Now().Add(10 * time.Second); reader.Ready(context.Background()) != nil; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the reader's listener did not connect")
		}
	}
	user := uuid.New()
	sub, _, _ := reader.Subscribe(user, Audience{UserID: user})
	id := post(t, pool, user, "across instances")
	writer.Published()
	if got := receive(t, sub, 1); got[0].ID != id {
		t.Fatalf("delivered %d, want %d", got[0].ID, id)
	}
}
