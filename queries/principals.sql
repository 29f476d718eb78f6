-- RememberPrincipal records a caller's claims as of their latest request (issue 14,
-- docs/adr/0007); a row that already holds them is left alone.
-- name: RememberPrincipal :exec
INSERT INTO principals (principal_id, role, email, name, seen_at)
VALUES (@principal_id, @role, sqlc.narg(email), sqlc.narg(name), now())
ON CONFLICT (principal_id) DO UPDATE
SET role = EXCLUDED.role, email = EXCLUDED.email, name = EXCLUDED.name, seen_at = EXCLUDED.seen_at
WHERE (principals.role, principals.email, principals.name) IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.email, EXCLUDED.name);

-- name: ListPrincipals :many
SELECT * FROM principals WHERE principal_id = ANY(@principal_ids::uuid[]);

-- ListAdmins is the support team by name (a team is small: one page of at most 500).
-- name: ListAdmins :many
SELECT * FROM principals WHERE role = 'admin'
ORDER BY lower(COALESCE(name, email, '')), principal_id
LIMIT 500;
