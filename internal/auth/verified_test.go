package auth

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifyRemembersAVerifiedTokenUntilExpAndForAMinuteAtMost: a token that verified is
// served from memory, but never past its exp (then it is expired), never for longer than
// verifiedFor (a key that stopped verifying it rejects it again), and a token that failed
// is not remembered.
func TestVerifyRemembersAVerifiedTokenUntilExpAndForAMinuteAtMost(t *testing.T) {
	v := newVerifier(t, Config{Secret: testSecret})
	clock := time.Now()
	v.now = func() time.Time { return clock }
	withExp := func(exp time.Time) string {
		return sign(t, jwt.SigningMethodHS256, testSecret, "", claimsMap(func(c jwt.MapClaims) { c["exp"] = exp.Unix() }))
	}

	long := withExp(clock.Add(2 * verifiedFor))
	if _, err := v.Verify(long); err != nil {
		t.Fatal(err)
	}
	v.keyfunc = func(*jwt.Token) (any, error) { return otherSecret, nil } // the key is withdrawn
	clock = clock.Add(verifiedFor - time.Second)
	if p, err := v.Verify(long); err != nil || p.Subject != testSubject {
		t.Fatalf("within %s of its verification: %+v, %v", verifiedFor, p, err)
	}
	clock = clock.Add(2 * time.Second)
	if _, err := v.Verify(long); !errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrExpired) {
		t.Fatalf("%s after its verification, under a withdrawn key: %v, want ErrInvalidToken", verifiedFor, err)
	}

	v.keyfunc = func(*jwt.Token) (any, error) { return testSecret, nil }
	short := withExp(clock.Add(10 * time.Second))
	if _, err := v.Verify(short); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(11 * time.Second)
	if _, err := v.Verify(short); !errors.Is(err, ErrExpired) {
		t.Fatalf("past its exp: %v, want ErrExpired", err)
	}

	forged := sign(t, jwt.SigningMethodHS256, otherSecret, "", claimsMap(nil))
	for range 2 {
		if _, err := v.Verify(forged); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("forged token: %v", err)
		}
	}
	if _, ok := v.verified.entries[forged]; ok {
		t.Fatal("a token that failed verification was remembered")
	}
}

func TestVerifiedTokensStayBounded(t *testing.T) {
	var c verifiedTokens
	now := time.Now()
	p := Principal{Subject: testSubject, ExpiresAt: now.Add(time.Hour)}
	for i := range maxVerified + 1 {
		c.put("token-"+strconv.Itoa(i), p, now)
	}
	if len(c.entries) != 1 {
		t.Fatalf("%d entries after %d puts, want the map started over at %d", len(c.entries), maxVerified+1, maxVerified)
	}
	c.put(string(make([]byte, maxVerifiedBytes+1)), p, now)
	if len(c.entries) != 1 {
		t.Fatal("a token longer than maxVerifiedBytes was remembered")
	}
}
