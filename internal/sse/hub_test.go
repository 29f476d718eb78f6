package sse

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"orderchat/gen/db"
	"orderchat/internal/eventlog"
)

// tomorrow is an expiry the tests' streams never reach.
var tomorrow = time.Now().Add(24 * time.Hour)

// messageOf is a messages.new row of id for user's order.
func messageOf(id int64, user uuid.UUID, text string) db.Event {
	row := messageRow(text)
	row.ID, row.UserID = id, &user
	return row
}

// testHub is a hub that is never run; its epoll set is released when the test ends.
func testHub(t *testing.T, opt Options) *Hub {
	h := newHub(nil, opt)
	t.Cleanup(h.departures.close)
	return h
}

// receive waits for n events on s.
func receive(t *testing.T, s *subscriber, n int) []event {
	t.Helper()
	var got []event
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case <-s.ready:
			queued, overflow, _, _ := s.take()
			if overflow {
				t.Fatal("the subscriber overflowed")
			}
			got = append(got, queued...)
		case <-deadline:
			t.Fatalf("received %d events, want %d", len(got), n)
		}
	}
	return got
}

// TestAStreamGoesLiveWhereTheLogWasHandedUpTo: a subscriber's liveFrom is the position
// of the last Follow (rolled-back ids included), and it is queued exactly what comes after.
func TestAStreamGoesLiveWhereTheLogWasHandedUpTo(t *testing.T) {
	h := testHub(t, Options{})
	user := uuid.New()
	h.Follow(nil, 5)
	sub, liveFrom, err := h.subscribe(user, eventlog.Audience{UserID: user}, tomorrow)
	if err != nil || liveFrom != 5 {
		t.Fatalf("liveFrom %d (%v), want 5", liveFrom, err)
	}
	h.Follow([]db.Event{messageOf(6, user, "a"), messageOf(7, uuid.New(), "not hers"), messageOf(8, user, "b")}, 10)
	if got := receive(t, sub, 2); got[0].id != 6 || got[1].id != 8 {
		t.Fatalf("queued %d, %d; want 6, 8", got[0].id, got[1].id)
	}
	if _, liveFrom, _ := h.subscribe(user, eventlog.Audience{UserID: user}, tomorrow); liveFrom != 10 {
		t.Fatalf("the next stream goes live from %d, want 10", liveFrom)
	}
}

// TestASlowSubscriberIsCutOffAndOthersKeepReceiving: a subscriber that never reads
// overflows its byte budget and is removed; the others get every event.
func TestASlowSubscriberIsCutOffAndOthersKeepReceiving(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := testHub(t, Options{QueueBytes: 4 << 10, Registerer: reg})
	user := uuid.New()
	slow, _, _ := h.subscribe(uuid.New(), eventlog.Audience{Admin: true}, tomorrow)
	healthy, _, _ := h.subscribe(user, eventlog.Audience{UserID: user}, tomorrow)

	var got []event
	for i := range 60 {
		h.Follow([]db.Event{messageOf(int64(i+1), user, strings.Repeat("x", 200)+fmt.Sprint(i))}, int64(i+1))
		got = append(got, receive(t, healthy, 1)...)
	}
	if len(got) != 60 {
		t.Fatalf("the healthy subscriber got %d of 60", len(got))
	}
	if _, overflow, _, _ := slow.take(); !overflow {
		t.Fatal("the slow subscriber did not overflow")
	}
	h.mu.Lock()
	_, stillThere := h.admins[slow]
	h.mu.Unlock()
	if stillThere {
		t.Fatal("the slow subscriber is still registered")
	}
	if n := testutil.ToFloat64(h.metrics.dropped.WithLabelValues("slow")); n != 1 {
		t.Fatalf("dropped counter %v, want 1", n)
	}
}

func TestStreamsPerPrincipalAreLimited(t *testing.T) {
	h := testHub(t, Options{MaxPerUser: 2})
	p := uuid.New()
	a, _, err1 := h.subscribe(p, eventlog.Audience{UserID: p}, tomorrow)
	_, _, err2 := h.subscribe(p, eventlog.Audience{UserID: p}, tomorrow)
	_, _, err3 := h.subscribe(p, eventlog.Audience{UserID: p}, tomorrow)
	if err1 != nil || err2 != nil || err3 != ErrTooManyStreams {
		t.Fatalf("errors %v %v %v, want nil nil ErrTooManyStreams", err1, err2, err3)
	}
	h.unsubscribe(a)
	h.unsubscribe(a)
	if _, _, err := h.subscribe(p, eventlog.Audience{UserID: p}, tomorrow); err != nil {
		t.Fatalf("after closing one: %v", err)
	}
}

// TestTheSweepEndsOnlyTheStreamsWhoseCredentialExpired: streams hold no expiry timer;
// the heartbeat sweep marks a subscriber expired once its credential is, and no other.
func TestTheSweepEndsOnlyTheStreamsWhoseCredentialExpired(t *testing.T) {
	h := testHub(t, Options{Heartbeat: 160 * time.Millisecond})
	user := uuid.New()
	expiring, _, _ := h.subscribe(user, eventlog.Audience{UserID: user}, time.Now().Add(50*time.Millisecond))
	valid, _, _ := h.subscribe(uuid.New(), eventlog.Audience{Admin: true}, tomorrow)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.beat(ctx)
	deadline := time.After(5 * time.Second)
	for expired := false; !expired; {
		select {
		case <-expiring.ready:
			_, _, _, expired = expiring.take()
		case <-deadline:
			t.Fatal("the sweep did not end a stream whose credential expired")
		}
	}
	if _, _, _, expired := valid.take(); expired {
		t.Fatal("the sweep ended a stream whose credential is valid")
	}
}

// TestATickBeatsOneSliceAndTheSweepComesEverySecond: with a one-second heartbeat, each
// tick beats a tenth of the streams (one at a time would hold back live events, issue 16),
// and only a sweep tick ends a stream whose credential expired.
func TestATickBeatsOneSliceAndTheSweepComesEverySecond(t *testing.T) {
	h := testHub(t, Options{Heartbeat: time.Second})
	if len(h.slices) != 10 {
		t.Fatalf("%d slices for a 1 s heartbeat, want 10 (one per %v)", len(h.slices), beatTick)
	}
	var streams []*subscriber
	for range 30 {
		user := uuid.New()
		s, _, _ := h.subscribe(user, eventlog.Audience{UserID: user}, tomorrow)
		streams = append(streams, s)
	}
	user := uuid.New()
	expired, _, _ := h.subscribe(user, eventlog.Audience{UserID: user}, time.Now().Add(-time.Second))

	h.tick(3, false)
	beaten := 0
	for _, s := range streams {
		if _, _, heartbeat, _ := s.take(); heartbeat {
			beaten++
			if s.slice != 3 {
				t.Fatalf("tick 3 beat a stream of slice %d", s.slice)
			}
		}
	}
	if beaten != 3 {
		t.Fatalf("tick 3 beat %d of 30 streams, want 3", beaten)
	}
	if _, _, _, ended := expired.take(); ended {
		t.Fatal("a tick without the sweep ended a stream")
	}
	h.tick(4, true)
	if _, _, _, ended := expired.take(); !ended {
		t.Fatal("the sweep did not end the stream whose credential expired")
	}
}
