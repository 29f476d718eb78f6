package media

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
)

// Postgres stores attachments in messages.media_data (BYTEA, migrations/00001_schema.sql).
type Postgres struct {
	q *db.Queries
}

// NewPostgres returns a Store over conn (a pool).
func NewPostgres(conn db.DBTX) *Postgres { return &Postgres{q: db.New(conn)} }

var _ Store = (*Postgres)(nil)

func (p *Postgres) Save(ctx context.Context, tx db.DBTX, messageID uuid.UUID, data []byte) error {
	rows, err := db.New(tx).SaveMessageMedia(ctx, db.SaveMessageMediaParams{MessageID: messageID, MediaData: data})
	if err != nil {
		return fmt.Errorf("save attachment of %s: %w", messageID, err)
	}
	if rows != 1 {
		return fmt.Errorf("save attachment of %s: no such message", messageID)
	}
	return nil
}

func (p *Postgres) Load(ctx context.Context, messageID uuid.UUID) ([]byte, error) {
	data, err := p.q.LoadMessageMedia(ctx, messageID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, err
}
