package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

var (
	testSecret  = []byte("0123456789abcdef0123456789abcdef")
	otherSecret = []byte("fedcba9876543210fedcba9876543210")
	testSubject = uuid.MustParse("6f1c2b7e-3d4a-4e5f-8a9b-0c1d2e3f4a5b")
)

// claimsMap returns valid user claims expiring in an hour; cases edit a copy.
func claimsMap(edit func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub":   testSubject.String(),
		"email": "ada@example.com",
		"role":  "user",
		"exp":   time.Now().Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s: %v", method.Alg(), err)
	}
	return s
}

// unsigned builds an "alg: none" token by hand: jwt refuses to sign one
// without its explicit opt-in constant, and the attacker needs neither.
func unsigned(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(c) + "."
}

func publicPEM(t *testing.T, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t *testing.T, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newVerifier(t *testing.T, cfg Config) *Verifier {
	t.Helper()
	v, err := NewVerifier(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

type verifyCase struct {
	name    string
	token   string
	wantErr error // nil, ErrInvalidToken or ErrExpired
	want    Principal
}

// runVerify checks each case; rejections other than expiry must not be
// reported as ErrExpired, or callers would tell forgers "token expired".
func runVerify(t *testing.T, v *Verifier, cases []verifyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v.Verify(tc.token)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Verify error = %v, want %v", err, tc.wantErr)
				}
				if tc.wantErr == ErrInvalidToken && errors.Is(err, ErrExpired) {
					t.Fatalf("Verify error = %v, must not be ErrExpired", err)
				}
				t.Logf("rejected: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.Subject != tc.want.Subject || got.Email != tc.want.Email || got.Role != tc.want.Role {
				t.Fatalf("Verify = %+v, want %+v", got, tc.want)
			}
			if got.IsAdmin() != (tc.want.Role == RoleAdmin) {
				t.Fatalf("IsAdmin = %v for role %q", got.IsAdmin(), got.Role)
			}
			if got.ExpiresAt.IsZero() {
				t.Fatal("ExpiresAt is zero")
			}
		})
	}
}

func TestVerifyHS256(t *testing.T) {
	v := newVerifier(t, Config{Secret: testSecret})
	hs := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, testSecret, "", c) }
	user := Principal{Subject: testSubject, Email: "ada@example.com", Role: RoleUser}
	admin := Principal{Subject: testSubject, Email: "ada@example.com", Role: RoleAdmin}

	runVerify(t, v, []verifyCase{
		{name: "valid user token", token: hs(claimsMap(nil)), want: user},
		{name: "valid admin token", token: hs(claimsMap(func(c jwt.MapClaims) { c["role"] = "admin" })), want: admin},
		{name: "absent role means user", token: hs(claimsMap(func(c jwt.MapClaims) { delete(c, "role") })), want: user},
		{name: "absent email is allowed", token: hs(claimsMap(func(c jwt.MapClaims) { delete(c, "email") })),
			want: Principal{Subject: testSubject, Role: RoleUser}},
		{name: "unknown role is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { c["role"] = "superuser" })), wantErr: ErrInvalidToken},
		{name: "role with other case is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { c["role"] = "Admin" })), wantErr: ErrInvalidToken},
		{name: "empty role is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { c["role"] = "" })), wantErr: ErrInvalidToken},
		{name: "non-string role is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { c["role"] = 1 })), wantErr: ErrInvalidToken},
		{name: "expired token is rejected as expired",
			token: hs(claimsMap(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), wantErr: ErrExpired},
		{name: "token expiring this second is rejected as expired",
			token: hs(claimsMap(func(c jwt.MapClaims) { c["exp"] = time.Now().Unix() })), wantErr: ErrExpired},
		{name: "missing exp is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { delete(c, "exp") })), wantErr: ErrInvalidToken},
		{name: "nbf in the future is rejected",
			token: hs(claimsMap(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Minute).Unix() })), wantErr: ErrInvalidToken},
		{name: "nbf in the past is accepted",
			token: hs(claimsMap(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(-time.Minute).Unix() })), want: user},
		{name: "wrong signature is rejected", token: sign(t, jwt.SigningMethodHS256, otherSecret, "", claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "expired token with wrong signature is not reported as expired",
			token: sign(t, jwt.SigningMethodHS256, otherSecret, "", claimsMap(func(c jwt.MapClaims) {
				c["exp"] = time.Now().Add(-time.Minute).Unix()
			})), wantErr: ErrInvalidToken},
		{name: "alg none is rejected", token: unsigned(t, claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "HS512 is rejected when HS256 is configured", token: sign(t, jwt.SigningMethodHS512, testSecret, "", claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "sub that is not a UUID is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { c["sub"] = "ada" })), wantErr: ErrInvalidToken},
		{name: "sub in urn form is rejected",
			token: hs(claimsMap(func(c jwt.MapClaims) { c["sub"] = "urn:uuid:" + testSubject.String() })), wantErr: ErrInvalidToken},
		{name: "nil UUID sub is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { c["sub"] = uuid.Nil.String() })), wantErr: ErrInvalidToken},
		{name: "missing sub is rejected", token: hs(claimsMap(func(c jwt.MapClaims) { delete(c, "sub") })), wantErr: ErrInvalidToken},
	})
}

func TestVerifyRejectsMalformedTokens(t *testing.T) {
	v := newVerifier(t, Config{Secret: testSecret})
	valid := sign(t, jwt.SigningMethodHS256, testSecret, "", claimsMap(nil))

	for _, tc := range []struct{ name, token string }{
		{"empty", ""},
		{"one segment", "abc"},
		{"two segments", "abc.def"},
		{"empty segments", ".."},
		{"four segments", valid + ".x"},
		{"header not base64", "!!!" + valid[strings.Index(valid, "."):]},
		{"header not JSON", base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".e30.sig"},
		{"bearer prefix left on", "Bearer " + valid},
		{"padded base64", valid + "=="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(tc.token)
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify(%q) error = %v, want ErrInvalidToken", tc.token, err)
			}
			t.Logf("rejected: %v", err)
		})
	}
}

func TestVerifyPublicKeys(t *testing.T) {
	rsaPriv, ecPriv, otherRSA := rsaKey(t), ecKey(t, elliptic.P256()), rsaKey(t)
	rsaPEM := publicPEM(t, &rsaPriv.PublicKey)
	rs := newVerifier(t, Config{PublicKeyPEM: rsaPEM})
	es := newVerifier(t, Config{PublicKeyPEM: publicPEM(t, &ecPriv.PublicKey)})
	user := Principal{Subject: testSubject, Email: "ada@example.com", Role: RoleUser}

	t.Run("RS256 configured", func(t *testing.T) {
		runVerify(t, rs, []verifyCase{
			{name: "valid RS256 token", token: sign(t, jwt.SigningMethodRS256, rsaPriv, "", claimsMap(nil)), want: user},
			{name: "RS256 token from another key is rejected",
				token: sign(t, jwt.SigningMethodRS256, otherRSA, "", claimsMap(nil)), wantErr: ErrInvalidToken},
			// The classic confusion attack: the public key is public, so an
			// HMAC over it is something anyone can produce.
			{name: "HS256 token keyed with the public key PEM is rejected",
				token: sign(t, jwt.SigningMethodHS256, rsaPEM, "", claimsMap(nil)), wantErr: ErrInvalidToken},
			{name: "ES256 token is rejected", token: sign(t, jwt.SigningMethodES256, ecPriv, "", claimsMap(nil)), wantErr: ErrInvalidToken},
			{name: "PS256 token from the same key is rejected",
				token: sign(t, jwt.SigningMethodPS256, rsaPriv, "", claimsMap(nil)), wantErr: ErrInvalidToken},
			{name: "alg none is rejected", token: unsigned(t, claimsMap(nil)), wantErr: ErrInvalidToken},
		})
	})
	t.Run("ES256 configured", func(t *testing.T) {
		runVerify(t, es, []verifyCase{
			{name: "valid ES256 token", token: sign(t, jwt.SigningMethodES256, ecPriv, "", claimsMap(nil)), want: user},
			{name: "RS256 token is rejected", token: sign(t, jwt.SigningMethodRS256, rsaPriv, "", claimsMap(nil)), wantErr: ErrInvalidToken},
			{name: "expired ES256 token is rejected as expired",
				token: sign(t, jwt.SigningMethodES256, ecPriv, "", claimsMap(func(c jwt.MapClaims) {
					c["exp"] = time.Now().Add(-time.Second).Unix()
				})), wantErr: ErrExpired},
		})
	})
}

func TestVerifyIssuerAndAudience(t *testing.T) {
	const iss, aud = "https://id.example.com", "orderchat"
	v := newVerifier(t, Config{Secret: testSecret, Issuer: iss, Audience: aud})
	hs := func(edit func(jwt.MapClaims)) string {
		return sign(t, jwt.SigningMethodHS256, testSecret, "", claimsMap(func(c jwt.MapClaims) {
			c["iss"], c["aud"] = iss, aud
			edit(c)
		}))
	}
	user := Principal{Subject: testSubject, Email: "ada@example.com", Role: RoleUser}

	runVerify(t, v, []verifyCase{
		{name: "matching issuer and audience", token: hs(func(jwt.MapClaims) {}), want: user},
		{name: "audience list containing ours", token: hs(func(c jwt.MapClaims) { c["aud"] = []string{"billing", aud} }), want: user},
		{name: "issuer mismatch is rejected", token: hs(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" }), wantErr: ErrInvalidToken},
		{name: "missing issuer is rejected", token: hs(func(c jwt.MapClaims) { delete(c, "iss") }), wantErr: ErrInvalidToken},
		{name: "audience mismatch is rejected", token: hs(func(c jwt.MapClaims) { c["aud"] = "billing" }), wantErr: ErrInvalidToken},
		{name: "missing audience is rejected", token: hs(func(c jwt.MapClaims) { delete(c, "aud") }), wantErr: ErrInvalidToken},
	})
}

// jwksServer serves the public halves of keys as a JWK Set, each with its
// kid and alg, the way an identity provider does.
func jwksServer(t *testing.T, keys map[string]crypto.Signer) *httptest.Server {
	t.Helper()
	store := jwkset.NewMemoryStorage()
	for kid, k := range keys {
		alg := jwkset.AlgRS256
		if _, ok := k.(*ecdsa.PrivateKey); ok {
			alg = jwkset.AlgES256
		}
		jwk, err := jwkset.NewJWKFromKey(k.Public(), jwkset.JWKOptions{
			Metadata: jwkset.JWKMetadataOptions{KID: kid, ALG: alg, USE: jwkset.UseSig},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.KeyWrite(t.Context(), jwk); err != nil {
			t.Fatal(err)
		}
	}
	body, err := store.JSONPublic(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerifyJWKS(t *testing.T) {
	rsaPriv, ecPriv, rogue := rsaKey(t), ecKey(t, elliptic.P256()), rsaKey(t)
	srv := jwksServer(t, map[string]crypto.Signer{"rsa-1": rsaPriv, "ec-1": ecPriv})
	v := newVerifier(t, Config{JWKSURL: srv.URL})
	user := Principal{Subject: testSubject, Email: "ada@example.com", Role: RoleUser}

	runVerify(t, v, []verifyCase{
		{name: "RS256 token with known kid", token: sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-1", claimsMap(nil)), want: user},
		{name: "ES256 token with known kid", token: sign(t, jwt.SigningMethodES256, ecPriv, "ec-1", claimsMap(nil)), want: user},
		{name: "token signed by another key under a known kid is rejected",
			token: sign(t, jwt.SigningMethodRS256, rogue, "rsa-1", claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "ES256 token naming the RSA kid is rejected",
			token: sign(t, jwt.SigningMethodES256, ecPriv, "rsa-1", claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "unknown kid is rejected", token: sign(t, jwt.SigningMethodRS256, rogue, "rsa-2", claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "HS256 token is rejected", token: sign(t, jwt.SigningMethodHS256, testSecret, "rsa-1", claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "alg none is rejected", token: unsigned(t, claimsMap(nil)), wantErr: ErrInvalidToken},
		{name: "expired token is rejected as expired",
			token: sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-1", claimsMap(func(c jwt.MapClaims) {
				c["exp"] = time.Now().Add(-time.Minute).Unix()
			})), wantErr: ErrExpired},
	})

	t.Run("cached keys still verify after Close", func(t *testing.T) {
		v.Close()
		v.Close()
		if _, err := v.Verify(sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-1", claimsMap(nil))); err != nil {
			t.Fatalf("Verify after Close: %v", err)
		}
	})
}

func TestNewVerifierRejectsBadConfig(t *testing.T) {
	rsaPEM := publicPEM(t, &rsaKey(t).PublicKey)
	smallRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ecPriv := ecKey(t, elliptic.P256())
	privDER, err := x509.MarshalPKCS8PrivateKey(ecPriv)
	if err != nil {
		t.Fatal(err)
	}
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)

	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no key source", Config{}},
		{"secret and public key", Config{Secret: testSecret, PublicKeyPEM: rsaPEM}},
		{"secret and JWKS URL", Config{Secret: testSecret, JWKSURL: "https://id.example.com/jwks"}},
		{"short secret", Config{Secret: []byte("too-short")}},
		{"PEM without a block", Config{PublicKeyPEM: []byte("not pem")}},
		{"private key PEM", Config{PublicKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})}},
		{"RSA key under 2048 bits", Config{PublicKeyPEM: publicPEM(t, &smallRSA.PublicKey)}},
		{"ECDSA key not on P-256", Config{PublicKeyPEM: publicPEM(t, &ecKey(t, elliptic.P384()).PublicKey)}},
		{"JWKS URL with other scheme", Config{JWKSURL: "ftp://id.example.com/jwks"}},
		{"JWKS URL without host", Config{JWKSURL: "https:///jwks"}},
		{"JWKS URL that fails at start-up", Config{JWKSURL: failing.URL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewVerifier(t.Context(), tc.cfg)
			if err == nil {
				v.Close()
				t.Fatal("NewVerifier succeeded, want error")
			}
			t.Logf("rejected: %v", err)
		})
	}
}

func TestMintVerifyRoundTrip(t *testing.T) {
	v := newVerifier(t, Config{Secret: testSecret})
	now := time.Now()

	for _, tc := range []struct {
		name string
		in   Principal
		want Role
	}{
		{"admin", Principal{Subject: testSubject, Email: "ada@example.com", Role: RoleAdmin}, RoleAdmin},
		{"user", Principal{Subject: testSubject, Role: RoleUser}, RoleUser},
		{"empty role becomes user", Principal{Subject: testSubject}, RoleUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token, err := Mint(testSecret, tc.in, time.Hour, now)
			if err != nil {
				t.Fatalf("Mint: %v", err)
			}
			got, err := v.Verify(token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.Subject != tc.in.Subject || got.Email != tc.in.Email || got.Role != tc.want {
				t.Fatalf("Verify = %+v, want subject %s email %q role %q", got, tc.in.Subject, tc.in.Email, tc.want)
			}
			if want := now.Add(time.Hour).Truncate(time.Second); !got.ExpiresAt.Equal(want) {
				t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt, want)
			}

			var rc jwt.RegisteredClaims
			if _, _, err := jwt.NewParser().ParseUnverified(token, &rc); err != nil {
				t.Fatal(err)
			}
			if rc.IssuedAt == nil || rc.IssuedAt.Unix() != now.Unix() {
				t.Fatalf("iat = %v, want %v", rc.IssuedAt, now.Unix())
			}
		})
	}

	t.Run("minted token expires", func(t *testing.T) {
		token, err := Mint(testSecret, Principal{Subject: testSubject}, time.Minute, now.Add(-2*time.Minute))
		if err != nil {
			t.Fatalf("Mint: %v", err)
		}
		if _, err := v.Verify(token); !errors.Is(err, ErrExpired) {
			t.Fatalf("Verify error = %v, want ErrExpired", err)
		}
	})
}

func TestMintRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret []byte
		p      Principal
		ttl    time.Duration
	}{
		{"short secret", []byte("short"), Principal{Subject: testSubject}, time.Hour},
		{"zero ttl", testSecret, Principal{Subject: testSubject}, 0},
		{"negative ttl", testSecret, Principal{Subject: testSubject}, -time.Hour},
		{"no subject", testSecret, Principal{}, time.Hour},
		{"unknown role", testSecret, Principal{Subject: testSubject, Role: "root"}, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Mint(tc.secret, tc.p, tc.ttl, time.Now()); err == nil {
				t.Fatal("Mint succeeded, want error")
			}
		})
	}
}

func TestParseBearer(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer abc.def.ghi", "abc.def.ghi", true},
		{"bearer abc.def.ghi", "abc.def.ghi", true},
		{"BEARER abc.def.ghi", "abc.def.ghi", true},
		{"Bearer   abc.def.ghi  ", "abc.def.ghi", true},
		{"", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Bearerabc.def.ghi", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"Bearer abc def", "", false},
		{"abc.def.ghi", "", false},
	} {
		t.Run(tc.header, func(t *testing.T) {
			got, ok := ParseBearer(tc.header)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseBearer(%q) = %q, %v; want %q, %v", tc.header, got, ok, tc.want, tc.ok)
			}
		})
	}
}
