// Package httpapi is orderchat's HTTP surface: the operations of openapi.yaml (through the
// generated strict Gin interface), the contract enforcement in front of them, health,
// metrics, and the embedded web UI.
package httpapi

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"orderchat/gen/api"
	"orderchat/internal/auth"
	"orderchat/internal/chat"
	"orderchat/internal/ratelimit"
	"orderchat/internal/sse"
	"orderchat/openapi"
)

// maxJSONBody bounds every non-upload request body; the largest legal one (an order with
// 100 items) is far smaller.
const maxJSONBody = 1 << 20

// Deps is what the HTTP layer needs from the rest of the process.
type Deps struct {
	Logger   *slog.Logger
	Verifier *auth.Verifier
	Chat     *chat.Service
	Hub      *sse.Hub
	Tickets  *auth.Tickets
	Ready    map[string]Check // readiness conditions for /readyz
	Degraded map[string]Check // conditions that only degrade /readyz (200, status degraded)
	Web      fs.FS            // the built web UI (web/dist)
	// Per-principal rate limits (nil: unlimited): the budgets `messages` and `streams` that
	// operations name with x-rate-limit in openapi.yaml.
	MessageLimit, StreamLimit *ratelimit.Limiter
	Registry                  *prometheus.Registry
}

// NewHandler builds the whole HTTP surface.
func NewHandler(ctx context.Context, d Deps) (http.Handler, error) {
	doc, err := openapi.Load(ctx)
	if err != nil {
		return nil, err
	}
	ct, err := newContract(doc)
	if err != nil {
		return nil, err
	}
	limits, err := newRateLimits(doc, map[string]*ratelimit.Limiter{"messages": d.MessageLimit, "streams": d.StreamLimit})
	if err != nil {
		return nil, err
	}
	authn := &authenticator{verifier: d.Verifier, tickets: d.Tickets}

	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.ContextWithFallback = true // strict handlers get the request's context through *gin.Context
	engine.HandleMethodNotAllowed = true
	engine.Use(recoverWithProblem(d.Logger), logRequests(d.Logger), newHTTPMetrics(d.Registry).middleware)

	engine.GET("/healthz", healthz)
	engine.GET("/readyz", readyz(d.Ready, d.Degraded))
	engine.GET("/metrics", gin.WrapH(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	engine.GET(apiBase+"/openapi.yaml", serveDocument)
	engine.GET(apiBase+"/docs", serveReference(d.Web))

	server := &Server{chat: d.Chat, hub: d.Hub, tickets: d.Tickets, web: d.Web}
	strict := api.NewStrictHandlerWithOptions(server, nil, api.StrictGinServerOptions{
		RequestErrorHandlerFunc: func(c *gin.Context, err error) {
			writeProblem(c, statusProblem(http.StatusBadRequest, err.Error()))
		},
		HandlerErrorFunc: func(c *gin.Context, err error) {
			if c.Request.Context().Err() != nil {
				// The client went away mid-request: nobody reads an answer, and it is
				// not a server fault worth an error line.
				d.Logger.DebugContext(c, "client left", "route", c.FullPath(), "err", err)
				c.Abort()
				return
			}
			p := problemFor(err)
			if p.status >= 500 {
				d.Logger.ErrorContext(c, "request failed", "route", c.FullPath(), "err", err)
			}
			writeProblem(c, p)
		},
		ResponseErrorHandlerFunc: func(c *gin.Context, err error) {
			// The status line may be out already; the log is all we can do then.
			d.Logger.ErrorContext(c, "writing response failed", "route", c.FullPath(), "err", err)
			if !c.Writer.Written() {
				writeProblem(c, statusProblem(http.StatusInternalServerError, "an unexpected error occurred"))
			}
		},
	})
	// The order matters; contract.go says why.
	group := engine.Group(apiBase, ct.route, authn.middleware, limits.middleware, rememberCaller(d.Chat), limitBody(maxJSONBody), validate)
	api.RegisterHandlersWithOptions(group, strict, api.GinServerOptions{
		ErrorHandler: func(c *gin.Context, err error, status int) {
			writeProblem(c, statusProblem(status, err.Error()))
		},
	})

	engine.NoMethod(func(c *gin.Context) {
		writeProblem(c, statusProblem(http.StatusMethodNotAllowed, "method not allowed on this path"))
	})
	engine.NoRoute(func(c *gin.Context) {
		if c.Request.URL.Path == apiBase || strings.HasPrefix(c.Request.URL.Path, apiBase+"/") {
			writeProblem(c, statusProblem(http.StatusNotFound, "no such operation"))
			return
		}
		serveWeb(c, d.Web)
	})
	return engine, nil
}

func recoverWithProblem(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, recovered any) {
		if err, ok := recovered.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(recovered) // the client went away; let net/http close the connection quietly
		}
		log.ErrorContext(c, "handler panicked", "route", c.FullPath(), "panic", recovered)
		writeProblem(c, statusProblem(http.StatusInternalServerError, "an unexpected error occurred"))
	})
}

// logRequests logs one line per request. Only the path is logged, never the query string,
// because SSE credentials (ticket, access_token) travel there.
func logRequests(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c, slog.LevelInfo, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()),
			slog.Duration("duration", time.Since(start)),
		)
	}
}
