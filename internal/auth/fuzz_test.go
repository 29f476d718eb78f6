package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// FuzzVerify: arbitrary strings never panic the verifier, and whatever it accepts is an
// HS256 token signed with the configured secret that names a real principal.
func FuzzVerify(f *testing.F) {
	secret := []byte("fuzz-secret-fuzz-secret-fuzz-secret-0123")
	valid, err := Mint(secret, Principal{Subject: uuid.MustParse("7b0e3c52-5f0a-4c1e-9a43-0d6c1b2a9e01"), Role: RoleAdmin}, 24*time.Hour, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	for _, seed := range []string{valid, parts[0] + "." + parts[1] + ".", "eyJhbGciOiJub25lIn0." + parts[1] + ".", parts[0] + ".e30." + parts[2], "", "a.b.c", "...."} {
		f.Add(seed)
	}
	v, err := NewVerifier(context.Background(), Config{Secret: secret})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Verify(token)
		if err != nil {
			return
		}
		parsed, perr := jwt.Parse(token, func(*jwt.Token) (any, error) { return secret, nil }, jwt.WithValidMethods([]string{"HS256"}))
		if perr != nil || !parsed.Valid || p.Subject == uuid.Nil || (p.Role != RoleUser && p.Role != RoleAdmin) {
			t.Fatalf("accepted %q as %+v (independent check: %v)", token, p, perr)
		}
	})
}
