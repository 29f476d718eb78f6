package httpapi

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"

	"orderchat/gen/api"
	"orderchat/internal/chat"
	"orderchat/openapi"
)

// Server implements the operations of openapi.yaml.
type Server struct {
	chat *chat.Service
	web  fs.FS // the built web UI (web/dist)
}

var _ api.StrictServerInterface = (*Server)(nil)

// errNotImplemented answers the operations whose issue has not landed yet.
var errNotImplemented = statusProblem(http.StatusNotImplemented, "this operation is not implemented yet")

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

func (s *Server) CreateSseTicket(ctx context.Context, req api.CreateSseTicketRequestObject) (api.CreateSseTicketResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) StreamAdminEvents(ctx context.Context, req api.StreamAdminEventsRequestObject) (api.StreamAdminEventsResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) StreamUserEvents(ctx context.Context, req api.StreamUserEventsRequestObject) (api.StreamUserEventsResponseObject, error) {
	return nil, errNotImplemented
}
