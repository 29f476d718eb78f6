package sse

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"
)

// TestAClientThatLeavesIsNoticed: closing the client's side of a watched connection
// cancels its stream at once (no heartbeat needed); a client that stays, even one that
// sends bytes, is left alone; and a connection unwatched and closed never reports for the
// one that may reuse its descriptor number.
func TestAClientThatLeavesIsNoticed(t *testing.T) {
	d := newDepartures(slog.New(slog.DiscardHandler))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go d.run(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pair := func() (client, server net.Conn, left context.Context) {
		client, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if server, err = ln.Accept(); err != nil {
			t.Fatal(err)
		}
		left, leave := context.WithCancel(context.Background())
		d.watch(server, leave)
		return client, server, left
	}

	staying, stayingServer, stayingLeft := pair()
	defer staying.Close()
	defer stayingServer.Close()
	talking, talkingServer, talkingLeft := pair()
	defer talking.Close()
	defer talkingServer.Close()
	if _, err := talking.Write([]byte("GET / HTTP/1.1\r\n")); err != nil {
		t.Fatal(err)
	}

	// Unwatched and closed: its descriptor number is free for the next socket.
	old, oldServer, oldLeft := pair()
	d.unwatch(oldServer)
	oldServer.Close()
	old.Close()

	// No descriptor to watch (net.Pipe): left to the heartbeat, not taken for gone.
	pipeClient, pipeServer := net.Pipe()
	defer pipeClient.Close()
	defer pipeServer.Close()
	pipeLeft, pipeLeave := context.WithCancel(context.Background())
	d.watch(pipeServer, pipeLeave)

	leaving, leavingServer, leavingLeft := pair()
	defer leavingServer.Close()
	leaving.Close()
	select {
	case <-leavingLeft.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the client that closed its side was not noticed")
	}
	d.unwatch(leavingServer)
	time.Sleep(100 * time.Millisecond) // a wrong report would have come by now
	for name, left := range map[string]context.Context{"idle": stayingLeft, "sending": talkingLeft, "unwatched": oldLeft, "pipe": pipeLeft} {
		if left.Err() != nil {
			t.Errorf("the %s client was reported gone", name)
		}
	}
	d.mu.Lock()
	watched := len(d.byKey) + len(d.byConn)
	d.mu.Unlock()
	if watched != 4 {
		t.Errorf("%d entries are still watched, want the two staying connections (2 × 2)", watched)
	}
}
