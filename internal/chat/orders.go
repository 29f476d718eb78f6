package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// OrderStatus is where an order is (openapi.yaml: OrderStatus).
type OrderStatus string

const (
	Pending    OrderStatus = "pending"
	Paid       OrderStatus = "paid"
	Processing OrderStatus = "processing"
	Shipped    OrderStatus = "shipped"
	Delivered  OrderStatus = "delivered"
	Cancelled  OrderStatus = "cancelled"
)

// orderStatuses are the statuses an order may have, each with whether it is final: a
// final status cannot be left.
var orderStatuses = map[OrderStatus]bool{
	Pending: false, Paid: false, Processing: false, Shipped: false, Delivered: true, Cancelled: true,
}

// checkStatus refuses a status no order can have.
func checkStatus(s OrderStatus) error {
	if _, ok := orderStatuses[s]; !ok {
		return invalid("status", "%q is not an order status", s)
	}
	return nil
}

// Order is an order with its items, its status history (oldest first) and its thread.
type Order struct {
	ID, UserID, ThreadID uuid.UUID
	Customer             Customer
	Status               OrderStatus
	TotalCents           int64
	Items                []Item
	StatusHistory        []StatusChange
	CreatedAt, UpdatedAt time.Time
}

// Item is one line of an order.
type Item struct {
	Name           string
	Quantity       int32
	UnitPriceCents int64
}

// StatusChange is one change of an order's status, by the event that announced it.
type StatusChange struct {
	Status, Previous OrderStatus
	ChangedAt        time.Time
	EventID          int64
}

// CreateOrder places an order for the calling user and opens its thread, in one
// transaction that also appends orders.created.
func (s *Service) CreateOrder(ctx context.Context, p auth.Principal, items []Item) (Order, error) {
	if p.IsAdmin() {
		return Order{}, forbidden("orders are placed by customers; admins cannot place them")
	}
	// The contract bounds items (100), quantities (10,000) and prices (10^8 cents), so the
	// total stays far below int64's range.
	var total int64
	for _, it := range items {
		total += int64(it.Quantity) * it.UnitPriceCents
	}
	meta, err := s.meta.OrderCreated(OrderCreated{UserID: p.Subject, Status: Pending, TotalCents: total, ItemCount: len(items)})
	if err != nil {
		return Order{}, err
	}
	create := db.CreateOrderParams{
		OrderID: uuid.New(), UserID: p.Subject, Status: string(Pending), TotalCents: total,
		ThreadID: uuid.New(), Meta: meta,
	}
	for _, it := range items {
		create.Names = append(create.Names, it.Name)
		create.Quantities = append(create.Quantities, it.Quantity)
		create.UnitPrices = append(create.UnitPrices, it.UnitPriceCents)
	}
	row, err := s.q.CreateOrder(ctx, create)
	if err != nil {
		return Order{}, fmt.Errorf("create order: %w", err)
	}
	s.log.Published()
	order := db.Order{OrderID: row.OrderID, UserID: row.UserID, Status: row.Status, TotalCents: row.TotalCents,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	me := personOf(p)
	return orderOf(order, create.ThreadID, Customer{ID: p.Subject, DisplayName: me.DisplayName, Email: claim(p.Email, maxEmailRunes)}, items, nil), nil
}

// GetOrder returns one order the caller may see.
func (s *Service) GetOrder(ctx context.Context, p auth.Principal, id uuid.UUID) (Order, error) {
	row, err := s.q.GetOrder(ctx, id)
	if err != nil {
		return Order{}, noRows(err, "order")
	}
	if !canSee(p, row.Order.UserID) {
		return Order{}, notFound("order")
	}
	orders, err := s.withItems(ctx, []db.Order{row.Order}, []uuid.UUID{row.ThreadID})
	if err != nil {
		return Order{}, err
	}
	return orders[0], nil
}

// ListOrders pages the caller's orders (admins: all), newest first, optionally in one status.
func (s *Service) ListOrders(ctx context.Context, p auth.Principal, status *OrderStatus, pr PageRequest) (Page[Order], error) {
	if status != nil {
		if err := checkStatus(*status); err != nil {
			return Page[Order]{}, err
		}
	}
	key := firstTimeKey
	if err := decodeCursor(pr.Cursor, &key); err != nil {
		return Page[Order]{}, err
	}
	limit := pr.limit()
	fetch := int32(limit + 1)
	var rows []db.ListOrdersRow
	var err error
	switch {
	case !p.IsAdmin():
		var rs []db.ListUserOrdersRow
		rs, err = s.q.ListUserOrders(ctx, db.ListUserOrdersParams{UserID: p.Subject, Status: (*string)(status), BeforeCreatedAt: key.At, BeforeOrderID: key.ID, RowLimit: fetch})
		for _, r := range rs {
			rows = append(rows, db.ListOrdersRow(r))
		}
	case status != nil:
		var rs []db.ListOrdersByStatusRow
		rs, err = s.q.ListOrdersByStatus(ctx, db.ListOrdersByStatusParams{Status: string(*status), BeforeCreatedAt: key.At, BeforeOrderID: key.ID, RowLimit: fetch})
		for _, r := range rs {
			rows = append(rows, db.ListOrdersRow(r))
		}
	default:
		rows, err = s.q.ListOrders(ctx, db.ListOrdersParams{BeforeCreatedAt: key.At, BeforeOrderID: key.ID, RowLimit: fetch})
	}
	if err != nil {
		return Page[Order]{}, fmt.Errorf("list orders: %w", err)
	}
	page := paginate(rows, limit, func(r db.ListOrdersRow) db.ListOrdersRow { return r },
		func(r db.ListOrdersRow) any { return timeKey{At: r.Order.CreatedAt, ID: r.Order.OrderID} })
	orders := make([]db.Order, len(page.Items))
	threads := make([]uuid.UUID, len(page.Items))
	for i, r := range page.Items {
		orders[i], threads[i] = r.Order, r.ThreadID
	}
	items, err := s.withItems(ctx, orders, threads)
	return Page[Order]{Items: items, Next: page.Next}, err
}

// UpdateOrderStatus lets an admin move an order to another status. Setting the current
// status again changes nothing; leaving a final status is a conflict.
func (s *Service) UpdateOrderStatus(ctx context.Context, p auth.Principal, id uuid.UUID, status OrderStatus) (Order, error) {
	if !p.IsAdmin() {
		return Order{}, forbidden("only admins change an order's status")
	}
	if err := checkStatus(status); err != nil {
		return Order{}, err
	}
	for {
		current, err := s.q.GetOrder(ctx, id)
		if err != nil {
			return Order{}, noRows(err, "order")
		}
		previous := OrderStatus(current.Order.Status)
		if previous == status {
			break
		}
		if orderStatuses[previous] {
			return Order{}, &Error{Kind: Conflict, Reason: "order-final", Field: "status",
				Detail: fmt.Sprintf("the order is %s, a final status; it cannot become %s", previous, status)}
		}
		meta, err := s.meta.OrderUpdated(OrderUpdated{Status: status, Previous: previous})
		if err != nil {
			return Order{}, err
		}
		// The change applies only if the order is still in previous: a concurrent change
		// that won makes this look again.
		_, err = s.q.SetOrderStatus(ctx, db.SetOrderStatusParams{
			Status: string(status), OrderID: id, Previous: string(previous), ActorID: p.Subject, Meta: meta,
		})
		if err == nil {
			s.log.Published()
			break
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return Order{}, fmt.Errorf("set order status: %w", err)
		}
	}
	return s.GetOrder(ctx, p, id)
}

// withItems loads the items, status histories and customers of orders (one query each for the page).
func (s *Service) withItems(ctx context.Context, orders []db.Order, threads []uuid.UUID) ([]Order, error) {
	ids := make([]uuid.UUID, len(orders))
	for i, o := range orders {
		ids[i] = o.OrderID
	}
	rows, err := s.q.ListOrderItems(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load order items: %w", err)
	}
	items := make(map[uuid.UUID][]Item, len(orders))
	for _, r := range rows {
		items[r.OrderID] = append(items[r.OrderID], Item{Name: r.Name, Quantity: r.Quantity, UnitPriceCents: r.UnitPriceCents})
	}
	changes, err := s.q.ListOrderStatusChanges(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load order status histories: %w", err)
	}
	history := make(map[uuid.UUID][]StatusChange, len(orders))
	for _, c := range changes {
		history[c.OrderID] = append(history[c.OrderID], StatusChange{
			Status: OrderStatus(c.Status), Previous: OrderStatus(c.PreviousStatus), ChangedAt: c.ChangedAt, EventID: c.EventID,
		})
	}
	customers := make([]uuid.UUID, len(orders))
	for i, o := range orders {
		customers[i] = o.UserID
	}
	people, err := s.principals(ctx, customers)
	if err != nil {
		return nil, err
	}
	out := make([]Order, len(orders))
	for i, o := range orders {
		out[i] = orderOf(o, threads[i], customerOf(o.UserID, people), items[o.OrderID], history[o.OrderID])
	}
	return out, nil
}

func orderOf(o db.Order, threadID uuid.UUID, customer Customer, items []Item, history []StatusChange) Order {
	return Order{
		ID: o.OrderID, UserID: o.UserID, ThreadID: threadID, Customer: customer, Status: OrderStatus(o.Status), TotalCents: o.TotalCents,
		Items: items, StatusHistory: history, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
}
