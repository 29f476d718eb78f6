// Package config reads orderchat's settings from the environment (design.md "Configuration").
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything `orderchat serve` needs to know.
type Config struct {
	Addr              string        // ORDERCHAT_ADDR
	DatabaseURL       string        // DATABASE_URL; empty means "start the local database" under --dev
	JWTSecret         string        // ORDERCHAT_JWT_SECRET (HS256)
	JWTPublicKey      string        // ORDERCHAT_JWT_PUBLIC_KEY_FILE: PEM file with an RS256 or ES256 public key
	JWKSURL           string        // ORDERCHAT_JWT_JWKS_URL
	JWTIssuer         string        // ORDERCHAT_JWT_ISSUER (optional check)
	JWTAudience       string        // ORDERCHAT_JWT_AUDIENCE (optional check)
	EventRetention    time.Duration // ORDERCHAT_EVENT_RETENTION
	SSEHeartbeat      time.Duration // ORDERCHAT_SSE_HEARTBEAT
	ShutdownGrace     time.Duration // ORDERCHAT_SHUTDOWN_GRACE: how long in-flight requests may finish
	ReadHeaderTimeout time.Duration // ORDERCHAT_READ_HEADER_TIMEOUT: a request's headers must arrive within it
	ReadTimeout       time.Duration // ORDERCHAT_READ_TIMEOUT: a whole request (body included) must arrive within it
	IdleTimeout       time.Duration // ORDERCHAT_IDLE_TIMEOUT: keep-alive connections close after it
	MessageRate       Rate          // ORDERCHAT_MESSAGE_RATE, ORDERCHAT_MESSAGE_BURST: posts per principal
	StreamRate        Rate          // ORDERCHAT_STREAM_RATE, ORDERCHAT_STREAM_BURST: stream opens per principal
	LogLevel          slog.Level    // ORDERCHAT_LOG_LEVEL: debug, info, warn, error
	LogFormat         string        // ORDERCHAT_LOG_FORMAT: text or json
	PprofAddr         string        // ORDERCHAT_PPROF_ADDR: serve the Go profiler here (unset: off)
}

// Rate is a per-principal limit: PerSecond actions with bursts of Burst; 0 disables it.
type Rate struct {
	PerSecond float64
	Burst     int
}

// FromEnv reads the configuration with design.md's defaults; lookup is os.LookupEnv in
// production and a map in tests.
func FromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(key, def string) string {
		if v, ok := lookup(key); ok && v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:         get("ORDERCHAT_ADDR", ":8080"),
		DatabaseURL:  get("DATABASE_URL", ""),
		JWTSecret:    get("ORDERCHAT_JWT_SECRET", ""),
		JWTPublicKey: get("ORDERCHAT_JWT_PUBLIC_KEY_FILE", ""),
		JWKSURL:      get("ORDERCHAT_JWT_JWKS_URL", ""),
		JWTIssuer:    get("ORDERCHAT_JWT_ISSUER", ""),
		JWTAudience:  get("ORDERCHAT_JWT_AUDIENCE", ""),
		LogFormat:    strings.ToLower(get("ORDERCHAT_LOG_FORMAT", "text")),
		PprofAddr:    get("ORDERCHAT_PPROF_ADDR", ""),
	}
	var errs []error
	duration := func(key, def string, min time.Duration) time.Duration {
		d, err := time.ParseDuration(get(key, def))
		if err != nil || d < min {
			errs = append(errs, fmt.Errorf("%s: want a duration of at least %s, like %q", key, min, def))
		}
		return d
	}
	c.EventRetention = duration("ORDERCHAT_EVENT_RETENTION", "168h", time.Minute)
	c.SSEHeartbeat = duration("ORDERCHAT_SSE_HEARTBEAT", "15s", 100*time.Millisecond)
	c.ShutdownGrace = duration("ORDERCHAT_SHUTDOWN_GRACE", "10s", 0)
	c.ReadHeaderTimeout = duration("ORDERCHAT_READ_HEADER_TIMEOUT", "10s", 100*time.Millisecond)
	c.ReadTimeout = duration("ORDERCHAT_READ_TIMEOUT", "2m", 100*time.Millisecond)
	c.IdleTimeout = duration("ORDERCHAT_IDLE_TIMEOUT", "2m", time.Second)
	rate := func(prefix, perSecond, burst string) Rate {
		r, err1 := strconv.ParseFloat(get(prefix+"_RATE", perSecond), 64)
		b, err2 := strconv.Atoi(get(prefix+"_BURST", burst))
		if err1 != nil || err2 != nil || r < 0 || b < 1 {
			errs = append(errs, fmt.Errorf("%s_RATE/%s_BURST: want a rate >= 0 per second and a burst >= 1", prefix, prefix))
		}
		return Rate{PerSecond: r, Burst: b}
	}
	c.MessageRate = rate("ORDERCHAT_MESSAGE", "5", "20")
	c.StreamRate = rate("ORDERCHAT_STREAM", "1", "10")
	if err := c.LogLevel.UnmarshalText([]byte(get("ORDERCHAT_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Errorf("ORDERCHAT_LOG_LEVEL: %w", err))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, errors.New("ORDERCHAT_LOG_FORMAT: want text or json"))
	}
	return c, errors.Join(errs...)
}

// Logger builds the process logger the configuration asks for.
func (c Config) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
