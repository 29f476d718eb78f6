package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// pngBytes is a real PNG image of side×side pixels.
func pngBytes(side int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range side {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

type uploadResult struct {
	status  int
	header  http.Header
	body    string
	message apiclient.Message
}

// postUpload posts a multipart message with one attachment (and text, when given).
func postUpload(t *testing.T, s *testServer, token string, threadID uuid.UUID, filename string, data []byte, text string) uploadResult {
	t.Helper()
	return postUploadAs(t, s, token, threadID, filename, data, text, "")
}

// postUploadAs is postUpload with a visibility field, when given.
func postUploadAs(t *testing.T, s *testServer, token string, threadID uuid.UUID, filename string, data []byte, text, visibility string) uploadResult {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("thread_id", threadID.String())
	if text != "" {
		_ = w.WriteField("message_content", text)
	}
	if visibility != "" {
		_ = w.WriteField("visibility", visibility)
	}
	part, _ := w.CreateFormFile("media_data", filename)
	_, _ = part.Write(data)
	_ = w.Close()
	return s.postMultipart(t, token, w.FormDataContentType(), &body)
}

// photoWithID is a multipart post of a small PNG with a client-chosen message_id.
func photoWithID(threadID, messageID uuid.UUID) (contentType string, body io.Reader) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("thread_id", threadID.String())
	_ = w.WriteField("message_id", messageID.String())
	part, _ := w.CreateFormFile("media_data", "photo.png")
	_, _ = part.Write(pngBytes(16))
	_ = w.Close()
	return w.FormDataContentType(), &b
}

func (s *testServer) postMultipart(t *testing.T, token, contentType string, body io.Reader) uploadResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/messages/upload", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := uploadResult{status: resp.StatusCode, header: resp.Header, body: string(data)}
	if r.status == http.StatusCreated || r.status == http.StatusOK {
		if err := json.Unmarshal(data, &r.message); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestAnAttachmentRoundTrips(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
		order := user.placeOrder(t)
		image := pngBytes(32)

		up := postUpload(t, s, user.token, order.ThreadId, `../../etc/"receipt".png`, image, "here is the receipt")
		if up.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		m := up.message.Media
		if m == nil || m.ContentType != "image/png" || m.SizeBytes != int64(len(image)) || m.Filename != "receipt.png" ||
			m.Url != "/api/messages/"+up.message.MessageId.String()+"/media" || up.message.MessageContent != "here is the receipt" {
			t.Fatalf("stored message: %+v media %+v", up.message, m)
		}

		resp := expect[*apiclient.GetMessageMediaResponse](t, http.StatusOK)(admin.api.GetMessageMediaWithResponse(ctx, up.message.MessageId))
		h := resp.HTTPResponse.Header
		if !bytes.Equal(resp.Body, image) {
			t.Fatalf("downloaded %d bytes, uploaded %d", len(resp.Body), len(image))
		}
		for name, want := range map[string]string{
			"Content-Type": "image/png", "X-Content-Type-Options": "nosniff", "Content-Disposition": `inline; filename=receipt.png`,
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "sandbox") {
			t.Errorf("Content-Security-Policy %q lets content run", csp)
		}

		list := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(admin.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId}))
		if len(list.JSON200.Items) != 1 || list.JSON200.Items[0].Media == nil || list.JSON200.Items[0].Media.SizeBytes != int64(len(image)) {
			t.Fatalf("listing: %+v", list.JSON200.Items)
		}
		// A message without an attachment has no media to download.
		text := admin.say(t, order.ThreadId, "thanks")
		expect[*apiclient.GetMessageMediaResponse](t, http.StatusNotFound)(admin.api.GetMessageMediaWithResponse(ctx, text.MessageId))
	})
}

// TestTheGoClientUploadsAnAttachment: the generated Go client's uploadMessage is a
// working multipart call, idempotent by message_id like the JSON post.
func TestTheGoClientUploadsAnAttachment(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		user := s.newActor(t, auth.RoleUser)
		order := user.placeOrder(t)
		id := uuid.New()
		upload := func() (*apiclient.UploadMessageResponse, error) {
			contentType, body := photoWithID(order.ThreadId, id)
			return user.api.UploadMessageWithBodyWithResponse(ctx, contentType, body)
		}
		created := expect[*apiclient.UploadMessageResponse](t, http.StatusCreated)(upload())
		if created.JSON201.MessageId != id || created.JSON201.Media == nil || created.JSON201.Media.ContentType != "image/png" {
			t.Fatalf("uploaded: %+v", created.JSON201)
		}
		again := expect[*apiclient.UploadMessageResponse](t, http.StatusOK)(upload())
		if again.JSON200.MessageId != id {
			t.Fatalf("retry answered another message: %+v", again.JSON200)
		}
	})
}

func TestAPDFIsServedAsADownload(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		user := s.newActor(t, auth.RoleUser)
		order := user.placeOrder(t)
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		up := postUpload(t, s, user.token, order.ThreadId, "invoice.pdf", pdf, "")
		if up.status != http.StatusCreated || up.message.Media == nil || up.message.Media.ContentType != "application/pdf" || up.message.MessageContent != "" {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		resp := expect[*apiclient.GetMessageMediaResponse](t, http.StatusOK)(user.api.GetMessageMediaWithResponse(context.Background(), up.message.MessageId))
		if got := resp.HTTPResponse.Header.Get("Content-Disposition"); got != "attachment; filename=invoice.pdf" {
			t.Fatalf("Content-Disposition %q", got)
		}
	})
}

func TestARetriedPostWithTheSameMessageIDIsStoredOnce(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, other := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser)
	order := user.placeOrder(t)
	id, text := uuid.New(), "are you there?"
	body := apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text, MessageId: &id}

	first := expect[*apiclient.CreateMessageResponse](t, http.StatusCreated)(user.api.CreateMessageWithResponse(ctx, body))
	events := len(s.eventTypes(t))
	again := expect[*apiclient.CreateMessageResponse](t, http.StatusOK)(user.api.CreateMessageWithResponse(ctx, body))
	if again.JSON200.MessageId != id || !again.JSON200.CreatedAt.Equal(first.JSON201.CreatedAt) {
		t.Fatalf("retry answered %+v, first %+v", again.JSON200, first.JSON201)
	}
	if n := len(s.eventTypes(t)); n != events {
		t.Fatalf("the retry appended %d events", n-events)
	}
	// The same id in someone else's post is refused, without revealing the message.
	otherOrder := other.placeOrder(t)
	stolen := apiclient.CreateMessageRequest{ThreadId: otherOrder.ThreadId, MessageContent: &text, MessageId: &id}
	expect[*apiclient.CreateMessageResponse](t, http.StatusConflict)(other.api.CreateMessageWithResponse(ctx, stolen))
}

// concurrently runs post n times at once and counts the statuses it returns.
func concurrently(n int, post func() int) map[int]int {
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { statuses <- post() })
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for status := range statuses {
		count[status]++
	}
	return count
}

// TestConcurrentRetriesAreStoredOnce: the same post sent ten times at once (a client
// retrying over several connections) is stored once: one 201, nine 200s with the
// stored message, one event.
func TestConcurrentRetriesAreStoredOnce(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user := s.newActor(t, auth.RoleUser)
	order := user.placeOrder(t)
	events := len(s.eventTypes(t))
	id, text := uuid.New(), "sent over a flaky network"
	body := apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text, MessageId: &id}

	count := concurrently(10, func() int {
		resp, err := user.api.CreateMessageWithResponse(ctx, body)
		switch {
		case err != nil:
			return 0
		case resp.JSON201 != nil && resp.JSON201.MessageId == id, resp.JSON200 != nil && resp.JSON200.MessageId == id:
			return resp.StatusCode()
		default:
			return -resp.StatusCode()
		}
	})
	if count[http.StatusCreated] != 1 || count[http.StatusOK] != 9 {
		t.Fatalf("statuses %v, want one 201 and nine 200 carrying the message", count)
	}
	if n := len(s.eventTypes(t)) - events; n != 1 {
		t.Fatalf("%d events appended, want 1", n)
	}
}

func TestFiftyConcurrentPostsAreAllStored(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)

	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			poster := user
			if i%2 == 1 {
				poster = admin
			}
			text := fmt.Sprintf("message %d", i)
			resp, err := poster.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: order.ThreadId, MessageContent: &text})
			if err == nil && resp.StatusCode() != http.StatusCreated {
				err = fmt.Errorf("post %d: status %d %s", i, resp.StatusCode(), resp.Body)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var stored int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM messages WHERE thread_id = $1`, order.ThreadId).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var same bool
	if err := s.Pool.QueryRow(ctx, `SELECT t.updated_at = (SELECT max(created_at) FROM messages m WHERE m.thread_id = t.thread_id)
		FROM threads t WHERE t.thread_id = $1`, order.ThreadId).Scan(&same); err != nil {
		t.Fatal(err)
	}
	if stored != 50 || !same {
		t.Fatalf("%d messages stored (want 50); thread.updated_at equals the newest message: %v", stored, same)
	}
	if n := len(s.eventTypes(t)); n != 51 {
		t.Fatalf("%d events, want 51 (the order and 50 messages)", n)
	}
}

func TestMessagesPageOldestFirstWithoutGapsOrRepeats(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user := s.newActor(t, auth.RoleUser)
	order := user.placeOrder(t)
	var want []uuid.UUID
	for i := range 120 {
		want = append(want, user.say(t, order.ThreadId, fmt.Sprintf("m%03d", i)).MessageId)
	}
	var got []uuid.UUID
	var cursor *string
	var pages []int
	for {
		resp := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(user.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId, Cursor: cursor}))
		pages = append(pages, len(resp.JSON200.Items))
		for _, m := range resp.JSON200.Items {
			got = append(got, m.MessageId)
		}
		if cursor = resp.JSON200.NextCursor; cursor == nil {
			break
		}
	}
	if fmt.Sprint(pages) != "[50 50 20]" || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pages of %v; order matches: %v", pages, fmt.Sprint(got) == fmt.Sprint(want))
	}
	limit := 7
	resp := expect[*apiclient.ListMessagesResponse](t, http.StatusOK)(user.api.ListMessagesWithResponse(ctx, &apiclient.ListMessagesParams{ThreadId: order.ThreadId, Limit: &limit}))
	if len(resp.JSON200.Items) != 7 || resp.JSON200.NextCursor == nil {
		t.Fatalf("limit=7 gave %d items", len(resp.JSON200.Items))
	}
}

// TestHostileFilesCannotRunInOurOrigin: markup is refused whatever its name, and a
// polyglot that sniffs as an image is served so that a browser can only show it as one.
func TestHostileFilesCannotRunInOurOrigin(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		user := s.newActor(t, auth.RoleUser)
		order := user.placeOrder(t)
		for name, file := range map[string][]byte{
			"page.png":  []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
			"logo.svg":  []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`),
			"data.json": []byte(`{"a":1}`),
		} {
			if got := postUpload(t, s, user.token, order.ThreadId, name, file, ""); got.status != http.StatusUnsupportedMediaType {
				t.Errorf("%s: %d %s", name, got.status, got.body)
			}
		}
		polyglot := append(pngBytes(4), []byte("<html><body><script>alert(document.domain)</script></body></html>")...)
		up := postUpload(t, s, user.token, order.ThreadId, "innocent.html", polyglot, "")
		if up.status != http.StatusCreated || up.message.Media.ContentType != "image/png" {
			t.Fatalf("polyglot: %d %s", up.status, up.body)
		}
		resp := expect[*apiclient.GetMessageMediaResponse](t, http.StatusOK)(user.api.GetMessageMediaWithResponse(context.Background(), up.message.MessageId))
		h := resp.HTTPResponse.Header
		if h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("polyglot served with %v", h)
		}
	})
}
