package eventlog

import (
	"testing"
	"time"
)

func TestSettlerSettlesOnlyOnceEveryListedTransactionEnded(t *testing.T) {
	var s settler
	at := time.Now()
	steps := []struct {
		h       horizon
		running []int64
		upTo    int64 // 0: nothing settles
	}{
		{horizon{upTo: 10, inFlight: []int64{100, 101}}, []int64{100, 101}, 0},
		// 100 ended, 101 still runs: neither horizon settles; 102 began after the first.
		{horizon{upTo: 12, inFlight: []int64{101, 102}}, []int64{101, 102}, 0},
		// 101 ended: the first horizon settles, the second still waits for 102.
		{horizon{upTo: 13, inFlight: []int64{102}}, []int64{102}, 10},
		// Nothing running: everything up to the newest horizon settles at once.
		{horizon{upTo: 15}, nil, 15},
		// A narrowed list (only event writers) settles a horizon whose other transactions run on.
		{horizon{upTo: 20, inFlight: []int64{200, 201}}, []int64{201}, 0},
		{horizon{upTo: 21, inFlight: []int64{200, 201, 202}}, []int64{200}, 0},
	}
	for i, step := range steps {
		step.h.takenAt = at.Add(time.Duration(i) * time.Millisecond)
		upTo, takenAt, ok := s.settle(step.h, step.running)
		if ok != (step.upTo != 0) || upTo != step.upTo {
			t.Fatalf("step %d: settled %d (%v), want %d", i, upTo, ok, step.upTo)
		}
		if ok && takenAt.After(step.h.takenAt) {
			t.Fatalf("step %d: settled a horizon taken at %v, after the newest", i, takenAt)
		}
	}
	if got := s.waitingSince(); !got.Equal(at.Add(4 * time.Millisecond)) {
		t.Fatalf("waiting since %v, want the horizon of step 4", got)
	}
}

func TestSettlerKeepsAtMostMaxPendingHorizons(t *testing.T) {
	var s settler
	var running []int64 // nothing ever ends
	for i := range 3 * maxPending {
		running = append(running, int64(i))
		if _, _, ok := s.settle(horizon{upTo: int64(i), inFlight: []int64{int64(i)}}, running); ok {
			t.Fatalf("horizon %d settled while its transaction ran", i)
		}
	}
	if len(s.pending) != maxPending {
		t.Fatalf("%d pending horizons, want %d", len(s.pending), maxPending)
	}
	// The oldest are kept (they settle first); the newest replaces the last slot.
	if first, last := s.pending[0].upTo, s.pending[maxPending-1].upTo; first != 0 || last != 3*maxPending-1 {
		t.Fatalf("pending from %d to %d, want 0 to %d", first, last, 3*maxPending-1)
	}
}
