package chat

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
)

// Text posts share transactions: while one batch of posts is being written, the posts
// that arrive queue, and are written together as the next batch, as soon as the first
// is done. A batch is one PostMessages statement, which PostgreSQL runs as one implicit
// transaction, with one commit and one WAL flush (issue 16;
// docs/adr/0012-posts-share-a-commit.md). When posts come close
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
	params  newPost
	row     db.PostMessagesRow
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
// pgx.ErrNoRows when it stored nothing (see PostMessages in queries).
func (b *postBatcher) post(ctx context.Context, p newPost) (db.PostMessagesRow, error) {
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
	posts := make([]newPost, len(batch))
	for i, p := range batch {
		posts[i] = p.params
	}
	failed := postAll(ctx, b.q, posts, func(i int, row db.PostMessagesRow, err error) { batch[i].row, batch[i].err = row, err })
	if failed && len(batch) > 1 {
		for _, p := range batch {
			b.write(ctx, []*queuedPost{p})
		}
	}
}

// newPost is one post as PostMessages takes it: element i of each of its arrays.
type newPost struct {
	ThreadID, AuthorID, MessageID     uuid.UUID
	AsAdmin, AppendEvent              bool
	Owner, Visibility, MessageContent string
	CreatedAt                         time.Time
	Meta                              json.RawMessage
	Media                             *postedMedia // nil: a text post
}

// postedMedia describes a post's attachment, staged in Store under Key ("" for none).
type postedMedia struct {
	ContentType, Filename, Store, Key string
	SizeBytes                         int64
}

// postOne stores a single post on q (in a transaction of its own, or in q's).
func postOne(ctx context.Context, q *db.Queries, p newPost) (row db.PostMessagesRow, err error) {
	postAll(ctx, q, []newPost{p}, func(_ int, r db.PostMessagesRow, e error) { row, err = r, e })
	return row, err
}

// postAll stores posts in one statement and hands each post's outcome to f: its row,
// pgx.ErrNoRows when it stored nothing, or the statement's error, which counts for every
// post. It reports whether the statement failed.
func postAll(ctx context.Context, q *db.Queries, posts []newPost, f func(int, db.PostMessagesRow, error)) (failed bool) {
	rows, err := q.PostMessages(ctx, postMessagesParams(posts))
	if err != nil {
		for i := range posts {
			f(i, db.PostMessagesRow{}, err)
		}
		return true
	}
	stored := make([]bool, len(posts))
	for _, row := range rows {
		i := int(row.Ord) - 1 // PostMessages numbers the posts from 1
		stored[i] = true
		f(i, row, nil)
	}
	for i, ok := range stored {
		if !ok {
			f(i, db.PostMessagesRow{}, pgx.ErrNoRows)
		}
	}
	return false
}

// postMessagesParams lays the posts out as PostMessages' arrays, one element per post.
func postMessagesParams(posts []newPost) db.PostMessagesParams {
	var a db.PostMessagesParams
	for _, p := range posts {
		m := p.Media
		if m == nil {
			m = &postedMedia{}
		}
		a.ThreadIds = append(a.ThreadIds, p.ThreadID)
		a.AsAdmins = append(a.AsAdmins, p.AsAdmin)
		a.AuthorIds = append(a.AuthorIds, p.AuthorID)
		a.MessageIds = append(a.MessageIds, p.MessageID)
		a.Owners = append(a.Owners, p.Owner)
		a.Visibilities = append(a.Visibilities, p.Visibility)
		a.MessageContents = append(a.MessageContents, p.MessageContent)
		a.CreatedAts = append(a.CreatedAts, p.CreatedAt)
		a.Metas = append(a.Metas, p.Meta)
		a.AppendEvents = append(a.AppendEvents, p.AppendEvent)
		a.HasMedia = append(a.HasMedia, p.Media != nil)
		a.MediaContentTypes = append(a.MediaContentTypes, m.ContentType)
		a.MediaSizeBytes = append(a.MediaSizeBytes, m.SizeBytes)
		a.MediaFilenames = append(a.MediaFilenames, m.Filename)
		a.MediaStores = append(a.MediaStores, m.Store)
		a.MediaKeys = append(a.MediaKeys, m.Key)
	}
	return a
}
