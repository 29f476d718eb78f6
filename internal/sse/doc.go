// Package sse serves the event streams (openapi.yaml: streamAdminEvents,
// streamUserEvents; README: "Live events (SSE)").
//
// How an event reaches a socket: an emitter appends it in its transaction (queries/*.sql,
// append_event()) and, after the commit, calls eventlog's Published (which also NOTIFYs
// the other instances); the log reader hands the rows, in id order, to its followers once
// every smaller id has been read (ADR 0009). The Hub is one: it encodes each event once (one
// `id:` line and one `data:` line of at most 2048 bytes) and queues that shared frame on
// every subscriber that may see it. Each stream writes its queue to the socket. A stream
// that resumes with Last-Event-ID first replays from the log what it missed, up to the
// position its subscriber went live from, so nothing is lost or repeated between the two.
//
// What keeps 10,000 idle streams at a few KiB each (README: "Benchmarks"): once the replay
// is written the connection is taken over from net/http, whose request goroutine and
// buffers go, and a small goroutine carries the live part; one ticker beats every
// stream, a small slice of them every 100 ms; one epoll set reports the taken-over connections
// whose client left (departures_linux.go). A client that cannot keep up is cut off at a byte budget and
// resumes.
package sse
