-- CreateOrder inserts an order with its items (@names, @quantities and @unit_prices, in
-- position order) and its thread, and appends orders.created, in one statement.
-- name: CreateOrder :one
WITH new_order AS (
    INSERT INTO orders (order_id, user_id, status, total_cents)
    VALUES (@order_id, @user_id, @status, @total_cents)
    RETURNING *
), items AS (
    INSERT INTO order_items (order_id, position, name, quantity, unit_price_cents)
    SELECT new_order.order_id, i - 1, (@names::text[])[i], (@quantities::int[])[i], (@unit_prices::bigint[])[i]
    FROM new_order, generate_subscripts(@names::text[], 1) AS i
), thread AS (
    INSERT INTO threads (thread_id, order_id, user_id)
    SELECT @thread_id, new_order.order_id, new_order.user_id FROM new_order
    RETURNING thread_id
), event AS (
    SELECT append_event('orders', 'orders.created', new_order.order_id, thread.thread_id, new_order.user_id,
                        false, new_order.user_id, @meta::jsonb) AS id
    FROM new_order, thread
)
SELECT new_order.*, event.id AS event_id FROM new_order, event;

-- name: GetOrder :one
SELECT sqlc.embed(o), t.thread_id
FROM orders o JOIN threads t USING (order_id)
WHERE o.order_id = @order_id;

-- SetOrderStatus moves an order from @previous to @status, appends orders.updated and
-- records the change in the order's status history (with the event's id and time), in one
-- statement. No row means the order is unknown or no longer in @previous (another change
-- won), and nothing changed.
-- name: SetOrderStatus :one
WITH updated AS (
    UPDATE orders SET status = @status, updated_at = now()
    WHERE orders.order_id = @order_id AND orders.status = @previous
    RETURNING orders.order_id, orders.user_id
), event AS (
    SELECT updated.order_id,
           append_event('orders', 'orders.updated', updated.order_id, threads.thread_id, updated.user_id,
                        true, @actor_id, @meta::jsonb) AS id
    FROM updated JOIN threads ON threads.order_id = updated.order_id
), history AS (
    INSERT INTO order_status_changes (order_id, event_id, status, previous_status, changed_at)
    SELECT event.order_id, event.id, @status, @previous, now() FROM event
)
SELECT event.id AS event_id FROM event;

-- Pages are keyset-paginated newest first: pass the last row's (created_at, order_id),
-- or ('infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff') for the first page.

-- name: ListOrders :many
SELECT sqlc.embed(o), t.thread_id
FROM orders o JOIN threads t USING (order_id)
WHERE (o.created_at, o.order_id) < (@before_created_at::timestamptz, @before_order_id::uuid)
ORDER BY o.created_at DESC, o.order_id DESC
LIMIT @row_limit;

-- name: ListOrdersByStatus :many
SELECT sqlc.embed(o), t.thread_id
FROM orders o JOIN threads t USING (order_id)
WHERE o.status = @status
  AND (o.created_at, o.order_id) < (@before_created_at::timestamptz, @before_order_id::uuid)
ORDER BY o.created_at DESC, o.order_id DESC
LIMIT @row_limit;

-- name: ListUserOrders :many
SELECT sqlc.embed(o), t.thread_id
FROM orders o JOIN threads t USING (order_id)
WHERE o.user_id = @user_id
  AND (sqlc.narg(status)::text IS NULL OR o.status = sqlc.narg(status)::text)
  AND (o.created_at, o.order_id) < (@before_created_at::timestamptz, @before_order_id::uuid)
ORDER BY o.created_at DESC, o.order_id DESC
LIMIT @row_limit;

-- name: ListOrderItems :many
SELECT * FROM order_items
WHERE order_id = ANY(@order_ids::uuid[])
ORDER BY order_id, position;

-- ListOrderStatusChanges gives the status histories of @order_ids, each oldest first.
-- name: ListOrderStatusChanges :many
SELECT * FROM order_status_changes
WHERE order_id = ANY(@order_ids::uuid[])
ORDER BY order_id, event_id;
