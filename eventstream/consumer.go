package eventstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Event is one orderchat event: the envelope (openapi.yaml: StreamEvent). Switch on
// ResourceType and decode the meta of the types you handle with Meta; the catalogue grows,
// so let a type you do not know pass. Raw holds the whole JSON (for
// apiclient.StreamEvent, whose ValueByDiscriminator gives the generated per-type struct).
type Event struct {
	ID           int64     `json:"id"`
	Resource     string    `json:"resource"`
	ResourceType string    `json:"resource_type"`
	CreatedAt    time.Time `json:"created_at"`
	Data         struct {
		OrderID  *uuid.UUID      `json:"order_id"`
		ThreadID *uuid.UUID      `json:"thread_id"`
		Meta     json.RawMessage `json:"meta"`
	} `json:"data"`
	Raw json.RawMessage `json:"-"`
}

// Meta decodes the event's meta as M, the generated meta type of its resource_type:
//
//	switch e.ResourceType {
//	case string(apiclient.MessageNewEventResourceTypeMessagesNew):
//		m, err := eventstream.Meta[apiclient.MessageNewMeta](e)
//		…
//	default: // a type added after this client was built: skip it
//	}
func Meta[M any](e Event) (M, error) {
	var meta M
	if err := json.Unmarshal(e.Data.Meta, &meta); err != nil {
		return meta, fmt.Errorf("event %d (%s): meta: %w", e.ID, e.ResourceType, err)
	}
	return meta, nil
}

// The stream-level events that are not in the log.
const (
	StreamReset        = "stream.reset"         // the resume point was too old: refetch state
	StreamTokenExpired = "stream.token_expired" // the credential expired: the stream ends
)

// Consumer follows one stream URL (…/api/admin/sse or …/api/users/sse/notification/ID)
// across disconnects: it resumes with Last-Event-ID, waits the server's `retry:` (with
// jitter and backoff) between attempts, and asks Token for a fresh token each time.
type Consumer struct {
	URL         string
	Token       func(ctx context.Context) (string, error)
	HTTPClient  *http.Client // nil: a client without timeouts (streams are long)
	LastEventID int64        // resume after this id…
	Resume      bool         // …even when it is 0 (replay the whole retained log); otherwise 0 starts live
	// OnConnect, when set, is told of every (re)connection: handy for tests and logs.
	OnConnect func(resumeFrom int64)
}

// ErrUnauthorized ends Run when the server refuses the token (401): reconnecting with
// the same credential cannot succeed.
var ErrUnauthorized = errors.New("eventstream: the server refused the token (401)")

// Run delivers events to fn in id order until ctx ends, fn fails, or the server refuses
// the credential. An event is never delivered twice, even across reconnects.
func (c *Consumer) Run(ctx context.Context, fn func(Event) error) error {
	client := c.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	retry, failures := 2*time.Second, 0
	for {
		err := c.connect(ctx, client, fn, func(d time.Duration) { retry = d })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var stop *stopError
		if errors.As(err, &stop) {
			return stop.err
		}
		if err == nil {
			failures = 0 // the server ended a healthy stream: reconnect after retry
		} else {
			failures++
		}
		wait := retry + rand.N(retry/2+1) // jitter spreads reconnects of many clients
		if failures > 1 {
			wait = min(retry<<min(failures-1, 5), time.Minute) + rand.N(retry/2+1)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// stopError ends Run instead of reconnecting.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

func (c *Consumer) connect(ctx context.Context, client *http.Client, fn func(Event) error, onRetry func(time.Duration)) error {
	token, err := c.Token(ctx)
	if err != nil {
		return &stopError{fmt.Errorf("eventstream: token: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return &stopError{err}
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	if c.LastEventID > 0 || c.Resume {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(c.LastEventID, 10))
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return &stopError{ErrUnauthorized}
	case resp.StatusCode == http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return &stopError{fmt.Errorf("eventstream: forbidden: %s", body)}
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("eventstream: status %d", resp.StatusCode)
	}
	if c.OnConnect != nil {
		c.OnConnect(c.LastEventID)
	}
	return Parse(resp.Body, func(f Frame) error {
		if f.Data == "" { // the server's position: resume from here
			if id, err := strconv.ParseInt(f.ID, 10, 64); err == nil && id >= 0 {
				c.LastEventID, c.Resume = id, true
			}
			return nil
		}
		var e Event
		if err := json.Unmarshal([]byte(f.Data), &e); err != nil {
			return fmt.Errorf("eventstream: event %s: %w", f.ID, err)
		}
		e.Raw = json.RawMessage(f.Data)
		if e.ResourceType != StreamTokenExpired && e.ID <= c.LastEventID && e.ResourceType != StreamReset {
			return nil // already delivered before a reconnect
		}
		if e.ResourceType != StreamTokenExpired {
			c.LastEventID, c.Resume = e.ID, true
		}
		if err := fn(e); err != nil {
			return &stopError{err}
		}
		return nil
	}, onRetry)
}
