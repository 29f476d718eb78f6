package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
)

// ticketTTL is how long a stream ticket can be redeemed (openapi.yaml: createSseTicket).
const ticketTTL = 60 * time.Second

// Tickets issues and redeems single-use stream tickets, and keeps the stream sessions that
// redeeming one opens (the `orderchat_stream` cookie). Both live in the database, so a
// ticket issued by one instance can open a stream on another, and a session outlives a
// restart.
type Tickets struct {
	q *db.Queries
}

// NewTickets returns the ticket store over conn.
func NewTickets(conn db.DBTX) *Tickets { return &Tickets{q: db.New(conn)} }

// ErrBadTicket is an unknown, used or expired ticket.
var ErrBadTicket = errors.New("invalid or expired ticket")

// Issue creates a ticket for p; only its hash is stored.
func (t *Tickets) Issue(ctx context.Context, p Principal) (string, time.Time, error) {
	ticket, err := secret("tk_")
	if err != nil {
		return "", time.Time{}, err
	}
	expires := time.Now().Add(ticketTTL).UTC()
	err = t.q.InsertTicket(ctx, db.InsertTicketParams{
		TicketHash: hash(ticket), PrincipalID: p.Subject, Email: p.Email, Role: string(p.Role),
		TokenExpiresAt: p.ExpiresAt, ExpiresAt: expires,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("store ticket: %w", err)
	}
	return ticket, expires, nil
}

// Redeem consumes a ticket and opens a stream session for the principal it was issued
// to: it returns that principal, with the expiry of the token that asked for the ticket,
// and the session's secret (the stream cookie's value), which lasts until that expiry.
// Only the secret's hash is stored.
func (t *Tickets) Redeem(ctx context.Context, ticket string) (Principal, string, error) {
	session, err := secret("st_")
	if err != nil {
		return Principal{}, "", err
	}
	row, err := t.q.RedeemTicket(ctx, db.RedeemTicketParams{TicketHash: hash(ticket), SessionHash: hash(session)})
	if errors.Is(err, pgx.ErrNoRows) {
		return Principal{}, "", ErrBadTicket
	}
	if err != nil {
		return Principal{}, "", fmt.Errorf("redeem ticket: %w", err)
	}
	return Principal{Subject: row.PrincipalID, Email: row.Email, Role: Role(row.Role), ExpiresAt: row.ExpiresAt}, session, nil
}

// ErrBadSession is an unknown stream session; ErrSessionExpired one whose token expired.
var (
	ErrBadSession     = errors.New("invalid stream session")
	ErrSessionExpired = errors.New("stream session expired")
)

// Session returns the principal of a stream session opened by Redeem, as often as asked
// until the session expires.
func (t *Tickets) Session(ctx context.Context, session string) (Principal, error) {
	row, err := t.q.StreamSession(ctx, hash(session))
	if errors.Is(err, pgx.ErrNoRows) {
		return Principal{}, ErrBadSession
	}
	if err != nil {
		return Principal{}, fmt.Errorf("read stream session: %w", err)
	}
	if !row.ExpiresAt.After(time.Now()) {
		return Principal{}, ErrSessionExpired
	}
	return Principal{Subject: row.PrincipalID, Email: row.Email, Role: Role(row.Role), ExpiresAt: row.ExpiresAt}, nil
}

// Sweep deletes expired tickets and stream sessions.
func (t *Tickets) Sweep(ctx context.Context) (int64, error) {
	tickets, err := t.q.DeleteExpiredTickets(ctx)
	if err != nil {
		return tickets, err
	}
	sessions, err := t.q.DeleteExpiredStreamSessions(ctx)
	return tickets + sessions, err
}

// secret is a new random credential: prefix and 24 random bytes, base64url.
func secret(prefix string) (string, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(raw), nil
}

func hash(ticket string) []byte {
	sum := sha256.Sum256([]byte(ticket))
	return sum[:]
}
