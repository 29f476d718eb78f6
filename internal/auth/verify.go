package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

const (
	// minSecretLen follows RFC 7518 §3.2: an HS256 key must be at least as
	// long as the hash output (256 bits).
	minSecretLen = 32
	minRSABits   = 2048

	jwksHTTPTimeout = 10 * time.Second
	// jwksUnknownKIDWait bounds how long Verify may block when a token names a
	// kid the cached set lacks: keyfunc then refetches the set (at most once
	// per 5 minutes) and a request that cannot get a refresh slot in time
	// fails at once instead of queueing.
	jwksUnknownKIDWait = 5 * time.Second
)

// Config selects how tokens are verified. Exactly one of Secret, PublicKeyPEM
// and JWKSURL must be set; the algorithm follows from it and nothing else is
// accepted, whatever the token's header says.
type Config struct {
	// Secret verifies HS256 tokens. At least 32 bytes.
	Secret []byte
	// PublicKeyPEM is a PKIX "PUBLIC KEY" block: an RSA key (at least 2048
	// bits) selects RS256, a P-256 ECDSA key selects ES256.
	PublicKeyPEM []byte
	// JWKSURL is fetched at start-up and refreshed in the background; tokens
	// may be RS256 or ES256, with the key picked by kid.
	JWKSURL string
	// Issuer and Audience, when set, must match the iss and aud claims.
	Issuer, Audience string
}

// Verifier checks bearer tokens against one configured key source. It is safe
// for concurrent use.
type Verifier struct {
	parser   *jwt.Parser
	keyfunc  jwt.Keyfunc
	stop     context.CancelFunc // ends JWKS refresh; nil for static keys
	now      func() time.Time   // the clock of exp checks; tests move it
	verified verifiedTokens     // verified.go
}

// NewVerifier builds a Verifier from cfg. With JWKSURL it fetches the key set
// before returning, so a wrong URL fails here rather than on every request;
// ctx must outlive the Verifier because it also bounds the background
// refresh (call Close to stop it earlier).
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	sources := 0
	for _, set := range []bool{len(cfg.Secret) > 0, len(cfg.PublicKeyPEM) > 0, cfg.JWKSURL != ""} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, errors.New("auth: exactly one of Secret, PublicKeyPEM or JWKSURL must be set")
	}

	v := &Verifier{now: time.Now}
	var methods []string
	switch {
	case len(cfg.Secret) > 0:
		if len(cfg.Secret) < minSecretLen {
			return nil, fmt.Errorf("auth: Secret must be at least %d bytes", minSecretLen)
		}
		secret := bytes.Clone(cfg.Secret)
		methods = []string{jwt.SigningMethodHS256.Alg()}
		v.keyfunc = func(*jwt.Token) (any, error) { return secret, nil }
	case len(cfg.PublicKeyPEM) > 0:
		key, alg, err := parsePublicKey(cfg.PublicKeyPEM)
		if err != nil {
			return nil, err
		}
		methods = []string{alg}
		v.keyfunc = func(*jwt.Token) (any, error) { return key, nil }
	default:
		kf, stop, err := newJWKS(ctx, cfg.JWKSURL)
		if err != nil {
			return nil, err
		}
		methods = []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()}
		v.keyfunc = kf.Keyfunc
		v.stop = stop
	}

	// No leeway: the stream layer ends streams at exp, so exp must be exact.
	// The pinned method list is what defeats "alg: none" and algorithm
	// confusion; jwt's per-method key type checks are a second line.
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithExpirationRequired(),
		jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// Verify checks the token's signature and claims and returns its principal.
// Every error wraps ErrInvalidToken; an expired token's error also wraps
// ErrExpired. Error texts carry detail for logs, not for clients.
func (v *Verifier) Verify(token string) (Principal, error) {
	now := v.now()
	if p, ok := v.verified.get(token, now); ok {
		return p, nil
	}
	var c claims
	if _, err := v.parser.ParseWithClaims(token, &c, v.keyfunc); err != nil {
		// The parser checks the signature before exp, so only an authentic
		// token can be reported as expired.
		if errors.Is(err, jwt.ErrTokenExpired) {
			return Principal{}, fmt.Errorf("%w: %v", ErrExpired, err)
		}
		return Principal{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	p, err := c.principal()
	if err == nil {
		v.verified.put(token, p, now)
	}
	return p, err
}

// Close stops the background JWKS refresh, if any. Keys already fetched stay
// usable. Close is safe to call more than once.
func (v *Verifier) Close() {
	if v.stop != nil {
		v.stop()
	}
}

// parsePublicKey returns the key and the one algorithm it may verify.
func parsePublicKey(pemBytes []byte) (any, string, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, "", errors.New("auth: PublicKeyPEM holds no PEM block")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, "", fmt.Errorf("auth: PublicKeyPEM block is %q, want \"PUBLIC KEY\"", block.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, "", fmt.Errorf("auth: PublicKeyPEM: %w", err)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, "", fmt.Errorf("auth: RSA public key has %d bits, want at least %d", k.N.BitLen(), minRSABits)
		}
		return k, jwt.SigningMethodRS256.Alg(), nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, "", fmt.Errorf("auth: ECDSA public key is on %s, ES256 needs P-256", k.Curve.Params().Name)
		}
		return k, jwt.SigningMethodES256.Alg(), nil
	default:
		return nil, "", fmt.Errorf("auth: unsupported public key type %T, want RSA or P-256 ECDSA", pub)
	}
}

// newJWKS fetches the key set once and starts keyfunc's hourly refresh,
// which runs until the returned stop function is called or ctx ends.
func newJWKS(ctx context.Context, rawURL string) (keyfunc.Keyfunc, context.CancelFunc, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, nil, fmt.Errorf("auth: JWKSURL %q is not an http(s) URL", rawURL)
	}
	ctx, stop := context.WithCancel(ctx)
	failOnFirstFetch := false
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{rawURL}, keyfunc.Override{
		HTTPTimeout:               jwksHTTPTimeout,
		NoErrorReturnFirstHTTPReq: &failOnFirstFetch,
		RateLimitWaitMax:          jwksUnknownKIDWait,
	})
	if err != nil {
		stop() // the refresh goroutine may already be running
		return nil, nil, fmt.Errorf("auth: loading JWKS from %s: %w", rawURL, err)
	}
	return kf, stop, nil
}
