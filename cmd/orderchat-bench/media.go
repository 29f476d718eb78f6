package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"orderchat/internal/tests3"
)

// mediaRun is the attachment throughput of one store at one size: uploads, then downloads
// of what was uploaded, by `workers` clients at once.
type mediaRun struct {
	Store         string  `json:"store"`
	SizeMiB       int     `json:"size_mib"`
	Count         int     `json:"count"`
	UploadMiBps   float64 `json:"upload_mib_per_second"`
	UploadP99ms   float64 `json:"upload_p99_ms"`
	DownloadMiBps float64 `json:"download_mib_per_second"`
	DownloadP99ms float64 `json:"download_p99_ms"`
}

const mediaWorkers = 4

// attachments measures both stores: a server of each (S3 on a local versitygw, README
// "Attachments"), uploading and downloading count attachments of 1 and 5 MiB.
func (b *bench) attachments(ctx context.Context, count int) ([]mediaRun, error) {
	objects, err := tests3.Start()
	if err != nil {
		return nil, err
	}
	defer objects.Close()
	bucket, err := objects.CreateBucket(ctx)
	if err != nil {
		return nil, err
	}
	var runs []mediaRun
	for _, store := range []struct {
		name string
		env  []string
	}{{"postgres", nil}, {"s3", objects.Env(bucket)}} {
		srv, err := b.startServer(ctx, store.env...)
		if err != nil {
			return nil, err
		}
		for _, size := range []int{1, 5} {
			run, err := b.attachmentRun(ctx, srv.base, store.name, size, count)
			if err != nil {
				b.stopServer(srv)
				return nil, err
			}
			runs = append(runs, run)
			b.log.Info("attachments", "store", store.name, "size_mib", size, "upload_mib_s", run.UploadMiBps, "download_mib_s", run.DownloadMiBps)
		}
		b.stopServer(srv)
	}
	return runs, nil
}

func (b *bench) attachmentRun(ctx context.Context, base, store string, sizeMiB, count int) (mediaRun, error) {
	file := make([]byte, sizeMiB<<20)
	copy(file, "%PDF-1.4\n")
	_, _ = rand.Read(file[9:]) // incompressible
	ids := make([]string, count)
	upload, err := b.timed(ctx, count, func(i int) error {
		id, err := b.postAttachment(ctx, base, b.users[i%len(b.users)].thread, file)
		ids[i] = id
		return err
	})
	if err != nil {
		return mediaRun{}, err
	}
	download, err := b.timed(ctx, count, func(i int) error {
		n, err := b.download(ctx, base+"/api/messages/"+ids[i]+"/media")
		if err == nil && n != len(file) {
			err = fmt.Errorf("download: %d bytes of %d", n, len(file))
		}
		return err
	})
	if err != nil {
		return mediaRun{}, err
	}
	run := mediaRun{Store: store, SizeMiB: sizeMiB, Count: count}
	total := float64(count * sizeMiB)
	run.UploadMiBps, run.DownloadMiBps = total/upload.elapsed.Seconds(), total/download.elapsed.Seconds()
	_, run.UploadP99ms, _ = percentiles(upload.latency)
	_, run.DownloadP99ms, _ = percentiles(download.latency)
	return run, nil
}

type timing struct {
	elapsed time.Duration
	latency []time.Duration
}

// timed runs do(0..n-1) on mediaWorkers clients and times each call and the whole.
func (b *bench) timed(ctx context.Context, n int, do func(i int) error) (timing, error) {
	jobs := make(chan int)
	var mu sync.Mutex
	var t timing
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range mediaWorkers {
		wg.Go(func() {
			for i := range jobs {
				began := time.Now()
				err := do(i)
				mu.Lock()
				t.latency = append(t.latency, time.Since(began))
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.elapsed = time.Since(start)
	return t, firstErr
}

// postAttachment posts file to a thread as the admin and returns the message's id.
func (b *bench) postAttachment(ctx context.Context, base string, thread uuid.UUID, file []byte) (string, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("thread_id", thread.String())
	part, _ := w.CreateFormFile("media_data", "bench.pdf")
	_, _ = part.Write(file)
	_ = w.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/messages/upload", &body)
	req.Header.Set("Authorization", "Bearer "+b.admin)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := b.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var m struct {
		MessageID string `json:"message_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("upload: %d %v", resp.StatusCode, err)
	}
	return m.MessageID, nil
}

// download reads an attachment as the admin and returns its length.
func (b *bench) download(ctx context.Context, url string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+b.admin)
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("download: %d", resp.StatusCode)
	}
	return int(n), err
}
