package store_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// spectrometer stores a facility of owner with one single-capacity
// instrument, open every day all day, priced by the day.
func spectrometer(t *testing.T, st *store.Store, owner *organisation.Organisation) *facility.Facility {
	t.Helper()
	f := &facility.Facility{OwnerID: owner.ID, Kind: "instrument",
		Names:        map[string]string{"en": "Raman spectrometer", "ru": "Рамановский спектрометр"},
		Descriptions: map[string]string{"ru": "Спектрометр комбинационного рассеяния для анализа материалов"},
		Fields:       []string{"1.4"}, AccessModes: []string{"remote_service", "on_site"}, Eligibility: facility.EligibleAnyone,
		Instruments: []facility.Instrument{{Name: "Raman microscope", Specification: "532 nm", Capacity: 1}},
		Price:       facility.Price{Unit: "day", Amount: 1200, Currency: "CNY"}, TimeZone: "Asia/Shanghai", CancelHours: 48}
	if err := st.CreateFacility(ctx, store.Actor{}, f); err != nil {
		t.Fatal(err)
	}
	return f
}

func day(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }

// TestFacilities_ParallelApprovalsOfOneSlotApproveExactlyOne sends 20
// approvals of 20 requests for the same slot of a single-capacity
// instrument at once: the lock on the instrument lets exactly one win, and
// every other is refused naming the time it conflicts with.
func TestFacilities_ParallelApprovalsOfOneSlotApproveExactlyOne(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		owner := newOrg("Shenzhen Park Lab", "CN")
		if err := st.CreateOrganisation(ctx, store.Actor{}, owner); err != nil {
			t.Fatal(err)
		}
		f := spectrometer(t, st, owner)
		var ids []string
		for i := 0; i < 20; i++ {
			b, err := st.RequestBooking(ctx, store.Actor{}, f.ID, owner.ID, facility.Request{InstrumentID: f.Instruments[0].ID,
				Start: day(10), End: day(11), Purpose: "Raman maps of perovskite films"}, time.Now())
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			ids = append(ids, b.ID)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		start := make(chan struct{})
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = st.DecideBooking(ctx, store.Actor{}, id, store.Decision{Action: store.DecideApprove})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case silkbridge.ErrorCode(err) != silkbridge.EINVALID || !strings.Contains(err.Error(), "already booked from "+day(10)+" 00:00"):
				t.Errorf("a losing approval failed otherwise than by naming the conflict: %v", err)
			}
		}
		approved, err := st.Bookings(ctx, store.BookingFilter{FacilityID: f.ID, Statuses: []string{facility.Approved}})
		if err != nil {
			t.Fatal(err)
		}
		if won != 1 || len(approved) != 1 {
			t.Fatalf("%d approvals succeeded and %d bookings are approved, want exactly one", won, len(approved))
		}
	})
}

// TestFacilities_OverlappingRequestIsRefusedNamingTheTime shows a request
// over approved days refused with the conflicting time, and the store
// unchanged.
func TestFacilities_OverlappingRequestIsRefusedNamingTheTime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		owner := newOrg("Xi'an Institute", "CN")
		if err := st.CreateOrganisation(ctx, store.Actor{}, owner); err != nil {
			t.Fatal(err)
		}
		f := spectrometer(t, st, owner)
		in := f.Instruments[0].ID
		b, err := st.RequestBooking(ctx, store.Actor{}, f.ID, owner.ID, facility.Request{InstrumentID: in, Start: day(5), End: day(6), Purpose: "x"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DecideBooking(ctx, store.Actor{}, b.ID, store.Decision{Action: store.DecideApprove}); err != nil {
			t.Fatal(err)
		}
		_, err = st.RequestBooking(ctx, store.Actor{}, f.ID, owner.ID, facility.Request{InstrumentID: in, Start: day(6), End: day(8), Purpose: "y"}, time.Now())
		want := "already booked from " + day(5) + " 00:00 to " + day(7) + " 00:00 (Asia/Shanghai)"
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID || !strings.Contains(err.Error(), want) {
			t.Fatalf("overlapping request: %v, want a field error containing %q", err, want)
		}
		all, err := st.Bookings(ctx, store.BookingFilter{FacilityID: f.ID})
		if err != nil || len(all) != 1 {
			t.Fatalf("bookings after the refusal: %d, %v", len(all), err)
		}
		// The day after is free.
		if _, err := st.RequestBooking(ctx, store.Actor{}, f.ID, owner.ID, facility.Request{InstrumentID: in, Start: day(7), End: day(7), Purpose: "z"}, time.Now()); err != nil {
			t.Fatalf("a request next to the booking: %v", err)
		}
		found, _, err := st.Facilities(ctx, facility.Filter{Query: "спектрометра"})
		if err != nil || len(found) != 1 || found[0].ID != f.ID {
			t.Fatalf("Russian search found %d facilities, %v", len(found), err)
		}
	})
}

// TestFacilities_ReducedPriceNeedsAPolicyOfTheCatalogue refuses a reduced
// price under a policy that does not exist, and stores nothing.
func TestFacilities_ReducedPriceNeedsAPolicyOfTheCatalogue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		owner := newOrg("Almaty Institute", "KZ")
		if err := st.CreateOrganisation(ctx, store.Actor{}, owner); err != nil {
			t.Fatal(err)
		}
		half := 50.0
		f := &facility.Facility{OwnerID: owner.ID, Kind: "laboratory", Names: map[string]string{"en": "Lab"}, AccessModes: []string{"on_site"},
			Eligibility: facility.EligibleAnyone, Instruments: []facility.Instrument{{Name: "XRD", Capacity: 1}}, TimeZone: "Asia/Almaty",
			Price: facility.Price{Unit: "hour", Amount: 100, Currency: "KZT", PolicyID: silkbridge.NewID(), Policy: &half}}
		err := st.CreateFacility(ctx, store.Actor{}, f)
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID || !strings.Contains(err.Error(), "policy_id") {
			t.Fatalf("a policy that does not exist: %v", err)
		}
		if _, page, err := st.Facilities(ctx, facility.Filter{}); err != nil || page.Total != 0 {
			t.Fatalf("%d facilities stored (%v)", page.Total, err)
		}
	})
}

// TestFacilities_BookerCancelsOnlyBeforeTheNoticeManagersWithAReason shows
// the cancellation rules: within the facility's notice the booker can no
// longer cancel an approved booking; the managers can, saying why.
func TestFacilities_BookerCancelsOnlyBeforeTheNoticeManagersWithAReason(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		owner := newOrg("Urumqi Lab", "CN")
		if err := st.CreateOrganisation(ctx, store.Actor{}, owner); err != nil {
			t.Fatal(err)
		}
		f := spectrometer(t, st, owner) // 48 hours' notice
		b, err := st.RequestBooking(ctx, store.Actor{}, f.ID, owner.ID, facility.Request{InstrumentID: f.Instruments[0].ID,
			Start: day(3), End: day(3), Purpose: "x"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DecideBooking(ctx, store.Actor{}, b.ID, store.Decision{Action: store.DecideApprove}); err != nil {
			t.Fatal(err)
		}
		within := b.Start.Add(-24 * time.Hour)
		if _, err := st.CancelBooking(ctx, store.Actor{}, b.ID, false, "", within); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("the booker cancelled within the notice: %v", err)
		}
		if _, err := st.CancelBooking(ctx, store.Actor{}, b.ID, true, "", within); silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			t.Fatalf("a manager cancelled without a reason: %v", err)
		}
		got, err := st.CancelBooking(ctx, store.Actor{}, b.ID, true, "Laser failure", within)
		if err != nil || got.Status != facility.Cancelled || got.Reason != "Laser failure" {
			t.Fatalf("a manager's cancellation: %+v, %v", got, err)
		}
	})
}
