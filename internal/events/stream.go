package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// StreamRequest is one authenticated client asking for a stream.
type StreamRequest struct {
	Principal   uuid.UUID
	Audience    Audience
	LastEventID *int64      // resume after this id (nil: live only)
	ExpiresAt   time.Time   // the credential's expiry: the stream ends then
	Header      http.Header // more headers of the 200 response (a Set-Cookie, say)
}

// errDropped ends a stream whose queue overflowed.
var errDropped = errors.New("the stream fell behind and was cut off")

// Serve starts an SSE stream on w, which lasts until the client leaves, the credential
// expires, the subscriber falls behind, or the hub shuts down. It returns
// ErrTooManyStreams before writing anything when the principal has too many streams open.
//
// On HTTP/1.1 the connection is taken over from net/http once the replay is written: the
// request's goroutine, its stack and net/http's buffers are released, and a small
// goroutine of the hub carries the live part. That is what keeps an idle stream to a
// few KiB. Where the connection cannot be taken over (HTTP/2), Serve streams in place.
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
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-cache, no-store")
	header.Set("X-Accel-Buffering", "no")
	for name, values := range req.Header {
		header[name] = append(header[name], values...)
	}

	s := &stream{hub: h}
	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil { // HTTP/2: stream through net/http in this goroutine
		defer h.Unsubscribe(sub)
		_ = rc.SetReadDeadline(time.Time{}) // streams outlive the read timeout
		s.out, s.flush, s.deadline = w, rc.Flush, rc.SetWriteDeadline
		w.WriteHeader(http.StatusOK)
		if err := s.open(ctx, req, liveFrom); err != nil {
			return err
		}
		return s.live(ctx, sub, req.ExpiresAt)
	}

	// The body is delimited by closing the connection, so no chunked framing is needed.
	_ = conn.SetReadDeadline(time.Time{})
	s.out, s.flush, s.deadline = conn, func() error { return nil }, conn.SetWriteDeadline
	head := bytes.NewBufferString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache, no-store\r\n" +
		"X-Accel-Buffering: no\r\nConnection: close\r\n")
	_ = req.Header.Write(head) // never fails on a buffer; turns any newline in a value into a space
	head.WriteString("\r\n")
	err = s.write(head.Bytes())
	if err == nil {
		err = s.open(ctx, req, liveFrom)
	}
	if err != nil { // the client left during the head or the replay
		conn.Close()
		h.Unsubscribe(sub)
		return nil // the response has started; there is nothing more to tell the client
	}
	clientLeft, leave := context.WithCancel(context.Background())
	h.watch(conn, leave)
	h.live.Add(1)
	go func() {
		defer h.live.Done()
		defer h.Unsubscribe(sub)
		defer conn.Close()
		defer h.unwatch(conn)
		_ = s.live(clientLeft, sub, req.ExpiresAt)
	}()
	return nil
}

// open writes the `retry:`, what the client missed, and then the position the stream
// goes live from as a bare `id:` (no data: it moves EventSource's lastEventId without
// firing an event), so that a reconnect resumes from there even when no event came yet.
func (s *stream) open(ctx context.Context, req StreamRequest, liveFrom int64) error {
	if err := s.write([]byte("retry: " + strconv.FormatInt(s.hub.opt.Retry.Milliseconds(), 10) + "\n\n")); err != nil {
		return err
	}
	s.last = liveFrom
	if req.LastEventID != nil {
		if err := s.resume(ctx, req.Audience, *req.LastEventID, liveFrom); err != nil {
			return err
		}
	}
	return s.write([]byte("id: " + strconv.FormatInt(s.last, 10) + "\n\n"))
}

// ErrShuttingDown refuses new streams while the server drains.
var ErrShuttingDown = errors.New("the server is shutting down")

type stream struct {
	hub        *Hub
	out        io.Writer
	flush      func() error
	deadline   func(time.Time) error
	deadlineAt time.Time // the write deadline in force
	last       int64     // the newest event id written: nothing at or below it is written again
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
		// Go on live from the hub's position: events that commit later, even with
		// smaller ids than the newest, still reach the client after its refetch.
		s.last = liveFrom
		return s.write(resetFrame(s.last, reason))
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

// live writes queued events as they arrive, and the hub's heartbeats, until the stream ends.
func (s *stream) live(ctx context.Context, sub *Subscriber, expiresAt time.Time) error {
	expiry := time.NewTimer(time.Until(expiresAt))
	defer expiry.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.ready:
			queued, overflow, heartbeat := sub.take()
			if overflow {
				return errDropped
			}
			var frames [][]byte // written as they are, shared with the other subscribers
			for _, e := range queued {
				// Another instance may have served this client events this hub had
				// not read yet: never repeat an id.
				if e.ID > s.last {
					frames = append(frames, e.Frame)
					s.last = e.ID
				}
			}
			s.hub.metrics.delivered.Add(float64(len(frames)))
			if len(frames) == 0 && heartbeat {
				frames = append(frames, heartbeatFrame)
			}
			if len(frames) > 0 {
				if err := s.write(frames...); err != nil {
					return err
				}
			}
		case <-expiry.C:
			_ = s.write(tokenExpiredFrame(s.last, expiresAt))
			return nil
		case <-s.hub.shutdown:
			// Spread the reconnects of a rolling deploy over a few seconds.
			retry := s.hub.opt.Retry + rand.N(3*s.hub.opt.Retry)
			_ = s.write([]byte("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n\n"))
			return nil
		}
	}
}

// write sends frames (in one writev on a taken-over connection) and flushes them within
// the write timeout. The deadline is moved only when half of it is used up: every move
// reshuffles the runtime's timer heap, which with thousands of streams costs more than
// the write itself.
func (s *stream) write(frames ...[]byte) error {
	if now := time.Now(); s.deadlineAt.Sub(now) < s.hub.opt.WriteTimeout/2 {
		s.deadlineAt = now.Add(s.hub.opt.WriteTimeout)
		_ = s.deadline(s.deadlineAt)
	}
	buffers := net.Buffers(frames)
	if _, err := buffers.WriteTo(s.out); err != nil {
		s.hub.metrics.dropped.WithLabelValues("write").Inc()
		return err
	}
	if err := s.flush(); err != nil {
		s.hub.metrics.dropped.WithLabelValues("write").Inc()
		return err
	}
	return nil
}

// heartbeatFrame is an SSE comment: it keeps proxies from timing the stream out.
var heartbeatFrame = []byte(":\n\n")
