// Package media decides which attachments are allowed and keeps their bytes.
package media

import (
	"context"
	"errors"
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

// Store keeps attachment bytes. Save runs inside the transaction that creates the
// message (tx), so that a failed post leaves nothing behind; object stores such as S3
// would write outside it and collect orphans instead.
type Store interface {
	Save(ctx context.Context, tx db.DBTX, messageID uuid.UUID, data []byte) error
	Load(ctx context.Context, messageID uuid.UUID) ([]byte, error)
}
