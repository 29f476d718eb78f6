package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"orderchat/internal/auth"
	"orderchat/internal/testdb"
	"orderchat/internal/tests3"
)

// pdf is a small attachment of an allowed type.
var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// ownS3 starts a versitygw only this test uses, so that it can stop it, and a bucket on it.
func ownS3(t *testing.T) (*tests3.Server, string) {
	t.Helper()
	server, err := tests3.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	return server, server.NewBucket(t)
}

// postAttachment posts pdf to a thread and returns the answer.
func postAttachment(t *testing.T, base, token, threadID string) *http.Response {
	t.Helper()
	return postFile(t, base, token, threadID, pdf)
}

func postFile(t *testing.T, base, token, threadID string, data []byte) *http.Response {
	t.Helper()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(attachmentRequest(base, token, threadID, data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func attachmentRequest(base, token, threadID string, data []byte) *http.Request {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("thread_id", threadID)
	part, _ := w.CreateFormFile("media_data", "invoice.pdf")
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", base+"/api/messages/upload", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req
}

// count runs a count query on the test's database.
func count(t *testing.T, dbURL, query string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lockRow locks a row (lock, a SELECT ... FOR UPDATE of id) in a transaction of its own,
// holding back whoever writes it next, until release.
func lockRow(t *testing.T, dbURL, lock, id string) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, lock, id); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// lockWaiters counts the sessions of the test's database waiting for a lock.
func lockWaiters(t *testing.T, dbURL string) int {
	return count(t, dbURL, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
}

// waitReadiness polls /readyz until its status is want (ok or degraded, both answered with
// 200) and returns its body.
func waitReadiness(t *testing.T, base, want string, within time.Duration) string {
	t.Helper()
	var body string
	waitFor(t, "/readyz "+want, within, func() bool {
		var status int
		status, body = getBody(t, base+"/readyz", "")
		return status == http.StatusOK && strings.Contains(body, `"status":"`+want+`"`)
	})
	return body
}

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
	}
}

// TestAServerKilledBeforeTheCommitLeavesNoMessageAndItsObjectIsSwept: the object is
// written and the message's transaction held (the test locks the thread row); SIGKILL
// then leaves no message, and the next server's sweep deletes the object after the grace
// period. A normal post afterwards leaves no ledger row.
func TestAServerKilledBeforeTheCommitLeavesNoMessageAndItsObjectIsSwept(t *testing.T) {
	objects, bucket := ownS3(t)
	dbURL := testdb.NewDatabase(t)
	addr := freeAddr(t)
	first := startInstance(t, dbURL, addr, objects.Env(bucket)...)
	token, _ := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", first.base+"/api/orders", token, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)

	release := lockRow(t, dbURL, "SELECT 1 FROM threads WHERE thread_id = $1 FOR UPDATE", order.ThreadID)
	go func() { // the server dies under this post
		if resp, err := http.DefaultClient.Do(attachmentRequest(first.base, token, order.ThreadID, pdf)); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, "the object written and the post waiting for the thread's lock", 10*time.Second, func() bool {
		return len(objects.Keys(t, bucket)) == 1 &&
			lockWaiters(t, dbURL) == 1
	})
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	release()
	if n := count(t, dbURL, "SELECT count(*) FROM messages"); n != 0 {
		t.Fatalf("%d messages after the kill", n)
	}
	if n := count(t, dbURL, "SELECT count(*) FROM media_uploads"); n != 1 || len(objects.Keys(t, bucket)) != 1 {
		t.Fatalf("after the kill: %d ledger rows, objects %v", n, objects.Keys(t, bucket))
	}

	second := startInstance(t, dbURL, addr, append(objects.Env(bucket), "ORDERCHAT_MEDIA_SWEEP_GRACE=2s")...)
	waitFor(t, "the orphan swept", 15*time.Second, func() bool {
		return len(objects.Keys(t, bucket)) == 0 && count(t, dbURL, "SELECT count(*) FROM media_uploads") == 0
	})
	if resp := postAttachment(t, second.base, token, order.ThreadID); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a post after the restart: %d", resp.StatusCode)
	}
	if n := count(t, dbURL, "SELECT count(*) FROM media_uploads"); n != 0 || len(objects.Keys(t, bucket)) != 1 {
		t.Fatalf("a normal post left %d ledger rows, objects %v", n, objects.Keys(t, bucket))
	}
}

// TestAnObjectStoreOutageIsVisibleAndStoresNothingHalfway stops the object store under a
// running server: /readyz is degraded, naming "media" (200: the instance still serves text), attachments are refused with 503 and Retry-After
// while text messages still post, downloads answer 503, no message points at a missing
// object; once the store is back everything works without a restart and the refused post's
// ledger row is swept.
func TestAnObjectStoreOutageIsVisibleAndStoresNothingHalfway(t *testing.T) {
	objects, bucket := ownS3(t)
	dbURL := testdb.NewDatabase(t)
	in := startInstance(t, dbURL, freeAddr(t), append(objects.Env(bucket), "ORDERCHAT_S3_TIMEOUT=1s", "ORDERCHAT_MEDIA_SWEEP_GRACE=2s")...)
	token, _ := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", in.base+"/api/orders", token, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)
	var before struct {
		MessageID string `json:"message_id"`
	}
	resp := postAttachment(t, in.base, token, order.ThreadID)
	if err := json.NewDecoder(resp.Body).Decode(&before); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("a post before the outage: %d %v", resp.StatusCode, err)
	}
	mediaURL := in.base + "/api/messages/" + before.MessageID + "/media"
	waitReadiness(t, in.base, "ok", 10*time.Second)

	if err := objects.Stop(); err != nil {
		t.Fatal(err)
	}
	if body := waitReadiness(t, in.base, "degraded", 5*time.Second); !strings.Contains(body, `"media":"bucket `) || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("/readyz during the outage: %s", body)
	}
	refused := postAttachment(t, in.base, token, order.ThreadID)
	problem, _ := io.ReadAll(refused.Body)
	if refused.StatusCode != http.StatusServiceUnavailable || refused.Header.Get("Retry-After") == "" ||
		refused.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(problem), "urn:orderchat:problem:unavailable") {
		t.Fatalf("an attachment during the outage: %d %v %s", refused.StatusCode, refused.Header, problem)
	}
	call(t, "POST", in.base+"/api/messages", token, `{"thread_id":"`+order.ThreadID+`","message_content":"text still works"}`, 201, nil)
	if got := get(t, mediaURL, token); got != http.StatusServiceUnavailable {
		t.Fatalf("a download during the outage: %d", got)
	}
	if n := count(t, dbURL, "SELECT count(*) FROM messages WHERE media_key IS NOT NULL"); n != 1 {
		t.Fatalf("%d messages with an object, want the one from before the outage", n)
	}

	if err := objects.Restart(); err != nil {
		t.Fatal(err)
	}
	waitReadiness(t, in.base, "ok", 20*time.Second)
	if resp := postAttachment(t, in.base, token, order.ThreadID); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a post after the outage: %d", resp.StatusCode)
	}
	if got := get(t, mediaURL, token); got != http.StatusOK {
		t.Fatalf("a download after the outage: %d", got)
	}
	// The refused post's ledger row is swept; the bucket holds the two committed attachments.
	waitFor(t, "the ledger emptied", 15*time.Second, func() bool {
		return count(t, dbURL, "SELECT count(*) FROM media_uploads") == 0 && len(objects.Keys(t, bucket)) == 2
	})
}

// TestASlowObjectStoreAnswers503: a store that accepts connections and never answers
// costs a post ORDERCHAT_S3_TIMEOUT, not a hung request.
func TestASlowObjectStoreAnswers503(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()
	in := startInstance(t, testdb.NewDatabase(t), freeAddr(t), "ORDERCHAT_MEDIA_STORE=s3", "ORDERCHAT_S3_ENDPOINT=http://"+silent.Addr().String(),
		"ORDERCHAT_S3_BUCKET=b", "ORDERCHAT_S3_PATH_STYLE=true", "ORDERCHAT_S3_TIMEOUT=1s", "AWS_ACCESS_KEY_ID=k", "AWS_SECRET_ACCESS_KEY=s")
	token, _ := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", in.base+"/api/orders", token, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)
	start := time.Now()
	if resp := postAttachment(t, in.base, token, order.ThreadID); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("an attachment to a silent store: %d %v", resp.StatusCode, resp.Header)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the post took %v", took)
	}
	waitReadiness(t, in.base, "degraded", 5*time.Second)
}

// TestMediaMigrateMovesEveryAttachmentBothWaysAndResumes: `media migrate --to s3`, killed
// while it waits to switch the second row (the test locks it), has moved the first; run
// again it moves the rest, the killed run's copy is swept, and `--to postgres` brings
// everything back and empties the bucket. A running server serves every attachment
// throughout.
func TestMediaMigrateMovesEveryAttachmentBothWaysAndResumes(t *testing.T) {
	objects, bucket := ownS3(t)
	dbURL := testdb.NewDatabase(t)
	env := append(objects.Env(bucket), "ORDERCHAT_MEDIA_STORE=postgres", "ORDERCHAT_MEDIA_SWEEP_GRACE=2s")
	in := startInstance(t, dbURL, freeAddr(t), env...)
	token, _ := mintToken(t, auth.RoleUser)
	var order struct {
		ThreadID string `json:"thread_id"`
	}
	call(t, "POST", in.base+"/api/orders", token, `{"items":[{"name":"mug","quantity":1,"unit_price_cents":900}]}`, 201, &order)
	files := map[string][]byte{}
	var ids []string
	for i := range 3 {
		data := append(append([]byte{}, pdf...), bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1))...)
		var posted struct {
			MessageID string `json:"message_id"`
		}
		resp := postFile(t, in.base, token, order.ThreadID, data)
		if err := json.NewDecoder(resp.Body).Decode(&posted); err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("post %d: %d %v", i, resp.StatusCode, err)
		}
		files[posted.MessageID] = data
		ids = append(ids, posted.MessageID)
	}
	allServed := func(where string) {
		t.Helper()
		for id, want := range files {
			if _, got := getBody(t, in.base+"/api/messages/"+id+"/media", token); got != string(want) {
				t.Fatalf("%s: %s serves %d bytes, want %d", where, id, len(got), len(want))
			}
		}
	}
	migrate := func(to string) *exec.Cmd {
		cmd := exec.Command(binary, "media", "migrate", "--to", to)
		cmd.Env = append(append(cmdEnv(), "DATABASE_URL="+dbURL), env...)
		return cmd
	}
	inStore := func(store string) int {
		return count(t, dbURL, "SELECT count(*) FROM messages WHERE COALESCE(media_store, 'postgres') = '"+store+"'")
	}
	ledger := func() int { return count(t, dbURL, "SELECT count(*) FROM media_uploads") }

	release := lockRow(t, dbURL, "SELECT 1 FROM messages WHERE message_id = $1 FOR UPDATE", ids[1])
	interrupted := migrate("s3")
	if err := interrupted.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first row moved and the second waiting", 15*time.Second, func() bool {
		return inStore("s3") == 1 && lockWaiters(t, dbURL) == 1
	})
	_ = interrupted.Process.Kill()
	_ = interrupted.Wait()
	release()
	if inStore("s3") != 1 || ledger() != 1 || len(objects.Keys(t, bucket)) != 2 {
		t.Fatalf("after the kill: %d rows on s3, %d ledger rows, objects %v", inStore("s3"), ledger(), objects.Keys(t, bucket))
	}
	allServed("after the kill")

	if out, err := migrate("s3").CombinedOutput(); err != nil || !strings.Contains(string(out), "2 attachments moved to s3") {
		t.Fatalf("the resumed run: %v\n%s", err, out)
	}
	if inStore("s3") != 3 || count(t, dbURL, "SELECT count(*) FROM messages WHERE media_data IS NOT NULL") != 0 {
		t.Fatalf("after the resumed run: %d rows on s3", inStore("s3"))
	}
	waitFor(t, "the killed run's copy swept", 15*time.Second, func() bool { return ledger() == 0 && len(objects.Keys(t, bucket)) == 3 })
	allServed("on s3")

	if out, err := migrate("postgres").CombinedOutput(); err != nil || !strings.Contains(string(out), "3 attachments moved to postgres") {
		t.Fatalf("back to postgres: %v\n%s", err, out)
	}
	if inStore("postgres") != 3 || ledger() != 0 || len(objects.Keys(t, bucket)) != 0 {
		t.Fatalf("back on postgres: %d rows, %d ledger rows, objects %v", inStore("postgres"), ledger(), objects.Keys(t, bucket))
	}
	allServed("back on postgres")
}

// TestServeRefusesAnIncompleteObjectStoreSetting: the settings are checked at start-up,
// every mistake named at once.
func TestServeRefusesAnIncompleteObjectStoreSetting(t *testing.T) {
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(cmdEnv(), "DATABASE_URL="+testdb.NewDatabase(t), "ORDERCHAT_JWT_SECRET="+secret, "ORDERCHAT_ADDR="+freeAddr(t),
		"ORDERCHAT_MEDIA_STORE=s3", "ORDERCHAT_S3_ENDPOINT=localhost:7070", "ORDERCHAT_S3_PATH_STYLE=yes please")
	out, err := cmd.CombinedOutput()
	for _, key := range []string{"ORDERCHAT_S3_BUCKET", "ORDERCHAT_S3_ENDPOINT", "ORDERCHAT_S3_PATH_STYLE"} {
		if err == nil || !strings.Contains(string(out), key) {
			t.Errorf("serve with a bad object store setting: err %v, output %s does not name %s", err, out, key)
		}
	}
}
