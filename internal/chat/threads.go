package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/api"
	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// previewRunes is how much of the last message a thread preview shows.
const previewRunes = 200

// ThreadFilter narrows ListThreads.
type ThreadFilter struct {
	OrderID  *uuid.UUID // only the thread of this order
	IsActive *bool      // only open (true) or closed (false) threads
}

// GetThread returns one thread the caller may see, with the caller's unread count.
func (s *Service) GetThread(ctx context.Context, p auth.Principal, id uuid.UUID) (api.Thread, error) {
	t, err := s.visibleThread(ctx, p, id)
	if err != nil {
		return api.Thread{}, err
	}
	views, err := s.threadViews(ctx, p, []db.Thread{t})
	if err != nil {
		return api.Thread{}, err
	}
	return views[0], nil
}

// ListThreads pages the caller's threads (admins: all, the inbox), newest activity first.
func (s *Service) ListThreads(ctx context.Context, p auth.Principal, f ThreadFilter, pr PageRequest) (Page[api.Thread], error) {
	if f.OrderID != nil {
		return s.threadOfOrder(ctx, p, *f.OrderID, f.IsActive)
	}
	key := firstTimeKey
	if err := decodeCursor(pr.Cursor, &key); err != nil {
		return Page[api.Thread]{}, err
	}
	limit := pr.limit()
	var rows []db.Thread
	var err error
	if p.IsAdmin() {
		rows, err = s.q.ListThreads(ctx, db.ListThreadsParams{IsActive: f.IsActive, BeforeUpdatedAt: key.At, BeforeThreadID: key.ID, RowLimit: int32(limit + 1)})
	} else {
		rows, err = s.q.ListUserThreads(ctx, db.ListUserThreadsParams{UserID: p.Subject, IsActive: f.IsActive, BeforeUpdatedAt: key.At, BeforeThreadID: key.ID, RowLimit: int32(limit + 1)})
	}
	if err != nil {
		return Page[api.Thread]{}, fmt.Errorf("list threads: %w", err)
	}
	page := paginate(rows, limit, func(t db.Thread) db.Thread { return t },
		func(t db.Thread) any { return timeKey{At: t.UpdatedAt, ID: t.ThreadID} })
	views, err := s.threadViews(ctx, p, page.Items)
	return Page[api.Thread]{Items: views, Next: page.Next}, err
}

// threadOfOrder is the SRS's lookup: a page of zero or one thread.
func (s *Service) threadOfOrder(ctx context.Context, p auth.Principal, orderID uuid.UUID, isActive *bool) (Page[api.Thread], error) {
	t, err := s.q.GetThreadByOrder(ctx, orderID)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && (!canSee(p, t.UserID) || (isActive != nil && t.IsActive != *isActive))) {
		return Page[api.Thread]{Items: []api.Thread{}}, nil
	}
	if err != nil {
		return Page[api.Thread]{}, fmt.Errorf("load thread of order %s: %w", orderID, err)
	}
	views, err := s.threadViews(ctx, p, []db.Thread{t})
	return Page[api.Thread]{Items: views}, err
}

// CloseThread lets an admin close a thread. Closing a closed thread changes nothing and
// emits nothing; the first close emits threads.closed.
func (s *Service) CloseThread(ctx context.Context, p auth.Principal, id uuid.UUID) (api.Thread, error) {
	if !p.IsAdmin() {
		return api.Thread{}, forbidden("only admins close threads")
	}
	now := dbNow()
	meta, err := encodeMeta(api.ThreadClosedMeta{ClosedAt: now})
	if err != nil {
		return api.Thread{}, err
	}
	_, err = s.q.CloseThread(ctx, db.CloseThreadParams{ClosedAt: now, ThreadID: id, ActorID: p.Subject, Meta: meta})
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = s.q.GetThread(ctx, id) // already closed (fine) or unknown (404)
		err = noRowsOrNil(err, "thread")
	} else if err != nil {
		err = fmt.Errorf("close thread %s: %w", id, err)
	} else {
		s.log.Published()
	}
	if err != nil {
		return api.Thread{}, err
	}
	return s.GetThread(ctx, p, id)
}

// MarkThreadRead moves the caller's side's read marker forward to messageID. Moving it
// emits threads.read, which reaches the customer's stream when an admin read. In the same
// statement, moved or not, the caller's notifications of this thread's messages up to
// messageID become read (a colleague may have moved the admin side's marker first).
func (s *Service) MarkThreadRead(ctx context.Context, p auth.Principal, threadID, messageID uuid.UUID) (api.Thread, error) {
	t, err := s.visibleThread(ctx, p, threadID)
	if err != nil {
		return api.Thread{}, err
	}
	msg, err := s.q.GetMessage(ctx, messageID)
	if err != nil || msg.ThreadID != threadID {
		return api.Thread{}, &Error{Kind: NotFound, Reason: "not-found", Field: "message_id", Detail: "no such message in this thread"}
	}
	now := dbNow()
	meta, err := encodeMeta(api.ThreadReadMeta{Reader: side(p), MessageId: messageID, ReadAt: now})
	if err != nil {
		return api.Thread{}, err
	}
	_, err = s.q.AdvanceReadMarker(ctx, db.AdvanceReadMarkerParams{
		ThreadID: threadID, Side: string(side(p)), Seq: msg.Seq, MessageID: messageID, ReadAt: now,
		OrderID: t.OrderID, CustomerID: t.UserID, UserVisible: p.IsAdmin(), ActorID: p.Subject, Meta: meta,
	})
	// No row: the marker was already at or past this message and did not move (the
	// caller's notifications were still marked read).
	if err == nil {
		s.log.Published()
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return api.Thread{}, fmt.Errorf("advance read marker: %w", err)
	}
	return s.GetThread(ctx, p, threadID)
}

// visibleThread loads a thread the caller may see; others' threads are "not found".
func (s *Service) visibleThread(ctx context.Context, p auth.Principal, id uuid.UUID) (db.Thread, error) {
	t, err := s.q.GetThread(ctx, id)
	if err != nil {
		return db.Thread{}, noRows(err, "thread")
	}
	if !canSee(p, t.UserID) {
		return db.Thread{}, notFound("thread")
	}
	return t, nil
}

// threadViews adds to each thread its last message and the caller's unread count.
func (s *Service) threadViews(ctx context.Context, p auth.Principal, threads []db.Thread) ([]api.Thread, error) {
	ids := make([]uuid.UUID, len(threads))
	for i, t := range threads {
		ids[i] = t.ThreadID
	}
	rows, err := s.q.ThreadSummaries(ctx, db.ThreadSummariesParams{Side: string(side(p)), ThreadIds: ids})
	if err != nil {
		return nil, fmt.Errorf("summarize threads: %w", err)
	}
	summaries := make(map[uuid.UUID]db.ThreadSummariesRow, len(rows))
	for _, r := range rows {
		summaries[r.ThreadID] = r
	}
	out := make([]api.Thread, len(threads))
	for i, t := range threads {
		sum := summaries[t.ThreadID]
		out[i] = api.Thread{
			ThreadId: t.ThreadID, OrderId: t.OrderID, UserId: t.UserID, IsActive: t.IsActive,
			CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), ClosedAt: utcPtr(t.ClosedAt),
			UnreadCount: int(sum.UnreadCount), LastReadMessageId: sum.LastReadMessageID,
		}
		if sum.LastMessageID != nil {
			out[i].LastMessage = &api.MessagePreview{
				MessageId: *sum.LastMessageID, Owner: api.Owner(*sum.LastMessageOwner),
				MessageContent: truncateRunes(*sum.LastMessageContent, previewRunes),
				HasMedia:       sum.LastMessageMediaType != nil, CreatedAt: sum.LastMessageCreatedAt.UTC(),
			}
		}
	}
	return out, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

func noRowsOrNil(err error, what string) error {
	if err == nil {
		return nil
	}
	return noRows(err, what)
}
