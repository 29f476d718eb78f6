package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"orderchat/internal/auth"
	"orderchat/internal/localdb"
)

// devDir holds everything `serve --dev` keeps between runs; it is git-ignored.
const devDir = ".data"

// The demo principals that `serve --dev` prints tokens for.
var (
	demoUser  = auth.Principal{Subject: uuid.MustParse("7b0e3c52-5f0a-4c1e-9a43-0d6c1b2a9e01"), Email: "demo-user@orderchat.local", Name: "Grace (demo customer)", Role: auth.RoleUser}
	demoAdmin = auth.Principal{Subject: uuid.MustParse("2f9d8c41-6b1e-4f3a-8d27-5e4c3b2a1f02"), Email: "demo-admin@orderchat.local", Name: "Ada (demo support)", Role: auth.RoleAdmin}
)

// startLocalDatabase runs the development PostgreSQL cluster under .data/postgres.
func startLocalDatabase(ctx context.Context, log *slog.Logger) (*localdb.Cluster, error) {
	dir, err := filepath.Abs(filepath.Join(devDir, "postgres"))
	if err != nil {
		return nil, err
	}
	log.Info("DATABASE_URL is unset: starting the local PostgreSQL", "dir", dir)
	return localdb.Start(ctx, localdb.Options{Dir: dir, Install: true, Logger: log})
}

// devSecret returns the HS256 secret of development mode, created on first use and kept
// in .data so that tokens printed earlier stay valid across restarts.
func devSecret() (string, error) {
	path := filepath.Join(devDir, "dev-jwt-secret")
	data, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(data))) >= 32 {
		return strings.TrimSpace(string(data)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(raw)
	if err := os.MkdirAll(devDir, 0o755); err != nil {
		return "", err
	}
	return secret, os.WriteFile(path, []byte(secret+"\n"), 0o600)
}

// printSignIn tells the developer where the server is and how to call it as the demo
// user and the demo admin.
func printSignIn(w io.Writer, baseURL string, secret []byte) error {
	const ttl = 12 * time.Hour
	now := time.Now()
	userToken, err := auth.Mint(secret, demoUser, ttl, now)
	if err != nil {
		return err
	}
	adminToken, err := auth.Mint(secret, demoAdmin, ttl, now)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, `
orderchat is running on %[1]s
  Sign in as the demo user  (%[2]s):  %[1]s/signin#token=%[3]s
  Sign in as the demo admin (%[4]s): %[1]s/signin#token=%[5]s
  (open them in two browsers, or one normal and one private window; tokens valid %[6]s)
  API reference: %[1]s/api/docs
  API by hand:   curl -H "Authorization: Bearer <token>" %[1]s/api/orders
  Mint more:     go run ./cmd/orderchat token --dev --sub <uuid> --role user|admin --name "Bo Diddley"
  Stop with Ctrl-C (the local database stops with it).

`, baseURL, demoUser.Name, userToken, demoAdmin.Name, adminToken, ttl)
	return err
}
