package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"orderchat/gen/db"
	"orderchat/internal/config"
	"orderchat/internal/media"
	"orderchat/internal/store"
)

// mediaCommand runs `orderchat media migrate --to s3|postgres`: it moves every attachment
// not yet in that store, one message per transaction, verifying each copy by reading it
// back (media.Stores.Move). A running server keeps serving meanwhile, since reads follow
// each row; an interrupted run resumes when started again.
func mediaCommand(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "migrate" {
		return errors.New("usage: orderchat media migrate --to s3|postgres")
	}
	flags := flag.NewFlagSet("media migrate", flag.ContinueOnError)
	to := flags.String("to", "", "the store to move every attachment to: s3 or postgres")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	switch {
	case *to != media.S3Name && *to != media.PostgresName:
		return errors.New("--to: want s3 or postgres")
	case cfg.DatabaseURL == "":
		return errors.New("DATABASE_URL is unset")
	case cfg.S3.Bucket == "":
		return errors.New("ORDERCHAT_S3_BUCKET is unset: attachments move between PostgreSQL and that bucket")
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.CheckMigrated(ctx, pool); err != nil {
		return err
	}
	stores, _, err := mediaStores(ctx, cfg, pool, cfg.Logger())
	if err != nil {
		return err
	}
	target, err := stores.Of(to)
	if err != nil {
		return err
	}
	q := db.New(pool)
	moved, after := 0, int64(0)
	for {
		page, err := q.ListMediaToMove(ctx, db.ListMediaToMoveParams{Target: *to, AfterSeq: after, RowLimit: 100})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			fmt.Printf("%d attachments moved to %s\n", moved, *to)
			return nil
		}
		for _, m := range page {
			if err := stores.Move(ctx, pool, m, target); err != nil {
				return fmt.Errorf("message %s: %w (%d moved; run again to resume)", m.MessageID, err, moved)
			}
			moved, after = moved+1, m.Seq
		}
	}
}
