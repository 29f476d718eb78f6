package httpapi

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"orderchat/internal/ratelimit"
)

// rateLimitExtension marks a limited operation in openapi.yaml; its value names the
// budget (the spec's "Rate limits" section). The spec is the one place that says which
// operation is limited, so a partner reads it where the code does.
const rateLimitExtension = "x-rate-limit"

// rateLimits is the limiter of every limited operation, by operationId.
type rateLimits map[string]*ratelimit.Limiter

// newRateLimits reads each operation's budget from the spec. A budget the spec names
// that is not in budgets, and one in budgets that no operation names, are errors at
// start-up: a misspelling never leaves an operation unlimited. A nil limiter is a
// budget configured as unlimited.
func newRateLimits(doc *openapi3.T, budgets map[string]*ratelimit.Limiter) (rateLimits, error) {
	limits := rateLimits{}
	used := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			raw, ok := op.Extensions[rateLimitExtension]
			if !ok {
				continue
			}
			name, _ := raw.(string)
			limiter, known := budgets[name]
			if !known {
				return nil, fmt.Errorf("openapi.yaml: %s %s: %s %v is not one of the budgets %v", method, path, rateLimitExtension, raw, slices.Sorted(maps.Keys(budgets)))
			}
			if security := op.Security; (security == nil && len(doc.Security) == 0) || (security != nil && len(*security) == 0) {
				return nil, fmt.Errorf("openapi.yaml: %s %s: %s on an operation without security: there is no principal to limit", method, path, rateLimitExtension)
			}
			limits[op.OperationID] = limiter
			used[name] = true
		}
	}
	for name := range budgets {
		if !used[name] {
			return nil, fmt.Errorf("openapi.yaml: no operation has %s: %s", rateLimitExtension, name)
		}
	}
	return limits, nil
}

// middleware refuses a principal over its operation's budget, before the body is read.
// It runs after authentication (newRateLimits refuses a limit on an operation without
// security).
func (l rateLimits) middleware(c *gin.Context) {
	limiter, limited := l[operationOf(c).route.Operation.OperationID]
	if !limited {
		return
	}
	if ok, wait := limiter.Allow(principalFrom(c.Request.Context()).Subject); !ok {
		seconds := ratelimit.RetryAfterSeconds(wait)
		c.Header("Retry-After", strconv.Itoa(seconds))
		writeProblem(c, statusProblem(http.StatusTooManyRequests, fmt.Sprintf("too many requests; retry in %d s", seconds)))
	}
}
