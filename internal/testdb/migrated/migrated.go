// Package migrated gives a test a database of its own at the newest schema. It is apart
// from testdb because it imports store, whose own tests import testdb.
package migrated

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/internal/store"
	"orderchat/internal/testdb"
)

// Pool opens a fresh, migrated database, closed when t ends (the package's TestMain must
// run testdb.Main).
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := store.Open(ctx, testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool
}
