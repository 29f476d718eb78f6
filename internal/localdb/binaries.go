package localdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
)

// binaries are the PostgreSQL server programs Start runs.
type binaries struct {
	initdb   string
	postgres string
}

// Debian/Ubuntu install the server outside PATH, one directory per major version.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// findBinaries locates initdb and postgres, installing the distribution
// package first when allowed and they are missing.
func findBinaries(ctx context.Context, install bool, log *slog.Logger) (binaries, error) {
	if b, ok := lookupBinaries(); ok {
		return b, nil
	}
	if !install || os.Geteuid() != 0 {
		return binaries{}, errors.New("localdb: PostgreSQL server binaries (initdb, postgres) not found in PATH or " +
			debianBinGlob + "; install them, e.g. `sudo apt-get install -y postgresql` (Debian/Ubuntu) " +
			"or `brew install postgresql@15` (macOS), or put their directory in PATH")
	}
	if err := aptInstall(ctx, log); err != nil {
		return binaries{}, err
	}
	if b, ok := lookupBinaries(); ok {
		return b, nil
	}
	return binaries{}, errors.New("localdb: apt-get installed postgresql but initdb/postgres are still not found in PATH or " + debianBinGlob)
}

// lookupBinaries prefers PATH, then the highest Debian-style version directory.
func lookupBinaries() (binaries, bool) {
	initdb, err1 := exec.LookPath("initdb")
	postgres, err2 := exec.LookPath("postgres")
	if err1 == nil && err2 == nil {
		return binaries{initdb: initdb, postgres: postgres}, true
	}
	dirs, _ := filepath.Glob(debianBinGlob)
	sort.Slice(dirs, func(i, j int) bool { return majorVersion(dirs[i]) > majorVersion(dirs[j]) })
	for _, d := range dirs {
		b := binaries{initdb: filepath.Join(d, "initdb"), postgres: filepath.Join(d, "postgres")}
		if isExecutable(b.initdb) && isExecutable(b.postgres) {
			return b, true
		}
	}
	return binaries{}, false
}

// majorVersion reads "15" out of /usr/lib/postgresql/15/bin; -1 if not numeric.
func majorVersion(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return -1
	}
	return v
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// aptInstall installs the distribution's default PostgreSQL server package.
func aptInstall(ctx context.Context, log *slog.Logger) error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("localdb: PostgreSQL binaries not found and apt-get is not available; install PostgreSQL manually")
	}
	for _, args := range [][]string{{"update"}, {"install", "-y", "postgresql"}} {
		log.Info("apt-get " + args[0] + " (installing PostgreSQL)")
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("localdb: apt-get %s: %w\n%s", args[0], err, lastBytes(out, 4096))
		}
	}
	return nil
}

// lastBytes keeps error messages readable when a tool is chatty.
func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
