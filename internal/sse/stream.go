package sse

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

	"orderchat/gen/db"
	"orderchat/internal/eventlog"
)

// Request is one authenticated client asking for a stream.
type Request struct {
	Principal   uuid.UUID
	Audience    eventlog.Audience
	LastEventID *int64      // resume after this id (nil: live only)
	ExpiresAt   time.Time   // the credential's expiry: the stream ends then (Hub.beat)
	Header      http.Header // more headers of the 200 response (a Set-Cookie, say)
}

// Stream is one admitted stream: from Open on, its live events queue up while Serve
// writes the head and the replay.
type Stream struct {
	hub      *Hub
	req      Request
	sub      *subscriber
	liveFrom int64 // the hub's position when sub was registered: replay up to it, live after

	out      io.Writer
	flush    func() error
	deadline writeDeadliner // the connection, or net/http's controller of it
	last     int64          // the newest event id written: nothing at or below it is written again
}

// Open admits a stream, or refuses it before anything is written: ErrShuttingDown, or
// ErrTooManyStreams when the principal has too many open. An admitted stream holds its
// principal's slot until Serve ends it, so Serve must follow.
func (h *Hub) Open(req Request) (*Stream, error) {
	select {
	case <-h.shutdown:
		return nil, ErrShuttingDown
	default:
	}
	sub, liveFrom, err := h.subscribe(req.Principal, req.Audience, req.ExpiresAt)
	if err != nil {
		return nil, err
	}
	return &Stream{hub: h, req: req, sub: sub, liveFrom: liveFrom}, nil
}

// Serve writes the stream on w until the client leaves, the credential expires, the
// subscriber falls behind, or the hub shuts down. ctx is the request's; a stream that
// has started has no error to report to it.
//
// On HTTP/1.1 the connection is taken over from net/http once the replay is written: the
// request's goroutine, its stack and net/http's buffers are released, and a small
// goroutine of the hub carries the live part (without ctx, which ends with the request).
// That is what keeps an idle stream to a few KiB. Where the connection cannot be taken
// over (HTTP/2), Serve streams in place.
func (s *Stream) Serve(ctx context.Context, w http.ResponseWriter) {
	h := s.hub
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-cache, no-store")
	header.Set("X-Accel-Buffering", "no")
	for name, values := range s.req.Header {
		header[name] = append(header[name], values...)
	}

	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil { // HTTP/2: stream through net/http in this goroutine
		defer h.unsubscribe(s.sub)
		_ = rc.SetReadDeadline(time.Time{}) // streams outlive the read timeout
		s.out, s.flush, s.deadline = w, rc.Flush, rc
		w.WriteHeader(http.StatusOK)
		if s.open(ctx) == nil {
			s.live(ctx)
		}
		return
	}

	// The body is delimited by closing the connection, so no chunked framing is needed.
	_ = conn.SetReadDeadline(time.Time{})
	s.out, s.flush, s.deadline = conn, func() error { return nil }, conn
	head := bytes.NewBufferString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache, no-store\r\n" +
		"X-Accel-Buffering: no\r\nConnection: close\r\n")
	_ = s.req.Header.Write(head) // never fails on a buffer; turns any newline in a value into a space
	head.WriteString("\r\n")
	err = s.write(head.Bytes())
	if err == nil {
		err = s.open(ctx)
	}
	if err != nil { // the client left during the head or the replay
		conn.Close()
		h.unsubscribe(s.sub)
		return
	}
	clientLeft, leave := context.WithCancel(context.Background())
	h.departures.watch(conn, leave)
	h.live.Add(1)
	go s.carry(conn, clientLeft)
}

// carry is the goroutine of a taken-over stream. It and live keep their frames small
// and defer nothing, so that the goroutine stays within the 2 KiB stack it starts with,
// writes included (a write moves the deadline through seven frames of net and the
// runtime). A stack that grew once stays at 4 KiB, because a parked goroutine never uses
// less than a quarter of it: 4.2 KiB of stack per idle stream before, 2.4 after (issue 16).
func (s *Stream) carry(conn net.Conn, clientLeft context.Context) {
	s.live(clientLeft)
	s.hub.departures.unwatch(conn)
	conn.Close()
	s.hub.unsubscribe(s.sub)
	s.hub.live.Done()
}

// open writes the `retry:`, what the client missed, and then the position the stream
// goes live from as a bare `id:` (no data: it moves EventSource's lastEventId without
// firing an event), so that a reconnect resumes from there even when no event came yet.
func (s *Stream) open(ctx context.Context) error {
	if err := s.write([]byte("retry: " + strconv.FormatInt(s.hub.opt.Retry.Milliseconds(), 10) + "\n\n")); err != nil {
		return err
	}
	s.last = s.liveFrom
	if s.req.LastEventID != nil {
		if err := s.resume(ctx, *s.req.LastEventID); err != nil {
			return err
		}
	}
	return s.write([]byte("id: " + strconv.FormatInt(s.last, 10) + "\n\n"))
}

// resume replays what the client missed, or sends stream.reset when the log cannot.
func (s *Stream) resume(ctx context.Context, after int64) error {
	s.last = after
	var batch []byte
	n := 0
	err := s.hub.log.Replay(ctx, s.req.Audience, after, s.liveFrom, func(row db.Event) error {
		e, err := encode(row)
		if err != nil {
			return err
		}
		n++
		batch = append(batch, e.frame...)
		s.last = e.id
		if len(batch) < 32<<10 {
			return nil
		}
		err = s.write(batch)
		batch = batch[:0]
		return err
	})
	var reason string
	switch {
	case errors.Is(err, eventlog.ErrExpired):
		reason = fmt.Sprintf("last_event_id %d is older than the retained events", after)
	case errors.Is(err, eventlog.ErrUnknownPosition):
		reason = fmt.Sprintf("last_event_id %d is not an event of this log", after)
	}
	if reason != "" {
		s.hub.metrics.resets.Inc()
		// Go on live from the hub's position: events that commit later, even with
		// smaller ids than the newest, still reach the client after its refetch.
		s.last = s.liveFrom
		return s.write(resetFrame(s.last, reason))
	}
	if err == nil && len(batch) > 0 {
		err = s.write(batch)
	}
	s.hub.metrics.replayed.Observe(float64(n))
	s.hub.metrics.delivered.Add(float64(n))
	s.last = max(s.last, s.liveFrom)
	return err
}

// live writes queued events as they arrive, and the hub's heartbeats, until the stream ends.
func (s *Stream) live(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.sub.ready:
			frames, expired, ok := s.queuedFrames()
			if !ok || (len(frames) > 0 && s.write(frames...) != nil) {
				return
			}
			if expired {
				s.expire()
				return
			}
		case <-s.hub.shutdown:
			s.retryLater()
			return
		}
	}
}

// queuedFrames takes what the hub queued for the stream, or a heartbeat, as the frames
// to write, and whether the stream ends after them (its credential expired); false when
// the subscriber was cut off. Not inlined: see carry.
//
//go:noinline
func (s *Stream) queuedFrames() (frames [][]byte, expired, ok bool) {
	queued, overflow, heartbeat, expired := s.sub.take()
	if overflow { // cut off: the client resumes with Last-Event-ID
		return nil, false, false
	}
	for _, e := range queued {
		// Another instance may have served this client events this hub had not read
		// yet: never repeat an id.
		if e.id > s.last {
			frames = append(frames, e.frame) // written as they are, shared with the other subscribers
			s.last = e.id
		}
	}
	s.hub.metrics.delivered.Add(float64(len(frames)))
	if len(frames) == 0 && heartbeat {
		frames = append(frames, heartbeatFrame)
	}
	return frames, expired, true
}

// expire writes the stream's last event: its token expired. Not inlined, like
// retryLater, so that live's frame stays small (see carry).
//
//go:noinline
func (s *Stream) expire() { _ = s.write(tokenExpiredFrame(s.last, s.req.ExpiresAt)) }

// retryLater spreads the reconnects of a rolling deploy over a few seconds.
//
//go:noinline
func (s *Stream) retryLater() {
	retry := s.hub.opt.Retry + rand.N(3*s.hub.opt.Retry)
	_ = s.write([]byte("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n\n"))
}

// writeDeadliner sets a connection's write deadline.
type writeDeadliner interface{ SetWriteDeadline(time.Time) error }

// write sends frames (in one writev on a taken-over connection) and flushes them within
// the write timeout. The deadline is in force only while writing: the runtime's timer
// heap then holds no timer per idle stream, and it scans that heap whenever a timer moves
// earlier (net/http does so after every request with a body: 4% of the server's CPU at
// 1,000 messages/s with 10,000 streams, README "Third pass").
func (s *Stream) write(frames ...[]byte) error {
	_ = s.deadline.SetWriteDeadline(time.Now().Add(s.hub.opt.WriteTimeout))
	buffers := net.Buffers(frames)
	_, err := buffers.WriteTo(s.out)
	if err == nil {
		err = s.flush()
	}
	_ = s.deadline.SetWriteDeadline(time.Time{})
	if err != nil {
		s.hub.metrics.dropped.WithLabelValues("write").Inc()
	}
	return err
}
