package store_test

import (
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// BenchmarkFacilities_RequestAndApprove measures one booking's request and
// its approval on SQLite (each a write transaction that locks the
// instrument and checks its capacity) on an instrument that already holds
// a year of approved bookings.
func BenchmarkFacilities_RequestAndApprove(b *testing.B) {
	st := storetest.New(b, store.SQLite)
	owner := newOrg("Bench Lab", "CN")
	if err := st.CreateOrganisation(ctx, store.Actor{}, owner); err != nil {
		b.Fatal(err)
	}
	f := &facility.Facility{OwnerID: owner.ID, Kind: "instrument", Names: map[string]string{"en": "Bench spectrometer"},
		AccessModes: []string{"on_site"}, Eligibility: facility.EligibleAnyone, Instruments: []facility.Instrument{{Name: "Raman", Capacity: 1}},
		Price: facility.Price{Unit: "hour"}, TimeZone: "UTC"}
	if err := st.CreateFacility(ctx, store.Actor{}, f); err != nil {
		b.Fatal(err)
	}
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	for i := range 365 {
		s := day.AddDate(0, 0, i).Add(8 * time.Hour)
		if err := st.AddSampleBooking(ctx, &facility.Booking{FacilityID: f.ID, InstrumentID: f.Instruments[0].ID, Status: facility.Approved,
			Start: s, End: s.Add(2 * time.Hour), Purpose: "load"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// A free hour each time: ten hours from 12:00 a day, after the
		// morning's approved bookings.
		s := day.Add(time.Duration(12+i%10)*time.Hour).AddDate(0, 0, i/10)
		bk, err := st.RequestBooking(ctx, store.Actor{}, f.ID, owner.ID, facility.Request{InstrumentID: f.Instruments[0].ID,
			Start: s.Format("2006-01-02T15:04"), End: s.Add(time.Hour).Format("2006-01-02T15:04"), Purpose: "bench"}, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.DecideBooking(ctx, store.Actor{}, bk.ID, store.Decision{Action: store.DecideApprove}); err != nil {
			b.Fatal(err)
		}
	}
}
