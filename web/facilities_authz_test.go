package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for facilities (see authz_test.go): a
// facility belongs to fx.Org, whose managers (and admins) change it and
// decide its bookings; anyone signed in may request time (the facility
// takes anyone); a booking's booker alone accepts a proposed time and
// records the outcome, and the booker or the managers cancel it.

// authzFacility stores a fresh facility of fx.Org with one instrument,
// open every day, that anyone signed in may book.
func authzFacility(t *testing.T, fx *authzFixture) *facility.Facility {
	t.Helper()
	f := &facility.Facility{OwnerID: fx.Org.ID, Kind: "laboratory", Names: map[string]string{"en": fx.Unique("Soil laboratory ")},
		AccessModes: []string{"remote_service"}, Eligibility: facility.EligibleAnyone, Instruments: []facility.Instrument{{Name: "XRF analyser", Capacity: 1}},
		Price: facility.Price{Unit: "sample", Amount: 20, Currency: "KZT"}, TimeZone: "Asia/Almaty", CancelHours: 24}
	if err := fx.St.CreateFacility(context.Background(), store.Actor{}, f); err != nil {
		t.Fatal(err)
	}
	return f
}

func authzDay(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }

// authzBooking stores a request of the member for a fresh facility.
func authzBooking(t *testing.T, fx *authzFixture) (*facility.Facility, *facility.Booking) {
	t.Helper()
	f := authzFacility(t, fx)
	b, err := fx.St.RequestBooking(context.Background(), store.Actor{UserID: fx.User(roleMember).ID}, f.ID, "",
		facility.Request{InstrumentID: f.Instruments[0].ID, Start: authzDay(20), End: authzDay(20), Samples: 5, Purpose: "Soil cores"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return f, b
}

func facilityBody(f *facility.Facility) map[string]any {
	return map[string]any{"owner_id": f.OwnerID, "kind": f.Kind, "names": f.Names, "access_modes": f.AccessModes, "eligibility": f.Eligibility,
		"instruments": f.Instruments, "price": f.Price, "time_zone": f.TimeZone, "cancel_hours": f.CancelHours}
}

func facilityFormBody(owner string) url.Values {
	return url.Values{"owner_id": {owner}, "kind": {"laboratory"}, "name_en": {"Soil laboratory"}, "access_modes": {"remote_service"},
		"eligibility": {"anyone"}, "instruments": {"XRF analyser | 40 kV | 1"}, "price_unit": {"sample"}, "price": {"20"}, "currency": {"KZT"},
		"time_zone": {"Asia/Almaty"}, "opening_hours": {"Mon-Fri 09:00-18:00"}, "cancel_hours": {"24"}}
}

func init() {
	membersBooking := []authzRole{roleMember, roleManager, roleAdmin}
	addAuthzCases(map[string]authzCase{
		"POST /facilities": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/facilities", facilityFormBody(fx.Org.ID))
		}},
		"POST /facilities/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := authzFacility(t, fx)
			return formRequest("POST", "/facilities/"+f.ID, facilityFormBody(fx.Org.ID))
		}},
		"POST /facilities/{id}/bookings": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := authzFacility(t, fx)
			return formRequest("POST", "/facilities/"+f.ID+"/bookings", url.Values{"instrument_id": {f.Instruments[0].ID},
				"start": {authzDay(30)}, "end": {authzDay(30)}, "samples": {"3"}, "purpose": {"Soil cores"}})
		}},
		"POST /facilities/{id}/bookings/{bid}/decide": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f, b := authzBooking(t, fx)
			return formRequest("POST", "/facilities/"+f.ID+"/bookings/"+b.ID+"/decide", url.Values{"action": {"approve"}})
		}},
		"POST /facilities/{id}/bookings/{bid}/accept": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f, b := authzBooking(t, fx)
			if _, err := fx.St.DecideBooking(context.Background(), store.Actor{}, b.ID, store.Decision{Action: store.DecidePropose,
				Start: authzDay(21), End: authzDay(21)}); err != nil {
				t.Fatal(err)
			}
			return formRequest("POST", "/facilities/"+f.ID+"/bookings/"+b.ID+"/accept", nil)
		}},
		"POST /facilities/{id}/bookings/{bid}/cancel": {Allow: membersBooking, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f, b := authzBooking(t, fx)
			return formRequest("POST", "/facilities/"+f.ID+"/bookings/"+b.ID+"/cancel", url.Values{"reason": {"Plans changed"}})
		}},
		"POST /facilities/{id}/bookings/{bid}/outcome": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := authzFacility(t, fx)
			b := &facility.Booking{FacilityID: f.ID, InstrumentID: f.Instruments[0].ID, BookerID: fx.User(roleMember).ID, Status: facility.Approved,
				Start: time.Now().AddDate(0, 0, -3), End: time.Now().AddDate(0, 0, -2), Units: 4, Purpose: "Soil cores"}
			if err := fx.St.AddSampleBooking(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			return formRequest("POST", "/facilities/"+f.ID+"/bookings/"+b.ID+"/outcome", url.Values{"samples": {"4"}, "data": {"XRF spectra"}})
		}},
		"POST /api/v1/facilities": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := &facility.Facility{OwnerID: fx.Org.ID, Kind: "laboratory", Names: map[string]string{"en": "Soil laboratory"}, AccessModes: []string{"on_site"},
				Eligibility: "anyone", Instruments: []facility.Instrument{{Name: "XRF analyser", Capacity: 1}}, Price: facility.Price{Unit: "hour"}, TimeZone: "Asia/Almaty"}
			return jsonRequest("POST", "/api/v1/facilities", facilityBody(f))
		}},
		"PUT /api/v1/facilities/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := authzFacility(t, fx)
			f.Prerequisites = "Safety briefing"
			return jsonRequest("PUT", "/api/v1/facilities/"+f.ID, facilityBody(f))
		}},
		"POST /api/v1/facilities/{id}/bookings": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := authzFacility(t, fx)
			return jsonRequest("POST", "/api/v1/facilities/"+f.ID+"/bookings", map[string]any{"instrument_id": f.Instruments[0].ID,
				"start": authzDay(30), "end": authzDay(30), "samples": 3, "purpose": "Soil cores"})
		}},
		"POST /api/v1/facilities/{id}/bookings/{bid}/decision": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f, b := authzBooking(t, fx)
			return jsonRequest("POST", "/api/v1/facilities/"+f.ID+"/bookings/"+b.ID+"/decision", map[string]any{"action": "refuse", "reason": "Detector under repair"})
		}},
	})
}
