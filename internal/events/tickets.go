package events

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
	"orderchat/internal/auth"
)

// TicketTTL is how long a stream ticket can be redeemed.
const TicketTTL = 60 * time.Second

// Tickets issues and redeems single-use stream tickets. They live in the database, so a
// ticket issued by one instance can open a stream on another.
type Tickets struct {
	q *db.Queries
}

// NewTickets returns the ticket store over conn.
func NewTickets(conn db.DBTX) *Tickets { return &Tickets{q: db.New(conn)} }

// ErrBadTicket is an unknown, used or expired ticket.
var ErrBadTicket = errors.New("invalid or expired ticket")

// Issue creates a ticket for p; only its hash is stored.
func (t *Tickets) Issue(ctx context.Context, p auth.Principal) (string, time.Time, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	ticket := "tk_" + base64.RawURLEncoding.EncodeToString(raw)
	expires := time.Now().Add(TicketTTL).UTC()
	err := t.q.InsertTicket(ctx, db.InsertTicketParams{
		TicketHash: hash(ticket), PrincipalID: p.Subject, Email: p.Email, Role: string(p.Role),
		TokenExpiresAt: p.ExpiresAt, ExpiresAt: expires,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("store ticket: %w", err)
	}
	return ticket, expires, nil
}

// Redeem consumes a ticket and returns the principal it was issued to, with the expiry
// of the token that asked for it.
func (t *Tickets) Redeem(ctx context.Context, ticket string) (auth.Principal, error) {
	row, err := t.q.RedeemTicket(ctx, hash(ticket))
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.Principal{}, ErrBadTicket
	}
	if err != nil {
		return auth.Principal{}, fmt.Errorf("redeem ticket: %w", err)
	}
	if !row.TokenExpiresAt.After(time.Now()) {
		return auth.Principal{}, ErrBadTicket
	}
	return auth.Principal{Subject: row.PrincipalID, Email: row.Email, Role: auth.Role(row.Role), ExpiresAt: row.TokenExpiresAt}, nil
}

// Sweep deletes expired tickets.
func (t *Tickets) Sweep(ctx context.Context) (int64, error) {
	return t.q.DeleteExpiredTickets(ctx)
}

func hash(ticket string) []byte {
	sum := sha256.Sum256([]byte(ticket))
	return sum[:]
}
