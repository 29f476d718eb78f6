package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"orderchat/internal/auth"
	"orderchat/internal/chat"
	"orderchat/internal/config"
	"orderchat/internal/eventlog"
	"orderchat/internal/httpapi"
	"orderchat/internal/media"
	"orderchat/internal/ratelimit"
	"orderchat/internal/sse"
	"orderchat/internal/store"
	"orderchat/web"
)

// serve runs the HTTP server until SIGINT/SIGTERM, then drains in-flight requests.
func serve(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	dev := flags.Bool("dev", false, "development mode: start a local PostgreSQL under .data/ when DATABASE_URL is unset, generate a JWT secret, print demo tokens")
	if err := flags.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	log := cfg.Logger()
	collectGarbageLessOften()

	if *dev && cfg.JWTSecret == "" && cfg.JWTPublicKey == "" && cfg.JWKSURL == "" {
		if cfg.JWTSecret, err = devSecret(); err != nil {
			return fmt.Errorf("development secret: %w", err)
		}
	}
	if *dev && cfg.DatabaseURL == "" {
		cluster, err := startLocalDatabase(ctx, log)
		if err != nil {
			return err
		}
		defer func() {
			if err := cluster.Stop(); err != nil {
				log.Error("stopping the local database", "err", err)
			}
		}()
		cfg.DatabaseURL = cluster.URL()
	}
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is unset (use `serve --dev` or `make run` for a local database)")
	}

	verifier, err := newVerifier(ctx, cfg)
	if err != nil {
		return err
	}
	defer verifier.Close()

	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	version, err := store.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	log.Info("database ready", "schema_version", version)

	webFS, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		return err
	}
	registry := prometheus.NewRegistry()
	eventLog, err := eventlog.New(ctx, pool, eventlog.Options{Logger: log, Registerer: registry})
	if err != nil {
		return err
	}
	hub := sse.New(eventLog, sse.Options{Heartbeat: cfg.SSEHeartbeat, Logger: log, Registerer: registry})
	tickets := auth.NewTickets(pool)
	go eventLog.Run(ctx)
	go hub.Run(ctx)
	go every(ctx, log, pruneInterval(cfg.EventRetention), "pruning events", func(ctx context.Context) error {
		return eventLog.Prune(ctx, cfg.EventRetention)
	})
	go every(ctx, log, ticketSweepInterval, "sweeping stream tickets", func(ctx context.Context) error {
		_, err := tickets.Sweep(ctx)
		return err
	})

	ready := map[string]httpapi.Check{
		"database":   func(ctx context.Context) error { return pool.Ping(ctx) },
		"migrations": func(ctx context.Context) error { return store.CheckMigrated(ctx, pool) },
		"listener":   eventLog.Ready,
	}
	stores, objects, err := mediaStores(ctx, cfg, pool, log)
	if err != nil {
		return err
	}
	degraded := map[string]httpapi.Check{}
	if objects != nil {
		degraded["media"] = objects.Ready
		go every(ctx, log, sweepInterval(cfg.MediaSweepGrace), "sweeping media uploads", func(ctx context.Context) error {
			n, err := objects.Sweep(ctx, cfg.MediaSweepGrace)
			if n > 0 {
				log.Info("swept unclaimed media uploads", "count", n)
			}
			return err
		})
	}

	handler, err := httpapi.NewHandler(ctx, httpapi.Deps{
		Logger:       log,
		Verifier:     verifier,
		Chat:         chat.New(pool, stores, eventLog, httpapi.EventMeta{}, cfg.PostBatchWindow),
		Hub:          hub,
		Tickets:      tickets,
		Web:          webFS,
		Registry:     registry,
		MessageLimit: ratelimit.New(cfg.MessageRate.PerSecond, cfg.MessageRate.Burst),
		StreamLimit:  ratelimit.New(cfg.StreamRate.PerSecond, cfg.StreamRate.Burst),
		Ready:        ready,
		Degraded:     degraded,
	})
	if err != nil {
		return err
	}

	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr, log)
	}
	listener, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout, // a 5 MiB upload on a slow link; streams clear it per request
		IdleTimeout:       cfg.IdleTimeout,
		// No WriteTimeout: event streams and media downloads are long-lived writes.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Streams end (with a jittered retry) and feed requests stop waiting, so that Shutdown
	// can drain.
	srv.RegisterOnShutdown(hub.Shutdown)
	srv.RegisterOnShutdown(eventLog.Shutdown)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()
	log.Info("listening", "addr", listener.Addr().String())
	if *dev {
		if err := printSignIn(os.Stdout, localURL(listener.Addr()), []byte(cfg.JWTSecret)); err != nil {
			return err
		}
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("in-flight requests did not finish in time", "err", err)
		_ = srv.Close()
	}
	if err := hub.Drain(shutdownCtx); err != nil {
		log.Warn("event streams did not end in time", "err", err)
	}
	return nil
}

func newVerifier(ctx context.Context, cfg config.Config) (*auth.Verifier, error) {
	if cfg.JWTSecret == "" && cfg.JWTPublicKey == "" && cfg.JWKSURL == "" {
		return nil, errors.New("no JWT key: set ORDERCHAT_JWT_SECRET, ORDERCHAT_JWT_PUBLIC_KEY_FILE or ORDERCHAT_JWT_JWKS_URL (or use `serve --dev`)")
	}
	ac := auth.Config{Secret: []byte(cfg.JWTSecret), JWKSURL: cfg.JWKSURL, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience}
	if cfg.JWTPublicKey != "" {
		pem, err := os.ReadFile(cfg.JWTPublicKey)
		if err != nil {
			return nil, fmt.Errorf("ORDERCHAT_JWT_PUBLIC_KEY_FILE: %w", err)
		}
		ac.PublicKeyPEM = pem
	}
	if len(ac.Secret) == 0 {
		ac.Secret = nil
	}
	return auth.NewVerifier(ctx, ac)
}

// mediaStores are the attachment stores cfg asks for, and the object store when a bucket
// is configured (nil otherwise): it is readable also while it is not the current one, for
// rows not moved yet (docs/adr/0008-attachments-on-object-storage.md).
func mediaStores(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (*media.Stores, *media.S3, error) {
	inDatabase := media.NewPostgres(pool)
	if cfg.S3.Bucket == "" {
		return media.NewStores(inDatabase), nil, nil
	}
	objects, err := media.NewS3(ctx, pool, log, cfg.S3)
	if err != nil {
		return nil, nil, err
	}
	if cfg.MediaStore == media.S3Name {
		return media.NewStores(objects, inDatabase), objects, nil
	}
	return media.NewStores(inDatabase, objects), objects, nil
}

// sweepInterval sweeps often enough that an unclaimed upload outlives its grace by at most
// a quarter.
func sweepInterval(grace time.Duration) time.Duration {
	return min(max(grace/4, time.Second), 10*time.Minute)
}

// pruneInterval prunes often enough that events outlive retention by at most a tenth.
func pruneInterval(retention time.Duration) time.Duration {
	return min(max(retention/10, time.Minute), 10*time.Minute)
}

// ticketSweepInterval: expired tickets and stream sessions are refused when presented
// (auth.Tickets), so sweeping them only bounds the tables.
const ticketSweepInterval = 10 * time.Minute

// every runs job at once and then every interval until ctx ends; a failure is logged and
// the next run tries again.
func every(ctx context.Context, log *slog.Logger, interval time.Duration, name string, job func(context.Context) error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := job(ctx); err != nil && ctx.Err() == nil {
			log.Warn(name+" failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// localURL is how a browser on this machine reaches the listener.
func localURL(addr net.Addr) string {
	port := addr.(*net.TCPAddr).Port
	return fmt.Sprintf("http://localhost:%d", port)
}

// gcPercent is the server's GOGC unless the environment sets one. A server's live heap is
// small (about 3 KiB per open stream), so with Go's default of 100 it collected about every
// 1.7 s at 1,000 messages/s, and the slowest percent of deliveries came in bursts at those
// collections. At 150 they come every 2.6 s: delivery p99 at 1,000/s fell from 8.5–11 ms to
// 7.5–8.7 ms, for up to 1 KiB more RSS per idle stream (README, "Fifth pass").
const gcPercent = 150

// collectGarbageLessOften sets gcPercent, unless the operator set GOGC.
func collectGarbageLessOften() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

// servePprof exposes the Go profiler on its own address (keep it on loopback).
func servePprof(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Warn("pprof listener stopped", "err", err)
	}
}
