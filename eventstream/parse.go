// Package eventstream consumes orderchat's Server-Sent Event streams from Go: it parses
// the wire format, reconnects with Last-Event-ID so that no event is lost, and decodes
// each event's envelope. `orderchat tail` is built on it.
package eventstream

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"
)

// Frame is one dispatched SSE event as the WHATWG parsing rules build it, or a bare
// `id:` block (empty Data) that only moves the resume point.
type Frame struct {
	ID    string // the last id seen on the stream (it carries over frames without one)
	Event string // the `event:` field; empty means "message"
	Data  string
}

// Parse reads SSE from r, calling onFrame for every dispatched event and onRetry for
// every valid `retry:` field, until r ends or a callback fails. Comment lines (":"
// heartbeats) are skipped.
func Parse(r io.Reader, onFrame func(Frame) error, onRetry func(time.Duration)) error {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 4096), 1<<20)
	scanner.Split(scanLines)
	var id, event string
	var data strings.Builder
	hasData, idSet := false, false
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" {
			// A block with an id but no data dispatches nothing, yet moves the resume
			// point: it is handed on with empty Data.
			if hasData || idSet {
				if err := onFrame(Frame{ID: id, Event: event, Data: data.String()}); err != nil {
					return err
				}
			}
			event, hasData, idSet = "", false, false
			data.Reset()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			if !strings.ContainsRune(value, 0) {
				id, idSet = value, true
			}
		case "event":
			event = value
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.WriteString(value)
			hasData = true
		case "retry":
			if ms, err := strconv.ParseUint(value, 10, 31); err == nil && onRetry != nil {
				onRetry(time.Duration(ms) * time.Millisecond)
			}
		}
	}
	return scanner.Err()
}

// scanLines splits on "\n", "\r\n" or a lone "\r", as SSE allows all three.
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\r' {
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if !atEOF {
				return 0, nil, nil // a "\n" may follow
			}
		}
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil // an event cut off at EOF is never dispatched: no blank line follows
	}
	return 0, nil, nil
}
