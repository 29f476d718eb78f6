package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"orderchat/gen/api"
	"orderchat/internal/chat"
	"orderchat/internal/media"
)

// Bounds of a multipart message post: the body as a whole (the attachment, the text
// fields and the framing), the parts, and each text field.
const (
	maxUploadBody  = media.MaxBytes + 1<<20
	maxUploadParts = 8
	maxFieldBytes  = 4 * chat.MaxMessageRunes // UTF-8 needs at most 4 bytes a character
)

// readUpload reads a multipart message post (uploadMessage), streaming the attachment within
// media.MaxBytes (+1 byte, to tell "exactly 5 MiB" from "more").
func readUpload(r *multipart.Reader) (chat.NewMessage, error) {
	var m chat.NewMessage
	var threadSeen bool
	for parts := 0; ; parts++ {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, uploadError(err, "body", "malformed multipart body")
		}
		if parts == maxUploadParts {
			return m, fieldProblem("body", fmt.Sprintf("at most %d parts are accepted", maxUploadParts))
		}
		name := part.FormName()
		if name == "media_data" {
			if m.Media != nil {
				return m, fieldProblem("media_data", "only one attachment per message")
			}
			data, err := io.ReadAll(io.LimitReader(part, media.MaxBytes+1))
			if err != nil {
				return m, uploadError(err, "media_data", "reading the attachment failed")
			}
			m.Media = &chat.Attachment{Filename: cleanFilename(part.FileName()), Data: data}
			continue
		}
		value, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return m, uploadError(err, name, "reading the field failed")
		}
		if len(value) > maxFieldBytes || !utf8.Valid(value) {
			return m, fieldProblem(name, "too long, or not UTF-8 text")
		}
		text := string(value)
		switch name {
		case "thread_id":
			id, err := uuid.Parse(text)
			if err != nil {
				return m, fieldProblem(name, "must be a UUID")
			}
			m.ThreadID, threadSeen = id, true
		case "message_id":
			id, err := uuid.Parse(text)
			if err != nil {
				return m, fieldProblem(name, "must be a UUID")
			}
			m.MessageID = &id
		case "message_content":
			m.Content = text
		case "owner":
			owner := chat.Side(text) // chat refuses a side that is neither
			m.Owner = &owner
		case "visibility":
			visibility := chat.Visibility(text) // chat refuses any other
			m.Visibility = &visibility
		default:
			return m, fieldProblem(name, "unknown field")
		}
	}
	if !threadSeen {
		return m, fieldProblem("thread_id", "property \"thread_id\" is missing")
	}
	if m.Media == nil {
		return m, fieldProblem("media_data", "property \"media_data\" is missing (post a text message as JSON to /messages)")
	}
	return m, nil
}

// uploadError keeps a body over the size limit a 413; anything else is malformed input.
func uploadError(err error, field, detail string) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return statusProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit))
	}
	return fieldProblem(field, detail)
}

func fieldProblem(field, message string) *problem {
	p := statusProblem(http.StatusBadRequest, field+": "+message)
	p.fields = []api.FieldError{{Field: field, Message: message}}
	return p
}

// cleanFilename keeps the base name of what the client sent, printable and short,
// because it is echoed in Content-Disposition.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "attachment"
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}
