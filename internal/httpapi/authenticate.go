package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"orderchat/internal/auth"
	"orderchat/internal/chat"
)

// streamCookieName is the stream session cookie (openapi.yaml: the streamCookie scheme).
const streamCookieName = "orderchat_stream"

// authenticator turns a request's credentials into the calling principal.
type authenticator struct {
	verifier *auth.Verifier
	tickets  *auth.Tickets
}

// middleware authenticates the operations that declare security and records the
// principal (and a new stream session's cookie) on the request's context.
func (a *authenticator) middleware(c *gin.Context) {
	requirements := operationOf(c).security
	if len(requirements) == 0 {
		return
	}
	principal, cookie, err := a.authenticate(c.Request, requirements)
	if err != nil {
		writeProblem(c, problemFor(err))
		return
	}
	c.Request = c.Request.WithContext(withStreamCookie(withPrincipal(c.Request.Context(), principal), cookie))
}

// authenticate accepts the credentials the operation's security requirements allow: the
// bearer header always; on the SSE endpoints also a `ticket` (sseTicket) or an
// `access_token` (accessTokenQuery) in the query, or the stream cookie (streamCookie).
//
// Redeeming a ticket opens a stream session: the cookie returned is to be set on the
// stream's response. A browser's EventSource reconnects by itself to the same URL, with
// the spent ticket and that cookie, so a spent ticket gives way to a valid cookie.
func (a *authenticator) authenticate(r *http.Request, requirements openapi3.SecurityRequirements) (auth.Principal, *http.Cookie, error) {
	token, ok := auth.ParseBearer(r.Header.Get("Authorization"))
	if ticket := r.URL.Query().Get("ticket"); !ok && ticket != "" && allows(requirements, "sseTicket") {
		principal, session, err := a.tickets.Redeem(r.Context(), ticket)
		switch {
		case err == nil:
			return principal, streamCookie(r, session, principal.ExpiresAt), nil
		case !errors.Is(err, auth.ErrBadTicket):
			return auth.Principal{}, nil, err
		}
		if principal, found, err := a.session(r, requirements); found {
			return principal, nil, err
		}
		return auth.Principal{}, nil, statusProblem(http.StatusUnauthorized, "invalid, used or expired ticket")
	}
	if !ok && allows(requirements, "accessTokenQuery") {
		token = r.URL.Query().Get("access_token")
		ok = token != ""
	}
	if !ok {
		if principal, found, err := a.session(r, requirements); found {
			return principal, nil, err
		}
		return auth.Principal{}, nil, statusProblem(http.StatusUnauthorized, "a bearer token is required")
	}
	principal, err := a.verifier.Verify(token)
	switch {
	case errors.Is(err, auth.ErrExpired):
		return auth.Principal{}, nil, statusProblem(http.StatusUnauthorized, "token expired")
	case err != nil:
		return auth.Principal{}, nil, statusProblem(http.StatusUnauthorized, "invalid token")
	}
	return principal, nil, nil
}

// session authenticates by the stream cookie where the operation allows it; found is
// false when there is none to try.
func (a *authenticator) session(r *http.Request, requirements openapi3.SecurityRequirements) (p auth.Principal, found bool, err error) {
	if !allows(requirements, "streamCookie") {
		return auth.Principal{}, false, nil
	}
	err = statusProblem(http.StatusUnauthorized, "invalid stream cookie")
	// Cookies of other paths never reach this one, but a client may send a stale copy
	// next to the current one: try a few.
	for i, cookie := range r.CookiesNamed(streamCookieName) {
		found = true
		if i == 3 {
			break
		}
		if !strings.HasPrefix(cookie.Value, "st_") || len(cookie.Value) > 64 {
			continue
		}
		p, sessionErr := a.tickets.Session(r.Context(), cookie.Value)
		switch {
		case sessionErr == nil:
			return p, true, nil
		case errors.Is(sessionErr, auth.ErrSessionExpired):
			err = statusProblem(http.StatusUnauthorized, "stream session expired")
		case !errors.Is(sessionErr, auth.ErrBadSession):
			return auth.Principal{}, true, sessionErr
		}
	}
	return auth.Principal{}, found, err
}

// streamCookie is the cookie of a stream session: sent back only to this stream's own
// path, never readable by scripts nor sent from other sites, and gone with the token.
func streamCookie(r *http.Request, session string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:    streamCookieName,
		Value:   session,
		Path:    r.URL.EscapedPath(),
		Expires: expires,
		MaxAge:  int(time.Until(expires) / time.Second), // 0 (under a second left) leaves Expires alone
		// Behind a proxy that ends TLS the browser still spoke HTTPS. A client that claims
		// so falsely only keeps its own cookie from coming back over plain HTTP.
		Secure:   r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"),
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	}
}

type streamCookieKey struct{}

// withStreamCookie records the stream cookie to set on the stream's response, if any.
func withStreamCookie(ctx context.Context, cookie *http.Cookie) context.Context {
	if cookie == nil {
		return ctx
	}
	return context.WithValue(ctx, streamCookieKey{}, cookie)
}

func streamCookieFrom(ctx context.Context) *http.Cookie {
	cookie, _ := ctx.Value(streamCookieKey{}).(*http.Cookie)
	return cookie
}

func allows(requirements openapi3.SecurityRequirements, scheme string) bool {
	for _, req := range requirements {
		if _, ok := req[scheme]; ok {
			return true
		}
	}
	return false
}

// rememberCaller records the claims of an authenticated caller (chat.Service.Remember),
// by which responses name them; it writes only when their claims changed.
func rememberCaller(people *chat.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principalFrom(c.Request.Context())
		if p.Subject == uuid.Nil {
			return // an operation without security
		}
		if err := people.Remember(c.Request.Context(), p); err != nil {
			writeProblem(c, problemFor(err))
		}
	}
}
