package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"orderchat/gen/api"
	"orderchat/internal/auth"
	"orderchat/openapi"
)

func TestHealthzAnswersWhileTheProcessIsUp(t *testing.T) {
	s := newTestServer(t)
	status, _, body := s.do(t, http.MethodGet, "/healthz", "", "", "")
	if status != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("GET /healthz = %d %s", status, body)
	}
}

func TestReadyzTurnsRedWhenTheDatabaseIsGone(t *testing.T) {
	s := newTestServer(t)
	status, _, body := s.do(t, http.MethodGet, "/readyz", "", "", "")
	if status != http.StatusOK {
		t.Fatalf("GET /readyz on a healthy server = %d %s", status, body)
	}
	s.Pool.Close()
	status, _, body = s.do(t, http.MethodGet, "/readyz", "", "", "")
	var health health
	if err := json.Unmarshal([]byte(body), &health); err != nil {
		t.Fatal(err)
	}
	if status != http.StatusServiceUnavailable || health.Status != "unavailable" || health.Checks["database"] == "ok" {
		t.Fatalf("GET /readyz without a database = %d %s", status, body)
	}
}

func TestTheContractAndItsReferenceAreServed(t *testing.T) {
	s := newTestServer(t)
	status, header, body := s.do(t, http.MethodGet, "/api/openapi.yaml", "", "", "")
	if status != http.StatusOK || body != string(openapi.YAML) || header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("GET /api/openapi.yaml = %d %q, body of %d bytes", status, header.Get("Content-Type"), len(body))
	}
	status, header, body = s.do(t, http.MethodGet, "/api/docs", "", "", "")
	if status != http.StatusOK || !strings.Contains(body, "API reference") || !strings.HasPrefix(header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs = %d %q %s", status, header.Get("Content-Type"), body)
	}
}

func TestWebRoutesFallBackToTheApp(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/", "/orders/0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e/chat"} {
		status, _, body := s.do(t, http.MethodGet, path, "", "", "")
		if status != http.StatusOK || !strings.Contains(body, "<title>orderchat</title>") {
			t.Errorf("GET %s = %d %s", path, status, body)
		}
	}
	status, header, _ := s.do(t, http.MethodGet, "/assets/app-abc12.js", "", "", "")
	if status != http.StatusOK || !strings.Contains(header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET /assets/app-abc12.js = %d, Cache-Control %q", status, header.Get("Cache-Control"))
	}
}

func TestUnknownAPIPathsAreProblems(t *testing.T) {
	s := newTestServer(t)
	status, header, body := s.do(t, http.MethodGet, "/api/nope", "", "", "")
	if status != http.StatusNotFound || header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":404`) {
		t.Fatalf("GET /api/nope = %d %q %s", status, header.Get("Content-Type"), body)
	}
}

func TestSecuredOperationsRejectMissingAndBadTokens(t *testing.T) {
	s := newTestServer(t)
	wrongKey, err := auth.Mint([]byte("another-secret-another-secret-0123456"), auth.Principal{Subject: [16]byte{1}, Role: auth.RoleAdmin}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	unsigned, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
		"sub": "7b0e3c52-5f0a-4c1e-9a43-0d6c1b2a9e01", "role": "admin", "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, token, detail string
	}{
		{"no token", "", "a bearer token is required"},
		{"expired", mint(t, auth.RoleAdmin, time.Now().Add(-2*time.Minute), time.Minute), "token expired"},
		{"wrong signature", wrongKey, "invalid token"},
		{"alg none", unsigned, "invalid token"},
		{"garbage", "not.a.jwt", "invalid token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, header, body := s.do(t, http.MethodGet, "/api/orders", tc.token, "", "")
			if status != http.StatusUnauthorized || header.Get("WWW-Authenticate") == "" {
				t.Fatalf("status %d, WWW-Authenticate %q", status, header.Get("WWW-Authenticate"))
			}
			var p api.Problem
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Detail == nil || *p.Detail != tc.detail {
				t.Fatalf("problem %s (err %v), want detail %q", body, err, tc.detail)
			}
		})
	}
}

func TestMalformedInputIsA400NamingTheField(t *testing.T) {
	s := newTestServer(t)
	token := mint(t, auth.RoleUser, time.Now(), time.Hour)
	cases := []struct {
		name, method, path, body, field string
	}{
		{"limit above the maximum", http.MethodGet, "/api/orders?limit=500", "", "limit"},
		{"limit not a number", http.MethodGet, "/api/orders?limit=ten", "", "limit"},
		{"unknown status", http.MethodGet, "/api/orders?status=lost", "", "status"},
		{"path id not a uuid", http.MethodGet, "/api/orders/42", "", "order_id"},
		{"no items", http.MethodPost, "/api/orders", `{"items":[]}`, "items"},
		{"negative quantity", http.MethodPost, "/api/orders", `{"items":[{"name":"mug","quantity":-1,"unit_price_cents":100}]}`, "items.0.quantity"},
		{"unknown property", http.MethodPost, "/api/orders", `{"items":[{"name":"mug","quantity":1,"unit_price_cents":100}],"total_cents":1}`, "body"},
		{"malformed json", http.MethodPost, "/api/orders", `{"items":`, "body"},
		{"reopening a thread", http.MethodPatch, "/api/threads/0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e", `{"is_active":true}`, "is_active"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, header, body := s.do(t, tc.method, tc.path, token, "application/json", tc.body)
			if status != http.StatusBadRequest || header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d %q: %s", status, header.Get("Content-Type"), body)
			}
			var p api.Problem
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Errors == nil {
				t.Fatalf("problem without errors: %s (%v)", body, err)
			}
			var fields []string
			for _, f := range *p.Errors {
				fields = append(fields, f.Field)
			}
			if !strings.Contains(strings.Join(fields, ","), tc.field) {
				t.Fatalf("errors name %v, want %q: %s", fields, tc.field, body)
			}
		})
	}
}

func TestAnOversizedJSONBodyIs413(t *testing.T) {
	s := newTestServer(t)
	huge := `{"items":[{"name":"` + strings.Repeat("x", maxJSONBody) + `","quantity":1,"unit_price_cents":1}]}`
	status, _, body := s.do(t, http.MethodPost, "/api/orders", mint(t, auth.RoleUser, time.Now(), time.Hour), "application/json", huge)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "too-large") {
		t.Fatalf("status %d: %s", status, body)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	s := newTestServer(t)
	s.do(t, http.MethodGet, "/api/orders", "", "", "")
	status, _, body := s.do(t, http.MethodGet, "/metrics", "", "", "")
	want := `orderchat_http_requests_total{method="GET",route="/api/orders",status="401"} 1`
	if status != http.StatusOK || !strings.Contains(body, want) {
		t.Fatalf("GET /metrics = %d, missing %q", status, want)
	}
}

func TestNewHandlerLoadsTheContract(t *testing.T) {
	if _, err := openapi.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
}
