package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"orderchat/gen/api"
	"orderchat/internal/chat"
)

func (s *Server) ListNotifications(ctx context.Context, req api.ListNotificationsRequestObject) (api.ListNotificationsResponseObject, error) {
	unreadOnly := req.Params.UnreadOnly != nil && *req.Params.UnreadOnly
	page, err := s.chat.ListNotifications(ctx, principalFrom(ctx), unreadOnly, chat.PageRequest{Cursor: req.Params.Cursor, Limit: req.Params.Limit})
	if err != nil {
		return nil, err
	}
	items, err := eachOrError(page.Items, toNotification)
	if err != nil {
		return nil, err
	}
	return api.ListNotifications200JSONResponse{Items: items, NextCursor: page.Next, UnreadCount: page.Unread}, nil
}

func (s *Server) UpdateNotification(ctx context.Context, req api.UpdateNotificationRequestObject) (api.UpdateNotificationResponseObject, error) {
	n, err := s.chat.SetNotificationRead(ctx, principalFrom(ctx), req.Id, req.Body.IsRead)
	if err != nil {
		return nil, err
	}
	body, err := toNotification(n)
	if err != nil {
		return nil, err
	}
	return notificationResponse(body), nil
}

// notificationResponse answers with the notification's own JSON: the generated
// UpdateNotification200JSONResponse is a type defined on api.Notification, which drops the
// union's MarshalJSON and would send nothing but is_read.
type notificationResponse api.Notification

func (n notificationResponse) VisitUpdateNotificationResponse(w http.ResponseWriter) error {
	data, err := api.Notification(n).MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode notification: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	return err
}

func (s *Server) MarkAllNotificationsRead(ctx context.Context, _ api.MarkAllNotificationsReadRequestObject) (api.MarkAllNotificationsReadResponseObject, error) {
	updated, err := s.chat.MarkAllNotificationsRead(ctx, principalFrom(ctx))
	if err != nil {
		return nil, err
	}
	return api.MarkAllNotificationsRead200JSONResponse{Updated: updated}, nil
}
