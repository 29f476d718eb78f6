package httpapi

import (
	"context"

	"orderchat/gen/api"
	"orderchat/internal/chat"
)

func (s *Server) ListThreads(ctx context.Context, req api.ListThreadsRequestObject) (api.ListThreadsResponseObject, error) {
	filter := chat.ThreadFilter{OrderID: req.Params.OrderId, IsActive: req.Params.IsActive, Assignee: (*chat.AssigneeFilter)(req.Params.Assignee)}
	page, err := s.chat.ListThreads(ctx, principalFrom(ctx), filter, chat.PageRequest{Cursor: req.Params.Cursor, Limit: req.Params.Limit})
	if err != nil {
		return nil, err
	}
	return api.ListThreads200JSONResponse{Items: each(page.Items, toThread), NextCursor: page.Next}, nil
}

func (s *Server) GetThread(ctx context.Context, req api.GetThreadRequestObject) (api.GetThreadResponseObject, error) {
	thread, err := s.chat.GetThread(ctx, principalFrom(ctx), req.ThreadId)
	if err != nil {
		return nil, err
	}
	return api.GetThread200JSONResponse(toThread(thread)), nil
}

// UpdateThread closes a thread; the contract admits only {"is_active": false}.
func (s *Server) UpdateThread(ctx context.Context, req api.UpdateThreadRequestObject) (api.UpdateThreadResponseObject, error) {
	thread, err := s.chat.CloseThread(ctx, principalFrom(ctx), req.ThreadId)
	if err != nil {
		return nil, err
	}
	return api.UpdateThread200JSONResponse(toThread(thread)), nil
}

func (s *Server) AssignThread(ctx context.Context, req api.AssignThreadRequestObject) (api.AssignThreadResponseObject, error) {
	thread, err := s.chat.AssignThread(ctx, principalFrom(ctx), req.ThreadId, &req.Body.AssigneeId)
	if err != nil {
		return nil, err
	}
	return api.AssignThread200JSONResponse(toThread(thread)), nil
}

func (s *Server) UnassignThread(ctx context.Context, req api.UnassignThreadRequestObject) (api.UnassignThreadResponseObject, error) {
	thread, err := s.chat.AssignThread(ctx, principalFrom(ctx), req.ThreadId, nil)
	if err != nil {
		return nil, err
	}
	return api.UnassignThread200JSONResponse(toThread(thread)), nil
}

func (s *Server) ListAdmins(ctx context.Context, _ api.ListAdminsRequestObject) (api.ListAdminsResponseObject, error) {
	admins, err := s.chat.ListAdmins(ctx, principalFrom(ctx))
	if err != nil {
		return nil, err
	}
	return api.ListAdmins200JSONResponse{Items: each(admins, toPerson)}, nil
}

func (s *Server) MarkThreadRead(ctx context.Context, req api.MarkThreadReadRequestObject) (api.MarkThreadReadResponseObject, error) {
	thread, err := s.chat.MarkThreadRead(ctx, principalFrom(ctx), req.ThreadId, req.Body.MessageId)
	if err != nil {
		return nil, err
	}
	return api.MarkThreadRead200JSONResponse(toThread(thread)), nil
}
