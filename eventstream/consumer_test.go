package eventstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"orderchat/gen/apiclient"
)

// TestAnEventTypeThisClientDoesNotKnowPassesThrough: the catalogue grows (openapi.yaml:
// Event), so a type added after a client was built reaches fn like any other event and
// the known types around it still decode into their generated meta.
func TestAnEventTypeThisClientDoesNotKnowPassesThrough(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "retry: 100\n\n"+
			`id: 1`+"\n"+`data: {"id":1,"resource":"inventory","resource_type":"inventory.updated","data":{"meta":{"sku":"mug-blue","in_stock":3}},"created_at":"2026-11-25T10:00:00Z"}`+"\n\n"+
			`id: 2`+"\n"+`data: {"id":2,"resource":"messages","resource_type":"messages.new","data":{"order_id":"0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e","thread_id":"5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b","meta":{"message_id":"8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a","owner":"admin","created_at":"2026-11-25T10:05:00Z","has_media":false,"message_content":"Your parcel left","truncated":false}},"created_at":"2026-11-25T10:05:00Z"}`+"\n\n")
	}))
	defer server.Close()

	var types, texts []string
	done := errors.New("done")
	c := &Consumer{URL: server.URL, Token: func(context.Context) (string, error) { return "t", nil }}
	err := c.Run(context.Background(), func(e Event) error {
		types = append(types, e.ResourceType)
		switch e.ResourceType {
		case string(apiclient.MessageNewEventResourceTypeMessagesNew):
			meta, err := Meta[apiclient.MessageNewMeta](e)
			if err != nil {
				return err
			}
			texts = append(texts, meta.MessageContent)
			return done
		default: // not known to this client: let it pass
		}
		return nil
	})
	if !errors.Is(err, done) {
		t.Fatalf("Run ended with %v", err)
	}
	if fmt.Sprint(types) != "[inventory.updated messages.new]" || fmt.Sprint(texts) != "[Your parcel left]" {
		t.Fatalf("delivered %v with texts %v", types, texts)
	}
}
