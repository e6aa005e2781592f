package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
)

// Brokerage events: participants publish a short profile, browse the
// others and ask for 1:1 meetings; the other side accepts or declines.
// Participants mark the slots they can meet in, the organiser sets the
// tables of each slot and runs the scheduler, and everyone gets a personal
// agenda (also as an iCalendar file).

func (s *Server) brokerageRoutes() {
	s.page("GET /events/{id}/profiles", s.browseProfiles)
	s.page("GET /events/{id}/profile", s.brokerageProfileForm)
	s.page("POST /events/{id}/profile", s.saveBrokerageProfile)
	s.page("GET /events/{id}/meetings", s.myMeetingRequests)
	s.page("POST /events/{id}/requests", s.requestMeeting)
	s.page("POST /events/{id}/requests/{rid}/accept", s.acceptMeeting)
	s.page("POST /events/{id}/requests/{rid}/decline", s.declineMeeting)
	s.page("GET /events/{id}/availability", s.availabilityForm)
	s.page("POST /events/{id}/availability", s.saveAvailability)
	s.page("GET /events/{id}/slots", s.slotsPage)
	s.page("POST /events/{id}/slots", s.addSlot)
	s.page("POST /events/{id}/slots/tables", s.setTables)
	s.page("POST /events/{id}/slots/{sid}/delete", s.deleteSlot)
	s.page("GET /events/{id}/schedule", s.schedulePage)
	s.page("POST /events/{id}/schedule", s.runSchedule)
	s.page("GET /events/{id}/agenda", s.agendaPage)
	s.page("GET /events/{id}/agenda.ics", s.agendaCalendar)

	s.handleAPI("GET /api/v1/events/{id}/profiles", Op{Summary: "Browse the participants' profiles (participants and organisers)", Tag: "brokerage",
		Response: []event.Profile{}, Query: map[string]string{"q": "free-text search", "field": "FORD field code"}, Auth: true}, s.apiProfiles)
	s.handleAPI("GET /api/v1/events/{id}/profile", Op{Summary: "Your brokerage profile at the event", Tag: "brokerage",
		Response: event.Profile{}, Auth: true}, s.apiMyBrokerageProfile)
	s.handleAPI("PUT /api/v1/events/{id}/profile", Op{Summary: "Publish or replace your brokerage profile (registered participants)", Tag: "brokerage",
		Request: brokerageProfileInput{}, Response: event.Profile{}, Auth: true}, s.apiSaveBrokerageProfile)
	s.handleAPI("GET /api/v1/events/{id}/requests", Op{Summary: "Meeting requests you made or received (organisers: all=true for every request)", Tag: "brokerage",
		Response: []event.MeetingRequest{}, Query: map[string]string{"all": "true: every request of the event (organisers)"}, Auth: true}, s.apiMeetingRequests)
	s.handleAPI("POST /api/v1/events/{id}/requests", Op{Summary: "Ask a participant for a 1:1 meeting", Tag: "brokerage",
		Request: meetingRequestInput{}, Response: event.MeetingRequest{}, Auth: true, Status: http.StatusCreated}, s.apiRequestMeeting)
	s.handleAPI("POST /api/v1/events/{id}/requests/{rid}/answer", Op{Summary: "Accept or decline a meeting request made to you", Tag: "brokerage",
		Request: meetingAnswerInput{}, Response: event.MeetingRequest{}, Auth: true}, s.apiAnswerMeeting)
	s.handleAPI("GET /api/v1/events/{id}/slots", Op{Summary: "The meeting slots of a brokerage event, in time order", Tag: "brokerage",
		Response: []event.Slot{}}, s.apiSlots)
	s.handleAPI("POST /api/v1/events/{id}/slots", Op{Summary: "Add a meeting slot (organisers)", Tag: "brokerage",
		Request: slotInput{}, Response: event.Slot{}, Auth: true, Status: http.StatusCreated}, s.apiAddSlot)
	s.handleAPI("PUT /api/v1/events/{id}/slots/{sid}", Op{Summary: "Change a slot's times or tables (organisers)", Tag: "brokerage",
		Request: slotInput{}, Response: event.Slot{}, Auth: true}, s.apiUpdateSlot)
	s.handleAPI("DELETE /api/v1/events/{id}/slots/{sid}", Op{Summary: "Remove a slot (organisers)", Tag: "brokerage",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteSlot)
	s.handleAPI("GET /api/v1/events/{id}/availability", Op{Summary: "The slots you marked available", Tag: "brokerage",
		Response: availabilityInput{}, Auth: true}, s.apiAvailability)
	s.handleAPI("PUT /api/v1/events/{id}/availability", Op{Summary: "Replace the slots you can meet in (registered participants)", Tag: "brokerage",
		Request: availabilityInput{}, Response: availabilityInput{}, Auth: true}, s.apiSaveAvailability)
	s.handleAPI("GET /api/v1/events/{id}/schedule", Op{Summary: "The schedule: meetings by slot and table, unplaced requests and why (organisers)", Tag: "brokerage",
		Response: event.Schedule{}, Auth: true}, s.apiSchedule)
	s.handleAPI("POST /api/v1/events/{id}/schedule", Op{Summary: "Run the scheduler on the accepted requests (organisers)", Tag: "brokerage",
		Response: event.Schedule{}, Auth: true}, s.apiRunSchedule)
	s.handleAPI("GET /api/v1/events/{id}/agenda", Op{Summary: "Your meetings in the schedule, in time order", Tag: "brokerage",
		Response: []event.Meeting{}, Auth: true}, s.apiAgenda)
}

// brokerageProfileInput is the profile a participant publishes.
type brokerageProfileInput struct {
	Organisation string   `json:"organisation"`
	Headline     string   `json:"headline"`
	Offers       string   `json:"offers"`
	Seeks        string   `json:"seeks"`
	Fields       []string `json:"fields"`
}

// meetingRequestInput asks someone for a meeting.
type meetingRequestInput struct {
	InviteeID string `json:"invitee_id"`
	Message   string `json:"message"`
}

// meetingAnswerInput answers a meeting request.
type meetingAnswerInput struct {
	Accept bool `json:"accept"`
}

// slotInput describes a slot: local times in the event's time zone (or
// RFC 3339 times) and the number of tables.
type slotInput struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Tables int    `json:"tables"`
}

// availabilityInput lists the ids of the slots a participant can meet in.
type availabilityInput struct {
	Slots []string `json:"slots"`
}

// brokerage returns the brokerage event named in the path and the
// signed-in user.
func (s *Server) brokerage(r *http.Request) (*event.Event, *account.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.loadEvent(r)
	if err != nil {
		return nil, nil, err
	}
	if !e.IsBrokerage() {
		return nil, nil, silkbridge.Conflict("event.not_brokerage", "this event holds no brokerage meetings")
	}
	return e, u, nil
}

// organisedBrokerage is brokerage for the event's organisers only.
func (s *Server) organisedBrokerage(r *http.Request) (*event.Event, *account.User, error) {
	e, u, err := s.brokerage(r)
	if err != nil {
		return nil, nil, err
	}
	if !canOrganise(u, e) {
		return nil, nil, silkbridge.Forbidden()
	}
	return e, u, nil
}

// participantBrokerage is brokerage for those who hold a place at the event.
func (s *Server) participantBrokerage(r *http.Request) (*event.Event, *account.User, error) {
	e, u, err := s.brokerage(r)
	if err != nil {
		return nil, nil, err
	}
	ok, err := s.store.IsParticipant(r.Context(), e.ID, u.ID)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.participants_only", "only registered participants can do this")
	}
	return e, u, nil
}

// browsingBrokerage is brokerage for participants and organisers, who may
// see the participants' profiles.
func (s *Server) browsingBrokerage(r *http.Request) (*event.Event, *account.User, error) {
	e, u, err := s.brokerage(r)
	if err != nil {
		return nil, nil, err
	}
	ok, err := s.seesParticipants(r.Context(), u, e)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, silkbridge.Errorf(silkbridge.EFORBIDDEN, "event.participants_only", "only registered participants can do this")
	}
	return e, u, nil
}

// profileCard is a profile in the browse list with the viewer's meeting
// request to or from that participant, if any.
type profileCard struct {
	event.Profile
	Request *event.MeetingRequest
	Self    bool
}

func (s *Server) browseProfiles(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.browsingBrokerage(r)
	if err != nil {
		return err
	}
	q, field := strings.TrimSpace(r.URL.Query().Get("q")), r.URL.Query().Get("field")
	profiles, err := s.store.Profiles(r.Context(), e.ID, q, field)
	if err != nil {
		return err
	}
	requests, err := s.store.MeetingRequests(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	byOther := map[string]*event.MeetingRequest{}
	for i := range requests {
		other, _ := requests[i].Other(u.ID)
		byOther[other] = &requests[i]
	}
	cards := make([]profileCard, len(profiles))
	for i, p := range profiles {
		cards[i] = profileCard{Profile: p, Request: byOther[p.UserID], Self: p.UserID == u.ID}
	}
	participant, err := s.store.IsParticipant(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "events/profiles", http.StatusOK, &Page{Title: s.T(r, "event.profiles.title", "Title", e.Title), Data: map[string]any{
		"Event": e, "Profiles": cards, "Query": q, "Field": field, "Fields": ref.Fields, "CanRequest": participant && !e.Ended(time.Now()),
	}})
	return nil
}

func profileFormValues(p *event.Profile) map[string][]string {
	return map[string][]string{"organisation": {p.Organisation}, "headline": {p.Headline}, "offers": {p.Offers}, "seeks": {p.Seeks}, "fields": p.Fields}
}

func (s *Server) brokerageProfileForm(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	form := map[string][]string{}
	switch p, err := s.store.Profile(r.Context(), e.ID, u.ID); {
	case err == nil:
		form = profileFormValues(p)
	case silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
		return err
	}
	return s.renderProfileForm(w, r, e, http.StatusOK, &Page{Form: form})
}

func (s *Server) renderProfileForm(w http.ResponseWriter, r *http.Request, e *event.Event, status int, p *Page) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	p.Title = s.T(r, "event.profile.title", "Title", e.Title)
	p.Data = map[string]any{"Event": e, "Fields": ref.Fields}
	s.render(w, r, "events/profile", status, p)
	return nil
}

func (s *Server) saveBrokerageProfile(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	in := brokerageProfileInput{Organisation: f.Get("organisation"), Headline: f.Get("headline"), Offers: f.Get("offers"), Seeks: f.Get("seeks"), Fields: f["fields"]}
	if _, err := s.saveBrokerageProfileInput(r.Context(), e, u, in); err != nil {
		if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
			return err
		}
		tr := s.translator(requestLanguage(r))
		return s.renderProfileForm(w, r, e, http.StatusUnprocessableEntity, &Page{Errors: tr.FieldErrors(err), Error: tr.Error(err), Form: r.PostForm})
	}
	s.redirectFlash(w, r, "/events/"+e.ID+"/profiles", s.T(r, "event.profile.saved"))
	return nil
}

func (s *Server) saveBrokerageProfileInput(ctx context.Context, e *event.Event, u *account.User, in brokerageProfileInput) (*event.Profile, error) {
	p := &event.Profile{EventID: e.ID, UserID: u.ID, Organisation: in.Organisation, Headline: in.Headline, Offers: in.Offers, Seeks: in.Seeks, Fields: in.Fields}
	return p, s.store.SaveProfile(ctx, store.Actor{UserID: u.ID}, p)
}

func (s *Server) myMeetingRequests(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.browsingBrokerage(r)
	if err != nil {
		return err
	}
	requests, err := s.store.MeetingRequests(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	var incoming, outgoing []event.MeetingRequest
	for _, m := range requests {
		if m.InviteeID == u.ID {
			incoming = append(incoming, m)
		} else {
			outgoing = append(outgoing, m)
		}
	}
	clearFlash(w, r)
	s.render(w, r, "events/meetings", http.StatusOK, &Page{Title: s.T(r, "event.meetings.title", "Title", e.Title), Data: map[string]any{
		"Event": e, "Incoming": incoming, "Outgoing": outgoing, "Ended": e.Ended(time.Now()), "CanOrganise": canOrganise(u, e),
	}})
	return nil
}

func (s *Server) requestMeeting(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	m := &event.MeetingRequest{EventID: e.ID, RequesterID: u.ID, InviteeID: r.PostForm.Get("invitee_id"), Message: r.PostForm.Get("message")}
	if err := s.store.RequestMeeting(r.Context(), store.Actor{UserID: u.ID}, m); err != nil {
		return err
	}
	s.mailMeetingRequest(r.Context(), e, m)
	s.redirectFlash(w, r, "/events/"+e.ID+"/profiles", s.T(r, "event.request.sent", "Name", m.InviteeName))
	return nil
}

func (s *Server) acceptMeeting(w http.ResponseWriter, r *http.Request) error {
	return s.answerMeeting(w, r, true)
}
func (s *Server) declineMeeting(w http.ResponseWriter, r *http.Request) error {
	return s.answerMeeting(w, r, false)
}

func (s *Server) answerMeeting(w http.ResponseWriter, r *http.Request, accept bool) error {
	e, u, err := s.brokerage(r)
	if err != nil {
		return err
	}
	m, err := s.store.AnswerMeeting(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("rid"), accept)
	if err != nil {
		return err
	}
	msg := s.T(r, "event.request.declined", "Name", m.RequesterName)
	if accept {
		msg = s.T(r, "event.request.accepted", "Name", m.RequesterName)
	}
	s.redirectFlash(w, r, "/events/"+e.ID+"/meetings", msg)
	return nil
}

func (s *Server) availabilityForm(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	marked, err := s.store.Availability(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	return s.renderAvailability(w, r, e, http.StatusOK, &Page{Form: map[string][]string{"slots": marked}})
}

func (s *Server) renderAvailability(w http.ResponseWriter, r *http.Request, e *event.Event, status int, p *Page) error {
	slots, err := s.store.Slots(r.Context(), e.ID)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	p.Title = s.T(r, "event.availability.title", "Title", e.Title)
	p.Data = map[string]any{"Event": e, "Slots": slots, "Ended": e.Ended(time.Now())}
	s.render(w, r, "events/availability", status, p)
	return nil
}

func (s *Server) saveAvailability(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.store.SetAvailability(r.Context(), store.Actor{UserID: u.ID}, e.ID, u.ID, r.PostForm["slots"]); err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		tr := s.translator(requestLanguage(r))
		return s.renderAvailability(w, r, e, http.StatusUnprocessableEntity, &Page{Errors: tr.FieldErrors(err), Error: tr.Error(err), Form: r.PostForm})
	}
	s.redirectFlash(w, r, "/events/"+e.ID+"/availability", s.T(r, "saved"))
	return nil
}

// slotFromInput reads a slot typed in the event's time zone.
func slotFromInput(e *event.Event, in slotInput, read *silkbridge.Problems) event.Slot {
	return event.Slot{EventID: e.ID, Start: readTime(read, "start", in.Start, e.TimeZone), End: readTime(read, "end", in.End, e.TimeZone), Tables: in.Tables}
}

func (s *Server) slotsPage(w http.ResponseWriter, r *http.Request) error {
	e, _, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	return s.renderSlots(w, r, e, http.StatusOK, &Page{Form: s.nextSlotForm(r.Context(), e)})
}

// nextSlotForm proposes the slot after the last one, of the same length
// and tables, or the first half hour of the event.
func (s *Server) nextSlotForm(ctx context.Context, e *event.Event) map[string][]string {
	slots, _ := s.store.Slots(ctx, e.ID)
	start, end, tables := e.Start, e.Start.Add(30*time.Minute), 10
	if n := len(slots); n > 0 {
		last := slots[n-1]
		start, end, tables = last.End, last.End.Add(last.End.Sub(last.Start)), last.Tables
	}
	loc := e.Location()
	return map[string][]string{"start": {start.In(loc).Format(event.LocalLayout)}, "end": {end.In(loc).Format(event.LocalLayout)},
		"tables": {fmt.Sprint(tables)}}
}

func (s *Server) renderSlots(w http.ResponseWriter, r *http.Request, e *event.Event, status int, p *Page) error {
	slots, err := s.store.Slots(r.Context(), e.ID)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	p.Title = s.T(r, "event.slots.title", "Title", e.Title)
	p.Data = map[string]any{"Event": e, "Slots": slots}
	s.render(w, r, "events/slots", status, p)
	return nil
}

func (s *Server) addSlot(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	in := slotInput{Start: r.PostForm.Get("start"), End: r.PostForm.Get("end"), Tables: formInt(&read, "tables", r.PostForm.Get("tables"), 0)}
	sl := slotFromInput(e, in, &read)
	err = read.Merge(sl.Validate(e))
	if err == nil {
		err = s.store.AddSlot(r.Context(), store.Actor{UserID: u.ID}, &sl)
	}
	if err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		tr := s.translator(requestLanguage(r))
		return s.renderSlots(w, r, e, http.StatusUnprocessableEntity, &Page{Errors: tr.FieldErrors(err), Error: tr.Error(err), Form: r.PostForm})
	}
	s.redirectFlash(w, r, "/events/"+e.ID+"/slots", s.T(r, "event.slot.added"))
	return nil
}

func (s *Server) setTables(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	tables := map[string]int{}
	for k, v := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "tables."); ok && len(v) > 0 {
			tables[id] = formInt(&read, k, v[0], 0)
		}
	}
	err = read.Err()
	if err == nil {
		err = s.store.SetSlotTables(r.Context(), store.Actor{UserID: u.ID}, e.ID, tables)
	}
	if err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		tr := s.translator(requestLanguage(r))
		return s.renderSlots(w, r, e, http.StatusUnprocessableEntity, &Page{Errors: tr.FieldErrors(err), Error: tr.Error(err), Form: r.PostForm})
	}
	s.redirectFlash(w, r, "/events/"+e.ID+"/slots", s.T(r, "saved"))
	return nil
}

func (s *Server) deleteSlot(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSlot(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("sid")); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/events/"+e.ID+"/slots", s.T(r, "deleted"))
	return nil
}

// gridRow is one slot of the schedule grid: its meetings by table.
type gridRow struct {
	Slot  event.Slot
	Cells []*event.Meeting
	Used  int
}

// scheduleView is the organiser's view of the schedule.
type scheduleView struct {
	Event    *event.Event
	Schedule *event.Schedule
	Slots    []event.Slot
	SlotByID map[string]event.Slot
	Grid     []gridRow
	Columns  []int
	// Stale: requests, availability or slots changed since the run.
	Stale bool
	// Accepted counts the accepted requests between participants now.
	Accepted int
}

func (s *Server) scheduleView(ctx context.Context, e *event.Event) (*scheduleView, error) {
	v := &scheduleView{Event: e, SlotByID: map[string]event.Slot{}}
	var err error
	if v.Slots, err = s.store.Slots(ctx, e.ID); err != nil {
		return nil, err
	}
	for _, sl := range v.Slots {
		v.SlotByID[sl.ID] = sl
	}
	in, err := s.store.SchedulerInput(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	v.Accepted = len(in.Requests)
	switch sc, err := s.store.Schedule(ctx, e.ID); {
	case err == nil:
		v.Schedule = sc
		v.Stale = sc.InputHash != event.InputHash(in)
	case silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
		return nil, err
	default:
		return v, nil
	}
	cols := 0
	for _, m := range v.Schedule.Meetings {
		cols = max(cols, m.Table)
	}
	for i := 1; i <= cols; i++ {
		v.Columns = append(v.Columns, i)
	}
	rows := map[string]*gridRow{}
	for _, sl := range v.Slots {
		v.Grid = append(v.Grid, gridRow{Slot: sl, Cells: make([]*event.Meeting, cols)})
	}
	for i := range v.Grid {
		rows[v.Grid[i].Slot.ID] = &v.Grid[i]
	}
	for i := range v.Schedule.Meetings {
		m := &v.Schedule.Meetings[i]
		if row := rows[m.SlotID]; row != nil && m.Table >= 1 && m.Table <= cols {
			row.Cells[m.Table-1] = m
			row.Used++
		}
	}
	return v, nil
}

func (s *Server) schedulePage(w http.ResponseWriter, r *http.Request) error {
	e, _, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	v, err := s.scheduleView(r.Context(), e)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "events/schedule", http.StatusOK, &Page{Title: s.T(r, "event.schedule.title", "Title", e.Title), Data: v})
	return nil
}

func (s *Server) runSchedule(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	sc, err := s.store.RunSchedule(r.Context(), store.Actor{UserID: u.ID}, e.ID)
	if err != nil {
		return err
	}
	s.mailAgendas(r.Context(), e, sc)
	s.redirectFlash(w, r, "/events/"+e.ID+"/schedule", s.T(r, "event.schedule.done", "Count", sc.Placed, "Placed", sc.Placed, "Bound", sc.UpperBound))
	return nil
}

// agendaItem is one meeting in a participant's agenda.
type agendaItem struct {
	event.Meeting
	WithID, WithName string
	With             *event.Profile
}

func (s *Server) agenda(ctx context.Context, e *event.Event, u *account.User) ([]agendaItem, error) {
	return agendaItems(ctx, s.store, e.ID, u.ID)
}

// agendaItems are a participant's meetings with the other sides'
// profiles; the agenda mailed after a schedule run reads them too.
func agendaItems(ctx context.Context, st *store.Store, eventID, userID string) ([]agendaItem, error) {
	meetings, err := st.Agenda(ctx, eventID, userID)
	if err != nil {
		return nil, err
	}
	items := make([]agendaItem, len(meetings))
	for i, m := range meetings {
		id, name := m.With(userID)
		items[i] = agendaItem{Meeting: m, WithID: id, WithName: name}
		if p, err := st.Profile(ctx, eventID, id); err == nil {
			items[i].With = p
		}
	}
	return items, nil
}

func (s *Server) agendaPage(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.browsingBrokerage(r)
	if err != nil {
		return err
	}
	items, err := s.agenda(r.Context(), e, u)
	if err != nil {
		return err
	}
	scheduled := true
	if _, err := s.store.Schedule(r.Context(), e.ID); silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		scheduled = false
	}
	clearFlash(w, r)
	s.render(w, r, "events/agenda", http.StatusOK, &Page{Title: s.T(r, "event.agenda.title", "Title", e.Title), Data: map[string]any{
		"Event": e, "Items": items, "Scheduled": scheduled,
	}})
	return nil
}

func (s *Server) agendaCalendar(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.browsingBrokerage(r)
	if err != nil {
		return err
	}
	items, err := s.agenda(r.Context(), e, u)
	if err != nil {
		return err
	}
	stamp := e.UpdatedAt
	if sc, err := s.store.Schedule(r.Context(), e.ID); err == nil {
		stamp = sc.RunAt
	}
	cal := agendaCalendarOf(s.translator(requestLanguage(r)).T, e, items, stamp, s.eventURL("/events/"+e.ID+"/agenda"))
	s.writeCalendar(w, "agenda-"+e.ID+".ics", cal)
	return nil
}

// agendaCalendarOf is a participant's agenda as an iCalendar, in the
// language of T.
func agendaCalendarOf(T func(id string, kv ...any) string, e *event.Event, items []agendaItem, stamp time.Time, url string) *icalCalendar {
	cal := &icalCalendar{Name: T("event.agenda.title", "Title", e.Title)}
	for _, it := range items {
		desc := ""
		if it.With != nil {
			desc = it.With.Headline
			if it.With.Organisation != "" {
				desc = it.With.Organisation + "\n" + desc
			}
		}
		place := T("event.agenda.table", "Table", it.Table)
		if e.Place != "" {
			place = e.Place + " · " + place
		}
		cal.Events = append(cal.Events, icalEvent{
			UID: it.RequestID + "@silkbridge", Stamp: stamp, Start: it.Start, End: it.End, Zone: e.Location(),
			Summary:     T("event.agenda.summary", "Name", it.WithName, "Table", it.Table) + " · " + e.Title,
			Description: desc, Location: place, URL: url, Status: "CONFIRMED",
		})
	}
	return cal
}

func (s *Server) apiProfiles(w http.ResponseWriter, r *http.Request) error {
	e, _, err := s.browsingBrokerage(r)
	if err != nil {
		return err
	}
	list, err := s.store.Profiles(r.Context(), e.ID, strings.TrimSpace(r.URL.Query().Get("q")), r.URL.Query().Get("field"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiMyBrokerageProfile(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.brokerage(r)
	if err != nil {
		return err
	}
	p, err := s.store.Profile(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiSaveBrokerageProfile(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	var in brokerageProfileInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.saveBrokerageProfileInput(r.Context(), e, u, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiMeetingRequests(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.brokerage(r)
	if err != nil {
		return err
	}
	of := u.ID
	if queryBool(r, "all") {
		if !canOrganise(u, e) {
			return silkbridge.Forbidden()
		}
		of = ""
	}
	list, err := s.store.MeetingRequests(r.Context(), e.ID, of)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiRequestMeeting(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	var in meetingRequestInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m := &event.MeetingRequest{EventID: e.ID, RequesterID: u.ID, InviteeID: in.InviteeID, Message: in.Message}
	if err := s.store.RequestMeeting(r.Context(), store.Actor{UserID: u.ID}, m); err != nil {
		return err
	}
	s.mailMeetingRequest(r.Context(), e, m)
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiAnswerMeeting(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.brokerage(r)
	if err != nil {
		return err
	}
	var in meetingAnswerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.store.AnswerMeeting(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("rid"), in.Accept)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiSlots(w http.ResponseWriter, r *http.Request) error {
	e, err := s.loadEvent(r)
	if err != nil {
		return err
	}
	slots, err := s.store.Slots(r.Context(), e.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slots)
	return nil
}

func (s *Server) apiAddSlot(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	var in slotInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var read silkbridge.Problems
	sl := slotFromInput(e, in, &read)
	err = read.Merge(sl.Validate(e))
	if err == nil {
		err = s.store.AddSlot(r.Context(), store.Actor{UserID: u.ID}, &sl)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sl)
	return nil
}

func (s *Server) apiUpdateSlot(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	var in slotInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var read silkbridge.Problems
	next := slotFromInput(e, in, &read)
	if err := read.Merge(next.Validate(e)); err != nil {
		return err
	}
	sl, err := s.store.UpdateSlot(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("sid"), func(x *event.Slot) {
		x.Start, x.End, x.Tables = next.Start, next.End, next.Tables
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sl)
	return nil
}

func (s *Server) apiDeleteSlot(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSlot(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("sid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAvailability(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.brokerage(r)
	if err != nil {
		return err
	}
	slots, err := s.store.Availability(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, availabilityInput{Slots: slots})
	return nil
}

func (s *Server) apiSaveAvailability(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	var in availabilityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.SetAvailability(r.Context(), store.Actor{UserID: u.ID}, e.ID, u.ID, in.Slots); err != nil {
		return err
	}
	slots, err := s.store.Availability(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, availabilityInput{Slots: slots})
	return nil
}

func (s *Server) apiSchedule(w http.ResponseWriter, r *http.Request) error {
	e, _, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	sc, err := s.store.Schedule(r.Context(), e.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (s *Server) apiRunSchedule(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.organisedBrokerage(r)
	if err != nil {
		return err
	}
	sc, err := s.store.RunSchedule(r.Context(), store.Actor{UserID: u.ID}, e.ID)
	if err != nil {
		return err
	}
	s.mailAgendas(r.Context(), e, sc)
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (s *Server) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	e, u, err := s.browsingBrokerage(r)
	if err != nil {
		return err
	}
	list, err := s.store.Agenda(r.Context(), e.ID, u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
