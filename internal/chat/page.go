package chat

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Page bounds of every collection (design.md): default 50, at most 200.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// PageRequest is where a page starts (an opaque cursor from the previous page, or nil)
// and how many items it holds (nil: DefaultLimit).
type PageRequest struct {
	Cursor *string
	Limit  *int
}

func (r PageRequest) limit() int {
	if r.Limit == nil || *r.Limit < 1 || *r.Limit > MaxLimit {
		return DefaultLimit
	}
	return *r.Limit
}

// Page is one page of a collection; Next is nil on the last page.
type Page[T any] struct {
	Items []T
	Next  *string
}

// paginate trims rows fetched with limit+1 to the page and derives the next cursor from
// the last item kept.
func paginate[R, T any](rows []R, limit int, item func(R) T, key func(R) any) Page[T] {
	page := Page[T]{Items: make([]T, 0, min(len(rows), limit))}
	for i, row := range rows {
		if i == limit {
			next := encodeCursor(key(rows[i-1]))
			page.Next = &next
			break
		}
		page.Items = append(page.Items, item(row))
	}
	return page
}

// timeKey positions a page in a newest-first listing.
type timeKey struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"id"`
}

// firstTimeKey sorts after every row: the start of a newest-first listing.
var firstTimeKey = timeKey{At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), ID: uuid.Max}

// seqKey positions a page in a listing ordered by a sequence number.
type seqKey struct {
	Seq int64 `json:"s"`
}

func encodeCursor(key any) string {
	data, _ := json.Marshal(key) // keys are plain structs of times, UUIDs and ints
	return base64.RawURLEncoding.EncodeToString(data)
}

// decodeCursor reads a cursor into key, leaving key as is when there is none.
func decodeCursor(cursor *string, key any) error {
	if cursor == nil || *cursor == "" {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(*cursor)
	if err != nil || json.Unmarshal(data, key) != nil {
		return invalid("cursor", "the cursor is malformed; pass next_cursor from a previous page")
	}
	return nil
}
