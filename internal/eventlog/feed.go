package eventlog

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// The event feed (openapi.yaml: listEvents) reads the same settled log as the streams:
// only up to the position the followers have been handed, so a page never holds an id
// that a smaller one, still uncommitted, could precede later (README: "How ordering is
// kept").

// FeedRequest asks for one page of the feed.
type FeedRequest struct {
	Audience Audience
	After    *int64        // only events with a larger id; nil: from the present
	Limit    int           // at most this many events
	Wait     time.Duration // when none is there yet, wait this long for one
}

// FeedPage is a page of log rows, oldest first. Next is the id of the last row, or with
// no rows the position reached (never below the request's After).
type FeedPage struct {
	Rows    []db.Event
	Next    int64
	HasMore bool
}

// Feed reads a page of the events a may see. An After whose successors were pruned is
// ErrExpired. With Wait, a request that finds nothing waits until the log reads an event
// a may see (each wake costs one read), the wait ends, ctx ends, or Shutdown; the last
// three answer with an empty page.
func (l *Log) Feed(ctx context.Context, r FeedRequest) (FeedPage, error) {
	// Whatever committed before the request is on the page (a client reads its own
	// writes), once every smaller id has settled: Settled, as for read-all.
	newest, err := l.q.NewestEventID(ctx)
	if err != nil {
		return FeedPage{}, fmt.Errorf("read the newest event: %w", err)
	}
	l.Settled(ctx, newest)
	pos, woken, release := l.polls.await(l, r.Audience)
	defer func() { release() }()
	after := pos
	if r.After != nil {
		after = *r.After
	}
	var timeout <-chan time.Time
	if r.Wait > 0 {
		timer := time.NewTimer(r.Wait)
		defer timer.Stop()
		timeout = timer.C
	}
	checkRetention, waiting := r.After != nil && after > 0, false
	for {
		var rows []db.Event
		if pos > after {
			if rows, err = l.read(ctx, r.Audience, after, pos, r.Limit+1); err != nil {
				return FeedPage{}, err
			}
		}
		if checkRetention {
			// After the read: a prune that ran before it is seen here (the streams'
			// stream.reset rule, Replay).
			checkRetention = false
			pruned, err := l.q.PrunedUpTo(ctx)
			if err != nil {
				return FeedPage{}, fmt.Errorf("read retention state: %w", err)
			}
			if after < pruned {
				return FeedPage{}, ErrExpired
			}
		}
		if len(rows) > r.Limit {
			return FeedPage{Rows: rows[:r.Limit], Next: rows[r.Limit-1].ID, HasMore: true}, nil
		}
		if len(rows) > 0 {
			return FeedPage{Rows: rows, Next: rows[len(rows)-1].ID}, nil
		}
		empty := FeedPage{Rows: []db.Event{}, Next: max(after, pos)}
		if timeout == nil {
			return empty, nil
		}
		if !waiting {
			waiting = true
			l.metrics.polling.Inc()
			defer l.metrics.polling.Dec()
		}
		select {
		case <-woken:
		case <-timeout:
			return empty, nil
		case <-ctx.Done():
			return empty, nil
		case <-l.shutdown: // do not hold up a graceful shutdown (serve.go)
			return empty, nil
		}
		release()
		pos, woken, release = l.polls.await(l, r.Audience)
	}
}

// pollers are the feed requests waiting for an event, grouped by audience: the waiters
// of one audience share a channel, which the log closes (and forgets) when it reads an
// event that audience may see. So a user's waiting request wakes only for that user's
// events, not for everyone's. Guarded by the log's mu.
type pollers struct {
	admins *poll
	users  map[uuid.UUID]*poll
}

type poll struct {
	ready   chan struct{}
	waiters int
}

// await registers interest in the next event a may see after the log's position, which
// it returns (taken under the same lock as advance, so nothing read later is missed),
// with the channel closed when such an event is read. release unregisters.
func (p *pollers) await(l *Log, a Audience) (pos int64, ready <-chan struct{}, release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var w *poll
	if a.Admin {
		if p.admins == nil {
			p.admins = &poll{ready: make(chan struct{})}
		}
		w = p.admins
	} else {
		if p.users == nil {
			p.users = map[uuid.UUID]*poll{}
		}
		if w = p.users[a.UserID]; w == nil {
			w = &poll{ready: make(chan struct{})}
			p.users[a.UserID] = w
		}
	}
	w.waiters++
	return l.position, w.ready, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		w.waiters--
		if w.waiters > 0 {
			return
		}
		// The last waiter left: forget the channel unless advance has already closed it.
		if a.Admin && p.admins == w {
			p.admins = nil
		} else if !a.Admin && p.users[a.UserID] == w {
			delete(p.users, a.UserID)
		}
	}
}

// wake closes the channels of the audiences that may see row; called with the log's mu
// held.
func (p *pollers) wake(row db.Event) {
	if p.admins != nil {
		close(p.admins.ready)
		p.admins = nil
	}
	if !row.UserVisible || row.UserID == nil {
		return
	}
	if w := p.users[*row.UserID]; w != nil {
		close(w.ready)
		delete(p.users, *row.UserID)
	}
}
