package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"orderchat/gen/api"
	"orderchat/internal/auth"
	"orderchat/internal/eventlog"
	"orderchat/internal/sse"
)

func (s *Server) CreateSseTicket(ctx context.Context, _ api.CreateSseTicketRequestObject) (api.CreateSseTicketResponseObject, error) {
	ticket, expires, err := s.tickets.Issue(ctx, principalFrom(ctx))
	if err != nil {
		return nil, err
	}
	return api.CreateSseTicket201JSONResponse{Ticket: ticket, ExpiresAt: expires}, nil
}

func (s *Server) StreamAdminEvents(ctx context.Context, req api.StreamAdminEventsRequestObject) (api.StreamAdminEventsResponseObject, error) {
	p := principalFrom(ctx)
	if !p.IsAdmin() {
		return nil, statusProblem(http.StatusForbidden, "the global stream is for admins; users open /users/sse/notification/{user_id}")
	}
	stream, err := s.openStream(ctx, p, eventlog.Audience{Admin: true}, req.Params.LastEventID, req.Params.LastEventId)
	if err != nil {
		return nil, err
	}
	return stream, nil
}

// StreamUserEvents serves a user's own events; {user_id} is the token's sub or email.
func (s *Server) StreamUserEvents(ctx context.Context, req api.StreamUserEventsRequestObject) (api.StreamUserEventsResponseObject, error) {
	p := principalFrom(ctx)
	if req.UserId != p.Subject.String() && (p.Email == "" || req.UserId != p.Email) {
		return nil, statusProblem(http.StatusForbidden, "this stream belongs to another user")
	}
	stream, err := s.openStream(ctx, p, eventlog.Audience{UserID: p.Subject}, req.Params.LastEventID, req.Params.LastEventId)
	if err != nil {
		return nil, err
	}
	return stream, nil
}

// openStream admits a stream, or refuses it with a problem while nothing is written yet.
// The resume point is the Last-Event-ID header, else the last_event_id parameter.
func (s *Server) openStream(ctx context.Context, p auth.Principal, a eventlog.Audience, header, query *string) (streamResponse, error) {
	resume := header
	if resume == nil {
		resume = query
	}
	var lastEventID *int64
	if resume != nil {
		id, err := parseLastEventID(*resume)
		if err != nil {
			return streamResponse{}, err
		}
		lastEventID = &id
	}
	var extra http.Header
	if cookie := streamCookieFrom(ctx); cookie != nil { // the stream was opened with a ticket
		extra = http.Header{"Set-Cookie": {cookie.String()}}
	}
	stream, err := s.hub.Open(sse.Request{
		Principal: p.Subject, Audience: a, LastEventID: lastEventID, ExpiresAt: p.ExpiresAt, Header: extra,
	})
	switch {
	case errors.Is(err, sse.ErrTooManyStreams):
		tooMany := statusProblem(http.StatusTooManyRequests, "too many open streams for this principal; close one first")
		tooMany.retryAfter = 5
		return streamResponse{}, tooMany
	case errors.Is(err, sse.ErrShuttingDown):
		return streamResponse{}, statusProblem(http.StatusServiceUnavailable, "the server is shutting down; reconnect to another instance")
	case err != nil:
		return streamResponse{}, err
	}
	return streamResponse{ctx: ctx, stream: stream}, nil
}

// streamResponse is the 200 of both stream operations. The generated strict server calls
// Visit before the handler returns, so ctx, the strict handler's (the request's context,
// through ContextWithFallback in router.go), still ends when the client leaves while
// Serve uses it. The stream's end is not an error of the request: the response has started.
type streamResponse struct {
	ctx    context.Context
	stream *sse.Stream
}

func (r streamResponse) VisitStreamAdminEventsResponse(w http.ResponseWriter) error {
	r.stream.Serve(r.ctx, w)
	return nil
}

func (r streamResponse) VisitStreamUserEventsResponse(w http.ResponseWriter) error {
	r.stream.Serve(r.ctx, w)
	return nil
}

// parseLastEventID reads a resume point: a non-negative decimal event id.
func parseLastEventID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 || strings.HasPrefix(s, "+") {
		return 0, fieldProblem("Last-Event-ID", "must be an event id (a decimal integer of at most 19 digits)")
	}
	return id, nil
}
