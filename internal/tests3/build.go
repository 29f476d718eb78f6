package tests3

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// binary is versitygw of Version in the user's cache directory, built there with
// `go install` when missing (about 100 s on a 2-core machine; CI starts clean). A lock
// file keeps test packages running in parallel from building it twice.
func binary() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("tests3: %w", err)
	}
	dir := filepath.Join(cache, "orderchat", "versitygw-"+Version)
	bin := filepath.Join(dir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("tests3: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", fmt.Errorf("tests3: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("tests3: lock %s: %w", lock.Name(), err)
	}
	if _, err := os.Stat(bin); err == nil { // another package built it meanwhile
		return bin, nil
	}
	cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+Version)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("tests3: build versitygw %s: %w\n%s", Version, err, out)
	}
	return bin, nil
}
