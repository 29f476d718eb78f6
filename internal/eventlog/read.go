package eventlog

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// Audience says which events a reader may see (README: "Live events (SSE)").
type Audience struct {
	Admin  bool      // every event
	UserID uuid.UUID // otherwise: this customer's user-visible events
}

var (
	// ErrExpired refuses a position after which events were pruned (retention).
	ErrExpired = errors.New("the events after this position are no longer retained")
	// ErrUnknownPosition refuses a position beyond the newest event: not one of this log's.
	ErrUnknownPosition = errors.New("the position is not an event of this log")
)

// Replay calls fn for each event after `after` and up to upTo that a may see, in id
// order. Before calling fn it refuses a position that cannot be resumed gaplessly:
// ErrExpired or ErrUnknownPosition.
func (l *Log) Replay(ctx context.Context, a Audience, after, upTo int64, fn func(db.Event) error) error {
	pruned, err := l.q.PrunedUpTo(ctx)
	if err != nil {
		return fmt.Errorf("read retention state: %w", err)
	}
	newest, err := l.q.NewestEventID(ctx)
	if err != nil {
		return fmt.Errorf("read the newest event: %w", err)
	}
	switch {
	case after < pruned:
		return ErrExpired
	case after > newest:
		return ErrUnknownPosition
	}
	// The next batch is read while fn handles this one: a replay of 10,000 events waited
	// for ten reads one after another (issue 16, BenchmarkReplay).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan readResult, 1)
	go func() {
		defer close(batches)
		for after < upTo {
			rows, err := l.read(ctx, a, after, upTo, batch)
			select {
			case batches <- readResult{rows, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(rows) < batch {
				return
			}
			after = rows[len(rows)-1].ID
		}
	}()
	for b := range batches {
		if b.err != nil {
			return fmt.Errorf("replay: %w", b.err)
		}
		for _, row := range b.rows {
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return nil
}

type readResult struct {
	rows []db.Event
	err  error
}

// read returns up to limit events after `after` and up to upTo that a may see, in id order.
func (l *Log) read(ctx context.Context, a Audience, after, upTo int64, limit int) ([]db.Event, error) {
	var rows []db.Event
	var err error
	if a.Admin {
		rows, err = l.q.ListEvents(ctx, db.ListEventsParams{AfterID: after, UpToID: upTo, RowLimit: int32(limit)})
	} else {
		rows, err = l.q.ListUserEvents(ctx, db.ListUserEventsParams{UserID: a.UserID, AfterID: after, UpToID: upTo, RowLimit: int32(limit)})
	}
	if err != nil {
		return nil, fmt.Errorf("read events after %d: %w", after, err)
	}
	return rows, nil
}
