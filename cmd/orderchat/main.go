// Command orderchat is the whole service in one binary: `serve` runs the API, the event
// streams and the web UI; `migrate` applies the schema; `token` mints development tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: orderchat <command> [flags]

commands:
  serve    run the server (API under /api, web UI at /); --dev starts a local database
  migrate  apply pending database migrations to DATABASE_URL and exit
  token    print a signed development JWT (--sub UUID --role admin|user [--email E] [--ttl 1h])
  tail     print the live events of a running server (--token T [--user ID] [--server URL] [--from N])
  media    media migrate --to s3|postgres: move every attachment to that store (resumable)

Configuration is read from the environment; see README.md.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	commands := map[string]func(context.Context, []string) error{
		"serve":   serve,
		"migrate": migrate,
		"token":   token,
		"tail":    tail,
		"media":   mediaCommand,
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "orderchat: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err := run(ctx, os.Args[2:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "orderchat %s: %v\n", os.Args[1], err)
		}
		os.Exit(1)
	}
}
