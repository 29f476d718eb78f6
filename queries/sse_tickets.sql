-- name: InsertTicket :exec
INSERT INTO sse_tickets (ticket_hash, principal_id, email, role, token_expires_at, expires_at)
VALUES (@ticket_hash, @principal_id, @email, @role, @token_expires_at, @expires_at);

-- RedeemTicket consumes a live ticket (a second redemption finds nothing) whose token has
-- not expired and, in the same statement, opens a stream session for its principal that
-- expires with that token.
-- name: RedeemTicket :one
WITH redeemed AS (
    DELETE FROM sse_tickets
    WHERE ticket_hash = @ticket_hash AND expires_at > now()
    RETURNING principal_id, email, role, token_expires_at
)
INSERT INTO sse_sessions (session_hash, principal_id, email, role, expires_at)
SELECT @session_hash, principal_id, email, role, token_expires_at
FROM redeemed
WHERE token_expires_at > now()
RETURNING principal_id, email, role, expires_at;

-- name: StreamSession :one
SELECT principal_id, email, role, expires_at
FROM sse_sessions
WHERE session_hash = @session_hash;

-- name: DeleteExpiredTickets :execrows
DELETE FROM sse_tickets WHERE expires_at <= now();

-- name: DeleteExpiredStreamSessions :execrows
DELETE FROM sse_sessions WHERE expires_at <= now();
