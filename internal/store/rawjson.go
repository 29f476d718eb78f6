package store

import (
	"encoding/json"

	"github.com/jackc/pgx/v5/pgtype"
)

// pgx scans jsonb into a json.RawMessage through json.Unmarshal, which checks the whole
// document first: for event metas that was a third of the server's CPU when a stream
// replays the log (issue 16, BenchmarkReplay). PostgreSQL only ever hands out valid JSON
// for jsonb, so rawJSONCodec copies the bytes as pgx does for a []byte.
type rawJSONCodec struct{ pgtype.Codec }

func registerRawJSON(m *pgtype.Map) {
	jsonb, ok := m.TypeForOID(pgtype.JSONBOID)
	if !ok {
		panic("pgx has no jsonb type")
	}
	m.RegisterType(&pgtype.Type{Name: jsonb.Name, OID: jsonb.OID, Codec: rawJSONCodec{jsonb.Codec}})
}

func (c rawJSONCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*json.RawMessage); ok {
		if next := c.Codec.PlanScan(m, oid, format, (*[]byte)(nil)); next != nil {
			return rawJSONScanPlan{next: next}
		}
	}
	return c.Codec.PlanScan(m, oid, format, target)
}

type rawJSONScanPlan struct{ next pgtype.ScanPlan }

func (p rawJSONScanPlan) Scan(src []byte, target any) error {
	return p.next.Scan(src, (*[]byte)(target.(*json.RawMessage)))
}
