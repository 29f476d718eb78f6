package events

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// The event feed (openapi.yaml: listEvents) reads the same settled log as the streams:
// only up to the id the hub has handed out, so a page never holds an id that a smaller
// one, still uncommitted, could precede later (README: "How ordering is kept").

// ErrExpired refuses a feed position after which events were pruned (retention).
var ErrExpired = errors.New("the events after this position are no longer retained")

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

// Feed reads a page of the events a may see. With Wait, a request that finds nothing
// waits until the hub hands out an event a may see (each wake costs one read), the wait
// ends, ctx ends, or the hub shuts down; the last three answer with an empty page.
func (h *Hub) Feed(ctx context.Context, r FeedRequest) (FeedPage, error) {
	// Whatever committed before the request is on the page (a client reads its own
	// writes), once every smaller id has settled: the hub's Settled, as for read-all.
	newest, err := h.q.NewestEventID(ctx)
	if err != nil {
		return FeedPage{}, fmt.Errorf("read the newest event: %w", err)
	}
	h.Settled(ctx, newest)
	pos, woken, release := h.polls.await(h, r.Audience)
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
			if rows, err = h.read(ctx, r.Audience, after, pos, r.Limit+1); err != nil {
				return FeedPage{}, err
			}
		}
		if checkRetention {
			// After the read: a prune that ran before it is seen here (the stream's
			// stream.reset rule, stream.go).
			checkRetention = false
			pruned, err := h.q.PrunedUpTo(ctx)
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
			h.metrics.polling.Inc()
			defer h.metrics.polling.Dec()
		}
		select {
		case <-woken:
		case <-timeout:
			return empty, nil
		case <-ctx.Done():
			return empty, nil
		case <-h.shutdown: // do not hold up a graceful shutdown (serve.go)
			return empty, nil
		}
		release()
		pos, woken, release = h.polls.await(h, r.Audience)
	}
}

// read returns up to limit events after `after` and up to upTo that a may see, in id order.
func (h *Hub) read(ctx context.Context, a Audience, after, upTo int64, limit int) ([]db.Event, error) {
	var rows []db.Event
	var err error
	if a.Admin {
		rows, err = h.q.ListEvents(ctx, db.ListEventsParams{AfterID: after, UpToID: upTo, RowLimit: int32(limit)})
	} else {
		rows, err = h.q.ListUserEvents(ctx, db.ListUserEventsParams{UserID: a.UserID, AfterID: after, UpToID: upTo, RowLimit: int32(limit)})
	}
	if err != nil {
		return nil, fmt.Errorf("read events after %d: %w", after, err)
	}
	return rows, nil
}

// pollers are the feed requests waiting for an event, grouped by audience: the waiters
// of one audience share a channel, which the hub closes (and forgets) when it hands out
// an event that audience may see. So a user's waiting request wakes only for that user's
// events, not for everyone's. Guarded by the hub's mu.
type pollers struct {
	admins *poll
	users  map[uuid.UUID]*poll
}

type poll struct {
	ready   chan struct{}
	waiters int
}

// await registers interest in the next event a may see after the hub's position, which
// it returns (taken under the same lock, so nothing handed out later is missed), with
// the channel closed when such an event is handed out. release unregisters.
func (p *pollers) await(h *Hub, a Audience) (pos int64, ready <-chan struct{}, release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
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
	return h.lastID, w.ready, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		w.waiters--
		if w.waiters > 0 {
			return
		}
		// The last waiter left: forget the channel unless the hub has already closed it.
		if a.Admin && p.admins == w {
			p.admins = nil
		} else if !a.Admin && p.users[a.UserID] == w {
			delete(p.users, a.UserID)
		}
	}
}

// wake closes the channels of the audiences that may see e; called with the hub's mu held.
func (p *pollers) wake(e Event) {
	if p.admins != nil {
		close(p.admins.ready)
		p.admins = nil
	}
	if w := p.users[e.UserID]; w != nil && e.UserVisible {
		close(w.ready)
		delete(p.users, e.UserID)
	}
}
