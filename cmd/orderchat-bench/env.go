package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/localdb"
)

const secret = "bench-secret-bench-secret-bench-secret-01"

// bench is the world the scenarios run in: one PostgreSQL, the servers, the principals.
type bench struct {
	log         *slog.Logger
	dir         string
	bin         string
	cluster     *localdb.Cluster
	servers     []*server
	admin       string // the posting admin's token
	readerAdmin string // another admin, who is notified of the posting admin's messages
	users       []user // customers, each with one order
	client      *http.Client
}

type user struct {
	id     uuid.UUID
	token  string
	thread uuid.UUID
}

// server is one `orderchat serve` process.
type server struct {
	cmd  *exec.Cmd
	base string
}

// rss is the server's resident memory in bytes.
func (s *server) rss() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if rest, ok := strings.CutPrefix(scanner.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func setUp(ctx context.Context, log *slog.Logger, bin string) (*bench, error) {
	// 20,000 streams need 20,000 descriptors on each side; root with CAP_SYS_RESOURCE may
	// raise the hard limit. Without it (containers here) the soft limit is already the hard
	// one (Go raises it at start), and the steps are sized for that (README: "Benchmarks").
	limit := &syscall.Rlimit{Cur: 1 << 20, Max: 1 << 20}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, limit); err != nil {
		var current syscall.Rlimit
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &current)
		log.Info("open-file limit stays at the hard limit", "limit", current.Max, "reason", err)
	}
	dir, err := os.MkdirTemp("", "orderchat-bench-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil { // as root, postgres runs as another user
		return nil, err
	}
	b := &bench{log: log, dir: dir, bin: bin}
	b.cluster, err = localdb.Start(ctx, localdb.Options{Dir: filepath.Join(dir, "pg"), Logger: log})
	if err != nil {
		return nil, err
	}
	b.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}}
	b.admin = b.mint(uuid.New(), auth.RoleAdmin)
	b.readerAdmin = b.mint(uuid.New(), auth.RoleAdmin)
	if _, err := b.startServer(ctx); err != nil {
		b.tearDown()
		return nil, err
	}
	return b, nil
}

func (b *bench) mint(id uuid.UUID, role auth.Role) string {
	token, err := auth.Mint([]byte(secret), auth.Principal{Subject: id, Role: role}, 12*time.Hour, time.Now())
	if err != nil {
		panic(err) // the secret is long enough and the ttl positive: cannot fail
	}
	return token
}

// startServer starts `orderchat serve`; env adds settings (an attachment store, say).
func (b *bench) startServer(ctx context.Context, env ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(b.bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.cluster.URL(), "ORDERCHAT_JWT_SECRET="+secret, "ORDERCHAT_ADDR="+addr,
		"ORDERCHAT_MESSAGE_RATE=0", "ORDERCHAT_STREAM_RATE=0", "ORDERCHAT_LOG_LEVEL=warn", "ORDERCHAT_PPROF_ADDR="+pprofAddr(len(b.servers)))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	b.servers = append(b.servers, s)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("%s did not become ready", s.base)
}

func (b *bench) tearDown() {
	for _, s := range b.servers {
		s.stop()
	}
	if b.cluster != nil {
		_ = b.cluster.Stop()
	}
	os.RemoveAll(b.dir)
}

// stop ends the server gracefully, or kills it after 15 s.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// stopServer stops s and forgets it, so that it costs the later scenarios nothing.
func (b *bench) stopServer(s *server) {
	s.stop()
	b.servers = slices.DeleteFunc(b.servers, func(other *server) bool { return other == s })
}

// api is the generated client acting as the holder of token.
func (b *bench) api(base, token string) *apiclient.ClientWithResponses {
	c, err := apiclient.NewClientWithResponses(base+"/api", apiclient.WithHTTPClient(b.client),
		apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		panic(err) // only a malformed base URL fails, and ours is built above
	}
	return c
}

// addUsers creates customers, each with an order (and so a thread), through the API.
func (b *bench) addUsers(ctx context.Context, n int) error {
	base := b.servers[0].base
	jobs := make(chan int)
	errs := make(chan error, 64)
	start := len(b.users)
	b.users = append(b.users, make([]user, n)...)
	for range 32 {
		go func() {
			for i := range jobs {
				id := uuid.New()
				token := b.mint(id, auth.RoleUser)
				resp, err := b.api(base, token).CreateOrderWithResponse(ctx, apiclient.CreateOrderRequest{Items: []apiclient.OrderItem{{Name: "mug", Quantity: 1, UnitPriceCents: 900}}})
				if err == nil && resp.JSON201 == nil {
					err = fmt.Errorf("create order: %d %s", resp.StatusCode(), resp.Body)
				}
				if err != nil {
					errs <- err
					continue
				}
				b.users[i] = user{id: id, token: token, thread: resp.JSON201.ThreadId}
				errs <- nil
			}
		}()
	}
	go func() {
		for i := start; i < start+n; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	for range n {
		if err := <-errs; err != nil {
			return err
		}
	}
	// Bring the tables to the steady state of a database in service, so that autovacuum's
	// first pass over the bulk load does not land inside a measurement.
	conn, err := pgx.Connect(ctx, b.cluster.URL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	return err
}

// pprofAddr is where the i-th server exposes its profiler (go tool pprof http://ADDR/debug/pprof/profile).
func pprofAddr(i int) string { return "127.0.0.1:" + strconv.Itoa(6060+i) }

// freeAddr is a loopback address with a port free at the time of asking.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
