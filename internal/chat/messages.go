package chat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
	"orderchat/internal/auth"
	"orderchat/internal/media"
)

// MaxMessageRunes is the longest message text (openapi.yaml: MessageContent).
const MaxMessageRunes = 4000

// Message is a message of a thread, without its attachment's bytes. Seen says whether
// the side that did not write it has read it (never for a note).
type Message struct {
	ID, ThreadID         uuid.UUID
	Owner                Side
	Author               Person
	Visibility           Visibility
	Content              string
	Media                *Media // nil: no attachment
	Seen                 bool
	CreatedAt, UpdatedAt time.Time
}

// Media describes a stored attachment.
type Media struct {
	ContentType string // sniffed from the bytes (media.Sniff)
	Filename    string
	SizeBytes   int64
}

// Visibility says who sees a message (openapi.yaml: MessageVisibility).
type Visibility string

const (
	Public   Visibility = "public"
	Internal Visibility = "internal" // a note of the support team: never shown to the customer
)

func (v Visibility) valid() bool { return v == Public || v == Internal }

// NewMessage is a post to a thread. Owner, when given, must match the caller's side.
// Visibility defaults to Public; only admins post Internal notes.
type NewMessage struct {
	ThreadID   uuid.UUID
	Content    string
	Owner      *Side
	Visibility *Visibility
	MessageID  *uuid.UUID // client-chosen: makes the post idempotent
	Media      *Attachment
}

// Attachment is an uploaded file, already read within media.MaxBytes.
type Attachment struct {
	Filename string
	Data     []byte
}

// PostMessage stores a message, touches the thread and appends messages.new, in one
// transaction. A repeated client message_id returns the stored message with created
// false and changes nothing.
func (s *Service) PostMessage(ctx context.Context, p auth.Principal, m NewMessage) (msg Message, created bool, err error) {
	if m.Owner != nil && !m.Owner.valid() {
		return Message{}, false, invalid("owner", "must be %s or %s", UserSide, AdminSide)
	}
	if m.Owner != nil && *m.Owner != side(p) {
		return Message{}, false, &Error{Kind: Forbidden, Reason: "forbidden", Field: "owner",
			Detail: fmt.Sprintf("owner is taken from the token; you write as %s, not %s", side(p), *m.Owner)}
	}
	visibility := Public
	if m.Visibility != nil {
		visibility = *m.Visibility
	}
	if !visibility.valid() {
		return Message{}, false, invalid("visibility", "must be %s or %s", Public, Internal)
	}
	if visibility == Internal && !p.IsAdmin() {
		return Message{}, false, &Error{Kind: Forbidden, Reason: "forbidden", Field: "visibility",
			Detail: "internal notes are for the support team; customers post public messages"}
	}
	if !utf8.ValidString(m.Content) || utf8.RuneCountInString(m.Content) > MaxMessageRunes {
		return Message{}, false, invalid("message_content", "message_content must be UTF-8 text of at most %d characters", MaxMessageRunes)
	}
	var media *postedMedia
	if m.Media != nil {
		ct, err := checkAttachment(m.Media)
		if err != nil {
			return Message{}, false, err
		}
		media = &postedMedia{ContentType: ct, SizeBytes: int64(len(m.Media.Data)), Filename: m.Media.Filename}
	} else if m.Content == "" {
		return Message{}, false, invalid("message_content", "a message needs text or an attachment")
	}
	id := uuid.New()
	if m.MessageID != nil {
		id = *m.MessageID
		if stored, ok, err := s.storedRetry(ctx, p, m.ThreadID, id); ok || err != nil {
			return stored, false, err
		}
	}

	now := dbNow()
	post := newPost{
		ThreadID: m.ThreadID, AsAdmin: p.IsAdmin(), AuthorID: p.Subject, MessageID: id, Owner: string(side(p)), Visibility: string(visibility),
		MessageContent: m.Content, Media: media, CreatedAt: now, AppendEvent: m.Media == nil,
	}
	author := personOf(p)
	post.Meta, err = s.meta.MessagePosted(MessagePosted{
		MessageID: id, Owner: side(p), Author: author, Visibility: visibility, CreatedAt: now, HasMedia: m.Media != nil, Content: m.Content,
	})
	if err != nil {
		return Message{}, false, err
	}
	var row db.PostMessagesRow
	if m.Media == nil {
		// One statement, with no round trip of its own: the common case of a text message.
		row, err = s.posts.post(ctx, post)
	} else {
		row, err = s.postWithAttachment(ctx, p, post, m.Media.Data)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return s.whyNotPosted(ctx, p, m.ThreadID, id)
	}
	if err != nil {
		return Message{}, false, fmt.Errorf("post message: %w", err)
	}
	if m.Media == nil {
		s.log.Committed(db.Event{
			ID: *row.EventID, Resource: "messages", ResourceType: "messages.new", OrderID: &row.OrderID, ThreadID: &row.ThreadID,
			UserID: &row.CustomerID, UserVisible: visibility == Public, ActorID: &p.Subject, Meta: row.EventMeta, CreatedAt: row.EventCreatedAt,
		})
	} else {
		s.log.Published()
	}
	// A new message is the thread's newest, so the other side has not seen it yet.
	return messageOf(db.ListMessagesRow{
		MessageID: row.MessageID, Seq: row.Seq, ThreadID: row.ThreadID, Owner: row.Owner, AuthorID: row.AuthorID,
		Visibility: row.Visibility, MessageContent: row.MessageContent, MediaContentType: row.MediaContentType,
		MediaSizeBytes: row.MediaSizeBytes, MediaFilename: row.MediaFilename, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt,
		Seen: false, AuthorName: claim(p.Name, maxNameRunes), AuthorEmail: claim(p.Email, maxEmailRunes),
	}), true, nil
}

// postWithAttachment stages the attachment in the current store, then stores the message,
// claims the attachment and appends the event in one transaction; when that fails, the
// staged attachment is discarded (docs/adr/0008-attachments-on-object-storage.md).
func (s *Service) postWithAttachment(ctx context.Context, p auth.Principal, post newPost, data []byte) (row db.PostMessagesRow, err error) {
	store := s.media.Current
	staged, err := store.Stage(ctx, post.MessageID, data)
	if err != nil {
		return row, fmt.Errorf("store the attachment: %w", err)
	}
	defer func() {
		if err != nil {
			staged.Discard(ctx)
		}
	}()
	post.Media.Store, post.Media.Key = store.Name(), staged.Key()
	// The attachment is claimed between the message and its event: readers wait for a
	// transaction once it has appended an event, so not while the store works.
	err = s.inTx(ctx, func(tx pgx.Tx, q *db.Queries) error {
		if row, err = postOne(ctx, q, post); err != nil {
			return err
		}
		if err := staged.Claim(ctx, tx); err != nil {
			return err
		}
		_, err = q.AppendEvent(ctx, db.AppendEventParams{
			Resource: "messages", ResourceType: "messages.new", OrderID: &row.OrderID, ThreadID: &row.ThreadID,
			UserID: &row.CustomerID, UserVisible: post.Visibility == string(Public), ActorID: &p.Subject, Meta: post.Meta,
		})
		return err
	})
	return row, err
}

// whyNotPosted explains a post that stored nothing: the thread is not the caller's to
// see, it is closed, or the message id is taken (a concurrent retry, or someone else's).
func (s *Service) whyNotPosted(ctx context.Context, p auth.Principal, threadID, id uuid.UUID) (Message, bool, error) {
	t, err := s.visibleThread(ctx, p, threadID)
	if err != nil {
		return Message{}, false, err
	}
	if !t.IsActive {
		return Message{}, false, &Error{Kind: Conflict, Reason: "thread-closed", Detail: "the thread is closed; no more messages can be posted"}
	}
	stored, ok, err := s.storedRetry(ctx, p, threadID, id)
	if !ok && err == nil {
		err = errDuplicateID
	}
	return stored, false, err
}

// errDuplicateID is a client message_id already used by someone else or elsewhere.
var errDuplicateID = &Error{Kind: Conflict, Reason: "duplicate-message-id", Field: "message_id",
	Detail: "this message_id is already used; choose a fresh UUID for a new message"}

// storedRetry finds a message stored earlier under id. ok is true when it is the
// caller's own post to this thread (a retry); an id taken otherwise is a conflict.
func (s *Service) storedRetry(ctx context.Context, p auth.Principal, threadID, id uuid.UUID) (Message, bool, error) {
	stored, err := s.q.GetMessageView(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, fmt.Errorf("load message %s: %w", id, err)
	}
	if stored.ThreadID != threadID || stored.AuthorID != p.Subject {
		return Message{}, false, errDuplicateID
	}
	return messageOf(db.ListMessagesRow(stored)), true, nil
}

// ListMessages pages a thread's messages oldest first, without their attachments' bytes.
func (s *Service) ListMessages(ctx context.Context, p auth.Principal, threadID uuid.UUID, pr PageRequest) (Page[Message], error) {
	if _, err := s.visibleThread(ctx, p, threadID); err != nil {
		return Page[Message]{}, err
	}
	var key seqKey
	if err := decodeCursor(pr.Cursor, &key); err != nil {
		return Page[Message]{}, err
	}
	limit := pr.limit()
	rows, err := s.q.ListMessages(ctx, db.ListMessagesParams{ThreadID: threadID, AfterSeq: key.Seq, WithNotes: p.IsAdmin(), RowLimit: int32(limit + 1)})
	if err != nil {
		return Page[Message]{}, fmt.Errorf("list messages of %s: %w", threadID, err)
	}
	return paginate(rows, limit, messageOf, func(r db.ListMessagesRow) any { return seqKey{Seq: r.Seq} }), nil
}

// StoredMedia is an attachment ready to serve; the caller closes Body.
type StoredMedia struct {
	Media
	Body io.ReadCloser
}

// GetMedia opens the attachment of a message the caller may see, in the store its row names.
func (s *Service) GetMedia(ctx context.Context, p auth.Principal, messageID uuid.UUID) (StoredMedia, error) {
	msg, err := s.q.GetMessage(ctx, messageID)
	if err != nil {
		return StoredMedia{}, noRows(err, "message")
	}
	if _, err := s.visibleThread(ctx, p, msg.ThreadID); err != nil || !canSeeMessage(p, Visibility(msg.Visibility)) {
		return StoredMedia{}, notFound("message")
	}
	if msg.MediaContentType == nil {
		return StoredMedia{}, notFound("attachment")
	}
	store, err := s.media.Of(msg.MediaStore)
	if err != nil {
		return StoredMedia{}, err
	}
	var key string
	if msg.MediaKey != nil {
		key = *msg.MediaKey
	}
	body, err := store.Open(ctx, messageID, key)
	if errors.Is(err, media.ErrNotFound) {
		return StoredMedia{}, notFound("attachment")
	}
	if err != nil {
		return StoredMedia{}, fmt.Errorf("load attachment of %s: %w", messageID, err)
	}
	return StoredMedia{Media: Media{ContentType: *msg.MediaContentType, Filename: *msg.MediaFilename, SizeBytes: *msg.MediaSizeBytes}, Body: body}, nil
}

// checkAttachment enforces the size and type rules and returns the sniffed type.
func checkAttachment(a *Attachment) (string, error) {
	switch {
	case len(a.Data) == 0:
		return "", invalid("media_data", "the attachment is empty")
	case len(a.Data) > media.MaxBytes:
		return "", &Error{Kind: TooLarge, Reason: "too-large", Field: "media_data", Detail: fmt.Sprintf("the attachment is larger than %d bytes", media.MaxBytes)}
	}
	contentType, ok := media.Sniff(a.Data)
	if !ok {
		return "", &Error{Kind: Unsupported, Reason: "unsupported-media-type", Field: "media_data",
			Detail: fmt.Sprintf("attachments of type %s are not allowed; send an image (png, jpeg, gif, webp), a pdf, or an mp4/webm video", contentType)}
	}
	return contentType, nil
}

// canSeeMessage reports whether p may see a message of this visibility in a thread p may see.
func canSeeMessage(p auth.Principal, v Visibility) bool {
	return v == Public || p.IsAdmin()
}

func messageOf(r db.ListMessagesRow) Message {
	m := Message{
		ID: r.MessageID, ThreadID: r.ThreadID, Owner: Side(r.Owner), Visibility: Visibility(r.Visibility),
		Author:  Person{ID: r.AuthorID, Role: Side(r.Owner), DisplayName: displayName(r.AuthorName, r.AuthorEmail, Side(r.Owner))},
		Content: r.MessageContent, Seen: r.Seen, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if r.MediaContentType != nil {
		m.Media = &Media{ContentType: *r.MediaContentType, Filename: *r.MediaFilename, SizeBytes: *r.MediaSizeBytes}
	}
	return m
}
