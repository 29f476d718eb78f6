-- +goose Up
-- Wake every instance's listener when events commit (NOTIFY is delivered at commit, and
-- PostgreSQL folds identical notifications of one transaction into one).
-- +goose StatementBegin
CREATE FUNCTION notify_event_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('orderchat_events', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_event_log();

-- The highest event id the retention job has deleted: a Last-Event-ID below it cannot
-- be replayed, and the stream answers with stream.reset instead.
CREATE TABLE event_log_state (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_up_to bigint  NOT NULL DEFAULT 0
);
INSERT INTO event_log_state DEFAULT VALUES;

-- Single-use stream tickets (POST /sse/tickets). Only a hash of the ticket is stored;
-- the principal is copied from the token that asked for it, including its expiry.
CREATE TABLE sse_tickets (
    ticket_hash      bytea PRIMARY KEY,
    principal_id     uuid        NOT NULL,
    email            text        NOT NULL,
    role             text        NOT NULL CHECK (role IN ('user', 'admin')),
    token_expires_at timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL
);
CREATE INDEX sse_tickets_by_expiry ON sse_tickets (expires_at);

-- +goose Down
DROP TABLE sse_tickets;
DROP TABLE event_log_state;
DROP TRIGGER events_notify ON events;
DROP FUNCTION notify_event_log;
