package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"orderchat/internal/testdb"
)

// binary is orderchat built once for this package's tests: they run the real command.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "orderchat-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "orderchat")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build orderchat: %v\n%s", err, out)
		os.Exit(1)
	}
	code := testdb.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

const secret = "cmd-test-secret-cmd-test-secret-0123456"

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs `orderchat args...` with env and returns the process and its stdout.
func start(t *testing.T, dir string, env []string, args ...string) (*exec.Cmd, io.Reader) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(cmdEnv(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, stdout
}

// cmdEnv is the test's environment without the settings a test must pass itself
// (later entries of an exec.Cmd's Env win).
func cmdEnv() []string {
	return append(os.Environ(), "DATABASE_URL=", "ORDERCHAT_JWT_SECRET=", "ORDERCHAT_TOKEN=")
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s/healthz did not answer within a minute", base)
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	status, _ := getBody(t, url, token)
	return status
}

// getBody sends a GET, with a bearer token when given, and returns the status and body.
func getBody(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// stop signals the process and requires a clean exit within the shutdown grace.
func stop(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("orderchat exited with %v after %v", err, sig)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("orderchat did not exit within 20 s of %v", sig)
	}
}

func TestServeMigratesAnswersAndStopsOnSIGTERM(t *testing.T) {
	addr := freeAddr(t)
	cmd, _ := start(t, t.TempDir(), []string{"DATABASE_URL=" + testdb.NewDatabase(t), "ORDERCHAT_JWT_SECRET=" + secret, "ORDERCHAT_ADDR=" + addr}, "serve")
	base := "http://" + addr
	waitHealthy(t, base)
	waitStatus(t, base+"/readyz", http.StatusOK, 10*time.Second)
	for path, want := range map[string]int{"/readyz": 200, "/api/openapi.yaml": 200, "/api/docs": 200, "/metrics": 200, "/api/orders": 401} {
		if got := get(t, base+path, ""); got != want {
			t.Errorf("GET %s = %d, want %d", path, got, want)
		}
	}
	stop(t, cmd, syscall.SIGTERM)
}

func TestServeRefusesToStartWithoutAKey(t *testing.T) {
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+testdb.NewDatabase(t), "ORDERCHAT_JWT_SECRET=", "ORDERCHAT_ADDR="+freeAddr(t))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no JWT key") {
		t.Fatalf("serve without a JWT key: err %v, output %s", err, out)
	}
}

func TestTokenMintsWhatServeAccepts(t *testing.T) {
	addr := freeAddr(t)
	cmd, _ := start(t, t.TempDir(), []string{"DATABASE_URL=" + testdb.NewDatabase(t), "ORDERCHAT_JWT_SECRET=" + secret, "ORDERCHAT_ADDR=" + addr}, "serve")
	base := "http://" + addr
	waitHealthy(t, base)

	mint := exec.Command(binary, "token", "--sub", "7b0e3c52-5f0a-4c1e-9a43-0d6c1b2a9e01", "--role", "admin", "--name", "Ada Lovelace", "--ttl", "5m")
	mint.Env = append(os.Environ(), "ORDERCHAT_JWT_SECRET="+secret)
	out, err := mint.Output()
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(out))
	// limit=0 is invalid input: a 400 proves the token was accepted before validation.
	if got := get(t, base+"/api/orders?limit=0", token); got != http.StatusBadRequest {
		t.Fatalf("GET /api/orders?limit=0 with a minted token = %d, want 400", got)
	}
	if got := get(t, base+"/api/orders?limit=0", token+"x"); got != http.StatusUnauthorized {
		t.Fatalf("with a tampered token = %d, want 401", got)
	}
	// --name is the display name the team sees.
	req, _ := http.NewRequest(http.MethodGet, base+"/api/admins", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	team, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(team), `"display_name":"Ada Lovelace"`) {
		t.Fatalf("GET /api/admins after a request with the minted token: %s", team)
	}
	stop(t, cmd, syscall.SIGTERM)
}

func TestDevModeRunsItsOwnDatabaseAndPrintsWorkingTokens(t *testing.T) {
	// As root, postgres runs as another user that must reach .data/postgres inside dir,
	// and t.TempDir's parent is private to root.
	dir, err := os.MkdirTemp("", "orderchat-dev-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cmd, stdout := start(t, dir, []string{"ORDERCHAT_JWT_SECRET=", "ORDERCHAT_ADDR=" + addr}, "serve", "--dev")

	tokens := make(chan []string, 1)
	go func() {
		jwtLine := regexp.MustCompile(`/signin#token=(eyJ[\w-]+\.[\w-]+\.[\w-]+)\s*$`)
		var found []string
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if m := jwtLine.FindStringSubmatch(scanner.Text()); m != nil {
				found = append(found, m[1])
			}
			if len(found) == 2 {
				tokens <- found
				io.Copy(io.Discard, stdout)
				return
			}
		}
		close(tokens)
	}()
	var printed []string
	select {
	case printed = <-tokens:
	case <-time.After(90 * time.Second):
		t.Fatal("serve --dev printed no tokens within 90 s")
	}
	if len(printed) != 2 {
		t.Fatalf("serve --dev printed %d tokens, want a user's and an admin's", len(printed))
	}
	base := "http://" + addr
	for _, token := range printed {
		if got := get(t, base+"/api/orders?limit=0", token); got != http.StatusBadRequest {
			t.Fatalf("GET /api/orders?limit=0 with a printed token = %d, want 400 (token accepted, input rejected)", got)
		}
	}
	waitStatus(t, base+"/readyz", http.StatusOK, 10*time.Second) // ready once the event listener is connected
	pidFile := filepath.Join(dir, ".data", "postgres", "postmaster.pid")
	if _, err := os.Stat(pidFile); err != nil {
		t.Fatalf("the local database is not running under .data/postgres: %v", err)
	}
	stop(t, cmd, syscall.SIGINT)
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("the local database still runs after Ctrl-C (postmaster.pid: %v)", err)
	}
}
