-- +goose Up
-- lock_event_log takes the event-log lock: transaction-scoped, so held until commit. Every
-- event insert takes it first (queries/events.sql, AppendEvent), which makes event ids
-- become visible in id order.
CREATE FUNCTION lock_event_log() RETURNS void LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(7420001) $$;

-- +goose Down
DROP FUNCTION lock_event_log;
