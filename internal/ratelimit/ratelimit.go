// Package ratelimit keeps one token bucket (golang.org/x/time/rate) per principal for
// each limited action, so that one client cannot flood messages or stream reconnects.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// Limiter limits an action per principal: Rate per second, with bursts of Burst.
// A zero Rate disables it.
type Limiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[uuid.UUID]*bucket
	swept   time.Time
}

type bucket struct {
	limiter  *rate.Limiter
	lastSeen time.Time
}

// New returns a limiter of perSecond actions per principal with bursts of burst.
func New(perSecond float64, burst int) *Limiter {
	return &Limiter{rate: rate.Limit(perSecond), burst: max(burst, 1), buckets: map[uuid.UUID]*bucket{}}
}

// Allow takes one action for principal now. When refused, retryAfter says how long
// until the next one would be allowed.
func (l *Limiter) Allow(principal uuid.UUID) (ok bool, retryAfter time.Duration) {
	if l == nil || l.rate <= 0 {
		return true, 0
	}
	now := time.Now()
	l.mu.Lock()
	b := l.buckets[principal]
	if b == nil {
		b = &bucket{limiter: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[principal] = b
	}
	b.lastSeen = now
	l.sweep(now)
	l.mu.Unlock()

	r := b.limiter.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return false, delay
	}
	return true, 0
}

// sweep forgets principals idle long enough for their bucket to be full again, so the
// map does not grow with every principal ever seen.
func (l *Limiter) sweep(now time.Time) {
	idle := time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)) + time.Minute
	if now.Sub(l.swept) < idle {
		return
	}
	for id, b := range l.buckets {
		if now.Sub(b.lastSeen) > idle {
			delete(l.buckets, id)
		}
	}
	l.swept = now
}

// RetryAfterSeconds rounds a wait up to the whole seconds of a Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
