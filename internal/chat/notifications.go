package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/oapi-codegen/runtime"

	"orderchat/gen/api"
	"orderchat/gen/db"
	"orderchat/internal/auth"
	"orderchat/internal/eventlog"
)

// NotificationPage is a page of notifications plus the caller's total unread count.
type NotificationPage struct {
	Page[api.Notification]
	Unread int
}

// idKey positions a page in a newest-first listing of events.
type idKey struct {
	ID int64 `json:"id"`
}

// ListNotifications pages the events addressed to the caller, newest first, with read state.
func (s *Service) ListNotifications(ctx context.Context, p auth.Principal, unreadOnly bool, pr PageRequest) (NotificationPage, error) {
	key := idKey{ID: math.MaxInt64}
	if err := decodeCursor(pr.Cursor, &key); err != nil {
		return NotificationPage{}, err
	}
	limit := pr.limit()
	var rows []db.ListAdminNotificationsRow
	var unread int32
	var err error
	if p.IsAdmin() {
		rows, err = s.q.ListAdminNotifications(ctx, db.ListAdminNotificationsParams{PrincipalID: p.Subject, BeforeID: key.ID, UnreadOnly: unreadOnly, RowLimit: int32(limit + 1)})
		if err == nil {
			unread, err = s.q.CountAdminUnread(ctx, db.CountAdminUnreadParams{PrincipalID: p.Subject, UpTo: math.MaxInt64})
		}
	} else {
		var rs []db.ListUserNotificationsRow
		rs, err = s.q.ListUserNotifications(ctx, db.ListUserNotificationsParams{PrincipalID: p.Subject, BeforeID: key.ID, UnreadOnly: unreadOnly, RowLimit: int32(limit + 1)})
		for _, r := range rs {
			rows = append(rows, db.ListAdminNotificationsRow(r))
		}
		if err == nil {
			unread, err = s.q.CountUserUnread(ctx, db.CountUserUnreadParams{PrincipalID: p.Subject, UpTo: math.MaxInt64})
		}
	}
	if err != nil {
		return NotificationPage{}, fmt.Errorf("list notifications: %w", err)
	}
	var convErr error
	page := paginate(rows, limit, func(r db.ListAdminNotificationsRow) api.Notification {
		n, err := toNotification(r)
		convErr = errors.Join(convErr, err)
		return n
	}, func(r db.ListAdminNotificationsRow) any { return idKey{ID: r.ID} })
	if convErr != nil {
		return NotificationPage{}, convErr
	}
	return NotificationPage{Page: page, Unread: int(unread)}, nil
}

// SetNotificationRead marks one of the caller's notifications read or unread.
func (s *Service) SetNotificationRead(ctx context.Context, p auth.Principal, id int64, isRead bool) (api.Notification, error) {
	row, err := s.notification(ctx, p, id)
	if err != nil {
		return api.Notification{}, err
	}
	if err := s.q.SetNotificationRead(ctx, db.SetNotificationReadParams{PrincipalID: p.Subject, EventID: id, IsRead: isRead}); err != nil {
		return api.Notification{}, fmt.Errorf("mark notification %d: %w", id, err)
	}
	row.IsRead = isRead
	return toNotification(row)
}

// MarkAllNotificationsRead marks the caller's notifications read, up to the newest event
// committed so far once every smaller id has settled, and says how many were unread. Not
// simply up to the newest committed id: an event with a smaller id may still commit after
// it (ids are drawn before commit), and that one must stay unread.
func (s *Service) MarkAllNotificationsRead(ctx context.Context, p auth.Principal) (int, error) {
	newest, err := s.q.NewestEventID(ctx)
	if err != nil {
		return 0, fmt.Errorf("read newest event: %w", err)
	}
	upTo := min(newest, s.log.Settled(ctx, newest))
	var unread int32
	err = s.inTx(ctx, func(tx pgx.Tx, q *db.Queries) error {
		var err error
		if p.IsAdmin() {
			unread, err = q.CountAdminUnread(ctx, db.CountAdminUnreadParams{PrincipalID: p.Subject, UpTo: upTo})
		} else {
			unread, err = q.CountUserUnread(ctx, db.CountUserUnreadParams{PrincipalID: p.Subject, UpTo: upTo})
		}
		if err != nil {
			return fmt.Errorf("count unread: %w", err)
		}
		return q.RaiseReadWatermark(ctx, db.RaiseReadWatermarkParams{PrincipalID: p.Subject, UpTo: upTo})
	})
	return int(unread), err
}

// notification is the log row of one of the caller's notifications.
func (s *Service) notification(ctx context.Context, p auth.Principal, id int64) (db.ListAdminNotificationsRow, error) {
	if p.IsAdmin() {
		row, err := s.q.GetAdminNotification(ctx, db.GetAdminNotificationParams{PrincipalID: p.Subject, ID: id})
		return db.ListAdminNotificationsRow(row), noRowsOrNil(err, "notification")
	}
	row, err := s.q.GetUserNotification(ctx, db.GetUserNotificationParams{PrincipalID: p.Subject, ID: id})
	return db.ListAdminNotificationsRow(row), noRowsOrNil(err, "notification")
}

// toNotification is a log row as its recipient sees it: the Event, with read state.
func toNotification(r db.ListAdminNotificationsRow) (api.Notification, error) {
	data, err := eventlog.Marshal(db.Event{
		ID: r.ID, Resource: r.Resource, ResourceType: r.ResourceType, OrderID: r.OrderID, ThreadID: r.ThreadID,
		Meta: r.Meta, CreatedAt: r.CreatedAt,
	})
	if err == nil {
		// Each member of the Notification union is its event type plus ReadState.
		readState, _ := json.Marshal(api.ReadState{IsRead: r.IsRead}) // a bool always marshals
		data, err = runtime.JSONMerge(data, readState)
	}
	var n api.Notification
	if err == nil {
		err = n.UnmarshalJSON(data)
	}
	if err != nil {
		return api.Notification{}, fmt.Errorf("notification: %w", err)
	}
	return n, nil
}
