package httpapi

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"
)

// apiBase is where the spec's paths are mounted (its `servers: [{url: /api}]`).
const apiBase = "/api"

// openapi.yaml is enforced on every /api request before a handler runs, by these
// middlewares in this order (router.go), each answering problem+json when it refuses:
//
//  1. contract.route finds the spec operation of the request (404 when none);
//  2. authenticator.middleware checks the credentials that operation allows (401);
//  3. rateLimits.middleware applies the operation's `x-rate-limit` (429), before any body
//     is read or anything written;
//  4. rememberCaller records the caller's name and email when they changed (responses
//     name people by them);
//  5. limitBody bounds the body (413 once read past the bound);
//  6. validate checks parameters and body against the operation (400).

// contract routes /api requests to the operations of openapi.yaml.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

func newContract(doc *openapi3.T) (*contract, error) {
	// Route on the spec's own paths: servers would make the router match hosts and
	// prefixes (oapi-codegen#882), and the /api prefix is stripped before routing.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.yaml: %w", err)
	}
	return &contract{doc: doc, router: router}, nil
}

// operation is the spec operation a request was routed to, as the later middlewares
// need it.
type operation struct {
	route      *routers.Route
	pathParams map[string]string
	specURL    *url.URL // the request's URL as the spec sees it: without /api
	security   openapi3.SecurityRequirements
}

const operationKey = "orderchat.operation"

// route finds the request's operation and records it on the gin context.
func (ct *contract) route(c *gin.Context) {
	specURL := *c.Request.URL
	specURL.Path = strings.TrimPrefix(specURL.Path, apiBase)
	specURL.RawPath = ""
	specReq := *c.Request
	specReq.URL = &specURL
	route, pathParams, err := ct.router.FindRoute(&specReq)
	if err != nil {
		writeProblem(c, statusProblem(http.StatusNotFound, "no such operation"))
		return
	}
	security := ct.doc.Security
	if route.Operation.Security != nil {
		security = *route.Operation.Security
	}
	c.Set(operationKey, &operation{route: route, pathParams: pathParams, specURL: &specURL, security: security})
}

// operationOf is what route recorded; every middleware after it may rely on it.
func operationOf(c *gin.Context) *operation {
	return c.MustGet(operationKey).(*operation)
}

// acceptsMultipart reports whether the operation takes a multipart body (uploadMessage).
func (op *operation) acceptsMultipart() bool {
	body := op.route.Operation.RequestBody
	return body != nil && body.Value.Content.Get("multipart/form-data") != nil
}

func isMultipart(r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "multipart/form-data"
}
