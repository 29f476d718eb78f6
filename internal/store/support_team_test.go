package store

import (
	"context"
	"encoding/json"
	"testing"
)

// TestSupportTeamMigrationKeepsExistingDataValid: a thread written before migration 00007
// (issue 14) keeps its messages public, its messages.new events gain an author derived
// from the side that wrote them, and the admins' read marker of then becomes every admin's
// starting point.
func TestSupportTeamMigrationKeepsExistingDataValid(t *testing.T) {
	ctx := context.Background()
	pool, p := unmigrated(t)
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	const user, admin = "6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b", "3a9e2c71-5b4d-4f6e-8a1b-2c3d4e5f6a7b"
	for _, statement := range []string{
		`INSERT INTO orders (order_id, user_id, total_cents) VALUES ('0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e', '` + user + `', 100)`,
		`INSERT INTO threads (thread_id, order_id, user_id) VALUES ('5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b', '0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e', '` + user + `')`,
		`INSERT INTO messages (message_id, thread_id, owner, author_id, message_content)
		 VALUES ('8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a', '5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b', 'user', '` + user + `', 'Where is my parcel?')`,
		`INSERT INTO thread_reads (thread_id, side, last_read_seq, last_read_message_id) SELECT thread_id, 'admin', seq, message_id FROM messages`,
		`INSERT INTO events (resource, resource_type, order_id, thread_id, user_id, user_visible, actor_id, meta)
		 VALUES ('messages', 'messages.new', '0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e', '5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b', '` + user + `', true, '` + admin + `',
		         '{"message_id":"8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a","owner":"admin","created_at":"2026-11-25T10:05:00Z","has_media":false,"message_content":"On its way.","truncated":false}')`,
		`INSERT INTO events (resource, resource_type, order_id, thread_id, user_id, user_visible, actor_id, meta)
		 VALUES ('threads', 'threads.read', '0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e', '5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b', '` + user + `', true, '` + admin + `',
		         '{"reader":"admin","message_id":"8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a","read_at":"2026-11-25T10:06:00Z"}')`,
	} {
		if _, err := pool.Exec(ctx, statement); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}

	var visibility string
	var teamRead, seq int64
	if err := pool.QueryRow(ctx, `SELECT m.visibility, t.team_read_seq_at_upgrade, m.seq FROM messages m JOIN threads t USING (thread_id)`).Scan(&visibility, &teamRead, &seq); err != nil {
		t.Fatal(err)
	}
	if visibility != "public" || teamRead != seq {
		t.Fatalf("after the migration: visibility %q, the team's marker at the upgrade %d (the message is %d)", visibility, teamRead, seq)
	}
	var raw, read []byte
	if err := pool.QueryRow(ctx, `SELECT meta FROM events WHERE resource_type = 'messages.new'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Visibility string `json:"visibility"`
		Author     struct {
			ID          string `json:"id"`
			Role        string `json:"role"`
			DisplayName string `json:"display_name"`
		} `json:"author"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Visibility != "public" || meta.Author.ID != admin || meta.Author.Role != "admin" || meta.Author.DisplayName != "Support" {
		t.Fatalf("messages.new meta after the migration: %s", raw)
	}
	if err := pool.QueryRow(ctx, `SELECT meta->'read_by' FROM events WHERE resource_type = 'threads.read'`).Scan(&read); err != nil {
		t.Fatal(err)
	}
	if string(read) != `{"id": "`+admin+`", "role": "admin", "display_name": "Support"}` {
		t.Fatalf("threads.read read_by after the migration: %s", read)
	}
}
