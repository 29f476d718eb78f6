package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"orderchat/gen/api"
	"orderchat/internal/auth"
	"orderchat/internal/events"
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
	return nil, s.stream(ctx, p, events.Audience{Admin: true}, req.Params.LastEventID, req.Params.LastEventId)
}

// StreamUserEvents serves a user's own events; {user_id} is the token's sub or email.
func (s *Server) StreamUserEvents(ctx context.Context, req api.StreamUserEventsRequestObject) (api.StreamUserEventsResponseObject, error) {
	p := principalFrom(ctx)
	if req.UserId != p.Subject.String() && (p.Email == "" || req.UserId != p.Email) {
		return nil, statusProblem(http.StatusForbidden, "this stream belongs to another user")
	}
	return nil, s.stream(ctx, p, events.Audience{UserID: p.Subject}, req.Params.LastEventID, req.Params.LastEventId)
}

// stream serves an SSE stream on the request's own connection; once the stream has
// started, its end is not an error of the request.
func (s *Server) stream(ctx context.Context, p auth.Principal, a events.Audience, header, query *string) error {
	c := ctx.(*gin.Context)
	resume := header
	if resume == nil {
		resume = query
	}
	var lastEventID *int64
	if resume != nil {
		id, err := parseLastEventID(*resume)
		if err != nil {
			return err
		}
		lastEventID = &id
	}
	var extra http.Header
	if cookie := streamCookieFrom(ctx); cookie != nil { // the stream was opened with a ticket
		extra = http.Header{"Set-Cookie": {cookie.String()}}
	}
	err := s.hub.Serve(c.Request.Context(), c.Writer, events.StreamRequest{
		Principal: p.Subject, Audience: a, LastEventID: lastEventID, ExpiresAt: p.ExpiresAt, Header: extra,
	})
	switch {
	case errors.Is(err, events.ErrTooManyStreams):
		c.Header("Retry-After", "5")
		return statusProblem(http.StatusTooManyRequests, "too many open streams for this principal; close one first")
	case errors.Is(err, events.ErrShuttingDown):
		return statusProblem(http.StatusServiceUnavailable, "the server is shutting down; reconnect to another instance")
	case err != nil && !c.Writer.Written():
		return err
	}
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
