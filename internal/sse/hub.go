package sse

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/gen/db"
	"orderchat/internal/eventlog"
)

// Options tune a Hub; zero values take the defaults in brackets.
type Options struct {
	QueueBytes   int           // live frames one stream may have queued before it is cut off [256 KiB]
	MaxPerUser   int           // concurrent streams of one principal [5]
	Heartbeat    time.Duration // ":" comment interval [15s]
	Retry        time.Duration // the `retry:` sent on connect [2s]
	WriteTimeout time.Duration // one write (and flush) to a stream [5s]
	Logger       *slog.Logger
	Registerer   prometheus.Registerer
}

func (o *Options) defaults() {
	if o.QueueBytes <= 0 {
		o.QueueBytes = 256 << 10
	}
	if o.MaxPerUser <= 0 {
		o.MaxPerUser = 5
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 15 * time.Second
	}
	if o.Retry <= 0 {
		o.Retry = 2 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
}

// Hub is the process's registry of open streams: it follows the event log and queues
// each event on the subscribers that may see it.
type Hub struct {
	log     *eventlog.Log
	opt     Options
	metrics *metrics

	mu         sync.Mutex
	position   int64 // the id up to which the log has been followed: streams opened now go live after it
	admins     map[*subscriber]struct{}
	users      map[uuid.UUID]map[*subscriber]struct{}
	streams    map[uuid.UUID]int          // open streams per principal
	subscribed int                        // streams ever opened: deals heartbeat slices round-robin
	slices     []map[*subscriber]struct{} // every stream, by heartbeat slice (see beat)

	shutdown     chan struct{}
	shutdownOnce sync.Once
	live         sync.WaitGroup // streams carried by the hub's own goroutines

	departures *departures // taken-over connections, cancelled when their client leaves
}

var (
	// ErrTooManyStreams refuses a principal's stream beyond Options.MaxPerUser.
	ErrTooManyStreams = errors.New("too many concurrent streams")
	// ErrShuttingDown refuses new streams while the server drains.
	ErrShuttingDown = errors.New("the server is shutting down")
)

// New returns a hub that follows log (call it before log.Run) and replays from it.
func New(log *eventlog.Log, opt Options) *Hub {
	h := newHub(log, opt)
	log.AddFollower(h)
	return h
}

// newHub is a hub that follows nothing yet (tests hand it rows themselves).
func newHub(log *eventlog.Log, opt Options) *Hub {
	opt.defaults()
	h := &Hub{
		log: log, opt: opt, metrics: newMetrics(opt.Registerer),
		admins: map[*subscriber]struct{}{}, users: map[uuid.UUID]map[*subscriber]struct{}{}, streams: map[uuid.UUID]int{},
		shutdown: make(chan struct{}), departures: newDepartures(opt.Logger),
	}
	for range max(1, opt.Heartbeat/beatTick) {
		h.slices = append(h.slices, map[*subscriber]struct{}{})
	}
	return h
}

// Follow queues the rows on the subscribers that may see them (eventlog.Follower).
// Each event is encoded once; its frame is shared by every stream that carries it.
func (h *Hub) Follow(rows []db.Event, position int64) {
	for _, row := range rows {
		e, err := encode(row)
		if err != nil {
			h.opt.Logger.Error("skipping an event that cannot be encoded", "id", row.ID, "err", err)
			continue
		}
		h.broadcast(e)
	}
	h.mu.Lock()
	h.position = position
	h.mu.Unlock()
}

// broadcast queues e, under the lock that subscribe takes, so that a new stream's
// replay (up to the position) and its live events neither overlap nor leave a gap.
func (h *Hub) broadcast(e event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.position = e.id
	for s := range h.admins {
		h.deliver(s, e)
	}
	if e.userVisible {
		for s := range h.users[e.userID] {
			h.deliver(s, e)
		}
	}
}

// deliver queues e for s; a subscriber that overflows is removed here and ends its
// stream when it next wakes.
func (h *Hub) deliver(s *subscriber, e event) {
	if !s.push(e) {
		h.remove(s)
		h.metrics.dropped.WithLabelValues("slow").Inc()
	}
}

// subscribe registers a stream for principal. Live events after liveFrom will be queued
// on the subscriber; anything up to liveFrom comes from the log's Replay.
func (h *Hub) subscribe(principal uuid.UUID, a eventlog.Audience, expiresAt time.Time) (s *subscriber, liveFrom int64, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.streams[principal] >= h.opt.MaxPerUser {
		return nil, 0, ErrTooManyStreams
	}
	h.streams[principal]++
	s = newSubscriber(a, h.opt.QueueBytes, expiresAt)
	s.principal = principal
	h.subscribed++
	s.slice = h.subscribed % len(h.slices)
	h.slices[s.slice][s] = struct{}{}
	if a.Admin {
		h.admins[s] = struct{}{}
	} else {
		if h.users[a.UserID] == nil {
			h.users[a.UserID] = map[*subscriber]struct{}{}
		}
		h.users[a.UserID][s] = struct{}{}
	}
	h.metrics.streams.WithLabelValues(kind(a)).Inc()
	return s, h.position, nil
}

// unsubscribe forgets a stream; calling it twice is harmless.
func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remove(s)
	if !s.closed {
		s.closed = true
		h.streams[s.principal]--
		if h.streams[s.principal] == 0 {
			delete(h.streams, s.principal)
		}
		h.metrics.streams.WithLabelValues(kind(s.audience)).Dec()
	}
}

func (h *Hub) remove(s *subscriber) {
	delete(h.slices[s.slice], s)
	delete(h.admins, s)
	if set := h.users[s.audience.UserID]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(h.users, s.audience.UserID)
		}
	}
}

func kind(a eventlog.Audience) string {
	if a.Admin {
		return "admin"
	}
	return "user"
}

// Run sends heartbeats and watches taken-over connections until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	go h.departures.run(ctx)
	h.beat(ctx)
}

// Shutdown tells every stream to end (with a jittered retry) so that the HTTP server can
// drain; new streams are refused.
func (h *Hub) Shutdown() {
	h.shutdownOnce.Do(func() { close(h.shutdown) })
}

// Drain waits, until ctx ends, for the streams the hub carries after Shutdown: net/http
// no longer tracks their connections.
func (h *Hub) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() { h.live.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// beatTick is how often the hub beats the next slice of the streams: each stream once per
// heartbeat interval, a slice every beatTick. Beating a sixteenth of 10,000 streams at once
// (each a goroutine woken and a write) held back the events delivered meanwhile: about
// 1 ms of the delivery p99 at 1,000 messages/s (issue 16; ADR 0003). Each slice has a set
// of its own, so that a tick visits its slice only.
const beatTick = 100 * time.Millisecond

// sweepEvery is how often the hub looks for credentials that expired: a stream ends within
// a second of its token's exp (design.md), whatever the heartbeat interval.
const sweepEvery = time.Second

// beat sends every stream a keep-alive each heartbeat interval, one slice of the streams
// at a time (a stream that has an event to write at that moment skips it), and ends the
// streams whose credential expired.
func (h *Hub) beat(ctx context.Context) {
	every := min(beatTick, h.opt.Heartbeat)
	tick := time.NewTicker(every)
	defer tick.Stop()
	sweepTicks := max(1, int(sweepEvery/every))
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		h.tick(n, n%sweepTicks == 0)
	}
}

// tick beats the streams of slice n (modulo the slices) and, with sweep, marks every
// stream whose credential expired.
func (h *Hub) tick(n int, sweep bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.slices[n%len(h.slices)] {
		s.beat()
	}
	if !sweep {
		return
	}
	now := time.Now()
	for _, slice := range h.slices {
		for s := range slice {
			if !now.Before(s.expiresAt) {
				s.expire()
			}
		}
	}
}
