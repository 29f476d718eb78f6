package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"orderchat/eventstream"
	"orderchat/internal/auth"
	"orderchat/internal/testdb"
)

// TestSlowClientsAreCutOffButStreamsAreNot: headers or a body that trickle in are cut
// off by the server's timeouts, while an event stream outlives them.
func TestSlowClientsAreCutOffButStreamsAreNot(t *testing.T) {
	addr := freeAddr(t)
	in := startInstance(t, testdb.NewDatabase(t), addr,
		"ORDERCHAT_READ_HEADER_TIMEOUT=500ms", "ORDERCHAT_READ_TIMEOUT=1s", "ORDERCHAT_SSE_HEARTBEAT=300ms")
	token, sub := mintToken(t, auth.RoleUser)

	t.Run("slow headers", func(t *testing.T) {
		conn := dial(t, addr)
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // never finished
		expectClosedWithin(t, conn, 3*time.Second)
	})
	t.Run("slow body", func(t *testing.T) {
		conn := dial(t, addr)
		body := `{"items":[{"name":"mug","quantity":1,"unit_price_cents":100}]}`
		fmt.Fprintf(conn, "POST /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", token, len(body), body[:10])
		status := readStatusOrClose(t, conn, 4*time.Second)
		if status >= 200 && status < 300 {
			t.Fatalf("a body that never arrived was accepted: %d", status)
		}
		var orders struct{ Items []any }
		call(t, "GET", in.base+"/api/orders", token, "", 200, &orders)
		if len(orders.Items) != 0 {
			t.Fatalf("%d orders stored", len(orders.Items))
		}
	})
	t.Run("a Content-Length shorter than the body", func(t *testing.T) {
		conn := dial(t, addr)
		body := `{"items":[{"name":"mug","quantity":1,"unit_price_cents":100}]}`
		fmt.Fprintf(conn, "POST /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n%s", token, body)
		if status := readStatusOrClose(t, conn, 4*time.Second); status != http.StatusBadRequest {
			t.Fatalf("a truncated body answered %d, want 400", status)
		}
	})
	t.Run("a stream outlives the read timeout", func(t *testing.T) {
		conn := dial(t, addr)
		fmt.Fprintf(conn, "GET /api/users/sse/notification/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", sub, token)
		reader := bufio.NewReader(conn)
		deadline := time.Now().Add(2500 * time.Millisecond) // well past the 1 s read timeout
		heartbeats := 0
		for time.Now().Before(deadline) {
			_ = conn.SetReadDeadline(time.Now().Add(time.Second))
			line, err := reader.ReadString('\n')
			if err != nil {
				t.Fatalf("the stream broke after %d heartbeats: %v", heartbeats, err)
			}
			if line == ":\n" {
				heartbeats++
			}
		}
		if heartbeats < 5 {
			t.Fatalf("%d heartbeats in 2.5 s at a 300 ms interval", heartbeats)
		}
	})
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// expectClosedWithin requires the server to close conn (answering at most a status line).
func expectClosedWithin(t *testing.T, conn net.Conn, within time.Duration) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(within))
	_, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", within)
	}
}

// readStatusOrClose returns the status of the server's answer, or 0 when it closed the
// connection without one.
func readStatusOrClose(t *testing.T, conn net.Conn, within time.Duration) int {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(within))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("no answer and no close within %v", within)
		}
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestShutdownDrainsInFlightRequests: SIGTERM during a slow upload lets it finish, ends
// streams, and exits cleanly.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	addr := freeAddr(t)
	in := startInstance(t, testdb.NewDatabase(t), addr)
	token, sub := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", in.base+"/api/orders", token, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)

	stream := dial(t, addr)
	fmt.Fprintf(stream, "GET /api/users/sse/notification/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", sub, token)
	streamEnded := make(chan string, 1)
	go func() { data, _ := io.ReadAll(stream); streamEnded <- string(data) }()

	body := `{"thread_id":"` + order.ThreadID + `","message_content":"sent while the server stops"}`
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", in.base+"/api/messages", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	answered := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	pw.Write([]byte(body[:20]))
	time.Sleep(200 * time.Millisecond)
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server is draining now
	pw.Write([]byte(body[20:]))
	pw.Close()
	if status := <-answered; status != http.StatusCreated {
		t.Fatalf("the in-flight post answered %d, want 201", status)
	}
	select {
	case data := <-streamEnded:
		if !strings.Contains(data, "retry: ") || strings.Count(data, "retry: ") < 2 {
			t.Fatalf("the stream ended without a new retry: %q", data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end")
	}
	done := make(chan error, 1)
	go func() { done <- in.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not exit")
	}
}

// TestAKilledServerLosesNoEvent: SIGKILL while a client streams and others post; the
// client reconnects to the restarted server with Last-Event-ID and misses nothing.
func TestAKilledServerLosesNoEvent(t *testing.T) {
	dbURL := testdb.NewDatabase(t)
	addrA := freeAddr(t)
	a, b := startInstance(t, dbURL, addrA), startInstance(t, dbURL, freeAddr(t))
	admin, _ := mintToken(t, auth.RoleAdmin)
	user, _ := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", b.base+"/api/orders", user, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)

	got := make(chan eventstream.Event, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	consumer := &eventstream.Consumer{URL: a.base + "/api/admin/sse", Token: func(context.Context) (string, error) { return admin, nil }, Resume: true}
	go consumer.Run(ctx, func(e eventstream.Event) error { got <- e; return nil })

	// Post steadily through B while A is killed and restarted.
	var posted sync.WaitGroup
	posted.Add(1)
	go func() {
		defer posted.Done()
		for i := range 40 {
			if status := postStatus(b.base, user, order.ThreadID, fmt.Sprintf("m%02d", i)); status != http.StatusCreated {
				t.Errorf("post %d through the surviving instance: %d", i, status)
			}
			time.Sleep(25 * time.Millisecond)
		}
	}()
	time.Sleep(300 * time.Millisecond)
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.cmd.Wait()
	startInstance(t, dbURL, addrA)
	posted.Wait()

	var texts []string
	var last int64
	for len(texts) < 40 {
		e := nextEvent(t, got)
		if e.ID <= last {
			t.Fatalf("event %d after %d", e.ID, last)
		}
		last = e.ID
		if e.ResourceType == "messages.new" {
			texts = append(texts, messageText(t, e))
		}
	}
	for i, text := range texts {
		if text != fmt.Sprintf("m%02d", i) {
			t.Fatalf("message %d is %q: %v", i, text, texts)
		}
	}
}

// TestAPostgresRestartUnderLoadLosesNoCommittedEvent posts continuously while PostgreSQL
// restarts: posts fail cleanly during the outage, and every post that was answered 201
// reaches the stream exactly once.
func TestAPostgresRestartUnderLoadLosesNoCommittedEvent(t *testing.T) {
	cluster, dir := startOwnCluster(t)
	in := startInstance(t, cluster.URL(), freeAddr(t))
	admin, _ := mintToken(t, auth.RoleAdmin)
	user, _ := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", in.base+"/api/orders", user, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)

	got := make(chan eventstream.Event, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	consumer := &eventstream.Consumer{URL: in.base + "/api/admin/sse", Token: func(context.Context) (string, error) { return admin, nil }, Resume: true}
	go consumer.Run(ctx, func(e eventstream.Event) error { got <- e; return nil })

	committed := map[string]bool{}
	statuses := map[int]int{}
	stopPosting := make(chan struct{})
	var posting sync.WaitGroup
	posting.Add(1)
	go func() {
		defer posting.Done()
		for i := 0; ; i++ {
			select {
			case <-stopPosting:
				return
			default:
			}
			text := fmt.Sprintf("p%03d", i)
			status := postStatus(in.base, user, order.ThreadID, text)
			statuses[status]++
			if status == http.StatusCreated {
				committed[text] = true
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	time.Sleep(300 * time.Millisecond)
	restartCluster(t, &cluster, dir)
	time.Sleep(1500 * time.Millisecond)
	close(stopPosting)
	posting.Wait()
	if statuses[http.StatusServiceUnavailable] == 0 || statuses[http.StatusCreated] < 10 {
		t.Fatalf("statuses %v: want 201s around the outage and 503s during it", statuses)
	}
	for status := range statuses {
		if status != http.StatusCreated && status != http.StatusServiceUnavailable {
			t.Fatalf("statuses %v: only 201 and 503 are clean answers", statuses)
		}
	}
	seen := map[string]bool{}
	timeout := time.After(20 * time.Second)
	for len(seen) < len(committed) {
		select {
		case e := <-got:
			if e.ResourceType != "messages.new" {
				continue
			}
			text := messageText(t, e)
			if seen[text] {
				t.Fatalf("%s delivered twice", text)
			}
			if !committed[text] {
				t.Fatalf("%s was delivered but its post was not answered 201", text)
			}
			seen[text] = true
		case <-timeout:
			t.Fatalf("delivered %d of %d committed posts (statuses %v)", len(seen), len(committed), statuses)
		}
	}
	t.Logf("posts answered: %v; all %d committed delivered once", statuses, len(committed))
}

func postStatus(base, token, threadID, text string) int {
	req, _ := http.NewRequest("POST", base+"/api/messages", bytes.NewReader([]byte(`{"thread_id":"`+threadID+`","message_content":"`+text+`"}`)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
