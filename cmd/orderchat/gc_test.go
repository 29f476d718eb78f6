package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestTheServerCollectsGarbageLessOftenUnlessGOGCIsSet: serve raises GOGC to gcPercent,
// and an operator's GOGC wins.
func TestTheServerCollectsGarbageLessOftenUnlessGOGCIsSet(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	t.Setenv("GOGC", "80") // restored after the test, like the unset below
	collectGarbageLessOften()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC set, the server changed the GC percent to %d", got)
	}
	os.Unsetenv("GOGC")
	collectGarbageLessOften()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("without GOGC, the GC percent is %d, want %d", got, gcPercent)
	}
}
