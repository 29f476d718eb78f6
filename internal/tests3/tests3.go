// Package tests3 gives Go tests (and the benchmark) a real S3-compatible server, as testdb
// gives them a real PostgreSQL: versitygw (Apache-2.0) at a pinned version, built once with the Go toolchain
// into a cache directory, serving a temporary directory (its posix backend) on loopback.
//
//	func TestMain(m *testing.M) { os.Exit(tests3.Main(m)) } // testdb.Main, then stops the server
//
//	func TestX(t *testing.T) {
//		s3 := tests3.Shared(t)      // started on first use
//		bucket := s3.NewBucket(t)  // empty, this test's own
//		...
//	}
package tests3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"orderchat/internal/config"
	"orderchat/internal/testdb"
)

// Version is the versitygw release the tests run.
const Version = "v1.8.0"

// The server's only account.
const (
	AccessKey = "orderchat-test"
	SecretKey = "orderchat-test-secret-key"
)

// Server is a running versitygw.
type Server struct {
	URL  string
	dir  string // the data directory, kept across Restart
	addr string
	cmd  *exec.Cmd
}

// Start builds versitygw when the cache lacks it and starts it over a new temporary
// directory on a free loopback port.
func Start() (*Server, error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "orderchat-tests3-")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{URL: "http://" + addr, dir: dir, addr: addr}
	if err := s.run(bin); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) run(bin string) error {
	if err := os.MkdirAll(filepath.Join(s.dir, "data"), 0o755); err != nil {
		return err
	}
	log, err := os.OpenFile(filepath.Join(s.dir, "versitygw.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	s.cmd = exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--port", s.addr, "posix", filepath.Join(s.dir, "data"))
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("tests3: start versitygw: %w", err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(s.URL); err == nil {
			resp.Body.Close()
			return nil
		}
	}
	_ = s.Stop()
	return fmt.Errorf("tests3: versitygw did not answer on %s within 30 s (log: %s)", s.addr, log.Name())
}

// Stop ends the server, keeping its data for Restart.
func (s *Server) Stop() error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
	return nil
}

// Restart starts a stopped server again, on the same port with the same objects.
func (s *Server) Restart() error {
	bin, err := binary()
	if err != nil {
		return err
	}
	return s.run(bin)
}

// Close stops the server and deletes its data.
func (s *Server) Close() {
	_ = s.Stop()
	os.RemoveAll(s.dir)
}

// Config is the setting of orderchat for bucket on this server.
func (s *Server) Config(bucket string) config.S3 {
	return config.S3{Endpoint: s.URL, Bucket: bucket, Region: "us-east-1", PathStyle: true, Timeout: 5 * time.Second}
}

// Env is the environment of `orderchat serve` storing attachments in bucket.
func (s *Server) Env(bucket string) []string {
	return []string{"ORDERCHAT_MEDIA_STORE=s3", "ORDERCHAT_S3_ENDPOINT=" + s.URL, "ORDERCHAT_S3_BUCKET=" + bucket,
		"ORDERCHAT_S3_PATH_STYLE=true", "AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey}
}

// Credentials is the SDK option that signs requests with this server's account.
func Credentials() func(*awsconfig.LoadOptions) error {
	return awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""))
}

// client is an S3 client of this server.
func (s *Server) client(ctx context.Context) (*s3.Client, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"), Credentials())
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(s.URL); o.UsePathStyle = true }), nil
}

// CreateBucket creates an empty bucket with a fresh name.
func (s *Server) CreateBucket(ctx context.Context) (string, error) {
	client, err := s.client(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 6)
	rand.Read(b) // never returns an error
	name := "t-" + hex.EncodeToString(b)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		return "", fmt.Errorf("tests3: create bucket: %w", err)
	}
	return name, nil
}

// NewBucket creates an empty bucket for one test.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name, err := s.CreateBucket(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// Keys lists the objects of bucket.
func (s *Server) Keys(t testing.TB, bucket string) []string {
	t.Helper()
	client, err := s.client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatalf("tests3: list %s: %v", bucket, err)
	}
	keys := make([]string, 0, len(out.Contents))
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	return keys
}

var shared struct {
	once   sync.Once
	server *Server
	err    error
}

// Shared is the package's server, started on first use; Main stops it.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.server, shared.err = Start() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.server
}

// Main runs the package's tests with a PostgreSQL (testdb.Main) and stops the package's
// server afterwards, if one was started.
func Main(m *testing.M) int {
	code := testdb.Main(m)
	if shared.server != nil {
		shared.server.Close()
	}
	return code
}
