package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"orderchat/gen/db"
	"orderchat/internal/config"
)

// S3Name is the name of the object store in messages.media_store.
const S3Name = "s3"

// S3 keeps attachments as objects in a bucket of an S3-compatible store. Each upload gets
// a fresh key, recorded in the media_uploads ledger (committed before the object is
// written) until its message's transaction claims it; Sweep deletes the objects whose
// message never committed (docs/adr/0008-attachments-on-object-storage.md).
type S3 struct {
	client  *s3.Client
	bucket  string
	timeout time.Duration
	pool    *pgxpool.Pool
	q       *db.Queries
	log     *slog.Logger
}

var _ Store = (*S3)(nil)

// NewS3 returns the store of c's bucket (README "Configuration"; credentials come from the
// AWS SDK's default chain) with its ledger in pool. It does not call the store: an
// unreachable one shows in Ready and in 503s, not as a failed start. opts adjust the SDK's
// configuration (tests pass static credentials).
func NewS3(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, c config.S3, opts ...func(*awsconfig.LoadOptions) error) (*S3, error) {
	opts = append([]func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(c.Region), awsconfig.WithRetryMaxAttempts(2)}, opts...)
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3 configuration: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		o.UsePathStyle = c.PathStyle
	})
	return &S3{client: client, bucket: c.Bucket, timeout: c.Timeout, pool: pool, q: db.New(pool), log: log}, nil
}

func (s *S3) Name() string { return S3Name }

// Ready checks that the bucket answers (/readyz "media").
func (s *S3) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err != nil {
		return fmt.Errorf("bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Stage records the key in the ledger (committed), then writes the object.
func (s *S3) Stage(ctx context.Context, messageID uuid.UUID, data []byte) (Staged, error) {
	u := &s3Upload{s: s, key: "attachments/" + messageID.String() + "/" + uuid.NewString()}
	if err := s.q.RecordUpload(ctx, u.key); err != nil {
		return nil, fmt.Errorf("record upload %s: %w", u.key, err)
	}
	putCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	_, err := s.client.PutObject(putCtx, &s3.PutObjectInput{
		Bucket: &s.bucket, Key: &u.key, Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
	})
	if err != nil {
		// The store may have kept it anyway (a timeout after the write); it is not asked
		// again now, while it fails: the ledger row stays for the sweep.
		return nil, fmt.Errorf("%w: put %s: %v", ErrUnavailable, u.key, err)
	}
	return u, nil
}

// Open streams the object: the timeout bounds the wait for the store's answer, and the
// body then lasts as long as ctx (the client's download).
func (s *S3) Open(ctx context.Context, _ uuid.UUID, key string) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(s.timeout, cancel)
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	timer.Stop()
	var missing *types.NoSuchKey
	switch {
	case errors.As(err, &missing):
		cancel()
		return nil, ErrNotFound
	case err != nil:
		cancel()
		return nil, fmt.Errorf("%w: get %s: %v", ErrUnavailable, key, err)
	}
	return body{ReadCloser: out.Body, cancel: cancel}, nil
}

func (s *S3) Checksum(ctx context.Context, _ db.DBTX, messageID uuid.UUID, key string) (int64, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	body, err := s.Open(ctx, messageID, key)
	if err != nil {
		return 0, sum, err
	}
	defer body.Close()
	h := sha256.New()
	n, err := io.Copy(h, body)
	if err != nil {
		return 0, sum, fmt.Errorf("%w: read back %s: %v", ErrUnavailable, key, err)
	}
	return n, [sha256.Size]byte(h.Sum(nil)), nil
}

type body struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b body) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}

func (s *S3) deleteObject(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key}); err != nil {
		return fmt.Errorf("%w: delete %s: %v", ErrUnavailable, key, err)
	}
	return nil
}

// s3Upload is an object written but not yet referenced by a committed message.
type s3Upload struct {
	s   *S3
	key string
}

func (u *s3Upload) Key() string { return u.key }

// Claim deletes the ledger row in the message's transaction. Finding none means the sweep
// took the object: the message must not commit pointing at it.
func (u *s3Upload) Claim(ctx context.Context, tx db.DBTX) error {
	n, err := db.New(tx).DeleteUpload(ctx, u.key)
	if err != nil {
		return fmt.Errorf("claim upload %s: %w", u.key, err)
	}
	if n != 1 {
		return fmt.Errorf("%w: the upload %s outlived the sweep's grace period", ErrUnavailable, u.key)
	}
	return nil
}

// Discard deletes the object, then its ledger row; what fails is left to the sweep.
func (u *s3Upload) Discard(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), u.s.timeout)
	defer cancel()
	err := u.s.deleteObject(ctx, u.key)
	if err == nil {
		_, err = u.s.q.DeleteUpload(ctx, u.key)
	}
	if err != nil {
		u.s.log.Warn("discarding an upload failed; the sweep will delete it", "key", u.key, "err", err)
	}
}

// Sweep deletes the objects whose ledger row is older than grace (a post that died
// between the write and its commit) and returns how many ledger rows it removed. Each row stays
// locked while its object is deleted, so a message claiming it waits and then fails.
func (s *S3) Sweep(ctx context.Context, grace time.Duration) (int, error) {
	for n := 0; ; n++ {
		swept, err := s.sweepOne(ctx, grace)
		if err != nil || !swept {
			return n, err
		}
	}
}

func (s *S3) sweepOne(ctx context.Context, grace time.Duration) (swept bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		stale, err := q.OldestStaleUpload(ctx, grace.Seconds())
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if !stale.Referenced {
			if err := s.deleteObject(ctx, stale.Key); err != nil {
				return err
			}
		}
		swept = true
		_, err = q.DeleteUpload(ctx, stale.Key)
		return err
	})
	return swept, err
}
