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
	Status string            `json:"status"` // ok, degraded or unavailable
	Checks map[string]string `json:"checks,omitempty"`
}

// Check is one readiness condition: nil when satisfied.
type Check func(ctx context.Context) error

func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, health{Status: "ok"})
}

// readyz runs every check with a short deadline so that a hung database turns the probe
// red instead of hanging it. A failing check of ready answers 503 (unavailable); a failing
// check of degraded (the attachment store) answers 200 with status degraded: every instance
// shares that store, so taking instances out of a load balancer would stop text messages too
// (docs/adr/0008-attachments-on-object-storage.md).
func readyz(ready, degraded map[string]Check) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		results := make(map[string]string, len(ready)+len(degraded))
		status, code := "ok", http.StatusOK
		run := func(checks map[string]Check, failed func()) {
			for name, check := range checks {
				results[name] = "ok"
				if err := check(ctx); err != nil {
					results[name] = err.Error()
					failed()
				}
			}
		}
		run(degraded, func() { status = "degraded" })
		run(ready, func() { status, code = "unavailable", http.StatusServiceUnavailable })
		c.JSON(code, health{Status: status, Checks: results})
	}
}
