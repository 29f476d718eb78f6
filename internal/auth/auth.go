// Package auth turns bearer JWTs into a Principal and mints HS256 tokens for
// development. It has no HTTP dependencies: the transport layer extracts the
// token with ParseBearer and calls Verifier.Verify. Tickets keeps the other
// credentials, those of event streams (stream tickets and sessions), in the database.
package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Role is what a principal may do. Only RoleUser and RoleAdmin exist.
type Role string

// The roles a token can carry in its "role" claim.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

func (r Role) valid() bool { return r == RoleUser || r == RoleAdmin }

// Principal is the authenticated caller described by a verified token.
type Principal struct {
	Subject   uuid.UUID
	Email     string // empty when the token has no email claim
	Name      string // the name claim: how others see this principal (empty: none)
	Role      Role
	ExpiresAt time.Time // the token's exp; long-lived streams must end by then
}

// IsAdmin reports whether the principal has the admin role.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

var (
	// ErrInvalidToken is wrapped by every error Verify returns.
	ErrInvalidToken = errors.New("invalid token")
	// ErrExpired is wrapped by Verify's error when the token's exp has passed.
	// It wraps ErrInvalidToken, so checking for ErrInvalidToken still works.
	ErrExpired = fmt.Errorf("%w: token expired", ErrInvalidToken)
)

// claims is the wire format shared by Verify and Mint.
type claims struct {
	jwt.RegisteredClaims
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	// Role is a pointer so an absent claim (meaning user) can be told apart
	// from an empty one (rejected like any other unknown role).
	Role *Role `json:"role,omitempty"`
}

// principal checks the application claims; the registered ones (signature,
// exp, nbf, iss, aud) have already been checked by the parser.
func (c *claims) principal() (Principal, error) {
	// uuid.Parse also accepts urn:uuid:, braced and bare-hex forms; insisting
	// on the canonical 36-character form keeps one spelling per principal.
	if len(c.Subject) != 36 {
		return Principal{}, fmt.Errorf("%w: sub must be a UUID", ErrInvalidToken)
	}
	id, err := uuid.Parse(c.Subject)
	if err != nil || id == uuid.Nil {
		return Principal{}, fmt.Errorf("%w: sub must be a UUID", ErrInvalidToken)
	}
	role := RoleUser
	if c.Role != nil {
		if !c.Role.valid() {
			return Principal{}, fmt.Errorf("%w: unknown role %q", ErrInvalidToken, *c.Role)
		}
		role = *c.Role
	}
	return Principal{
		Subject:   id,
		Email:     c.Email,
		Name:      c.Name,
		Role:      role,
		ExpiresAt: c.ExpiresAt.Time,
	}, nil
}

// ParseBearer extracts the token from an Authorization header value of the
// form "Bearer <token>". The scheme is matched case-insensitively (RFC 9110
// §11.1). It reports false for any other scheme or an empty token.
func ParseBearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}
