-- name: InsertEvent :one
INSERT INTO events (resource, resource_type, order_id, thread_id, user_id, user_visible, actor_id, meta)
VALUES (@resource, @resource_type, @order_id, @thread_id, @user_id, @user_visible, @actor_id, @meta)
RETURNING *;

-- Replay and catch-up read the log in id order, after @after_id and up to @up_to_id.

-- name: ListEvents :many
SELECT * FROM events
WHERE id > @after_id AND id <= @up_to_id
ORDER BY id LIMIT @row_limit;

-- name: ListUserEvents :many
SELECT * FROM events
WHERE user_id = @user_id::uuid AND user_visible AND id > @after_id AND id <= @up_to_id
ORDER BY id LIMIT @row_limit;

-- NewestEventID is the highest id ever committed, even when retention emptied the log.
-- name: NewestEventID :one
SELECT GREATEST(COALESCE(max(id), 0), (SELECT pruned_up_to FROM event_log_state))::bigint FROM events;

-- name: PrunedUpTo :one
SELECT pruned_up_to FROM event_log_state;

-- PruneEvents deletes the events created before @before and records the highest id gone.
-- name: PruneEvents :execrows
WITH gone AS (
    DELETE FROM events WHERE created_at < @before RETURNING id
)
UPDATE event_log_state
SET pruned_up_to = GREATEST(pruned_up_to, (SELECT COALESCE(max(id), 0) FROM gone))
WHERE (SELECT count(*) FROM gone) > 0;

-- LockEventLog serializes event writers from their event insert to their commit, so that
-- event ids become visible in id order: a reader that saw id N will never later find a
-- smaller id committing. Take it right before the event insert, as a transaction's last step.
-- name: LockEventLog :exec
SELECT pg_advisory_xact_lock(7420001);
