package ratelimit

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestABurstIsAllowedThenRefusedWithAWait(t *testing.T) {
	l := New(2, 3)
	alice, bob := uuid.New(), uuid.New()
	for i := range 3 {
		if ok, _ := l.Allow(alice); !ok {
			t.Fatalf("action %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow(alice)
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("fourth action: ok=%v wait=%v, want refused with a wait up to 0.5 s", ok, wait)
	}
	if ok, _ := l.Allow(bob); !ok {
		t.Fatal("another principal was limited by alice's actions")
	}
	if RetryAfterSeconds(wait) != 1 {
		t.Fatalf("Retry-After %d", RetryAfterSeconds(wait))
	}
}

func TestAZeroRateDisablesTheLimit(t *testing.T) {
	l := New(0, 1)
	for range 1000 {
		if ok, _ := l.Allow(uuid.Nil); !ok {
			t.Fatal("a disabled limiter refused")
		}
	}
}
