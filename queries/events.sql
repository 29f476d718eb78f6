-- name: InsertEvent :one
INSERT INTO events (resource, resource_type, order_id, thread_id, user_id, user_visible, actor_id, meta)
VALUES (@resource, @resource_type, @order_id, @thread_id, @user_id, @user_visible, @actor_id, @meta)
RETURNING *;

-- name: ListEventsAfter :many
SELECT * FROM events WHERE id > @after_id ORDER BY id LIMIT @row_limit;

-- name: ListUserEventsAfter :many
SELECT * FROM events
WHERE user_id = @user_id AND user_visible AND id > @after_id
ORDER BY id LIMIT @row_limit;

-- name: EventBounds :one
SELECT COALESCE(min(id), 0)::bigint AS oldest_id, COALESCE(max(id), 0)::bigint AS newest_id FROM events;

-- name: DeleteEventsBefore :execrows
DELETE FROM events WHERE created_at < @before;

-- LockEventLog serializes event writers from their event insert to their commit, so that
-- event ids become visible in id order: a reader that saw id N will never later find a
-- smaller id committing. Take it right before the event insert, as a transaction's last step.
-- name: LockEventLog :exec
SELECT pg_advisory_xact_lock(7420001);
