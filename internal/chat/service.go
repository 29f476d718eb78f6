// Package chat holds orderchat's rules: who may see and change which order, thread,
// message and notification, and the event each change appends to the event log in the
// same transaction.
package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/gen/db"
	"orderchat/internal/auth"
	"orderchat/internal/eventlog"
	"orderchat/internal/media"
)

// Service carries out the operations of the API for an authenticated principal.
type Service struct {
	pool   *pgxpool.Pool
	q      *db.Queries
	media  *media.Stores
	log    EventLog
	meta   EventEncoder
	people remembered
	posts  *postBatcher
}

// EventLog is what the service needs of the process's event reader (eventlog.Log).
type EventLog interface {
	// Published is called after every commit that appended an event, so that streams get
	// it without waiting for a poll.
	Published()
	// Committed is called instead after a commit that appended just row, as stored: the
	// streams get it without the log being read again.
	Committed(row db.Event)
	// Settled waits briefly until the streams have been handed every event up to atLeast
	// and returns the newest id they have been handed: no smaller id can appear later.
	Settled(ctx context.Context, atLeast int64) int64
	// Feed reads a page of the settled log for one audience, waiting for one when asked.
	Feed(ctx context.Context, r eventlog.FeedRequest) (eventlog.FeedPage, error)
}

// New returns a Service over pool, keeping attachments in stores and encoding the meta
// of the events it appends with meta. A text post that follows another within
// postWindow waits up to postWindow to share its commit (config.PostBatchWindow).
func New(pool *pgxpool.Pool, stores *media.Stores, log EventLog, meta EventEncoder, postWindow time.Duration) *Service {
	q := db.New(pool)
	return &Service{pool: pool, q: q, media: stores, log: log, meta: meta,
		people: remembered{claims: map[uuid.UUID]db.RememberPrincipalParams{}}, posts: &postBatcher{q: q, window: postWindow}}
}

// inTx runs fn in one transaction, committed only when fn succeeds.
func (s *Service) inTx(ctx context.Context, fn func(tx pgx.Tx, q *db.Queries) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(tx, s.q.WithTx(tx)) })
}

// Side is a side of a thread: who wrote a message, or whose read marker moved
// (openapi.yaml: Owner).
type Side string

const (
	UserSide  Side = "user"
	AdminSide Side = "admin"
)

func (s Side) valid() bool { return s == UserSide || s == AdminSide }

// side is which side of a thread a principal speaks for.
func side(p auth.Principal) Side {
	if p.IsAdmin() {
		return AdminSide
	}
	return UserSide
}

// canSee reports whether p may see a resource owned by the user owner.
func canSee(p auth.Principal, owner uuid.UUID) bool {
	return p.IsAdmin() || p.Subject == owner
}

// noRows turns "no row" into a NotFound for what, and wraps other errors with context.
func noRows(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound(what)
	}
	return fmt.Errorf("load %s: %w", what, err)
}
