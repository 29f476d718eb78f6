package chat

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"orderchat/gen/api"
	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// finalStatuses cannot be left once reached.
var finalStatuses = map[api.OrderStatus]bool{api.Delivered: true, api.Cancelled: true}

// CreateOrder places an order for the calling user and opens its thread, in one
// transaction that also appends orders.created.
func (s *Service) CreateOrder(ctx context.Context, p auth.Principal, items []api.OrderItem) (api.Order, error) {
	if p.IsAdmin() {
		return api.Order{}, forbidden("orders are placed by customers; admins cannot place them")
	}
	// The contract bounds items (100), quantities (10,000) and prices (10^8 cents), so the
	// total stays far below int64's range.
	var total int64
	for _, it := range items {
		total += int64(it.Quantity) * it.UnitPriceCents
	}
	meta, err := encodeMeta(api.OrderCreatedMeta{UserId: p.Subject, Status: api.Pending, TotalCents: total, ItemCount: len(items)})
	if err != nil {
		return api.Order{}, err
	}
	create := db.CreateOrderParams{
		OrderID: uuid.New(), UserID: p.Subject, Status: string(api.Pending), TotalCents: total,
		ThreadID: uuid.New(), Meta: meta,
	}
	for _, it := range items {
		create.Names = append(create.Names, it.Name)
		create.Quantities = append(create.Quantities, it.Quantity)
		create.UnitPrices = append(create.UnitPrices, it.UnitPriceCents)
	}
	row, err := s.q.CreateOrder(ctx, create)
	if err != nil {
		return api.Order{}, fmt.Errorf("create order: %w", err)
	}
	s.log.Published()
	order := db.Order{OrderID: row.OrderID, UserID: row.UserID, Status: row.Status, TotalCents: row.TotalCents,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	return toOrder(order, create.ThreadID, items, nil), nil
}

// GetOrder returns one order the caller may see.
func (s *Service) GetOrder(ctx context.Context, p auth.Principal, id uuid.UUID) (api.Order, error) {
	row, err := s.q.GetOrder(ctx, id)
	if err != nil {
		return api.Order{}, noRows(err, "order")
	}
	if !canSee(p, row.Order.UserID) {
		return api.Order{}, notFound("order")
	}
	orders, err := s.withItems(ctx, []db.Order{row.Order}, []uuid.UUID{row.ThreadID})
	if err != nil {
		return api.Order{}, err
	}
	return orders[0], nil
}

// ListOrders pages the caller's orders (admins: all), newest first, optionally in one status.
func (s *Service) ListOrders(ctx context.Context, p auth.Principal, status *api.OrderStatus, pr PageRequest) (Page[api.Order], error) {
	key := firstTimeKey
	if err := decodeCursor(pr.Cursor, &key); err != nil {
		return Page[api.Order]{}, err
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
		return Page[api.Order]{}, fmt.Errorf("list orders: %w", err)
	}
	page := paginate(rows, limit, func(r db.ListOrdersRow) db.ListOrdersRow { return r },
		func(r db.ListOrdersRow) any { return timeKey{At: r.Order.CreatedAt, ID: r.Order.OrderID} })
	orders := make([]db.Order, len(page.Items))
	threads := make([]uuid.UUID, len(page.Items))
	for i, r := range page.Items {
		orders[i], threads[i] = r.Order, r.ThreadID
	}
	items, err := s.withItems(ctx, orders, threads)
	return Page[api.Order]{Items: items, Next: page.Next}, err
}

// UpdateOrderStatus lets an admin move an order to another status. Setting the current
// status again changes nothing; leaving a final status is a conflict.
func (s *Service) UpdateOrderStatus(ctx context.Context, p auth.Principal, id uuid.UUID, status api.OrderStatus) (api.Order, error) {
	if !p.IsAdmin() {
		return api.Order{}, forbidden("only admins change an order's status")
	}
	for {
		current, err := s.q.GetOrder(ctx, id)
		if err != nil {
			return api.Order{}, noRows(err, "order")
		}
		previous := api.OrderStatus(current.Order.Status)
		if previous == status {
			break
		}
		if finalStatuses[previous] {
			return api.Order{}, &Error{Kind: Conflict, Reason: "order-final", Field: "status",
				Detail: fmt.Sprintf("the order is %s, a final status; it cannot become %s", previous, status)}
		}
		meta, err := encodeMeta(api.OrderUpdatedMeta{Status: status, PreviousStatus: previous})
		if err != nil {
			return api.Order{}, err
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
			return api.Order{}, fmt.Errorf("set order status: %w", err)
		}
	}
	return s.GetOrder(ctx, p, id)
}

// withItems loads the items and status histories of orders (one query each for the page)
// and builds the API orders.
func (s *Service) withItems(ctx context.Context, orders []db.Order, threads []uuid.UUID) ([]api.Order, error) {
	ids := make([]uuid.UUID, len(orders))
	for i, o := range orders {
		ids[i] = o.OrderID
	}
	rows, err := s.q.ListOrderItems(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load order items: %w", err)
	}
	items := make(map[uuid.UUID][]api.OrderItem, len(orders))
	for _, r := range rows {
		items[r.OrderID] = append(items[r.OrderID], api.OrderItem{Name: r.Name, Quantity: r.Quantity, UnitPriceCents: r.UnitPriceCents})
	}
	changes, err := s.q.ListOrderStatusChanges(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load order status histories: %w", err)
	}
	history := make(map[uuid.UUID][]api.OrderStatusChange, len(orders))
	for _, c := range changes {
		history[c.OrderID] = append(history[c.OrderID], api.OrderStatusChange{
			Status: api.OrderStatus(c.Status), PreviousStatus: api.OrderStatus(c.PreviousStatus),
			ChangedAt: c.ChangedAt.UTC(), EventId: c.EventID,
		})
	}
	out := make([]api.Order, len(orders))
	for i, o := range orders {
		out[i] = toOrder(o, threads[i], items[o.OrderID], history[o.OrderID])
	}
	return out, nil
}

func toOrder(o db.Order, threadID uuid.UUID, items []api.OrderItem, history []api.OrderStatusChange) api.Order {
	if items == nil {
		items = []api.OrderItem{}
	}
	if history == nil {
		history = []api.OrderStatusChange{}
	}
	return api.Order{
		OrderId: o.OrderID, UserId: o.UserID, Status: api.OrderStatus(o.Status), StatusHistory: history, Items: items,
		TotalCents: o.TotalCents, ThreadId: threadID, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}
