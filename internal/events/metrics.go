package events

import "github.com/prometheus/client_golang/prometheus"

// metrics describe the streams of one process.
type metrics struct {
	streams   *prometheus.GaugeVec
	delivered prometheus.Counter
	dropped   *prometheus.CounterVec
	replayed  prometheus.Histogram
	resets    prometheus.Counter
	position  prometheus.Gauge
	settle    *prometheus.HistogramVec
	polling   prometheus.Gauge
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
	m.position = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "orderchat_event_log_position", Help: "The newest event id this instance has handed to its streams (compare instances to see lag).",
	})
	m.settle = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "orderchat_event_log_settle_seconds",
		Help:    "How long a read of the event log waited for the transactions that were running when it began (see README, ordering), by how it ended (fast: they all ended; narrowed: the ones that append events ended).",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
	}, []string{"path"})
	m.polling = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "orderchat_event_feed_waiting", Help: "Event feed requests waiting for an event (long polling with wait).",
	})
	reg.MustRegister(m.streams, m.delivered, m.dropped, m.replayed, m.resets, m.position, m.settle, m.polling)
	return m
}
