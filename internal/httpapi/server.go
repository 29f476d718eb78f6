package httpapi

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"orderchat/gen/api"
	"orderchat/internal/auth"
	"orderchat/internal/chat"
	"orderchat/internal/sse"
	"orderchat/openapi"
)

// Server implements the operations of openapi.yaml.
type Server struct {
	chat    *chat.Service
	hub     *sse.Hub
	tickets *auth.Tickets
	web     fs.FS // the built web UI (web/dist)
}

var _ api.StrictServerInterface = (*Server)(nil)

// serveDocument serves openapi.yaml, which is not an operation of itself.
func serveDocument(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml", openapi.YAML)
}

// serveReference serves the API reference page rendered from openapi.yaml (web/docs.html).
func serveReference(web fs.FS) gin.HandlerFunc {
	return func(c *gin.Context) {
		page, err := fs.ReadFile(web, "docs.html")
		if err != nil {
			writeProblem(c, statusProblem(http.StatusServiceUnavailable, "the web assets were not built into this binary; run `make build`"))
			return
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	}
}
