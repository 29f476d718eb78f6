// Package openapi embeds the contract, openapi.yaml: the server validates requests
// against it and serves it at /api/openapi.yaml.
package openapi

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// YAML is the document exactly as written.
//
//go:embed openapi.yaml
var YAML []byte

func init() {
	// kin-openapi checks no uuid format unless told to; the contract's ids are RFC 9562 UUIDs.
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
}

// Load parses and validates the document; every call returns a fresh copy that the
// caller may modify.
func Load(ctx context.Context) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(YAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi.yaml is invalid: %w", err)
	}
	return doc, nil
}
