-- Notifications are the events a principal may see (admins: all; users: the visible
-- events of their own orders), minus those they caused themselves, read receipts
-- (threads.read: they update "seen" ticks, they are not news) and, for admins, assignments
-- of others (threads.assigned is news to its assignee only), newest first: pass the last id
-- as @before_id, or 9223372036854775807 for the first page.

-- name: ListAdminNotifications :many
SELECT e.*, notification_is_read(@principal_id::uuid, e.id)::boolean AS is_read
FROM events e
WHERE e.id < @before_id AND e.actor_id IS DISTINCT FROM @principal_id::uuid AND e.resource_type <> 'threads.read'
  AND (e.resource_type <> 'threads.assigned' OR e.meta->'assignee'->>'id' = @principal_id::text)
  AND NOT (@unread_only::boolean AND notification_is_read(@principal_id::uuid, e.id))
ORDER BY e.id DESC
LIMIT @row_limit;

-- name: ListUserNotifications :many
SELECT e.*, notification_is_read(@principal_id::uuid, e.id)::boolean AS is_read
FROM events e
WHERE e.user_id = @principal_id::uuid AND e.user_visible
  AND e.id < @before_id AND e.actor_id IS DISTINCT FROM @principal_id::uuid AND e.resource_type <> 'threads.read'
  AND NOT (@unread_only::boolean AND notification_is_read(@principal_id::uuid, e.id))
ORDER BY e.id DESC
LIMIT @row_limit;

-- name: GetAdminNotification :one
SELECT e.*, notification_is_read(@principal_id::uuid, e.id)::boolean AS is_read
FROM events e
WHERE e.id = @id AND e.actor_id IS DISTINCT FROM @principal_id::uuid AND e.resource_type <> 'threads.read'
  AND (e.resource_type <> 'threads.assigned' OR e.meta->'assignee'->>'id' = @principal_id::text);

-- name: GetUserNotification :one
SELECT e.*, notification_is_read(@principal_id::uuid, e.id)::boolean AS is_read
FROM events e
WHERE e.id = @id AND e.user_id = @principal_id::uuid AND e.user_visible
  AND e.actor_id IS DISTINCT FROM @principal_id::uuid AND e.resource_type <> 'threads.read';

-- The unread counts take ids up to @up_to (all: the largest bigint).

-- name: CountAdminUnread :one
SELECT count(*)::int FROM events e
WHERE e.id <= @up_to AND e.actor_id IS DISTINCT FROM @principal_id::uuid AND e.resource_type <> 'threads.read'
  AND (e.resource_type <> 'threads.assigned' OR e.meta->'assignee'->>'id' = @principal_id::text) AND NOT notification_is_read(@principal_id::uuid, e.id);

-- name: CountUserUnread :one
SELECT count(*)::int FROM events e
WHERE e.id <= @up_to AND e.user_id = @principal_id::uuid AND e.user_visible
  AND e.actor_id IS DISTINCT FROM @principal_id::uuid AND e.resource_type <> 'threads.read' AND NOT notification_is_read(@principal_id::uuid, e.id);

-- name: SetNotificationRead :exec
INSERT INTO notification_reads (principal_id, event_id, is_read)
VALUES (@principal_id::uuid, @event_id, @is_read)
ON CONFLICT (principal_id, event_id) DO UPDATE SET is_read = EXCLUDED.is_read;

-- RaiseReadWatermark marks everything up to @up_to read, dropping the per-event marks it
-- supersedes (an event marked unread again becomes read too).
-- name: RaiseReadWatermark :exec
WITH cleared AS (
    DELETE FROM notification_reads WHERE principal_id = @principal_id::uuid AND event_id <= @up_to
)
INSERT INTO notification_watermarks (principal_id, read_all_up_to)
VALUES (@principal_id::uuid, @up_to)
ON CONFLICT (principal_id) DO UPDATE
SET read_all_up_to = GREATEST(notification_watermarks.read_all_up_to, EXCLUDED.read_all_up_to);
