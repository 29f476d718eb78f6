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
