package account

import (
	"context"
	"runtime"
	"time"
)

// HashGate bounds how many password hashes are computed at once. Each
// argon2id hash takes HashCost.Memory (64 MiB) for its duration, so a
// burst of sign-ins would otherwise take as much memory as it has
// requests; more hashes at once than there are processors only queue for
// them anyway.
type HashGate struct {
	slots chan struct{}
}

// NewHashGate returns a gate for n hashes at once; n <= 0 means one per
// processor the Go runtime uses.
func NewHashGate(n int) *HashGate {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &HashGate{slots: make(chan struct{}, n)}
}

// Enter waits at most wait for a slot. It returns the function that gives
// the slot back, or ok false when every slot stayed taken (or ctx ended):
// the caller should then ask the client to come back rather than queue.
func (g *HashGate) Enter(ctx context.Context, wait time.Duration) (release func(), ok bool) {
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// Size is the number of hashes the gate lets through at once.
func (g *HashGate) Size() int { return cap(g.slots) }
