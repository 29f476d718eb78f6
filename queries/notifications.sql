-- Notifications are the events a principal may see, minus those they caused themselves,
-- newest first (pass the last id as @before_id, or 9223372036854775807 for the first page).
-- is_read: an explicit per-event mark wins, else the "mark all read" watermark decides.

-- name: ListAdminNotifications :many
SELECT e.*, COALESCE(nr.is_read, e.id <= COALESCE(w.read_all_up_to, 0))::boolean AS is_read
FROM events e
LEFT JOIN notification_watermarks w ON w.principal_id = @principal_id
LEFT JOIN notification_reads nr ON nr.principal_id = @principal_id AND nr.event_id = e.id
WHERE e.id < @before_id AND e.actor_id IS DISTINCT FROM @principal_id
  AND (NOT @unread_only::boolean OR NOT COALESCE(nr.is_read, e.id <= COALESCE(w.read_all_up_to, 0)))
ORDER BY e.id DESC
LIMIT @row_limit;

-- name: ListUserNotifications :many
SELECT e.*, COALESCE(nr.is_read, e.id <= COALESCE(w.read_all_up_to, 0))::boolean AS is_read
FROM events e
LEFT JOIN notification_watermarks w ON w.principal_id = @principal_id
LEFT JOIN notification_reads nr ON nr.principal_id = @principal_id AND nr.event_id = e.id
WHERE e.user_id = @principal_id AND e.user_visible
  AND e.id < @before_id AND e.actor_id IS DISTINCT FROM @principal_id
  AND (NOT @unread_only::boolean OR NOT COALESCE(nr.is_read, e.id <= COALESCE(w.read_all_up_to, 0)))
ORDER BY e.id DESC
LIMIT @row_limit;

-- name: SetNotificationRead :exec
INSERT INTO notification_reads (principal_id, event_id, is_read)
VALUES (@principal_id, @event_id, @is_read)
ON CONFLICT (principal_id, event_id) DO UPDATE SET is_read = EXCLUDED.is_read;

-- name: RaiseReadWatermark :exec
INSERT INTO notification_watermarks (principal_id, read_all_up_to)
VALUES (@principal_id, @up_to)
ON CONFLICT (principal_id) DO UPDATE
SET read_all_up_to = GREATEST(notification_watermarks.read_all_up_to, EXCLUDED.read_all_up_to);

-- name: ClearNotificationMarksUpTo :exec
DELETE FROM notification_reads WHERE principal_id = @principal_id AND event_id <= @up_to;
