package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// A process may hold at most 20,000 descriptors here (RLIMIT_NOFILE's hard limit, which
// only CAP_SYS_RESOURCE may raise), so 20,000 streams are measured as a deployment would
// carry them: two instances behind a load balancer, each with half, and a second
// load-generator process (this binary with --hold) opening the other instance's half.

type splitRun struct {
	Streams        int       `json:"streams"`
	Instances      int       `json:"instances"`
	ServerRSSMiB   []float64 `json:"server_rss_mib"`
	RSSPerStreamKB float64   `json:"rss_per_stream_kib"`
	ConnectPerSec  float64   `json:"connects_per_second"`
}

// holdRequest is what the parent sends the holder on its stdin: one line of JSON.
type holdRequest struct {
	URLs   []string `json:"urls"`
	Tokens []string `json:"tokens"`
}

// hold is the --hold mode: open the streams read from stdin, print "open <seconds>" once
// all are connected, and keep them until stdin closes.
func hold(ctx context.Context) error {
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read the streams to hold: %w", err)
	}
	var req holdRequest
	if err := json.Unmarshal(line, &req); err != nil {
		return fmt.Errorf("read the streams to hold: %w", err)
	}
	set, took := openStreams(ctx, req.URLs, req.Tokens, 256, nil)
	defer set.close()
	fmt.Printf("open %f\n", took.Seconds())
	_, _ = io.Copy(io.Discard, in) // until the parent closes our stdin
	return nil
}

// splitStreams starts two fresh instances (the first one still holds the memory of the
// single-instance steps), opens perInstance user streams on each, half of them from a
// --hold child process, measures both servers' memory and stops them again.
func (b *bench) splitStreams(ctx context.Context, perInstance int) (*splitRun, error) {
	var pair []*server
	defer func() {
		for _, s := range pair {
			b.stopServer(s)
		}
	}()
	for range 2 {
		s, err := b.startServer(ctx)
		if err != nil {
			return nil, err
		}
		pair = append(pair, s)
	}
	first, second := pair[0], pair[1]
	baseline := first.rss() + second.rss()

	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	child := exec.CommandContext(ctx, self, "--hold")
	child.Stderr = os.Stderr
	stdin, err := child.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := child.Start(); err != nil {
		return nil, err
	}
	defer func() {
		stdin.Close()
		_ = child.Wait()
	}()
	urls, tokens := b.userStreams(second.base, 0, perInstance)
	req, _ := json.Marshal(holdRequest{URLs: urls, Tokens: tokens})

	start := time.Now()
	if _, err := stdin.Write(append(req, '\n')); err != nil {
		return nil, err
	}
	urls, tokens = b.userStreams(first.base, perInstance, 2*perInstance)
	mine, _ := openStreams(ctx, urls, tokens, 256, nil)
	defer mine.close()
	reply, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(reply, "open ") {
		return nil, fmt.Errorf("the holder process did not open its streams: %q %v", reply, err)
	}
	took := time.Since(start)

	time.Sleep(2 * time.Second) // let the servers settle before reading their memory
	run := &splitRun{Streams: 2 * perInstance, Instances: 2, ConnectPerSec: float64(2*perInstance) / took.Seconds()}
	total := int64(0)
	for _, s := range pair {
		rss := s.rss()
		total += rss
		run.ServerRSSMiB = append(run.ServerRSSMiB, mib(rss))
	}
	run.RSSPerStreamKB = float64(total-baseline) / float64(run.Streams) / 1024
	if open := openStreamsOn(b.client, first.base) + openStreamsOn(b.client, second.base); open != run.Streams {
		return nil, fmt.Errorf("the servers report %d open streams, want %d", open, run.Streams)
	}
	return run, nil
}
