-- +goose Up
-- People (issue 14; docs/adr/0007): the principals who have called the API, with the name and
-- email of their latest token, so that responses can name authors, customers and assignees.
-- Written by the authentication middleware only when a principal's claims change.
CREATE TABLE principals (
    principal_id uuid PRIMARY KEY,
    role         text        NOT NULL CHECK (role IN ('user', 'admin')),
    email        text        CHECK (char_length(email) <= 320),
    name         text        CHECK (char_length(name) <= 200),
    seen_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX principals_admins ON principals (principal_id) WHERE role = 'admin';

-- Internal notes: admins-only messages. Existing messages stay public.
ALTER TABLE messages ADD COLUMN visibility text NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'internal'));

-- Assignment: the admin handling a thread (a principal seen with the admin role).
ALTER TABLE threads ADD COLUMN assignee_id uuid REFERENCES principals;
CREATE INDEX threads_by_assignee ON threads (assignee_id, updated_at DESC, thread_id DESC) WHERE assignee_id IS NOT NULL;
CREATE INDEX threads_unassigned ON threads (updated_at DESC, thread_id DESC) WHERE assignee_id IS NULL;

-- Each admin's own read marker. thread_reads keeps the side markers: the admins' one is the
-- furthest any admin read, which is what the customer's "seen" shows. Nobody knows which
-- admin read what before this migration, so the admins' side marker as of now counts as
-- every admin's starting point (team_read_seq_at_upgrade): nobody's inbox fills with old
-- messages on upgrade.
CREATE TABLE admin_thread_reads (
    thread_id            uuid        NOT NULL REFERENCES threads ON DELETE CASCADE,
    principal_id         uuid        NOT NULL,
    last_read_seq        bigint      NOT NULL,
    last_read_message_id uuid        NOT NULL REFERENCES messages ON DELETE CASCADE,
    read_at              timestamptz NOT NULL,
    PRIMARY KEY (thread_id, principal_id)
);
ALTER TABLE threads ADD COLUMN team_read_seq_at_upgrade bigint NOT NULL DEFAULT 0;
UPDATE threads t SET team_read_seq_at_upgrade = r.last_read_seq
FROM thread_reads r WHERE r.thread_id = t.thread_id AND r.side = 'admin';

-- messages.new now names its author and visibility (openapi.yaml: MessageNewMeta). Events
-- written before carry the side's generic name, as the messages they announce do.
UPDATE events SET meta = meta || jsonb_build_object(
    'visibility', 'public',
    'author', jsonb_build_object('id', actor_id, 'role', meta->>'owner',
                                 'display_name', CASE meta->>'owner' WHEN 'admin' THEN 'Support' ELSE 'Customer' END))
WHERE resource_type = 'messages.new' AND NOT meta ? 'author';
-- threads.read names who read (openapi.yaml: ThreadReadMeta), likewise.
UPDATE events SET meta = meta || jsonb_build_object(
    'read_by', jsonb_build_object('id', actor_id, 'role', meta->>'reader',
                                  'display_name', CASE meta->>'reader' WHEN 'admin' THEN 'Support' ELSE 'Customer' END))
WHERE resource_type = 'threads.read' AND NOT meta ? 'read_by';

-- +goose Down
-- Without the visibility column a note would become a public message: drop notes first.
DELETE FROM events WHERE resource_type = 'messages.new' AND meta->>'visibility' = 'internal';
DELETE FROM messages WHERE visibility = 'internal';
UPDATE events SET meta = meta - 'author' - 'visibility' WHERE resource_type = 'messages.new';
UPDATE events SET meta = meta - 'read_by' WHERE resource_type = 'threads.read';
DROP TABLE admin_thread_reads;
ALTER TABLE threads DROP COLUMN team_read_seq_at_upgrade;
DROP INDEX threads_unassigned;
DROP INDEX threads_by_assignee;
ALTER TABLE threads DROP COLUMN assignee_id;
ALTER TABLE messages DROP COLUMN visibility;
DROP TABLE principals;
