package chat

import (
	"context"
	"fmt"
	"time"

	"orderchat/gen/api"
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

// EventPage is a page of the event feed, oldest first.
type EventPage struct {
	Items   []api.Event
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
	items := make([]api.Event, len(page.Rows))
	for i, row := range page.Rows {
		if items[i], err = toEvent(row); err != nil {
			return EventPage{}, fmt.Errorf("event: %w", err)
		}
	}
	return EventPage{Items: items, Next: page.Next, HasMore: page.HasMore}, nil
}

// toEvent is a log row as an api.Event: the JSON the streams carry, with the whole meta
// (toNotification does the same and adds the read state).
func toEvent(row db.Event) (api.Event, error) {
	var e api.Event
	data, err := eventlog.Marshal(row)
	if err == nil {
		err = e.UnmarshalJSON(data)
	}
	return e, err
}
