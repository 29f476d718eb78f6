// Command mercure-bench is a Mercure hub with the Bolt transport (durable history) for
// `make bench-peers`: the hub library at the release pinned in go.mod, behind net/http, so
// that orderchat-bench can drive both servers with the same workload. Bench-only; Mercure's
// source stays in the module cache.
//
// The newest release's Caddy module (github.com/dunglas/mercure/caddy) is not served by
// the module proxy here, so this links the hub library directly with the Caddy module's
// defaults: Bolt history without a size limit, cleanup frequency 0.3, 600 s write timeout,
// 40 s heartbeat, 5 s dispatch timeout.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/dunglas/mercure"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "listen address")
	db := flag.String("bolt", "mercure.db", "the Bolt history file")
	issuer := flag.String("issuer", "orderchat-bench", "the iss claim of accepted tokens")
	audience := flag.String("aud", "", "the hub's resource identifier (the aud claim), e.g. http://127.0.0.1:3000/.well-known/mercure")
	flag.Parse()
	key := os.Getenv("MERCURE_JWT_KEY") // HS256, for publishers and subscribers
	if key == "" {
		log.Fatal("MERCURE_JWT_KEY is unset")
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	transport, err := mercure.NewBoltTransport(mercure.NewSubscriberList(mercure.DefaultSubscriberListCacheSize), logger, *db, "", 0, mercure.BoltDefaultCleanupFrequency)
	if err != nil {
		log.Fatal(err)
	}
	verifier := mercure.Static{Key: []byte(key), Algorithm: "HS256"}
	hub, err := mercure.NewHub(ctx, mercure.WithLogger(logger), mercure.WithTransport(transport), mercure.WithResourceIdentifier(*audience),
		mercure.WithIssuers([]mercure.Issuer{{Identifier: *issuer, Publisher: verifier, Subscriber: verifier}}))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: *addr, Handler: hub}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	_ = hub.Stop(context.Background())
}
