package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) facilityRoutes() {
	s.page("GET /facilities", s.listFacilities)
	s.page("GET /facilities/new", s.newFacilityForm)
	s.page("POST /facilities", s.createFacility)
	s.page("GET /facilities/analytics", s.facilityAnalytics)
	s.page("GET /facilities/{id}", s.showFacility)
	s.page("GET /facilities/{id}/edit", s.editFacilityForm)
	s.page("POST /facilities/{id}", s.updateFacility)
	s.page("GET /facilities/{id}/calendar.ics", s.facilityCalendar)
	s.page("POST /facilities/{id}/bookings", s.requestBooking)
	s.page("POST /facilities/{id}/bookings/{bid}/decide", s.decideBooking)
	s.page("POST /facilities/{id}/bookings/{bid}/accept", s.acceptProposal)
	s.page("POST /facilities/{id}/bookings/{bid}/cancel", s.cancelBooking)
	s.page("POST /facilities/{id}/bookings/{bid}/outcome", s.recordOutcome)
	s.page("GET /facilities/{id}/bookings/{bid}/booking.ics", s.bookingCalendar)

	s.handleAPI("GET /api/v1/facilities", Op{Summary: "List and search shared research facilities", Tag: "facilities",
		Response: List[facility.Facility]{}, Query: facilityQueryDoc}, s.apiListFacilities)
	s.handleAPI("POST /api/v1/facilities", Op{Summary: "Register a facility of an organisation you manage", Tag: "facilities",
		Request: facilityInput{}, Response: facility.Facility{}, Auth: true, Status: http.StatusCreated}, s.apiCreateFacility)
	s.handleAPI("GET /api/v1/facilities/{id}", Op{Summary: "One facility with its approved bookings (times only)", Tag: "facilities",
		Response: facilityDetail{}}, s.apiGetFacility)
	s.handleAPI("PUT /api/v1/facilities/{id}", Op{Summary: "Replace a facility (its owner's or park's managers)", Tag: "facilities",
		Request: facilityInput{}, Response: facility.Facility{}, Auth: true}, s.apiUpdateFacility)
	s.handleAPI("POST /api/v1/facilities/{id}/bookings", Op{Summary: "Request time on an instrument of a facility", Tag: "facilities",
		Request: bookingInput{}, Response: facility.Booking{}, Auth: true, Status: http.StatusCreated}, s.apiRequestBooking)
	s.handleAPI("POST /api/v1/facilities/{id}/bookings/{bid}/decision", Op{Summary: "Approve, refuse or propose another time (the facility's managers)", Tag: "facilities",
		Request: decisionInput{}, Response: facility.Booking{}, Auth: true}, s.apiDecideBooking)
	s.handleAPI("GET /api/v1/analytics/facilities", Op{Summary: "Facilities by country and kind, bookings by partner country, utilisation, cross-border use", Tag: "analytics",
		Response: store.FacilityFigures{}, Query: map[string]string{"from": "first day (YYYY-MM-DD), default a year ago", "to": "last day (YYYY-MM-DD), default today"}}, s.apiFacilityFigures)
}

var facilityQueryDoc = map[string]string{"q": "free-text search (any of the six UN languages)", "kind": "facility kind", "field": "field code (FORD)",
	"country": "country (ISO 3166-1 alpha-2)", "bri": "only in Belt-and-Road partner countries (true)", "access": "access mode",
	"free_from": "free from this day (YYYY-MM-DD)", "free_to": "free until this day, included (YYYY-MM-DD)", "owner": "owner organisation id",
	"park": "park id", "page": "page number", "per_page": "items per page (at most 100)"}

// facilityInput is a facility as the API takes it.
type facilityInput struct {
	OwnerID       string                `json:"owner_id"`
	Kind          string                `json:"kind"`
	Names         map[string]string     `json:"names"`
	Descriptions  map[string]string     `json:"descriptions"`
	Fields        []string              `json:"fields"`
	Country       string                `json:"country"`
	Address       string                `json:"address"`
	Latitude      *float64              `json:"latitude"`
	Longitude     *float64              `json:"longitude"`
	Instruments   []facility.Instrument `json:"instruments"`
	AccessModes   []string              `json:"access_modes"`
	Eligibility   string                `json:"eligibility"`
	Languages     []string              `json:"languages"`
	Prerequisites string                `json:"prerequisites"`
	Price         facility.Price        `json:"price"`
	TimeZone      string                `json:"time_zone"`
	OpeningHours  []facility.Hours      `json:"opening_hours"`
	Closures      []facility.Closure    `json:"closures"`
	CancelHours   int                   `json:"cancel_hours"`
}

func (in facilityInput) apply(f *facility.Facility) {
	f.Kind, f.Names, f.Descriptions, f.Fields, f.Country, f.Address = in.Kind, in.Names, in.Descriptions, in.Fields, in.Country, in.Address
	f.Latitude, f.Longitude, f.AccessModes, f.Eligibility, f.Languages = in.Latitude, in.Longitude, in.AccessModes, in.Eligibility, in.Languages
	f.Prerequisites, f.Price, f.TimeZone, f.OpeningHours, f.Closures, f.CancelHours = in.Prerequisites, in.Price, in.TimeZone, in.OpeningHours, in.Closures, in.CancelHours
	// Instruments keep their ids by name (see store.UpdateFacility).
	f.Instruments = in.Instruments
}

// bookingInput is a booking request as the API takes it.
type bookingInput struct {
	InstrumentID  string   `json:"instrument_id"`
	BookerOrgID   string   `json:"booker_org_id"`
	Start         string   `json:"start"`
	End           string   `json:"end"`
	Samples       int      `json:"samples"`
	Purpose       string   `json:"purpose"`
	CooperationID string   `json:"cooperation_id"`
	People        []string `json:"people"`
}

// decisionInput is the managers' decision as the API takes it.
type decisionInput struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
	Start  string `json:"start"`
	End    string `json:"end"`
}

// facilityDetail is a facility with its approved bookings' times.
type facilityDetail struct {
	facility.Facility
	Booked []bookedSpan `json:"booked"`
}

type bookedSpan struct {
	InstrumentID string    `json:"instrument_id"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
}

// mayManageFacility is the role-and-ownership rule: the owner's managers,
// the managers of the park the owner is registered in, and admins.
func mayManageFacility(u *account.User, f *facility.Facility) error {
	switch {
	case u == nil:
		return silkbridge.Unauthorized()
	case u.IsAdmin() || u.Manages(f.OwnerID) || f.OwnerParkID != "" && u.Manages(f.OwnerParkID):
		return nil
	}
	return silkbridge.Forbidden()
}

func facilityFilter(r *http.Request) (facility.Filter, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	f := facility.Filter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Field: q.Get("field"), OwnerID: q.Get("owner"),
		ParkID: q.Get("park"), Access: q.Get("access"), Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), BRIPartner: queryBool(r, "bri"),
		Page: formInt(&p, "page", q.Get("page"), 1), PerPage: formInt(&p, "per_page", q.Get("per_page"), 20)}
	from, to := strings.TrimSpace(q.Get("free_from")), strings.TrimSpace(q.Get("free_to"))
	if from != "" || to != "" {
		a, err1 := time.Parse(time.DateOnly, from)
		b, err2 := time.Parse(time.DateOnly, to)
		if to == "" {
			b, err2 = a, err1
		}
		switch {
		case err1 != nil:
			p.Add("free_from", "facility.error.date", "a date as YYYY-MM-DD", nil)
		case err2 != nil:
			p.Add("free_to", "facility.error.date", "a date as YYYY-MM-DD", nil)
		case b.Before(a):
			p.Add("free_to", "facility.error.order", "the end comes after the start", nil)
		default:
			f.FreeFrom, f.FreeTo = a, b.AddDate(0, 0, 1)
		}
	}
	return f, p.Err()
}

func (s *Server) listFacilities(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	data := map[string]any{"Kinds": facility.Kinds, "AccessModes": facility.AccessModes, "Fields": ref.Fields,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "CanCreate": currentUser(r).IsManager() || currentUser(r).IsAdmin()}
	p := &Page{Title: s.T(r, "facility.list.title"), Data: data, Form: r.URL.Query()}
	f, err := facilityFilter(r)
	if err != nil {
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(err), tr.Error(err)
		data["Facilities"], data["Filter"] = []*facility.Facility{}, f
		s.render(w, r, "facilities/list", http.StatusUnprocessableEntity, p)
		return nil
	}
	fs, page, err := s.store.Facilities(r.Context(), f)
	if err != nil {
		return err
	}
	data["Facilities"], data["Page"], data["Filter"] = fs, page, f
	clearFlash(w, r)
	s.render(w, r, "facilities/list", http.StatusOK, p)
	return nil
}

// facilityFromForm reads the facility form; what cannot be read is
// recorded in p beside its field.
func facilityFromForm(r *http.Request, p *silkbridge.Problems) facilityInput {
	f := r.PostForm
	in := facilityInput{OwnerID: strings.TrimSpace(f.Get("owner_id")), Kind: f.Get("kind"), Names: map[string]string{}, Descriptions: map[string]string{},
		Fields: f["fields"], Country: f.Get("country"), Address: f.Get("address"), AccessModes: f["access_modes"], Eligibility: f.Get("eligibility"),
		Languages: splitList(f.Get("languages")), Prerequisites: f.Get("prerequisites"), TimeZone: f.Get("time_zone")}
	for _, l := range facility.Languages {
		in.Names[l], in.Descriptions[l] = f.Get("name_"+l), f.Get("description_"+l)
	}
	in.Latitude, in.Longitude = formFloat(p, "latitude", f.Get("latitude")), formFloat(p, "longitude", f.Get("longitude"))
	in.Instruments = facility.ParseInstruments(p, "instruments", f.Get("instruments"))
	in.OpeningHours = facility.ParseHours(p, "opening_hours", f.Get("opening_hours"))
	in.Closures = facility.ParseClosures(p, "closures", f.Get("closures"))
	in.CancelHours = formInt(p, "cancel_hours", f.Get("cancel_hours"), 48)
	in.Price = facility.Price{Unit: f.Get("price_unit"), Currency: f.Get("currency"), PolicyID: f.Get("policy_id")}
	if v := formFloat(p, "price", f.Get("price")); v != nil {
		in.Price.Amount = *v
	}
	in.Price.BRI, in.Price.Policy = formFloat(p, "price_bri", f.Get("price_bri")), formFloat(p, "price_policy", f.Get("price_policy"))
	return in
}

// formFloat reads a decimal number that may be left blank (nil).
func formFloat(p *silkbridge.Problems, field, value string) *float64 {
	value = strings.TrimSpace(strings.ReplaceAll(value, ",", "."))
	if value == "" {
		return nil
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		p.Add(field, "facility.error.number", "a number, such as 12.5", nil)
		return nil
	}
	return &v
}

func facilityForm(f *facility.Facility) map[string][]string {
	form := map[string][]string{"owner_id": {f.OwnerID}, "kind": {f.Kind}, "fields": f.Fields, "country": {f.Country}, "address": {f.Address},
		"access_modes": f.AccessModes, "eligibility": {f.Eligibility}, "languages": {strings.Join(f.Languages, ", ")},
		"prerequisites": {f.Prerequisites}, "time_zone": {f.TimeZone}, "instruments": {facility.FormatInstruments(f.Instruments)},
		"opening_hours": {facility.FormatHours(f.OpeningHours)}, "closures": {facility.FormatClosures(f.Closures)},
		"cancel_hours": {strconv.Itoa(f.CancelHours)}, "price_unit": {f.Price.Unit}, "price": {fmtFloat(&f.Price.Amount)},
		"currency": {f.Price.Currency}, "price_bri": {fmtFloat(f.Price.BRI)}, "policy_id": {f.Price.PolicyID}, "price_policy": {fmtFloat(f.Price.Policy)},
		"latitude": {fmtFloat(f.Latitude)}, "longitude": {fmtFloat(f.Longitude)}}
	for _, l := range facility.Languages {
		form["name_"+l], form["description_"+l] = []string{f.Names[l]}, []string{f.Descriptions[l]}
	}
	return form
}

func fmtFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func (s *Server) facilityFormData(r *http.Request, f *facility.Facility) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	owners, err := s.managedOrgs(r, currentUser(r))
	if err != nil {
		return nil, err
	}
	return map[string]any{"Owners": owners, "Kinds": facility.Kinds, "AccessModes": facility.AccessModes,
		"Eligibilities": facility.Eligibilities, "PriceUnits": facility.PriceUnits, "Languages": facility.Languages, "Fields": ref.Fields,
		"Facility": f}, nil
}

func (s *Server) newFacilityForm(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !u.IsAdmin() && len(u.Orgs) == 0 {
		return silkbridge.Forbidden()
	}
	data, err := s.facilityFormData(r, nil)
	if err != nil {
		return err
	}
	form := map[string][]string{"owner_id": {r.URL.Query().Get("owner")}, "eligibility": {facility.EligibleAnyone}, "price_unit": {"hour"},
		"access_modes": {"remote_service"}, "cancel_hours": {"48"}, "time_zone": {"UTC"}, "opening_hours": {"Mon-Fri 09:00-18:00"}, "instruments": {""}}
	s.render(w, r, "facilities/form", http.StatusOK, &Page{Title: s.T(r, "facility.new.title"), Data: data, Form: form})
	return nil
}

func (s *Server) facilityFormError(w http.ResponseWriter, r *http.Request, title string, f *facility.Facility, err error) error {
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
		return err
	}
	data, derr := s.facilityFormData(r, f)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "facilities/form", &Page{Title: title, Data: data}, err)
}

func (s *Server) createFacility(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var p silkbridge.Problems
	in := facilityFromForm(r, &p)
	if in.OwnerID == "" {
		p.Add("owner_id", "field.required", "this field is required", nil)
	} else if !u.Manages(in.OwnerID) {
		return silkbridge.Forbidden()
	}
	var f facility.Facility
	in.apply(&f)
	f.OwnerID = in.OwnerID
	if err := s.mergeFacilityProblems(r, &p, &f); err != nil {
		return s.facilityFormError(w, r, s.T(r, "facility.new.title"), nil, err)
	}
	if err := s.store.CreateFacility(r.Context(), store.Actor{UserID: u.ID}, &f); err != nil {
		return s.facilityFormError(w, r, s.T(r, "facility.new.title"), nil, err)
	}
	s.redirectFlash(w, r, "/facilities/"+f.ID, s.T(r, "facility.created"))
	return nil
}

// mergeFacilityProblems reports the values of the form that could not be
// read together with what validation says of the rest, so that every
// problem shows at once; nil when the form was read whole.
func (s *Server) mergeFacilityProblems(r *http.Request, p *silkbridge.Problems, f *facility.Facility) error {
	if p.Err() == nil {
		return nil
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	x := *f
	if x.Country == "" && x.OwnerID != "" {
		if o, err := s.store.Organisation(r.Context(), x.OwnerID); err == nil {
			x.Country = o.Country
		}
	}
	x.Normalise()
	return p.Merge(x.Validate(ref))
}

// ownFacility loads the facility of the path that the signed-in user may manage.
func (s *Server) ownFacility(r *http.Request) (*facility.Facility, *account.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, u, err
	}
	return f, u, mayManageFacility(u, f)
}

func (s *Server) editFacilityForm(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.ownFacility(r)
	if err != nil {
		return err
	}
	data, err := s.facilityFormData(r, f)
	if err != nil {
		return err
	}
	s.render(w, r, "facilities/form", http.StatusOK, &Page{Title: s.T(r, "facility.edit.title"), Data: data, Form: facilityForm(f)})
	return nil
}

func (s *Server) updateFacility(w http.ResponseWriter, r *http.Request) error {
	f, u, err := s.ownFacility(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var p silkbridge.Problems
	in := facilityFromForm(r, &p)
	x := *f
	in.apply(&x)
	if err := s.mergeFacilityProblems(r, &p, &x); err != nil {
		return s.facilityFormError(w, r, s.T(r, "facility.edit.title"), f, err)
	}
	if _, err := s.store.UpdateFacility(r.Context(), store.Actor{UserID: u.ID}, f.ID, func(x *facility.Facility) { in.apply(x) }); err != nil {
		return s.facilityFormError(w, r, s.T(r, "facility.edit.title"), f, err)
	}
	s.redirectFlash(w, r, "/facilities/"+f.ID, s.T(r, "facility.updated"))
	return nil
}

func (s *Server) showFacility(w http.ResponseWriter, r *http.Request) error {
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	clearFlash(w, r)
	return s.renderFacility(w, r, f, http.StatusOK, nil, "")
}

// facilityBookingView is a booking as the facility page shows it: with
// what the viewer may do to it.
type facilityBookingView struct {
	*facility.Booking
	CanDecide, CanCancel, CanAccept, CanRecord bool
}

// renderFacility shows the facility page; with err, the form named by
// which (request, or a booking id) shows its problems.
func (s *Server) renderFacility(w http.ResponseWriter, r *http.Request, f *facility.Facility, status int, err error, which string) error {
	ctx := r.Context()
	u := currentUser(r)
	canManage := mayManageFacility(u, f) == nil
	now := time.Now()
	upcoming, berr := s.store.Bookings(ctx, store.BookingFilter{FacilityID: f.ID, Statuses: []string{facility.Approved}, From: now.AddDate(0, 0, -1), Limit: 100})
	if berr != nil {
		return berr
	}
	var mine, pending []facilityBookingView
	if u != nil {
		all, err := s.store.Bookings(ctx, store.BookingFilter{FacilityID: f.ID, From: now.AddDate(-1, 0, 0), Limit: 500})
		if err != nil {
			return err
		}
		for _, b := range all {
			v := facilityBookingView{Booking: b, CanDecide: canManage && b.Status == facility.Requested,
				CanCancel: (b.BookerID == u.ID && f.CanCancel(b, now)) || (canManage && (b.Status == facility.Approved || b.Status == facility.Requested || b.Status == facility.Proposed) && now.Before(b.Start)),
				CanAccept: b.BookerID == u.ID && b.Status == facility.Proposed,
				CanRecord: b.BookerID == u.ID && b.Status == facility.Approved && !now.Before(b.End)}
			if b.BookerID == u.ID {
				mine = append(mine, v)
			} else if canManage {
				pending = append(pending, v)
			}
		}
	}
	var coops any
	if u != nil && len(u.Orgs) > 0 {
		var list []map[string]string
		for _, id := range u.Orgs {
			cs, err := s.store.CooperationsOfOrganisation(ctx, id)
			if err != nil {
				return err
			}
			for _, c := range cs {
				list = append(list, map[string]string{"ID": c.ID, "Title": c.Label()})
			}
		}
		coops = list
	}
	orgs, oerr := s.managedOrgs(r, u)
	if oerr != nil {
		return oerr
	}
	loc := f.Location()
	form := r.PostForm
	if err == nil || which != "request" {
		form = map[string][]string{"start": {now.In(loc).AddDate(0, 0, 7).Format(time.DateOnly)}, "end": {now.In(loc).AddDate(0, 0, 7).Format(time.DateOnly)}}
	}
	p := &Page{Title: f.Name(requestLanguage(r).Tag), Form: form, Data: map[string]any{"F": f, "CanManage": canManage, "Upcoming": upcoming,
		"Mine": mine, "Pending": pending, "Orgs": orgs, "Coops": coops, "Which": which, "Now": now,
		"Week": weekView(f, upcoming, now), "Closures": f.Closures}}
	if err != nil {
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(err), tr.Error(err)
		if len(p.Errors) > 0 && which != "request" {
			// A decision's refusal (a conflict) is said in full at the top.
			for _, m := range p.Errors {
				p.Error = m
			}
		}
		if status == http.StatusOK {
			status = http.StatusUnprocessableEntity
		}
	}
	s.render(w, r, "facilities/show", status, p)
	return nil
}

// calendarDay is one day of the facility's calendar view.
type calendarDay struct {
	Date   string
	Hours  string
	Closed string
	Booked []string
}

// weekView shows the next fourteen days of the facility's calendar in its
// time zone: opening hours, closures and approved bookings.
func weekView(f *facility.Facility, approved []*facility.Booking, now time.Time) []calendarDay {
	loc := f.Location()
	n := now.In(loc)
	d0 := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	var out []calendarDay
	for i := 0; i < 14; i++ {
		d := d0.AddDate(0, 0, i)
		e := d.AddDate(0, 0, 1)
		cd := calendarDay{Date: d.Format("2006-01-02 Mon")}
		if c, closed := f.ClosureDuring(d, e); closed {
			cd.Closed = c.Kind
		}
		for _, o := range f.OpenIntervals(d, e) {
			if cd.Hours != "" {
				cd.Hours += ", "
			}
			cd.Hours += o[0].In(loc).Format("15:04") + "–" + o[1].In(loc).Format("15:04")
		}
		for _, b := range approved {
			if b.Overlaps(d, e) {
				cd.Booked = append(cd.Booked, b.InstrumentName)
			}
		}
		out = append(out, cd)
	}
	return out
}

// bookingOf loads the booking of the path, refusing one of another facility.
func (s *Server) bookingOf(r *http.Request, f *facility.Facility) (*facility.Booking, error) {
	b, err := s.store.Booking(r.Context(), r.PathValue("bid"))
	if err == nil && b.FacilityID != f.ID {
		err = silkbridge.NotFound("booking")
	}
	return b, err
}

// bookerOrg checks the organisation a booker books for: one they act for.
func bookerOrg(u *account.User, orgID string) error {
	if orgID != "" && !u.Manages(orgID) {
		return silkbridge.Invalid("booker_org_id", "facility.error.booker_org", "choose an organisation you act for", nil)
	}
	return nil
}

func (s *Server) requestBooking(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	pf := r.PostForm
	var p silkbridge.Problems
	req := facility.Request{InstrumentID: pf.Get("instrument_id"), Start: pf.Get("start"), End: pf.Get("end"), Purpose: pf.Get("purpose"),
		CooperationID: pf.Get("cooperation_id"), People: splitList(pf.Get("people")), Samples: formInt(&p, "samples", pf.Get("samples"), 0)}
	orgID := strings.TrimSpace(pf.Get("booker_org_id"))
	err = bookerOrg(u, orgID)
	if err == nil {
		err = p.Err()
	}
	if err == nil {
		_, err = s.store.RequestBooking(r.Context(), store.Actor{UserID: u.ID}, f.ID, orgID, req, time.Now())
	}
	if err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		return s.renderFacility(w, r, f, http.StatusUnprocessableEntity, err, "request")
	}
	s.redirectFlash(w, r, "/facilities/"+f.ID+"#mine", s.T(r, "facility.booking.requested"))
	return nil
}

func (s *Server) decideBooking(w http.ResponseWriter, r *http.Request) error {
	f, u, err := s.ownFacility(r)
	if err != nil {
		return err
	}
	if _, err := s.bookingOf(r, f); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	pf := r.PostForm
	d := store.Decision{Action: pf.Get("action"), Reason: pf.Get("reason"), Start: pf.Get("proposed_start"), End: pf.Get("proposed_end")}
	if _, err := s.store.DecideBooking(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("bid"), d); err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		return s.renderFacility(w, r, f, http.StatusUnprocessableEntity, err, r.PathValue("bid"))
	}
	s.redirectFlash(w, r, "/facilities/"+f.ID+"#pending", s.T(r, "facility.booking.decided."+d.Action))
	return nil
}

// ownBooking loads the booking of the path when the signed-in user booked it.
func (s *Server) ownBooking(r *http.Request) (*facility.Facility, *facility.Booking, *account.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, u, err
	}
	b, err := s.bookingOf(r, f)
	if err != nil {
		return nil, nil, u, err
	}
	if b.BookerID != u.ID {
		return f, b, u, silkbridge.Forbidden()
	}
	return f, b, u, nil
}

func (s *Server) acceptProposal(w http.ResponseWriter, r *http.Request) error {
	f, b, u, err := s.ownBooking(r)
	if err != nil {
		return err
	}
	if _, err := s.store.AcceptProposal(r.Context(), store.Actor{UserID: u.ID}, b.ID); err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		return s.renderFacility(w, r, f, http.StatusUnprocessableEntity, err, b.ID)
	}
	s.redirectFlash(w, r, "/facilities/"+f.ID+"#mine", s.T(r, "facility.booking.decided.approve"))
	return nil
}

func (s *Server) cancelBooking(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := s.bookingOf(r, f)
	if err != nil {
		return err
	}
	byManager := mayManageFacility(u, f) == nil
	if b.BookerID != u.ID && !byManager {
		return silkbridge.Forbidden()
	}
	if err := parseForm(r); err != nil {
		return err
	}
	// The booker cancels as the booker, under the notice rule, even when
	// they also manage the facility.
	if _, err := s.store.CancelBooking(r.Context(), store.Actor{UserID: u.ID}, b.ID, byManager && b.BookerID != u.ID, r.PostForm.Get("reason"), time.Now()); err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		return s.renderFacility(w, r, f, http.StatusUnprocessableEntity, err, b.ID)
	}
	s.redirectFlash(w, r, "/facilities/"+f.ID, s.T(r, "facility.booking.cancelled"))
	return nil
}

func (s *Server) recordOutcome(w http.ResponseWriter, r *http.Request) error {
	f, b, u, err := s.ownBooking(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var p silkbridge.Problems
	o := facility.Outcome{Samples: formInt(&p, "samples", r.PostForm.Get("samples"), 0), Data: r.PostForm.Get("data"), Lesson: r.PostForm.Get("lesson")}
	err = p.Err()
	if err == nil {
		_, err = s.store.RecordOutcome(r.Context(), store.Actor{UserID: u.ID}, b.ID, o, time.Now())
	}
	if err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		return s.renderFacility(w, r, f, http.StatusUnprocessableEntity, err, b.ID)
	}
	to := "/facilities/" + f.ID + "#mine"
	if b.CooperationID != "" {
		to = "/cooperations/" + b.CooperationID + "#facility-use"
	}
	s.redirectFlash(w, r, to, s.T(r, "facility.outcome.recorded"))
	return nil
}

// bookingEvent is a booking as a calendar event; details only for those
// who may see them (the booker and the facility's managers).
func (s *Server) bookingEvent(r *http.Request, f *facility.Facility, b *facility.Booking, details bool) icalEvent {
	status := "TENTATIVE"
	switch b.Status {
	case facility.Approved:
		status = "CONFIRMED"
	case facility.Cancelled, facility.Refused:
		status = "CANCELLED"
	}
	lang := requestLanguage(r).Tag
	ev := icalEvent{UID: b.ID + "@silkbridge", Stamp: b.UpdatedAt, Start: b.Start, End: b.End, Zone: f.Location(),
		Summary: f.Name(lang) + " — " + b.InstrumentName, Location: f.Address, URL: s.eventURL("/facilities/" + f.ID), Status: status}
	if ev.Location == "" {
		ev.Location = f.OwnerName
	}
	if details {
		ev.Description = strings.TrimSpace(b.Purpose + "\n" + strings.Join(b.People, ", "))
	}
	return ev
}

func (s *Server) bookingCalendar(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := s.bookingOf(r, f)
	if err != nil {
		return err
	}
	if b.BookerID != u.ID && mayManageFacility(u, f) != nil {
		return silkbridge.NotFound("booking")
	}
	cal := &icalCalendar{Name: f.Name(requestLanguage(r).Tag), Events: []icalEvent{s.bookingEvent(r, f, b, true)}}
	s.writeCalendar(w, "booking-"+b.ID+".ics", cal)
	return nil
}

// facilityCalendar is the feed of a facility's approved bookings from a
// month ago on: times and instruments for everyone, details for managers.
func (s *Server) facilityCalendar(w http.ResponseWriter, r *http.Request) error {
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	bs, err := s.store.Bookings(r.Context(), store.BookingFilter{FacilityID: f.ID, Statuses: []string{facility.Approved}, From: time.Now().AddDate(0, -1, 0)})
	if err != nil {
		return err
	}
	details := mayManageFacility(currentUser(r), f) == nil
	cal := &icalCalendar{Name: f.Name(requestLanguage(r).Tag)}
	for _, b := range bs {
		cal.Events = append(cal.Events, s.bookingEvent(r, f, b, details))
	}
	s.writeCalendar(w, "facility-"+f.ID+".ics", cal)
	return nil
}

func (s *Server) apiListFacilities(w http.ResponseWriter, r *http.Request) error {
	f, err := facilityFilter(r)
	if err != nil {
		return err
	}
	fs, page, err := s.store.Facilities(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]facility.Facility, len(fs))
	for i, x := range fs {
		items[i] = *x
	}
	writeJSON(w, http.StatusOK, List[facility.Facility]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetFacility(w http.ResponseWriter, r *http.Request) error {
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	bs, err := s.store.Bookings(r.Context(), store.BookingFilter{FacilityID: f.ID, Statuses: []string{facility.Approved}, From: time.Now()})
	if err != nil {
		return err
	}
	d := facilityDetail{Facility: *f, Booked: []bookedSpan{}}
	for _, b := range bs {
		d.Booked = append(d.Booked, bookedSpan{InstrumentID: b.InstrumentID, Start: b.Start, End: b.End})
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiCreateFacility(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	var in facilityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.OwnerID = strings.TrimSpace(in.OwnerID)
	if in.OwnerID == "" {
		return silkbridge.Invalid("owner_id", "field.required", "this field is required", nil)
	}
	if !u.Manages(in.OwnerID) {
		return silkbridge.Forbidden()
	}
	var f facility.Facility
	in.apply(&f)
	f.OwnerID = in.OwnerID
	if err := s.store.CreateFacility(r.Context(), store.Actor{UserID: u.ID}, &f); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/facilities/"+f.ID)
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) apiUpdateFacility(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	f, u, err := s.ownFacility(r)
	if err != nil {
		return err
	}
	var in facilityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.store.UpdateFacility(r.Context(), store.Actor{UserID: u.ID}, f.ID, func(x *facility.Facility) { in.apply(x) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiRequestBooking(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	f, err := s.store.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	var in bookingInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := bookerOrg(u, strings.TrimSpace(in.BookerOrgID)); err != nil {
		return err
	}
	b, err := s.store.RequestBooking(r.Context(), store.Actor{UserID: u.ID}, f.ID, strings.TrimSpace(in.BookerOrgID), facility.Request{
		InstrumentID: in.InstrumentID, Start: in.Start, End: in.End, Samples: in.Samples, Purpose: in.Purpose,
		CooperationID: in.CooperationID, People: in.People}, time.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) apiDecideBooking(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	f, u, err := s.ownFacility(r)
	if err != nil {
		return err
	}
	if _, err := s.bookingOf(r, f); err != nil {
		return err
	}
	var in decisionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	b, err := s.store.DecideBooking(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("bid"), store.Decision{Action: in.Action, Reason: in.Reason, Start: in.Start, End: in.End})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
