package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/google/uuid"

	"orderchat/eventstream"
)

// tail prints the live events of a running server, one line each, resuming across
// disconnects with Last-Event-ID (package eventstream).
func tail(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tail", flag.ContinueOnError)
	server := fs.String("server", "http://localhost:8080", "the orderchat server")
	token := fs.String("token", os.Getenv("ORDERCHAT_TOKEN"), "bearer token (default $ORDERCHAT_TOKEN)")
	user := fs.String("user", "", "follow this user's stream (their id or email); default: the admin stream")
	from := fs.Int64("from", -1, "replay the events after this id first (0: the whole retained log; default: live only)")
	asJSON := fs.Bool("json", false, "print each event's JSON as received")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		return errors.New("--token (or ORDERCHAT_TOKEN) is required")
	}
	path := "/api/admin/sse"
	if *user != "" {
		path = "/api/users/sse/notification/" + url.PathEscape(*user)
	}
	consumer := &eventstream.Consumer{
		URL:         strings.TrimSuffix(*server, "/") + path,
		Token:       func(context.Context) (string, error) { return *token, nil },
		LastEventID: max(*from, 0),
		Resume:      *from >= 0,
	}
	err := consumer.Run(ctx, func(e eventstream.Event) error {
		if *asJSON {
			_, err := fmt.Println(string(e.Raw))
			return err
		}
		_, err := fmt.Printf("%d\t%s\t%s\torder=%s thread=%s\t%s\n", e.ID, e.CreatedAt.Format("15:04:05"), e.ResourceType, idOf(e.Data.OrderID), idOf(e.Data.ThreadID), e.Data.Meta)
		return err
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func idOf(u *uuid.UUID) string {
	if u == nil {
		return "-"
	}
	return u.String()
}
