-- +goose Up
-- append_event is the event log's only writer. It first takes the event-log lock
-- (transaction-scoped, so held until commit) and only then draws the event's id: event
-- writers commit one after another, in id order, and a reader that has seen id N never
-- later finds a smaller id committing. Call it in the statement that makes the change,
-- run on its own (then the lock is held only from here to the commit, on the server), or
-- as the last statement of a transaction. PL/pgSQL, not SQL: it keeps the insert's plan
-- for the session, where a SQL function would plan it on every call, with the lock held.
-- +goose StatementBegin
CREATE FUNCTION append_event(resource text, resource_type text, order_id uuid, thread_id uuid,
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

-- +goose Down
DROP FUNCTION append_event;
