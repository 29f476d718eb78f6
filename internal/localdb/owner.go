package localdb

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
)

// owner is the OS user that owns the data directory and runs initdb and
// postgres.
type owner struct {
	name     string
	uid, gid uint32
	groups   []uint32
	// cred is nil when we already are that user (not root).
	cred *syscall.Credential
}

// serverOwner picks the OS user for the server. initdb and postgres refuse to
// run as root, so as root we switch to "postgres" (or "nobody").
func serverOwner() (owner, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return owner{}, fmt.Errorf("localdb: current user: %w", err)
		}
		return newOwner(u, false)
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		if u, err = user.Lookup("nobody"); err != nil {
			return owner{}, fmt.Errorf("localdb: running as root needs an unprivileged user to run postgres, but neither \"postgres\" nor \"nobody\" exists: %w", err)
		}
	}
	return newOwner(u, true)
}

func newOwner(u *user.User, switchUser bool) (owner, error) {
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return owner{}, fmt.Errorf("localdb: user %s has non-numeric uid/gid %s/%s", u.Username, u.Uid, u.Gid)
	}
	o := owner{name: u.Username, uid: uint32(uid), gid: uint32(gid)}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.ParseUint(id, 10, 32); err == nil {
				o.groups = append(o.groups, uint32(g))
			}
		}
	}
	if switchUser {
		o.cred = &syscall.Credential{Uid: o.uid, Gid: o.gid, Groups: o.groups}
	}
	return o, nil
}

// sysProcAttr runs a child as the owner, in its own process group so that a
// Ctrl-C on the terminal reaches only us and we can shut postgres down cleanly.
func (o owner) sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Credential: o.cred}
}

// chownAll hands a tree to the owner (only needed when we switch users).
func (o owner) chownAll(root string) error {
	if o.cred == nil {
		return nil
	}
	err := filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(o.uid), int(o.gid))
	})
	if err != nil {
		return fmt.Errorf("localdb: chown %s to %s: %w", root, o.name, err)
	}
	return nil
}

// chown hands one file to the owner (only needed when we switch users).
func (o owner) chown(path string) error {
	if o.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(o.uid), int(o.gid)); err != nil {
		return fmt.Errorf("localdb: chown %s to %s: %w", path, o.name, err)
	}
	return nil
}

// owns reports whether path already belongs to the owner.
func (o owner) owns(path string) (bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && sys.Uid == o.uid, nil
}

// checkTraversable verifies that the owner can reach dir through each of its
// parents, which root-only temp directories (mode 0700) would prevent.
func (o owner) checkTraversable(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("localdb: %w", err)
		}
		if !o.canSearch(st) {
			return fmt.Errorf("localdb: postgres runs as user %q, which cannot traverse %s (mode %v, owned by uid %d); "+
				"make it traversable (chmod o+x %s) or choose a data directory elsewhere",
				o.name, p, st.Mode().Perm(), st.Sys().(*syscall.Stat_t).Uid, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// canSearch applies the classic owner/group/other execute-bit rule.
func (o owner) canSearch(st fs.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return true // cannot tell; let postgres report it
	}
	perm := st.Mode().Perm()
	switch {
	case sys.Uid == o.uid:
		return perm&0o100 != 0
	case sys.Gid == o.gid || slices.Contains(o.groups, sys.Gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}
