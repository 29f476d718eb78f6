package localdb

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

// waitReady polls until postgres accepts connections. Connecting is the only
// reliable signal: the port opens before recovery finishes and postgres
// answers "the database system is starting up" meanwhile.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var lastErr error
	for tick := time.Tick(50 * time.Millisecond); ; {
		select {
		case <-c.proc.exited:
			return fmt.Errorf("localdb: postgres exited during startup (%v); its log %s ends with:\n%s",
				c.proc.waitErr, c.logPath, c.logTail())
		case <-ctx.Done():
			return fmt.Errorf("localdb: postgres not accepting connections on port %d (%v, limit %v; last error: %v); its log %s ends with:\n%s",
				c.port, ctx.Err(), readyTimeout, lastErr, c.logPath, c.logTail())
		case <-tick:
		}
		attempt, cancelAttempt := context.WithTimeout(ctx, time.Second)
		conn, err := pgx.Connect(attempt, c.AdminURL())
		cancelAttempt()
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		lastErr = err
	}
}

// tailFile returns up to limit bytes from the end of path, not before offset.
func tailFile(path string, offset, limit int64) string {
	f, err := os.Open(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "(" + err.Error() + ")"
	}
	start := max(offset, st.Size()-limit)
	b, err := io.ReadAll(io.NewSectionReader(f, start, st.Size()-start))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(b)
}

// ensureDatabase creates database name unless it exists.
func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("localdb: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "select exists(select 1 from pg_database where datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("localdb: look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "create database "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("localdb: create database %s: %w", name, err)
	}
	return nil
}
