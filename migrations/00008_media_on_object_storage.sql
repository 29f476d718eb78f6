-- +goose Up
-- Attachments on object storage (issue 15; docs/adr/0008). media_store says where a
-- message's bytes are: 'postgres' (media_data) or 's3' (the object media_key). Existing
-- rows keep NULL, which means postgres: nothing is rewritten on upgrade.
ALTER TABLE messages ADD COLUMN media_store text CHECK (media_store IN ('postgres', 's3'));
ALTER TABLE messages ADD COLUMN media_key text;
CREATE UNIQUE INDEX messages_by_media_key ON messages (media_key) WHERE media_key IS NOT NULL;

-- The ledger of objects written but not yet referenced by a committed message: a row is
-- committed before the object is written and deleted by the message's transaction; the
-- sweep deletes the objects of rows older than its grace period.
CREATE TABLE media_uploads (
    key        text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_uploads_by_age ON media_uploads (created_at);

-- +goose Down
DROP TABLE media_uploads;
DROP INDEX messages_by_media_key;
ALTER TABLE messages DROP COLUMN media_key;
ALTER TABLE messages DROP COLUMN media_store;
