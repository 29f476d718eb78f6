package httpapi

import (
	"context"

	"orderchat/gen/api"
	"orderchat/internal/chat"
)

func (s *Server) CreateOrder(ctx context.Context, req api.CreateOrderRequestObject) (api.CreateOrderResponseObject, error) {
	order, err := s.chat.CreateOrder(ctx, principalFrom(ctx), each(req.Body.Items, fromOrderItem))
	if err != nil {
		return nil, err
	}
	location := orderURL(order.ID)
	return api.CreateOrder201JSONResponse{Body: toOrder(order), Headers: api.CreateOrder201ResponseHeaders{Location: &location}}, nil
}

func (s *Server) ListOrders(ctx context.Context, req api.ListOrdersRequestObject) (api.ListOrdersResponseObject, error) {
	page, err := s.chat.ListOrders(ctx, principalFrom(ctx), (*chat.OrderStatus)(req.Params.Status), chat.PageRequest{Cursor: req.Params.Cursor, Limit: req.Params.Limit})
	if err != nil {
		return nil, err
	}
	return api.ListOrders200JSONResponse{Items: each(page.Items, toOrder), NextCursor: page.Next}, nil
}

func (s *Server) GetOrder(ctx context.Context, req api.GetOrderRequestObject) (api.GetOrderResponseObject, error) {
	order, err := s.chat.GetOrder(ctx, principalFrom(ctx), req.OrderId)
	if err != nil {
		return nil, err
	}
	return api.GetOrder200JSONResponse(toOrder(order)), nil
}

func (s *Server) UpdateOrder(ctx context.Context, req api.UpdateOrderRequestObject) (api.UpdateOrderResponseObject, error) {
	order, err := s.chat.UpdateOrderStatus(ctx, principalFrom(ctx), req.OrderId, chat.OrderStatus(req.Body.Status))
	if err != nil {
		return nil, err
	}
	return api.UpdateOrder200JSONResponse(toOrder(order)), nil
}
