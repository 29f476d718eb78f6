package localdb

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// removeStalePIDFile deletes a postmaster.pid left by a postgres that died
// without cleaning up (crash, SIGKILL, reboot), which would otherwise keep
// postgres from starting. It fails if a postgres really runs on dir.
func removeStalePIDFile(dir string, log *slog.Logger) error {
	path := filepath.Join(dir, "postmaster.pid")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("localdb: %w", err)
	}
	// The first line is the postmaster's pid.
	line, _ := bufio.NewReader(f).ReadString('\n')
	f.Close()
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err == nil && pid > 0 && isPostgresOn(pid, dir) {
		return fmt.Errorf("localdb: a postgres server (pid %d) is already running on %s; "+
			"stop it (kill -INT %d) or use another data directory", pid, dir, pid)
	}
	log.Info("removing stale postmaster.pid", "dir", dir, "pid", strings.TrimSpace(line))
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("localdb: remove stale %s: %w", path, err)
	}
	return nil
}

// isPostgresOn reports whether pid is a live postgres serving dir. The pid of
// a dead postmaster may have been reused by another program, or by a postgres
// of another cluster (postgres chdirs into its data directory).
func isPostgresOn(pid int, dir string) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return true // alive, and without /proc we cannot tell: assume the worst
	}
	if strings.TrimSpace(string(comm)) != "postgres" {
		return false
	}
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if err != nil {
		return true
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		real = dir
	}
	return cwd == real
}
