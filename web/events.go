package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

func init() {
	routeSets = append(routeSets, (*Server).eventRoutes)
	addNav(NavItem{Order: 50, Path: "/events", Label: "nav.events"})
	personalDataExporters = append(personalDataExporters, exportEvents)
}

func (s *Server) eventRoutes() {
	s.handle("GET /events", s.listEvents)
	s.handle("GET /events/new", s.newEventForm)
	s.handle("POST /events", s.createEvent)
	s.handle("GET /events/mine", s.myEvents)
	s.handle("GET /events/{id}", s.showEvent)
	s.handle("GET /events/{id}/edit", s.editEventForm)
	s.handle("POST /events/{id}", s.updateEvent)
	s.handle("POST /events/{id}/delete", s.deleteEvent)
	s.handle("POST /events/{id}/register", s.registerForEvent)
	s.handle("POST /events/{id}/cancel", s.cancelRegistration)
	s.handle("GET /events/{id}/participants", s.eventParticipants)
	s.handle("GET /events/{id}/event.ics", s.eventCalendar)

	s.handleAPI("GET /api/v1/events", Op{Summary: "List and search events", Tag: "events", Response: List[event.Event]{},
		Query: map[string]string{"q": "free-text search (any of the six UN languages)", "kind": "event kind", "field": "FORD field code",
			"country": "ISO 3166-1 alpha-2 code of the place", "when": "upcoming or past", "host": "id of a host organisation",
			"page": "page number", "per_page": "items per page (at most 100)"}}, s.apiListEvents)
	s.handleAPI("POST /api/v1/events", Op{Summary: "Create an event (managers of a host organisation, or agency officers)", Tag: "events",
		Request: eventInput{}, Response: event.Event{}, Auth: true, Status: http.StatusCreated}, s.apiCreateEvent)
	s.handleAPI("GET /api/v1/events/{id}", Op{Summary: "One event", Tag: "events", Response: event.Event{}}, s.apiGetEvent)
	s.handleAPI("PUT /api/v1/events/{id}", Op{Summary: "Replace an event's record (its organisers)", Tag: "events",
		Request: eventInput{}, Response: event.Event{}, Auth: true}, s.apiUpdateEvent)
	s.handleAPI("DELETE /api/v1/events/{id}", Op{Summary: "Delete an event (its organisers)", Tag: "events", Auth: true, Status: http.StatusNoContent}, s.apiDeleteEvent)
	s.handleAPI("GET /api/v1/events/{id}/registration", Op{Summary: "Your registration for the event", Tag: "events",
		Response: event.Registration{}, Auth: true}, s.apiMyRegistration)
	s.handleAPI("POST /api/v1/events/{id}/registration", Op{Summary: "Register for the event (or join its waiting line when it is full)", Tag: "events",
		Response: event.Registration{}, Auth: true, Status: http.StatusCreated}, s.apiRegister)
	s.handleAPI("DELETE /api/v1/events/{id}/registration", Op{Summary: "Cancel your registration; the first in line takes the place", Tag: "events",
		Auth: true, Status: http.StatusNoContent}, s.apiCancelRegistration)
	s.handleAPI("GET /api/v1/events/{id}/participants", Op{Summary: "The participants (for participants and organisers) and the waiting line (organisers)", Tag: "events",
		Response: participantList{}, Auth: true}, s.apiParticipants)
	s.handleAPI("GET /api/v1/me/events", Op{Summary: "The events you take part in, wait for, or organise", Tag: "events",
		Response: []store.Attendance{}, Auth: true}, s.apiMyEvents)
}

// eventInput is the body of the API's create and update calls and what
// the event form holds. Start and end are local times in the time zone
// (2026-05-12T09:30) or RFC 3339 times with an offset.
type eventInput struct {
	Title       string   `json:"title"`
	Kind        string   `json:"kind"`
	Description string   `json:"description"`
	HostIDs     []string `json:"host_ids"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	TimeZone    string   `json:"time_zone"`
	Place       string   `json:"place"`
	Country     string   `json:"country"`
	OnlineURL   string   `json:"online_url"`
	Fields      []string `json:"fields"`
	Languages   []string `json:"languages"`
	Capacity    int      `json:"capacity"`
}

// apply copies the input to e, recording times that cannot be read in p.
func (in eventInput) apply(e *event.Event, p *silkbridge.Problems) {
	e.Title, e.Kind, e.Description, e.TimeZone = in.Title, in.Kind, in.Description, in.TimeZone
	e.Place, e.Country, e.OnlineURL = in.Place, in.Country, in.OnlineURL
	e.Fields, e.Languages, e.Capacity = in.Fields, in.Languages, in.Capacity
	e.Hosts = make([]event.Host, 0, len(in.HostIDs))
	for _, id := range in.HostIDs {
		e.Hosts = append(e.Hosts, event.Host{OrgID: strings.TrimSpace(id)})
	}
	e.Start = readTime(p, "start", in.Start, in.TimeZone)
	e.End = readTime(p, "end", in.End, in.TimeZone)
}

// readTime reads a local or RFC 3339 time; a blank value is left for
// validation to call required.
func readTime(p *silkbridge.Problems, field, value, zone string) time.Time {
	if strings.TrimSpace(value) == "" {
		return time.Time{}
	}
	t, ok := event.ParseTime(value, zone)
	if !ok {
		p.Add(field, "event.field.datetime", "a date and time such as 2026-05-12T09:30", map[string]any{"Value": value})
	}
	return t
}

// formInt reads a whole number typed in a form; blank is zero.
func formInt(p *silkbridge.Problems, field, value string) int {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		p.Add(field, "field.integer", "a whole number", nil)
	}
	return n
}

func eventFromForm(r *http.Request, p *silkbridge.Problems) eventInput {
	f := r.PostForm
	hosts := append(slices.Clone(f["hosts"]), splitList(f.Get("host_ids"))...)
	return eventInput{Title: f.Get("title"), Kind: f.Get("kind"), Description: f.Get("description"), HostIDs: hosts,
		Start: f.Get("start"), End: f.Get("end"), TimeZone: f.Get("time_zone"), Place: f.Get("place"), Country: f.Get("country"),
		OnlineURL: f.Get("online_url"), Fields: f["fields"], Languages: f["languages"], Capacity: formInt(p, "capacity", f.Get("capacity"))}
}

// eventForm fills the event form from a stored event, for editing.
func eventForm(e *event.Event) url.Values {
	capacity := ""
	if e.Capacity > 0 {
		capacity = strconv.Itoa(e.Capacity)
	}
	return url.Values{"title": {e.Title}, "kind": {e.Kind}, "description": {e.Description}, "hosts": e.HostIDs(),
		"start": {e.LocalStart().Format(event.LocalLayout)}, "end": {e.LocalEnd().Format(event.LocalLayout)}, "time_zone": {e.TimeZone},
		"place": {e.Place}, "country": {e.Country}, "online_url": {e.OnlineURL}, "fields": e.Fields, "languages": e.Languages,
		"capacity": {capacity}}
}

// withReadProblems reports the problems found while reading input (a form
// value that is not a number, a time that is not a time) together with
// those that validating the record finds, so that all are shown at once.
// It returns nil when reading found none.
func withReadProblems(read *silkbridge.Problems, validate func() error) error {
	err := read.Err()
	if err == nil {
		return nil
	}
	e := read.Invalid()
	if v, ok := errors.AsType[*silkbridge.Error](validate()); ok && v.Code == silkbridge.EINVALID {
		for _, f := range v.Fields {
			if !read.Has(f.Field) {
				e.Fields = append(e.Fields, f)
			}
		}
	}
	return e
}

// canOrganise reports whether the user organises the event: its creator,
// a manager of one of its hosts, or an admin.
func canOrganise(u *account.User, e *event.Event) bool {
	if u == nil {
		return false
	}
	if u.IsAdmin() || (e.CreatedBy != "" && e.CreatedBy == u.ID) {
		return true
	}
	for _, h := range e.Hosts {
		if u.Manages(h.OrgID) {
			return true
		}
	}
	return false
}

// mayCreateEvents reports whether the user may create events at all: an
// agency officer, or the manager of an organisation.
func mayCreateEvents(u *account.User) bool { return u.IsOfficer() || u.IsManager() }

// checkHosts refuses a host list by which a manager would host an event
// for organisations they do not manage; agency officers may name any host.
// An empty list is left for validation to refuse.
func checkHosts(u *account.User, hostIDs []string) error {
	named := false
	for _, id := range hostIDs {
		id = strings.TrimSpace(id)
		if u.Manages(id) {
			return nil
		}
		named = named || id != ""
	}
	if u.IsOfficer() || !named {
		return nil
	}
	return silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.hosts_not_managed", "you can host events only for an organisation you manage")
}

// saveEvent creates (when id is empty) or updates an event from input.
func (s *Server) saveEvent(ctx context.Context, u *account.User, id string, in eventInput, read *silkbridge.Problems) (*event.Event, error) {
	if err := checkHosts(u, in.HostIDs); err != nil {
		return nil, err
	}
	var e event.Event
	in.apply(&e, read)
	ref, err := s.store.Reference(ctx)
	if err != nil {
		return nil, err
	}
	if err := withReadProblems(read, func() error { e.Normalise(); return e.Validate(ref) }); err != nil {
		return nil, err
	}
	actor := store.Actor{UserID: u.ID}
	if id == "" {
		return &e, s.store.CreateEvent(ctx, actor, &e)
	}
	return s.store.UpdateEvent(ctx, actor, id, func(x *event.Event) {
		in.apply(x, &silkbridge.Problems{})
	})
}

// loadEvent returns the event named in the path.
func (s *Server) loadEvent(r *http.Request) (*event.Event, error) {
	id := r.PathValue("id")
	if !silkbridge.ValidID(id) {
		return nil, silkbridge.NotFound("event")
	}
	return s.store.Event(r.Context(), id)
}

// organisedEvent returns the event named in the path, which the signed-in
// user must organise.
func (s *Server) organisedEvent(r *http.Request) (*event.Event, *account.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.loadEvent(r)
	if err != nil {
		return nil, nil, err
	}
	if !canOrganise(u, e) {
		return nil, nil, silkbridge.Forbidden()
	}
	return e, u, nil
}

// seesParticipants reports whether the user may see who takes part:
// organisers and the participants themselves.
func (s *Server) seesParticipants(ctx context.Context, u *account.User, e *event.Event) (bool, error) {
	if u == nil {
		return false, nil
	}
	if canOrganise(u, e) {
		return true, nil
	}
	return s.store.IsParticipant(ctx, e.ID, u.ID)
}

func eventFilter(r *http.Request) (event.Filter, error) {
	q := r.URL.Query()
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return event.Filter{}, err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return event.Filter{}, err
	}
	f := event.Filter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Field: q.Get("field"),
		Country: strings.ToUpper(q.Get("country")), When: q.Get("when"), HostID: q.Get("host"), Page: page, PerPage: per}
	if f.When != "" && f.When != event.Upcoming && f.When != event.Past && f.When != "all" {
		return f, silkbridge.Invalid("when", "field.choice", "not one of the choices", map[string]any{"Value": f.When})
	}
	if f.When == "all" {
		f.When = ""
	}
	return f, nil
}

// langOption is a language offered in the event form.
type langOption struct{ Code, Name string }

func languageOptions() []langOption {
	codes := []string{"en", "zh", "ru", "ar", "fr", "es"}
	var rest []string
	for _, l := range []string{"de", "it", "pt", "tr", "fa", "ur", "hi", "bn", "id", "ms", "th", "vi", "kk", "uz", "ky", "tg", "tk",
		"mn", "sr", "hu", "pl", "cs", "el", "sw", "ja", "ko", "uk", "az", "ka", "hy"} {
		rest = append(rest, l)
	}
	slices.Sort(rest)
	out := []langOption{}
	for _, c := range append(codes, rest...) {
		out = append(out, langOption{Code: c, Name: event.LanguageName(c)})
	}
	return out
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	f, err := eventFilter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !r.URL.Query().Has("when") {
		f.When = event.Upcoming
	}
	events, page, err := s.store.Events(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	when := f.When
	if when == "" {
		when = "all"
	}
	clearFlash(w, r)
	s.render(w, r, "events/list", http.StatusOK, &Page{Title: s.T(r, "event.list.title"), Data: map[string]any{
		"Events": events, "Page": page, "Filter": f, "When": when, "Kinds": event.Kinds,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields,
		"CanCreate": mayCreateEvents(currentUser(r)),
	}})
}

// hostOptions lists the organisations the user may choose as hosts: those
// they manage and the current hosts, and for agency officers the agencies
// and parks as well.
func (s *Server) hostOptions(ctx context.Context, u *account.User, current []event.Host) ([]*organisation.Organisation, error) {
	seen := map[string]bool{}
	var out []*organisation.Organisation
	add := func(o *organisation.Organisation) {
		if !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, o)
		}
	}
	ids := append([]string(nil), u.Orgs...)
	for _, h := range current {
		ids = append(ids, h.OrgID)
	}
	for _, id := range ids {
		o, err := s.store.Organisation(ctx, id)
		if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		add(o)
	}
	if u.IsOfficer() {
		for _, kind := range []string{organisation.GovernmentAgency, organisation.Park} {
			orgs, _, err := s.store.Organisations(ctx, organisation.Filter{Kind: kind, PerPage: 100})
			if err != nil {
				return nil, err
			}
			for _, o := range orgs {
				add(o)
			}
		}
	}
	return out, nil
}

func (s *Server) eventFormData(r *http.Request, u *account.User, e *event.Event) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	hosts, err := s.hostOptions(r.Context(), u, e.Hosts)
	if err != nil {
		return nil, err
	}
	zones := slices.Clone(event.Zones)
	if e.TimeZone != "" && !slices.Contains(zones, e.TimeZone) {
		zones = append(zones, e.TimeZone)
	}
	return map[string]any{"Event": e, "Kinds": event.Kinds, "Hosts": hosts, "Zones": zones, "Languages": languageOptions(),
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields, "Officer": u.IsOfficer()}, nil
}

// eventFormError shows the event form again with the problems of err.
func (s *Server) eventFormError(w http.ResponseWriter, r *http.Request, u *account.User, e *event.Event, title string, err error) {
	data, derr := s.eventFormData(r, u, e)
	if derr != nil {
		s.renderError(w, r, derr)
		return
	}
	s.formError(w, r, "events/form", &Page{Title: title, Data: data}, err)
}

func (s *Server) newEventForm(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !mayCreateEvents(u) {
		s.renderError(w, r, silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.create_forbidden", "events are created by organisation managers and agency officers"))
		return
	}
	e := &event.Event{}
	data, err := s.eventFormData(r, u, e)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := url.Values{"time_zone": {"UTC"}, "languages": {"en"}}
	if len(u.Orgs) == 1 {
		form["hosts"] = u.Orgs
	}
	s.render(w, r, "events/form", http.StatusOK, &Page{Title: s.T(r, "event.new.title"), Data: data, Form: form})
}

func (s *Server) createEvent(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !mayCreateEvents(u) {
		s.renderError(w, r, silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.create_forbidden", "events are created by organisation managers and agency officers"))
		return
	}
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	var read silkbridge.Problems
	in := eventFromForm(r, &read)
	e, err := s.saveEvent(r.Context(), u, "", in, &read)
	if err != nil {
		s.eventFormError(w, r, u, &event.Event{}, s.T(r, "event.new.title"), err)
		return
	}
	s.redirectFlash(w, r, "/events/"+e.ID, s.T(r, "event.created"))
}

// eventPage is what the event page shows.
type eventPage struct {
	Event        *event.Event
	Ended        bool
	Registration *event.Registration
	CanOrganise  bool
	// SeesParticipants: the viewer takes part or organises.
	SeesParticipants bool
	IsParticipant    bool
	Participants     []event.Registration
	Languages        []langOption
	// Conversions counts the cooperations started from this event.
	Conversions  int
	Cooperations []*cooperation.Cooperation
	Lessons      []*lesson.Lesson
	// AskLesson: the event is over and the viewer took part but has not
	// yet said what they learned.
	AskLesson bool
	// Detours are lessons of the event's fields.
	Detours Detours
}

func (s *Server) showEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, err := s.loadEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	u := currentUser(r)
	p := eventPage{Event: e, Ended: e.Ended(time.Now()), CanOrganise: canOrganise(u, e)}
	for _, l := range e.Languages {
		p.Languages = append(p.Languages, langOption{Code: l, Name: event.LanguageName(l)})
	}
	if u != nil {
		switch reg, err := s.store.Registration(ctx, e.ID, u.ID); {
		case err == nil && reg.Status != event.Cancelled:
			p.Registration = reg
			p.IsParticipant = reg.Status == event.Registered
		case err != nil && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
			s.renderError(w, r, err)
			return
		}
	}
	p.SeesParticipants = p.CanOrganise || p.IsParticipant
	if p.SeesParticipants {
		if p.Participants, err = s.store.Registrations(ctx, e.ID, event.Registered); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	coops, cpage, err := s.store.Cooperations(ctx, cooperation.Filter{SourceKind: cooperation.SourceEvent, SourceRef: e.ID, PerPage: 5})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Conversions, p.Cooperations = cpage.Total, coops
	if p.Lessons, _, err = s.store.Lessons(ctx, lesson.Filter{SourceKind: lesson.SourceEvent, SourceRef: e.ID, PerPage: 5}); err != nil {
		s.renderError(w, r, err)
		return
	}
	if p.Ended && p.IsParticipant {
		mine, _, err := s.store.Lessons(ctx, lesson.Filter{SourceKind: lesson.SourceEvent, SourceRef: e.ID, AuthorID: u.ID, PerPage: 1})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		p.AskLesson = len(mine) == 0
	}
	p.Detours = s.detoursFor(ctx, e.Fields, 3)
	clearFlash(w, r)
	s.render(w, r, "events/show", http.StatusOK, &Page{Title: e.Title, Data: p})
}

func (s *Server) editEventForm(w http.ResponseWriter, r *http.Request) {
	e, u, err := s.organisedEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data, err := s.eventFormData(r, u, e)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "events/form", http.StatusOK, &Page{Title: s.T(r, "event.edit.title", "Title", e.Title), Data: data, Form: eventForm(e)})
}

func (s *Server) updateEvent(w http.ResponseWriter, r *http.Request) {
	e, u, err := s.organisedEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	var read silkbridge.Problems
	in := eventFromForm(r, &read)
	if _, err := s.saveEvent(r.Context(), u, e.ID, in, &read); err != nil {
		s.eventFormError(w, r, u, e, s.T(r, "event.edit.title", "Title", e.Title), err)
		return
	}
	s.redirectFlash(w, r, "/events/"+e.ID, s.T(r, "saved"))
}

func (s *Server) deleteEvent(w http.ResponseWriter, r *http.Request) {
	e, u, err := s.organisedEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.store.DeleteEvent(r.Context(), store.Actor{UserID: u.ID}, e.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/events", s.T(r, "deleted"))
}

func (s *Server) registerForEvent(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	e, err := s.loadEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reg, err := s.store.Register(r.Context(), store.Actor{UserID: u.ID}, e.ID, u.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	msg := s.T(r, "event.registered")
	if reg.Status == event.Waiting {
		msg = s.T(r, "event.waiting", "Position", reg.Position)
	}
	s.redirectFlash(w, r, "/events/"+e.ID, msg)
}

func (s *Server) cancelRegistration(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	e, err := s.loadEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.store.CancelRegistration(r.Context(), store.Actor{UserID: u.ID}, e.ID, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/events/"+e.ID, s.T(r, "event.cancelled"))
}

// participantList is who takes part, and for organisers who waits.
type participantList struct {
	Participants []event.Registration `json:"participants"`
	Waiting      []event.Registration `json:"waiting,omitempty"`
}

// participants returns who takes part in the event, for those who may
// see it.
func (s *Server) participants(r *http.Request) (*event.Event, participantList, error) {
	var list participantList
	u, err := signedIn(r)
	if err != nil {
		return nil, list, err
	}
	e, err := s.loadEvent(r)
	if err != nil {
		return nil, list, err
	}
	ok, err := s.seesParticipants(r.Context(), u, e)
	if err != nil {
		return nil, list, err
	}
	if !ok {
		return nil, list, silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.participants_only", "only registered participants can do this")
	}
	if list.Participants, err = s.store.Registrations(r.Context(), e.ID, event.Registered); err != nil {
		return nil, list, err
	}
	if canOrganise(u, e) {
		if list.Waiting, err = s.store.Registrations(r.Context(), e.ID, event.Waiting); err != nil {
			return nil, list, err
		}
	}
	return e, list, nil
}

func (s *Server) eventParticipants(w http.ResponseWriter, r *http.Request) {
	e, list, err := s.participants(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "events/participants", http.StatusOK, &Page{Title: s.T(r, "event.participants.title", "Title", e.Title),
		Data: map[string]any{"Event": e, "List": list, "CanOrganise": canOrganise(currentUser(r), e)}})
}

// eventURL is the absolute address of a page of the site when the public
// address is configured, else the path.
func (s *Server) eventURL(path string) string {
	if s.cfg.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(s.cfg.BaseURL, "/") + path
}

func (s *Server) eventCalendar(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadEvent(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	location := e.Place
	if e.Country != "" {
		if ref, err := s.store.Reference(r.Context()); err == nil {
			if c, ok := ref.Country(e.Country); ok && location != "" {
				location += ", " + c.Name(requestLanguage(r).Tag)
			}
		}
	}
	if location == "" {
		location = e.OnlineURL
	}
	desc := e.Description
	if e.OnlineURL != "" && e.Place != "" {
		desc = strings.TrimSpace(desc + "\n\n" + e.OnlineURL)
	}
	cal := &icalCalendar{Name: e.Title, Events: []icalEvent{{
		UID: e.ID + "@silkbridge", Stamp: e.UpdatedAt, Start: e.Start, End: e.End, Zone: e.Location(),
		Summary: e.Title, Description: desc, Location: location, URL: s.eventURL("/events/" + e.ID), Status: "CONFIRMED",
	}}}
	s.writeCalendar(w, "event-"+e.ID+".ics", cal)
}

// mineBlock is the /events/mine page.
type mineBlock struct {
	Upcoming []store.Attendance
	Past     []store.Attendance
	// Ask lists ended events whose participant has not yet said what they learned.
	Ask []*event.Event
}

func (s *Server) myEvents(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	all, err := s.store.UserEvents(r.Context(), u.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var b mineBlock
	now := time.Now()
	for _, a := range all {
		if a.Event.Ended(now) {
			b.Past = append(b.Past, a)
		} else {
			b.Upcoming = append(b.Upcoming, a)
		}
	}
	slices.Reverse(b.Upcoming) // soonest first
	if b.Ask, err = s.store.LessonPrompts(r.Context(), u.ID, 5); err != nil {
		s.renderError(w, r, err)
		return
	}
	clearFlash(w, r)
	s.render(w, r, "events/mine", http.StatusOK, &Page{Title: s.T(r, "event.mine.title"), Data: b})
}

func (s *Server) apiListEvents(w http.ResponseWriter, r *http.Request) {
	f, err := eventFilter(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	events, page, err := s.store.Events(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]event.Event, len(events))
	for i, e := range events {
		items[i] = *e
	}
	writeJSON(w, http.StatusOK, List[event.Event]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
}

func (s *Server) apiGetEvent(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadEvent(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiCreateEvent(w http.ResponseWriter, r *http.Request) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	u := currentUser(r)
	if !mayCreateEvents(u) {
		s.apiError(w, r, silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.create_forbidden", "events are created by organisation managers and agency officers"))
		return
	}
	var in eventInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.saveEvent(r.Context(), u, "", in, &silkbridge.Problems{})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/events/"+e.ID)
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) apiUpdateEvent(w http.ResponseWriter, r *http.Request) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	e, u, err := s.organisedEvent(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in eventInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	after, err := s.saveEvent(r.Context(), u, e.ID, in, &silkbridge.Problems{})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, after)
}

func (s *Server) apiDeleteEvent(w http.ResponseWriter, r *http.Request) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	e, u, err := s.organisedEvent(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.store.DeleteEvent(r.Context(), store.Actor{UserID: u.ID}, e.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMyRegistration(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.loadEvent(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	reg, err := s.store.Registration(r.Context(), e.ID, u.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reg)
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	u := currentUser(r)
	e, err := s.loadEvent(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	reg, err := s.store.Register(r.Context(), store.Actor{UserID: u.ID}, e.ID, u.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, reg)
}

func (s *Server) apiCancelRegistration(w http.ResponseWriter, r *http.Request) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	u := currentUser(r)
	e, err := s.loadEvent(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.store.CancelRegistration(r.Context(), store.Actor{UserID: u.ID}, e.ID, u.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiParticipants(w http.ResponseWriter, r *http.Request) {
	_, list, err := s.participants(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) apiMyEvents(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.store.UserEvents(r.Context(), u.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// exportEvents adds what the events hold of a member to their download.
func exportEvents(ctx context.Context, st *store.Store, userID string) (string, any, error) {
	d, err := st.EventDataOf(ctx, userID)
	return "events", d, err
}
