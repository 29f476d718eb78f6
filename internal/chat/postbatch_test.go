package chat

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/gen/db"
	"orderchat/internal/testdb"
	"orderchat/internal/testdb/migrated"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// openThreads creates n orders with their open threads.
func openThreads(t *testing.T, pool *pgxpool.Pool, n int) []uuid.UUID {
	t.Helper()
	var threads []uuid.UUID
	for range n {
		order, thread := uuid.New(), uuid.New()
		_, err := pool.Exec(context.Background(), `WITH o AS (INSERT INTO orders (order_id, user_id, total_cents) VALUES ($1, $3, 0))
			INSERT INTO threads (thread_id, order_id, user_id) VALUES ($2, $1, $3)`, order, thread, uuid.New())
		if err != nil {
			t.Fatal(err)
		}
		threads = append(threads, thread)
	}
	return threads
}

func textPost(thread uuid.UUID) *queuedPost {
	return &queuedPost{params: newPost{
		ThreadID: thread, AsAdmin: true, AuthorID: uuid.New(), MessageID: uuid.New(), Owner: string(AdminSide), Visibility: string(Public),
		MessageContent: "hello", CreatedAt: dbNow(), AppendEvent: true, Meta: json.RawMessage(`{}`),
	}}
}

// transactions counts the transactions that wrote the messages of posts.
func transactions(t *testing.T, pool *pgxpool.Pool, posts ...*queuedPost) int {
	t.Helper()
	var ids []uuid.UUID
	for _, p := range posts {
		ids = append(ids, p.params.MessageID)
	}
	var n, stored int
	err := pool.QueryRow(context.Background(), `SELECT count(DISTINCT xmin::text), count(*) FROM messages WHERE message_id = ANY($1)`, ids).Scan(&n, &stored)
	if err != nil || stored != len(posts) {
		t.Fatalf("%d of %d messages stored (%v)", stored, len(posts), err)
	}
	return n
}

// TestABatchIsOneTransactionAndAFailingPostFailsAlone: the posts of a batch commit
// together, a post that stores nothing (a missing thread) leaves the others alone, and
// a failing statement, which rolls the batch back, fails only its own post.
func TestABatchIsOneTransactionAndAFailingPostFailsAlone(t *testing.T) {
	pool := migrated.Pool(t)
	ctx := context.Background()
	threads := openThreads(t, pool, 3)
	b := &postBatcher{q: db.New(pool)}

	together := []*queuedPost{textPost(threads[2]), textPost(threads[0]), textPost(threads[1]), textPost(threads[1])}
	nowhere := textPost(uuid.New())
	b.write(ctx, append([]*queuedPost{nowhere}, together...))
	for _, p := range together {
		if p.err != nil || p.row.EventID == nil {
			t.Fatalf("post to %s: %v (event %v)", p.params.ThreadID, p.err, p.row.EventID)
		}
	}
	if !errors.Is(nowhere.err, pgx.ErrNoRows) {
		t.Fatalf("post to a missing thread: %v, want no row", nowhere.err)
	}
	if n := transactions(t, pool, together...); n != 1 {
		t.Fatalf("a batch of %d posts took %d transactions, want 1", len(together), n)
	}

	bad := textPost(threads[1])
	bad.params.Meta = json.RawMessage(`{"not json`)
	alone := []*queuedPost{textPost(threads[0]), textPost(threads[2])}
	b.write(ctx, []*queuedPost{alone[0], bad, alone[1]})
	if bad.err == nil || errors.Is(bad.err, pgx.ErrNoRows) {
		t.Fatalf("a post with a broken meta: %v, want its statement's error", bad.err)
	}
	for _, p := range alone {
		if p.err != nil {
			t.Fatalf("a post batched with a failing one: %v", p.err)
		}
	}
	if n := transactions(t, pool, alone...); n != 2 {
		t.Fatalf("after a failure, %d posts took %d transactions, want 2 (one each)", len(alone), n)
	}
	var events int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&events); err != nil || events != len(together)+len(alone) {
		t.Fatalf("%d events (%v), want %d", events, err, len(together)+len(alone))
	}
}

// TestOneStatementKeepsEachPostsRules: in one batch, each post is checked and stored as it
// would be alone (its own thread's state and author, its own message id), messages and
// events follow the posts' order, and a note does not move its thread in the list.
func TestOneStatementKeepsEachPostsRules(t *testing.T) {
	pool := migrated.Pool(t)
	ctx := context.Background()
	threads := openThreads(t, pool, 3)
	open, other, closed := threads[0], threads[1], threads[2]
	var customer uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT user_id FROM threads WHERE thread_id = $1`, open).Scan(&customer); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE threads SET is_active = false, closed_at = now() WHERE thread_id = $1`, closed); err != nil {
		t.Fatal(err)
	}
	byCustomer := func(thread uuid.UUID) *queuedPost {
		p := textPost(thread)
		p.params.AsAdmin, p.params.AuthorID, p.params.Owner = false, customer, string(UserSide)
		return p
	}
	first, second := textPost(open), byCustomer(open)
	note := textPost(open)
	note.params.Visibility = string(Internal)
	note.params.CreatedAt = second.params.CreatedAt.Add(time.Hour) // later than every public post
	taken := textPost(other)
	taken.params.MessageID = first.params.MessageID // a duplicate in the same batch
	notHers, toClosed, last := byCustomer(other), textPost(closed), textPost(other)

	batch := []*queuedPost{first, second, note, taken, notHers, toClosed, last}
	(&postBatcher{q: db.New(pool)}).write(ctx, batch)

	stored := []*queuedPost{first, second, note, last}
	for _, p := range []*queuedPost{taken, notHers, toClosed} {
		if !errors.Is(p.err, pgx.ErrNoRows) {
			t.Fatalf("post %s to %s: %v, want no row", p.params.MessageID, p.params.ThreadID, p.err)
		}
	}
	for i, p := range stored {
		if p.err != nil || p.row.MessageID != p.params.MessageID || p.row.EventID == nil {
			t.Fatalf("stored post %d: %v, row %s, event %v", i, p.err, p.row.MessageID, p.row.EventID)
		}
		if i > 0 && (p.row.Seq <= stored[i-1].row.Seq || *p.row.EventID <= *stored[i-1].row.EventID) {
			t.Fatalf("post %d has seq %d, event %d after seq %d, event %d: out of the posts' order",
				i, p.row.Seq, *p.row.EventID, stored[i-1].row.Seq, *stored[i-1].row.EventID)
		}
		if string(p.row.EventMeta) != "{}" || p.row.CustomerID == uuid.Nil || p.row.OrderID == uuid.Nil {
			t.Fatalf("stored post %d: meta %s, customer %s, order %s", i, p.row.EventMeta, p.row.CustomerID, p.row.OrderID)
		}
	}
	if n := transactions(t, pool, stored...); n != 1 {
		t.Fatalf("one batch took %d transactions", n)
	}
	rows, _ := pool.Query(ctx, `SELECT user_visible FROM events WHERE thread_id = $1 ORDER BY id`, open)
	if userVisible, err := pgx.CollectRows(rows, pgx.RowTo[bool]); err != nil || len(userVisible) != 3 || !userVisible[0] || !userVisible[1] || userVisible[2] {
		t.Fatalf("events of the open thread, user-visible: %v (%v), want [true true false]", userVisible, err)
	}
	var updatedAt time.Time
	if err := pool.QueryRow(ctx, `SELECT updated_at FROM threads WHERE thread_id = $1`, open).Scan(&updatedAt); err != nil {
		t.Fatal(err)
	}
	if !updatedAt.Equal(second.params.CreatedAt) {
		t.Fatalf("the thread's updated_at is %s, want its newest public message's %s (not the note's)", updatedAt, second.params.CreatedAt)
	}
}

// TestPostsThatArriveTogetherShareCommits: 64 concurrent posts to 4 threads are all
// stored, in fewer transactions than posts.
func TestPostsThatArriveTogetherShareCommits(t *testing.T) {
	pool := migrated.Pool(t)
	threads := openThreads(t, pool, 4)
	b := &postBatcher{q: db.New(pool)}
	posts := make([]*queuedPost, 64)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range posts {
		posts[i] = textPost(threads[i%len(threads)])
		wg.Go(func() {
			<-start
			posts[i].row, posts[i].err = b.post(context.Background(), posts[i].params)
		})
	}
	close(start)
	wg.Wait()
	for _, p := range posts {
		if p.err != nil || p.row.MessageID != p.params.MessageID {
			t.Fatalf("post %s: %v, row for %s", p.params.MessageID, p.err, p.row.MessageID)
		}
	}
	if n := transactions(t, pool, posts...); n >= len(posts) {
		t.Fatalf("%d concurrent posts took %d transactions", len(posts), n)
	}
	if b.writing || len(b.queue) != 0 {
		t.Fatalf("after the posts: writing %v, %d posts queued", b.writing, len(b.queue))
	}
}

// TestAPanicWhileWritingFailsItsBatchAndFreesTheQueue: a post queued behind a batch that
// panics learns that it was not written, and the next post is written, not stuck.
func TestAPanicWhileWritingFailsItsBatchAndFreesTheQueue(t *testing.T) {
	b := &postBatcher{} // no queries: writing panics
	waiting := textPost(uuid.New())
	waiting.turn = make(chan bool, 1)
	b.queue = []*queuedPost{waiting} // queued before the post that writes the batch
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("writing without queries did not panic")
			}
		}()
		_, _ = b.post(context.Background(), textPost(uuid.New()).params)
	}()
	if lead := <-waiting.turn; lead || !errors.Is(waiting.err, errNotWritten) {
		t.Fatalf("the waiting post was told to lead %v, with error %v; want false and errNotWritten", lead, waiting.err)
	}
	if b.writing || len(b.queue) != 0 {
		t.Fatalf("after the panic: writing %v, %d posts queued", b.writing, len(b.queue))
	}
}

// TestPostsThatFollowCloselyWaitForCompany: with a window, a post that comes alone is
// written at once, and posts that follow each other within the window share a commit,
// although each would otherwise find no batch being written (they are 20 ms apart).
func TestPostsThatFollowCloselyWaitForCompany(t *testing.T) {
	pool := migrated.Pool(t)
	threads := openThreads(t, pool, 3)
	alone := &postBatcher{q: db.New(pool), window: time.Hour}
	first := textPost(threads[0])
	if _, err := alone.post(context.Background(), first.params); err != nil { // waiting an hour would time the test out
		t.Fatal(err)
	}

	b := &postBatcher{q: db.New(pool), window: 400 * time.Millisecond}
	posts := make([]*queuedPost, 6)
	var wg sync.WaitGroup
	for i := range posts {
		posts[i] = textPost(threads[i%len(threads)])
		wg.Go(func() { posts[i].row, posts[i].err = b.post(context.Background(), posts[i].params) })
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	for _, p := range posts {
		if p.err != nil {
			t.Fatal(p.err)
		}
	}
	// The first came alone and was written at once; the other five came within the window
	// of the one before them.
	if n := transactions(t, pool, posts[1:]...); n != 1 {
		t.Fatalf("%d posts 20 ms apart took %d transactions, want 1", len(posts)-1, n)
	}
	if n := transactions(t, pool, posts...); n != 2 {
		t.Fatalf("with the first, %d transactions, want 2", n)
	}
}
