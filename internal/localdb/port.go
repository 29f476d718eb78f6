package localdb

import (
	"fmt"
	"net"
)

// freePort asks the kernel for an unused loopback port. Another process
// could grab it before postgres binds it; Start then fails with postgres'
// "could not bind" in the error, and a retry picks a new port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("localdb: pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
