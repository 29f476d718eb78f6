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

// Thread is a thread with what the caller has to go on: who the customer is, who handles
// it (admins only), its newest message the caller may see, how many messages of the other
// side the caller has not read, and where the caller's read marker is.
type Thread struct {
	db.Thread
	Customer          Customer
	Assignee          *Person         // nil: nobody, and always for users (assignment is the team's business)
	LastMessage       *MessagePreview // nil: no message yet
	UnreadCount       int
	LastReadMessageID *uuid.UUID
}

// MessagePreview is the start of a thread's newest message.
type MessagePreview struct {
	ID         uuid.UUID
	Owner      Side
	Author     Person
	Visibility Visibility
	Content    string // its first previewRunes characters
	HasMedia   bool
	CreatedAt  time.Time
}

// ThreadFilter narrows ListThreads.
type ThreadFilter struct {
	OrderID  *uuid.UUID      // only the thread of this order
	IsActive *bool           // only open (true) or closed (false) threads
	Assignee *AssigneeFilter // admins only: only their threads, or the unassigned ones
}

// AssigneeFilter narrows the inbox by assignment (openapi.yaml: listThreads, assignee).
type AssigneeFilter string

const (
	AssignedToMe     AssigneeFilter = "me"
	AssignedToNobody AssigneeFilter = "nobody"
)

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
	var assignee *uuid.UUID
	if f.Assignee != nil {
		switch {
		case !p.IsAdmin():
			return Page[Thread]{}, &Error{Kind: Forbidden, Reason: "forbidden", Field: "assignee", Detail: "assignment is for admins"}
		case *f.Assignee == AssignedToMe:
			assignee = &p.Subject
		case *f.Assignee != AssignedToNobody:
			return Page[Thread]{}, invalid("assignee", "must be %s or %s", AssignedToMe, AssignedToNobody)
		}
	}
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
		rows, err = s.q.ListThreads(ctx, db.ListThreadsParams{
			IsActive: f.IsActive, AssigneeID: assignee, Unassigned: f.Assignee != nil && *f.Assignee == AssignedToNobody,
			BeforeUpdatedAt: key.At, BeforeThreadID: key.ID, RowLimit: int32(limit + 1),
		})
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

// MarkThreadRead moves the caller's read marker forward to messageID: a user's is their
// side's; an admin's is their own, and the admins' side marker (the customer's "seen")
// follows it to the newest message the customer can see at or before it. Moving a side's
// marker emits threads.read, which reaches the customer's stream when an admin read. In the
// same statement, moved or not, the caller's notifications of this thread's messages up to
// messageID become read (a colleague may have moved the admin side's marker first).
func (s *Service) MarkThreadRead(ctx context.Context, p auth.Principal, threadID, messageID uuid.UUID) (Thread, error) {
	t, err := s.visibleThread(ctx, p, threadID)
	if err != nil {
		return Thread{}, err
	}
	msg, err := s.q.GetMessage(ctx, messageID)
	if err != nil || msg.ThreadID != threadID || !canSeeMessage(p, Visibility(msg.Visibility)) {
		return Thread{}, &Error{Kind: NotFound, Reason: "not-found", Field: "message_id", Detail: "no such message in this thread"}
	}
	now := dbNow()
	params := db.AdvanceReadMarkerParams{
		ThreadID: threadID, Side: string(side(p)), ReadSeq: msg.Seq, ReadAt: now,
		OrderID: t.OrderID, CustomerID: t.UserID, UserVisible: p.IsAdmin(), ActorID: p.Subject,
	}
	sideMark, sideSeq := &messageID, &msg.Seq
	if p.IsAdmin() {
		params.OwnSeq, params.OwnMessageID = &msg.Seq, &messageID
		public, err := s.q.NewestPublicMessage(ctx, db.NewestPublicMessageParams{ThreadID: threadID, Seq: msg.Seq})
		switch {
		case errors.Is(err, pgx.ErrNoRows): // only notes so far: the customer has nothing to see as read
			sideMark, sideSeq = nil, nil
		case err != nil:
			return Thread{}, fmt.Errorf("find the newest public message: %w", err)
		default:
			sideMark, sideSeq = &public.MessageID, &public.Seq
		}
	}
	params.MessageID, params.Seq = sideMark, sideSeq
	if sideMark != nil {
		if params.Meta, err = s.meta.ThreadRead(ThreadRead{Reader: side(p), ReadBy: personOf(p), MessageID: *sideMark, ReadAt: now}); err != nil {
			return Thread{}, err
		}
	}
	_, err = s.q.AdvanceReadMarker(ctx, params)
	// No row: the side's marker was already at or past this message and did not move (the
	// caller's own marker and notifications still moved).
	if err == nil {
		s.log.Published()
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return Thread{}, fmt.Errorf("advance read marker: %w", err)
	}
	return s.GetThread(ctx, p, threadID)
}

// AssignThread makes assignee (nil: nobody) the admin handling a thread, and appends
// threads.assigned in the same transaction. Assigning a thread to its current assignee
// changes nothing and emits nothing.
func (s *Service) AssignThread(ctx context.Context, p auth.Principal, threadID uuid.UUID, assignee *uuid.UUID) (Thread, error) {
	if !p.IsAdmin() {
		return Thread{}, forbidden("only admins assign threads")
	}
	changed := false
	err := s.inTx(ctx, func(_ pgx.Tx, q *db.Queries) error {
		t, err := q.LockThread(ctx, threadID)
		if err != nil {
			return noRows(err, "thread")
		}
		if sameID(t.AssigneeID, assignee) {
			return nil
		}
		ids := []uuid.UUID{}
		for _, id := range []*uuid.UUID{t.AssigneeID, assignee} {
			if id != nil {
				ids = append(ids, *id)
			}
		}
		people, err := s.principals(ctx, ids)
		if err != nil {
			return err
		}
		event := ThreadAssigned{By: personOf(p), AssignedAt: dbNow()}
		if assignee != nil {
			r, ok := people[*assignee]
			if !ok || Side(r.Role) != AdminSide {
				return invalid("assignee_id", "%s is not an admin of this team (GET /admins)", *assignee)
			}
			person := personFromRow(r)
			event.Assignee = &person
		}
		if t.AssigneeID != nil {
			previous := personIn(*t.AssigneeID, AdminSide, people)
			event.Previous = &previous
		}
		meta, err := s.meta.ThreadAssigned(event)
		if err != nil {
			return err
		}
		if _, err := q.AssignThread(ctx, db.AssignThreadParams{AssigneeID: assignee, ThreadID: threadID, ActorID: p.Subject, Meta: meta}); err != nil {
			return fmt.Errorf("assign thread %s: %w", threadID, err)
		}
		changed = true
		return nil
	})
	if err != nil {
		return Thread{}, err
	}
	if changed {
		s.log.Published()
	}
	return s.GetThread(ctx, p, threadID)
}

func sameID(a, b *uuid.UUID) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
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

// threadViews adds to each thread its customer, its assignee (for admins), its last
// message the caller may see, and the caller's unread count and read marker.
func (s *Service) threadViews(ctx context.Context, p auth.Principal, threads []db.Thread) ([]Thread, error) {
	ids := make([]uuid.UUID, len(threads))
	for i, t := range threads {
		ids[i] = t.ThreadID
	}
	rows, err := s.q.ThreadSummaries(ctx, db.ThreadSummariesParams{
		Side: string(side(p)), WithNotes: p.IsAdmin(), ReaderID: p.Subject, ThreadIds: ids,
	})
	if err != nil {
		return nil, fmt.Errorf("summarize threads: %w", err)
	}
	summaries := make(map[uuid.UUID]db.ThreadSummariesRow, len(rows))
	var named []uuid.UUID
	for _, r := range rows {
		summaries[r.ThreadID] = r
		if r.LastMessageAuthorID != nil {
			named = append(named, *r.LastMessageAuthorID)
		}
	}
	for _, t := range threads {
		named = append(named, t.UserID)
		if t.AssigneeID != nil {
			named = append(named, *t.AssigneeID)
		}
	}
	people, err := s.principals(ctx, named)
	if err != nil {
		return nil, err
	}
	out := make([]Thread, len(threads))
	for i, t := range threads {
		sum := summaries[t.ThreadID]
		out[i] = Thread{Thread: t, Customer: customerOf(t.UserID, people), UnreadCount: int(sum.UnreadCount), LastReadMessageID: sum.SideLastReadMessageID}
		if p.IsAdmin() {
			out[i].LastReadMessageID = sum.OwnLastReadMessageID
			if t.AssigneeID != nil {
				assignee := personIn(*t.AssigneeID, AdminSide, people)
				out[i].Assignee = &assignee
			}
		}
		if sum.LastMessageID != nil {
			owner := Side(*sum.LastMessageOwner)
			out[i].LastMessage = &MessagePreview{
				ID: *sum.LastMessageID, Owner: owner, Author: personIn(*sum.LastMessageAuthorID, owner, people),
				Visibility: Visibility(*sum.LastMessageVisibility),
				Content:    truncateRunes(*sum.LastMessageContent, previewRunes),
				HasMedia:   sum.LastMessageMediaType != nil, CreatedAt: *sum.LastMessageCreatedAt,
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
