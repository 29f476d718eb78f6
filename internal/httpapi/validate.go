package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gin-gonic/gin"

	"orderchat/gen/api"
)

// limitBody bounds every body before anything reads it: jsonLimit for JSON, the upload
// bound for a multipart body where the operation takes one (uploadMessage's handler
// streams it). Elsewhere a multipart body meets the JSON bound and then validation,
// which refuses its content type.
func limitBody(jsonLimit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body == nil {
			return
		}
		limit := jsonLimit
		if isMultipart(c.Request) && operationOf(c).acceptsMultipart() {
			limit = maxUploadBody
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
}

// validate checks the parameters and the JSON body against the operation. The validator
// reads a JSON body whole and leaves a re-readable copy for the handler; a multipart
// body is the handler's to check, as it streams in.
func validate(c *gin.Context) {
	op := operationOf(c)
	specReq := *c.Request
	specReq.URL = op.specURL
	err := openapi3filter.ValidateRequest(c.Request.Context(), &openapi3filter.RequestValidationInput{
		Request:    &specReq,
		PathParams: op.pathParams,
		Route:      op.route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			ExcludeRequestBody: isMultipart(c.Request) && op.acceptsMultipart(),
			// The authentication middleware has checked the real credentials.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	})
	c.Request.Body = specReq.Body
	if err != nil {
		writeProblem(c, validationProblem(err))
	}
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
