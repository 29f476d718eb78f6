package httpapi

import (
	"context"
	"net/http"
	"slices"
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
	text := "benchmark message"
	body := apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text}
	plain, err := apiclient.NewClientWithResponses(s.URL+apiBase, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+user.token)
		return nil
	}))
	if err != nil {
		b.Fatal(err)
	}

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
		var wg sync.WaitGroup
		work := make(chan struct{}, b.N)
		for range b.N {
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
		for range b.N {
			<-arrived
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
}
