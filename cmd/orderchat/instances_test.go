package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"orderchat/eventstream"
	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/localdb"
	"orderchat/internal/syncbuf"
	"orderchat/internal/testdb"
)

// instance is one `orderchat serve` process.
type instance struct {
	cmd  *exec.Cmd
	base string
	logs *syncbuf.Buffer
}

// startInstance runs `orderchat serve` on addr; env adds or overrides settings.
func startInstance(t *testing.T, dbURL, addr string, env ...string) *instance {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(append(cmdEnv(), "DATABASE_URL="+dbURL, "ORDERCHAT_JWT_SECRET="+secret, "ORDERCHAT_ADDR="+addr, "ORDERCHAT_SHUTDOWN_GRACE=3s",
		"ORDERCHAT_MESSAGE_RATE=0"), env...) // these tests post fast on purpose; limits are tested in httpapi
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("log of the instance on %s:\n%s", addr, logs.String())
		}
	})
	in := &instance{cmd: cmd, base: "http://" + addr, logs: logs}
	waitHealthy(t, in.base)
	return in
}

func mintToken(t *testing.T, role auth.Role) (string, uuid.UUID) {
	t.Helper()
	sub := uuid.New()
	token, err := auth.Mint([]byte(secret), auth.Principal{Subject: sub, Role: role}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token, sub
}

// call sends JSON with a token and decodes the answer into out (when not nil).
func call(t *testing.T, method, url, token, body string, want int, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, url, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoInstancesShareOneDatabase: a stream on one instance gets what is posted on the
// other, and a restart of its instance between disconnect and reconnect loses nothing.
func TestTwoInstancesShareOneDatabase(t *testing.T) {
	dbURL := testdb.NewDatabase(t)
	addrA := freeAddr(t)
	a, b := startInstance(t, dbURL, addrA), startInstance(t, dbURL, freeAddr(t))
	adminToken, _ := mintToken(t, auth.RoleAdmin)
	userToken, _ := mintToken(t, auth.RoleUser)

	events := make(chan eventstream.Event, 100)
	connects := make(chan int64, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	consumer := &eventstream.Consumer{
		URL:       a.base + "/api/admin/sse",
		Token:     func(context.Context) (string, error) { return adminToken, nil },
		OnConnect: func(from int64) { connects <- from },
	}
	go consumer.Run(ctx, func(e eventstream.Event) error { events <- e; return nil })
	<-connects

	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", b.base+"/api/orders", userToken, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)
	first := nextEvent(t, events)
	if first.ResourceType != "orders.created" {
		t.Fatalf("cross-instance event: %+v", first)
	}

	stop(t, a.cmd, syscall.SIGTERM) // the stream on A ends; the consumer retries
	for i := range 3 {
		call(t, "POST", b.base+"/api/messages", adminToken, `{"thread_id":"`+order.ThreadID+`","message_content":"while A was down `+string(rune('a'+i))+`"}`, 201, nil)
	}
	startInstance(t, dbURL, addrA) // A again, on the same address
	if from := <-connects; from != first.ID {
		t.Fatalf("reconnected from %d, want %d", from, first.ID)
	}
	var texts []string
	for range 3 {
		e := nextEvent(t, events)
		texts = append(texts, messageText(t, e))
	}
	if strings.Join(texts, "|") != "while A was down a|while A was down b|while A was down c" {
		t.Fatalf("after the restart: %v", texts)
	}
	select {
	case e := <-events:
		t.Fatalf("extra event %d %s", e.ID, e.ResourceType)
	case <-time.After(300 * time.Millisecond):
	}
}

func nextEvent(t *testing.T, events chan eventstream.Event) eventstream.Event {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(20 * time.Second):
		t.Fatal("no event within 20 s")
		return eventstream.Event{}
	}
}

// TestCredentialsNeverReachTheLogs uses a query-string token and a ticket, then searches
// the server's whole log output for them.
func TestCredentialsNeverReachTheLogs(t *testing.T) {
	in := startInstance(t, testdb.NewDatabase(t), freeAddr(t))
	token, sub := mintToken(t, auth.RoleUser)
	var ticket struct {
		Ticket string `json:"ticket"`
	}
	call(t, "POST", in.base+"/api/sse/tickets", token, "", 201, &ticket)
	for _, query := range []string{"?access_token=" + token, "?ticket=" + ticket.Ticket, "?ticket=" + ticket.Ticket, "?access_token=" + token + "x"} {
		resp, err := http.Get(in.base + "/api/users/sse/notification/" + sub.String() + query)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	call(t, "GET", in.base+"/api/orders?limit=0", token, "", 400, nil)
	stop(t, in.cmd, syscall.SIGTERM)
	logs := in.logs.String()
	if !strings.Contains(logs, "/api/users/sse/notification/") {
		t.Fatalf("the requests were not logged at all:\n%s", logs)
	}
	for name, secretValue := range map[string]string{"token": token, "token signature": token[strings.LastIndex(token, ".")+1:], "ticket": ticket.Ticket} {
		if strings.Contains(logs, secretValue) {
			t.Errorf("the %s appears in the logs", name)
		}
	}
}

// TestTailPrintsLiveEvents runs `orderchat tail` against a server and reads its output.
func TestTailPrintsLiveEvents(t *testing.T) {
	in := startInstance(t, testdb.NewDatabase(t), freeAddr(t))
	adminToken, _ := mintToken(t, auth.RoleAdmin)
	userToken, _ := mintToken(t, auth.RoleUser)
	call(t, "POST", in.base+"/api/orders", userToken, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, nil)

	tail := exec.Command(binary, "tail", "--server", in.base, "--from", "0")
	tail.Env = append(cmdEnv(), "ORDERCHAT_TOKEN="+adminToken)
	tail.Stderr = os.Stderr
	out, err := tail.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tail.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tail.Process.Kill(); _ = tail.Wait() })
	lines := make(chan string, 10)
	go func() {
		scanner := bufio.NewScanner(out)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
	}()
	call(t, "POST", in.base+"/api/orders", userToken, `{"items":[{"name":"cup","quantity":2,"unit_price_cents":500}]}`, 201, nil)
	for i, wantID := range []string{"1\t", "2\t"} {
		select {
		case line := <-lines:
			if !strings.HasPrefix(line, wantID) || !strings.Contains(line, "orders.created") {
				t.Fatalf("line %d: %q", i+1, line)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("tail printed %d lines", i)
		}
	}
	if err := tail.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := tail.Wait(); err != nil {
		t.Fatalf("tail exited with %v after Ctrl-C", err)
	}
}

// TestADatabaseOutageIsVisibleAndLosesNothing stops PostgreSQL under a running server:
// /readyz turns red within 5 s, posts fail with 503, and once the database is back the
// stream that stayed open delivers what is posted next, with nothing lost in between.
func TestADatabaseOutageIsVisibleAndLosesNothing(t *testing.T) {
	cluster, dir := startOwnCluster(t)
	in := startInstance(t, cluster.URL(), freeAddr(t))
	adminToken, _ := mintToken(t, auth.RoleAdmin)
	userToken, _ := mintToken(t, auth.RoleUser)

	events := make(chan eventstream.Event, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Resume from the start: the stream may connect after the order's event is handed on.
	consumer := &eventstream.Consumer{URL: in.base + "/api/admin/sse", Token: func(context.Context) (string, error) { return adminToken, nil }, Resume: true}
	go consumer.Run(ctx, func(e eventstream.Event) error { events <- e; return nil })
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", in.base+"/api/orders", userToken, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)
	nextEvent(t, events)

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, in.base+"/readyz", http.StatusServiceUnavailable, 5*time.Second)
	call(t, "POST", in.base+"/api/messages", adminToken, `{"thread_id":"`+order.ThreadID+`","message_content":"lost?"}`, 503, nil)

	startCluster(t, dir, cluster.Port())
	waitStatus(t, in.base+"/readyz", http.StatusOK, 20*time.Second)
	call(t, "POST", in.base+"/api/messages", adminToken, `{"thread_id":"`+order.ThreadID+`","message_content":"after the outage"}`, 201, nil)
	if e := nextEvent(t, events); e.ResourceType != "messages.new" || messageText(t, e) != "after the outage" {
		t.Fatalf("after the outage: %+v", e)
	}
}

// waitStatus polls url until it answers want, failing after within.
func waitStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if got := get(t, url, ""); got == want {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("%s still answers %d after %v, want %d", url, got, within, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startOwnCluster starts a PostgreSQL only this test uses, so that it can stop it.
func startOwnCluster(t *testing.T) (*localdb.Cluster, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "orderchat-outage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil { // as root, postgres runs as another user
		t.Fatal(err)
	}
	return startCluster(t, dir, 0), dir
}

func startCluster(t *testing.T, dir string, port int) *localdb.Cluster {
	t.Helper()
	cluster, err := localdb.Start(context.Background(), localdb.Options{Dir: dir + "/pg", Port: port, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	return cluster
}

// restartCluster stops PostgreSQL for a second and starts it again on the same port.
func restartCluster(t *testing.T, cluster **localdb.Cluster, dir string) {
	t.Helper()
	port := (*cluster).Port()
	if err := (*cluster).Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	*cluster = startCluster(t, dir, port)
}

// messageText is the text of a messages.new event.
func messageText(t testing.TB, e eventstream.Event) string {
	t.Helper()
	meta, err := eventstream.Meta[apiclient.MessageNewMeta](e)
	if err != nil {
		t.Fatal(err)
	}
	return meta.MessageContent
}
