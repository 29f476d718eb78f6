package store

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"orderchat/internal/testdb"
)

// TestUUIDsTravelAsSixteenBytes: the pool's connections encode and scan uuid.UUID with
// the plans of uuid.go (not through text), NULLs included.
func TestUUIDsTravelAsSixteenBytes(t *testing.T) {
	ctx := context.Background()
	pool, err := Open(ctx, testdb.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
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
	err = conn.QueryRow(ctx, "SELECT $1::uuid, NULL::uuid, $1::uuid, $1::uuid::text, $2::uuid IS NULL", id, (*uuid.UUID)(nil)).
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
