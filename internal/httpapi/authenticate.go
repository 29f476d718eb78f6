package httpapi

import (
	"errors"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"orderchat/internal/auth"
	"orderchat/internal/events"
)

// authenticator turns a request's credentials into the calling principal.
type authenticator struct {
	verifier *auth.Verifier
	tickets  *events.Tickets
}

// authenticate accepts the credentials the operation's security requirements allow: the
// bearer header always; on the SSE endpoints also a `ticket` (sseTicket) or an
// `access_token` (accessTokenQuery) in the query.
func (a *authenticator) authenticate(r *http.Request, requirements openapi3.SecurityRequirements) (auth.Principal, error) {
	token, ok := auth.ParseBearer(r.Header.Get("Authorization"))
	if ticket := r.URL.Query().Get("ticket"); !ok && ticket != "" && allows(requirements, "sseTicket") {
		principal, err := a.tickets.Redeem(r.Context(), ticket)
		if errors.Is(err, events.ErrBadTicket) {
			return auth.Principal{}, statusProblem(http.StatusUnauthorized, "invalid, used or expired ticket")
		}
		return principal, err
	}
	if !ok && allows(requirements, "accessTokenQuery") {
		token = r.URL.Query().Get("access_token")
		ok = token != ""
	}
	if !ok {
		return auth.Principal{}, statusProblem(http.StatusUnauthorized, "a bearer token is required")
	}
	principal, err := a.verifier.Verify(token)
	switch {
	case errors.Is(err, auth.ErrExpired):
		return auth.Principal{}, statusProblem(http.StatusUnauthorized, "token expired")
	case err != nil:
		return auth.Principal{}, statusProblem(http.StatusUnauthorized, "invalid token")
	}
	return principal, nil
}

func allows(requirements openapi3.SecurityRequirements, scheme string) bool {
	for _, req := range requirements {
		if _, ok := req[scheme]; ok {
			return true
		}
	}
	return false
}
