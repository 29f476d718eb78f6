package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"orderchat/internal/store"
)

// migrate applies pending migrations to DATABASE_URL; `serve` also does so on start.
func migrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("DATABASE_URL is unset")
	}
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	version, err := store.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Printf("schema at version %d\n", version)
	return nil
}
