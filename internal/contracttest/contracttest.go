// Package contracttest makes every HTTP response a test sees prove that it matches
// openapi.yaml: status code, headers and body. A response that drifts from the contract
// fails the test that received it.
package contracttest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"orderchat/openapi"
)

var registerDecoders sync.Once

// documentPaths serve the contract itself and its rendering: under /api, but not
// operations of it (openapi.yaml, "Operator endpoints").
var documentPaths = map[string]bool{"/api/openapi.yaml": true, "/api/docs": true}

// Transport wraps base (nil: http.DefaultTransport) so that every response to an /api
// operation is validated against openapi.yaml, with undocumented status codes failing.
// Event streams are checked for status and headers only, because reading their body
// would wait for the stream to end.
func Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	t.Helper()
	registerDecoders.Do(func() {
		// Bodies the validator cannot decode by itself: checked against format: binary.
		for _, ct := range []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "video/mp4", "video/webm"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{t: t, base: base, router: router}
}

type transport struct {
	t      testing.TB
	base   http.RoundTripper
	router routers.Router
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := tr.base.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/api/") || documentPaths[req.URL.Path] {
		return resp, err
	}
	specReq := req.Clone(req.Context())
	specReq.URL.Path = strings.TrimPrefix(req.URL.Path, "/api")
	specReq.URL.RawPath = ""
	route, pathParams, err := tr.router.FindRoute(specReq)
	if err != nil {
		// Not an operation (a test probing unknown paths): it must still be a problem.
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			tr.t.Errorf("contract: %s %s is no operation but answered %d %q", req.Method, req.URL.Path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return resp, nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: specReq, PathParams: pathParams, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if resp.Header.Get("Content-Type") == "text/event-stream" {
		input.Options.ExcludeResponseBody = true
	} else {
		body, readErr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if readErr != nil {
			return nil, readErr
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		input.SetBodyBytes(body)
	}
	if err := openapi3filter.ValidateResponse(req.Context(), input); err != nil {
		tr.t.Errorf("contract: response to %s %s (status %d) does not match openapi.yaml: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	return resp, nil
}

// Operations lists every operation of openapi.yaml as "METHOD /path", so that a test can
// prove its table covers the whole contract.
func Operations(t testing.TB) []string {
	t.Helper()
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	return ops
}
