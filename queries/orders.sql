-- name: InsertOrder :one
INSERT INTO orders (order_id, user_id, total_cents)
VALUES (@order_id, @user_id, @total_cents)
RETURNING *;

-- name: InsertOrderItems :copyfrom
INSERT INTO order_items (order_id, position, name, quantity, unit_price_cents)
VALUES (@order_id, @position, @name, @quantity, @unit_price_cents);

-- name: GetOrder :one
SELECT sqlc.embed(o), t.thread_id
FROM orders o JOIN threads t USING (order_id)
WHERE o.order_id = @order_id;

-- name: LockOrder :one
SELECT * FROM orders WHERE order_id = @order_id FOR UPDATE;

-- name: SetOrderStatus :one
UPDATE orders SET status = @status, updated_at = now()
WHERE order_id = @order_id
RETURNING *;

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
