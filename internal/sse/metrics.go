package sse

import "github.com/prometheus/client_golang/prometheus"

// metrics describe the streams of one process.
type metrics struct {
	streams   *prometheus.GaugeVec
	delivered prometheus.Counter
	dropped   *prometheus.CounterVec
	replayed  prometheus.Histogram
	resets    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		streams: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "orderchat_sse_streams", Help: "Open event streams, by kind (admin or user).",
		}, []string{"kind"}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orderchat_sse_events_delivered_total", Help: "Events written to streams, live and replayed.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orderchat_sse_subscribers_dropped_total", Help: "Streams cut off by the server, by reason (slow: the queue overflowed; write: a write failed or timed out).",
		}, []string{"reason"}),
		replayed: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "orderchat_sse_replay_events", Help: "Events replayed to a reconnecting stream.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 9),
		}),
		resets: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orderchat_sse_resets_total", Help: "Reconnects whose Last-Event-ID was beyond retention (stream.reset sent).",
		}),
	}
	reg.MustRegister(m.streams, m.delivered, m.dropped, m.replayed, m.resets)
	return m
}
