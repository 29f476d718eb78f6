-- +goose Up
-- An order's status changes, for the order's lifetime: its orders.updated events leave the
-- log after the retention period, but a reloaded chat still shows every change.
-- SetOrderStatus writes a row in the same statement as the change and its event; event_id
-- is that event's id, by which a client holding both dedupes (and, since changes of one
-- order are serialized by its row lock, also their order).
CREATE TABLE order_status_changes (
    order_id        uuid        NOT NULL REFERENCES orders ON DELETE CASCADE,
    event_id        bigint      NOT NULL,
    status          text        NOT NULL
                    CHECK (status IN ('pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled')),
    previous_status text        NOT NULL
                    CHECK (previous_status IN ('pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled')),
    changed_at      timestamptz NOT NULL,
    PRIMARY KEY (order_id, event_id)
);
-- The changes made before this table, as far as the log still holds them.
INSERT INTO order_status_changes (order_id, event_id, status, previous_status, changed_at)
SELECT e.order_id, e.id, e.meta->>'status', e.meta->>'previous_status', e.created_at
FROM events e JOIN orders o ON o.order_id = e.order_id
WHERE e.resource_type = 'orders.updated';

-- Reading a thread marks the reader's notifications of its messages read
-- (AdvanceReadMarker): their messages.new events, by thread, without scanning the log.
CREATE INDEX events_messages_by_thread ON events (thread_id, id) WHERE resource_type = 'messages.new';

-- +goose Down
DROP INDEX events_messages_by_thread;
DROP TABLE order_status_changes;
