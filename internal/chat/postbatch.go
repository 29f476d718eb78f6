package chat

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
)

// Text posts share transactions: while one batch of posts is being written, the posts
// that arrive queue, and are written together as the next batch, as soon as the first
// is done. A batch's PostMessage statements go down one connection in one pipeline with
// one Sync, which PostgreSQL runs as one implicit transaction, with one commit and one
// WAL flush (issue 16; docs/adr/0012-posts-share-a-commit.md). No post waits for a
// timer: a post that finds no batch being written is written at once, alone.
const maxBatch = 100 // posts in one transaction: bounds how long its thread locks are held

// postBatcher gathers the posts waiting to be written. The post that finds no batch
// being written writes the queue; when it is done, it hands the queue to the first post
// waiting, which writes it in turn: no goroutine runs beyond the requests.
type postBatcher struct {
	q *db.Queries

	mu      sync.Mutex
	queue   []*queuedPost
	writing bool // a batch is being written
}

type queuedPost struct {
	params db.PostMessageParams
	row    db.PostMessageRow
	err    error
	// turn receives nil when the post was written by another post's batch (row and err
	// are set), or the batch it is to write.
	turn chan []*queuedPost
}

// post writes p, alone or with the posts that arrive meanwhile, and returns its row;
// pgx.ErrNoRows when the statement stored nothing (see PostMessage in queries).
func (b *postBatcher) post(ctx context.Context, p db.PostMessageParams) (db.PostMessageRow, error) {
	me := &queuedPost{params: p, turn: make(chan []*queuedPost, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, me)
	var batch []*queuedPost
	if !b.writing {
		b.writing = true
		batch = b.take()
	}
	b.mu.Unlock()
	if batch == nil {
		if batch = <-me.turn; batch == nil {
			return me.row, me.err
		}
	}
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

// done hands the queue to the first post waiting, if any, and tells the posts of the
// batch written that their row and error are set.
func (b *postBatcher) done(me *queuedPost, batch []*queuedPost) {
	b.mu.Lock()
	if len(b.queue) > 0 {
		next := b.take()
		next[0].turn <- next
	} else {
		b.writing = false
	}
	b.mu.Unlock()
	for _, p := range batch {
		if p != me {
			p.turn <- nil
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
