package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/gen/db"
)

// channel is the PostgreSQL NOTIFY channel on which instances announce new events.
const channel = "orderchat_events"

// Settling the log: an unsettled horizon is checked again after recheck even when nothing
// wakes the hub (the transaction it waits for may append no event, so no one announces
// its end); after slowPath, only transactions that appended events are waited for.
const (
	recheck  = 5 * time.Millisecond
	slowPath = 10 * time.Millisecond
)

// announceGap is the least time between two NOTIFYs of one instance: the commits of a
// busy instance share one.
const announceGap = 2 * time.Millisecond

// batch is how many events one read of the log takes.
const batch = 1000

// Options tune a Hub; zero values take the defaults in brackets.
type Options struct {
	Poll         time.Duration // safety poll when no notification arrives [1s]
	QueueBytes   int           // live frames one stream may have queued before it is cut off [256 KiB]
	MaxPerUser   int           // concurrent streams of one principal [5]
	Heartbeat    time.Duration // ":" comment interval [15s]
	Retry        time.Duration // the `retry:` sent on connect [2s]
	WriteTimeout time.Duration // one write (and flush) to a stream [5s]
	Logger       *slog.Logger
	Registerer   prometheus.Registerer
}

func (o *Options) defaults() {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
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

// Hub is the process's one reader of the event log and its subscribers' registry.
type Hub struct {
	pool    *pgxpool.Pool
	q       *db.Queries
	opt     Options
	metrics *metrics

	mu         sync.Mutex
	lastID     int64 // the newest event handed to subscribers
	admins     map[*Subscriber]struct{}
	users      map[uuid.UUID]map[*Subscriber]struct{}
	streams    map[uuid.UUID]int // open streams per principal
	subscribed int               // streams ever opened: deals heartbeat slices round-robin
	polls      pollers           // feed requests waiting for an event (feed.go)

	settler  settler       // used by the listener goroutine only
	instance string        // this hub's NOTIFY payload: its own announcements are not news
	wake     chan struct{} // read the log now
	announce chan struct{} // tell the other instances

	health   sync.Mutex
	healthy  error     // nil while listening
	caughtUp time.Time // the last successful read of the log

	shutdown     chan struct{}
	shutdownOnce sync.Once
	live         sync.WaitGroup // streams carried by the hub's own goroutines

	watchMu  sync.Mutex
	watched  [beatSlices]map[net.Conn]context.CancelFunc // taken-over connections, cancelled when their client leaves
	watching int                                         // connections ever watched: deals the slices round-robin
}

// ErrTooManyStreams refuses a principal's stream beyond Options.MaxPerUser.
var ErrTooManyStreams = errors.New("too many concurrent streams")

// NewHub starts at the newest event: streams opened from now on get live events from
// here, and older ones only by replay.
func NewHub(ctx context.Context, pool *pgxpool.Pool, opt Options) (*Hub, error) {
	opt.defaults()
	h := &Hub{
		pool: pool, q: db.New(pool), opt: opt, metrics: newMetrics(opt.Registerer),
		admins: map[*Subscriber]struct{}{}, users: map[uuid.UUID]map[*Subscriber]struct{}{}, streams: map[uuid.UUID]int{},
		healthy: errors.New("the event listener has not connected yet"), shutdown: make(chan struct{}),
		instance: uuid.NewString(),
		wake:     make(chan struct{}, 1), announce: make(chan struct{}, 1),
	}
	for {
		upTo, ok, err := h.settle(ctx)
		if err != nil {
			return nil, fmt.Errorf("find where the event log is settled: %w", err)
		}
		if ok {
			h.lastID = upTo
			return h, nil
		}
		select {
		case <-time.After(recheck):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Settled waits, for a second at most, until the subscribers have been handed every
// event up to atLeast, and returns the newest id they have been handed.
func (h *Hub) Settled(ctx context.Context, atLeast int64) int64 {
	h.nudge()
	deadline := time.Now().Add(time.Second)
	for {
		h.mu.Lock()
		last := h.lastID
		h.mu.Unlock()
		if last >= atLeast || time.Now().After(deadline) || ctx.Err() != nil {
			return last
		}
		time.Sleep(time.Millisecond)
	}
}

// Published tells the hub that this process committed an event: the hub reads the log
// at once, and the other instances are notified (after the commit, never inside the
// writing transaction: a NOTIFY there would make commits wait for each other).
func (h *Hub) Published() {
	h.nudge()
	select {
	case h.announce <- struct{}{}:
	default:
	}
}

// Run listens for new events until ctx ends, reconnecting (then catching up from the
// last delivered id) whenever the connection drops.
func (h *Hub) Run(ctx context.Context) {
	go h.watchClients(ctx)
	go h.beat(ctx)
	go h.announceLoop(ctx)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		h.setHealth(fmt.Errorf("event listener: %w", err))
		h.opt.Logger.Warn("event listener lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// listen holds one LISTEN connection and reads the log whenever this process or another
// instance announces events, while a horizon waits to settle, and every poll interval,
// until an error.
func (h *Hub) listen(ctx context.Context) error {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection stays in LISTEN mode, so it never returns to the pool.
	raw := conn.Hijack()
	if _, err := raw.Exec(ctx, "LISTEN "+channel); err != nil {
		raw.Close(context.Background())
		return err
	}
	listening, stop := context.WithCancel(ctx)
	lost := make(chan error, 1)
	go func() {
		for {
			n, err := raw.WaitForNotification(listening)
			if err != nil {
				lost <- err
				return
			}
			if n.Payload != h.instance {
				h.nudge()
			}
		}
	}()
	defer func() {
		stop()
		<-lost // the connection is not safe for concurrent use: close it once unused
		raw.Close(context.Background())
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		// Catch up first: whatever committed before LISTEN took effect is read now.
		if err := h.catchUp(ctx); err != nil {
			return err
		}
		h.setHealth(nil)
		wait := h.opt.Poll
		if !h.settler.waitingSince().IsZero() {
			wait = recheck
		}
		timer.Reset(wait)
		select {
		case <-h.wake:
		case <-timer.C:
		case err := <-lost:
			lost <- err // for the deferred close
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// nudge makes the listener read the log as soon as it can; wakes coalesce.
func (h *Hub) nudge() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// settle takes a horizon and returns the highest id that is settled now (see horizon).
func (h *Hub) settle(ctx context.Context) (upTo int64, ok bool, err error) {
	row, err := h.q.EventLogHorizon(ctx)
	if err != nil {
		return 0, false, err
	}
	now := time.Now()
	running, path := row.InFlight, "fast"
	if since := h.settler.waitingSince(); !since.IsZero() && now.Sub(since) > slowPath {
		if running, err = h.q.EventWritersInFlight(ctx); err != nil {
			return 0, false, err
		}
		path = "narrowed"
	}
	upTo, takenAt, ok := h.settler.settle(horizon{upTo: row.UpTo, inFlight: row.InFlight, takenAt: now}, running)
	if ok {
		h.metrics.settle.WithLabelValues(path).Observe(now.Sub(takenAt).Seconds())
	}
	return upTo, ok, nil
}

// catchUp hands every event after lastID up to the settled id to the subscribers, in
// id order.
func (h *Hub) catchUp(ctx context.Context) error {
	upTo, ok, err := h.settle(ctx)
	if err != nil {
		return fmt.Errorf("settle the event log: %w", err)
	}
	for ok && h.lastID < upTo {
		rows, err := h.q.ListEvents(ctx, db.ListEventsParams{AfterID: h.lastID, UpToID: upTo, RowLimit: batch})
		if err != nil {
			return fmt.Errorf("read events after %d: %w", h.lastID, err)
		}
		for _, row := range rows {
			e, err := Encode(row)
			if err != nil {
				h.opt.Logger.Error("skipping an event that cannot be encoded", "id", row.ID, "err", err)
				e = Event{ID: row.ID}
			}
			h.broadcast(e)
		}
		if len(rows) < batch {
			h.broadcast(Event{ID: upTo}) // ids up to upTo without a row were rolled back
		}
	}
	h.health.Lock()
	h.caughtUp = time.Now()
	h.health.Unlock()
	return nil
}

// announceLoop sends a NOTIFY for the commits Published reports, at most one per
// announceGap, on a connection of its own.
func (h *Hub) announceLoop(ctx context.Context) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for {
		select {
		case <-h.announce:
		case <-ctx.Done():
			return
		}
		var err error
		if conn, err = h.notify(ctx, conn); err != nil {
			h.opt.Logger.Warn("cannot announce events; other instances will find them by polling", "err", err)
		}
		select {
		case <-time.After(announceGap):
		case <-ctx.Done():
			return
		}
	}
}

// notify sends one NOTIFY on conn, connecting first when conn is nil. On an error the
// connection is closed and nil comes back, so that the next call connects again.
func (h *Hub) notify(ctx context.Context, conn *pgx.Conn) (*pgx.Conn, error) {
	if conn == nil {
		c, err := h.pool.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		conn = c.Hijack()
		// A notification lost in a crash costs one poll interval; waiting for its WAL
		// flush would cost every announcement a disk write.
		if _, err := conn.Exec(ctx, "SET synchronous_commit = off"); err != nil {
			conn.Close(context.Background())
			return nil, err
		}
	}
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", channel, h.instance); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

func (h *Hub) broadcast(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastID = e.ID
	h.metrics.position.Set(float64(e.ID))
	if e.Frame == nil { // nothing to show: an event that cannot be encoded, or a rolled-back id
		return
	}
	h.polls.wake(e)
	for s := range h.admins {
		h.deliver(s, e)
	}
	if e.UserVisible {
		for s := range h.users[e.UserID] {
			h.deliver(s, e)
		}
	}
}

// deliver queues e for s; a subscriber that overflows is removed here and ends its
// stream when it next wakes.
func (h *Hub) deliver(s *Subscriber, e Event) {
	if !s.push(e) {
		h.remove(s)
		h.metrics.dropped.WithLabelValues("slow").Inc()
	}
}

// Subscribe registers a stream for principal. Live events after liveFrom will be queued
// on the subscriber; anything up to liveFrom comes from Replay.
func (h *Hub) Subscribe(principal uuid.UUID, a Audience) (s *Subscriber, liveFrom int64, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.streams[principal] >= h.opt.MaxPerUser {
		return nil, 0, ErrTooManyStreams
	}
	h.streams[principal]++
	s = newSubscriber(a, h.opt.QueueBytes)
	s.principal = principal
	h.subscribed++
	s.slice = h.subscribed % beatSlices
	if a.Admin {
		h.admins[s] = struct{}{}
	} else {
		if h.users[a.UserID] == nil {
			h.users[a.UserID] = map[*Subscriber]struct{}{}
		}
		h.users[a.UserID][s] = struct{}{}
	}
	h.metrics.streams.WithLabelValues(kind(a)).Inc()
	return s, h.lastID, nil
}

// Unsubscribe forgets a stream; calling it twice is harmless.
func (h *Hub) Unsubscribe(s *Subscriber) {
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

func (h *Hub) remove(s *Subscriber) {
	delete(h.admins, s)
	if set := h.users[s.audience.UserID]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(h.users, s.audience.UserID)
		}
	}
}

func kind(a Audience) string {
	if a.Admin {
		return "admin"
	}
	return "user"
}

// Replay calls fn for each event after `after` and up to upTo that a may see, in id order.
func (h *Hub) Replay(ctx context.Context, a Audience, after, upTo int64, fn func(Event) error) (int, error) {
	n := 0
	for after < upTo {
		rows, err := h.read(ctx, a, after, upTo, batch)
		if err != nil {
			return n, fmt.Errorf("replay: %w", err)
		}
		for _, row := range rows {
			e, err := Encode(row)
			if err != nil {
				return n, err
			}
			if err := fn(e); err != nil {
				return n, err
			}
			n++
		}
		if len(rows) < batch {
			break
		}
		after = rows[len(rows)-1].ID
	}
	return n, nil
}

// Ready reports whether live delivery works: the listener is connected and has read the
// log recently.
func (h *Hub) Ready(context.Context) error {
	h.health.Lock()
	defer h.health.Unlock()
	if h.healthy != nil {
		return h.healthy
	}
	if since := time.Since(h.caughtUp); since > 3*h.opt.Poll+2*time.Second {
		return fmt.Errorf("the event log was last read %s ago", since.Round(time.Second))
	}
	return nil
}

func (h *Hub) setHealth(err error) {
	h.health.Lock()
	h.healthy = err
	h.health.Unlock()
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

// watch calls leave when conn's client goes away. Nobody reads a taken-over stream
// connection, so without this a departed client would be noticed only by the next
// heartbeat, holding its slot (and the per-principal stream count) meanwhile.
func (h *Hub) watch(conn net.Conn, leave context.CancelFunc) {
	h.watchMu.Lock()
	slice := &h.watched[h.watching%beatSlices]
	h.watching++
	if *slice == nil {
		*slice = map[net.Conn]context.CancelFunc{}
	}
	(*slice)[conn] = leave
	h.watchMu.Unlock()
}

func (h *Hub) unwatch(conn net.Conn) {
	h.watchMu.Lock()
	for _, slice := range h.watched {
		delete(slice, conn)
	}
	h.watchMu.Unlock()
}

// watchClients peeks at every watched connection once a second (one cheap non-blocking
// syscall each), a slice at a time so that 10,000 peeks do not come in one burst, and
// signals those whose client closed.
func (h *Hub) watchClients(ctx context.Context) {
	tick := time.NewTicker(time.Second / beatSlices)
	defer tick.Stop()
	for i := 0; ; i = (i + 1) % beatSlices {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		h.watchMu.Lock()
		for conn, leave := range h.watched[i] {
			if peerGone(conn) {
				leave()
				delete(h.watched[i], conn)
			}
		}
		h.watchMu.Unlock()
	}
}

// beatSlices spreads heartbeats over the interval: beating every stream at once would
// wake thousands of goroutines together and show up as a latency spike.
const beatSlices = 16

// beat sends every stream a keep-alive each heartbeat interval, one slice of the streams
// at a time (streams that carried an event meanwhile skip it).
func (h *Hub) beat(ctx context.Context) {
	tick := time.NewTicker(h.opt.Heartbeat / beatSlices)
	defer tick.Stop()
	for slice := 0; ; slice = (slice + 1) % beatSlices {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		h.mu.Lock()
		for s := range h.admins {
			if s.slice == slice {
				s.beat()
			}
		}
		for _, set := range h.users {
			for s := range set {
				if s.slice == slice {
					s.beat()
				}
			}
		}
		h.mu.Unlock()
	}
}
