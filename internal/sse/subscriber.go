package sse

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"orderchat/internal/eventlog"
)

// subscriber is one open stream's queue of live events. The hub appends without ever
// blocking; when the queue would pass its byte budget the subscriber is cut off instead
// (it reconnects with Last-Event-ID and loses nothing).
type subscriber struct {
	audience  eventlog.Audience
	principal uuid.UUID
	budget    int
	closed    bool      // unsubscribed; guarded by the hub's lock
	slice     int       // which heartbeat slice beats this stream
	expiresAt time.Time // when the stream's credential expires: the hub's sweep ends it then

	mu        sync.Mutex
	queue     []event
	bytes     int
	overflow  bool
	heartbeat bool // the hub asked for a keep-alive
	expired   bool // the hub found the credential expired

	ready chan struct{} // signalled (capacity 1) when frames arrive, on overflow, a beat or expiry
}

func newSubscriber(a eventlog.Audience, budget int, expiresAt time.Time) *subscriber {
	return &subscriber{audience: a, budget: budget, expiresAt: expiresAt, ready: make(chan struct{}, 1)}
}

// push queues an event; false means the subscriber overflowed and must be dropped.
func (s *subscriber) push(e event) bool {
	s.mu.Lock()
	if !s.overflow {
		if s.bytes+len(e.frame) > s.budget {
			s.overflow, s.queue, s.bytes = true, nil, 0
		} else {
			s.queue = append(s.queue, e)
			s.bytes += len(e.frame)
		}
	}
	ok := !s.overflow
	s.mu.Unlock()
	s.signal()
	return ok
}

func (s *subscriber) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// beat asks for a keep-alive; one hub ticker beats every stream, so that idle streams
// hold no timer of their own.
func (s *subscriber) beat() {
	s.mu.Lock()
	s.heartbeat = true
	s.mu.Unlock()
	s.signal()
}

// expire tells the stream that its credential expired, from the hub's sweep: a timer
// per stream would put 10,000 timers in the runtime's heap, which it scans whenever a
// timer moves earlier (net/http does that after every request with a body).
func (s *subscriber) expire() {
	s.mu.Lock()
	s.expired = true
	s.mu.Unlock()
	s.signal()
}

// take hands over everything queued; overflow reports that events were lost, heartbeat
// that a keep-alive is due, and expired that the stream must end after these.
func (s *subscriber) take() (queued []event, overflow, heartbeat, expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	queued, s.queue, s.bytes = s.queue, nil, 0
	heartbeat, s.heartbeat = s.heartbeat, false
	return queued, s.overflow, heartbeat, s.expired
}
