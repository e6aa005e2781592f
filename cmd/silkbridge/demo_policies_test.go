package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestPolicyDemo_LoadsOnceAllSampleWithValidRules loads the sample policies
// twice: the second load changes nothing, every policy is marked sample,
// and every stored rule reads back.
func TestPolicyDemo_LoadsOnceAllSampleWithValidRules(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 2 {
		if err := loadPoliciesDemo(ctx, st, log); err != nil {
			t.Fatal(err)
		}
	}
	list, page, err := st.Policies(ctx, policy.Filter{})
	if err != nil || page.Total != 4 {
		t.Fatalf("%d policies after two loads (%v)", page.Total, err)
	}
	ref, err := st.Reference(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if !p.Sample {
			t.Errorf("%s is not marked sample", p.ID)
		}
		if _, err := p.ParseRule(ref, func(string) bool { return true }); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
	}
}
