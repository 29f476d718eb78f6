package store

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"orderchat/internal/testdb"
	"orderchat/migrations"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func TestMigrateBringsAnEmptyDatabaseToTheNewestSchema(t *testing.T) {
	ctx := context.Background()
	pool, err := Open(ctx, testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	if err := CheckMigrated(ctx, pool); err == nil {
		t.Fatal("CheckMigrated passed on an empty database")
	}
	version, err := Migrate(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if version != latestVersion() || version < 1 {
		t.Fatalf("schema version %d, want %d", version, latestVersion())
	}
	if err := CheckMigrated(ctx, pool); err != nil {
		t.Fatalf("CheckMigrated after Migrate: %v", err)
	}
	again, err := Migrate(ctx, pool)
	if err != nil || again != version {
		t.Fatalf("a second Migrate gave version %d, %v; want %d, nil", again, err, version)
	}
	for _, table := range []string{"orders", "order_items", "threads", "messages", "thread_reads", "events", "notification_reads", "notification_watermarks"} {
		var exists bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil || !exists {
			t.Errorf("table %s missing after Migrate (err %v)", table, err)
		}
	}
}

func TestEveryMigrationRollsBackAndReapplies(t *testing.T) {
	ctx := context.Background()
	pool, p := unmigrated(t)
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down: %v", err)
	}
	var tables int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d tables left after migrating down to 0", tables)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}

func TestConstraintsRejectAThreadWithoutItsOrder(t *testing.T) {
	ctx := context.Background()
	pool, err := Open(ctx, testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	_, err = pool.Exec(ctx, `INSERT INTO threads (thread_id, order_id, user_id) VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid())`)
	if err == nil {
		t.Fatal("a thread for a missing order was accepted")
	}
}

// unmigrated is an empty database and the migrations' provider for it, both closed when t ends.
func unmigrated(t *testing.T) (*pgxpool.Pool, *goose.Provider) {
	t.Helper()
	pool, err := Open(context.Background(), testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { db.Close() })
	return pool, provider(t, db)
}

func provider(t *testing.T, db *sql.DB) *goose.Provider {
	t.Helper()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
