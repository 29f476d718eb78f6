// Package config reads orderchat's settings from the environment (design.md "Configuration").
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
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
	MediaStore        string        // ORDERCHAT_MEDIA_STORE: where new attachments go, postgres or s3
	S3                S3            // ORDERCHAT_S3_*: the bucket (required with MediaStore s3)
	MediaSweepGrace   time.Duration // ORDERCHAT_MEDIA_SWEEP_GRACE: how old an unclaimed upload is before the sweep deletes it
	PostBatchWindow   time.Duration // ORDERCHAT_POST_BATCH_WINDOW: how long a post that follows another closely waits to share its commit
}

// The post batch window: a post waits at most this long for others to share its commit,
// far below what a reader of a chat notices (docs/adr/0012-posts-share-a-commit.md).
const (
	DefaultPostBatchWindow = 2 * time.Millisecond
	maxPostBatchWindow     = 100 * time.Millisecond
)

// S3 locates a bucket of an S3-compatible store; credentials come from the AWS SDK's
// default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile, a role).
type S3 struct {
	Endpoint  string        // ORDERCHAT_S3_ENDPOINT: empty means AWS
	Bucket    string        // ORDERCHAT_S3_BUCKET
	Region    string        // ORDERCHAT_S3_REGION
	PathStyle bool          // ORDERCHAT_S3_PATH_STYLE: the bucket in the path instead of the host name
	Timeout   time.Duration // ORDERCHAT_S3_TIMEOUT: how long a call may wait for the store's answer
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
		MediaStore:   strings.ToLower(get("ORDERCHAT_MEDIA_STORE", "postgres")),
		S3: S3{
			Endpoint: get("ORDERCHAT_S3_ENDPOINT", ""),
			Bucket:   get("ORDERCHAT_S3_BUCKET", ""),
			Region:   get("ORDERCHAT_S3_REGION", "us-east-1"),
		},
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
	c.S3.Timeout = duration("ORDERCHAT_S3_TIMEOUT", "30s", 100*time.Millisecond)
	c.MediaSweepGrace = duration("ORDERCHAT_MEDIA_SWEEP_GRACE", "1h", time.Second)
	if c.PostBatchWindow = duration("ORDERCHAT_POST_BATCH_WINDOW", DefaultPostBatchWindow.String(), 0); c.PostBatchWindow > maxPostBatchWindow {
		errs = append(errs, fmt.Errorf("ORDERCHAT_POST_BATCH_WINDOW: want at most %s", maxPostBatchWindow))
	}
	errs = append(errs, c.checkMedia(get("ORDERCHAT_S3_PATH_STYLE", "false"))...)
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

// checkMedia validates the attachment store settings and reads the path-style flag.
func (c *Config) checkMedia(pathStyle string) []error {
	var errs []error
	if c.MediaStore != "postgres" && c.MediaStore != "s3" {
		errs = append(errs, errors.New("ORDERCHAT_MEDIA_STORE: want postgres or s3"))
	}
	if c.MediaStore == "s3" && c.S3.Bucket == "" {
		errs = append(errs, errors.New("ORDERCHAT_S3_BUCKET: required with ORDERCHAT_MEDIA_STORE=s3"))
	}
	if c.S3.Endpoint != "" {
		if u, err := url.Parse(c.S3.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("ORDERCHAT_S3_ENDPOINT: want an http(s) URL like http://127.0.0.1:7070"))
		}
	}
	var err error
	if c.S3.PathStyle, err = strconv.ParseBool(pathStyle); err != nil {
		errs = append(errs, errors.New("ORDERCHAT_S3_PATH_STYLE: want true or false"))
	}
	return errs
}

// Logger builds the process logger the configuration asks for.
func (c Config) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
