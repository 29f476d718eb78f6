-- +goose Up
-- A stream session is what the `orderchat_stream` cookie names: redeeming a stream ticket
-- creates one, bound to the ticket's principal and expiring with the token that asked for
-- the ticket. Unlike a ticket it is reusable until then, because a browser's EventSource
-- reconnects by itself, many times, with the spent ticket and this cookie. Only the hash
-- of the cookie value is stored; expired rows are swept with the tickets.
CREATE TABLE sse_sessions (
    session_hash bytea PRIMARY KEY,
    principal_id uuid        NOT NULL,
    email        text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('user', 'admin')),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sse_sessions_by_expiry ON sse_sessions (expires_at);

-- +goose Down
DROP TABLE sse_sessions;
