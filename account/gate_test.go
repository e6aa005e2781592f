package account

import (
	"context"
	"testing"
	"time"
)

func TestHashGate_LetsSizeThroughAndRefusesAfterTheWait(t *testing.T) {
	g := NewHashGate(2)
	r1, ok1 := g.Enter(context.Background(), 0)
	r2, ok2 := g.Enter(context.Background(), 0)
	if !ok1 || !ok2 {
		t.Fatal("a free slot was refused")
	}
	start := time.Now()
	if _, ok := g.Enter(context.Background(), 50*time.Millisecond); ok {
		t.Fatal("a third hash got in past a gate of two")
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("gave up after %v, before the wait", waited)
	}
	go func() { time.Sleep(20 * time.Millisecond); r1() }()
	r3, ok := g.Enter(context.Background(), 5*time.Second)
	if !ok {
		t.Fatal("a slot given back was not taken by the waiting hash")
	}
	r2()
	r3()
	if NewHashGate(0).Size() < 1 {
		t.Fatal("a gate sized to the machine has no slot")
	}
}
