package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
	"orderchat/internal/media"
)

// storedWhere is where a message's row says its attachment is, and the ledger's size.
func (s *testServer) storedWhere(t *testing.T, id uuid.UUID) (store string, key *string, inRow bool, ledger int) {
	t.Helper()
	err := s.Pool.QueryRow(context.Background(), `SELECT COALESCE(media_store, 'postgres'), media_key, media_data IS NOT NULL,
		(SELECT count(*) FROM media_uploads) FROM messages WHERE message_id = $1`, id).Scan(&store, &key, &inRow, &ledger)
	if err != nil {
		t.Fatal(err)
	}
	return store, key, inRow, ledger
}

// TestAnAttachmentIsKeptByTheCurrentStore: the row names the store; on S3 the bytes are
// one object (not in the row) and a completed post leaves no ledger row.
func TestAnAttachmentIsKeptByTheCurrentStore(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		user := s.newActor(t, auth.RoleUser)
		order := user.placeOrder(t)
		up := postUpload(t, s, user.token, order.ThreadId, "a.png", pngBytes(8), "")
		if up.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		store, key, inRow, ledger := s.storedWhere(t, up.message.MessageId)
		switch {
		case s.S3 == nil && (store != media.PostgresName || !inRow || key != nil):
			t.Fatalf("postgres: store %s, key %v, bytes in the row %v", store, key, inRow)
		case s.S3 != nil && (store != media.S3Name || inRow || key == nil):
			t.Fatalf("s3: store %s, key %v, bytes in the row %v", store, key, inRow)
		case s.S3 != nil && (len(s.S3.Keys(t, s.Bucket)) != 1 || s.S3.Keys(t, s.Bucket)[0] != *key):
			t.Fatalf("s3: objects %v, the row's key %s", s.S3.Keys(t, s.Bucket), *key)
		case ledger != 0:
			t.Fatalf("%d ledger rows after a completed post", ledger)
		}
	})
}

// TestConcurrentUploadRetriesAreStoredOnce: one attachment sent six times at once with one
// message_id is stored once; the losers' objects are deleted.
func TestConcurrentUploadRetriesAreStoredOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		user := s.newActor(t, auth.RoleUser)
		order := user.placeOrder(t)
		id := uuid.New()
		count := concurrently(6, func() int {
			contentType, body := photoWithID(order.ThreadId, id)
			return s.postMultipart(t, user.token, contentType, body).status
		})
		if count[http.StatusCreated] != 1 || count[http.StatusOK] != 5 {
			t.Fatalf("statuses %v, want one 201 and five 200", count)
		}
		counts := s.rowCounts(t)
		if counts["attachments"] != 1 || counts["media_uploads"] != 0 || (s.S3 != nil && counts["objects"] != 1) {
			t.Fatalf("stored %v", counts)
		}
	})
}

// TestAFailedPostLeavesNoObject: a post refused after its attachment was staged (a closed
// thread) deletes the object and its ledger row.
func TestAFailedPostLeavesNoObject(t *testing.T) {
	eachStore(t, func(t *testing.T, s *testServer) {
		user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
		order := user.placeOrder(t)
		expect[*apiclient.UpdateThreadResponse](t, http.StatusOK)(admin.api.UpdateThreadWithResponse(context.Background(), order.ThreadId, apiclient.UpdateThreadRequest{IsActive: false}))
		before := s.rowCounts(t)
		if up := postUpload(t, s, user.token, order.ThreadId, "late.png", pngBytes(8), ""); up.status != http.StatusConflict {
			t.Fatalf("upload to a closed thread: %d %s", up.status, up.body)
		}
		if after := s.rowCounts(t); !sameCounts(before, after) {
			t.Fatalf("a refused post left %v -> %v", before, after)
		}
	})
}

// TestRowsOfEitherStoreAreReadable: with S3 current, an attachment written to PostgreSQL
// before (media_store NULL, as rows older than migration 00008) still downloads.
func TestRowsOfEitherStoreAreReadable(t *testing.T) {
	s := newTestServerOn(t, media.S3Name)
	ctx := context.Background()
	user := s.newActor(t, auth.RoleUser)
	order := user.placeOrder(t)
	inS3 := postUpload(t, s, user.token, order.ThreadId, "new.png", pngBytes(8), "")
	legacy := postUpload(t, s, user.token, order.ThreadId, "old.png", pngBytes(12), "")
	if inS3.status != http.StatusCreated || legacy.status != http.StatusCreated {
		t.Fatalf("uploads: %d, %d", inS3.status, legacy.status)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE messages SET media_store = NULL, media_key = NULL, media_data = $2 WHERE message_id = $1`,
		legacy.message.MessageId, pngBytes(12)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[uuid.UUID][]byte{inS3.message.MessageId: pngBytes(8), legacy.message.MessageId: pngBytes(12)} {
		resp := expect[*apiclient.GetMessageMediaResponse](t, http.StatusOK)(user.api.GetMessageMediaWithResponse(ctx, id))
		if !bytes.Equal(resp.Body, want) {
			t.Fatalf("%s: downloaded %d bytes, want %d", id, len(resp.Body), len(want))
		}
	}
}
