// Package testdb gives Go tests real, isolated PostgreSQL databases.
//
// Wire it up once per package and create a database per test:
//
//	func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }
//
//	func TestX(t *testing.T) {
//		url := testdb.NewDatabase(t) // empty database, dropped after the test
//		...
//	}
//
// The server is the one named by DATABASE_URL (a postgres:// URL whose role
// has CREATEDB, e.g. `ALTER ROLE app CREATEDB`) when set; otherwise Main starts
// a throwaway local cluster (package localdb) for the package's tests.
package testdb

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"orderchat/internal/localdb"
)

// serverURL is the URL test databases are created through; set by Main.
var serverURL string

// Main runs the package's tests with a PostgreSQL server: DATABASE_URL when
// set, otherwise an ephemeral cluster in a temp dir that is stopped and
// removed afterwards. It returns the exit code: os.Exit(testdb.Main(m)).
func Main(m *testing.M) int {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		if _, err := databaseURL(u, "x"); err != nil {
			fmt.Fprintf(os.Stderr, "testdb: DATABASE_URL: %v\n", err)
			return 1
		}
		serverURL = u
		return m.Run()
	}

	cluster, cleanup, err := startCluster()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		return 1
	}
	defer cleanup()
	serverURL = cluster.AdminURL()
	return m.Run()
}

// startCluster starts a throwaway cluster; cleanup stops it and deletes its files.
func startCluster() (*localdb.Cluster, func(), error) {
	tmp, err := os.MkdirTemp("", "orderchat-testdb-")
	if err != nil {
		return nil, nil, err
	}
	// MkdirTemp makes a 0700 directory; as root, postgres runs as another
	// user that must be able to traverse it.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cluster, err := localdb.Start(ctx, localdb.Options{Dir: filepath.Join(tmp, "pgdata"), Ephemeral: true})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	cleanup := func() {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		}
		os.RemoveAll(tmp)
	}
	return cluster, cleanup, nil
}

// databaseURL is serverURL pointing at database name instead.
func databaseURL(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("want a postgres://user@host:port/db URL, got %q", server)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}
