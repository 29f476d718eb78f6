package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// previewRunes is how much of the last message a thread preview shows.
const previewRunes = 200

// Thread is a thread with what the caller's side has to go on: its newest message, how
// many messages of the other side it has not read, and where its read marker is.
type Thread struct {
	db.Thread
	LastMessage       *MessagePreview // nil: no message yet
	UnreadCount       int
	LastReadMessageID *uuid.UUID
}

// MessagePreview is the start of a thread's newest message.
type MessagePreview struct {
	ID        uuid.UUID
	Owner     Side
	Content   string // its first previewRunes characters
	HasMedia  bool
	CreatedAt time.Time
}

// ThreadFilter narrows ListThreads.
type ThreadFilter struct {
	OrderID  *uuid.UUID // only the thread of this order
	IsActive *bool      // only open (true) or closed (false) threads
}

// GetThread returns one thread the caller may see, with the caller's unread count.
func (s *Service) GetThread(ctx context.Context, p auth.Principal, id uuid.UUID) (Thread, error) {
	t, err := s.visibleThread(ctx, p, id)
	if err != nil {
		return Thread{}, err
	}
	views, err := s.threadViews(ctx, p, []db.Thread{t})
	if err != nil {
		return Thread{}, err
	}
	return views[0], nil
}

// ListThreads pages the caller's threads (admins: all, the inbox), newest activity first.
func (s *Service) ListThreads(ctx context.Context, p auth.Principal, f ThreadFilter, pr PageRequest) (Page[Thread], error) {
	if f.OrderID != nil {
		return s.threadOfOrder(ctx, p, *f.OrderID, f.IsActive)
	}
	key := firstTimeKey
	if err := decodeCursor(pr.Cursor, &key); err != nil {
		return Page[Thread]{}, err
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
		return Page[Thread]{}, fmt.Errorf("list threads: %w", err)
	}
	page := paginate(rows, limit, func(t db.Thread) db.Thread { return t },
		func(t db.Thread) any { return timeKey{At: t.UpdatedAt, ID: t.ThreadID} })
	views, err := s.threadViews(ctx, p, page.Items)
	return Page[Thread]{Items: views, Next: page.Next}, err
}

// threadOfOrder is the lookup of an order's thread (openapi.yaml: listThreads with
// order_id): a page of zero or one thread.
func (s *Service) threadOfOrder(ctx context.Context, p auth.Principal, orderID uuid.UUID, isActive *bool) (Page[Thread], error) {
	t, err := s.q.GetThreadByOrder(ctx, orderID)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && (!canSee(p, t.UserID) || (isActive != nil && t.IsActive != *isActive))) {
		return Page[Thread]{Items: []Thread{}}, nil
	}
	if err != nil {
		return Page[Thread]{}, fmt.Errorf("load thread of order %s: %w", orderID, err)
	}
	views, err := s.threadViews(ctx, p, []db.Thread{t})
	return Page[Thread]{Items: views}, err
}

// CloseThread lets an admin close a thread. Closing a closed thread changes nothing and
// emits nothing; the first close emits threads.closed.
func (s *Service) CloseThread(ctx context.Context, p auth.Principal, id uuid.UUID) (Thread, error) {
	if !p.IsAdmin() {
		return Thread{}, forbidden("only admins close threads")
	}
	now := dbNow()
	meta, err := s.meta.ThreadClosed(ThreadClosed{ClosedAt: now})
	if err != nil {
		return Thread{}, err
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
		return Thread{}, err
	}
	return s.GetThread(ctx, p, id)
}

// MarkThreadRead moves the caller's side's read marker forward to messageID. Moving it
// emits threads.read, which reaches the customer's stream when an admin read. In the same
// statement, moved or not, the caller's notifications of this thread's messages up to
// messageID become read (a colleague may have moved the admin side's marker first).
func (s *Service) MarkThreadRead(ctx context.Context, p auth.Principal, threadID, messageID uuid.UUID) (Thread, error) {
	t, err := s.visibleThread(ctx, p, threadID)
	if err != nil {
		return Thread{}, err
	}
	msg, err := s.q.GetMessage(ctx, messageID)
	if err != nil || msg.ThreadID != threadID {
		return Thread{}, &Error{Kind: NotFound, Reason: "not-found", Field: "message_id", Detail: "no such message in this thread"}
	}
	now := dbNow()
	meta, err := s.meta.ThreadRead(ThreadRead{Reader: side(p), MessageID: messageID, ReadAt: now})
	if err != nil {
		return Thread{}, err
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
		return Thread{}, fmt.Errorf("advance read marker: %w", err)
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
func (s *Service) threadViews(ctx context.Context, p auth.Principal, threads []db.Thread) ([]Thread, error) {
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
	out := make([]Thread, len(threads))
	for i, t := range threads {
		sum := summaries[t.ThreadID]
		out[i] = Thread{Thread: t, UnreadCount: int(sum.UnreadCount), LastReadMessageID: sum.LastReadMessageID}
		if sum.LastMessageID != nil {
			out[i].LastMessage = &MessagePreview{
				ID: *sum.LastMessageID, Owner: Side(*sum.LastMessageOwner),
				Content:  truncateRunes(*sum.LastMessageContent, previewRunes),
				HasMedia: sum.LastMessageMediaType != nil, CreatedAt: *sum.LastMessageCreatedAt,
			}
		}
	}
	return out, nil
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
