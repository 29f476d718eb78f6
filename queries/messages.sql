-- InsertMessage stores a message unless its client-chosen id is already taken (no row then).
-- name: InsertMessage :one
INSERT INTO messages (message_id, thread_id, owner, author_id, message_content,
                      media_content_type, media_size_bytes, media_filename,
                      created_at, updated_at)
VALUES (@message_id, @thread_id, @owner, @author_id, @message_content,
        @media_content_type, @media_size_bytes, @media_filename,
        @created_at, @created_at)
ON CONFLICT (message_id) DO NOTHING
RETURNING message_id, seq, thread_id, owner, author_id, message_content,
          media_content_type, media_size_bytes, media_filename, created_at, updated_at;

-- name: GetMessage :one
SELECT message_id, seq, thread_id, owner, author_id, message_content,
       media_content_type, media_size_bytes, media_filename, created_at, updated_at
FROM messages WHERE message_id = @message_id;

-- ListMessages pages a thread oldest first after @after_seq (0 for the first page). seen says
-- whether the side that did not write the message has read it. It never reads media_data.
-- name: ListMessages :many
SELECT m.message_id, m.seq, m.thread_id, m.owner, m.author_id, m.message_content,
       m.media_content_type, m.media_size_bytes, m.media_filename, m.created_at, m.updated_at,
       (m.seq <= COALESCE(r.last_read_seq, 0))::boolean AS seen
FROM messages m
LEFT JOIN thread_reads r ON r.thread_id = m.thread_id AND r.side <> m.owner
WHERE m.thread_id = @thread_id AND m.seq > @after_seq
ORDER BY m.seq
LIMIT @row_limit;

-- name: SaveMessageMedia :execrows
UPDATE messages SET media_data = @media_data WHERE message_id = @message_id;

-- name: LoadMessageMedia :one
SELECT media_data FROM messages WHERE message_id = @message_id AND media_data IS NOT NULL;

-- name: GetMessageView :one
SELECT m.message_id, m.seq, m.thread_id, m.owner, m.author_id, m.message_content,
       m.media_content_type, m.media_size_bytes, m.media_filename, m.created_at, m.updated_at,
       (m.seq <= COALESCE(r.last_read_seq, 0))::boolean AS seen
FROM messages m
LEFT JOIN thread_reads r ON r.thread_id = m.thread_id AND r.side <> m.owner
WHERE m.message_id = @message_id;
