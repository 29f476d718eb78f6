package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"orderchat/gen/api"
	"orderchat/internal/chat"
	"orderchat/internal/eventlog"
)

// ListEvents serves the event feed: the streams' events as pages (openapi.yaml: listEvents).
func (s *Server) ListEvents(ctx context.Context, req api.ListEventsRequestObject) (api.ListEventsResponseObject, error) {
	var wait time.Duration
	if req.Params.Wait != nil {
		wait = time.Duration(*req.Params.Wait) * time.Second
	}
	page, err := s.chat.ListEvents(ctx, principalFrom(ctx), chat.FeedRequest{After: req.Params.After, Limit: req.Params.Limit, Wait: wait})
	if errors.Is(err, eventlog.ErrExpired) {
		return nil, statusProblem(http.StatusGone, fmt.Sprintf("events after %d are no longer retained; refetch state and omit after to continue from the present", *req.Params.After))
	}
	if err != nil {
		return nil, err
	}
	items, err := eachOrError(page.Items, toEvent)
	if err != nil {
		return nil, err
	}
	// EventList.Items keeps each Event's own MarshalJSON (the union), unlike a response
	// type defined on the union itself (notificationResponse).
	return api.ListEvents200JSONResponse{Items: items, NextCursor: page.Next, HasMore: page.HasMore}, nil
}
