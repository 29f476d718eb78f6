// Package localdb runs a real PostgreSQL server from the locally installed
// binaries, for development (`make run`) and tests. It needs no Docker: it
// runs initdb when the data directory holds no cluster yet, starts postgres
// listening on loopback only (trust authentication) and creates the
// "orderchat" database.
package localdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Superuser is the PostgreSQL superuser created by initdb; the URLs use it.
const Superuser = "orderchat"

// Database is the application database Start creates when missing.
const Database = "orderchat"

// How long Start waits for postgres to accept connections.
const readyTimeout = 30 * time.Second

// Options configures Start.
type Options struct {
	// Dir is the cluster data directory, e.g. "./.data/postgres". It is
	// created and initialised (initdb) when it holds no cluster yet.
	Dir string
	// Port is the loopback TCP port; 0 picks a free one.
	Port int
	// Install runs `apt-get install -y postgresql` when the binaries are
	// missing and the process runs as root.
	Install bool
	// Ephemeral trades durability for speed (fsync, synchronous_commit and
	// full_page_writes off): for throwaway test clusters only.
	Ephemeral bool
	// Logger receives progress lines; nil discards them.
	Logger *slog.Logger
}

// Cluster is a running postgres server started by Start.
type Cluster struct {
	dir     string
	port    int
	logPath string
	log     *slog.Logger
	proc    *process

	stopOnce sync.Once
	stopErr  error
}

// Start initialises the cluster in opt.Dir when needed, starts postgres,
// waits until it accepts connections and creates the "orderchat" database if
// missing. The caller must call Stop.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	if opt.Dir == "" {
		return nil, errors.New("localdb: Options.Dir is required")
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("localdb: %w", err)
	}

	bins, err := findBinaries(ctx, opt.Install, log)
	if err != nil {
		return nil, err
	}
	owner, err := serverOwner()
	if err != nil {
		return nil, err
	}
	if err := prepareDataDir(ctx, dir, bins, owner, opt.Ephemeral, log); err != nil {
		return nil, err
	}
	if err := removeStalePIDFile(dir, log); err != nil {
		return nil, err
	}

	port := opt.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	c := &Cluster{
		dir:     dir,
		port:    port,
		logPath: filepath.Join(dir, "postgres.log"),
		log:     log,
	}
	c.proc, err = startPostgres(bins, owner, dir, port, c.logPath, opt.Ephemeral)
	if err != nil {
		return nil, err
	}
	// From here on a failure must not leave an orphan postgres behind.
	if err := c.waitReady(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	if err := ensureDatabase(ctx, c.AdminURL(), Database); err != nil {
		_ = c.Stop()
		return nil, err
	}
	log.Info("postgres ready on 127.0.0.1:"+strconv.Itoa(port), "dir", dir, "log", c.logPath)
	return c, nil
}

// URL is the connection URL of the "orderchat" database.
func (c *Cluster) URL() string { return c.urlFor(Database) }

// AdminURL is the connection URL of the "postgres" maintenance database,
// for statements such as CREATE DATABASE.
func (c *Cluster) AdminURL() string { return c.urlFor("postgres") }

func (c *Cluster) urlFor(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.port, db)
}

// Port is the TCP port postgres listens on (on 127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// PID is the postmaster's process id; the server processes are its children.
func (c *Cluster) PID() int { return c.proc.cmd.Process.Pid }

// Stop shuts postgres down (fast shutdown: open sessions are rolled back)
// and waits for it to exit, killing it if it takes too long. Calling Stop
// again returns the first result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.stopErr = c.proc.stop()
		if c.stopErr == nil {
			c.log.Info("postgres stopped", "dir", c.dir)
		}
	})
	return c.stopErr
}

// logTail is what postgres logged since this start, for error messages.
func (c *Cluster) logTail() string {
	return tailFile(c.logPath, c.proc.logOffset, 4096)
}
