package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// health is the answer of /healthz and /readyz. Operator endpoints live outside /api and
// outside openapi.yaml (its "Operator endpoints"): the README documents them.
type health struct {
	Status string            `json:"status"` // ok or unavailable
	Checks map[string]string `json:"checks,omitempty"`
}

// Check is one readiness condition: nil when satisfied.
type Check func(ctx context.Context) error

func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, health{Status: "ok"})
}

// readyz runs every check with a short deadline so that a hung database turns the probe
// red instead of hanging it.
func readyz(checks map[string]Check) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		results := make(map[string]string, len(checks))
		status, code := "ok", http.StatusOK
		for name, check := range checks {
			results[name] = "ok"
			if err := check(ctx); err != nil {
				results[name] = err.Error()
				status, code = "unavailable", http.StatusServiceUnavailable
			}
		}
		c.JSON(code, health{Status: status, Checks: results})
	}
}
