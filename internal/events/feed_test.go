package events

import (
	"testing"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
)

// TestPollsWakeOnlyTheAudiencesThatMaySeeTheEvent: a waiting feed request of one user is
// not woken by another customer's event (thousands of them would each reread the log
// for nothing), and released waits leave nothing behind.
func TestPollsWakeOnlyTheAudiencesThatMaySeeTheEvent(t *testing.T) {
	h := &Hub{lastID: 7, metrics: newMetrics(prometheus.NewRegistry())}
	alice, bob := uuid.New(), uuid.New()
	pos, admin, releaseAdmin := h.polls.await(h, Audience{Admin: true})
	_, a1, releaseA1 := h.polls.await(h, Audience{UserID: alice})
	_, a2, releaseA2 := h.polls.await(h, Audience{UserID: alice})
	_, b, releaseB := h.polls.await(h, Audience{UserID: bob})
	if pos != 7 {
		t.Fatalf("position %d, want the hub's 7", pos)
	}
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}

	h.broadcast(Event{ID: 8, UserID: bob, UserVisible: false, Frame: []byte("x")}) // admin-only
	if !closed(admin) || closed(a1) || closed(b) {
		t.Fatalf("an admin-only event woke admin %v, alice %v, bob %v; want the admins only", closed(admin), closed(a1), closed(b))
	}
	h.broadcast(Event{ID: 9}) // a rolled-back id: nothing to see
	h.broadcast(Event{ID: 10, UserID: alice, UserVisible: true, Frame: []byte("x")})
	if !closed(a1) || !closed(a2) || closed(b) {
		t.Fatalf("alice's event woke alice %v/%v, bob %v; want both of alice's and not bob", closed(a1), closed(a2), closed(b))
	}
	if pos, again, release := h.polls.await(h, Audience{UserID: alice}); pos != 10 || closed(again) {
		t.Fatalf("a new wait starts at %d (want 10), closed %v", pos, closed(again))
	} else {
		release()
	}
	for _, release := range []func(){releaseAdmin, releaseA1, releaseA2, releaseB} {
		release()
	}
	if h.polls.admins != nil || len(h.polls.users) != 0 {
		t.Fatalf("released waits left admins %v, users %v", h.polls.admins, h.polls.users)
	}
}
