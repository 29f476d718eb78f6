package chat

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
)

// Text posts share transactions: while one batch of posts is being written, the posts
// that arrive queue, and are written together as the next batch, as soon as the first
// is done. A batch's PostMessage statements go down one connection in one pipeline with
// one Sync, which PostgreSQL runs as one implicit transaction, with one commit and one
// WAL flush (issue 16; docs/adr/0012-posts-share-a-commit.md). When posts come close
// together (within the window of the one before), a batch also waits until its first
// post is a window old, so that the next few share its commit; a post that comes alone
// is written at once.
const maxBatch = 100 // posts in one transaction: bounds how long its thread locks are held

// postBatcher gathers the posts waiting to be written. The post that finds no batch
// being written leads: it writes the queue; when it is done, it hands the lead to the
// first post waiting, which writes the queue in turn: no goroutine runs beyond the
// requests.
type postBatcher struct {
	q      *db.Queries
	window time.Duration // 0: no post waits for company

	mu      sync.Mutex
	queue   []*queuedPost
	writing bool      // a post leads: its batch is being gathered or written
	last    time.Time // when the latest post arrived
}

type queuedPost struct {
	params  db.PostMessageParams
	row     db.PostMessageRow
	err     error
	arrived time.Time
	// busy: the post came within the window of the one before it. Posts are coming fast,
	// so the batch it leads, if any, waits for company.
	busy bool
	// turn receives false when the post was written by another post's batch (row and
	// err are set), true when it leads the next batch.
	turn chan bool
}

// post writes p, alone or with the posts that arrive meanwhile, and returns its row;
// pgx.ErrNoRows when the statement stored nothing (see PostMessage in queries).
func (b *postBatcher) post(ctx context.Context, p db.PostMessageParams) (db.PostMessageRow, error) {
	me := &queuedPost{params: p, turn: make(chan bool, 1), arrived: time.Now()}
	b.mu.Lock()
	me.busy = me.arrived.Sub(b.last) < b.window
	b.last = me.arrived
	b.queue = append(b.queue, me)
	lead := !b.writing
	b.writing = true
	b.mu.Unlock()
	if !lead && !<-me.turn {
		return me.row, me.err
	}
	if me.busy {
		time.Sleep(time.Until(me.arrived.Add(b.window)))
	}
	b.mu.Lock()
	batch := b.take()
	b.mu.Unlock()
	// Even if writing panics (and the panic reaches this request), the others learn their
	// outcome and the queue moves on: otherwise every later post would wait forever.
	defer b.done(me, batch)
	for _, p := range batch {
		p.err = errNotWritten
	}
	// Once queued, a post is written even if its request goes away: the others share
	// its transaction.
	b.write(context.WithoutCancel(ctx), batch)
	return me.row, me.err
}

// errNotWritten is the outcome of a post whose batch did not finish writing.
var errNotWritten = errors.New("the batch of posts this one was in failed before it was written")

// done hands the lead to the first post waiting, if any, and tells the posts of the
// batch written that their row and error are set.
func (b *postBatcher) done(me *queuedPost, batch []*queuedPost) {
	b.mu.Lock()
	if len(b.queue) > 0 {
		b.queue[0].turn <- true
	} else {
		b.writing = false
	}
	b.mu.Unlock()
	for _, p := range batch {
		if p != me {
			p.turn <- false
		}
	}
}

// take removes the next batch from the queue; the caller holds mu.
func (b *postBatcher) take() []*queuedPost {
	n := min(len(b.queue), maxBatch)
	batch := slices.Clone(b.queue[:n])
	b.queue = slices.Delete(b.queue, 0, n)
	return batch
}

// write runs the batch in one transaction and sets each post's row and error. A failing
// statement rolls back the whole transaction, so then each post is written alone: only
// its own failure is reported to it.
func (b *postBatcher) write(ctx context.Context, batch []*queuedPost) {
	params := make([]db.PostMessageParams, len(batch))
	for i, p := range batch {
		params[i] = p.params
	}
	failed := postAll(ctx, b.q, params, func(i int, row db.PostMessageRow, err error) { batch[i].row, batch[i].err = row, err })
	if failed && len(batch) > 1 {
		for _, p := range batch {
			b.write(ctx, []*queuedPost{p})
		}
	}
}

// postOne runs a single PostMessage on q (in a transaction of its own, or in q's).
func postOne(ctx context.Context, q *db.Queries, p db.PostMessageParams) (row db.PostMessageRow, err error) {
	postAll(ctx, q, []db.PostMessageParams{p}, func(_ int, r db.PostMessageRow, e error) { row, err = r, e })
	return row, err
}

// postAll runs the statements in one pipeline and hands each result to f; it reports
// whether anything failed, the commit included (which then counts for every post).
func postAll(ctx context.Context, q *db.Queries, params []db.PostMessageParams, f func(int, db.PostMessageRow, error)) (failed bool) {
	results := q.PostMessage(ctx, params)
	results.QueryRow(func(i int, row db.PostMessageRow, err error) {
		failed = failed || (err != nil && !errors.Is(err, pgx.ErrNoRows))
		f(i, row, err)
	})
	if err := results.Close(); err != nil {
		for i := range params {
			f(i, db.PostMessageRow{}, err)
		}
		return true
	}
	return failed
}
