package media

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/gen/db"
)

// errMoved means the row changed while its attachment was being copied.
var errMoved = errors.New("the message's attachment moved meanwhile")

// Move copies a message's attachment into the store to and switches its row, in one
// transaction that first reads the copy back from to and checks its size and SHA-256.
// The source's copy is then dropped: the row's bytes go with the switch, and an object is
// recorded in the ledger and deleted (or swept). Each message is its own transaction, so an
// interrupted run resumes where it stopped (orderchat media migrate).
func (s *Stores) Move(ctx context.Context, pool *pgxpool.Pool, m db.ListMediaToMoveRow, to Store) (err error) {
	from, err := s.Of(m.MediaStore)
	if err != nil {
		return err
	}
	var key string
	if m.MediaKey != nil {
		key = *m.MediaKey
	}
	body, err := from.Open(ctx, m.MessageID, key)
	if err != nil {
		return fmt.Errorf("read from %s: %w", from.Name(), err)
	}
	data, err := io.ReadAll(io.LimitReader(body, MaxBytes+1))
	body.Close()
	if err != nil {
		return fmt.Errorf("read from %s: %w", from.Name(), err)
	}
	if m.MediaSizeBytes == nil || int64(len(data)) != *m.MediaSizeBytes {
		return fmt.Errorf("%s keeps %d bytes, the message says %v", from.Name(), len(data), m.MediaSizeBytes)
	}
	want := sha256.Sum256(data)

	staged, err := to.Stage(ctx, m.MessageID, data)
	if err != nil {
		return fmt.Errorf("write to %s: %w", to.Name(), err)
	}
	defer func() {
		if err != nil {
			staged.Discard(ctx)
		}
	}()
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := staged.Claim(ctx, tx); err != nil {
			return err
		}
		size, sum, err := to.Checksum(ctx, tx, m.MessageID, staged.Key())
		if err != nil {
			return fmt.Errorf("read back from %s: %w", to.Name(), err)
		}
		if size != int64(len(data)) || sum != want {
			return fmt.Errorf("the copy in %s reads back %d bytes with another SHA-256", to.Name(), size)
		}
		q := db.New(tx)
		params := db.SwitchMediaStoreParams{Target: to.Name(), MessageID: m.MessageID, OldStore: m.MediaStore, OldKey: m.MediaKey}
		if k := staged.Key(); k != "" {
			params.NewKey = &k
		}
		n, err := q.SwitchMediaStore(ctx, params)
		if err != nil {
			return err
		}
		if n != 1 {
			return errMoved
		}
		if key != "" { // the old object is now an unclaimed upload
			return q.RecordUpload(ctx, key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if old, ok := from.(*S3); ok && key != "" {
		(&s3Upload{s: old, key: key}).Discard(ctx)
	}
	return nil
}
