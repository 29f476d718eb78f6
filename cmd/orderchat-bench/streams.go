package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"orderchat/eventstream"
	"orderchat/gen/apiclient"
)

// receiver is told of every event a stream receives, with the time it arrived.
type receiver func(e eventstream.Event, at time.Time)

// streamSet is a group of open streams.
type streamSet struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (s *streamSet) close() {
	s.cancel()
	s.wg.Wait()
}

// streamClient is shared by all streams: one transport, no timeouts, no pooling limits.
var streamClient = &http.Client{Transport: &http.Transport{
	MaxIdleConnsPerHost: -1, DisableCompression: true, DisableKeepAlives: false,
	ReadBufferSize: 2048, WriteBufferSize: 1024,
}}

// readFrames sends a stream request and hands on its SSE frames, only framed, not
// decoded, until the stream ends: one reader for both servers of make bench-peers.
func readFrames(req *http.Request, connected func(), on func(eventstream.Frame, time.Time)) error {
	resp, err := streamClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("stream %s: %d", req.URL.Path, resp.StatusCode)
	}
	connected()
	return eventstream.Parse(resp.Body, func(f eventstream.Frame) error { on(f, time.Now()); return nil }, nil)
}

// openStreams opens one stream per URL/token pair, at most `parallel` connecting at once,
// and returns when all are connected.
func openStreams(ctx context.Context, urls, tokens []string, parallel int, on receiver) (*streamSet, time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	set := &streamSet{cancel: cancel}
	slots := make(chan struct{}, parallel)
	var connected sync.WaitGroup
	start := time.Now()
	for i := range urls {
		slots <- struct{}{}
		connected.Add(1)
		set.wg.Add(1)
		var once sync.Once
		token := tokens[i]
		c := &eventstream.Consumer{
			URL:        urls[i],
			Token:      func(context.Context) (string, error) { return token, nil },
			HTTPClient: streamClient,
			OnConnect: func(int64) {
				once.Do(func() { <-slots; connected.Done() })
			},
		}
		go func() {
			defer set.wg.Done()
			_ = c.Run(ctx, func(e eventstream.Event) error {
				if on != nil {
					on(e, time.Now())
				}
				return nil
			})
		}()
	}
	all := make(chan struct{})
	go func() { connected.Wait(); close(all) }()
	select {
	case <-all:
	case <-ctx.Done(): // interrupted: give up waiting; the caller's teardown stops everything
	}
	return set, time.Since(start)
}

// seqOf reads the sequence number the poster put in a message ("b<seq>").
func seqOf(e eventstream.Event) (int, bool) {
	if e.ResourceType != string(apiclient.MessageNewEventResourceTypeMessagesNew) {
		return 0, false
	}
	meta, err := eventstream.Meta[apiclient.MessageNewMeta](e)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(meta.MessageContent, "b"))
	return n, err == nil && strings.HasPrefix(meta.MessageContent, "b")
}
