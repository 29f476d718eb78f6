// Package media decides which attachments are allowed and keeps their bytes.
package media

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// MaxBytes is the largest attachment: 5 MiB.
const MaxBytes = 5 << 20

// allowed are the attachment types, decided from the bytes (never from the client's
// header or the file name). SVG and HTML are absent on purpose: they can carry script.
var allowed = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "video/mp4": true, "video/webm": true,
}

// Sniff returns the type of data by its leading bytes, and whether attachments of that
// type are allowed.
func Sniff(data []byte) (contentType string, ok bool) {
	contentType, _, _ = strings.Cut(http.DetectContentType(data), ";")
	return contentType, allowed[contentType]
}

// Inline reports whether browsers may show the type in place (images); everything else
// is served as a download.
func Inline(contentType string) bool {
	return strings.HasPrefix(contentType, "image/")
}

// ErrNotFound means the message has no stored attachment.
var ErrNotFound = errors.New("no attachment")

// ErrUnavailable wraps a store's failure that may pass (unreachable, slow, refusing): the
// client is told to retry (503 with Retry-After).
var ErrUnavailable = errors.New("the attachment store is unavailable")

// Store keeps attachment bytes. A post stages its attachment before the message's
// transaction and claims it inside, so that a failed post leaves nothing behind
// (docs/adr/0008-attachments-on-object-storage.md).
type Store interface {
	// Name is what messages.media_store records: "postgres" or "s3".
	Name() string
	// Stage keeps data for the message about to be posted.
	Stage(ctx context.Context, messageID uuid.UUID, data []byte) (Staged, error)
	// Open reads an attachment kept here; key is its messages.media_key.
	Open(ctx context.Context, messageID uuid.UUID, key string) (io.ReadCloser, error)
	// Checksum reads an attachment back (within tx, where a move writes it) and returns
	// its size and SHA-256.
	Checksum(ctx context.Context, tx db.DBTX, messageID uuid.UUID, key string) (int64, [sha256.Size]byte, error)
}

// Staged is an attachment kept by a store but not yet referenced by a committed message.
type Staged interface {
	// Key is what messages.media_key records ("" when the store needs none).
	Key() string
	// Claim finishes the store's part inside the message's transaction tx.
	Claim(ctx context.Context, tx db.DBTX) error
	// Discard undoes Stage after the transaction failed; best effort.
	Discard(ctx context.Context)
}

// Stores are the stores a process knows: new attachments go to Current, and each
// message's attachment is read from the store its row names, so that reads work while
// rows are being moved from one store to the other.
type Stores struct {
	Current Store
	byName  map[string]Store
}

// NewStores writes to current and reads from current and others.
func NewStores(current Store, others ...Store) *Stores {
	s := &Stores{Current: current, byName: map[string]Store{current.Name(): current}}
	for _, o := range others {
		s.byName[o.Name()] = o
	}
	return s
}

// Of is the store named by a message's media_store; NULL is postgres (the rows written
// before migrations/00008).
func (s *Stores) Of(name *string) (Store, error) {
	n := PostgresName
	if name != nil {
		n = *name
	}
	if store, ok := s.byName[n]; ok {
		return store, nil
	}
	return nil, fmt.Errorf("the attachment is in the %s store, which this server is not configured for", n)
}
