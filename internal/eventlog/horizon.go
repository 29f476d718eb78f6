package eventlog

import (
	"slices"
	"time"
)

// Event writers commit concurrently, so ids can become visible out of order: id 7 may
// commit after id 8, or never (rolled back). The log is therefore read only up to
// a settled id, one below which nothing can appear any more. A horizon is taken in the
// database (event_log_horizon): the newest id drawn so far, then the transactions
// running. Every id up to it was drawn by a transaction that had already ended or is
// in that list, so once none of the listed transactions is running, the ids up to it
// are settled.
type horizon struct {
	upTo     int64
	inFlight []int64 // 32-bit xids
	takenAt  time.Time
}

// maxPending bounds the horizons waiting to settle. When it is reached the newest is
// replaced: a later horizon settles everything an earlier one would, only later.
const maxPending = 64

// settler holds the horizons that have not settled yet, oldest first.
type settler struct {
	pending []horizon
}

// settle adds h and returns the highest id now settled: that of the newest pending
// horizon none of whose transactions is in running, a list of transactions in progress
// taken after h, and when that horizon was taken. ok is false when none has settled.
func (s *settler) settle(h horizon, running []int64) (upTo int64, takenAt time.Time, ok bool) {
	if len(s.pending) == maxPending {
		s.pending[maxPending-1] = h
	} else {
		s.pending = append(s.pending, h)
	}
	settled := -1
	for i, p := range s.pending {
		if !slices.ContainsFunc(p.inFlight, func(xid int64) bool { return slices.Contains(running, xid) }) {
			settled = i
		}
	}
	if settled < 0 {
		return 0, time.Time{}, false
	}
	upTo, takenAt = s.pending[settled].upTo, s.pending[settled].takenAt
	s.pending = slices.Delete(s.pending, 0, settled+1)
	return upTo, takenAt, true
}

// waitingSince is when the oldest unsettled horizon was taken (zero when none waits).
func (s *settler) waitingSince() time.Time {
	if len(s.pending) == 0 {
		return time.Time{}
	}
	return s.pending[0].takenAt
}
