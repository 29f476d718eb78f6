package httpapi

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"orderchat/gen/api"
	"orderchat/internal/chat"
	"orderchat/internal/media"
)

func (s *Server) ListMessages(ctx context.Context, req api.ListMessagesRequestObject) (api.ListMessagesResponseObject, error) {
	page, err := s.chat.ListMessages(ctx, principalFrom(ctx), req.Params.ThreadId, chat.PageRequest{Cursor: req.Params.Cursor, Limit: req.Params.Limit})
	if err != nil {
		return nil, err
	}
	return api.ListMessages200JSONResponse{Items: each(page.Items, toMessage), NextCursor: page.Next}, nil
}

// CreateMessage posts a text message (JSON).
func (s *Server) CreateMessage(ctx context.Context, req api.CreateMessageRequestObject) (api.CreateMessageResponseObject, error) {
	m := chat.NewMessage{
		ThreadID: req.Body.ThreadId, Owner: (*chat.Side)(req.Body.Owner), MessageID: req.Body.MessageId,
		Visibility: (*chat.Visibility)(req.Body.Visibility),
	}
	if req.Body.MessageContent != nil {
		m.Content = *req.Body.MessageContent
	}
	msg, created, err := s.chat.PostMessage(ctx, principalFrom(ctx), m)
	if err != nil {
		return nil, err
	}
	if !created {
		return api.CreateMessage200JSONResponse(toMessage(msg)), nil
	}
	return api.CreateMessage201JSONResponse(toMessage(msg)), nil
}

// UploadMessage posts a message with one attachment: multipart/form-data whose
// `media_data` file part is streamed within the 5 MiB limit (readUpload).
func (s *Server) UploadMessage(ctx context.Context, req api.UploadMessageRequestObject) (api.UploadMessageResponseObject, error) {
	m, err := readUpload(req.Body)
	if err != nil {
		return nil, err
	}
	msg, created, err := s.chat.PostMessage(ctx, principalFrom(ctx), m)
	if err != nil {
		return nil, err
	}
	if !created {
		return api.UploadMessage200JSONResponse(toMessage(msg)), nil
	}
	return api.UploadMessage201JSONResponse(toMessage(msg)), nil
}

func (s *Server) GetMessageMedia(ctx context.Context, req api.GetMessageMediaRequestObject) (api.GetMessageMediaResponseObject, error) {
	stored, err := s.chat.GetMedia(ctx, principalFrom(ctx), req.MessageId)
	if err != nil {
		return nil, err
	}
	return mediaResponse(stored), nil
}

// mediaResponse serves an attachment so that it can never run script in our origin:
// the sniffed type with nosniff, a sandboxing CSP, and a download for anything but images.
// The bytes stream through from whichever store keeps them, after the authorization of
// GetMedia (docs/adr/0008).
type mediaResponse chat.StoredMedia

func (m mediaResponse) VisitGetMessageMediaResponse(w http.ResponseWriter) error {
	disposition := "attachment"
	if media.Inline(m.ContentType) {
		disposition = "inline"
	}
	h := w.Header()
	defer m.Body.Close()
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Length", strconv.FormatInt(m.SizeBytes, 10))
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": m.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, m.Body); err != nil {
		return fmt.Errorf("write attachment: %w", err)
	}
	return nil
}
