package media_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/internal/media"
	"orderchat/internal/testdb/migrated"
	"orderchat/internal/tests3"
)

func TestMain(m *testing.M) { os.Exit(tests3.Main(m)) }

// newS3 is an S3 store on a bucket of its own, with its ledger in a fresh database.
func newS3(t *testing.T) (*media.S3, *pgxpool.Pool, func() []string) {
	t.Helper()
	ctx := context.Background()
	pool := migrated.Pool(t)
	server := tests3.Shared(t)
	bucket := server.NewBucket(t)
	s, err := media.NewS3(ctx, pool, slog.New(slog.DiscardHandler), server.Config(bucket), tests3.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	return s, pool, func() []string { return server.Keys(t, bucket) }
}

func ledger(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM media_uploads").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTheSweepDeletesStaleUploadsAndTheirClaimFails: an upload younger than the grace
// stays; an older one is deleted, and its message can no longer claim it.
func TestTheSweepDeletesStaleUploadsAndTheirClaimFails(t *testing.T) {
	s, pool, keys := newS3(t)
	ctx := context.Background()
	staged, err := s.Stage(ctx, uuid.New(), []byte("%PDF-1.4 stale"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Sweep(ctx, time.Hour); err != nil || n != 0 || len(keys()) != 1 {
		t.Fatalf("a young upload: swept %d (%v), objects %v", n, err, keys())
	}
	time.Sleep(10 * time.Millisecond)
	if n, err := s.Sweep(ctx, time.Millisecond); err != nil || n != 1 || len(keys()) != 0 || ledger(t, pool) != 0 {
		t.Fatalf("a stale upload: swept %d (%v), objects %v, ledger %d", n, err, keys(), ledger(t, pool))
	}
	if err := staged.Claim(ctx, pool); !errors.Is(err, media.ErrUnavailable) {
		t.Fatalf("claiming a swept upload: %v", err)
	}
}

// TestAClaimInProgressIsNotSwept: the sweep skips a ledger row that a message's open
// transaction is claiming, and the object survives that commit.
func TestAClaimInProgressIsNotSwept(t *testing.T) {
	s, pool, keys := newS3(t)
	ctx := context.Background()
	id := uuid.New()
	staged, err := s.Stage(ctx, id, []byte("%PDF-1.4 claimed"))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := staged.Claim(ctx, tx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if n, err := s.Sweep(ctx, time.Millisecond); err != nil || n != 0 {
		t.Fatalf("swept %d (%v) while the claim was open", n, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	body, err := s.Open(ctx, id, staged.Key())
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	if data, err := io.ReadAll(body); err != nil || string(data) != "%PDF-1.4 claimed" || ledger(t, pool) != 0 || len(keys()) != 1 {
		t.Fatalf("after the claim: %q %v, ledger %d, objects %v", data, err, ledger(t, pool), keys())
	}
}

// TestDiscardDeletesTheObjectAndItsLedgerRow: what a failed post calls.
func TestDiscardDeletesTheObjectAndItsLedgerRow(t *testing.T) {
	s, pool, keys := newS3(t)
	ctx := context.Background()
	staged, err := s.Stage(ctx, uuid.New(), []byte("%PDF-1.4 discarded"))
	if err != nil {
		t.Fatal(err)
	}
	staged.Discard(ctx)
	if len(keys()) != 0 || ledger(t, pool) != 0 {
		t.Fatalf("after Discard: objects %v, ledger %d", keys(), ledger(t, pool))
	}
	if _, err := s.Open(ctx, uuid.New(), staged.Key()); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("opening a discarded object: %v", err)
	}
}
