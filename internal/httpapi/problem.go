package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgconn"

	"orderchat/gen/api"
	"orderchat/internal/chat"
	"orderchat/internal/media"
)

// problemTypePrefix names our problem kinds; openapi.yaml lists them all (ProblemType,
// and the table "Problem types" in its introduction).
const problemTypePrefix = "urn:orderchat:problem:"

// problem is an error that knows its HTTP answer. Every error a handler returns becomes a
// problem in one place, problemFor.
type problem struct {
	status     int
	kind       string // the suffix of the problem's type URI
	detail     string
	fields     []api.FieldError
	retryAfter int // seconds, for Retry-After; 0: the status's default
}

func (p *problem) Error() string { return p.detail }

func newProblem(status int, kind, detail string) *problem {
	return &problem{status: status, kind: kind, detail: detail}
}

// kindByStatus is the default kind of each status we answer with. A 409 always has a
// specific kind (chat.Error.Reason).
var kindByStatus = map[int]string{
	http.StatusBadRequest:            "validation",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not-found",
	http.StatusMethodNotAllowed:      "method-not-allowed",
	http.StatusGone:                  "events-expired",
	http.StatusRequestEntityTooLarge: "too-large",
	http.StatusUnsupportedMediaType:  "unsupported-media-type",
	http.StatusTooManyRequests:       "rate-limited",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

// statusByKind answers each kind of broken rule.
var statusByKind = map[chat.Kind]int{
	chat.Invalid:     http.StatusBadRequest,
	chat.NotFound:    http.StatusNotFound,
	chat.Forbidden:   http.StatusForbidden,
	chat.Conflict:    http.StatusConflict,
	chat.TooLarge:    http.StatusRequestEntityTooLarge,
	chat.Unsupported: http.StatusUnsupportedMediaType,
}

// statusProblem is a problem of the status's default kind.
func statusProblem(status int, detail string) *problem {
	return newProblem(status, kindByStatus[status], detail)
}

// problemFor maps any error to the problem the client sees. Unknown errors are 500 and
// their text stays in the log, not in the response.
func problemFor(err error) *problem {
	var p *problem
	var maxBytes *http.MaxBytesError
	var pgErr *pgconn.PgError
	var rule *chat.Error
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &rule):
		p := newProblem(statusByKind[rule.Kind], rule.Reason, rule.Detail)
		if rule.Field != "" {
			p.fields = []api.FieldError{{Field: rule.Field, Message: rule.Detail}}
		}
		return p
	case errors.As(err, &maxBytes):
		return statusProblem(http.StatusRequestEntityTooLarge, "the request body is too large")
	case errors.Is(err, media.ErrUnavailable):
		return statusProblem(http.StatusServiceUnavailable, "the attachment store is unavailable; retry later")
	case errors.Is(err, context.DeadlineExceeded), pgconn.SafeToRetry(err), isConnectError(err):
		return statusProblem(http.StatusServiceUnavailable, "the database is unavailable; retry later")
	case errors.As(err, &pgErr) && pgErr.Code == "57P01": // admin_shutdown: the database is restarting
		return statusProblem(http.StatusServiceUnavailable, "the database is unavailable; retry later")
	default:
		return statusProblem(http.StatusInternalServerError, "an unexpected error occurred")
	}
}

func isConnectError(err error) bool {
	var connectErr *pgconn.ConnectError
	return errors.As(err, &connectErr)
}

// writeProblem answers with p as application/problem+json and stops the handler chain.
func writeProblem(c *gin.Context, p *problem) {
	body := api.Problem{
		Type:     api.ProblemType(problemTypePrefix + p.kind),
		Title:    http.StatusText(p.status),
		Status:   p.status,
		Detail:   &p.detail,
		Instance: &c.Request.URL.Path,
	}
	if len(p.fields) > 0 {
		body.Errors = &p.fields
	}
	data, err := json.Marshal(body)
	if err != nil { // cannot happen for this struct; keep the answer well-formed anyway
		data = []byte(`{"type":"` + problemTypePrefix + `internal","title":"Internal Server Error","status":500}`)
	}
	switch {
	case p.status == http.StatusUnauthorized:
		c.Header("WWW-Authenticate", `Bearer error="invalid_token"`)
	case p.retryAfter > 0:
		c.Header("Retry-After", strconv.Itoa(p.retryAfter))
	case p.status == http.StatusServiceUnavailable:
		c.Header("Retry-After", "2")
	}
	c.Data(p.status, "application/problem+json", data)
	c.Abort()
}
