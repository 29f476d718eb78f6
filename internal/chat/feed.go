package chat

import (
	"context"
	"time"

	"orderchat/gen/db"
	"orderchat/internal/auth"
	"orderchat/internal/eventlog"
)

// FeedRequest is a page of the event feed (openapi.yaml: listEvents). After nil starts
// at the present; Limit nil is DefaultLimit.
type FeedRequest struct {
	After *int64
	Limit *int
	Wait  time.Duration
}

// EventPage is a page of the event feed: log rows, oldest first.
type EventPage struct {
	Items   []db.Event
	Next    int64
	HasMore bool
}

// ListEvents pages the events p may see, exactly those p's stream carries: admins every
// event, users the user-visible events of their own orders (README: "Live events").
// An After whose successors were pruned is eventlog.ErrExpired.
func (s *Service) ListEvents(ctx context.Context, p auth.Principal, r FeedRequest) (EventPage, error) {
	a := eventlog.Audience{UserID: p.Subject}
	if p.IsAdmin() {
		a = eventlog.Audience{Admin: true}
	}
	page, err := s.log.Feed(ctx, eventlog.FeedRequest{Audience: a, After: r.After, Limit: PageRequest{Limit: r.Limit}.limit(), Wait: r.Wait})
	if err != nil {
		return EventPage{}, err
	}
	return EventPage{Items: page.Rows, Next: page.Next, HasMore: page.HasMore}, nil
}
