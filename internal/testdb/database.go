package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewDatabase creates a fresh, empty database for one test and returns its
// URL. The database is dropped (even with open connections) when the test
// ends. It requires testdb.Main in the package's TestMain.
func NewDatabase(t testing.TB) string {
	t.Helper()
	if serverURL == "" {
		t.Fatal("testdb: no server; call os.Exit(testdb.Main(m)) from TestMain")
	}
	name := "t_" + randomHex(8)
	dbURL, err := databaseURL(serverURL, name)
	if err != nil {
		t.Fatal(err)
	}
	// template0 is never connected to, so concurrent CREATE DATABASE calls
	// cannot fail with "source database is being accessed by other users".
	admin(t, "create database "+pgx.Identifier{name}.Sanitize()+" template template0")
	t.Cleanup(func() {
		admin(t, "drop database if exists "+pgx.Identifier{name}.Sanitize()+" with (force)")
	})
	return dbURL
}

// admin runs one statement on the server over a short-lived connection.
func admin(t testing.TB, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("testdb: %s: %v", sql, err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error
	return hex.EncodeToString(b)
}
