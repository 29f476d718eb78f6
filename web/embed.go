// Package web holds the browser UI of orderchat.
//
// The TypeScript/React sources live in web/src and are built by Vite
// (`npm run build:web`) into web/dist, which this package embeds so the Go
// server can serve the UI from a single binary:
//
//   - dist/index.html: the app shell, served at /
//   - dist/docs.html:  the API reference (Swagger UI), served at /api/docs;
//     it loads the spec from /api/openapi.yaml
//   - dist/assets/...: hashed JS/CSS bundles, referenced by absolute
//     /assets/... URLs and safe to cache forever
//
// Before any build, dist holds only .gitkeep (committed so the embed pattern
// always matches); the server should then report that the UI is not built.
package web

import "embed"

// Dist is the Vite build output. Paths are rooted at "dist", e.g.
// "dist/index.html"; use fs.Sub(Dist, "dist") to serve it as a file tree.
//
//go:embed all:dist
var Dist embed.FS
