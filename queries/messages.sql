-- PostMessages stores a batch of posts in one statement: each post's message, its thread's
-- touch and, where its append_event is set, its messages.new event. One statement, not one per
-- post: PostgreSQL starts a statement's plan and prepares its check constraints once
-- (issue 16; docs/adr/0012-posts-share-a-commit.md). Run alone it is its own transaction, with
-- no round trip to the client between the events and the commit (readers wait for an open
-- event, see event_log_horizon).
-- Post i is element i (ord, from 1) of every array. The media arrays hold '' and 0 where
-- has_media is false; an empty media key is none. A post stores nothing, and gets no row, when
-- its thread is missing, closed or not its author's (as_admin false and another customer's),
-- or when its message_id is taken, by a stored message or by an earlier post of the batch; the
-- other posts are not affected.
-- The threads are locked first, in thread_id order, so that a concurrent close cannot slip
-- between the is_active check and the messages, and two batches cannot wait for each other in
-- a cycle. Their lookup reads the array through a sub-select, which hides its length from the
-- planner: otherwise every plan made for the given values looks cheaper than the generic one,
-- and PostgreSQL would plan each batch anew (a quarter of its CPU). Messages are inserted in post
-- order and their events appended in message order (a volatile output column is computed after
-- ORDER BY). GREATEST keeps updated_at at the newest message when posts commit out of order; a
-- note leaves it alone: the customer's thread list does not move for it. The main query reads
-- event because a plain SELECT in WITH runs only when it is read. event_meta and
-- event_created_at are the events' columns as stored (jsonb's own text; the transaction's
-- start), so that the log can hand them on without reading them back (eventlog.Log.Committed).
-- name: PostMessages :many
WITH post AS (
    -- Arrays unnested side by side run in step: row i holds element i of each.
    SELECT unnest(@thread_ids::uuid[]) AS thread_id,
           unnest(@as_admins::boolean[]) AS as_admin,
           unnest(@author_ids::uuid[]) AS author_id,
           unnest(@message_ids::uuid[]) AS message_id,
           unnest(@owners::text[]) AS owner,
           unnest(@visibilities::text[]) AS visibility,
           unnest(@message_contents::text[]) AS message_content,
           unnest(@created_ats::timestamptz[]) AS created_at,
           unnest(@metas::jsonb[]) AS meta,
           unnest(@append_events::boolean[]) AS append_event,
           unnest(@has_media::boolean[]) AS has_media,
           unnest(@media_content_types::text[]) AS media_content_type,
           unnest(@media_size_bytes::bigint[]) AS media_size_bytes,
           unnest(@media_filenames::text[]) AS media_filename,
           unnest(@media_stores::text[]) AS media_store,
           unnest(@media_keys::text[]) AS media_key,
           generate_subscripts(@thread_ids::uuid[], 1) AS ord
), thread AS (
    SELECT threads.thread_id, threads.user_id FROM threads
    WHERE threads.thread_id = ANY ((SELECT @thread_ids::uuid[])::uuid[]) AND threads.is_active
    ORDER BY threads.thread_id
    FOR NO KEY UPDATE
), allowed AS (
    -- The first post of each message_id that its thread allows; a later one is a duplicate.
    SELECT DISTINCT ON (post.message_id) post.*
    FROM post JOIN thread ON thread.thread_id = post.thread_id AND (post.as_admin OR thread.user_id = post.author_id)
    ORDER BY post.message_id, post.ord
), message AS (
    INSERT INTO messages (message_id, thread_id, owner, author_id, visibility, message_content,
                          media_content_type, media_size_bytes, media_filename, media_store, media_key,
                          created_at, updated_at)
    SELECT message_id, thread_id, owner, author_id, visibility, message_content,
           CASE WHEN has_media THEN media_content_type END, CASE WHEN has_media THEN media_size_bytes END,
           CASE WHEN has_media THEN media_filename END, CASE WHEN has_media THEN media_store END,
           CASE WHEN has_media THEN NULLIF(media_key, '') END,
           created_at, created_at
    FROM allowed ORDER BY ord
    ON CONFLICT (message_id) DO NOTHING
    RETURNING message_id, seq, thread_id, owner, author_id, visibility, message_content,
              media_content_type, media_size_bytes, media_filename, created_at, updated_at
), touched AS (
    UPDATE threads SET updated_at = GREATEST(threads.updated_at, newest.created_at)
    FROM (SELECT thread_id, max(created_at) FILTER (WHERE visibility = 'public') AS created_at
          FROM message GROUP BY thread_id) AS newest
    WHERE threads.thread_id = newest.thread_id
    RETURNING threads.thread_id, threads.order_id, threads.user_id
), event AS (
    -- A note is never on the customer's stream, feed or notifications (user_visible).
    SELECT message.message_id,
           append_event('messages', 'messages.new', touched.order_id, touched.thread_id, touched.user_id,
                        message.visibility = 'public', message.author_id, allowed.meta) AS id
    FROM message JOIN allowed USING (message_id) JOIN touched ON touched.thread_id = message.thread_id
    WHERE allowed.append_event
    ORDER BY message.seq
)
SELECT allowed.ord::integer AS ord, message.*, touched.order_id, touched.user_id AS customer_id,
       event.id AS event_id, allowed.meta::jsonb AS event_meta, now()::timestamptz AS event_created_at
FROM message JOIN allowed USING (message_id) JOIN touched ON touched.thread_id = message.thread_id LEFT JOIN event USING (message_id);

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
