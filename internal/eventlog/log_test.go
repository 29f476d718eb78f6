package eventlog

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"orderchat/gen/db"
	"orderchat/internal/testdb"
	"orderchat/internal/testdb/migrated"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// recorder is a follower that keeps what it is handed for a test to take.
type recorder struct {
	ready chan struct{} // signalled (capacity 1) when rows arrive

	mu       sync.Mutex
	rows     []db.Event
	position int64
}

func (r *recorder) Follow(rows []db.Event, position int64) {
	r.mu.Lock()
	if position < r.position {
		panic(fmt.Sprintf("the position went back from %d to %d", r.position, position))
	}
	r.rows, r.position = append(r.rows, rows...), position
	r.mu.Unlock()
	if len(rows) > 0 {
		select {
		case r.ready <- struct{}{}:
		default:
		}
	}
}

func (r *recorder) take() []db.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	rows := r.rows
	r.rows = nil
	return rows
}

// receive waits until r has been handed n rows.
func (r *recorder) receive(t *testing.T, n int) []db.Event {
	t.Helper()
	var got []db.Event
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case <-r.ready:
			got = append(got, r.take()...)
		case <-deadline:
			t.Fatalf("received %d events, want %d", len(got), n)
		}
	}
	return got
}

// startLog runs a log with a recorder registered.
func startLog(t *testing.T, pool *pgxpool.Pool, opt Options) (*Log, *recorder) {
	t.Helper()
	if opt.Poll == 0 {
		opt.Poll = 100 * time.Millisecond
	}
	l, err := New(context.Background(), pool, opt)
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{ready: make(chan struct{}, 1)}
	l.AddFollower(r)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go l.Run(ctx)
	return l, r
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

// TestOutOfOrderCommitsNeverReorderEvents: a later id may commit while an earlier one is
// still open (commits do not wait for each other), but the log hands on neither until
// the earlier one has committed, then both in id order.
func TestOutOfOrderCommitsNeverReorderEvents(t *testing.T) {
	pool := migrated.Pool(t)
	l, r := startLog(t, pool, Options{})
	user := uuid.New()
	ctx := context.Background()

	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx) // on failure: otherwise closing the pool waits for it forever
	first := appendEvent(t, ctx, slow, user, "slow")
	second := post(t, pool, user, "fast") // commits while "slow" is open
	l.Published()

	// Several settle rounds (a recheck is 5 ms, a poll 100 ms) pass without a delivery.
	select {
	case <-r.ready:
		t.Fatalf("handed on %d events before the first committed", len(r.take()))
	case <-time.After(300 * time.Millisecond):
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	l.Published()
	got := r.receive(t, 2)
	if second <= first || got[0].ID != first || got[1].ID != second {
		t.Fatalf("ids %d then %d; handed on %d, %d", first, second, got[0].ID, got[1].ID)
	}
}

// TestAnOpenWriterHoldsUpOnlyTheEventsAfterIt: an event is handed on once every smaller
// id has committed, while a writer that drew a larger id is still open (the horizon of
// docs/adr/0002 waited for every transaction running after the commit; ADR 0009).
func TestAnOpenWriterHoldsUpOnlyTheEventsAfterIt(t *testing.T) {
	pool := migrated.Pool(t)
	l, r := startLog(t, pool, Options{})
	user := uuid.New()
	ctx := context.Background()

	first, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	later, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer later.Rollback(ctx)
	firstID := appendEvent(t, ctx, first, user, "first")
	laterID := appendEvent(t, ctx, later, user, "later, still open")
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	l.Published()
	if got := r.receive(t, 1); len(got) != 1 || got[0].ID != firstID {
		t.Fatalf("handed on %v, want only %d (%d is open)", got, firstID, laterID)
	}
	if err := later.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	l.Published()
	if got := r.receive(t, 1); got[0].ID != laterID {
		t.Fatalf("handed on %d, want %d", got[0].ID, laterID)
	}
}

// TestAnOpenTransactionWithoutEventsDoesNotHoldUpDelivery: a transaction that writes
// but appends no event is waited for only briefly; events flow while it stays open.
func TestAnOpenTransactionWithoutEventsDoesNotHoldUpDelivery(t *testing.T) {
	pool := migrated.Pool(t)
	l, r := startLog(t, pool, Options{})
	user := uuid.New()
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
	l.Published()
	got := r.receive(t, 1)
	if got[0].ID != id {
		t.Fatalf("handed on %d, want %d", got[0].ID, id)
	}
}

// TestConcurrentWritersAreDeliveredInIDOrder: 8 writers, 50 events each, all handed on,
// strictly increasing, none missing.
func TestConcurrentWritersAreDeliveredInIDOrder(t *testing.T) {
	pool := migrated.Pool(t)
	_, r := startLog(t, pool, Options{})
	user := uuid.New()
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
	got := r.receive(t, 400)
	for i := 1; i < len(got); i++ {
		if got[i].ID <= got[i-1].ID {
			t.Fatalf("event %d handed on after %d", got[i].ID, got[i-1].ID)
		}
	}
	var count int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM events").Scan(&count); err != nil || count != len(got) {
		t.Fatalf("handed on %d of %d events (%v)", len(got), count, err)
	}
}

func TestReplayDeliversOnlyWhatTheAudienceMaySee(t *testing.T) {
	pool := migrated.Pool(t)
	l, _ := startLog(t, pool, Options{})
	alice, bob := uuid.New(), uuid.New()
	var aliceIDs []int64
	for i := range 6 {
		if i%2 == 0 {
			aliceIDs = append(aliceIDs, post(t, pool, alice, "a"))
		} else {
			post(t, pool, bob, "b")
		}
	}
	newest, _ := l.q.NewestEventID(context.Background())
	var got []int64
	err := l.Replay(context.Background(), Audience{UserID: alice}, aliceIDs[0], newest, func(row db.Event) error {
		got = append(got, row.ID)
		return nil
	})
	if err != nil || fmt.Sprint(got) != fmt.Sprint(aliceIDs[1:]) {
		t.Fatalf("replayed %v (%v), want %v", got, err, aliceIDs[1:])
	}
	if err := l.Replay(context.Background(), Audience{Admin: true}, newest+1, newest, nil); err != ErrUnknownPosition {
		t.Fatalf("replay after %d, past the newest: %v, want ErrUnknownPosition", newest+1, err)
	}
}

// TestPruneDeletesOldEventsAndRemembersWhereItCut: a resume from before the cut is
// refused (stream.reset) instead of replaying with a gap.
func TestPruneDeletesOldEventsAndRemembersWhereItCut(t *testing.T) {
	pool := migrated.Pool(t)
	l, _ := startLog(t, pool, Options{})
	user := uuid.New()
	old := post(t, pool, user, "old")
	kept := post(t, pool, user, "kept")
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `UPDATE events SET created_at = now() - interval '8 days' WHERE id = $1`, old); err != nil {
		t.Fatal(err)
	}
	if err := l.Prune(ctx, 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if pruned, err := l.q.PrunedUpTo(ctx); err != nil || pruned != old {
		t.Fatalf("pruned_up_to %d (%v), want %d", pruned, err, old)
	}
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
	if err := l.Replay(ctx, Audience{Admin: true}, old-1, kept, nil); err != ErrExpired {
		t.Fatalf("replay from before the cut: %v, want ErrExpired", err)
	}
}

// TestARolledBackEventIsNeverPublished: a transaction that fails after writing its event
// publishes nothing, and the id it burnt does not hold up the events after it.
func TestARolledBackEventIsNeverPublished(t *testing.T) {
	pool := migrated.Pool(t)
	_, r := startLog(t, pool, Options{})
	user := uuid.New()
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
	got := r.receive(t, 1)
	if got[0].ID != next || next <= burnt {
		t.Fatalf("handed on %d, want only %d (the rolled-back one was %d)", got[0].ID, next, burnt)
	}
	select {
	case <-r.ready:
		if rows := r.take(); len(rows) > 0 {
			t.Fatalf("extra events handed on: %d", len(rows))
		}
	case <-time.After(300 * time.Millisecond):
	}
}

// TestAnotherInstanceHearsOfEventsByNotify: two logs on one database, polling once an
// hour: an event one instance announces after its commit reaches the other's follower.
func TestAnotherInstanceHearsOfEventsByNotify(t *testing.T) {
	pool := migrated.Pool(t)
	writer, _ := startLog(t, pool, Options{Poll: time.Hour})
	reader, r := startLog(t, pool, Options{Poll: time.Hour})
	waitReady(t, reader)
	user := uuid.New()
	id := post(t, pool, user, "across instances")
	writer.Published()
	if got := r.receive(t, 1); got[0].ID != id {
		t.Fatalf("handed on %d, want %d", got[0].ID, id)
	}
}

// TestALoneInstanceAnnouncesOnlyItself: with no other instance listening, commits are
// not announced (only the instance itself, when it starts listening); once another
// instance is heard, they are.
func TestALoneInstanceAnnouncesOnlyItself(t *testing.T) {
	pool := migrated.Pool(t)
	lone, r := startLog(t, pool, Options{Poll: time.Hour})
	waitReady(t, lone)
	user := uuid.New()
	for i := range 20 {
		post(t, pool, user, fmt.Sprint("alone ", i))
		lone.Published()
		r.receive(t, 1)
	}
	time.Sleep(50 * time.Millisecond) // an announcement still on its way would count by now
	if n := testutil.ToFloat64(lone.metrics.announcements); n != 1 {
		t.Fatalf("a lone instance sent %v NOTIFYs for 20 commits, want 1 (its own start)", n)
	}
	if lone.hasPeers() {
		t.Fatal("a lone instance believes it has peers")
	}

	other, _ := startLog(t, pool, Options{Poll: time.Hour})
	waitReady(t, other)
	for deadline := time.Now().Add(10 * time.Second); !lone.hasPeers(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first instance never heard of the second")
		}
	}
	before := testutil.ToFloat64(lone.metrics.announcements)
	post(t, pool, user, "with company")
	lone.Published()
	r.receive(t, 1)
	for deadline := time.Now().Add(10 * time.Second); testutil.ToFloat64(lone.metrics.announcements) == before; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a commit was not announced although another instance listens")
		}
	}
}

func waitReady(t *testing.T, l *Log) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); l.Ready(context.Background()) != nil; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the listener did not connect")
		}
	}
}
