package chat

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// Notification is an event of the log as one recipient sees it: with their read state.
type Notification struct {
	Event  db.Event
	IsRead bool
}

// NotificationPage is a page of notifications plus the caller's total unread count.
type NotificationPage struct {
	Page[Notification]
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
	page := paginate(rows, limit, notificationOf, func(r db.ListAdminNotificationsRow) any { return idKey{ID: r.ID} })
	return NotificationPage{Page: page, Unread: int(unread)}, nil
}

// SetNotificationRead marks one of the caller's notifications read or unread.
func (s *Service) SetNotificationRead(ctx context.Context, p auth.Principal, id int64, isRead bool) (Notification, error) {
	row, err := s.notification(ctx, p, id)
	if err != nil {
		return Notification{}, err
	}
	if err := s.q.SetNotificationRead(ctx, db.SetNotificationReadParams{PrincipalID: p.Subject, EventID: id, IsRead: isRead}); err != nil {
		return Notification{}, fmt.Errorf("mark notification %d: %w", id, err)
	}
	row.IsRead = isRead
	return notificationOf(row), nil
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

func notificationOf(r db.ListAdminNotificationsRow) Notification {
	return Notification{IsRead: r.IsRead, Event: db.Event{
		ID: r.ID, Resource: r.Resource, ResourceType: r.ResourceType, OrderID: r.OrderID, ThreadID: r.ThreadID,
		UserID: r.UserID, UserVisible: r.UserVisible, ActorID: r.ActorID, Meta: r.Meta, CreatedAt: r.CreatedAt,
	}}
}
