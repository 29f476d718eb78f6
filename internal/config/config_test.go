package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) { v, ok := vars[key]; return v, ok }
}

func TestDefaultsAreDesignMDs(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.EventRetention != 168*time.Hour || c.SSEHeartbeat != 15*time.Second || c.DatabaseURL != "" || c.LogLevel != slog.LevelInfo {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestSettingsAreRead(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"ORDERCHAT_ADDR": "127.0.0.1:9000", "DATABASE_URL": "postgres://x@h/db", "ORDERCHAT_JWT_SECRET": "s",
		"ORDERCHAT_EVENT_RETENTION": "24h", "ORDERCHAT_SSE_HEARTBEAT": "500ms", "ORDERCHAT_LOG_LEVEL": "debug", "ORDERCHAT_LOG_FORMAT": "JSON",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DatabaseURL != "postgres://x@h/db" || c.JWTSecret != "s" ||
		c.EventRetention != 24*time.Hour || c.SSEHeartbeat != 500*time.Millisecond || c.LogLevel != slog.LevelDebug || c.LogFormat != "json" {
		t.Fatalf("settings: %+v", c)
	}
}

func TestBadValuesAreAllReported(t *testing.T) {
	_, err := FromEnv(env(map[string]string{
		"ORDERCHAT_EVENT_RETENTION": "a week", "ORDERCHAT_SSE_HEARTBEAT": "1ms", "ORDERCHAT_LOG_LEVEL": "loud", "ORDERCHAT_LOG_FORMAT": "xml",
	}))
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, key := range []string{"ORDERCHAT_EVENT_RETENTION", "ORDERCHAT_SSE_HEARTBEAT", "ORDERCHAT_LOG_LEVEL", "ORDERCHAT_LOG_FORMAT"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
}

func TestRatesAndTimeouts(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"ORDERCHAT_MESSAGE_RATE": "0.5", "ORDERCHAT_MESSAGE_BURST": "2", "ORDERCHAT_READ_TIMEOUT": "3s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MessageRate != (Rate{0.5, 2}) || c.StreamRate != (Rate{1, 10}) || c.ReadTimeout != 3*time.Second || c.ReadHeaderTimeout != 10*time.Second {
		t.Fatalf("%+v", c)
	}
	if _, err := FromEnv(env(map[string]string{"ORDERCHAT_STREAM_BURST": "0"})); err == nil || !strings.Contains(err.Error(), "ORDERCHAT_STREAM_RATE") {
		t.Fatalf("a zero burst: %v", err)
	}
}

func TestThePostBatchWindowIsBounded(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.PostBatchWindow != DefaultPostBatchWindow {
		t.Fatalf("default: %s, %v", c.PostBatchWindow, err)
	}
	if c, err := FromEnv(env(map[string]string{"ORDERCHAT_POST_BATCH_WINDOW": "0"})); err != nil || c.PostBatchWindow != 0 {
		t.Fatalf("0 turns the window off: %s, %v", c.PostBatchWindow, err)
	}
	for _, bad := range []string{"-1ms", "1s", "soon"} {
		if _, err := FromEnv(env(map[string]string{"ORDERCHAT_POST_BATCH_WINDOW": bad})); err == nil || !strings.Contains(err.Error(), "ORDERCHAT_POST_BATCH_WINDOW") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAttachmentStoreSettings(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.MediaStore != "postgres" || c.S3.Region != "us-east-1" || c.S3.PathStyle || c.MediaSweepGrace != time.Hour {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = FromEnv(env(map[string]string{
		"ORDERCHAT_MEDIA_STORE": "s3", "ORDERCHAT_S3_ENDPOINT": "http://127.0.0.1:7070", "ORDERCHAT_S3_BUCKET": "chat",
		"ORDERCHAT_S3_REGION": "eu-west-1", "ORDERCHAT_S3_PATH_STYLE": "true", "ORDERCHAT_S3_TIMEOUT": "2s", "ORDERCHAT_MEDIA_SWEEP_GRACE": "5s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := S3{Endpoint: "http://127.0.0.1:7070", Bucket: "chat", Region: "eu-west-1", PathStyle: true, Timeout: 2 * time.Second}
	if c.MediaStore != "s3" || c.S3 != want || c.MediaSweepGrace != 5*time.Second {
		t.Fatalf("settings: %+v", c)
	}
	_, err = FromEnv(env(map[string]string{
		"ORDERCHAT_MEDIA_STORE": "s3", "ORDERCHAT_S3_ENDPOINT": "127.0.0.1:7070", "ORDERCHAT_S3_PATH_STYLE": "sometimes", "ORDERCHAT_MEDIA_SWEEP_GRACE": "0s",
	}))
	for _, key := range []string{"ORDERCHAT_S3_BUCKET", "ORDERCHAT_S3_ENDPOINT", "ORDERCHAT_S3_PATH_STYLE", "ORDERCHAT_MEDIA_SWEEP_GRACE"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
	if _, err := FromEnv(env(map[string]string{"ORDERCHAT_MEDIA_STORE": "ftp"})); err == nil || !strings.Contains(err.Error(), "ORDERCHAT_MEDIA_STORE") {
		t.Errorf("an unknown store: %v", err)
	}
}
