package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

func (r *report) print(w io.Writer) {
	t := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "orderchat benchmark, %s, %s\n\n", r.Date, r.Machine)
	fmt.Fprintln(t, "idle user streams\tserver RSS MiB\tRSS per stream KiB\tconnects/s\t")
	for _, c := range r.Connections {
		fmt.Fprintf(t, "%d\t%.0f\t%.1f\t%.0f\t\n", c.Streams, c.ServerRSSMiB, c.RSSPerStreamKB, c.ConnectPerSec)
	}
	t.Flush()
	fmt.Fprintf(w, "%d streams on %d instances: server RSS %.0f MiB, %.1f KiB per stream, %.0f connects/s\n\n",
		r.Split.Streams, r.Split.Instances, r.Split.ServerRSSMiB, r.Split.RSSPerStreamKB, r.Split.ConnectPerSec)
	fmt.Fprintln(t, "msgs/s\tposted\tuser p50 ms\tuser p99\tuser max\tadmin p50\tadmin p99\tadmin max\tPOST p99\tdelivered/expected\t")
	rows := append(append([]latencyRun{}, r.Latency...), r.Throughput.Tried...)
	for _, l := range rows {
		fmt.Fprintf(t, "%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d/%d\t\n", l.Rate, l.Posted, l.UserP50ms, l.UserP99ms, l.UserMaxms, l.AdminP50ms, l.AdminP99ms, l.AdminMaxms, l.PostP99ms, l.Received, l.Expected)
	}
	t.Flush()
	fmt.Fprintf(w, "\nthroughput: %d msgs/s with POST p99 < 50 ms, %.0f events/s delivered\n", r.Throughput.BestRate, r.Throughput.EventsPerSec)
	fmt.Fprintf(w, "replay: %d events in %.0f ms on one connection\n", r.Replay.Events, r.Replay.Seconds*1000)
	fmt.Fprintf(w, "two instances: same-instance p50 %.1f / p99 %.1f ms, cross-instance p50 %.1f / p99 %.1f ms\n",
		r.CrossNode.SameP50ms, r.CrossNode.SameP99ms, r.CrossNode.CrossP50ms, r.CrossNode.CrossP99ms)
	fmt.Fprintf(w, "events lost: %d\n\n", r.Lost)
	fmt.Fprintln(t, "attachments\tMiB\tcount\tupload MiB/s\tupload p99 ms\tdownload MiB/s\tdownload p99 ms\t")
	for _, m := range r.Media {
		fmt.Fprintf(t, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\n", m.Store, m.SizeMiB, m.Count, m.UploadMiBps, m.UploadP99ms, m.DownloadMiBps, m.DownloadP99ms)
	}
	t.Flush()
}
