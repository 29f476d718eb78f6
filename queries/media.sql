-- The ledger of objects written to the object store (migrations/00008, docs/adr/0008).

-- name: RecordUpload :exec
INSERT INTO media_uploads (key) VALUES (@key);

-- DeleteUpload removes a ledger row: in the message's transaction (which must find it), or
-- after a failed post.
-- name: DeleteUpload :execrows
DELETE FROM media_uploads WHERE key = @key;

-- OldestStaleUpload locks the oldest ledger row older than the grace period that no other
-- transaction holds (a message's transaction that is claiming it, or another sweeper).
-- referenced is true when a committed message points at the object anyway.
-- name: OldestStaleUpload :one
SELECT u.key, EXISTS (SELECT 1 FROM messages m WHERE m.media_key = u.key) AS referenced
FROM media_uploads u
WHERE u.created_at < now() - make_interval(secs => @grace_seconds::float8)
ORDER BY u.created_at
LIMIT 1
FOR UPDATE OF u SKIP LOCKED;

-- ListMediaToMove pages the messages whose attachment is not in the store @target yet, in seq
-- order after @after_seq (orderchat media migrate).
-- name: ListMediaToMove :many
SELECT message_id, seq, media_store, media_key, media_size_bytes
FROM messages
WHERE media_content_type IS NOT NULL AND COALESCE(media_store, 'postgres') <> @target::text AND seq > @after_seq
ORDER BY seq
LIMIT @row_limit;

-- SwitchMediaStore points a message at its attachment's copy in @target, only if the row still
-- points where the copy was read from; moving to s3 drops the bytes from the row.
-- name: SwitchMediaStore :execrows
UPDATE messages
SET media_store = @target::text, media_key = sqlc.narg(new_key)::text,
    media_data = CASE WHEN @target::text = 's3' THEN NULL ELSE media_data END
WHERE message_id = @message_id
  AND media_store IS NOT DISTINCT FROM sqlc.narg(old_store)::text
  AND media_key IS NOT DISTINCT FROM sqlc.narg(old_key)::text;

-- name: MessageMediaChecksum :one
SELECT length(media_data)::bigint AS size, sha256(media_data) AS sum
FROM messages WHERE message_id = @message_id AND media_data IS NOT NULL;
