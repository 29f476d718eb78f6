package httpapi

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"orderchat/gen/api"
	"orderchat/internal/ratelimit"
)

// apiBase is where the spec's paths are mounted (its `servers: [{url: /api}]`).
const apiBase = "/api"

// contract enforces openapi.yaml on every /api request before a handler runs: it
// authenticates the operations that declare security and validates parameters and
// bodies, answering problem+json on the first failure.
type contract struct {
	doc      *openapi3.T
	router   routers.Router
	authn    *authenticator
	jsonBody int64                         // the largest JSON body accepted
	limits   map[string]*ratelimit.Limiter // per-principal rate limits by operationId
}

func newContract(doc *openapi3.T, authn *authenticator, jsonBody int64, limits map[string]*ratelimit.Limiter) (*contract, error) {
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
	return &contract{doc: doc, router: router, authn: authn, jsonBody: jsonBody, limits: limits}, nil
}

// middleware runs on the routes gin matched under /api.
func (ct *contract) middleware(c *gin.Context) {
	specReq := *c.Request
	specURL := *c.Request.URL
	specURL.Path = strings.TrimPrefix(specURL.Path, apiBase)
	specURL.RawPath = ""
	specReq.URL = &specURL

	route, pathParams, err := ct.router.FindRoute(&specReq)
	if err != nil {
		writeProblem(c, statusProblem(http.StatusNotFound, "no such operation"))
		return
	}
	op := route.Operation

	if requirements := ct.security(op); len(requirements) > 0 {
		principal, cookie, err := ct.authn.authenticate(c.Request, requirements)
		if err != nil {
			writeProblem(c, problemFor(err))
			return
		}
		c.Request = c.Request.WithContext(withStreamCookie(withPrincipal(c.Request.Context(), principal), cookie))
		specReq = *c.Request
		specReq.URL = &specURL
		// Refuse a flood before reading its body.
		if ok, wait := ct.limits[op.OperationID].Allow(principal.Subject); !ok {
			c.Header("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(wait)))
			writeProblem(c, statusProblem(http.StatusTooManyRequests, fmt.Sprintf("too many requests; retry in %d s", ratelimit.RetryAfterSeconds(wait))))
			return
		}
	}

	// Bound every body before anything reads it. The validator reads JSON bodies whole;
	// multipart uploads (uploadMessage) are left to their handler, which streams them.
	// Any other operation validates a multipart body, which refuses its content type.
	multipart := isMultipart(c.Request) && acceptsMultipart(op)
	if c.Request.Body != nil {
		limit := ct.jsonBody
		if multipart {
			limit = maxUploadBody
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		specReq.Body = c.Request.Body
	}
	err = openapi3filter.ValidateRequest(c.Request.Context(), &openapi3filter.RequestValidationInput{
		Request:    &specReq,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			ExcludeRequestBody: multipart,
			// Security was enforced above with the real credentials.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	})
	// The validator consumed the body and left a re-readable copy on its request.
	c.Request.Body = specReq.Body
	if err != nil {
		writeProblem(c, validationProblem(err))
		return
	}
	c.Next()
}

func (ct *contract) security(op *openapi3.Operation) openapi3.SecurityRequirements {
	if op.Security != nil {
		return *op.Security
	}
	return ct.doc.Security
}

func acceptsMultipart(op *openapi3.Operation) bool {
	return op.RequestBody != nil && op.RequestBody.Value.Content.Get("multipart/form-data") != nil
}

func isMultipart(r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "multipart/form-data"
}

// validationProblem turns the validator's errors into a 400 (or 413 for an oversized
// body) naming each offending field.
func validationProblem(err error) *problem {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return statusProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit))
	}
	fields := fieldErrors(err, nil)
	details := make([]string, len(fields))
	for i, f := range fields {
		details[i] = f.Field + ": " + f.Message
	}
	p := statusProblem(http.StatusBadRequest, strings.Join(details, "; "))
	p.fields = fields
	return p
}

// fieldErrors flattens the validator's error tree into one entry per leaf; reqErr is the
// request part (a parameter or the body) the leaves belong to.
func fieldErrors(err error, reqErr *openapi3filter.RequestError) []api.FieldError {
	switch e := err.(type) {
	case openapi3.MultiError:
		var all []api.FieldError
		for _, inner := range e {
			all = append(all, fieldErrors(inner, reqErr)...)
		}
		return all
	case *openapi3filter.RequestError:
		if e.Err != nil {
			return fieldErrors(e.Err, e)
		}
		return []api.FieldError{{Field: fieldName(e, nil), Message: e.Reason}}
	case *openapi3.SchemaError:
		return []api.FieldError{{Field: fieldName(reqErr, e), Message: e.Reason}}
	case *openapi3filter.ParseError:
		return []api.FieldError{{Field: fieldName(reqErr, nil), Message: e.Error()}}
	case *openapi3filter.SecurityRequirementsError:
		return []api.FieldError{{Field: "authorization", Message: "no acceptable credentials"}}
	default:
		return []api.FieldError{{Field: fieldName(reqErr, nil), Message: err.Error()}}
	}
}

// fieldName is the parameter's name, or the property path inside the body ("body" for
// the body as a whole).
func fieldName(reqErr *openapi3filter.RequestError, schemaErr *openapi3.SchemaError) string {
	if reqErr != nil && reqErr.Parameter != nil {
		return reqErr.Parameter.Name
	}
	if schemaErr != nil {
		if pointer := schemaErr.JSONPointer(); len(pointer) > 0 {
			return strings.Join(pointer, ".")
		}
	}
	if reqErr != nil && reqErr.RequestBody != nil {
		return "body"
	}
	return "request"
}
