package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"orderchat/eventstream"
	"orderchat/gen/apiclient"
	"orderchat/internal/auth"

	"github.com/google/uuid"
)

// report is everything measured, as printed and written to JSON.
type report struct {
	Date        string          `json:"date"`
	Machine     string          `json:"machine"`
	Connections []connectionRun `json:"connections"`
	Split       *splitRun       `json:"two_instance_streams"`
	Latency     []latencyRun    `json:"latency"`
	Throughput  *throughputRun  `json:"throughput"`
	Replay      *replayRun      `json:"replay"`
	CrossNode   *crossRun       `json:"cross_instance"`
	Media       []mediaRun      `json:"attachments"`
	Lost        int             `json:"events_lost"`
}

type connectionRun struct {
	Streams        int     `json:"streams"`
	ServerRSSMiB   float64 `json:"server_rss_mib"`
	RSSPerStreamKB float64 `json:"rss_per_stream_kib"`
	ConnectPerSec  float64 `json:"connects_per_second"`
}

type latencyRun struct {
	Rate       int     `json:"messages_per_second"`
	Posted     int     `json:"posted"`
	UserP50ms  float64 `json:"user_p50_ms"`
	UserP99ms  float64 `json:"user_p99_ms"`
	UserMaxms  float64 `json:"user_max_ms"`
	AdminP50ms float64 `json:"admin_p50_ms"`
	AdminP99ms float64 `json:"admin_p99_ms"`
	AdminMaxms float64 `json:"admin_max_ms"`
	PostP50ms  float64 `json:"post_p50_ms"`
	PostP99ms  float64 `json:"post_p99_ms"`
	Expected   int     `json:"deliveries_expected"`
	Received   int     `json:"deliveries_received"`
	// CPUms is the servers' CPU time per message posted while posting (server and
	// database for orderchat), where the meter knows their processes.
	CPUms float64 `json:"cpu_ms_per_message,omitempty"`
	// Achieved is the rate the posts kept up: below Rate once the server saturates.
	Achieved float64 `json:"achieved_messages_per_second"`
}

type throughputRun struct {
	Tried        []latencyRun `json:"tried"`
	BestRate     int          `json:"best_rate_with_post_p99_under_50ms"`
	EventsPerSec float64      `json:"events_delivered_per_second"`
}

type replayRun struct {
	Events  int     `json:"events"`
	Seconds float64 `json:"seconds"`
}

type crossRun struct {
	SameP50ms  float64 `json:"same_instance_p50_ms"`
	SameP99ms  float64 `json:"same_instance_p99_ms"`
	CrossP50ms float64 `json:"cross_instance_p50_ms"`
	CrossP99ms float64 `json:"cross_instance_p99_ms"`
}

func run(ctx context.Context, log *slog.Logger, bin string, s settings) (*report, error) {
	b, err := setUp(ctx, log, bin)
	if err != nil {
		return nil, err
	}
	defer b.tearDown()
	r := &report{Date: time.Now().UTC().Format(time.DateOnly), Machine: fmt.Sprintf("%d CPUs, %s/%s, %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())}

	customers := max(slices.Max(s.Streams), 2*s.Split)
	log.Info("creating customers with one order each", "n", customers)
	if err := b.addUsers(ctx, customers); err != nil {
		return nil, err
	}

	// 1. Idle connections.
	srv := b.servers[0]
	baseline := srv.rss()
	var sets []*streamSet
	opened := 0
	for _, n := range s.Streams {
		urls, tokens := b.userStreams(srv.base, opened, n)
		set, took := openStreams(ctx, urls, tokens, 256, nil)
		sets = append(sets, set)
		time.Sleep(2 * time.Second) // let the server settle before reading its memory
		rss := srv.rss()
		run := connectionRun{Streams: n, ServerRSSMiB: mib(rss), RSSPerStreamKB: float64(rss-baseline) / float64(n) / 1024, ConnectPerSec: float64(n-opened) / took.Seconds()}
		r.Connections = append(r.Connections, run)
		log.Info("streams open", "n", n, "rss_mib", run.ServerRSSMiB, "per_stream_kib", run.RSSPerStreamKB)
		opened = n
	}
	for _, set := range sets {
		set.close()
	}
	b.waitStreamsClosed(ctx, srv)
	if r.Split, err = b.splitStreams(ctx, s.Split); err != nil {
		return nil, err
	}
	log.Info("streams open on two instances", "n", r.Split.Streams, "per_stream_kib", r.Split.RSSPerStreamKB)

	// 2. Latency with LatencyN user streams and Admins admin streams.
	p := newPoster(b, srv.base, s.LatencyN)
	m := newMeter(p)
	urls, tokens := b.userStreams(srv.base, 0, s.LatencyN)
	users, _ := openStreams(ctx, urls, tokens, 256, m.receive(false))
	defer users.close()
	adminURLs, adminTokens := b.adminStreams(srv.base, s.Admins)
	admins, _ := openStreams(ctx, adminURLs, adminTokens, 64, m.receive(true))
	defer admins.close()
	// A warm-up, not reported: the poster's connections and the server's statement caches
	// are set up here rather than inside the first measurement.
	m.measure(ctx, s.Rates[0], s.RateFor/5, s.Admins)
	for _, rate := range s.Rates {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		run := m.measure(ctx, rate, s.RateFor, s.Admins)
		r.Latency = append(r.Latency, run)
		r.Lost += run.Expected - run.Received
		log.Info("latency", "rate", rate, "user_p99_ms", run.UserP99ms, "admin_p99_ms", run.AdminP99ms, "lost", run.Expected-run.Received)
	}

	// 3. Throughput: the highest rate whose POST p99 stays under 50 ms.
	r.Throughput = &throughputRun{}
	for _, rate := range s.Throughput {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		run := m.measure(ctx, rate, s.RateFor, s.Admins)
		r.Throughput.Tried = append(r.Throughput.Tried, run)
		r.Lost += run.Expected - run.Received
		log.Info("throughput", "rate", rate, "post_p99_ms", run.PostP99ms)
		if run.PostP99ms > 50 || run.Posted < rate*int(s.RateFor.Seconds())*99/100 {
			break
		}
		r.Throughput.BestRate = rate
		r.Throughput.EventsPerSec = float64(run.Received) / s.RateFor.Seconds()
	}
	users.close()
	admins.close()
	b.waitStreamsClosed(ctx, srv)

	// 4. Replay: an admin reconnecting ReplayN events back.
	r.Replay, err = b.replay(ctx, srv.base, s.ReplayN, p)
	if err != nil {
		return nil, err
	}

	// 5. Two instances: the same posts seen on the posting instance and on another one.
	if r.CrossNode, err = b.crossInstance(ctx, s); err != nil {
		return nil, err
	}

	// 6. Attachments on each store.
	r.Media, err = b.attachments(ctx, s.MediaN)
	return r, err
}

func mib(bytes int64) float64 { return float64(bytes) / (1 << 20) }

func (b *bench) userStreams(base string, from, to int) (urls, tokens []string) {
	for _, u := range b.users[from:to] {
		urls = append(urls, base+"/api/users/sse/notification/"+u.id.String())
		tokens = append(tokens, u.token)
	}
	return urls, tokens
}

// adminStreams are the streams of n different admins (one principal may hold only 5).
func (b *bench) adminStreams(base string, n int) (urls, tokens []string) {
	for range n {
		urls = append(urls, base+"/api/admin/sse")
		tokens = append(tokens, b.mint(uuid.New(), auth.RoleAdmin))
	}
	return urls, tokens
}

// meter matches received events to the messages the poster sent.
type meter struct {
	p     *poster
	cpu   func() time.Duration // the measured servers' CPU time so far (cpu.go); nil: not measured
	mu    sync.Mutex
	user  []time.Duration
	admin []time.Duration
}

func newMeter(p *poster) *meter { return &meter{p: p} }

func (m *meter) receive(admin bool) receiver {
	return func(e eventstream.Event, at time.Time) {
		if seq, ok := seqOf(e); ok {
			m.got(seq, at, admin)
		}
	}
}

// got records the arrival of message seq at a user stream or (admin) an admin stream.
func (m *meter) got(seq int, at time.Time, admin bool) {
	sent, ok := m.p.sentAt(seq)
	if !ok {
		return
	}
	m.mu.Lock()
	if admin {
		m.admin = append(m.admin, at.Sub(sent.at))
	} else {
		m.user = append(m.user, at.Sub(sent.at))
	}
	m.mu.Unlock()
}

// measure posts at rate for d and waits for the deliveries to drain.
func (m *meter) measure(ctx context.Context, rate int, d time.Duration, admins int) latencyRun {
	m.mu.Lock()
	m.user, m.admin = nil, nil
	m.mu.Unlock()
	var cpuBefore time.Duration
	if m.cpu != nil {
		cpuBefore = m.cpu()
	}
	res := m.p.run(ctx, rate, d)
	var cpuPerMessage float64
	if m.cpu != nil && res.Sent > 0 {
		cpuPerMessage = float64((m.cpu() - cpuBefore).Microseconds()) / 1000 / float64(res.Sent)
	}
	expected := res.Sent * (1 + admins)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		m.mu.Lock()
		got := len(m.user) + len(m.admin)
		m.mu.Unlock()
		if got >= expected {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	run := latencyRun{Rate: rate, Posted: res.Sent, Expected: expected, Received: len(m.user) + len(m.admin), CPUms: cpuPerMessage}
	if res.Duration > 0 {
		run.Achieved = float64(res.Sent) / res.Duration.Seconds()
	}
	run.UserP50ms, run.UserP99ms, run.UserMaxms = percentiles(m.user)
	run.AdminP50ms, run.AdminP99ms, run.AdminMaxms = percentiles(m.admin)
	run.PostP50ms, run.PostP99ms, _ = percentiles(res.Latency)
	return run
}

// percentiles gives p50, p99 and max in milliseconds.
func percentiles(d []time.Duration) (p50, p99, max float64) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	return ms(s[len(s)/2]), ms(s[len(s)*99/100]), ms(s[len(s)-1])
}

// replay measures an admin stream resuming n events back: from the request to the last
// replayed event. The frames are read as Mercure's are (readFrames), not decoded: the
// figure is the server's, not the client's JSON decoding.
func (b *bench) replay(ctx context.Context, base string, n int, p *poster) (*replayRun, error) {
	for newest := b.newestEventID(ctx, base); newest < int64(n)+1; newest = b.newestEventID(ctx, base) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p.run(ctx, 1000, time.Duration(float64(n-int(newest)+1)/1000*float64(time.Second))+time.Second)
	}
	newest := b.newestEventID(ctx, base)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/admin/sse", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.admin)
	req.Header.Set("Last-Event-ID", strconv.FormatInt(newest-int64(n), 10))
	got := 0
	var last time.Time
	start := time.Now()
	err = readFrames(req, func() {}, func(f eventstream.Frame, at time.Time) {
		if id, err := strconv.ParseInt(f.ID, 10, 64); err == nil && f.Data != "" && id <= newest {
			if got, last = got+1, at; got == n {
				cancel()
			}
		}
	})
	if got < n {
		return nil, fmt.Errorf("replay stopped after %d of %d events: %v", got, n, err)
	}
	return &replayRun{Events: n, Seconds: last.Sub(start).Seconds()}, nil
}

// newestEventID is where the admin's event feed starts when asked for the present.
func (b *bench) newestEventID(ctx context.Context, base string) int64 {
	resp, err := b.api(base, b.readerAdmin).ListEventsWithResponse(ctx, &apiclient.ListEventsParams{})
	if err != nil || resp.JSON200 == nil {
		return 0
	}
	return resp.JSON200.NextCursor
}

// crossInstance starts a second server and compares delivery to streams on the posting
// instance with delivery to streams on the other.
func (b *bench) crossInstance(ctx context.Context, s settings) (*crossRun, error) {
	a := b.servers[0]
	other, err := b.startServer(ctx)
	if err != nil {
		return nil, err
	}
	p := newPoster(b, a.base, len(b.users))
	same, cross := newMeter(p), newMeter(p)
	urls, tokens := b.adminStreams(a.base, s.CrossN)
	sameSet, _ := openStreams(ctx, urls, tokens, 16, same.receive(true))
	defer sameSet.close()
	urls, tokens = b.adminStreams(other.base, s.CrossN)
	crossSet, _ := openStreams(ctx, urls, tokens, 16, cross.receive(true))
	defer crossSet.close()
	p.run(ctx, s.CrossRate, 5*time.Second)
	time.Sleep(2 * time.Second)
	r := &crossRun{}
	same.mu.Lock()
	r.SameP50ms, r.SameP99ms, _ = percentiles(same.admin)
	same.mu.Unlock()
	cross.mu.Lock()
	r.CrossP50ms, r.CrossP99ms, _ = percentiles(cross.admin)
	cross.mu.Unlock()
	return r, nil
}

// waitStreamsClosed waits until the server has let go of every stream (it notices a
// departed client within about a second), so that the next step starts clean.
func (b *bench) waitStreamsClosed(ctx context.Context, srv *server) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if openStreamsOn(b.client, srv.base) == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.log.Warn("the server still holds streams after 30 s")
}

// openStreamsOn sums the server's orderchat_sse_streams gauges (-1 when unreadable).
func openStreamsOn(client *http.Client, base string) int {
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	total := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "orderchat_sse_streams{") {
			n, _ := strconv.Atoi(line[strings.LastIndexByte(line, ' ')+1:])
			total += n
		}
	}
	return total
}
