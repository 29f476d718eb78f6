package sse

import (
	"errors"
	"net"
	"syscall"
)

// peerGone reports whether the client of conn has closed its side: a non-blocking
// MSG_PEEK that reads end-of-file (or a reset). It consumes nothing.
func peerGone(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var buf [1]byte
	var n int
	var recvErr error
	if err := raw.Read(func(fd uintptr) bool {
		n, _, recvErr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true // never wait for readability
	}); err != nil {
		return true
	}
	switch {
	case errors.Is(recvErr, syscall.EAGAIN):
		return false // open, nothing sent: the normal state of an SSE client
	case recvErr != nil:
		return true
	default:
		return n == 0
	}
}
