package httpapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"orderchat/gen/apiclient"
	"orderchat/internal/auth"
)

// TestOrderStatusHistory: every status change is in the order's status_history, oldest
// first, with the id and time of the orders.updated event that announced it; a no-op and
// a refused change add nothing; every way of reading the order carries it; another user
// never sees it; and it outlives its events (retention).
func TestOrderStatusHistory(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	user, other, admin := s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleUser), s.newActor(t, auth.RoleAdmin)
	order := user.placeOrder(t)
	if len(order.StatusHistory) != 0 || order.StatusHistory == nil {
		t.Fatalf("a new order's history is %#v, want []", order.StatusHistory)
	}
	otherOrder := other.placeOrder(t)

	set := func(status apiclient.OrderStatus, want int) *apiclient.UpdateOrderResponse {
		return expect[*apiclient.UpdateOrderResponse](t, want)(admin.api.UpdateOrderWithResponse(ctx, order.OrderId, apiclient.UpdateOrderRequest{Status: status}))
	}
	set(apiclient.Paid, http.StatusOK)
	set(apiclient.Shipped, http.StatusOK)
	set(apiclient.Shipped, http.StatusOK) // the current status again: nothing changes
	last := set(apiclient.Delivered, http.StatusOK)
	set(apiclient.Pending, http.StatusConflict) // out of a final status: refused

	// The events that announced the changes, in id order.
	type announced struct {
		id               int64
		status, previous string
		at               time.Time
	}
	rows, err := s.Pool.Query(ctx, `SELECT id, meta->>'status', meta->>'previous_status', created_at FROM events
		WHERE resource_type = 'orders.updated' AND order_id = $1 ORDER BY id`, order.OrderId)
	if err != nil {
		t.Fatal(err)
	}
	var events []announced
	for rows.Next() {
		var e announced
		if err := rows.Scan(&e.id, &e.status, &e.previous, &e.at); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	if rows.Err() != nil || len(events) != 3 {
		t.Fatalf("%d orders.updated events (%v), want 3", len(events), rows.Err())
	}

	check := func(where string, history []apiclient.OrderStatusChange) {
		t.Helper()
		want := [][2]apiclient.OrderStatus{{apiclient.Pending, apiclient.Paid}, {apiclient.Paid, apiclient.Shipped}, {apiclient.Shipped, apiclient.Delivered}}
		if len(history) != len(want) {
			t.Fatalf("%s: history %+v, want %d changes", where, history, len(want))
		}
		for i, c := range history {
			e := events[i]
			if c.PreviousStatus != want[i][0] || c.Status != want[i][1] || string(c.Status) != e.status || string(c.PreviousStatus) != e.previous ||
				c.EventId != e.id || !c.ChangedAt.Equal(e.at) {
				t.Fatalf("%s: change %d is %+v, want %s→%s announced by event %+v", where, i, c, want[i][0], want[i][1], e)
			}
		}
	}
	check("PATCH answer", last.JSON200.StatusHistory)
	check("user GET", expect[*apiclient.GetOrderResponse](t, http.StatusOK)(user.api.GetOrderWithResponse(ctx, order.OrderId)).JSON200.StatusHistory)
	check("admin GET", expect[*apiclient.GetOrderResponse](t, http.StatusOK)(admin.api.GetOrderWithResponse(ctx, order.OrderId)).JSON200.StatusHistory)
	mine := expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(user.api.ListOrdersWithResponse(ctx, nil)).JSON200.Items
	if len(mine) != 1 {
		t.Fatalf("user lists %d orders", len(mine))
	}
	check("user list", mine[0].StatusHistory)
	for _, o := range expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(admin.api.ListOrdersWithResponse(ctx, nil)).JSON200.Items {
		switch o.OrderId {
		case order.OrderId:
			check("admin list", o.StatusHistory)
		case otherOrder.OrderId:
			if len(o.StatusHistory) != 0 {
				t.Fatalf("the untouched order has history %+v", o.StatusHistory)
			}
		}
	}

	// Another user: the order is not found, and their own list holds only their order,
	// whose history is empty.
	expect[*apiclient.GetOrderResponse](t, http.StatusNotFound)(other.api.GetOrderWithResponse(ctx, order.OrderId))
	theirs := expect[*apiclient.ListOrdersResponse](t, http.StatusOK)(other.api.ListOrdersWithResponse(ctx, nil)).JSON200.Items
	if len(theirs) != 1 || theirs[0].OrderId != otherOrder.OrderId || len(theirs[0].StatusHistory) != 0 {
		t.Fatalf("the other user lists %+v", theirs)
	}

	// Retention empties the log; the history stays.
	if _, err := s.Pool.Exec(ctx, `DELETE FROM events`); err != nil {
		t.Fatal(err)
	}
	check("after the events expired", expect[*apiclient.GetOrderResponse](t, http.StatusOK)(user.api.GetOrderWithResponse(ctx, order.OrderId)).JSON200.StatusHistory)
}
