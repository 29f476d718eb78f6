package main

// The peer benchmark (`make bench-peers`, issue 16): the same workload against orderchat and
// against Mercure with its Bolt transport (tools/mercure), run alternately, with the ratios.
// Mercure is driven over its own protocol: one topic per user, private updates published
// with an HS256 access token, subscribers with a token granting their own topic only.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"orderchat/eventstream"
)

// peerSettings of one peer benchmark.
type peerSettings struct {
	Subscribers int           // idle user streams / topics, one per user
	Rates       []int         // messages per second, each to a random user
	RateFor     time.Duration // per rate
	Rounds      int           // orderchat then Mercure, this many times
	ReplayN     int           // events a reconnecting subscriber has missed
}

type peersReport struct {
	Date        string       `json:"date"`
	Machine     string       `json:"machine"`
	Mercure     string       `json:"mercure"`
	Subscribers int          `json:"subscribers"`
	SecondsEach float64      `json:"seconds_per_rate"`
	Runs        []peerRun    `json:"runs"`
	Ratios      []peerRatio  `json:"ratios_orderchat_over_mercure"`
	Lost        int          `json:"events_lost"`
	Notes       []string     `json:"notes,omitempty"`
	rows        []peerMetric // the metrics in print order
}

// peerRun is one server's measurements in one round.
type peerRun struct {
	Server         string       `json:"server"` // orderchat | mercure-bolt
	Round          int          `json:"round"`
	IdleKiBPerSub  float64      `json:"idle_rss_per_subscriber_kib"`
	IdleCPUPercent float64      `json:"idle_cpu_percent"`
	FirstEachP99ms float64      `json:"first_message_to_each_subscriber_publish_p99_ms"`
	Latency        []latencyRun `json:"latency"`
	ReplayEvents   int          `json:"replay_events"`
	ReplayConns    int          `json:"replay_connections"`
	ReplaySeconds  float64      `json:"replay_seconds"`
	ReplayComplete bool         `json:"replay_complete"`
}

// peerRatio is one metric: each server's median and range over the rounds, and the
// median and range of the per-round ratios orderchat / Mercure.
type peerRatio struct {
	Metric          string     `json:"metric"`
	OrderchatMedian float64    `json:"orderchat_median"`
	MercureMedian   float64    `json:"mercure_median"`
	RatioMedian     float64    `json:"ratio_median"`
	Orderchat       [2]float64 `json:"orderchat_min_max"`
	Mercure         [2]float64 `json:"mercure_min_max"`
	Ratio           [2]float64 `json:"ratio_min_max"`
}

type peerMetric struct {
	name string
	get  func(peerRun) float64
}

func runPeers(ctx context.Context, log *slog.Logger, bin, mercureBin string, s peerSettings) (*peersReport, error) {
	r := &peersReport{Date: time.Now().UTC().Format(time.DateOnly), Machine: fmt.Sprintf("%d CPUs, %s/%s, %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version()),
		Mercure: mercureVersion(), Subscribers: s.Subscribers, SecondsEach: s.RateFor.Seconds()}
	for round := 1; round <= s.Rounds; round++ {
		for _, side := range []string{"orderchat", "mercure-bolt"} {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			log.Info("peer run", "server", side, "round", round, "subscribers", s.Subscribers)
			var run *peerRun
			var err error
			if side == "orderchat" {
				run, err = orderchatPeerRun(ctx, log, bin, s)
			} else {
				run, err = mercurePeerRun(ctx, log, mercureBin, s)
			}
			if err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", side, round, err)
			}
			run.Server, run.Round = side, round
			for _, l := range run.Latency {
				r.Lost += l.Expected - l.Received
			}
			r.Runs = append(r.Runs, *run)
		}
	}
	r.rows = []peerMetric{{"idle RSS per subscriber KiB", func(p peerRun) float64 { return p.IdleKiBPerSub }},
		{"idle CPU % of a core (server + database)", func(p peerRun) float64 { return p.IdleCPUPercent }},
		{"first message to each: publish p99 ms", func(p peerRun) float64 { return p.FirstEachP99ms }}}
	for i, rate := range s.Rates {
		for _, m := range []struct {
			name string
			get  func(latencyRun) float64
		}{
			{"achieved msg/s", func(l latencyRun) float64 { return l.Achieved }},
			{"delivery p50 ms", func(l latencyRun) float64 { return l.UserP50ms }},
			{"delivery p99 ms", func(l latencyRun) float64 { return l.UserP99ms }},
			{"publish p50 ms", func(l latencyRun) float64 { return l.PostP50ms }},
			{"publish p99 ms", func(l latencyRun) float64 { return l.PostP99ms }},
			{"CPU ms per message (server + database)", func(l latencyRun) float64 { return l.CPUms }},
			{"events lost", func(l latencyRun) float64 { return float64(l.Expected - l.Received) }},
		} {
			r.rows = append(r.rows, peerMetric{fmt.Sprintf("%d msg/s: %s", rate, m.name), func(p peerRun) float64 { return m.get(p.Latency[i]) }})
		}
	}
	r.rows = append(r.rows,
		peerMetric{"best rate: publish p99 < 50 ms, none lost", func(p peerRun) float64 { return float64(bestRate(p.Latency)) }},
		peerMetric{fmt.Sprintf("replay of %d: events received", s.ReplayN), func(p peerRun) float64 { return float64(p.ReplayEvents) }},
		peerMetric{fmt.Sprintf("replay of %d: connections", s.ReplayN), func(p peerRun) float64 { return float64(p.ReplayConns) }},
		peerMetric{fmt.Sprintf("replay of %d: ms", s.ReplayN), func(p peerRun) float64 { return p.ReplaySeconds * 1000 }})
	for _, m := range r.rows {
		var oc, me, ratio []float64
		for i, run := range r.Runs {
			if run.Server != "orderchat" {
				continue
			}
			oc = append(oc, m.get(run))
			if i+1 < len(r.Runs) {
				peer := m.get(r.Runs[i+1])
				me = append(me, peer)
				if peer != 0 {
					ratio = append(ratio, m.get(run)/peer)
				}
			}
		}
		r.Ratios = append(r.Ratios, peerRatio{Metric: m.name, OrderchatMedian: median(oc), MercureMedian: median(me), RatioMedian: median(ratio),
			Orderchat: minMax(oc), Mercure: minMax(me), Ratio: minMax(ratio)})
	}
	return r, nil
}

// bestRate is the highest rate tried whose publish p99 stayed under 50 ms with nothing lost
// (0 when none did).
func bestRate(runs []latencyRun) int {
	best := 0
	for _, l := range runs {
		if l.PostP99ms < 50 && l.Received == l.Expected && l.Rate > best {
			best = l.Rate
		}
	}
	return best
}

// median is the middle value (the mean of the two middle ones for an even count).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

func minMax(v []float64) [2]float64 {
	if len(v) == 0 {
		return [2]float64{}
	}
	return [2]float64{slices.Min(v), slices.Max(v)}
}

// spread prints a median and its range.
func spread(median float64, r [2]float64) string {
	return fmt.Sprintf("%.2f (%.2f–%.2f)", median, r[0], r[1])
}

func (r *peersReport) print(w io.Writer) {
	fmt.Fprintf(w, "orderchat vs %s, %s, %s, %d subscribers, %.0f s per rate, %d runs each\n\n", r.Mercure, r.Date, r.Machine, r.Subscribers, r.SecondsEach, len(r.Runs)/2)
	fmt.Fprintf(w, "%-46s %24s %24s %22s\n", "", "orderchat median (range)", "Mercure-Bolt median (range)", "ratio median (range)")
	for _, m := range r.Ratios {
		ratio := "—" // Mercure's figure is 0 (nothing lost, say)
		if m.Ratio != [2]float64{} {
			ratio = fmt.Sprintf("%.2f (%.2f–%.2f)", m.RatioMedian, m.Ratio[0], m.Ratio[1])
		}
		fmt.Fprintf(w, "%-46s %24s %24s %22s\n", m.Metric, spread(m.OrderchatMedian, m.Orderchat), spread(m.MercureMedian, m.Mercure), ratio)
	}
	fmt.Fprintf(w, "\nevents lost in all: %d\n", r.Lost)
}

// measureRates runs the warm-up, one message to each subscriber at the first rate (the
// first publish to each of Mercure's topics is slow: that is cold start, not steady state),
// and then each rate with the meter's streams open.
func measureRates(ctx context.Context, log *slog.Logger, name string, m *meter, s peerSettings, run *peerRun) []latencyRun {
	m.p.everyUser = true
	warm := m.measure(ctx, s.Rates[0], time.Duration(float64(s.Subscribers)/float64(s.Rates[0])*float64(time.Second)), 0)
	m.p.everyUser = false
	run.FirstEachP99ms = warm.PostP99ms
	log.Info("peer warm-up: one message to each subscriber", "server", name, "rate", s.Rates[0], "publish_p99_ms", warm.PostP99ms, "delivery_p99_ms", warm.UserP99ms)
	var runs []latencyRun
	for _, rate := range s.Rates {
		if ctx.Err() != nil {
			break
		}
		run := m.measure(ctx, rate, s.RateFor, 0)
		runs = append(runs, run)
		log.Info("peer latency", "server", name, "rate", rate, "delivery_p50_ms", run.UserP50ms, "delivery_p99_ms", run.UserP99ms, "publish_p99_ms", run.PostP99ms, "cpu_ms_per_message", run.CPUms, "lost", run.Expected-run.Received)
	}
	return runs
}

// orderchatPeerRun: a fresh PostgreSQL and server, Subscribers customers each with an
// order and a user stream, the rates, then an admin resuming ReplayN events back.
func orderchatPeerRun(ctx context.Context, log *slog.Logger, bin string, s peerSettings) (*peerRun, error) {
	b, err := setUp(ctx, log, bin)
	if err != nil {
		return nil, err
	}
	defer b.tearDown()
	if err := b.addUsers(ctx, s.Subscribers); err != nil {
		return nil, err
	}
	srv := b.servers[0]
	run := &peerRun{}
	p := newPoster(b, srv.base, s.Subscribers)
	m := newMeter(p)
	m.cpu = func() time.Duration { return cpuTime(srv.cmd.Process.Pid, b.cluster.PID()) }
	baseline := srv.rss()
	urls, tokens := b.userStreams(srv.base, 0, s.Subscribers)
	users, _ := openStreams(ctx, urls, tokens, 256, m.receive(false))
	measureIdle(log, "orderchat", run, s, srv.rss, baseline, m.cpu)
	run.Latency = measureRates(ctx, log, "orderchat", m, s, run)
	users.close()
	b.waitStreamsClosed(ctx, srv)
	replay, err := b.replay(ctx, srv.base, s.ReplayN, p)
	if err != nil {
		return nil, err
	}
	run.ReplayEvents, run.ReplayConns, run.ReplaySeconds, run.ReplayComplete = replay.Events, 1, replay.Seconds, true
	log.Info("peer replay", "server", "orderchat", "events", run.ReplayEvents, "connections", 1, "ms", run.ReplaySeconds*1000)
	return run, ctx.Err()
}

// measureIdle takes the idle figures of run once every subscriber is connected and
// nothing is published: memory per subscriber, and the share of a core (in %) that
// heartbeats and connection watching use in 5 s.
func measureIdle(log *slog.Logger, name string, run *peerRun, s peerSettings, rss func() int64, baseline int64, cpu func() time.Duration) {
	time.Sleep(2 * time.Second)
	run.IdleKiBPerSub = float64(rss()-baseline) / float64(s.Subscribers) / 1024
	const window = 5 * time.Second
	before := cpu()
	time.Sleep(window)
	run.IdleCPUPercent = float64(cpu()-before) / float64(window) * 100
	log.Info("peer idle", "server", name, "rss_kib_per_subscriber", run.IdleKiBPerSub, "cpu_percent", run.IdleCPUPercent)
}

// mercureHub is one tools/mercure process with a Bolt file in a temporary directory.
type mercureHub struct {
	server
	dir, hub, aud string
	key           []byte
}

const mercureIssuer = "orderchat-bench"

func startMercure(ctx context.Context, bin string) (*mercureHub, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mercure-bench-")
	if err != nil {
		return nil, err
	}
	h := &mercureHub{dir: dir, hub: "http://" + addr + "/.well-known/mercure", key: []byte(secret)}
	h.aud = h.hub
	h.cmd = exec.Command(bin, "-addr", addr, "-bolt", filepath.Join(dir, "mercure.db"), "-issuer", mercureIssuer, "-aud", h.aud)
	h.cmd.Env = append(os.Environ(), "MERCURE_JWT_KEY="+secret)
	h.cmd.Stderr = os.Stderr
	if err := h.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	h.base = "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return h, nil
		}
	}
	h.stop()
	return nil, fmt.Errorf("mercure did not listen on %s", addr)
}

func (h *mercureHub) stop() {
	h.server.stop()
	os.RemoveAll(h.dir)
}

func userTopic(u int) string { return "https://orderchat.bench/users/" + strconv.Itoa(u) }

// token mints an RFC 9068 access token with one Mercure authorization detail.
func (h *mercureHub) token(action string, topic string) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"at+jwt"}`))
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{
		"iss": mercureIssuer, "sub": uuid.NewString(), "client_id": mercureIssuer, "aud": h.aud, "jti": uuid.NewString(),
		"iat": now.Unix(), "exp": now.Add(12 * time.Hour).Unix(),
		"authorization_details": []any{map[string]any{"type": "https://mercure.rocks/authorization-detail", "actions": []string{action}, "topics": []any{map[string]string{"match": topic}}}},
	})
	signing := header + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// publish sends one private update and returns its ID.
func (h *mercureHub) publish(ctx context.Context, token, topic, data string) (string, error) {
	form := url.Values{"topic": {topic}, "data": {data}, "private": {"on"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.hub, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := publishClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	id, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("publish: %d %s", resp.StatusCode, id)
	}
	return string(id), nil
}

var publishClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}}

// subscribe follows topic from lastEventID (all of it when empty) until ctx ends.
func (h *mercureHub) subscribe(ctx context.Context, token, topic, lastEventID string, connected func(), on func(eventstream.Frame, time.Time)) error {
	q := url.Values{"match": {topic}}
	if lastEventID != "" {
		q.Set("last_event_id", lastEventID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.hub+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return readFrames(req, connected, on)
}

// mercurePeerRun: a fresh hub, the replay on its empty history first (once its history
// holds more than 10,000 events, Mercure finds no Last-Event-ID: see the README), then
// Subscribers idle subscribers and the rates.
func mercurePeerRun(ctx context.Context, log *slog.Logger, bin string, s peerSettings) (*peerRun, error) {
	h, err := startMercure(ctx, bin)
	if err != nil {
		return nil, err
	}
	defer h.stop()
	publisher := h.token("publish", "*")
	run := &peerRun{}
	if err := h.replay(ctx, publisher, s.ReplayN, run); err != nil {
		return nil, err
	}
	log.Info("peer replay", "server", "mercure-bolt", "events", run.ReplayEvents, "connections", run.ReplayConns, "ms", run.ReplaySeconds*1000)

	p := &poster{users: s.Subscribers, sent: map[int]sentMessage{}}
	p.send = func(ctx context.Context, seq, u int) error {
		_, err := h.publish(ctx, publisher, userTopic(u), "b"+strconv.Itoa(seq))
		return err
	}
	m := newMeter(p)
	m.cpu = func() time.Duration { return cpuTime(h.cmd.Process.Pid) }
	baseline := h.rss()
	subs, err := h.openSubscribers(ctx, s.Subscribers, func(e eventstream.Frame, at time.Time) {
		if seq, err := strconv.Atoi(strings.TrimPrefix(e.Data, "b")); err == nil && strings.HasPrefix(e.Data, "b") {
			m.got(seq, at, false)
		}
	})
	if err != nil {
		return nil, err
	}
	defer subs.close()
	measureIdle(log, "mercure-bolt", run, s, h.rss, baseline, m.cpu)
	run.Latency = measureRates(ctx, log, "mercure-bolt", m, s, run)
	subs.close()
	time.Sleep(time.Second) // the hub drops them before it stops (else it logs an error for each)
	return run, ctx.Err()
}

// openSubscribers opens one subscriber per user topic, 256 connecting at once.
func (h *mercureHub) openSubscribers(ctx context.Context, n int, on func(eventstream.Frame, time.Time)) (*streamSet, error) {
	ctx, cancel := context.WithCancel(ctx)
	set := &streamSet{cancel: cancel}
	slots := make(chan struct{}, 256)
	var connected sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for u := range n {
		slots <- struct{}{}
		connected.Add(1)
		set.wg.Add(1)
		token := h.token("subscribe", userTopic(u))
		go func() {
			defer set.wg.Done()
			var once sync.Once
			done := func() { once.Do(func() { <-slots; connected.Done() }) }
			defer done()
			if err := h.subscribe(ctx, token, userTopic(u), "", done, on); err != nil && ctx.Err() == nil {
				mu.Lock()
				failed = errors.Join(failed, err)
				mu.Unlock()
			}
		}()
	}
	connected.Wait()
	mu.Lock()
	defer mu.Unlock()
	if failed != nil {
		set.close()
		return nil, fmt.Errorf("subscribers: %w", failed)
	}
	return set, nil
}

// replay publishes n+1 events to one topic, then subscribes from the first one's ID and
// follows Last-Event-ID across reconnections until all n arrived or a connection brings
// nothing new (or 30 s pass); the time is from the first request to the last new event.
func (h *mercureHub) replay(ctx context.Context, publisher string, n int, run *peerRun) error {
	const topic = "https://orderchat.bench/replay"
	ids := make([]string, n+1)
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				id, err := h.publish(ctx, publisher, topic, "r"+strconv.Itoa(i))
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				ids[i] = id
			}
		}()
	}
	jobs <- 0 // the first, alone, so that every other event comes after it
	for i := 1; i <= n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	subscriber := h.token("subscribe", topic)
	seen := map[string]bool{}
	last := ids[0]
	start := time.Now()
	lastAt := start
	deadline := start.Add(30 * time.Second)
	for len(seen) < n && time.Now().Before(deadline) && ctx.Err() == nil {
		run.ReplayConns++
		before := len(seen)
		cctx, cancel := context.WithTimeout(ctx, time.Until(deadline))
		idle := time.AfterFunc(2*time.Second, cancel) // nothing more is coming on this connection
		_ = h.subscribe(cctx, subscriber, topic, last, func() {}, func(e eventstream.Frame, at time.Time) {
			idle.Reset(2 * time.Second)
			if e.ID != "" && !seen[e.ID] {
				seen[e.ID] = true
				last, lastAt = e.ID, at
			}
			if len(seen) >= n {
				cancel()
			}
		})
		idle.Stop()
		cancel()
		if len(seen) == before {
			break
		}
	}
	run.ReplayEvents, run.ReplaySeconds, run.ReplayComplete = len(seen), lastAt.Sub(start).Seconds(), len(seen) >= n
	return nil
}

// mercureVersion is the hub release pinned in tools/mercure/go.mod.
func mercureVersion() string {
	data, err := os.ReadFile("tools/mercure/go.mod")
	if err != nil {
		return "Mercure"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "require" && f[1] == "github.com/dunglas/mercure" {
			return "Mercure " + f[2]
		}
	}
	return "Mercure"
}
