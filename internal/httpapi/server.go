package httpapi

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"

	"orderchat/gen/api"
	"orderchat/openapi"
)

// Server implements the operations of openapi.yaml.
type Server struct {
	web fs.FS // the built web UI (web/dist)
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

func (s *Server) CreateOrder(ctx context.Context, req api.CreateOrderRequestObject) (api.CreateOrderResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) ListOrders(ctx context.Context, req api.ListOrdersRequestObject) (api.ListOrdersResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) GetOrder(ctx context.Context, req api.GetOrderRequestObject) (api.GetOrderResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) UpdateOrder(ctx context.Context, req api.UpdateOrderRequestObject) (api.UpdateOrderResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) ListThreads(ctx context.Context, req api.ListThreadsRequestObject) (api.ListThreadsResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) GetThread(ctx context.Context, req api.GetThreadRequestObject) (api.GetThreadResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) UpdateThread(ctx context.Context, req api.UpdateThreadRequestObject) (api.UpdateThreadResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) MarkThreadRead(ctx context.Context, req api.MarkThreadReadRequestObject) (api.MarkThreadReadResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) ListMessages(ctx context.Context, req api.ListMessagesRequestObject) (api.ListMessagesResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) CreateMessage(ctx context.Context, req api.CreateMessageRequestObject) (api.CreateMessageResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) GetMessageMedia(ctx context.Context, req api.GetMessageMediaRequestObject) (api.GetMessageMediaResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) ListNotifications(ctx context.Context, req api.ListNotificationsRequestObject) (api.ListNotificationsResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) UpdateNotification(ctx context.Context, req api.UpdateNotificationRequestObject) (api.UpdateNotificationResponseObject, error) {
	return nil, errNotImplemented
}

func (s *Server) MarkAllNotificationsRead(ctx context.Context, req api.MarkAllNotificationsReadRequestObject) (api.MarkAllNotificationsReadResponseObject, error) {
	return nil, errNotImplemented
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
