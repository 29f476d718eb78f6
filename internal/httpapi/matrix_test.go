package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

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
	"PUT /threads/{thread_id}/assignee":     adminOnly(200),
	"DELETE /threads/{thread_id}/assignee":  adminOnly(200),
	"GET /admins":                           adminOnly(200),
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

// noteMatrix is the access rule of every operation that names one message or event, when
// it names an internal note (or its event) instead: admins only, and to anyone else it does
// not exist. Every other operation's answer is searched for the note (TestAuthorizationMatrix).
var noteMatrix = map[string]access{
	"GET /messages/{message_id}/media": ownerOnly(200),
	"POST /threads/{thread_id}/read":   ownerOnly(200),
	"PATCH /notifications/{id}":        ownerOnly(200),
}

func init() {
	for op := range noteMatrix {
		noteMatrix[op] = access{401, 401, 401, 404, 404, 200}
	}
}

// fixture is the world one matrix cell runs in, fresh for every cell because cells
// change it (closing a thread, say).
type fixture struct {
	user, other, admin       *actor
	orderID, threadID, media string
	readable                 string // a message of the user's thread
	notification             int64  // an event both the user and the admin are notified of
	note                     string // an internal note with an attachment, in the user's thread
	noteEvent                int64  // its messages.new event, an admin's notification
	noteMarker               string // the note's text, which no customer may ever read
}

// withNote makes f name the note where an operation names a message or event.
func (f fixture) withNote() fixture {
	f.readable, f.media, f.notification = f.note, f.note, f.noteEvent
	return f
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
	f.noteMarker = "note-marker-" + uuid.NewString()
	note := postNote(t, s, s.newActor(t, auth.RoleAdmin), order.ThreadId, f.noteMarker, pngBytes(4))
	f.note = note.String()
	if err := s.Pool.QueryRow(context.Background(), `SELECT max(id) FROM events`).Scan(&f.noteEvent); err != nil {
		t.Fatal(err)
	}
	f.admin.api.ListAdminsWithResponse(context.Background()) // so that the admin has a name to be assigned by
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
	case "PUT /threads/{thread_id}/assignee":
		body = `{"assignee_id":"` + f.admin.Subject.String() + `"}`
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

// TestAuthorizationMatrix calls every operation of the contract as every kind of caller,
// and checks that no answer to a caller other than an admin holds the fixture's internal
// note (its text or its id); then the operations that name a message or event, naming the
// note, as every caller (noteMatrix).
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
			t.Run(op+"/"+caller, func(t *testing.T) {
				f := newFixture(t, s)
				body := f.call(t, s, op, caller, matrix[op][i])
				if caller != "admin" && (strings.Contains(body, f.noteMarker) || strings.Contains(body, f.note)) {
					t.Fatalf("%s got the internal note: %s", caller, body)
				}
			})
			cells++
		}
	}
	for op, rule := range noteMatrix {
		for i, caller := range callers {
			t.Run(op+"/note/"+caller, func(t *testing.T) {
				newFixture(t, s).withNote().call(t, s, op, caller, rule[i])
			})
			cells++
		}
	}
	t.Logf("authorization matrix: %d operations × %d callers + %d note cells = %d cells", len(ops), len(callers), len(noteMatrix)*len(callers), cells)
}

// call runs op as caller and checks the status; it returns the start of the answer (event
// streams: only what arrived with the status line).
func (f fixture) call(t *testing.T, s *testServer, op, caller string, want int) string {
	t.Helper()
	method, path, body, contentType := f.request(op)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends event streams once their status is known
	resp := s.send(t, ctx, method, path, f.token(t, caller), contentType, body)
	defer resp.Body.Close()
	var data []byte
	if resp.Header.Get("Content-Type") == "text/event-stream" {
		buf := make([]byte, 64<<10)
		n, _ := resp.Body.Read(buf)
		data = buf[:n]
	} else {
		data, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d: %.512s", resp.StatusCode, want, data)
	}
	return string(data)
}
