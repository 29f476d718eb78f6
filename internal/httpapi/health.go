package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"orderchat/gen/api"
)

// Check is one readiness condition: nil when satisfied.
type Check func(ctx context.Context) error

func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, api.Health{Status: api.Ok})
}

// readyz runs every check with a short deadline so that a hung database turns the probe
// red instead of hanging it.
func readyz(checks map[string]Check) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		results := make(map[string]string, len(checks))
		status, code := api.Ok, http.StatusOK
		for name, check := range checks {
			results[name] = "ok"
			if err := check(ctx); err != nil {
				results[name] = err.Error()
				status, code = api.Unavailable, http.StatusServiceUnavailable
			}
		}
		c.JSON(code, api.Health{Status: status, Checks: &results})
	}
}
