package chat

import (
	"errors"
	"testing"
)

// FuzzDecodeCursor: any client-supplied cursor is either a position or a 400 naming
// the cursor, never a panic.
func FuzzDecodeCursor(f *testing.F) {
	for _, seed := range []string{
		encodeCursor(timeKey{At: firstTimeKey.At, ID: firstTimeKey.ID}), encodeCursor(seqKey{Seq: 42}), encodeCursor(idKey{ID: 7}),
		"", "not-a-cursor", "e30", "bnVsbA", "W10", "eyJ0IjoxfQ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cursor string) {
		for _, key := range []any{&timeKey{}, &seqKey{}, &idKey{}} {
			err := decodeCursor(&cursor, key)
			var rule *Error
			if err != nil && (!errors.As(err, &rule) || rule.Kind != Invalid || rule.Field != "cursor") {
				t.Fatalf("cursor %q: %v is not an invalid-cursor error", cursor, err)
			}
		}
	})
}
