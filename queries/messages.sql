-- PostMessage stores a message, touches its thread and, when @append_event, appends its
-- messages.new event, in one statement: run alone it is its own transaction, with no
-- round trip to the client between the event and the commit (readers wait for an open
-- event, see event_log_horizon). The thread row is locked first, so a
-- concurrent close cannot slip between the is_active check and the message. No row comes
-- back when the thread is missing, closed or not the author's (@as_admin false and
-- another customer's), or when @message_id is taken; then nothing changed.
-- GREATEST keeps updated_at at the newest message when posts commit out of order. The
-- casts give the parameters their column types (in a SELECT list they would be text).
-- The main query reads event because a plain SELECT in WITH runs only when it is read.
-- event_meta and event_created_at are the event's columns as stored (jsonb's own text;
-- the transaction's start), so that the log can hand it on without reading it back
-- (eventlog.Log.Committed).
-- name: PostMessage :batchone
WITH thread AS (
    SELECT threads.thread_id FROM threads
    WHERE threads.thread_id = @thread_id AND threads.is_active AND (@as_admin::boolean OR threads.user_id = @author_id)
    FOR NO KEY UPDATE
), message AS (
    INSERT INTO messages (message_id, thread_id, owner, author_id, visibility, message_content,
                          media_content_type, media_size_bytes, media_filename, media_store, media_key,
                          created_at, updated_at)
    SELECT @message_id::uuid, thread.thread_id, @owner::text, @author_id, @visibility::text, @message_content::text,
           sqlc.narg(media_content_type)::text, sqlc.narg(media_size_bytes)::bigint, sqlc.narg(media_filename)::text,
           sqlc.narg(media_store)::text, sqlc.narg(media_key)::text,
           @created_at::timestamptz, @created_at::timestamptz
    FROM thread
    ON CONFLICT (message_id) DO NOTHING
    RETURNING message_id, seq, thread_id, owner, author_id, visibility, message_content,
              media_content_type, media_size_bytes, media_filename, created_at, updated_at
), touched AS (
    -- A note leaves updated_at alone: the customer's thread list must not move for it.
    UPDATE threads SET updated_at = CASE WHEN message.visibility = 'public'
                                         THEN GREATEST(threads.updated_at, message.created_at)
                                         ELSE threads.updated_at END
    FROM message WHERE threads.thread_id = message.thread_id
    RETURNING threads.thread_id, threads.order_id, threads.user_id
), event AS (
    -- A note is never on the customer's stream, feed or notifications (user_visible).
    SELECT append_event('messages', 'messages.new', touched.order_id, touched.thread_id, touched.user_id,
                        @visibility::text = 'public', @author_id, @meta::jsonb) AS id
    FROM touched WHERE @append_event::boolean
)
SELECT message.*, touched.order_id, touched.user_id AS customer_id, event.id AS event_id,
       @meta::jsonb AS event_meta, now()::timestamptz AS event_created_at
FROM message CROSS JOIN touched LEFT JOIN event ON true;

-- name: GetMessage :one
SELECT message_id, seq, thread_id, owner, author_id, visibility, message_content,
       media_content_type, media_size_bytes, media_filename, media_store, media_key, created_at, updated_at
FROM messages WHERE message_id = @message_id;

-- ListMessages pages a thread oldest first after @after_seq (0 for the first page), notes
-- only with @with_notes (admins). seen says whether the side that did not write the message
-- has read it (never for a note). It never reads media_data.
-- name: ListMessages :many
SELECT m.message_id, m.seq, m.thread_id, m.owner, m.author_id, m.visibility, m.message_content,
       m.media_content_type, m.media_size_bytes, m.media_filename, m.created_at, m.updated_at,
       (m.visibility = 'public' AND m.seq <= COALESCE(r.last_read_seq, 0))::boolean AS seen,
       p.name AS author_name, p.email AS author_email
FROM messages m
LEFT JOIN thread_reads r ON r.thread_id = m.thread_id AND r.side <> m.owner
LEFT JOIN principals p ON p.principal_id = m.author_id
WHERE m.thread_id = @thread_id AND m.seq > @after_seq AND (@with_notes::boolean OR m.visibility = 'public')
ORDER BY m.seq
LIMIT @row_limit;

-- name: SaveMessageMedia :execrows
UPDATE messages SET media_data = @media_data WHERE message_id = @message_id;

-- name: LoadMessageMedia :one
SELECT media_data FROM messages WHERE message_id = @message_id AND media_data IS NOT NULL;

-- name: GetMessageView :one
SELECT m.message_id, m.seq, m.thread_id, m.owner, m.author_id, m.visibility, m.message_content,
       m.media_content_type, m.media_size_bytes, m.media_filename, m.created_at, m.updated_at,
       (m.visibility = 'public' AND m.seq <= COALESCE(r.last_read_seq, 0))::boolean AS seen,
       p.name AS author_name, p.email AS author_email
FROM messages m
LEFT JOIN thread_reads r ON r.thread_id = m.thread_id AND r.side <> m.owner
LEFT JOIN principals p ON p.principal_id = m.author_id
WHERE m.message_id = @message_id;
