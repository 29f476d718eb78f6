package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// serveWeb serves the single-page app: a built file when one matches the path, else
// index.html so that client-side routes such as /orders/:order_id load the app.
func serveWeb(c *gin.Context, web fs.FS) {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		writeProblem(c, statusProblem(http.StatusMethodNotAllowed, "method not allowed on this path"))
		return
	}
	name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
	if info, err := fs.Stat(web, name); err == nil && !info.IsDir() {
		if strings.HasPrefix(name, "assets/") {
			// Vite puts a content hash in every asset name, so they never change.
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		}
		c.FileFromFS(name, http.FS(web))
		return
	}
	index, err := fs.ReadFile(web, "index.html")
	if err != nil {
		writeProblem(c, statusProblem(http.StatusServiceUnavailable, "the web UI was not built into this binary; run `make build`"))
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", index)
}
