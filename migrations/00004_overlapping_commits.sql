-- +goose Up
-- Event writers no longer commit one after another. Before, append_event took an exclusive
-- lock until commit and the NOTIFY trigger serialized commits too (PostgreSQL orders the
-- commits of notifying transactions), so each commit waited for the previous one's WAL
-- flush. Now commits overlap and share flushes; readers instead deliver ids only up to a
-- settled horizon (event_log_horizon), and the writing instance signals other instances
-- after its commit (eventlog.Log.Published), outside the transaction.
DROP TRIGGER events_notify ON events;
DROP FUNCTION notify_event_log;

-- append_event is the event log's only writer. It makes sure the transaction has an xid
-- before it draws an id, so a reader that read the id sequence and then took a snapshot
-- finds the writer of every id up to what it read either ended or in the snapshot's
-- in-progress list. The shared lock, which never waits, marks the transaction as an event
-- writer until it ends: event_writers_in_flight lists them.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION append_event(resource text, resource_type text, order_id uuid, thread_id uuid,
                                        user_id uuid, user_visible boolean, actor_id uuid, meta jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM pg_current_xact_id();
    PERFORM pg_advisory_xact_lock_shared(7420001);
    INSERT INTO events (resource, resource_type, order_id, thread_id, user_id, user_visible, actor_id, meta)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    RETURNING events.id INTO new_id;
    RETURN new_id;
END
$$;
-- +goose StatementEnd

-- event_log_horizon returns the newest id drawn so far and then the transactions running
-- in this database's client sessions, the only ones that append events (32-bit xids, read
-- from the backends, not from a snapshot: a snapshot does not list the transactions that
-- began after the newest one that ended; autovacuum, whose ANALYZE holds an xid for a
-- while, is left out). Once none of those is running any more, every id up to up_to has
-- committed or rolled back for good. Two statements on purpose: the sequence must be read
-- before the backends. Prepared (two-phase) transactions have no backend and are not seen:
-- orderchat never prepares one.
-- +goose StatementBegin
CREATE FUNCTION event_log_horizon(OUT up_to bigint, OUT in_flight bigint[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    up_to := COALESCE(pg_sequence_last_value('events_id_seq'), 0);
    in_flight := ARRAY(SELECT backend_xid::text::bigint FROM pg_stat_activity
                       WHERE backend_xid IS NOT NULL AND backend_type = 'client backend'
                         AND datname = current_database());
END
$$;
-- +goose StatementEnd

-- event_writers_in_flight lists the transactions (32-bit xids) that have called
-- append_event and not ended. Narrower than event_log_horizon's list, which includes any
-- writing transaction, but it reads the lock table: used only when a horizon stays
-- unsettled for a while (a long transaction that never appends an event).
-- +goose StatementBegin
CREATE FUNCTION event_writers_in_flight() RETURNS bigint[]
LANGUAGE sql VOLATILE AS $$
    SELECT ARRAY(
        SELECT a.backend_xid::text::bigint
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = 0 AND l.objid = 7420001 AND l.objsubid = 1 AND l.granted
          AND a.backend_xid IS NOT NULL)
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION event_writers_in_flight;
DROP FUNCTION event_log_horizon;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION append_event(resource text, resource_type text, order_id uuid, thread_id uuid,
                                        user_id uuid, user_visible boolean, actor_id uuid, meta jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7420001);
    INSERT INTO events (resource, resource_type, order_id, thread_id, user_id, user_visible, actor_id, meta)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    RETURNING events.id INTO new_id;
    RETURN new_id;
END
$$;
-- +goose StatementEnd
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
