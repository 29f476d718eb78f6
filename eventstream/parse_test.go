package eventstream

import (
	"strings"
	"testing"
	"time"
)

func TestParseFollowsTheWHATWGRules(t *testing.T) {
	input := "retry: 1500\n\n" +
		": heartbeat\n\n" +
		"id: 7\ndata: {\"a\":1}\n\n" +
		"data: first\r\ndata: second\r\n\r\n" + // no id: the last one carries over; CRLF lines
		"id: 8\revent: custom\rdata: x\r\r" + // lone CR line ends
		"retry: soon\n\n" + // not digits: ignored
		"id: 8\n\n" + // a bare id: handed on with no data
		"id: 9\ndata: cut off at EOF"
	var frames []Frame
	var retries []time.Duration
	err := Parse(strings.NewReader(input), func(f Frame) error { frames = append(frames, f); return nil },
		func(d time.Duration) { retries = append(retries, d) })
	if err != nil {
		t.Fatal(err)
	}
	want := []Frame{
		{ID: "7", Data: `{"a":1}`},
		{ID: "7", Data: "first\nsecond"},
		{ID: "8", Event: "custom", Data: "x"},
		{ID: "8"},
	}
	if len(frames) != len(want) {
		t.Fatalf("frames %+v, want %+v", frames, want)
	}
	for i := range want {
		if frames[i] != want[i] {
			t.Errorf("frame %d: %+v, want %+v", i, frames[i], want[i])
		}
	}
	if len(retries) != 1 || retries[0] != 1500*time.Millisecond {
		t.Errorf("retries %v, want [1.5s]", retries)
	}
}
