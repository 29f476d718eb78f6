package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Mint signs an HS256 token for p, for development use (`orderchat token`).
// It sets sub, email (when non-empty), role (an empty Role becomes user), iat
// = now and exp = now+ttl, both truncated to whole seconds; p.ExpiresAt is
// ignored. It sets no iss or aud, so its tokens only pass a Verifier
// configured without Issuer and Audience.
func Mint(secret []byte, p Principal, ttl time.Duration, now time.Time) (string, error) {
	if len(secret) < minSecretLen {
		return "", fmt.Errorf("auth: secret must be at least %d bytes", minSecretLen)
	}
	if ttl <= 0 {
		return "", errors.New("auth: ttl must be positive")
	}
	if p.Subject == uuid.Nil {
		return "", errors.New("auth: principal has no subject")
	}
	role := p.Role
	if role == "" {
		role = RoleUser
	}
	if !role.valid() {
		return "", fmt.Errorf("auth: unknown role %q", role)
	}
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   p.Subject.String(),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Email: p.Email,
		Name:  p.Name,
		Role:  &role,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}
