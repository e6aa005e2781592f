package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestFacilityDemo_LoadsOnceWithAParkSpectrometerBookingsAndOutcomes
// loads the sample facilities twice: the second load changes nothing; the
// spectrometer of the Chinese park is found by a Russian word, has
// bookings past and future, and its outcomes are outputs of the sample
// cooperation; the figures show utilisation and cross-border use.
func TestFacilityDemo_LoadsOnceWithAParkSpectrometerBookingsAndOutcomes(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 2 {
		if err := loadFacilitiesDemo(ctx, st, log); err != nil {
			t.Fatal(err)
		}
	}
	all, page, err := st.Facilities(ctx, facility.Filter{})
	if err != nil || page.Total != 5 {
		t.Fatalf("%d facilities after two loads (%v)", page.Total, err)
	}
	for _, f := range all {
		if !f.Sample {
			t.Errorf("%s is not marked sample", f.Name("en"))
		}
	}
	found, _, err := st.Facilities(ctx, facility.Filter{Query: "спектрометр", Country: "CN"})
	if err != nil || len(found) != 1 || found[0].Kind != "instrument" {
		t.Fatalf("Russian search for the park's spectrometer: %d found (%v)", len(found), err)
	}
	owner, err := st.Organisation(ctx, found[0].OwnerID)
	if err != nil || owner.Kind != "park" {
		t.Fatalf("the spectrometer's owner %+v (%v), want the park", owner, err)
	}
	bs, err := st.Bookings(ctx, store.BookingFilter{FacilityID: found[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	past, future := 0, 0
	for _, b := range bs {
		if b.End.Before(time.Now()) {
			past++
		} else {
			future++
		}
	}
	if past < 2 || future < 2 {
		t.Errorf("%d past and %d future bookings, want both", past, future)
	}
	coops, _, err := st.Cooperations(ctx, cooperation.Filter{})
	if err != nil || len(coops) != 1 {
		t.Fatalf("cooperations: %d (%v)", len(coops), err)
	}
	c, err := st.Cooperation(ctx, coops[0].ID)
	if err != nil || len(c.Outputs) != 3 {
		t.Fatalf("the sample cooperation has %d outputs (%v), want the three data sets", len(c.Outputs), err)
	}
	figs, err := st.FacilityFigures(ctx, time.Now().AddDate(-1, 0, 0), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if figs.CrossBorderCooperation == 0 || figs.Use[0].Utilisation <= 0 {
		t.Errorf("figures: %d cross-border, top utilisation %v", figs.CrossBorderCooperation, figs.Use[0].Utilisation)
	}
}
