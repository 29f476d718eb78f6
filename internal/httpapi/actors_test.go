package httpapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// actor is a signed-in principal calling the server through the generated Go client,
// every response checked against openapi.yaml.
type actor struct {
	auth.Principal
	token string
	api   *apiclient.ClientWithResponses
}

func (s *testServer) newActor(t testing.TB, role auth.Role) *actor {
	t.Helper()
	p := auth.Principal{Subject: uuid.New(), Email: uuid.NewString()[:8] + "@example.com", Role: role}
	return s.actorWithToken(t, p, time.Now())
}

// actorWithToken is p calling with a token of its own, issued at issued.
func (s *testServer) actorWithToken(t testing.TB, p auth.Principal, issued time.Time) *actor {
	t.Helper()
	token, err := auth.Mint(testSecret, p, time.Hour, issued)
	if err != nil {
		t.Fatal(err)
	}
	client, err := apiclient.NewClientWithResponses(s.URL+apiBase,
		apiclient.WithHTTPClient(s.Client),
		apiclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return &actor{Principal: p, token: token, api: client}
}

// response is what every generated *Response has.
type response interface{ StatusCode() int }

// expect fails the test unless the call succeeded with status want.
func expect[R response](t testing.TB, want int) func(R, error) R {
	return func(resp R, err error) R {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != want {
			t.Fatalf("status %d, want %d", resp.StatusCode(), want)
		}
		return resp
	}
}

// placeOrder creates an order of one mug for a and returns it.
func (a *actor) placeOrder(t testing.TB) apiclient.Order {
	t.Helper()
	resp := expect[*apiclient.CreateOrderResponse](t, http.StatusCreated)(a.api.CreateOrderWithResponse(context.Background(),
		apiclient.CreateOrderRequest{Items: []apiclient.OrderItem{{Name: "Blue mug", Quantity: 2, UnitPriceCents: 1250}}}))
	return *resp.JSON201
}

// say posts text to a thread and returns the stored message.
func (a *actor) say(t *testing.T, threadID uuid.UUID, text string) apiclient.Message {
	t.Helper()
	resp := expect[*apiclient.CreateMessageResponse](t, http.StatusCreated)(a.api.CreateMessageWithResponse(context.Background(),
		apiclient.CreateMessageRequest{ThreadId: threadID, MessageContent: &text}))
	return *resp.JSON201
}

// rowCounts is the number of rows of every table: a bad request must leave it as it was.
func (s *testServer) rowCounts(t *testing.T) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, table := range []string{"orders", "order_items", "threads", "messages", "thread_reads", "events", "notification_reads", "notification_watermarks", "order_status_changes", "media_uploads"} {
		var n int64
		if err := s.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	var media int64
	if err := s.Pool.QueryRow(context.Background(), "SELECT count(*) FROM messages WHERE media_data IS NOT NULL OR media_key IS NOT NULL").Scan(&media); err != nil {
		t.Fatal(err)
	}
	counts["attachments"] = media
	if s.S3 != nil {
		counts["objects"] = int64(len(s.S3.Keys(t, s.Bucket)))
	}
	return counts
}

// eventTypes lists the resource_type of every event in the log, in id order.
func (s *testServer) eventTypes(t *testing.T) []string {
	t.Helper()
	rows, err := s.Pool.Query(context.Background(), "SELECT resource_type FROM events ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var types []string
	for rows.Next() {
		var rt string
		if err := rows.Scan(&rt); err != nil {
			t.Fatal(err)
		}
		types = append(types, rt)
	}
	return types
}
