package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
)

// PostgresName is the name of the PostgreSQL store in messages.media_store.
const PostgresName = "postgres"

// Postgres stores attachments in messages.media_data (BYTEA, migrations/00001_schema.sql),
// written in the message's own transaction: nothing to clean up after a failure.
type Postgres struct {
	q *db.Queries
}

// NewPostgres returns a Store over conn (a pool).
func NewPostgres(conn db.DBTX) *Postgres { return &Postgres{q: db.New(conn)} }

var _ Store = (*Postgres)(nil)

func (p *Postgres) Name() string { return PostgresName }

func (p *Postgres) Stage(_ context.Context, messageID uuid.UUID, data []byte) (Staged, error) {
	return pgStaged{messageID: messageID, data: data}, nil
}

func (p *Postgres) Open(ctx context.Context, messageID uuid.UUID, _ string) (io.ReadCloser, error) {
	data, err := p.q.LoadMessageMedia(ctx, messageID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func (p *Postgres) Checksum(ctx context.Context, tx db.DBTX, messageID uuid.UUID, _ string) (int64, [sha256.Size]byte, error) {
	row, err := db.New(tx).MessageMediaChecksum(ctx, messageID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, [sha256.Size]byte{}, ErrNotFound
	}
	return row.Size, [sha256.Size]byte(row.Sum), err
}

// pgStaged holds the bytes until the message's transaction writes them.
type pgStaged struct {
	messageID uuid.UUID
	data      []byte
}

func (s pgStaged) Key() string { return "" }

func (s pgStaged) Claim(ctx context.Context, tx db.DBTX) error {
	rows, err := db.New(tx).SaveMessageMedia(ctx, db.SaveMessageMediaParams{MessageID: s.messageID, MediaData: s.data})
	if err != nil {
		return fmt.Errorf("save attachment of %s: %w", s.messageID, err)
	}
	if rows != 1 {
		return fmt.Errorf("save attachment of %s: no such message", s.messageID)
	}
	return nil
}

func (s pgStaged) Discard(context.Context) {}
