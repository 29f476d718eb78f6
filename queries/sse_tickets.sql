-- name: InsertTicket :exec
INSERT INTO sse_tickets (ticket_hash, principal_id, email, role, token_expires_at, expires_at)
VALUES (@ticket_hash, @principal_id, @email, @role, @token_expires_at, @expires_at);

-- RedeemTicket consumes a live ticket: a second redemption finds nothing.
-- name: RedeemTicket :one
DELETE FROM sse_tickets
WHERE ticket_hash = @ticket_hash AND expires_at > now()
RETURNING principal_id, email, role, token_expires_at;

-- name: DeleteExpiredTickets :execrows
DELETE FROM sse_tickets WHERE expires_at <= now();
