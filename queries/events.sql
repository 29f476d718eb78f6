-- AppendEvent appends an event (see append_event in migrations): the last statement of
-- a transaction that changed something in several statements.
-- name: AppendEvent :one
SELECT append_event(@resource::text, @resource_type::text, sqlc.narg(order_id)::uuid, sqlc.narg(thread_id)::uuid,
                    sqlc.narg(user_id)::uuid, @user_visible::boolean, sqlc.narg(actor_id)::uuid, @meta::jsonb)::bigint AS id;

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

-- EventLogHorizon: see event_log_horizon in migrations.
-- name: EventLogHorizon :one
SELECT up_to::bigint AS up_to, in_flight::bigint[] AS in_flight FROM event_log_horizon();

-- name: EventWritersInFlight :one
SELECT event_writers_in_flight()::bigint[] AS xids;
