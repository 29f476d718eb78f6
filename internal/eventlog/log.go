package eventlog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/gen/db"
)

// Settling the log: an unsettled horizon is checked again after recheck even when nothing
// wakes the reader (the transaction it waits for may append no event, so no one announces
// its end); after slowPath, only transactions that appended events are waited for.
const (
	recheck  = 5 * time.Millisecond
	slowPath = 10 * time.Millisecond
)

// batch is how many events one read of the log takes.
const batch = 1000

// Options tune a Log; zero values take the defaults in brackets.
type Options struct {
	Poll       time.Duration // safety poll when no notification arrives [1s]
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

func (o *Options) defaults() {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
}

// Follower is handed the settled log in id order.
type Follower interface {
	// Follow is called once by AddFollower, with no rows and the log's position, then
	// after every read with the rows read and the position reached: the id up to which
	// the log has been read, which can be above the last row's id (ids up to it without
	// a row were rolled back). Calls come from one goroutine and must not block: the log
	// waits for them.
	Follow(rows []db.Event, position int64)
}

// Log is the process's one reader of the event log.
type Log struct {
	pool    *pgxpool.Pool
	q       *db.Queries
	opt     Options
	metrics *metrics

	followers []Follower // added before Run; read by the reader goroutine only

	mu       sync.Mutex
	position int64   // the id the followers have been handed the log up to
	polls    pollers // feed requests waiting for an event (feed.go)

	settler  settler       // used by the reader goroutine only
	instance string        // this log's NOTIFY payload: its own announcements are not news
	wake     chan struct{} // read the log now
	announce chan struct{} // tell the other instances

	health   sync.Mutex
	healthy  error     // nil while listening
	caughtUp time.Time // the last successful read of the log

	shutdown     chan struct{} // closed by Shutdown: feed requests stop waiting
	shutdownOnce sync.Once
}

// New starts at the settled end of the log: followers are handed what commits from
// now on, and anything older only by Replay.
func New(ctx context.Context, pool *pgxpool.Pool, opt Options) (*Log, error) {
	opt.defaults()
	l := &Log{
		pool: pool, q: db.New(pool), opt: opt, metrics: newMetrics(opt.Registerer),
		healthy:  errors.New("the event listener has not connected yet"),
		shutdown: make(chan struct{}), instance: uuid.NewString(),
		wake: make(chan struct{}, 1), announce: make(chan struct{}, 1),
	}
	for {
		upTo, ok, err := l.settle(ctx)
		if err != nil {
			return nil, fmt.Errorf("find where the event log is settled: %w", err)
		}
		if ok {
			l.position = upTo
			l.metrics.position.Set(float64(upTo))
			return l, nil
		}
		select {
		case <-time.After(recheck):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// AddFollower registers f; call it before Run.
func (l *Log) AddFollower(f Follower) {
	l.followers = append(l.followers, f)
	l.mu.Lock()
	position := l.position
	l.mu.Unlock()
	f.Follow(nil, position)
}

// Run reads the log until ctx ends: whenever this process or another instance announces
// events, while a horizon waits to settle, and every poll interval. It reconnects (then
// catches up from its position) whenever the LISTEN connection drops.
func (l *Log) Run(ctx context.Context) {
	go l.announceLoop(ctx)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		l.setHealth(fmt.Errorf("event listener: %w", err))
		l.opt.Logger.Warn("event listener lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// settle takes a horizon and returns the highest id that is settled now (see horizon).
func (l *Log) settle(ctx context.Context) (upTo int64, ok bool, err error) {
	row, err := l.q.EventLogHorizon(ctx)
	if err != nil {
		return 0, false, err
	}
	now := time.Now()
	running, path := row.InFlight, "fast"
	if since := l.settler.waitingSince(); !since.IsZero() && now.Sub(since) > slowPath {
		if running, err = l.q.EventWritersInFlight(ctx); err != nil {
			return 0, false, err
		}
		path = "narrowed"
	}
	upTo, takenAt, ok := l.settler.settle(horizon{upTo: row.UpTo, inFlight: row.InFlight, takenAt: now}, running)
	if ok {
		l.metrics.settle.WithLabelValues(path).Observe(now.Sub(takenAt).Seconds())
	}
	return upTo, ok, nil
}

// catchUp hands every event after the position up to the settled id to the followers,
// in id order, a batch at a time.
func (l *Log) catchUp(ctx context.Context) error {
	upTo, ok, err := l.settle(ctx)
	if err != nil {
		return fmt.Errorf("settle the event log: %w", err)
	}
	// Only this goroutine moves the position, so it reads it without the lock.
	for ok && l.position < upTo {
		rows, err := l.q.ListEvents(ctx, db.ListEventsParams{AfterID: l.position, UpToID: upTo, RowLimit: batch})
		if err != nil {
			return fmt.Errorf("read events after %d: %w", l.position, err)
		}
		position := upTo // ids up to upTo without a row were rolled back
		if len(rows) == batch {
			position = rows[len(rows)-1].ID
		}
		for _, f := range l.followers {
			f.Follow(rows, position)
		}
		l.advance(rows, position)
	}
	l.health.Lock()
	l.caughtUp = time.Now()
	l.health.Unlock()
	return nil
}

// advance moves the position once the followers have the rows up to it (so that
// Settled never answers ahead of the streams), and wakes the feed requests that may see
// one of the rows; under the lock that Feed registers its waits with.
func (l *Log) advance(rows []db.Event, position int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.position = position
	l.metrics.position.Set(float64(position))
	for _, row := range rows {
		l.polls.wake(row)
	}
}

// Settled waits, for a second at most, until the followers have been handed every
// event up to atLeast, and returns the position they have been handed the log up to.
func (l *Log) Settled(ctx context.Context, atLeast int64) int64 {
	l.nudge()
	deadline := time.Now().Add(time.Second)
	for {
		l.mu.Lock()
		position := l.position
		l.mu.Unlock()
		if position >= atLeast || time.Now().After(deadline) || ctx.Err() != nil {
			return position
		}
		time.Sleep(time.Millisecond)
	}
}

// Ready reports whether live delivery works: the listener is connected and has read the
// log recently.
func (l *Log) Ready(context.Context) error {
	l.health.Lock()
	defer l.health.Unlock()
	if l.healthy != nil {
		return l.healthy
	}
	if since := time.Since(l.caughtUp); since > 3*l.opt.Poll+2*time.Second {
		return fmt.Errorf("the event log was last read %s ago", since.Round(time.Second))
	}
	return nil
}

func (l *Log) setHealth(err error) {
	l.health.Lock()
	l.healthy = err
	l.health.Unlock()
}

// Shutdown ends the waits of feed requests (with an empty page), so that the HTTP server
// can drain; the log itself goes on being read until Run's ctx ends.
func (l *Log) Shutdown() {
	l.shutdownOnce.Do(func() { close(l.shutdown) })
}
