-- name: GetThread :one
SELECT * FROM threads WHERE thread_id = @thread_id;

-- name: GetThreadByOrder :one
SELECT * FROM threads WHERE order_id = @order_id;

-- CloseThread closes an open thread and appends threads.closed (meta from the caller,
-- who chose @closed_at), in one statement. No row means it was already closed or is
-- unknown, and nothing changed.
-- name: CloseThread :one
WITH closed AS (
    UPDATE threads SET is_active = false, closed_at = @closed_at::timestamptz
    WHERE thread_id = @thread_id AND is_active
    RETURNING thread_id, order_id, user_id
), event AS (
    SELECT append_event('threads', 'threads.closed', closed.order_id, closed.thread_id, closed.user_id,
                        true, @actor_id, @meta::jsonb) AS id
    FROM closed
)
SELECT event.id AS event_id FROM closed, event;

-- Inbox pages, newest activity first: pass the last row's (updated_at, thread_id), or
-- ('infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff') for the first page.

-- name: ListThreads :many
SELECT * FROM threads
WHERE (sqlc.narg(is_active)::boolean IS NULL OR is_active = sqlc.narg(is_active)::boolean)
  AND (updated_at, thread_id) < (@before_updated_at::timestamptz, @before_thread_id::uuid)
ORDER BY updated_at DESC, thread_id DESC
LIMIT @row_limit;

-- name: ListUserThreads :many
SELECT * FROM threads
WHERE user_id = @user_id
  AND (sqlc.narg(is_active)::boolean IS NULL OR is_active = sqlc.narg(is_active)::boolean)
  AND (updated_at, thread_id) < (@before_updated_at::timestamptz, @before_thread_id::uuid)
ORDER BY updated_at DESC, thread_id DESC
LIMIT @row_limit;

-- ThreadSummaries gives, for each thread, its newest message and how many messages of the
-- other side came after @side's read marker.
-- name: ThreadSummaries :many
SELECT t.thread_id,
       lm.message_id      AS last_message_id,
       lm.owner           AS last_message_owner,
       lm.message_content AS last_message_content,
       lm.media_content_type AS last_message_media_type,
       lm.created_at      AS last_message_created_at,
       r.last_read_message_id,
       (SELECT count(*) FROM messages m
         WHERE m.thread_id = t.thread_id AND m.owner <> @side::text
           AND m.seq > COALESCE(r.last_read_seq, 0))::int AS unread_count
FROM threads t
LEFT JOIN messages lm
       ON lm.seq = (SELECT max(seq) FROM messages WHERE messages.thread_id = t.thread_id)
LEFT JOIN thread_reads r ON r.thread_id = t.thread_id AND r.side = @side::text
WHERE t.thread_id = ANY(@thread_ids::uuid[]);

-- AdvanceReadMarker moves @side's marker forward only and appends threads.read, in one
-- statement; no row means it was already there or past, and the marker did not move. In
-- the same statement, whether or not the marker moved (a colleague may have moved it),
-- the reader (@actor_id) gets their notifications of this thread's messages up to @seq
-- marked read: reading a chat is reading its notifications.
-- name: AdvanceReadMarker :one
WITH marker AS (
    INSERT INTO thread_reads (thread_id, side, last_read_seq, last_read_message_id, read_at)
    VALUES (@thread_id, @side, @seq, @message_id, @read_at)
    ON CONFLICT (thread_id, side) DO UPDATE
    SET last_read_seq = EXCLUDED.last_read_seq,
        last_read_message_id = EXCLUDED.last_read_message_id,
        read_at = EXCLUDED.read_at
    WHERE thread_reads.last_read_seq < EXCLUDED.last_read_seq
    RETURNING thread_id
), event AS (
    SELECT append_event('threads', 'threads.read', @order_id, marker.thread_id, @customer_id,
                        @user_visible, @actor_id, @meta::jsonb) AS id
    FROM marker
), notifications_read AS (
    INSERT INTO notification_reads (principal_id, event_id, is_read)
    SELECT @actor_id::uuid, e.id, true
    FROM events e JOIN messages m ON m.message_id = (e.meta->>'message_id')::uuid
    WHERE e.thread_id = @thread_id AND e.resource_type = 'messages.new'
      AND m.thread_id = @thread_id AND m.seq <= @seq
      AND e.actor_id IS DISTINCT FROM @actor_id::uuid
      AND NOT notification_is_read(@actor_id::uuid, e.id)
    ON CONFLICT (principal_id, event_id) DO UPDATE SET is_read = true
)
SELECT event.id AS event_id FROM marker, event;
