package localdb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// prepareDataDir creates dir when missing, makes it usable by the owner and
// runs initdb unless it already holds a cluster.
func prepareDataDir(ctx context.Context, dir string, bins binaries, o owner, ephemeral bool, log *slog.Logger) error {
	created, err := mkdirTracked(dir)
	if err != nil {
		return err
	}
	if o.cred != nil {
		// Parents we created ourselves may be chmod'ed freely; for pre-existing
		// ones we only check, as loosening someone else's permissions is not ours to do.
		for _, p := range created {
			if p != dir {
				if err := os.Chmod(p, 0o755); err != nil {
					return fmt.Errorf("localdb: %w", err)
				}
			}
		}
		if err := o.checkTraversable(dir); err != nil {
			return err
		}
	}

	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
		return adoptExistingCluster(dir, o)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("localdb: %w", err)
	}
	if err := o.chown(dir); err != nil {
		return err
	}
	return initdb(ctx, dir, bins, o, ephemeral, log)
}

// adoptExistingCluster hands an existing cluster to the owner when needed:
// postgres refuses a data directory that is not its own.
func adoptExistingCluster(dir string, o owner) error {
	if o.cred == nil {
		return nil
	}
	ok, err := o.owns(dir)
	if err != nil {
		return fmt.Errorf("localdb: %w", err)
	}
	if ok {
		return nil
	}
	return o.chownAll(dir)
}

// mkdirTracked creates dir and its missing parents (mode 0700) and returns
// the directories it created.
func mkdirTracked(dir string) ([]string, error) {
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		_, err := os.Stat(p)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("localdb: %w", err)
		}
		missing = append(missing, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localdb: %w", err)
	}
	return missing, nil
}

// initdb creates a new cluster whose superuser is Superuser with trust
// authentication (postgres only listens on loopback).
func initdb(ctx context.Context, dir string, bins binaries, o owner, ephemeral bool, log *slog.Logger) error {
	args := []string{"-D", dir, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale"}
	if ephemeral {
		args = append(args, "--no-sync") // skips seconds of fsync for a throwaway cluster
	}
	log.Info("initdb "+dir, "user", o.name)
	cmd := exec.CommandContext(ctx, bins.initdb, args...)
	cmd.Dir = dir // our own cwd may be unreadable for the owner (e.g. /root)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("localdb: initdb %s (as %s): %w\n%s", dir, o.name, err, lastBytes(out, 4096))
	}
	return nil
}
