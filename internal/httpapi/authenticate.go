package httpapi

import (
	"errors"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"orderchat/internal/auth"
)

// authenticator turns a request's credentials into the calling principal.
type authenticator struct {
	verifier *auth.Verifier
}

// authenticate accepts the credentials the operation's security requirements allow: the
// bearer header always, and `access_token` in the query where the operation lists the
// accessTokenQuery scheme (the SSE endpoints).
func (a *authenticator) authenticate(r *http.Request, requirements openapi3.SecurityRequirements) (auth.Principal, error) {
	token, ok := auth.ParseBearer(r.Header.Get("Authorization"))
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
