package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestParkDemo_LoadsOnceAllSampleWithAGrowingInfluence loads the sample
// park twice: the second load changes nothing, every achievement is marked
// sample, and the park's influence grows over the years.
func TestParkDemo_LoadsOnceAllSampleWithAGrowingInfluence(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 2 {
		if err := loadParksDemo(ctx, st, log); err != nil {
			t.Fatal(err)
		}
	}
	as, page, err := st.Achievements(ctx, achievement.Filter{})
	if err != nil || page.Total != 4 {
		t.Fatalf("%d achievements after two loads (%v)", page.Total, err)
	}
	for _, a := range as {
		if !a.Sample {
			t.Errorf("%s is not marked sample", a.Title)
		}
	}
	parks, _, err := st.Organisations(ctx, organisation.Filter{Kind: organisation.Park})
	if err != nil || len(parks) != 1 || !parks[0].Sample {
		t.Fatalf("parks %v (%v), want one sample park", parks, err)
	}
	series, err := st.ParkInfluence(ctx, parks[0].ID, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	first, last := series[0], series[len(series)-1]
	if last.Influence <= first.Influence || last.Transfers != 2 {
		t.Fatalf("series from %+v to %+v: want growth and two completed transfers", first, last)
	}
}
