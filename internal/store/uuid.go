package store

import (
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// pgx knows uuid.UUID only as a driver.Valuer and sql.Scanner: each parameter went
// through its text form (String, then parsed back) and each result through uuid.Parse,
// about 6% of the server's CPU at 1,000 messages/s (issue 16). uuidCodec is pgx's own
// UUID codec that also takes and fills a uuid.UUID as its 16 bytes.
type uuidCodec struct{ pgtype.UUIDCodec }

func registerUUID(m *pgtype.Map) {
	m.RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
}

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(uuid.UUID); ok {
		return uuidEncodePlan{next: c.UUIDCodec.PlanEncode(m, oid, format, pgtype.UUID{})}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok {
		return uuidScanPlan{next: c.UUIDCodec.PlanScan(m, oid, format, (*uuidTarget)(nil))}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type uuidEncodePlan struct{ next pgtype.EncodePlan }

func (p uuidEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	return p.next.Encode(pgtype.UUID{Bytes: value.(uuid.UUID), Valid: true}, buf)
}

type uuidScanPlan struct{ next pgtype.ScanPlan }

func (p uuidScanPlan) Scan(src []byte, target any) error {
	return p.next.Scan(src, (*uuidTarget)(target.(*uuid.UUID)))
}

// uuidTarget is a uuid.UUID that pgx's UUID codec scans into.
type uuidTarget uuid.UUID

func (u *uuidTarget) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		return errors.New("cannot scan NULL into *uuid.UUID")
	}
	*u = v.Bytes
	return nil
}
