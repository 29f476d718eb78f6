package localdb

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// How long Stop waits for the shutdown checkpoint before killing postgres.
const stopTimeout = 30 * time.Second

// process is a running postmaster.
type process struct {
	cmd       *exec.Cmd
	exited    chan struct{} // closed once cmd.Wait returned
	waitErr   error         // valid after exited is closed
	logOffset int64         // size of the log file before this start
}

// startPostgres launches the postmaster, appending its output to logPath.
func startPostgres(bins binaries, o owner, dir string, port int, logPath string, ephemeral bool) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("localdb: %w", err)
	}
	defer f.Close() // the child keeps its own copy of the descriptor
	if err := o.chown(logPath); err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("localdb: %w", err)
	}

	args := []string{
		"-D", dir,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", // loopback only: trust auth is safe
		"-c", "unix_socket_directories=", // no socket file to clash with a system postgres
		"-c", "max_connections=200",
	}
	if ephemeral {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(bins.postgres, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = o.sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("localdb: start postgres: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{}), logOffset: st.Size()}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop requests a fast shutdown (SIGINT: roll back sessions, checkpoint,
// exit) and kills the postmaster if that takes longer than stopTimeout. Its
// children notice the postmaster's death and exit by themselves.
func (p *process) stop() error {
	select {
	case <-p.exited:
		return fmt.Errorf("localdb: postgres had already exited: %v", p.waitErr)
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return fmt.Errorf("localdb: signal postgres: %w", err)
	}
	select {
	case <-p.exited:
		if p.waitErr != nil {
			return fmt.Errorf("localdb: postgres shutdown: %w", p.waitErr)
		}
		return nil
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("localdb: postgres did not shut down within %v and was killed", stopTimeout)
	}
}
