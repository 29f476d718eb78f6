-- name: InsertThread :one
INSERT INTO threads (thread_id, order_id, user_id)
VALUES (@thread_id, @order_id, @user_id)
RETURNING *;

-- name: GetThread :one
SELECT * FROM threads WHERE thread_id = @thread_id;

-- name: GetThreadByOrder :one
SELECT * FROM threads WHERE order_id = @order_id;

-- CloseThread closes an open thread; no row means it was already closed (or is unknown).
-- name: CloseThread :one
UPDATE threads SET is_active = false, closed_at = now()
WHERE thread_id = @thread_id AND is_active
RETURNING *;

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

-- AdvanceReadMarker moves @side's marker forward only; no row means it was already there or past.
-- name: AdvanceReadMarker :one
INSERT INTO thread_reads (thread_id, side, last_read_seq, last_read_message_id)
VALUES (@thread_id, @side, @seq, @message_id)
ON CONFLICT (thread_id, side) DO UPDATE
SET last_read_seq = EXCLUDED.last_read_seq,
    last_read_message_id = EXCLUDED.last_read_message_id,
    read_at = now()
WHERE thread_reads.last_read_seq < EXCLUDED.last_read_seq
RETURNING *;
