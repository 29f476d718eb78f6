package eventlog

import (
	"cmp"
	"slices"
	"time"

	"orderchat/gen/db"
)

// Committed tells the log that this process committed row, exactly as stored. The reader
// hands it on without reading the log once every smaller id is handed on: ids are drawn
// before commit and never reused, so a committed row that follows the position directly
// is settled, the rule catchUp applies to what it reads. Reading the log for each commit
// instead cost a fifth of the server's CPU at 1,000 messages a second (issue 16;
// docs/adr/0011-hand-over-own-commits.md). Rows of other instances, and rows this process
// does not hand over (Published), are read as before.
func (l *Log) Committed(row db.Event) {
	l.handedMu.Lock()
	full := len(l.handed) >= batch // the reader is away (reconnecting): it will read the log
	if !full {
		l.handed = append(l.handed, row)
	}
	l.handedMu.Unlock()
	if full {
		l.readSoon()
	} else {
		l.nudge()
	}
	l.tellPeers()
}

// takeHanded hands on the handed rows that follow the position directly, in id order,
// drops those a read of the log handed on already, and keeps the rest, noting since when
// they wait for the missing id (gapRecheck reads the log if no hand-over brings it).
func (l *Log) takeHanded() {
	l.handedMu.Lock()
	l.early = append(l.early, l.handed...)
	l.handed = l.handed[:0]
	l.handedMu.Unlock()
	if len(l.early) == 0 {
		return
	}
	slices.SortFunc(l.early, func(a, b db.Event) int { return cmp.Compare(a.ID, b.ID) })
	start := 0
	for start < len(l.early) && l.early[start].ID <= l.position {
		start++
	}
	n, position := start, l.position
	for n < len(l.early) && l.early[n].ID == position+1 {
		position = l.early[n].ID
		n++
	}
	if n > start {
		ready := l.early[start:n]
		for _, f := range l.followers {
			f.Follow(ready, position)
		}
		l.advance(ready, position)
		if l.gap.id != 0 && position >= l.gap.id { // a hand-over filled the gap a read found
			l.gap, l.settler = gap{}, settler{}
		}
	}
	// The rows handed on stay untouched for the followers: the rest moves to a new array.
	l.early = append([]db.Event(nil), l.early[n:]...)
	switch {
	case len(l.early) == 0:
		l.early, l.earlyGap = nil, gap{}
	case l.earlyGap.id != l.position+1:
		l.earlyGap = gap{id: l.position + 1, since: time.Now()}
	}
}
