package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/gen/apiclient"
	"orderchat/gen/db"
	"orderchat/internal/auth"
	"orderchat/internal/chat"
	"orderchat/internal/config"
	"orderchat/internal/contracttest"
	"orderchat/internal/eventlog"
	"orderchat/internal/media"
	"orderchat/internal/sse"
	"orderchat/internal/store"
	"orderchat/internal/testdb/migrated"
	"orderchat/internal/tests3"
)

func TestMain(m *testing.M) { os.Exit(tests3.Main(m)) }

var testSecret = []byte("test-secret-test-secret-test-secret-0123")

// testServer is a real orderchat HTTP surface on loopback over a real, migrated database.
type testServer struct {
	URL    string
	Pool   *pgxpool.Pool
	Log    *eventlog.Log
	Hub    *sse.Hub
	Client *http.Client   // validates every /api response against openapi.yaml
	S3     *tests3.Server // the object store, when attachments go there
	Bucket string
}

var testWeb = fstest.MapFS{
	"index.html":          {Data: []byte("<!doctype html><title>orderchat</title>")},
	"docs.html":           {Data: []byte("<!doctype html><title>orderchat API reference</title>")},
	"assets/app-abc12.js": {Data: []byte("console.log('app')")},
}

// newTestServer starts the server; tweaks adjust its dependencies (limits, say) first.
func newTestServer(t testing.TB, tweaks ...func(*Deps)) *testServer {
	t.Helper()
	return newTestServerOn(t, media.PostgresName, tweaks...)
}

// eachStore runs test on a server of each attachment store: clients see the same
// behaviour whichever keeps the bytes (docs/adr/0008-attachments-on-object-storage.md).
func eachStore(t *testing.T, test func(t *testing.T, s *testServer)) {
	for _, store := range []string{media.PostgresName, media.S3Name} {
		t.Run(store, func(t *testing.T) { test(t, newTestServerOn(t, store)) })
	}
}

// newTestServerOn starts the server with new attachments going to store: postgres, or s3
// (a bucket of its own on the package's versitygw).
func newTestServerOn(t testing.TB, mediaStore string, tweaks ...func(*Deps)) *testServer {
	t.Helper()
	ctx := context.Background()
	pool := migrated.Pool(t)
	verifier, err := auth.NewVerifier(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	registry := prometheus.NewRegistry()
	log, err := eventlog.New(ctx, pool, eventlog.Options{Poll: 200 * time.Millisecond, Registerer: registry})
	if err != nil {
		t.Fatal(err)
	}
	hub := sse.New(log, sse.Options{Heartbeat: 200 * time.Millisecond, Registerer: registry})
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go log.Run(runCtx)
	go hub.Run(runCtx)
	// Start like a load balancer would: once the event listener is up (else a test that
	// begins with /readyz can see "not connected yet").
	for deadline := time.Now().Add(10 * time.Second); log.Ready(ctx) != nil; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the event listener did not connect: %v", log.Ready(ctx))
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := &testServer{Pool: pool, Log: log, Hub: hub, Client: &http.Client{Transport: contracttest.Transport(t, nil)}}
	stores := media.NewStores(media.NewPostgres(pool))
	degraded := map[string]Check{}
	if mediaStore == media.S3Name {
		s.S3 = tests3.Shared(t)
		s.Bucket = s.S3.NewBucket(t)
		objects, err := media.NewS3(ctx, pool, logger, s.S3.Config(s.Bucket), tests3.Credentials())
		if err != nil {
			t.Fatal(err)
		}
		stores = media.NewStores(objects, media.NewPostgres(pool))
		degraded["media"] = objects.Ready
	}
	deps := Deps{
		Logger:   logger,
		Verifier: verifier,
		Chat:     chat.New(pool, stores, log, EventMeta{}, config.DefaultPostBatchWindow),
		Hub:      hub,
		Tickets:  auth.NewTickets(pool),
		Web:      testWeb,
		Registry: registry,
		Ready: map[string]Check{
			"database":   func(ctx context.Context) error { return pool.Ping(ctx) },
			"migrations": func(ctx context.Context) error { return store.CheckMigrated(ctx, pool) },
			"listener":   log.Ready,
		},
		Degraded: degraded,
	}
	for _, tweak := range tweaks {
		tweak(&deps)
	}
	handler, err := NewHandler(ctx, deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	// Streams and feed waits end before the server closes.
	t.Cleanup(hub.Shutdown)
	t.Cleanup(log.Shutdown)
	s.URL = srv.URL
	return s
}

// mint signs a token valid from issuedAt for ttl; an issuedAt far enough in the past gives an expired token.
func mint(t *testing.T, role auth.Role, issuedAt time.Time, ttl time.Duration) string {
	t.Helper()
	token, err := auth.Mint(testSecret, auth.Principal{Subject: uuid.New(), Role: role}, ttl, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// do sends a request with an optional bearer token and returns the status, headers and body.
func (s *testServer) do(t *testing.T, method, path, token, contentType, body string) (int, http.Header, string) {
	t.Helper()
	resp := s.send(t, context.Background(), method, path, token, contentType, body)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(data)
}

// send sends a request with an optional bearer token and content type; the caller closes
// the response's body.
func (s *testServer) send(t *testing.T, ctx context.Context, method, path, token, contentType, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// note is what every event and notification has, whatever its type (the generated
// Event and Notification are unions: their fields are reached through ValueByDiscriminator).
type note struct {
	ID           int64  `json:"id"`
	ResourceType string `json:"resource_type"`
	Data         struct {
		OrderID  *uuid.UUID     `json:"order_id"`
		ThreadID *uuid.UUID     `json:"thread_id"`
		Meta     map[string]any `json:"meta"`
	} `json:"data"`
	IsRead bool `json:"is_read"`
}

func noteOf(t testing.TB, n json.Marshaler) note {
	t.Helper()
	data, err := n.MarshalJSON()
	var got note
	if err == nil {
		err = json.Unmarshal(data, &got)
	}
	if err != nil {
		t.Fatalf("event: %v", err)
	}
	return got
}

// openLateEvent appends an orders.updated event of order in a transaction left open, as
// a writer whose id was drawn before later ones commit: readers must hold back everything
// after it until the caller commits (or rolls back) the returned transaction.
func (s *testServer) openLateEvent(t testing.TB, order apiclient.Order, user, admin *actor) (pgx.Tx, int64) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := db.New(tx).AppendEvent(ctx, db.AppendEventParams{Resource: "orders", ResourceType: "orders.updated",
		OrderID: &order.OrderId, ThreadID: &order.ThreadId, UserID: &user.Subject, UserVisible: true, ActorID: &admin.Subject,
		Meta: []byte(`{"status":"paid","previous_status":"pending"}`)})
	if err != nil {
		_ = tx.Rollback(ctx)
		t.Fatal(err)
	}
	return tx, id
}
