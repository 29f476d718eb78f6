package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"orderchat/eventstream"
	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// BenchmarkCommitToStream measures, on loopback with a real PostgreSQL, the time from
// sending POST /messages to the event's arrival on an admin stream (an upper bound of
// commit-to-receipt: the event often arrives before the POST's answer), and the event
// rate with 8 concurrent posters.
func BenchmarkCommitToStream(b *testing.B) {
	s := newTestServer(b)
	user, admin := s.newActor(b, auth.RoleUser), s.newActor(b, auth.RoleAdmin)
	order := user.placeOrder(b)

	arrived := make(chan time.Time, 1<<16)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	connected := make(chan struct{}, 1)
	consumer := &eventstream.Consumer{
		URL: s.URL + "/api/admin/sse", Token: func(context.Context) (string, error) { return admin.token, nil },
		HTTPClient: &http.Client{}, OnConnect: func(int64) { connected <- struct{}{} },
	}
	go consumer.Run(ctx, func(eventstream.Event) error { arrived <- time.Now(); return nil })
	<-connected
	body, plain := s.poster(b, user, order)

	b.Run("latency", func(b *testing.B) {
		latencies := make([]time.Duration, 0, b.N)
		for b.Loop() {
			sent := time.Now()
			resp, err := plain.CreateMessageWithResponse(ctx, body)
			if err != nil || resp.StatusCode() != http.StatusCreated {
				b.Fatalf("post: %v %v", err, resp)
			}
			latencies = append(latencies, (<-arrived).Sub(sent))
		}
		slices.Sort(latencies)
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds()), "p99-µs")
	})
	b.Run("throughput-8-posters", func(b *testing.B) {
		start := time.Now()
		postConcurrently(ctx, b, plain, body, b.N)
		for range b.N {
			<-arrived
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
}

// BenchmarkReplay measures an admin stream that resumes 10,000 events back (issue 16's
// replay target): from the request to the last replayed event, over loopback. The frames
// are only framed, not decoded, as make bench reads them: the figure is the server's.
func BenchmarkReplay(b *testing.B) {
	const missed = 10000
	s := newTestServer(b)
	user, admin := s.newActor(b, auth.RoleUser), s.newActor(b, auth.RoleAdmin)
	body, plain := s.poster(b, user, user.placeOrder(b))
	postConcurrently(context.Background(), b, plain, body, missed)
	newest := admin.feed(b, nil, 0).next // the feed asked for the present starts at the newest event
	errDone := errors.New("replayed")
	// An admin per replay: a principal's open streams and stream starts are limited.
	readers := make([]*actor, b.N)
	for i := range readers {
		readers[i] = s.newActor(b, auth.RoleAdmin)
	}
	url := s.URL + "/api/admin/sse?last_event_id=" + strconv.FormatInt(newest-missed, 10)
	last := strconv.FormatInt(newest, 10)
	b.ResetTimer()
	for _, reader := range readers {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+reader.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("open the stream: %v %v", err, resp)
		}
		got := 0
		err = eventstream.Parse(resp.Body, func(f eventstream.Frame) error {
			if f.Data != "" {
				if got++; f.ID == last {
					return errDone
				}
			}
			return nil
		}, nil)
		resp.Body.Close()
		if got != missed || err != errDone {
			b.Fatalf("replayed %d of %d events: %v", got, missed, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/replay")
}

// poster is a client that posts body (a text message to order's thread) as user.
func (s *testServer) poster(b *testing.B, user *actor, order apiclient.Order) (apiclient.CreateMessageRequest, *apiclient.ClientWithResponses) {
	text := "benchmark message"
	plain, err := apiclient.NewClientWithResponses(s.URL+apiBase, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+user.token)
		return nil
	}))
	if err != nil {
		b.Fatal(err)
	}
	return apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text}, plain
}

// postConcurrently posts body n times from 8 concurrent posters.
func postConcurrently(ctx context.Context, b *testing.B, plain *apiclient.ClientWithResponses, body apiclient.CreateMessageRequest, n int) {
	var wg sync.WaitGroup
	work := make(chan struct{}, n)
	for range n {
		work <- struct{}{}
	}
	close(work)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				if resp, err := plain.CreateMessageWithResponse(ctx, body); err != nil || resp.StatusCode() != http.StatusCreated {
					b.Errorf("post: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
