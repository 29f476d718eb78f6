package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/media"
)

// badRequest is one hostile or broken request and the exact status it must get.
type badRequest struct {
	name        string
	method      string
	path        string
	token       string
	contentType string
	body        func() io.Reader
	want        int
}

func jsonBody(v string) func() io.Reader { return func() io.Reader { return strings.NewReader(v) } }

// multipartBody builds a message post from fields (name → value) and, when file is not
// nil, one media_data part.
func multipartBody(fields map[string]string, filename string, file []byte, extraFiles int) (string, func() io.Reader) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for range 1 + extraFiles {
		if file != nil {
			part, _ := w.CreateFormFile("media_data", filename)
			_, _ = part.Write(file)
		}
	}
	_ = w.Close()
	data := buf.Bytes()
	return w.FormDataContentType(), func() io.Reader { return bytes.NewReader(data) }
}

// TestBadInputIsRefusedAndChangesNothing sends each bad request and checks the exact
// status, a problem+json body, and that no table changed.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	open := user.placeOrder(t)
	closed := user.placeOrder(t)
	expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(ctx, closed.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
	delivered := user.placeOrder(t)
	expect[*apiclient.UpdateOrderResponse](t, http.StatusOK)(admin.api.UpdateOrderWithResponse(ctx, delivered.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Delivered}))
	foreign := other.placeOrder(t)
	otherMsg := other.say(t, foreign.ThreadId, "mine")
	admin.say(t, foreign.ThreadId, "a notification for the other user")
	var foreignNote int64
	if err := s.Pool.QueryRow(ctx, `SELECT max(id) FROM events WHERE resource_type = 'messages.new'`).Scan(&foreignNote); err != nil {
		t.Fatal(err)
	}
	expired, err := auth.Mint(testSecret, user.Principal, time.Minute, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	thread := open.ThreadId.String()
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 512)...)
	png := pngBytes(16)
	overLimit := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, media.MaxBytes+1-len(png))...)
	type mp struct {
		ct   string
		body func() io.Reader
	}
	upload := func(fields map[string]string, name string, file []byte) mp {
		c, b := multipartBody(fields, name, file, 0)
		return mp{c, b}
	}
	tooBig := upload(map[string]string{"thread_id": thread}, "big.png", overLimit)
	renamedExe := upload(map[string]string{"thread_id": thread}, "cat.png", exe)
	empty := upload(map[string]string{"thread_id": thread}, "empty.png", []byte{})
	longText := upload(map[string]string{"thread_id": thread, "message_content": strings.Repeat("é", 4001)}, "a.png", png)
	unknownField := upload(map[string]string{"thread_id": thread, "color": "red"}, "a.png", png)
	noThread := upload(map[string]string{"message_content": "hi"}, "a.png", png)
	badOwner := upload(map[string]string{"thread_id": thread, "owner": "robot"}, "a.png", png)
	twoFiles := func() mp {
		c, b := multipartBody(map[string]string{"thread_id": thread}, "a.png", png, 1)
		return mp{c, b}
	}()
	manyParts := func() mp {
		fields := map[string]string{"thread_id": thread}
		for i := range 10 {
			fields[fmt.Sprintf("f%d", i)] = "x"
		}
		c, b := multipartBody(fields, "", nil, 0)
		return mp{c, b}
	}()
	textOnly := upload(map[string]string{"thread_id": thread, "message_content": "no file"}, "", nil)
	foreignUpload := upload(map[string]string{"thread_id": foreign.ThreadId.String()}, "a.png", png)
	closedUpload := upload(map[string]string{"thread_id": closed.ThreadId.String()}, "a.png", png)

	cases := []badRequest{
		{"malformed JSON", "POST", "/api/orders", user.token, "application/json", jsonBody(`{"items": [`), 400},
		{"wrong type", "POST", "/api/orders", user.token, "application/json", jsonBody(`{"items":[{"name":"mug","quantity":"two","unit_price_cents":1}]}`), 400},
		{"no items", "POST", "/api/orders", user.token, "application/json", jsonBody(`{"items":[]}`), 400},
		{"101 items", "POST", "/api/orders", user.token, "application/json", jsonBody(`{"items":[` + strings.TrimSuffix(strings.Repeat(`{"name":"m","quantity":1,"unit_price_cents":1},`, 101), ",") + `]}`), 400},
		{"JSON array body", "POST", "/api/orders", user.token, "application/json", jsonBody(`[]`), 400},
		{"text/plain body", "POST", "/api/orders", user.token, "text/plain", jsonBody(`items`), 400},
		{"no token", "POST", "/api/orders", "", "application/json", jsonBody(`{"items":[{"name":"m","quantity":1,"unit_price_cents":1}]}`), 401},
		{"expired token", "POST", "/api/messages", expired, "application/json", jsonBody(`{"thread_id":"` + thread + `","message_content":"hi"}`), 401},
		{"admin places an order", "POST", "/api/orders", admin.token, "application/json", jsonBody(`{"items":[{"name":"m","quantity":1,"unit_price_cents":1}]}`), 403},
		{"user changes an order", "PATCH", "/api/orders/" + open.OrderId.String(), user.token, "application/json", jsonBody(`{"status":"paid"}`), 403},
		{"unknown status", "PATCH", "/api/orders/" + open.OrderId.String(), admin.token, "application/json", jsonBody(`{"status":"lost"}`), 400},
		{"leave a final status", "PATCH", "/api/orders/" + delivered.OrderId.String(), admin.token, "application/json", jsonBody(`{"status":"pending"}`), 409},
		{"unknown order", "PATCH", "/api/orders/" + uuid.NewString(), admin.token, "application/json", jsonBody(`{"status":"paid"}`), 404},
		{"foreign order", "GET", "/api/orders/" + foreign.OrderId.String(), user.token, "", nil, 404},
		{"user closes a thread", "PATCH", "/api/threads/" + thread, user.token, "application/json", jsonBody(`{"is_active":false}`), 403},
		{"reopen a thread", "PATCH", "/api/threads/" + closed.ThreadId.String(), admin.token, "application/json", jsonBody(`{"is_active":true}`), 400},
		{"unknown thread", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + uuid.NewString() + `","message_content":"hi"}`), 404},
		{"foreign thread", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + foreign.ThreadId.String() + `","message_content":"hi"}`), 404},
		{"thread id not a UUID", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"42","message_content":"hi"}`), 400},
		{"closed thread", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + closed.ThreadId.String() + `","message_content":"hi"}`), 409},
		{"empty text, no attachment", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + thread + `","message_content":""}`), 400},
		{"no text at all", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + thread + `"}`), 400},
		{"4001 characters", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + thread + `","message_content":"` + strings.Repeat("x", 4001) + `"}`), 400},
		{"owner of the other side", "POST", "/api/messages", user.token, "application/json", jsonBody(`{"thread_id":"` + thread + `","message_content":"hi","owner":"admin"}`), 403},
		{"attachment of 5 MiB + 1 byte", "POST", "/api/messages/upload", user.token, tooBig.ct, tooBig.body, 413},
		{"renamed .exe as image/png", "POST", "/api/messages/upload", user.token, renamedExe.ct, renamedExe.body, 415},
		{"0-byte file", "POST", "/api/messages/upload", user.token, empty.ct, empty.body, 400},
		{"multipart 4001 characters", "POST", "/api/messages/upload", user.token, longText.ct, longText.body, 400},
		{"multipart unknown field", "POST", "/api/messages/upload", user.token, unknownField.ct, unknownField.body, 400},
		{"multipart without thread_id", "POST", "/api/messages/upload", user.token, noThread.ct, noThread.body, 400},
		{"multipart bad owner", "POST", "/api/messages/upload", user.token, badOwner.ct, badOwner.body, 400},
		{"two attachments", "POST", "/api/messages/upload", user.token, twoFiles.ct, twoFiles.body, 400},
		{"too many parts", "POST", "/api/messages/upload", user.token, manyParts.ct, manyParts.body, 400},
		{"multipart to a foreign thread", "POST", "/api/messages/upload", user.token, foreignUpload.ct, foreignUpload.body, 404},
		{"multipart to a closed thread", "POST", "/api/messages/upload", user.token, closedUpload.ct, closedUpload.body, 409},
		{"upload without an attachment", "POST", "/api/messages/upload", user.token, textOnly.ct, textOnly.body, 400},
		{"multipart to the JSON operation", "POST", "/api/messages", user.token, closedUpload.ct, closedUpload.body, 400},
		{"JSON to the upload operation", "POST", "/api/messages/upload", user.token, "application/json", jsonBody(`{"thread_id":"` + thread + `","message_content":"hi"}`), 400},
		{"multipart without boundary", "POST", "/api/messages/upload", user.token, "multipart/form-data", jsonBody("--x--"), 400},
		{"foreign media", "GET", "/api/messages/" + otherMsg.MessageId.String() + "/media", user.token, "", nil, 404},
		{"read marker of a foreign message", "POST", "/api/threads/" + thread + "/read", user.token, "application/json", jsonBody(`{"message_id":"` + otherMsg.MessageId.String() + `"}`), 404},
		{"foreign notification", "PATCH", fmt.Sprintf("/api/notifications/%d", foreignNote), user.token, "application/json", jsonBody(`{"is_read":true}`), 404},
		{"notification id 0", "PATCH", "/api/notifications/0", user.token, "application/json", jsonBody(`{"is_read":true}`), 400},
		{"malformed cursor", "GET", "/api/orders?cursor=not-a-cursor", user.token, "", nil, 400},
		{"limit 0", "GET", "/api/threads?limit=0", user.token, "", nil, 400},
		{"limit 201", "GET", "/api/notifications?limit=201", user.token, "", nil, 400},
		{"messages without thread_id", "GET", "/api/messages", user.token, "", nil, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := s.rowCounts(t)
			var body io.Reader
			if tc.body != nil {
				body = tc.body()
			}
			req, err := http.NewRequest(tc.method, s.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := s.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var p struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if resp.StatusCode != tc.want || resp.Header.Get("Content-Type") != "application/problem+json" ||
				json.Unmarshal(data, &p) != nil || p.Status != tc.want || p.Detail == "" {
				t.Fatalf("status %d %q, want %d problem+json: %s", resp.StatusCode, resp.Header.Get("Content-Type"), tc.want, data)
			}
			if after := s.rowCounts(t); !sameCounts(before, after) {
				t.Fatalf("the database changed: %v -> %v", before, after)
			}
		})
	}
	t.Logf("%d bad inputs refused", len(cases))
}

// TestAnUploadIsBoundedWhileStreaming: a chunked body with no Content-Length cannot
// smuggle more than the limit, and exactly 5 MiB is accepted.
func TestAnUploadIsBoundedWhileStreaming(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		user := s.newActor(t, auth.RoleUser)
		order := user.placeOrder(t)
		png := pngBytes(16)
		exactly := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, media.MaxBytes-len(png))...)
		if got := postUpload(t, s, user.token, order.ThreadId, "max.png", exactly, ""); got.status != http.StatusCreated || got.message.Media.SizeBytes != media.MaxBytes {
			t.Fatalf("exactly 5 MiB: %d %s", got.status, got.body)
		}

		before := s.rowCounts(t)
		huge := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, 8<<20)...)
		contentType, body := multipartBody(map[string]string{"thread_id": order.ThreadId.String()}, "huge.png", huge, 0)
		chunked := io.MultiReader(body()) // hides the length: the client sends it chunked
		if got := s.postMultipart(t, user.token, contentType, chunked); got.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("8 MiB chunked upload: %d %s", got.status, got.body)
		}
		if after := s.rowCounts(t); !sameCounts(before, after) {
			t.Fatalf("the database changed: %v -> %v", before, after)
		}
	})
}
