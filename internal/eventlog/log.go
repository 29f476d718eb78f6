package eventlog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/gen/db"
)

// Settling the log: while a gap waits, the log is read again after recheck even when
// nothing wakes the reader (a rolled-back writer announces nothing); a gap is waited out
// for gapGrace before the horizon is asked; after slowPath, a horizon waits only for the
// transactions that appended events.
const (
	recheck  = 5 * time.Millisecond
	gapGrace = 10 * time.Millisecond
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

	// Used by the reader goroutine only:
	settler   settler // the horizons taken to settle a gap
	settledTo int64   // the highest id a horizon proved settled
	gap       gap     // the missing id the reader waits for, if any

	instance    string        // this log's NOTIFY payload: its own announcements are not news
	peerHeardAt atomic.Int64  // when another instance's NOTIFY last came (Unix ns)
	wake        chan struct{} // hand on the committed rows, and read the log if readLog
	readLog     atomic.Bool   // a wake needs the log read: its rows were not handed over
	announce    chan struct{} // tell the other instances

	handedMu sync.Mutex
	handed   []db.Event // rows this process committed, for the reader (handoff.go)
	early    []db.Event // handed rows waiting for a smaller id; reader only
	earlyGap gap        // the id they wait for; reader only

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
			l.position, l.settledTo = upTo, upTo
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

// catchUp hands every settled event after the position to the followers, in id order,
// a batch at a time (docs/adr/0009-gaps-not-horizons.md). Ids are drawn before commit and
// never reused, so a row whose smaller ids have all been read is settled: no query about
// running transactions is needed. Only a gap, an id missing while later ones are read,
// is waited for: almost always a writer about to commit, whose commit wakes the reader;
// a gap that outlasts gapGrace is settled by the horizon (a rollback leaves one for good).
func (l *Log) catchUp(ctx context.Context) error {
	for {
		// While a gap waits, only the row after the position can change anything: a
		// writer stalled for seconds must not make every wake read a full batch again.
		limit := batch
		if l.gap.id != 0 {
			limit = 1
		}
		// Only this goroutine moves the position, so it reads it without the lock.
		rows, err := l.q.ListEvents(ctx, db.ListEventsParams{AfterID: l.position, UpToID: math.MaxInt64, RowLimit: int32(limit)})
		l.metrics.reads.Inc()
		if err != nil {
			return fmt.Errorf("read events after %d: %w", l.position, err)
		}
		n, position := l.settledPrefix(rows, limit)
		if n < len(rows) {
			settled, err := l.waitOutGap(ctx, position+1)
			if err != nil {
				return fmt.Errorf("settle the event log: %w", err)
			}
			if settled {
				continue // read again: the gap's writer may have committed since the read
			}
		} else {
			l.gap, l.settler = gap{}, settler{}
		}
		if position > l.position {
			for _, f := range l.followers {
				f.Follow(rows[:n], position)
			}
			l.advance(rows[:n], position)
		}
		if n < len(rows) || len(rows) < limit {
			break
		}
	}
	l.health.Lock()
	l.caughtUp = time.Now()
	l.health.Unlock()
	return nil
}

// settledPrefix returns how many of rows (read after the position, in id order, at
// most limit, and after settledTo was proved) are settled, and the position reached by
// handing them on: each row is settled when it follows the previous id directly or a
// horizon proved it settled. Ids up to settledTo without a row were rolled back, so the
// position passes them once no unread row can be among them.
func (l *Log) settledPrefix(rows []db.Event, limit int) (n int, position int64) {
	position = l.position
	for n < len(rows) && (rows[n].ID == position+1 || rows[n].ID <= l.settledTo) {
		position = rows[n].ID
		n++
	}
	if l.settledTo > position && (n < len(rows) || len(rows) < limit) {
		position = l.settledTo
	}
	return n, position
}

// gap is an id missing from the log while later ones are read, and since when.
type gap struct {
	id    int64
	since time.Time
}

// waitOutGap reports whether a horizon has now settled the missing id. For gapGrace it
// asks nothing and lets the writer commit; then it takes horizons until one settles.
func (l *Log) waitOutGap(ctx context.Context, id int64) (bool, error) {
	now := time.Now()
	if l.gap.id != id {
		l.gap, l.settler = gap{id: id, since: now}, settler{}
		return false, nil
	}
	if now.Sub(l.gap.since) < gapGrace {
		return false, nil
	}
	upTo, ok, err := l.settle(ctx)
	if err != nil || !ok {
		return false, err
	}
	l.settledTo = max(l.settledTo, upTo)
	return l.settledTo >= id, nil
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
	l.readSoon()
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
