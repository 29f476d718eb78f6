package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"orderchat/gen/apiclient"
	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// TestEveryWriterCommitsBesideAnOpenEventAndIsDeliveredAfterIt: while another
// transaction holds an uncommitted event, every kind of change that appends an event
// still commits (commits do not queue behind each other), but no stream shows its event
// before the earlier one: once that commits, the admin stream gets all of them in id order.
func TestEveryWriterCommitsBesideAnOpenEventAndIsDeliveredAfterIt(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	stream := s.follow(t, admin.token, "/api/admin/sse", 0)
	orders := []apiclient.Order{user.placeOrder(t), user.placeOrder(t), user.placeOrder(t)}
	seen := user.say(t, orders[0].ThreadId, "to be read")
	stream.next(t, 4)

	slow, err := s.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	held, err := db.New(slow).AppendEvent(ctx, db.AppendEventParams{Resource: "orders", ResourceType: "orders.updated", Meta: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}

	text := "while an earlier event is open"
	writers := map[string]func() (int, error){
		"messages.new (text)": func() (int, error) {
			resp, err := user.api.CreateMessageWithResponse(ctx, apiclient.CreateMessageRequest{ThreadId: orders[0].ThreadId, MessageContent: &text})
			return status(resp, err)
		},
		"messages.new (attachment)": func() (int, error) {
			return postUpload(t, s, user.token, orders[1].ThreadId, "dot.png", pngBytes(4), "").status, nil
		},
		"orders.created": func() (int, error) {
			resp, err := user.api.CreateOrderWithResponse(ctx, apiclient.CreateOrderRequest{Items: []apiclient.OrderItem{{Name: "cup", Quantity: 1, UnitPriceCents: 500}}})
			return status(resp, err)
		},
		"orders.updated": func() (int, error) {
			resp, err := admin.api.UpdateOrderWithResponse(ctx, orders[1].OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Paid})
			return status(resp, err)
		},
		"threads.closed": func() (int, error) {
			resp, err := admin.api.UpdateThreadWithResponse(ctx, orders[2].ThreadId, apiclient.UpdateThreadRequest{IsActive: false})
			return status(resp, err)
		},
		"threads.read": func() (int, error) {
			resp, err := admin.api.MarkThreadReadWithResponse(ctx, orders[0].ThreadId, apiclient.MarkThreadReadRequest{MessageId: seen.MessageId})
			return status(resp, err)
		},
	}
	done := make(chan string, len(writers))
	var wg sync.WaitGroup
	for name, write := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, err := write()
			done <- fmt.Sprintf("%s: %d %v", name, code, err)
		}()
	}
	for range writers {
		select {
		case result := <-done:
			if !strings.Contains(result, ": 200 <nil>") && !strings.Contains(result, ": 201 <nil>") {
				t.Errorf("writer failed: %s", result)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a writer waited for the open transaction")
		}
	}
	wg.Wait()
	stream.quiet(t) // committed, but after an id that is still open

	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s.Log.Published()
	got := stream.next(t, 1+len(writers))
	if got[0].ID != held {
		t.Fatalf("first delivered %d, want the held event %d", got[0].ID, held)
	}
	for i := 1; i < len(got); i++ {
		if got[i].ID <= got[i-1].ID {
			t.Fatalf("event %d delivered after %d", got[i].ID, got[i-1].ID)
		}
	}
	stream.quiet(t)
}

// status is a response's status code, or the error that prevented one.
func status(resp interface{ StatusCode() int }, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return resp.StatusCode(), nil
}

// TestConcurrentStatusChangesEmitOnce: ten admins setting the same status at once make
// one change and one orders.updated; the others find it already done.
func TestConcurrentStatusChangesEmitOnce(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user := s.newActor(t, auth.RoleUser)
	order := user.placeOrder(t)
	var wg sync.WaitGroup
	codes := make(chan int, 10)
	for range 10 {
		admin := s.newActor(t, auth.RoleAdmin)
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := status(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: apiclient.Shipped}))
			codes <- code
		}()
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Fatalf("status change answered %d", code)
		}
	}
	var updates int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE resource_type = 'orders.updated' AND order_id = $1`, order.OrderId).Scan(&updates); err != nil {
		t.Fatal(err)
	}
	if updates != 1 {
		t.Fatalf("%d orders.updated events, want 1", updates)
	}
	got := expect[*apiclient.GetOrderResponse](t, http.StatusOK)(user.api.GetOrderWithResponse(ctx, order.OrderId))
	if h := got.JSON200.StatusHistory; len(h) != 1 || h[0].Status != apiclient.Shipped || h[0].PreviousStatus != apiclient.Pending {
		t.Fatalf("status history %+v, want the one change", h)
	}
}
