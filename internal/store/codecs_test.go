package store

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/internal/testdb"
)

// TestUUIDsTravelAsSixteenBytes: the pool's connections encode and scan uuid.UUID with
// the plans of uuid.go (not through text), NULLs included.
func TestUUIDsTravelAsSixteenBytes(t *testing.T) {
	ctx := context.Background()
	conn := openConn(t)
	id := uuid.New()
	types := conn.Conn().TypeMap()
	if _, ok := types.PlanEncode(pgtype.UUIDOID, pgtype.BinaryFormatCode, id).(uuidEncodePlan); !ok {
		t.Error("uuid.UUID parameters are not encoded by uuidEncodePlan")
	}
	if _, ok := types.PlanScan(pgtype.UUIDOID, pgtype.BinaryFormatCode, &id).(uuidScanPlan); !ok {
		t.Error("uuid.UUID results are not scanned by uuidScanPlan")
	}

	var back uuid.UUID
	var null, some *uuid.UUID
	var text string
	var isNull bool
	err := conn.QueryRow(ctx, "SELECT $1::uuid, NULL::uuid, $1::uuid, $1::uuid::text, $2::uuid IS NULL", id, (*uuid.UUID)(nil)).
		Scan(&back, &null, &some, &text, &isNull)
	if err != nil {
		t.Fatal(err)
	}
	if back != id || null != nil || some == nil || *some != id || text != id.String() || !isNull {
		t.Fatalf("sent %s and nil, got %s, %v, %v, %q, null %v", id, back, null, some, text, isNull)
	}
	if err := conn.QueryRow(ctx, "SELECT NULL::uuid").Scan(&back); err == nil {
		t.Fatal("a NULL scanned into a uuid.UUID without an error")
	}
}

// TestJSONBScansAsItsBytes: a jsonb result fills a json.RawMessage through rawJSONScanPlan
// (no second parse), in both formats pgx may ask for, NULL included; other targets still
// decode.
func TestJSONBScansAsItsBytes(t *testing.T) {
	ctx := context.Background()
	conn := openConn(t)
	var raw json.RawMessage
	for _, format := range []int16{pgtype.BinaryFormatCode, pgtype.TextFormatCode} {
		if _, ok := conn.Conn().TypeMap().PlanScan(pgtype.JSONBOID, format, &raw).(rawJSONScanPlan); !ok {
			t.Errorf("format %d: json.RawMessage results are not scanned by rawJSONScanPlan", format)
		}
	}
	var null json.RawMessage
	var decoded map[string]string
	doc := `{"text": "a <b> & \"c\"\n"}`
	if err := conn.QueryRow(ctx, "SELECT $1::jsonb, NULL::jsonb, $1::jsonb", doc).Scan(&raw, &null, &decoded); err != nil {
		t.Fatal(err)
	}
	if string(raw) != doc || null != nil || decoded["text"] != "a <b> & \"c\"\n" {
		t.Fatalf("sent %s, got %s, %s and %v", doc, raw, null, decoded)
	}
}

// openConn is a connection of a pool that Open made, on a fresh database.
func openConn(t *testing.T) *pgxpool.Conn {
	t.Helper()
	ctx := context.Background()
	pool, err := Open(ctx, testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Release)
	return conn
}
