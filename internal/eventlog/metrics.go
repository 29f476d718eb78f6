package eventlog

import "github.com/prometheus/client_golang/prometheus"

// metrics describe the reading of the log by one process.
type metrics struct {
	position prometheus.Gauge
	settle   *prometheus.HistogramVec
	polling  prometheus.Gauge

	announcements prometheus.Counter
	reads         prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		position: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "orderchat_event_log_position", Help: "The newest event id this instance has handed to its streams (compare instances to see lag).",
		}),
		settle: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "orderchat_event_log_settle_seconds",
			Help:    "How long a horizon taken to settle a gap in the event log (an id missing while later ones are read: see README, ordering) waited for the transactions running when it was taken, by how it ended (fast: they all ended; narrowed: the ones that append events ended).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
		}, []string{"path"}),
		polling: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "orderchat_event_feed_waiting", Help: "Event feed requests waiting for an event (long polling with wait).",
		}),
	}
	m.announcements = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "orderchat_event_log_announcements_total",
		Help: "NOTIFYs this instance sent: one when it starts listening and every 5 s, and for its commits (at most one per 2 ms) while another instance was heard within 15 s.",
	})
	m.reads = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "orderchat_event_log_reads_total",
		Help: "Reads of the event log by this instance's reader: for other instances' events, events this instance did not hand over as committed, gaps and the safety poll.",
	})
	reg.MustRegister(m.position, m.settle, m.polling, m.announcements, m.reads)
	return m
}
