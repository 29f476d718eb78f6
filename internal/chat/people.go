package chat

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"orderchat/gen/db"
	"orderchat/internal/auth"
)

// People (issue 14, docs/adr/0007): every response names who acted, by the claims of
// their latest request, which the service remembers in the principals table.

// Person is someone who acted: the author of a message, the assignee of a thread.
type Person struct {
	ID          uuid.UUID
	Role        Side
	DisplayName string
}

// Customer is the customer of an order, as of their latest request.
type Customer struct {
	ID          uuid.UUID
	DisplayName string
	Email       *string
}

// Claims longer than the principals table holds are cut, not refused: a long name is no
// reason to turn a valid token away.
const (
	maxNameRunes  = 200
	maxEmailRunes = 320
)

// displayName is the name others see: the name claim, else the email, else the side's
// generic name (someone not seen since names were recorded).
func displayName(name, email *string, role Side) string {
	switch {
	case name != nil && *name != "":
		return *name
	case email != nil && *email != "":
		return *email
	case role == AdminSide:
		return "Support"
	default:
		return "Customer"
	}
}

// personOf names p as they call now.
func personOf(p auth.Principal) Person {
	name, email := claim(p.Name, maxNameRunes), claim(p.Email, maxEmailRunes)
	return Person{ID: p.Subject, Role: side(p), DisplayName: displayName(name, email, side(p))}
}

func personFromRow(r db.Principal) Person {
	return Person{ID: r.PrincipalID, Role: Side(r.Role), DisplayName: displayName(r.Name, r.Email, Side(r.Role))}
}

// claim is a claim as stored: nil when absent, cut to at most n runes.
func claim(v string, n int) *string {
	if v == "" {
		return nil
	}
	v = truncateRunes(v, n)
	return &v
}

// remembered holds the claims this process last stored per principal, so that a request
// writes the principals table only when its caller's claims changed. It forgets everything
// past rememberAtMost principals (each is written once more), so that it stays bounded.
const rememberAtMost = 100_000

type remembered struct {
	mu     sync.Mutex
	claims map[uuid.UUID]db.RememberPrincipalParams
}

// Remember records the caller's role, email and name, once per process and change of claims.
func (s *Service) Remember(ctx context.Context, p auth.Principal) error {
	params := db.RememberPrincipalParams{
		PrincipalID: p.Subject, Role: string(side(p)), Email: claim(p.Email, maxEmailRunes), Name: claim(p.Name, maxNameRunes),
	}
	s.people.mu.Lock()
	known, ok := s.people.claims[p.Subject]
	s.people.mu.Unlock()
	if ok && sameClaims(known, params) {
		return nil
	}
	if err := s.q.RememberPrincipal(ctx, params); err != nil {
		return fmt.Errorf("remember principal: %w", err)
	}
	s.people.mu.Lock()
	if len(s.people.claims) >= rememberAtMost {
		clear(s.people.claims)
	}
	s.people.claims[p.Subject] = params
	s.people.mu.Unlock()
	return nil
}

func sameClaims(a, b db.RememberPrincipalParams) bool {
	same := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Role == b.Role && same(a.Email, b.Email) && same(a.Name, b.Name)
}

// principals loads the rows of ids; an id without a row is absent from the map.
func (s *Service) principals(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]db.Principal, error) {
	rows, err := s.q.ListPrincipals(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load principals: %w", err)
	}
	out := make(map[uuid.UUID]db.Principal, len(rows))
	for _, r := range rows {
		out[r.PrincipalID] = r
	}
	return out, nil
}

// customerOf names the customer id from rows (a generic name when never seen).
func customerOf(id uuid.UUID, rows map[uuid.UUID]db.Principal) Customer {
	r, ok := rows[id]
	if !ok {
		return Customer{ID: id, DisplayName: displayName(nil, nil, UserSide)}
	}
	return Customer{ID: id, DisplayName: displayName(r.Name, r.Email, UserSide), Email: r.Email}
}

// personIn names the principal id of side role from rows.
func personIn(id uuid.UUID, role Side, rows map[uuid.UUID]db.Principal) Person {
	if r, ok := rows[id]; ok {
		return personFromRow(r)
	}
	return Person{ID: id, Role: role, DisplayName: displayName(nil, nil, role)}
}

// ListAdmins is the support team: every admin who has used the API, by name.
func (s *Service) ListAdmins(ctx context.Context, p auth.Principal) ([]Person, error) {
	if !p.IsAdmin() {
		return nil, forbidden("the team list is for admins")
	}
	rows, err := s.q.ListAdmins(ctx)
	if err != nil {
		return nil, fmt.Errorf("list admins: %w", err)
	}
	out := make([]Person, len(rows))
	for i, r := range rows {
		out[i] = personFromRow(r)
	}
	return out, nil
}
