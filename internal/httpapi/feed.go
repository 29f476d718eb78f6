package httpapi

import (
	"context"
	"net/http"

	"orderchat/gen/api"
)

// ListEvents: TEMPORARY until the feed lands in this session.
func (s *Server) ListEvents(ctx context.Context, req api.ListEventsRequestObject) (api.ListEventsResponseObject, error) {
	return nil, statusProblem(http.StatusServiceUnavailable, "not yet")
}
