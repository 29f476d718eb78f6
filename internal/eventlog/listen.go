package eventlog

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// channel is the PostgreSQL NOTIFY channel on which instances announce new events.
const channel = "orderchat_events"

// announceGap is the least time between two NOTIFYs of one instance: the commits of a
// busy instance share one.
const announceGap = 2 * time.Millisecond

// Published tells the log that this process committed events it does not hand over
// (see Committed): the reader reads the log at once, and the other instances, if any were
// heard lately, are notified (after the commit, never inside the writing transaction: a
// NOTIFY there would make commits wait for each other).
func (l *Log) Published() {
	l.readSoon()
	l.tellPeers()
}

// Instances hear of each other by their NOTIFYs: each announces itself when it starts
// listening and every helloEvery, and announces its commits only while another instance
// was heard within peerTimeout. A lone instance then sends no NOTIFY per commit (each is
// a transaction of its own, woken on both ends: about 400 a second at 1,000 messages a
// second, issue 16). An instance that hears another after a silence announces at once,
// for the commits it did not announce meanwhile.
const (
	helloEvery  = 5 * time.Second
	peerTimeout = 3 * helloEvery
)

// tellPeers has this commit announced if another instance listens.
func (l *Log) tellPeers() {
	if l.hasPeers() {
		l.requestAnnouncement()
	}
}

func (l *Log) hasPeers() bool {
	return time.Since(time.Unix(0, l.peerHeardAt.Load())) < peerTimeout
}

func (l *Log) requestAnnouncement() {
	select {
	case l.announce <- struct{}{}:
	default:
	}
}

// heard is called for every notification: another instance's is news, and a peer.
func (l *Log) heard(payload string) {
	if payload == l.instance {
		return
	}
	alone := !l.hasPeers()
	l.peerHeardAt.Store(time.Now().UnixNano())
	l.readSoon()
	if alone {
		l.requestAnnouncement()
	}
}

// readSoon makes the reader read the log as soon as it can.
func (l *Log) readSoon() {
	l.readLog.Store(true)
	l.nudge()
}

// nudge wakes the reader; wakes coalesce.
func (l *Log) nudge() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// listen holds one LISTEN connection and reads the log whenever this process or another
// instance announces events, while a horizon waits to settle, and every poll interval,
// until an error.
func (l *Log) listen(ctx context.Context) error {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection stays in LISTEN mode, so it never returns to the pool.
	raw := conn.Hijack()
	if _, err := raw.Exec(ctx, "LISTEN "+channel); err != nil {
		raw.Close(context.Background())
		return err
	}
	l.requestAnnouncement() // let the other instances know of this one now
	listening, stop := context.WithCancel(ctx)
	lost := make(chan error, 1)
	go func() {
		for {
			n, err := raw.WaitForNotification(listening)
			if err != nil {
				lost <- err
				return
			}
			l.heard(n.Payload)
		}
	}()
	defer func() {
		stop()
		<-lost // the connection is not safe for concurrent use: close it once unused
		raw.Close(context.Background())
	}()
	poll := time.NewTimer(l.opt.Poll)
	defer poll.Stop()
	var lastRead time.Time
	readLog := true // catch up first: whatever committed before LISTEN took effect is read now
	for {
		if readLog {
			if err := l.catchUp(ctx); err != nil {
				return err
			}
			l.setHealth(nil)
			lastRead = time.Now()
			poll.Reset(l.opt.Poll) // only ever later: see below
		}
		l.takeHanded()
		// A gap waits: read again soon, on a timer of its own. Resetting the poll timer to
		// an earlier time would make the runtime scan its whole timer heap (every stream's
		// write deadline) when it fires: 7% of the server's CPU at 1,000 messages/s.
		var gapWait <-chan time.Time
		if due, ok := l.gapRecheck(lastRead); ok {
			gapWait = time.After(time.Until(due))
		}
		select {
		case <-l.wake:
			readLog = l.readLog.Swap(false)
		case <-gapWait:
			readLog = true
		case <-poll.C:
			readLog = true
		case err := <-lost:
			lost <- err // for the deferred close
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// gapRecheck says when the log is read again for a gap: recheck after the last read
// while a read found one, or after handed rows began to wait for a missing id that no
// hand-over brings (a writer of another instance, or one that rolled back).
func (l *Log) gapRecheck(lastRead time.Time) (due time.Time, ok bool) {
	switch {
	case l.gap.id != 0:
		return lastRead.Add(recheck), true
	case l.earlyGap.id != 0:
		return later(l.earlyGap.since, lastRead).Add(recheck), true
	}
	return time.Time{}, false
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// announceLoop sends a NOTIFY for the announcements requested, at most one per
// announceGap, and one every helloEvery, on a connection of its own.
func (l *Log) announceLoop(ctx context.Context) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	hello := time.NewTicker(helloEvery)
	defer hello.Stop()
	for {
		select {
		case <-l.announce:
		case <-hello.C:
		case <-ctx.Done():
			return
		}
		var err error
		if conn, err = l.notify(ctx, conn); err != nil {
			l.opt.Logger.Warn("cannot announce events; other instances will find them by polling", "err", err)
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
func (l *Log) notify(ctx context.Context, conn *pgx.Conn) (*pgx.Conn, error) {
	if conn == nil {
		c, err := l.pool.Acquire(ctx)
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
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", channel, l.instance); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	l.metrics.announcements.Inc()
	return conn, nil
}
