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
  AND (sqlc.narg(assignee_id)::uuid IS NULL OR assignee_id = sqlc.narg(assignee_id)::uuid)
  AND (NOT @unassigned::boolean OR assignee_id IS NULL)
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

-- ThreadSummaries gives, for each thread, its newest message the caller may see (notes only
-- @with_notes), the caller's read marker and how many public messages of the other side came
-- after it. A user's marker is their side's; an admin's is their own (@reader_id), counted
-- from at least the team's marker at the upgrade that introduced them (migrations/00007).
-- name: ThreadSummaries :many
SELECT t.thread_id,
       lm.message_id      AS last_message_id,
       lm.owner           AS last_message_owner,
       lm.author_id       AS last_message_author_id,
       lm.visibility      AS last_message_visibility,
       lm.message_content AS last_message_content,
       lm.media_content_type AS last_message_media_type,
       lm.created_at      AS last_message_created_at,
       r.last_read_message_id AS side_last_read_message_id,
       ar.last_read_message_id AS own_last_read_message_id,
       (SELECT count(*) FROM messages m
         WHERE m.thread_id = t.thread_id AND m.owner <> @side::text AND m.visibility = 'public'
           AND m.seq > marker.seq)::int AS unread_count
FROM threads t
LEFT JOIN messages lm
       ON lm.seq = (SELECT max(seq) FROM messages
                    WHERE messages.thread_id = t.thread_id AND (@with_notes::boolean OR messages.visibility = 'public'))
LEFT JOIN thread_reads r ON r.thread_id = t.thread_id AND r.side = @side::text
LEFT JOIN admin_thread_reads ar ON ar.thread_id = t.thread_id AND ar.principal_id = @reader_id::uuid
CROSS JOIN LATERAL (
    SELECT (CASE WHEN @side::text = 'admin' THEN GREATEST(COALESCE(ar.last_read_seq, 0), t.team_read_seq_at_upgrade)
                 ELSE COALESCE(r.last_read_seq, 0) END)::bigint AS seq
) marker
WHERE t.thread_id = ANY(@thread_ids::uuid[]);

-- NewestPublicMessage is the newest message the customer can see at or before @seq: where
-- the admins' side marker goes when an admin read up to @seq (a note is never a marker the
-- customer's stream could name).
-- name: NewestPublicMessage :one
SELECT message_id, seq FROM messages
WHERE thread_id = @thread_id AND visibility = 'public' AND seq <= @seq
ORDER BY seq DESC
LIMIT 1;

-- AdvanceReadMarker moves an admin reader's own marker (@own_seq, @own_message_id; null
-- for a user) and @side's marker (@seq, @message_id) forward only, and appends threads.read
-- when the side's marker moved, in one statement; no row means the side's marker was already
-- there or past. In the same statement, whether or not it moved (a colleague may have moved
-- it), the reader (@actor_id) gets their notifications of this thread's messages up to
-- @read_seq marked read: reading a chat is reading its notifications.
-- name: AdvanceReadMarker :one
WITH own AS (
    INSERT INTO admin_thread_reads (thread_id, principal_id, last_read_seq, last_read_message_id, read_at)
    SELECT @thread_id, @actor_id::uuid, sqlc.narg(own_seq)::bigint, sqlc.narg(own_message_id)::uuid, @read_at
    WHERE sqlc.narg(own_seq)::bigint IS NOT NULL
    ON CONFLICT (thread_id, principal_id) DO UPDATE
    SET last_read_seq = EXCLUDED.last_read_seq,
        last_read_message_id = EXCLUDED.last_read_message_id,
        read_at = EXCLUDED.read_at
    WHERE admin_thread_reads.last_read_seq < EXCLUDED.last_read_seq
), marker AS (
    INSERT INTO thread_reads (thread_id, side, last_read_seq, last_read_message_id, read_at)
    SELECT @thread_id, @side, sqlc.narg(seq)::bigint, sqlc.narg(message_id)::uuid, @read_at
    WHERE sqlc.narg(seq)::bigint IS NOT NULL
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
      AND m.thread_id = @thread_id AND m.seq <= @read_seq
      AND e.actor_id IS DISTINCT FROM @actor_id::uuid
      AND NOT notification_is_read(@actor_id::uuid, e.id)
    ON CONFLICT (principal_id, event_id) DO UPDATE SET is_read = true
)
SELECT event.id AS event_id FROM marker, event;

-- LockThread loads a thread for a change that depends on its current state (assignment).
-- name: LockThread :one
SELECT * FROM threads WHERE thread_id = @thread_id FOR UPDATE;

-- AssignThread sets the thread's assignee (null: nobody) and appends threads.assigned,
-- which only admins see, in one statement; the caller holds the row lock (LockThread).
-- name: AssignThread :one
WITH assigned AS (
    UPDATE threads SET assignee_id = sqlc.narg(assignee_id)::uuid
    WHERE thread_id = @thread_id
    RETURNING thread_id, order_id, user_id
)
SELECT append_event('threads', 'threads.assigned', assigned.order_id, assigned.thread_id, assigned.user_id,
                    false, @actor_id, @meta::jsonb) AS event_id
FROM assigned;
