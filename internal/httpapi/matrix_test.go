package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"orderchat/internal/auth"
	"orderchat/internal/contracttest"
)

// The callers of the authorization matrix.
var callers = []string{"no token", "expired", "wrong signature", "other user", "user", "admin"}

// access is the status each caller gets: the order of callers.
type access [6]int

var (
	anyone    = func(ok int) access { return access{401, 401, 401, ok, ok, ok} }
	ownerOnly = func(ok int) access { return access{401, 401, 401, 404, ok, ok} }
	adminOnly = func(ok int) access { return access{401, 401, 401, 403, 403, ok} }
)

// matrix is the access rule of every operation of openapi.yaml. An operation added to
// the contract without a rule here fails TestAuthorizationMatrix.
var matrix = map[string]access{
	"POST /orders":                          {401, 401, 401, 201, 201, 403},
	"GET /orders":                           anyone(200),
	"GET /orders/{order_id}":                ownerOnly(200),
	"PATCH /orders/{order_id}":              adminOnly(200),
	"GET /threads":                          anyone(200),
	"GET /threads/{thread_id}":              ownerOnly(200),
	"PATCH /threads/{thread_id}":            adminOnly(200),
	"POST /threads/{thread_id}/read":        ownerOnly(200),
	"GET /messages":                         ownerOnly(200),
	"POST /messages":                        ownerOnly(201),
	"POST /messages/upload":                 ownerOnly(201),
	"GET /messages/{message_id}/media":      ownerOnly(200),
	"GET /notifications":                    anyone(200),
	"PATCH /notifications/{id}":             ownerOnly(200),
	"POST /notifications/read-all":          anyone(200),
	"POST /sse/tickets":                     anyone(201),
	"GET /events":                           anyone(200),
	"GET /admin/sse":                        adminOnly(200),
	"GET /users/sse/notification/{user_id}": {401, 401, 401, 403, 200, 403},
}

// fixture is the world one matrix cell runs in, fresh for every cell because cells
// change it (closing a thread, say).
type fixture struct {
	user, other, admin       *actor
	orderID, threadID, media string
	readable                 string // a message of the user's thread
	notification             int64  // an event both the user and the admin are notified of
}

func newFixture(t *testing.T, s *testServer) fixture {
	t.Helper()
	f := fixture{user: s.newActor(t, auth.RoleUser), other: s.newActor(t, auth.RoleUser), admin: s.newActor(t, auth.RoleAdmin)}
	order := f.user.placeOrder(t)
	f.orderID, f.threadID = order.OrderId.String(), order.ThreadId.String()
	msg := s.newActor(t, auth.RoleAdmin).say(t, order.ThreadId, "from a colleague")
	f.readable = msg.MessageId.String()
	if err := s.Pool.QueryRow(context.Background(), `SELECT max(id) FROM events`).Scan(&f.notification); err != nil {
		t.Fatal(err)
	}
	up := postUpload(t, s, f.user.token, order.ThreadId, "a.png", pngBytes(8), "")
	f.media = up.message.MessageId.String()
	return f
}

// request builds the call of one operation against the fixture.
func (f fixture) request(op string) (method, path, body, contentType string) {
	method, path, _ = strings.Cut(op, " ")
	path = strings.NewReplacer("{order_id}", f.orderID, "{thread_id}", f.threadID, "{message_id}", f.media,
		"{id}", fmt.Sprint(f.notification), "{user_id}", f.user.Subject.String()).Replace(path)
	switch op {
	case "POST /orders":
		body = `{"items":[{"name":"mug","quantity":1,"unit_price_cents":100}]}`
	case "PATCH /orders/{order_id}":
		body = `{"status":"paid"}`
	case "PATCH /threads/{thread_id}":
		body = `{"is_active":false}`
	case "POST /threads/{thread_id}/read":
		body = `{"message_id":"` + f.readable + `"}`
	case "POST /messages":
		body = `{"thread_id":"` + f.threadID + `","message_content":"hi"}`
	case "POST /messages/upload":
		var form bytes.Buffer
		w := multipart.NewWriter(&form)
		_ = w.WriteField("thread_id", f.threadID)
		part, _ := w.CreateFormFile("media_data", "a.png")
		_, _ = part.Write(pngBytes(8))
		_ = w.Close()
		return method, apiBase + path, form.String(), w.FormDataContentType()
	case "PATCH /notifications/{id}":
		body = `{"is_read":true}`
	case "GET /messages":
		path += "?thread_id=" + f.threadID
	}
	if body != "" {
		contentType = "application/json"
	}
	return method, apiBase + path, body, contentType
}

func (f fixture) token(t *testing.T, caller string) string {
	t.Helper()
	switch caller {
	case "no token":
		return ""
	case "expired":
		token, _ := auth.Mint(testSecret, f.admin.Principal, time.Minute, time.Now().Add(-time.Hour))
		return token
	case "wrong signature":
		token, _ := auth.Mint([]byte("not-the-server-secret-not-the-server-secret"), f.admin.Principal, time.Hour, time.Now())
		return token
	case "other user":
		return f.other.token
	case "user":
		return f.user.token
	default:
		return f.admin.token
	}
}

// TestAuthorizationMatrix calls every operation of the contract as every kind of caller.
func TestAuthorizationMatrix(t *testing.T) {
	s := newTestServer(t)
	ops := contracttest.Operations(t)
	slices.Sort(ops)
	for _, op := range ops {
		if _, ok := matrix[op]; !ok {
			t.Errorf("%s has no rule in the authorization matrix", op)
		}
	}
	for op := range matrix {
		if !slices.Contains(ops, op) {
			t.Errorf("the matrix has a rule for %s, which is no operation of openapi.yaml", op)
		}
	}
	cells := 0
	for _, op := range ops {
		for i, caller := range callers {
			want := matrix[op][i]
			t.Run(op+"/"+caller, func(t *testing.T) {
				f := newFixture(t, s)
				method, path, body, contentType := f.request(op)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel() // ends event streams once their status is known
				req, _ := http.NewRequestWithContext(ctx, method, s.URL+path, strings.NewReader(body))
				if token := f.token(t, caller); token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				if contentType != "" {
					req.Header.Set("Content-Type", contentType)
				}
				resp, err := s.Client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != want {
					data, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, want, data)
				}
			})
			cells++
		}
	}
	t.Logf("authorization matrix: %d operations × %d callers = %d cells", len(ops), len(callers), cells)
}
