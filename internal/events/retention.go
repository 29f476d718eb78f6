package events

import (
	"context"
	"time"
)

// Maintain prunes events older than retention and sweeps expired tickets every interval,
// until ctx ends. Pruning records the highest id deleted, so a resume from before it
// gets stream.reset instead of a silent gap.
func (h *Hub) Maintain(ctx context.Context, interval, retention time.Duration, tickets *Tickets) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if pruned, err := h.q.PruneEvents(ctx, time.Now().Add(-retention)); err != nil {
			h.opt.Logger.Warn("pruning events failed", "err", err)
		} else if pruned > 0 {
			h.opt.Logger.Info("pruned events past retention", "retention", retention)
		}
		if _, err := tickets.Sweep(ctx); err != nil {
			h.opt.Logger.Warn("sweeping stream tickets failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
