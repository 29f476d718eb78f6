-- +goose Up
-- Orders and their items. user_id is the JWT `sub` of the customer; there is no users
-- table because identities live in the token issuer.
CREATE TABLE orders (
    order_id    uuid PRIMARY KEY,
    user_id     uuid        NOT NULL,
    status      text        NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled')),
    total_cents bigint      NOT NULL CHECK (total_cents >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination, newest first: a user's own orders, all orders, all orders by status.
CREATE INDEX orders_by_user ON orders (user_id, created_at DESC, order_id DESC);
CREATE INDEX orders_by_created ON orders (created_at DESC, order_id DESC);
CREATE INDEX orders_by_status ON orders (status, created_at DESC, order_id DESC);

CREATE TABLE order_items (
    order_id         uuid   NOT NULL REFERENCES orders ON DELETE CASCADE,
    position         int    NOT NULL CHECK (position >= 0),
    name             text   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    quantity         int    NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents BETWEEN 0 AND 100000000),
    PRIMARY KEY (order_id, position)
);

-- One thread per order. user_id repeats the order's owner so that authorization filters
-- and the inbox need no join.
CREATE TABLE threads (
    thread_id  uuid PRIMARY KEY,
    order_id   uuid        NOT NULL UNIQUE REFERENCES orders ON DELETE CASCADE,
    user_id    uuid        NOT NULL,
    is_active  boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    closed_at  timestamptz,
    CHECK (is_active = (closed_at IS NULL))
);
-- The inbox: newest activity first, for admins (all) and users (own).
CREATE INDEX threads_by_activity ON threads (updated_at DESC, thread_id DESC);
CREATE INDEX threads_by_user_activity ON threads (user_id, updated_at DESC, thread_id DESC);

-- Messages. seq gives a total, stable order inside a thread (created_at can tie) and is
-- what read markers and cursors compare. The attachment lives in media_data (BYTEA: the store of
-- internal/media); listings select the other media columns only.
CREATE TABLE messages (
    message_id         uuid PRIMARY KEY,
    seq                bigint NOT NULL GENERATED ALWAYS AS IDENTITY UNIQUE,
    thread_id          uuid        NOT NULL REFERENCES threads ON DELETE CASCADE,
    owner              text        NOT NULL CHECK (owner IN ('user', 'admin')),
    author_id          uuid        NOT NULL,
    message_content    text        NOT NULL DEFAULT '' CHECK (char_length(message_content) <= 4000),
    media_data         bytea,
    media_content_type text,
    media_size_bytes   bigint CHECK (media_size_bytes BETWEEN 1 AND 5242880),
    media_filename     text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((media_content_type IS NULL) = (media_size_bytes IS NULL)),
    CHECK ((media_content_type IS NULL) = (media_filename IS NULL)),
    CHECK (message_content <> '' OR media_content_type IS NOT NULL)
);
CREATE INDEX messages_by_thread ON messages (thread_id, seq);

-- How far each side of a thread has read ("seen" ticks and unread counts).
CREATE TABLE thread_reads (
    thread_id            uuid        NOT NULL REFERENCES threads ON DELETE CASCADE,
    side                 text        NOT NULL CHECK (side IN ('user', 'admin')),
    last_read_seq        bigint      NOT NULL,
    last_read_message_id uuid        NOT NULL REFERENCES messages ON DELETE CASCADE,
    read_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, side)
);

-- The transactional outbox and replay log: written in the same transaction as the change
-- it describes; id is the SSE `id:`. user_id is the order's owner; user_visible says
-- whether that user's stream carries the event (admins see every event). actor_id is the
-- principal who caused it, so nobody is notified of their own actions.
CREATE TABLE events (
    id            bigint NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource      text        NOT NULL,
    resource_type text        NOT NULL,
    order_id      uuid,
    thread_id     uuid,
    user_id       uuid,
    user_visible  boolean     NOT NULL,
    actor_id      uuid,
    meta          jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- A user's stream, replay and notifications: their visible events in id order.
CREATE INDEX events_by_user ON events (user_id, id) WHERE user_visible;
-- The retention job deletes by age.
CREATE INDEX events_by_created ON events (created_at);

-- Read state of notifications. read_all_up_to is the "mark all read" watermark; a row in
-- notification_reads overrides it for one event (read, or unread again).
CREATE TABLE notification_watermarks (
    principal_id   uuid PRIMARY KEY,
    read_all_up_to bigint NOT NULL
);
CREATE TABLE notification_reads (
    principal_id uuid    NOT NULL,
    event_id     bigint  NOT NULL REFERENCES events ON DELETE CASCADE,
    is_read      boolean NOT NULL,
    PRIMARY KEY (principal_id, event_id)
);
CREATE INDEX notification_reads_by_event ON notification_reads (event_id);

-- notification_is_read: an explicit per-event mark wins, else the watermark decides.
-- +goose StatementBegin
CREATE FUNCTION notification_is_read(principal uuid, event bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT is_read FROM notification_reads WHERE principal_id = principal AND event_id = event),
        event <= COALESCE((SELECT read_all_up_to FROM notification_watermarks WHERE principal_id = principal), 0))
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION notification_is_read;
DROP TABLE notification_reads;
DROP TABLE notification_watermarks;
DROP TABLE events;
DROP TABLE thread_reads;
DROP TABLE messages;
DROP TABLE threads;
DROP TABLE order_items;
DROP TABLE orders;
