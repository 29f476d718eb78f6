package eventlog

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"orderchat/gen/db"
)

// envelope is the Event as encoding/json writes it: the oracle Marshal's bytes must equal.
type envelope struct {
	ID           int64     `json:"id"`
	Resource     string    `json:"resource"`
	ResourceType string    `json:"resource_type"`
	Data         eventData `json:"data"`
	CreatedAt    time.Time `json:"created_at"`
}

type eventData struct {
	OrderID  *uuid.UUID      `json:"order_id,omitempty"`
	ThreadID *uuid.UUID      `json:"thread_id,omitempty"`
	Meta     json.RawMessage `json:"meta"`
}

func oracle(row db.Event) ([]byte, error) {
	return json.Marshal(envelope{
		ID: row.ID, Resource: row.Resource, ResourceType: row.ResourceType, CreatedAt: row.CreatedAt.UTC(),
		Data: eventData{OrderID: row.OrderID, ThreadID: row.ThreadID, Meta: row.Meta},
	})
}

// FuzzMarshalWritesWhatEncodingJSONWrites: for any valid meta (jsonb's spaced text
// included), resource names and time, Marshal's bytes are encoding/json's.
func FuzzMarshalWritesWhatEncodingJSONWrites(f *testing.F) {
	f.Add(int64(7), "messages", "messages.new", `{"message_content": "a <b> & \"c\" \u2028\\ é", "n": [1, 2.5e3, true, null]}`, int64(1764547200), int64(123456789), true)
	f.Add(int64(0), "ord\"ers", "<x>\n", ` { } `, int64(-62135596801), int64(0), false)
	f.Add(int64(-1), "é", "", `"\u2029 \\\" "`, int64(253402300800), int64(999999999), true)
	f.Fuzz(func(t *testing.T, id int64, resource, resourceType, meta string, seconds, nanos int64, ids bool) {
		if !json.Valid([]byte(meta)) {
			t.Skip("a meta comes from jsonb or json.Marshal: always valid")
		}
		row := db.Event{ID: id, Resource: resource, ResourceType: resourceType, Meta: json.RawMessage(meta),
			CreatedAt: time.Unix(seconds, nanos).In(time.FixedZone("x", 3600))}
		if ids {
			o, th := uuid.New(), uuid.New()
			row.OrderID, row.ThreadID = &o, &th
		}
		want, wantErr := oracle(row)
		got, err := Marshal(row)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("Marshal:\n%s (%v)\nencoding/json:\n%s (%v)", got, err, want, wantErr)
		}
	})
}

// TestMarshalWritesNullForNoMeta: a row without meta reads "meta":null, as before.
func TestMarshalWritesNullForNoMeta(t *testing.T) {
	row := db.Event{ID: 1, Resource: "orders", ResourceType: "orders.new", CreatedAt: time.Unix(1, 0)}
	got, err := Marshal(row)
	want, _ := oracle(row)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %s (%v), want %s", got, err, want)
	}
}
