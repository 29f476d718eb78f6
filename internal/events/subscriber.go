package events

import (
	"sync"

	"github.com/google/uuid"
)

// Audience says which events a subscriber may see.
type Audience struct {
	Admin  bool      // every event
	UserID uuid.UUID // otherwise: this customer's visible events
}

// Subscriber is one open stream's queue of live events. The hub appends without ever
// blocking; when the queue would pass its byte budget the subscriber is cut off instead
// (it reconnects with Last-Event-ID and loses nothing).
type Subscriber struct {
	audience  Audience
	principal uuid.UUID
	budget    int
	closed    bool // unsubscribed; guarded by the hub's lock
	slice     int  // which heartbeat slice beats this stream

	mu        sync.Mutex
	queue     []Event
	bytes     int
	overflow  bool
	heartbeat bool // the hub asked for a keep-alive

	ready chan struct{} // signalled (capacity 1) when frames arrive or on overflow
}

func newSubscriber(a Audience, budget int) *Subscriber {
	return &Subscriber{audience: a, budget: budget, ready: make(chan struct{}, 1)}
}

// push queues an event; false means the subscriber overflowed and must be dropped.
func (s *Subscriber) push(e Event) bool {
	s.mu.Lock()
	if !s.overflow {
		if s.bytes+len(e.Frame) > s.budget {
			s.overflow, s.queue, s.bytes = true, nil, 0
		} else {
			s.queue = append(s.queue, e)
			s.bytes += len(e.Frame)
		}
	}
	ok := !s.overflow
	s.mu.Unlock()
	s.signal()
	return ok
}

func (s *Subscriber) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// beat asks for a keep-alive; one hub ticker beats every stream, so that idle streams
// hold no timer of their own.
func (s *Subscriber) beat() {
	s.mu.Lock()
	s.heartbeat = true
	s.mu.Unlock()
	s.signal()
}

// take hands over everything queued; overflow reports that events were lost, and
// heartbeat that a keep-alive is due.
func (s *Subscriber) take() (queued []Event, overflow, heartbeat bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	queued, s.queue, s.bytes = s.queue, nil, 0
	heartbeat, s.heartbeat = s.heartbeat, false
	return queued, s.overflow, heartbeat
}
