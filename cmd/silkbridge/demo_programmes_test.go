package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestProgrammeDemo_LoadsOnceWithAPublishedResult loads the sample
// programmes twice: the second load changes nothing, and the first leaves
// a published fda result that keeps the cap on the large institutions.
func TestProgrammeDemo_LoadsOnceWithAPublishedResult(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 2 {
		if err := loadProgrammeDemo(ctx, st, log); err != nil {
			t.Fatal(err)
		}
	}
	list, page, err := st.Programmes(ctx, programme.Filter{})
	if err != nil || page.Total != 2 {
		t.Fatalf("%d programmes after two loads (%v)", page.Total, err)
	}
	var p *programme.Programme
	for _, x := range list {
		if x.Title == demoProgrammeTitle {
			p = x
		}
		if !x.Sample {
			t.Errorf("%q is not marked sample", x.Title)
		}
	}
	if p == nil || p.PublishedRunID == "" {
		t.Fatalf("no published sample programme: %+v", list)
	}
	run, err := st.Run(ctx, p.ID, p.PublishedRunID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Algorithm != "fda" || run.Balance.Regions[0].Placed > run.Balance.Regions[0].Cap || run.Matched == 0 {
		t.Fatalf("published run %+v, regions %+v", run, run.Balance.Regions)
	}
	runs, err := st.Runs(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		t.Logf("%s: placed %d of %d, unfilled %d, Gini %.3f, top decile %.2f, floor deficit %d, regions %+v",
			r.Algorithm, r.Balance.Placed, r.Balance.Applicants, r.Balance.Unfilled, r.Balance.Gini, r.Balance.TopDecileShare, r.Balance.FloorDeficit, r.Balance.Regions)
	}
	if len(runs) != 2 || runs[1].Balance.Gini <= run.Balance.Gini {
		t.Fatalf("the da run should spread talents less evenly than fda: %d runs", len(runs))
	}
}
