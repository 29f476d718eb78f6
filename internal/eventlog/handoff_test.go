package eventlog

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"orderchat/gen/db"
	"orderchat/internal/testdb/migrated"
)

// stored reads the event id back as the log holds it, to hand it over.
func stored(t *testing.T, pool *pgxpool.Pool, id int64) db.Event {
	t.Helper()
	rows, err := db.New(pool).ListEvents(context.Background(), db.ListEventsParams{AfterID: id - 1, UpToID: id, RowLimit: 1})
	if err != nil || len(rows) != 1 {
		t.Fatalf("read event %d: %v (%d rows)", id, err, len(rows))
	}
	return rows[0]
}

// postAndHand commits an event and hands it over, as chat.PostMessage does.
func postAndHand(t *testing.T, l *Log, pool *pgxpool.Pool, user uuid.UUID, text string) db.Event {
	t.Helper()
	row := stored(t, pool, post(t, pool, user, text))
	l.Committed(row)
	return row
}

func reads(l *Log) float64 { return testutil.ToFloat64(l.metrics.reads) }

// startListening runs a log on a fresh database that polls once an hour, and waits until
// it listens: only wakes and hand-overs move it.
func startListening(t *testing.T) (*pgxpool.Pool, *Log, *recorder) {
	t.Helper()
	pool := migrated.Pool(t)
	l, r := startLog(t, pool, Options{Poll: time.Hour})
	waitReady(t, l)
	return pool, l, r
}

// TestOwnCommitsAreHandedOnWithoutReadingTheLog: rows handed over in id order reach the
// followers as they are, and the log is not read for them.
func TestOwnCommitsAreHandedOnWithoutReadingTheLog(t *testing.T) {
	pool, l, r := startListening(t)
	before := reads(l)
	user := uuid.New()
	for i := range 20 {
		row := postAndHand(t, l, pool, user, fmt.Sprint("handed ", i))
		if got := r.receive(t, 1); !reflect.DeepEqual(got[0], row) {
			t.Fatalf("handed on %+v, want %+v", got[0], row)
		}
	}
	if n := reads(l) - before; n != 0 {
		t.Fatalf("the log was read %v times for 20 handed rows, want 0", n)
	}
}

// TestAHandedRowWaitsForTheWriterOfASmallerID: a row handed over while a smaller id is
// still open is not handed on until that one commits; then both go, in id order.
func TestAHandedRowWaitsForTheWriterOfASmallerID(t *testing.T) {
	pool, l, r := startListening(t)
	user := uuid.New()
	ctx := context.Background()
	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	first := appendEvent(t, ctx, slow, user, "slow")
	second := postAndHand(t, l, pool, user, "fast")
	select {
	case <-r.ready:
		t.Fatalf("handed on %d events while %d was open", len(r.take()), first)
	case <-time.After(200 * time.Millisecond): // several rechecks and horizons
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	l.Committed(stored(t, pool, first))
	if got := r.receive(t, 2); got[0].ID != first || got[1].ID != second.ID {
		t.Fatalf("handed on %d, %d; want %d, %d", got[0].ID, got[1].ID, first, second.ID)
	}
}

// TestAHandedRowBehindARolledBackIDIsHandedOn: no hand-over ever brings a rolled-back
// id; the log is read, the horizon settles the id, and the row behind it goes on.
func TestAHandedRowBehindARolledBackIDIsHandedOn(t *testing.T) {
	pool, l, r := startListening(t)
	user := uuid.New()
	ctx := context.Background()
	var burnt int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		burnt = appendEvent(t, ctx, tx, user, "never")
		return fmt.Errorf("roll back")
	})
	if err == nil {
		t.Fatal("the transaction committed")
	}
	next := postAndHand(t, l, pool, user, "after")
	if got := r.receive(t, 1); got[0].ID != next.ID || next.ID <= burnt {
		t.Fatalf("handed on %d, want %d (the rolled-back one was %d)", got[0].ID, next.ID, burnt)
	}
}

// TestARowBothReadAndHandedIsHandedOnOnce: a hand-over of a row that a read of the log
// handed on already is dropped.
func TestARowBothReadAndHandedIsHandedOnOnce(t *testing.T) {
	pool, l, r := startListening(t)
	user := uuid.New()
	first := stored(t, pool, post(t, pool, user, "read"))
	l.Published()
	if got := r.receive(t, 1); got[0].ID != first.ID {
		t.Fatalf("handed on %d, want %d", got[0].ID, first.ID)
	}
	l.Committed(first) // late: the read had it
	second := postAndHand(t, l, pool, user, "handed")
	if got := r.receive(t, 1); got[0].ID != second.ID {
		t.Fatalf("handed on %d after %d, want %d", got[0].ID, first.ID, second.ID)
	}
}

// TestConcurrentHandedCommitsAreHandedOnInIDOrder: 8 writers hand over 50 rows each,
// committing out of id order; all are handed on, strictly increasing, none missing.
func TestConcurrentHandedCommitsAreHandedOnInIDOrder(t *testing.T) {
	pool, l, r := startListening(t)
	user := uuid.New()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				postAndHand(t, l, pool, user, fmt.Sprintf("w%d-%d", w, i))
			}
		})
	}
	wg.Wait()
	got := r.receive(t, 400)
	for i := 1; i < len(got); i++ {
		if got[i].ID != got[i-1].ID+1 {
			t.Fatalf("event %d handed on after %d", got[i].ID, got[i-1].ID)
		}
	}
}
