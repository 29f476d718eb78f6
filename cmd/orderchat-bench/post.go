package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"orderchat/gen/apiclient"
)

// poster sends messages at a fixed rate and remembers when each was sent.
type poster struct {
	b     *bench
	base  string
	users int // posts go to the threads of b.users[:users], whose streams are open
	next  atomic.Int64

	mu   sync.Mutex
	sent map[int]sentMessage
	// send delivers message seq to user u (an index below users): a POST to orderchat here,
	// a publish to Mercure in the peer benchmark (peers.go).
	send func(ctx context.Context, seq, u int) error
	// everyUser sends the i-th message of a run to user i (mod users) instead of a random one.
	everyUser bool
}

type sentMessage struct {
	at   time.Time
	user int // index into bench.users: whose stream must receive it
}

func newPoster(b *bench, base string, users int) *poster {
	p := &poster{b: b, base: base, users: users, sent: map[int]sentMessage{}}
	api := b.api(base, b.admin)
	p.send = func(ctx context.Context, seq, u int) error {
		text := "b" + strconv.Itoa(seq)
		resp, err := api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: b.users[u].thread, MessageContent: &text})
		if err == nil && resp.StatusCode() != http.StatusCreated {
			err = fmt.Errorf("create message: %d", resp.StatusCode())
		}
		return err
	}
	return p
}

// postResult summarizes one run of posting.
type postResult struct {
	Sent     int
	Failed   int
	Duration time.Duration
	Latency  []time.Duration // POST round trips
}

// run posts rate messages per second for d, as an admin, each to a random customer's
// thread, from enough workers that a slow answer does not slow the schedule.
func (p *poster) run(ctx context.Context, rate int, d time.Duration) postResult {
	total := int(float64(rate) * d.Seconds())
	jobs := make(chan int, total)
	var mu sync.Mutex
	res := postResult{}
	var wg sync.WaitGroup
	for range 128 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				seq := int(p.next.Add(1))
				u := rand.IntN(p.users)
				if p.everyUser {
					u = i % p.users
				}
				start := time.Now()
				p.mu.Lock()
				p.sent[seq] = sentMessage{at: start, user: u}
				p.mu.Unlock()
				err := p.send(ctx, seq, u)
				took := time.Since(start)
				mu.Lock()
				if err != nil {
					res.Failed++
				} else {
					res.Sent++
					res.Latency = append(res.Latency, took)
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	for i := range total {
		if ctx.Err() != nil {
			break
		}
		if wait := time.Until(start.Add(time.Duration(float64(i) / float64(rate) * float64(time.Second)))); wait > 0 {
			time.Sleep(wait)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	res.Duration = time.Since(start)
	return res
}

func (p *poster) sentAt(seq int) (sentMessage, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.sent[seq]
	return m, ok
}
