package auth

import (
	"sync"
	"time"
)

// A client sends the same bearer token with every request until it expires. Checking its
// signature and decoding its claims each time was 7.6% of the server's CPU at 1,000
// messages/s (README: "Where a message's time goes"), so Verify remembers what it
// verified. An entry serves until the token's exp and for verifiedFor at most, well
// within the hourly refresh of a JWKS that may withdraw its key. Only tokens that
// verified are remembered, and at most maxVerified (about 0.5 MB): a bound of 10,000
// held the tokens of streams that each verify once, and 20,000 streams on two instances
// took 11.1–11.2 KiB each in `make bench` against 10.6–10.8 KiB without remembering.
const (
	verifiedFor      = time.Minute
	maxVerified      = 1_000
	maxVerifiedBytes = 4 << 10 // longer tokens are verified every time
)

type verifiedTokens struct {
	mu      sync.Mutex
	entries map[string]verifiedToken
}

type verifiedToken struct {
	principal Principal
	until     time.Time // min(exp, when it was verified + verifiedFor)
}

func (c *verifiedTokens) get(token string, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[token]
	if !ok || !now.Before(e.until) {
		return Principal{}, false
	}
	return e.principal, true
}

// put remembers a verified token; when full, it forgets every entry (each is one
// verification away from coming back).
func (c *verifiedTokens) put(token string, p Principal, now time.Time) {
	if len(token) > maxVerifiedBytes {
		return
	}
	until := now.Add(verifiedFor)
	if p.ExpiresAt.Before(until) {
		until = p.ExpiresAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxVerified {
		c.entries = make(map[string]verifiedToken)
	}
	c.entries[token] = verifiedToken{principal: p, until: until}
}
