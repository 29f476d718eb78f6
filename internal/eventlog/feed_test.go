package eventlog

import (
	"testing"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/gen/db"
)

// TestPollsWakeOnlyTheAudiencesThatMaySeeTheEvent: a waiting feed request of one user is
// not woken by another customer's event (thousands of them would each reread the log
// for nothing), and released waits leave nothing behind.
func TestPollsWakeOnlyTheAudiencesThatMaySeeTheEvent(t *testing.T) {
	l := &Log{position: 7, metrics: newMetrics(prometheus.NewRegistry())}
	alice, bob := uuid.New(), uuid.New()
	pos, admin, releaseAdmin := l.polls.await(l, Audience{Admin: true})
	_, a1, releaseA1 := l.polls.await(l, Audience{UserID: alice})
	_, a2, releaseA2 := l.polls.await(l, Audience{UserID: alice})
	_, b, releaseB := l.polls.await(l, Audience{UserID: bob})
	if pos != 7 {
		t.Fatalf("position %d, want the log's 7", pos)
	}
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}

	l.advance([]db.Event{{ID: 8, UserID: &bob, UserVisible: false}}, 8) // admin-only
	if !closed(admin) || closed(a1) || closed(b) {
		t.Fatalf("an admin-only event woke admin %v, alice %v, bob %v; want the admins only", closed(admin), closed(a1), closed(b))
	}
	l.advance(nil, 9) // a rolled-back id: nothing to see
	l.advance([]db.Event{{ID: 10, UserID: &alice, UserVisible: true}}, 10)
	if !closed(a1) || !closed(a2) || closed(b) {
		t.Fatalf("alice's event woke alice %v/%v, bob %v; want both of alice's and not bob", closed(a1), closed(a2), closed(b))
	}
	if pos, again, release := l.polls.await(l, Audience{UserID: alice}); pos != 10 || closed(again) {
		t.Fatalf("a new wait starts at %d (want 10), closed %v", pos, closed(again))
	} else {
		release()
	}
	for _, release := range []func(){releaseAdmin, releaseA1, releaseA2, releaseB} {
		release()
	}
	if l.polls.admins != nil || len(l.polls.users) != 0 {
		t.Fatalf("released waits left admins %v, users %v", l.polls.admins, l.polls.users)
	}
}
