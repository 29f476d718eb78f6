package eventlog

import (
	"context"
	"time"
)

// Prune deletes the events older than retention (ORDERCHAT_EVENT_RETENTION). It records
// the highest id deleted, so that a resume from before it gets stream.reset, and the
// feed 410 events-expired, instead of a silent gap.
func (l *Log) Prune(ctx context.Context, retention time.Duration) error {
	pruned, err := l.q.PruneEvents(ctx, time.Now().Add(-retention))
	if err != nil {
		return err
	}
	if pruned > 0 {
		l.opt.Logger.Info("pruned events past retention", "retention", retention)
	}
	return nil
}
