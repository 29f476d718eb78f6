package events

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// StreamRequest is one authenticated client asking for a stream.
type StreamRequest struct {
	Principal   uuid.UUID
	Audience    Audience
	LastEventID *int64    // resume after this id (nil: live only)
	ExpiresAt   time.Time // the credential's expiry: the stream ends then
}

// errDropped ends a stream whose queue overflowed.
var errDropped = errors.New("the stream fell behind and was cut off")

// Serve writes an SSE stream to w until the client leaves, the credential expires, the
// subscriber falls behind, or the hub shuts down. It returns ErrTooManyStreams before
// writing anything when the principal has too many streams open.
func (h *Hub) Serve(ctx context.Context, w http.ResponseWriter, req StreamRequest) error {
	select {
	case <-h.shutdown:
		return ErrShuttingDown
	default:
	}
	sub, liveFrom, err := h.Subscribe(req.Principal, req.Audience)
	if err != nil {
		return err
	}
	defer h.Unsubscribe(sub)

	s := &stream{hub: h, w: w, rc: http.NewResponseController(w)}
	// Streams outlive the server's read timeout; only per-write deadlines apply.
	_ = s.rc.SetReadDeadline(time.Time{})
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-cache, no-store")
	header.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := s.write([]byte("retry: " + strconv.FormatInt(h.opt.Retry.Milliseconds(), 10) + "\n\n")); err != nil {
		return err
	}
	if req.LastEventID != nil {
		if err := s.resume(ctx, req.Audience, *req.LastEventID, liveFrom); err != nil {
			return err
		}
	} else {
		s.last = liveFrom
	}
	return s.live(ctx, sub, req.ExpiresAt)
}

// ErrShuttingDown refuses new streams while the server drains.
var ErrShuttingDown = errors.New("the server is shutting down")

type stream struct {
	hub  *Hub
	w    http.ResponseWriter
	rc   *http.ResponseController
	last int64 // the newest event id written: nothing at or below it is written again
}

// resume replays what the client missed, or sends stream.reset when it cannot.
func (s *stream) resume(ctx context.Context, a Audience, after, liveFrom int64) error {
	pruned, err := s.hub.q.PrunedUpTo(ctx)
	if err != nil {
		return fmt.Errorf("read retention state: %w", err)
	}
	newest, err := s.hub.q.NewestEventID(ctx)
	if err != nil {
		return fmt.Errorf("read the newest event: %w", err)
	}
	if after < pruned || after > newest {
		s.hub.metrics.resets.Inc()
		reason := fmt.Sprintf("last_event_id %d is older than the retained events", after)
		if after > newest {
			reason = fmt.Sprintf("last_event_id %d is not an event of this log", after)
		}
		// Resume from the newest event: the client refetches state, which includes it.
		s.last = max(liveFrom, newest)
		return s.write(controlFrame(s.last, "stream.reset", map[string]any{"reason": reason}))
	}
	s.last = after
	var batch []byte
	n, err := s.hub.Replay(ctx, a, after, liveFrom, func(e Event) error {
		batch = append(batch, e.Frame...)
		s.last = e.ID
		if len(batch) < 32<<10 {
			return nil
		}
		err := s.write(batch)
		batch = batch[:0]
		return err
	})
	if err == nil && len(batch) > 0 {
		err = s.write(batch)
	}
	s.hub.metrics.replayed.Observe(float64(n))
	s.hub.metrics.delivered.Add(float64(n))
	s.last = max(s.last, liveFrom)
	return err
}

// live writes queued events as they arrive, with heartbeats, until the stream ends.
func (s *stream) live(ctx context.Context, sub *Subscriber, expiresAt time.Time) error {
	heartbeat := time.NewTicker(s.hub.opt.Heartbeat)
	defer heartbeat.Stop()
	expiry := time.NewTimer(time.Until(expiresAt))
	defer expiry.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.ready:
			queued, overflow := sub.take()
			if overflow {
				return errDropped
			}
			var out []byte
			for _, e := range queued {
				// Another instance may have served this client events this hub had
				// not read yet: never repeat an id.
				if e.ID > s.last {
					out = append(out, e.Frame...)
					s.last = e.ID
					s.hub.metrics.delivered.Inc()
				}
			}
			if len(out) > 0 {
				if err := s.write(out); err != nil {
					return err
				}
			}
		case <-heartbeat.C:
			if err := s.write([]byte(":\n\n")); err != nil {
				return err
			}
		case <-expiry.C:
			_ = s.write(controlFrame(s.last, "stream.token_expired", map[string]any{"expired_at": expiresAt.UTC()}))
			return nil
		case <-s.hub.shutdown:
			// Spread the reconnects of a rolling deploy over a few seconds.
			retry := s.hub.opt.Retry + rand.N(3*s.hub.opt.Retry)
			_ = s.write([]byte("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n\n"))
			return nil
		}
	}
}

// write sends b and flushes it within the write timeout.
func (s *stream) write(b []byte) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.hub.opt.WriteTimeout))
	if _, err := s.w.Write(b); err != nil {
		s.hub.metrics.dropped.WithLabelValues("write").Inc()
		return err
	}
	if err := s.rc.Flush(); err != nil {
		s.hub.metrics.dropped.WithLabelValues("write").Inc()
		return err
	}
	return nil
}
