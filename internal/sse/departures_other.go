//go:build !linux

package sse

import (
	"context"
	"log/slog"
	"net"
)

// departures cannot watch sockets here: a departed client is noticed when its next
// heartbeat fails.
type departures struct{}

func newDepartures(*slog.Logger) *departures           { return &departures{} }
func (*departures) watch(net.Conn, context.CancelFunc) {}
func (*departures) unwatch(net.Conn)                   {}
func (*departures) run(context.Context)                {}
func (*departures) close()                             {}
