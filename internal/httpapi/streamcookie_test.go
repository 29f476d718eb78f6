package httpapi

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"orderchat/internal/auth"
	"orderchat/internal/syncbuf"
)

// sseEvent is one event read off the wire.
type sseEvent struct {
	id   string
	data string
}

// sseEvents reads resp's events (those with data) into a channel; bare ids and comments
// are skipped.
func sseEvents(resp *http.Response) <-chan sseEvent {
	out := make(chan sseEvent, 100)
	go func() {
		defer close(out)
		scanner := bufio.NewScanner(resp.Body)
		var e sseEvent
		for scanner.Scan() {
			line := scanner.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				e.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
			case line == "":
				if e.data != "" {
					out <- e
				}
				e = sseEvent{}
			}
		}
	}()
	return out
}

// nextMessages waits for n messages.new events and returns their ids and texts.
func nextMessages(t *testing.T, events <-chan sseEvent, n int) (ids, texts []string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(texts) < n {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended after %v", texts)
			}
			var ev struct {
				ResourceType string `json:"resource_type"`
				Data         struct {
					Meta struct {
						MessageContent string `json:"message_content"`
					} `json:"meta"`
				} `json:"data"`
			}
			if err := json.Unmarshal([]byte(e.data), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.ResourceType == "messages.new" {
				ids, texts = append(ids, e.id), append(texts, ev.Data.Meta.MessageContent)
			}
		case <-timeout:
			t.Fatalf("got %v, want %d messages", texts, n)
		}
	}
	return ids, texts
}

// TestATicketSetsAStreamCookieThatResumesTheStream is a browser's EventSource opened with
// `?ticket=`: the stream sets a cookie scoped to its path and expiring with the token;
// the EventSource's own reconnect (same URL, spent ticket, the cookie, Last-Event-ID)
// resumes with what it missed. The cookie authenticates nothing else.
func TestATicketSetsAStreamCookieThatResumesTheStream(t *testing.T) {
	logs := &syncbuf.Buffer{}
	s := newTestServer(t, func(d *Deps) {
		d.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	issued := time.Now().Truncate(time.Second)
	token, err := auth.Mint(testSecret, user.Principal, time.Hour, issued)
	if err != nil {
		t.Fatal(err)
	}
	exp := issued.Add(time.Hour)
	status, _, body := s.do(t, http.MethodPost, "/api/sse/tickets", token, "", "")
	var ticket struct{ Ticket string }
	if err := json.Unmarshal([]byte(body), &ticket); status != http.StatusCreated || err != nil {
		t.Fatalf("ticket: %d %s", status, body)
	}
	order := user.placeOrder(t)

	// The first connection: the ticket opens the stream and sets the cookie.
	path := userStream(user) + "?ticket=" + ticket.Ticket
	first := s.rawStream(t, path, nil)
	if first.StatusCode != http.StatusOK {
		t.Fatalf("with the ticket: %d", first.StatusCode)
	}
	setCookie := first.Header.Values("Set-Cookie")
	cookies := first.Cookies()
	if len(setCookie) != 1 || len(cookies) != 1 {
		t.Fatalf("Set-Cookie: %q", setCookie)
	}
	cookie := cookies[0]
	if cookie.Name != "orderchat_stream" || !strings.HasPrefix(cookie.Value, "st_") || len(cookie.Value) < 32 {
		t.Fatalf("cookie %q=%q", cookie.Name, cookie.Value)
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Secure || cookie.Path != userStream(user) {
		t.Fatalf("cookie attributes: %q", setCookie[0])
	}
	if !cookie.Expires.Equal(exp) || cookie.MaxAge < 3590 || cookie.MaxAge > 3600 {
		t.Fatalf("cookie expiry %v (Max-Age %d), want the token's exp %v: %q", cookie.Expires, cookie.MaxAge, exp, setCookie[0])
	}
	live := sseEvents(first)
	admin.say(t, order.ThreadId, "m0")
	ids, _ := nextMessages(t, live, 1)
	first.Body.Close() // the network drops

	for _, text := range []string{"m1", "m2"} {
		admin.say(t, order.ThreadId, text)
	}
	withCookie := func(h http.Header) http.Header {
		h.Set("Cookie", cookie.String())
		return h
	}
	// What EventSource sends when it reconnects by itself.
	again := s.rawStream(t, path, withCookie(http.Header{"Last-Event-Id": {ids[0]}}))
	if again.StatusCode != http.StatusOK {
		t.Fatalf("reconnecting with the spent ticket and the cookie: %d", again.StatusCode)
	}
	if got := again.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Fatalf("a reconnect set another cookie: %q", got)
	}
	resumed := sseEvents(again)
	_, texts := nextMessages(t, resumed, 2)
	admin.say(t, order.ThreadId, "m3")
	_, live3 := nextMessages(t, resumed, 1)
	if got := strings.Join(append(texts, live3...), " "); got != "m1 m2 m3" {
		t.Fatalf("after the reconnect: %s, want m1 m2 m3", got)
	}
	again.Body.Close()

	userCookie := withCookie(http.Header{})
	for name, tc := range map[string]struct {
		method, path string
		header       http.Header
		want         int
	}{
		"the spent ticket without the cookie": {http.MethodGet, path, http.Header{"Last-Event-Id": {ids[0]}}, 401},
		"the cookie alone":                    {http.MethodGet, userStream(user), withCookie(http.Header{}), 200},
		"the cookie with a bad ticket":        {http.MethodGet, userStream(user) + "?ticket=tk_nope", withCookie(http.Header{}), 200},
		"the cookie on another user's stream": {http.MethodGet, userStream(other) + "?ticket=" + ticket.Ticket, userCookie, 403},
		"a user's cookie on the admin stream": {http.MethodGet, "/api/admin/sse", userCookie, 403},
		"an unknown cookie":                   {http.MethodGet, userStream(user), http.Header{"Cookie": {"orderchat_stream=st_" + strings.Repeat("A", 32)}}, 401},
		"the cookie on GET /orders":           {http.MethodGet, "/api/orders", withCookie(http.Header{}), 401},
		"the cookie on POST /sse/tickets":     {http.MethodPost, "/api/sse/tickets", withCookie(http.Header{}), 401},
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, s.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = tc.header
			resp, err := s.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}

	// The session ends with the token: an expired one is refused, and swept.
	sum := sha256.Sum256([]byte(cookie.Value))
	if _, err := s.Pool.Exec(context.Background(), `UPDATE sse_sessions SET expires_at = now() - interval '1 second' WHERE session_hash = $1`, sum[:]); err != nil {
		t.Fatal(err)
	}
	resp := s.rawStream(t, path, withCookie(http.Header{}))
	if data, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(data), "stream session expired") {
		t.Fatalf("an expired session: %d %s", resp.StatusCode, data)
	}
	if _, err := auth.NewTickets(s.Pool).Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sse_sessions WHERE session_hash = $1`, sum[:]).Scan(&left); err != nil || left != 0 {
		t.Fatalf("the expired session was not swept: %d %v", left, err)
	}

	// Neither the cookie nor the ticket nor the token ever reaches the log.
	log := logs.String()
	if !strings.Contains(log, "/api/users/sse/notification/") {
		t.Fatalf("the log has no stream requests:\n%s", log)
	}
	for name, secret := range map[string]string{"cookie": cookie.Value, "ticket": ticket.Ticket, "token": token} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
}

// TestAStreamCookieNeedsAStreamTicket: only a redeemed ticket sets the cookie, not a
// bearer header nor an access_token.
func TestAStreamCookieNeedsAStreamTicket(t *testing.T) {
	s := newTestServer(t)
	admin := s.newActor(t, auth.RoleAdmin)
	for _, resp := range []*http.Response{
		s.rawStream(t, "/api/admin/sse", http.Header{"Authorization": {"Bearer " + admin.token}}),
		s.rawStream(t, "/api/admin/sse?access_token="+admin.token, nil),
	} {
		if resp.StatusCode != http.StatusOK || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("%d, Set-Cookie %q", resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
	}
	status, _, body := s.do(t, http.MethodPost, "/api/sse/tickets", admin.token, "", "")
	var ticket struct{ Ticket string }
	if err := json.Unmarshal([]byte(body), &ticket); status != http.StatusCreated || err != nil {
		t.Fatalf("ticket: %d %s", status, body)
	}
	resp := s.rawStream(t, "/api/admin/sse?ticket="+ticket.Ticket, http.Header{"X-Forwarded-Proto": {"https"}})
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusOK || len(cookies) != 1 || cookies[0].Path != "/api/admin/sse" || !cookies[0].Secure {
		t.Fatalf("%d, Set-Cookie %q: want a Secure cookie of /api/admin/sse behind an HTTPS proxy", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
}
