package httpapi

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"

	"orderchat/gen/api"
	"orderchat/internal/chat"
	"orderchat/internal/events"
	"orderchat/openapi"
)

// Server implements the operations of openapi.yaml.
type Server struct {
	chat    *chat.Service
	hub     *events.Hub
	tickets *events.Tickets
	web     fs.FS // the built web UI (web/dist)
}

var _ api.StrictServerInterface = (*Server)(nil)

func (s *Server) GetOpenApiDocument(ctx context.Context, _ api.GetOpenApiDocumentRequestObject) (api.GetOpenApiDocumentResponseObject, error) {
	return api.GetOpenApiDocument200ApplicationyamlResponse{
		Body:          bytes.NewReader(openapi.YAML),
		ContentLength: int64(len(openapi.YAML)),
	}, nil
}

func (s *Server) GetApiReference(ctx context.Context, _ api.GetApiReferenceRequestObject) (api.GetApiReferenceResponseObject, error) {
	page, err := fs.ReadFile(s.web, "docs.html")
	if err != nil {
		return nil, statusProblem(http.StatusServiceUnavailable, "the web assets were not built into this binary; run `make build`")
	}
	return api.GetApiReference200TexthtmlResponse{Body: bytes.NewReader(page), ContentLength: int64(len(page))}, nil
}
