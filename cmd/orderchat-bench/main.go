// Command orderchat-bench measures orderchat under load on this machine: it starts a real
// local PostgreSQL and `orderchat serve`, drives them over loopback with the project's own
// Go client and SSE consumer, and prints a table and a JSON summary. `make bench` runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Settings of one run; --smoke shrinks everything to a quick correctness pass.
type settings struct {
	Streams    []int // idle user streams on one instance, in steps
	Split      int   // idle user streams on each of two instances
	LatencyN   int   // user streams open during the latency runs
	Admins     int   // admin streams open during the latency runs
	Rates      []int // messages per second of the latency runs
	RateFor    time.Duration
	Throughput []int // candidate rates of the throughput search
	ReplayN    int   // events a reconnecting client has missed
	CrossN     int   // admin streams per instance in the two-instance run
	CrossRate  int
	MediaN     int // attachments uploaded and downloaded per store and size
}

// full is the plan. One process may open at most 20,000 descriptors here, so one
// instance's last step is 19,500 streams, and 20,000 are held by two (see split.go).
var full = settings{
	Streams: []int{1000, 5000, 10000, 19500}, Split: 10000, LatencyN: 10000, Admins: 20, Rates: []int{100, 500, 1000}, RateFor: 20 * time.Second,
	Throughput: []int{500, 750, 1000, 1250, 1500, 1750, 2000}, ReplayN: 10000, CrossN: 10, CrossRate: 200, MediaN: 100,
}

var smoke = settings{
	Streams: []int{50, 100}, Split: 50, LatencyN: 100, Admins: 2, Rates: []int{20}, RateFor: 2 * time.Second,
	Throughput: []int{50}, ReplayN: 500, CrossN: 2, CrossRate: 20, MediaN: 4,
}

func main() {
	bin := flag.String("server", "bin/orderchat", "the orderchat binary to measure")
	out := flag.String("json", "bin/bench.json", "where to write the JSON summary")
	quick := flag.Bool("smoke", false, "a quick run with small numbers (correctness, not figures)")
	holder := flag.Bool("hold", false, "internal: hold the streams named on stdin until stdin closes")
	peers := flag.Bool("peers", false, "the peer benchmark: orderchat and Mercure-Bolt alternately under the same load (peers.go)")
	mercure := flag.String("mercure", "bin/mercure-bench", "with --peers: the Mercure hub binary (tools/mercure)")
	peerSubs := flag.Int("peer-subscribers", 10000, "with --peers: subscribers, one topic/user stream each")
	peerRounds := flag.Int("peer-rounds", 3, "with --peers: runs of each server, alternating")
	peerFor := flag.Duration("peer-for", 15*time.Second, "with --peers: how long each rate runs")
	peerRates := flag.String("peer-rates", "500,1000,1500,2000,2500,3000", "with --peers: messages per second, comma-separated")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *holder {
		if err := hold(ctx); err != nil {
			log.Error("holding streams failed", "err", err)
			os.Exit(1)
		}
		return
	}

	if *peers {
		ps := peerSettings{Subscribers: *peerSubs, RateFor: *peerFor, Rounds: *peerRounds, ReplayN: 10000}
		for _, f := range strings.Split(*peerRates, ",") {
			rate, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || rate <= 0 {
				log.Error("bad --peer-rates", "value", *peerRates)
				os.Exit(2)
			}
			ps.Rates = append(ps.Rates, rate)
		}
		report, err := runPeers(ctx, log, *bin, *mercure, ps)
		if err != nil {
			log.Error("peer benchmark failed", "err", err)
			os.Exit(1)
		}
		report.print(os.Stdout)
		writeJSON(*out, peersSection, report)
		return
	}

	s := full
	if *quick {
		s = smoke
	}
	report, err := run(ctx, log, *bin, s)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		log.Error("benchmark failed", "err", err)
		os.Exit(1)
	}
	report.print(os.Stdout)
	fmt.Fprintf(os.Stdout, "\n%s\n", writeJSON(*out, "", report))
	if report.Lost > 0 {
		log.Error("events were lost", "count", report.Lost)
		os.Exit(1)
	}
}

// peersSection is where the peer benchmark's report goes in the file the load benchmark
// writes (bin/bench.json): each of the two keeps the other's figures.
const peersSection = "peers"

// writeJSON writes v, indented, to path: as the whole report (section ""), keeping the
// peers section already in the file, or as the named section, keeping the others. It
// returns what it wrote (keys in alphabetical order).
func writeJSON(path, section string, v any) []byte {
	var previous map[string]json.RawMessage
	if old, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(old, &previous) // a file that is not a report is replaced
	}
	data, _ := json.Marshal(v)
	report := map[string]json.RawMessage{}
	if section == "" {
		_ = json.Unmarshal(data, &report)
		if peers := previous[peersSection]; peers != nil {
			report[peersSection] = peers
		}
	} else {
		maps.Copy(report, previous)
		report[section] = data
	}
	data, _ = json.MarshalIndent(report, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		_ = os.WriteFile(path, data, 0o644)
	}
	return data
}
