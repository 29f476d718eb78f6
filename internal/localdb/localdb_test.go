package localdb

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// tempDir is a scratch directory that the unprivileged postgres user can
// traverse when the tests run as root (t.TempDir's parent is 0700).
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "localdb-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func start(t *testing.T, dir string) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	began := time.Now()
	c, err := Start(ctx, Options{
		Dir:       dir,
		Ephemeral: true,
		Logger:    slog.New(slog.NewTextHandler(t.Output(), nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Start took %v", time.Since(began))
	t.Cleanup(func() { c.Stop() })
	return c
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestStartStopRestartKeepsData(t *testing.T) {
	dir := filepath.Join(tempDir(t), "data", "postgres")
	c := start(t, dir)
	ctx := context.Background()

	conn := connect(t, c.URL())
	var one int
	var db string
	if err := conn.QueryRow(ctx, "select 1, current_database()").Scan(&one, &db); err != nil {
		t.Fatal(err)
	}
	if one != 1 || db != "orderchat" {
		t.Fatalf("got %d, %q; want 1, orderchat", one, db)
	}
	if _, err := conn.Exec(ctx, "create table kept (v text); insert into kept values ('hello')"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	c2 := start(t, dir)
	var v string
	if err := connect(t, c2.URL()).QueryRow(ctx, "select v from kept").Scan(&v); err != nil {
		t.Fatalf("table created before restart: %v", err)
	}
	if v != "hello" {
		t.Fatalf("got %q, want hello", v)
	}
}

func TestStalePIDFileDoesNotPreventStart(t *testing.T) {
	dir := filepath.Join(tempDir(t), "pgdata")
	c := start(t, dir)
	pidFile := filepath.Join(dir, "postmaster.pid")
	// A genuine postmaster.pid from a running server, to forge stale copies of.
	real, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	for name, pid := range map[string]int{
		"dead pid":                   dead.Process.Pid,
		"pid reused by non-postgres": os.Getpid(),
	} {
		t.Run(name, func(t *testing.T) {
			_, rest, _ := strings.Cut(string(real), "\n")
			if err := os.WriteFile(pidFile, fmt.Appendf(nil, "%d\n%s", pid, rest), 0o600); err != nil {
				t.Fatal(err)
			}
			c := start(t, dir)
			if err := c.Stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestStartRefusesRunningCluster(t *testing.T) {
	dir := filepath.Join(tempDir(t), "pgdata")
	start(t, dir)
	c, err := Start(context.Background(), Options{Dir: dir, Ephemeral: true})
	if err == nil {
		c.Stop()
		t.Fatal("second Start on a running cluster succeeded")
	}
	if !strings.Contains(err.Error(), "already running") {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestStartFailureReportsLogAndCleansUp(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := filepath.Join(tempDir(t), "pgdata")
	_, err = Start(context.Background(), Options{Dir: dir, Port: l.Addr().(*net.TCPAddr).Port, Ephemeral: true})
	if err == nil {
		t.Fatal("Start succeeded on a port that is in use")
	}
	if !strings.Contains(err.Error(), "could not") { // postgres: "could not bind IPv4 address" / "could not create any TCP/IP sockets"
		t.Fatalf("error lacks postgres' log: %v", err)
	}
	t.Log(err)
	// Nothing is left running: the data directory can be started again.
	start(t, dir)
}

func TestRootNeedsTraversableParents(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root switches to an unprivileged user")
	}
	private := filepath.Join(tempDir(t), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Dir: filepath.Join(private, "pgdata")})
	if err == nil || !strings.Contains(err.Error(), "cannot traverse "+private) {
		t.Fatalf("want a traversal error for %s, got %v", private, err)
	}
}
