package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

// Talent-training programmes: the public pages and the officer's pages
// that open a programme, add host positions and set its constraints. The
// applications and rankings are in programme_applications.go, the
// matching runs in programme_runs.go.

func (s *Server) programmeRoutes() {
	s.page("GET /programmes", s.listProgrammes)
	s.page("GET /programmes/new", s.newProgrammeForm)
	s.page("POST /programmes", s.createProgramme)
	s.page("GET /programmes/{id}", s.showProgramme)
	s.page("GET /programmes/{id}/edit", s.editProgrammeForm)
	s.page("POST /programmes/{id}", s.updateProgramme)
	s.page("POST /programmes/{id}/close", s.closeProgramme)
	s.page("POST /programmes/{id}/delete", s.deleteProgramme)
	s.page("GET /programmes/{id}/positions/new", s.newPositionForm)
	s.page("POST /programmes/{id}/positions", s.createPosition)
	s.page("GET /programmes/{id}/positions/{pos}/edit", s.editPositionForm)
	s.page("POST /programmes/{id}/positions/{pos}", s.updatePosition)
	s.page("POST /programmes/{id}/positions/{pos}/delete", s.deletePosition)
	s.page("GET /programmes/{id}/constraints", s.programmeConstraintsForm)
	s.page("POST /programmes/{id}/constraints", s.saveProgrammeConstraints)

	s.handleAPI("GET /api/v1/programmes", Op{Summary: "List talent-training programmes", Tag: "programmes",
		Response: List[programme.Programme]{}, Query: map[string]string{"q": "free-text search", "country": "a country of the agreement's parties",
			"open": "true: only programmes open for applications now", "page": "page number", "per_page": "items per page (at most 100)"}},
		s.apiListProgrammes)
	s.handleAPI("POST /api/v1/programmes", Op{Summary: "Open a programme under a talent-training agreement (agency officers)", Tag: "programmes",
		Request: programmeInput{}, Response: programme.Programme{}, Auth: true, Status: http.StatusCreated}, s.apiCreateProgramme)
	s.handleAPI("GET /api/v1/programmes/{id}", Op{Summary: "One programme with its positions, eligibility and constraints", Tag: "programmes",
		Response: programme.Programme{}}, s.apiGetProgramme)
	s.handleAPI("PUT /api/v1/programmes/{id}", Op{Summary: "Replace a programme's own fields (its officer)", Tag: "programmes",
		Request: programmeInput{}, Response: programme.Programme{}, Auth: true}, s.apiUpdateProgramme)
	s.handleAPI("DELETE /api/v1/programmes/{id}", Op{Summary: "Delete a programme nobody has applied to (its officer)", Tag: "programmes",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteProgramme)
	s.handleAPI("POST /api/v1/programmes/{id}/close", Op{Summary: "Close applications now (its officer)", Tag: "programmes",
		Response: programme.Programme{}, Auth: true}, s.apiCloseProgramme)
	s.handleAPI("POST /api/v1/programmes/{id}/positions", Op{Summary: "Add a host position (the programme's officer)", Tag: "programmes",
		Request: programmePositionInput{}, Response: programme.Position{}, Auth: true, Status: http.StatusCreated}, s.apiCreatePosition)
	s.handleAPI("PUT /api/v1/programmes/{id}/positions/{pos}", Op{Summary: "Replace a host position (the programme's officer)", Tag: "programmes",
		Request: programmePositionInput{}, Response: programme.Position{}, Auth: true}, s.apiUpdatePosition)
	s.handleAPI("DELETE /api/v1/programmes/{id}/positions/{pos}", Op{Summary: "Delete a position nobody listed (the programme's officer)", Tag: "programmes",
		Auth: true, Status: http.StatusNoContent}, s.apiDeletePosition)
	s.handleAPI("GET /api/v1/programmes/{id}/constraints", Op{Summary: "The programme's constraint set: regions with caps, country quotas, targets and floors",
		Tag: "programmes", Response: programme.ConstraintSet{}}, s.apiGetConstraints)
	s.handleAPI("PUT /api/v1/programmes/{id}/constraints", Op{Summary: "Replace the constraint set (the programme's officer)", Tag: "programmes",
		Request: programme.ConstraintSet{}, Response: programme.ConstraintSet{}, Auth: true}, s.apiSetConstraints)
}

// runsProgramme reports whether the user runs the programme: its officer,
// or an admin.
func runsProgramme(u *account.User, p *programme.Programme) bool {
	return u.IsAdmin() || (u.IsOfficer() && u.ID == p.OfficerID)
}

// programmeOf loads the programme named in the path.
func (s *Server) programmeOf(r *http.Request) (*programme.Programme, error) {
	return s.store.Programme(r.Context(), r.PathValue("id"))
}

// runProgramme loads the programme named in the path for its officer.
func (s *Server) runProgramme(r *http.Request) (*programme.Programme, *account.User, error) {
	u := currentUser(r)
	if u == nil {
		return nil, nil, silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return nil, nil, err
	}
	if !runsProgramme(u, p) {
		return nil, nil, silkbridge.Forbidden()
	}
	return p, u, nil
}

// progParseForm reads a posted form; a body that cannot be read is the sender's fault.
func progParseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	return nil
}

// progLocalLayout is how the forms show an instant: a datetime-local value in UTC.
const progLocalLayout = "2006-01-02T15:04"

// progTime reads an instant typed in UTC (2026-05-12T09:30, a date, or RFC 3339).
func progTime(p *silkbridge.Problems, field, value string) time.Time {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339, progLocalLayout, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, value); err == nil {
			return t.UTC()
		}
	}
	p.Add(field, "prog.field.datetime", "a date and time in UTC such as 2026-05-12T09:30", map[string]any{"Value": value})
	return time.Time{}
}

// programmeInput is the body of the API's create and update calls and
// what the programme form holds. Times are RFC 3339 (or 2026-05-12T09:30 in UTC).
type programmeInput struct {
	AgreementID   string             `json:"agreement_id"`
	Title         string             `json:"title"`
	Summary       string             `json:"summary"`
	OpensAt       string             `json:"opens_at"`
	ClosesAt      string             `json:"closes_at"`
	MaxChoices    int                `json:"max_choices"`
	Nationalities []string           `json:"nationalities"`
	BRIPartners   bool               `json:"bri_partners"`
	CareerStages  []string           `json:"career_stages"`
	Fields        []string           `json:"fields"`
	Policies      []programme.Policy `json:"policies"`
}

func (in programmeInput) apply(p *programme.Programme, read *silkbridge.Problems) {
	p.AgreementID, p.Title, p.Summary, p.MaxChoices = in.AgreementID, in.Title, in.Summary, in.MaxChoices
	p.OpensAt, p.ClosesAt = progTime(read, "opens_at", in.OpensAt), progTime(read, "closes_at", in.ClosesAt)
	p.Eligibility = programme.Eligibility{Nationalities: in.Nationalities, BRIPartners: in.BRIPartners, CareerStages: in.CareerStages, Fields: in.Fields}
	p.Policies = in.Policies
}

func programmeFromForm(r *http.Request, read *silkbridge.Problems) programmeInput {
	f := r.PostForm
	return programmeInput{AgreementID: f.Get("agreement_id"), Title: f.Get("title"), Summary: f.Get("summary"),
		OpensAt: f.Get("opens_at"), ClosesAt: f.Get("closes_at"), MaxChoices: formInt(read, "max_choices", f.Get("max_choices"), 0),
		Nationalities: splitList(f.Get("nationalities")), BRIPartners: f.Get("bri_partners") != "", CareerStages: f["career_stages"],
		Fields: f["fields"], Policies: programme.ParsePolicies(f.Get("policies"))}
}

// programmeForm fills the programme form from a stored programme.
func programmeForm(p *programme.Programme) url.Values {
	return url.Values{"agreement_id": {p.AgreementID}, "title": {p.Title}, "summary": {p.Summary},
		"opens_at": {p.OpensAt.UTC().Format(progLocalLayout)}, "closes_at": {p.ClosesAt.UTC().Format(progLocalLayout)},
		"max_choices": {strconv.Itoa(p.MaxChoices)}, "nationalities": {strings.Join(p.Eligibility.Nationalities, ", ")},
		"bri_partners": {map[bool]string{true: "1"}[p.Eligibility.BRIPartners]}, "career_stages": p.Eligibility.CareerStages,
		"fields": p.Eligibility.Fields, "policies": {programme.FormatPolicies(p.Policies)}}
}

func programmeFilter(r *http.Request) (programme.Filter, error) {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return programme.Filter{}, err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return programme.Filter{}, err
	}
	q := r.URL.Query()
	return programme.Filter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(q.Get("country")), Open: queryBool(r, "open"),
		Page: page, PerPage: per}, nil
}

func (s *Server) listProgrammes(w http.ResponseWriter, r *http.Request) error {
	f, err := programmeFilter(r)
	if err != nil {
		return err
	}
	list, page, err := s.store.Programmes(r.Context(), f)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	u := currentUser(r)
	var mine []myProgrammeApplication
	if u != nil {
		if mine, err = s.myProgrammeApplications(r.Context(), u); err != nil {
			return err
		}
	}
	clearFlash(w, r)
	s.render(w, r, "programmes/list", http.StatusOK, &Page{Title: s.T(r, "prog.list.title"), Data: map[string]any{
		"Programmes": list, "Page": page, "Filter": f, "Now": time.Now(), "CanOpen": u.IsOfficer(), "Mine": mine,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag),
	}})
	return nil
}

// myProgrammeApplication is one of the signed-in talent's applications, for the list page.
type myProgrammeApplication struct {
	Programme   *programme.Programme
	Application *programme.Application
}

func (s *Server) myProgrammeApplications(ctx context.Context, u *account.User) ([]myProgrammeApplication, error) {
	t, err := s.store.TalentOfUser(ctx, u.ID)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	apps, err := s.store.ApplicationsOfTalent(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	out := make([]myProgrammeApplication, 0, len(apps))
	for _, a := range apps {
		p, err := s.store.Programme(ctx, a.ProgrammeID)
		if err != nil {
			return nil, err
		}
		out = append(out, myProgrammeApplication{Programme: p, Application: a})
	}
	return out, nil
}

// programmeRefusalView is why a talent was not placed at a position it preferred,
// said in the reader's language.
type programmeRefusalView struct {
	Position *programme.Position
	Choice   int
	Reason   string
	Message  string
}

// programmeResultView is a talent's published result.
type programmeResultView struct {
	Placed   *programme.Position
	Choice   int
	Refusals []programmeRefusalView
}

// explainProgrammePlacement says a placement in words: where the talent was placed
// and why each better choice went to others.
func (s *Server) explainProgrammePlacement(r *http.Request, p *programme.Programme, a *programme.Application, pl *programme.Placement) programmeResultView {
	v := programmeResultView{Placed: p.Position(pl.PositionID), Choice: pl.Choice}
	for _, ref := range pl.Refusals {
		rv := programmeRefusalView{Position: p.Position(ref.PositionID), Choice: slices.Index(a.Choices, ref.PositionID) + 1, Reason: ref.Reason}
		if rv.Position == nil {
			rv.Position = &programme.Position{ID: ref.PositionID, Title: ref.PositionID}
		}
		rv.Message = s.programmeReasonText(r, p, ref)
		v.Refusals = append(v.Refusals, rv)
	}
	return v
}

// programmeReasonText says one refusal reason in the request's language.
func (s *Server) programmeReasonText(r *http.Request, p *programme.Programme, ref programme.Refusal) string {
	switch ref.Reason {
	case "full":
		return s.T(r, "prog.reason.full")
	case "regional-cap":
		name, limit := ref.Constraint, 0
		if g := p.Constraints.Region(ref.Constraint); g != nil {
			name, limit = g.Name, g.Cap
		}
		return s.T(r, "prog.reason.regional_cap", "Region", name, "Cap", limit)
	case "group-quota":
		country, limit := "", 0
		if q := p.Constraints.Quota(ref.Constraint); q != nil {
			country, limit = q.Country, q.Cap
			if ref, err := s.store.Reference(r.Context()); err == nil {
				if c, ok := ref.Country(q.Country); ok {
					country = c.Name(requestLanguage(r).Tag)
				}
			}
		}
		return s.T(r, "prog.reason.group_quota", "Country", country, "Cap", limit)
	case "not-acceptable":
		return s.T(r, "prog.reason.not_acceptable")
	case "no-seats":
		return s.T(r, "prog.reason.no_seats")
	default:
		return s.T(r, "prog.reason.unexplained")
	}
}

func (s *Server) showProgramme(w http.ResponseWriter, r *http.Request) error {
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := currentUser(r)
	data := map[string]any{"Prog": p, "State": p.State(time.Now()), "Targets": p.Targets(), "Hosts": p.Hosts(),
		"CanRun": runsProgramme(u, p), "SignedIn": u != nil}
	// The hosts the user manages, for their ranking and intake pages.
	var managed []programme.Host
	for _, h := range p.Hosts() {
		if u != nil && slices.Contains(u.Orgs, h.OrgID) {
			managed = append(managed, h)
		}
	}
	data["ManagedHosts"] = managed
	if p.PublishedRunID != "" {
		run, err := s.store.Run(ctx, p.ID, p.PublishedRunID)
		if err != nil {
			return err
		}
		data["Published"] = run
	}
	if u != nil {
		if t, err := s.store.TalentOfUser(ctx, u.ID); err == nil {
			data["HasProfile"] = true
			if a, err := s.store.ApplicationOf(ctx, p.ID, t.ID); err == nil {
				data["Mine"] = a
				var mine []*programme.Position
				for _, c := range a.Choices {
					if pos := p.Position(c); pos != nil {
						mine = append(mine, pos)
					}
				}
				data["MyChoices"] = mine
				if p.PublishedRunID != "" {
					if pl, err := s.store.PlacementOf(ctx, p.PublishedRunID, a.ID); err == nil {
						data["Result"] = s.explainProgrammePlacement(r, p, a, pl)
					}
				}
			}
		}
	}
	clearFlash(w, r)
	s.render(w, r, "programmes/show", http.StatusOK, &Page{Title: p.Title, Data: data})
	return nil
}

// talentTrainingAgreements lists the agreements a programme may run under.
func (s *Server) talentTrainingAgreements(ctx context.Context) ([]*cooperation.Agreement, error) {
	list, _, err := s.store.Agreements(ctx, cooperation.AgreementFilter{Kind: cooperation.AgreementTalentTraining, PerPage: 100})
	return list, err
}

func (s *Server) programmeFormData(r *http.Request, p *programme.Programme) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	agreements, err := s.talentTrainingAgreements(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Prog": p, "Agreements": agreements, "Fields": ref.Fields, "Stages": talent.CareerStages}, nil
}

func (s *Server) programmeFormError(w http.ResponseWriter, r *http.Request, p *programme.Programme, title string, err error) error {
	data, derr := s.programmeFormData(r, p)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "programmes/form", &Page{Title: title, Data: data}, err)
}

func (s *Server) newProgrammeForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	data, err := s.programmeFormData(r, &programme.Programme{})
	if err != nil {
		return err
	}
	opens := time.Now().UTC().Truncate(time.Hour)
	form := url.Values{"max_choices": {"5"}, "opens_at": {opens.Format(progLocalLayout)},
		"closes_at": {opens.AddDate(0, 1, 0).Format(progLocalLayout)}, "agreement_id": {r.URL.Query().Get("agreement")}}
	s.render(w, r, "programmes/form", http.StatusOK, &Page{Title: s.T(r, "prog.new.title"), Data: data, Form: form})
	return nil
}

func (s *Server) createProgramme(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	var p programme.Programme
	programmeFromForm(r, &read).apply(&p, &read)
	err := read.Err()
	if err == nil {
		err = s.store.CreateProgramme(r.Context(), store.Actor{UserID: u.ID}, &p)
	} else {
		p.Normalise()
		err = read.Merge(p.Validate(s.programmeRef(r)))
	}
	if err != nil {
		return s.programmeFormError(w, r, &p, s.T(r, "prog.new.title"), err)
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID, s.T(r, "prog.created"))
	return nil
}

// programmeRef returns the reference data; it is loaded at start, so a failure
// here leaves validation without countries (every code then unknown).
func (s *Server) programmeRef(r *http.Request) organisation.Checker {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return &store.Reference{}
	}
	return ref
}

func (s *Server) editProgrammeForm(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	data, err := s.programmeFormData(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, "programmes/form", http.StatusOK, &Page{Title: s.T(r, "prog.edit.title", "Title", p.Title), Data: data, Form: programmeForm(p)})
	return nil
}

func (s *Server) updateProgramme(w http.ResponseWriter, r *http.Request) error {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	in := programmeFromForm(r, &read)
	if err := s.saveProgramme(r.Context(), u, p, in, &read); err != nil {
		return s.programmeFormError(w, r, p, s.T(r, "prog.edit.title", "Title", p.Title), err)
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID, s.T(r, "saved"))
	return nil
}

// saveProgramme applies the input to a stored programme, reporting the
// problems of reading it with those of validating it.
func (s *Server) saveProgramme(ctx context.Context, u *account.User, p *programme.Programme, in programmeInput, read *silkbridge.Problems) error {
	probe := *p
	in.apply(&probe, read)
	if read.Err() != nil {
		ref, err := s.store.Reference(ctx)
		if err != nil {
			return err
		}
		probe.Normalise()
		return read.Merge(probe.Validate(ref))
	}
	after, err := s.store.UpdateProgramme(ctx, store.Actor{UserID: u.ID}, p.ID, func(x *programme.Programme) { in.apply(x, &silkbridge.Problems{}) })
	if err == nil {
		*p = *after
	}
	return err
}

func (s *Server) closeProgramme(w http.ResponseWriter, r *http.Request) error {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := s.store.CloseApplications(r.Context(), store.Actor{UserID: u.ID}, p.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID, s.T(r, "prog.closed"))
	return nil
}

func (s *Server) deleteProgramme(w http.ResponseWriter, r *http.Request) error {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteProgramme(r.Context(), store.Actor{UserID: u.ID}, p.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/programmes", s.T(r, "deleted"))
	return nil
}

// programmePositionInput is the body of the API's position calls and what the
// position form holds.
type programmePositionInput struct {
	OrgID       string   `json:"organisation_id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Capacity    int      `json:"capacity"`
	Fields      []string `json:"fields"`
	Language    string   `json:"language"`
	Stipend     string   `json:"stipend"`
	RankMode    string   `json:"rank_mode"`
	RankRule    string   `json:"rank_rule"`
	Target      *int     `json:"target"`
	Floor       int      `json:"floor"`
}

func (in programmePositionInput) apply(pos *programme.Position) {
	pos.OrgID, pos.Title, pos.Description, pos.Capacity, pos.Fields = in.OrgID, in.Title, in.Description, in.Capacity, in.Fields
	pos.Language, pos.Stipend, pos.RankMode, pos.RankRule, pos.Target, pos.Floor = in.Language, in.Stipend, in.RankMode, in.RankRule, in.Target, in.Floor
}

func programmePositionFromForm(r *http.Request, read *silkbridge.Problems) programmePositionInput {
	f := r.PostForm
	return programmePositionInput{OrgID: f.Get("organisation_id"), Title: f.Get("title"), Description: f.Get("description"),
		Capacity: formInt(read, "capacity", f.Get("capacity"), 0), Fields: f["fields"], Language: f.Get("language"),
		Stipend: f.Get("stipend"), RankMode: f.Get("rank_mode"), RankRule: f.Get("rank_rule"),
		Target: formOptInt(read, "target", f.Get("target")), Floor: formInt(read, "floor", f.Get("floor"), 0)}
}

func programmePositionForm(pos *programme.Position) url.Values {
	target := ""
	if pos.Target != nil {
		target = strconv.Itoa(*pos.Target)
	}
	return url.Values{"organisation_id": {pos.OrgID}, "title": {pos.Title}, "description": {pos.Description},
		"capacity": {strconv.Itoa(pos.Capacity)}, "fields": pos.Fields, "language": {pos.Language}, "stipend": {pos.Stipend},
		"rank_mode": {pos.RankMode}, "rank_rule": {pos.RankRule}, "target": {target}, "floor": {strconv.Itoa(pos.Floor)}}
}

// programmeHostChoices lists the organisations a position's form offers: the
// programme's hosts, the current one, and those matching the search.
func (s *Server) programmeHostChoices(r *http.Request, p *programme.Programme, current string) ([]*organisation.Organisation, error) {
	ctx := r.Context()
	seen := map[string]bool{}
	var out []*organisation.Organisation
	add := func(o *organisation.Organisation) {
		if !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, o)
		}
	}
	ids := []string{current}
	for _, h := range p.Hosts() {
		ids = append(ids, h.OrgID)
	}
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		if o, err := s.store.Organisation(ctx, id); err == nil {
			add(o)
		}
	}
	found, _, err := s.store.Organisations(ctx, organisation.Filter{Query: strings.TrimSpace(r.URL.Query().Get("host_q")), PerPage: 100})
	if err != nil {
		return nil, err
	}
	for _, o := range found {
		add(o)
	}
	return out, nil
}

func (s *Server) positionFormData(r *http.Request, p *programme.Programme, pos *programme.Position) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	hosts, err := s.programmeHostChoices(r, p, pos.OrgID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Prog": p, "Pos": pos, "Hosts": hosts, "HostQuery": r.URL.Query().Get("host_q"),
		"Fields": ref.Fields, "RankModes": programme.RankModes}, nil
}

func (s *Server) positionFormError(w http.ResponseWriter, r *http.Request, p *programme.Programme, pos *programme.Position, err error) error {
	data, derr := s.positionFormData(r, p, pos)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "programmes/position_form", &Page{Title: s.T(r, "prog.position.title"), Data: data}, err)
}

func (s *Server) newPositionForm(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	data, err := s.positionFormData(r, p, &programme.Position{})
	if err != nil {
		return err
	}
	s.render(w, r, "programmes/position_form", http.StatusOK, &Page{Title: s.T(r, "prog.position.title"), Data: data,
		Form: url.Values{"capacity": {"1"}, "floor": {"0"}, "rank_mode": {programme.RankByOrder}}})
	return nil
}

func (s *Server) createPosition(w http.ResponseWriter, r *http.Request) error {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	var pos programme.Position
	programmePositionFromForm(r, &read).apply(&pos)
	if read.Err() != nil {
		pos.Normalise()
		err = read.Merge(pos.Validate(s.programmeRef(r)))
	} else {
		err = s.store.AddPosition(r.Context(), store.Actor{UserID: u.ID}, p.ID, &pos)
	}
	if err != nil {
		return s.positionFormError(w, r, p, &pos, err)
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID+"#positions", s.T(r, "prog.position.added"))
	return nil
}

// programmeOfficerPosition loads the programme and position named in the path for the programme's officer.
func (s *Server) programmeOfficerPosition(r *http.Request) (*programme.Programme, *programme.Position, *account.User, error) {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return nil, nil, nil, err
	}
	pos := p.Position(r.PathValue("pos"))
	if pos == nil {
		return nil, nil, nil, silkbridge.NotFound("position")
	}
	return p, pos, u, nil
}

func (s *Server) editPositionForm(w http.ResponseWriter, r *http.Request) error {
	p, pos, _, err := s.programmeOfficerPosition(r)
	if err != nil {
		return err
	}
	data, err := s.positionFormData(r, p, pos)
	if err != nil {
		return err
	}
	s.render(w, r, "programmes/position_form", http.StatusOK, &Page{Title: s.T(r, "prog.position.edit"), Data: data, Form: programmePositionForm(pos)})
	return nil
}

func (s *Server) updatePosition(w http.ResponseWriter, r *http.Request) error {
	p, pos, u, err := s.programmeOfficerPosition(r)
	if err != nil {
		return err
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	in := programmePositionFromForm(r, &read)
	if read.Err() != nil {
		probe := *pos
		in.apply(&probe)
		probe.Normalise()
		err = read.Merge(probe.Validate(s.programmeRef(r)))
	} else {
		_, err = s.store.UpdatePosition(r.Context(), store.Actor{UserID: u.ID}, p.ID, pos.ID, in.apply)
	}
	if err != nil {
		return s.positionFormError(w, r, p, pos, err)
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID+"#positions", s.T(r, "saved"))
	return nil
}

func (s *Server) deletePosition(w http.ResponseWriter, r *http.Request) error {
	p, pos, u, err := s.programmeOfficerPosition(r)
	if err != nil {
		return err
	}
	if err := s.store.DeletePosition(r.Context(), store.Actor{UserID: u.ID}, p.ID, pos.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID+"#positions", s.T(r, "deleted"))
	return nil
}

// programmeConstraintRows is how many empty rows the constraints form offers for
// new regions and quotas.
const programmeConstraintRows = 2

// programmeConstraintsFromForm reads the constraints form. Rows left blank are
// dropped, and rows marked for removal; the result maps each kept row to
// its index in the form, so that problems show beside the right row.
func programmeConstraintsFromForm(r *http.Request, read *silkbridge.Problems) (programme.ConstraintSet, map[string]string) {
	f := r.PostForm
	rows := func(prefix string) []int {
		seen := map[int]bool{}
		for k := range f {
			rest, ok := strings.CutPrefix(k, prefix+".")
			if !ok {
				continue
			}
			n, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < 10000 {
				seen[i] = true
			}
		}
		out := make([]int, 0, len(seen))
		for i := range seen {
			out = append(out, i)
		}
		sort.Ints(out)
		return out
	}
	var cs programme.ConstraintSet
	rename := map[string]string{} // field as validated -> field in the form
	for _, i := range rows("regions") {
		k := fmt.Sprintf("regions.%d.", i)
		if f.Get(k+"remove") != "" {
			continue
		}
		g := programme.Region{ID: f.Get(k + "id"), Name: f.Get(k + "name"), Hosts: f[k+"hosts"], Cap: formInt(read, k+"cap", f.Get(k+"cap"), 0)}
		if g.Blank() && !read.Has(k+"cap") {
			continue
		}
		for _, name := range []string{"id", "name", "hosts", "cap"} {
			rename[fmt.Sprintf("regions.%d.%s", len(cs.Regions), name)] = k + name
		}
		cs.Regions = append(cs.Regions, g)
	}
	for _, i := range rows("country_quotas") {
		k := fmt.Sprintf("country_quotas.%d.", i)
		if f.Get(k+"remove") != "" {
			continue
		}
		q := programme.CountryQuota{ID: f.Get(k + "id"), Country: f.Get(k + "country"), Region: f.Get(k + "region"), Cap: formInt(read, k+"cap", f.Get(k+"cap"), 0)}
		if q.Blank() && !read.Has(k+"cap") {
			continue
		}
		for _, name := range []string{"id", "country", "region", "cap"} {
			rename[fmt.Sprintf("country_quotas.%d.%s", len(cs.CountryQuotas), name)] = k + name
		}
		cs.CountryQuotas = append(cs.CountryQuotas, q)
	}
	for _, i := range rows("seats") {
		k := fmt.Sprintf("seats.%d.", i)
		rule := programme.SeatRule{PositionID: f.Get(k + "position_id"), Target: formOptInt(read, k+"target", f.Get(k+"target")),
			Floor: formInt(read, k+"floor", f.Get(k+"floor"), 0)}
		for _, name := range []string{"position_id", "target", "floor"} {
			rename[fmt.Sprintf("seats.%d.%s", len(cs.Seats), name)] = k + name
		}
		cs.Seats = append(cs.Seats, rule)
	}
	return cs, rename
}

// progRenameFields maps the fields of a validation error to the form's names.
func progRenameFields(err error, rename map[string]string) error {
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return err
	}
	c := *e
	c.Fields = make([]silkbridge.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if to, ok := rename[f.Field]; ok {
			f.Field = to
		}
		c.Fields[i] = f
	}
	return &c
}

// programmeConstraintsFormValues fills the constraints form from the programme.
func programmeConstraintsFormValues(p *programme.Programme) url.Values {
	v := url.Values{}
	for i, g := range p.Constraints.Regions {
		k := fmt.Sprintf("regions.%d.", i)
		v.Set(k+"id", g.ID)
		v.Set(k+"name", g.Name)
		v[k+"hosts"] = g.Hosts
		v.Set(k+"cap", strconv.Itoa(g.Cap))
	}
	for i, q := range p.Constraints.CountryQuotas {
		k := fmt.Sprintf("country_quotas.%d.", i)
		v.Set(k+"id", q.ID)
		v.Set(k+"country", q.Country)
		v.Set(k+"region", q.Region)
		v.Set(k+"cap", strconv.Itoa(q.Cap))
	}
	for i, pos := range p.Positions {
		k := fmt.Sprintf("seats.%d.", i)
		v.Set(k+"position_id", pos.ID)
		if pos.Target != nil {
			v.Set(k+"target", strconv.Itoa(*pos.Target))
		}
		v.Set(k+"floor", strconv.Itoa(pos.Floor))
	}
	return v
}

// programmeConstraintRowsOf counts the rows the constraints form shows: those
// submitted or stored, and programmeConstraintRows blank ones more.
func programmeConstraintRowsOf(form url.Values, prefix string) []int {
	n := 0
	for k := range form {
		if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
			idx, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(idx); err == nil && i+1 > n && i < 10000 {
				n = i + 1
			}
		}
	}
	return seq(n + programmeConstraintRows)
}

func (s *Server) programmeConstraintsPage(w http.ResponseWriter, r *http.Request, p *programme.Programme, form url.Values, status int, err error) error {
	ref, rerr := s.store.Reference(r.Context())
	if rerr != nil {
		return rerr
	}
	page := &Page{Title: s.T(r, "prog.constraints.title", "Title", p.Title), Form: form, Data: map[string]any{
		"Prog": p, "Hosts": p.Hosts(), "Targets": p.Targets(), "Countries": ref.SortedCountries(requestLanguage(r).Tag),
		"RegionRows": programmeConstraintRowsOf(form, "regions"), "QuotaRows": programmeConstraintRowsOf(form, "country_quotas"),
	}}
	if err != nil {
		tr := s.translator(requestLanguage(r))
		page.Errors, page.Error = tr.FieldErrors(err), tr.Error(err)
	}
	s.render(w, r, "programmes/constraints", status, page)
	return nil
}

func (s *Server) programmeConstraintsForm(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	return s.programmeConstraintsPage(w, r, p, programmeConstraintsFormValues(p), http.StatusOK, nil)
}

func (s *Server) saveProgrammeConstraints(w http.ResponseWriter, r *http.Request) error {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	cs, rename := programmeConstraintsFromForm(r, &read)
	if read.Err() != nil {
		probe := *p
		err = read.Merge(progRenameFields(cs.Apply(&probe, s.programmeRef(r)), rename))
	} else {
		_, err = s.store.SetConstraints(r.Context(), store.Actor{UserID: u.ID}, p.ID, cs)
		err = progRenameFields(err, rename)
	}
	if err != nil {
		if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
			return err
		}
		return s.programmeConstraintsPage(w, r, p, r.PostForm, http.StatusUnprocessableEntity, err)
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID+"#constraints", s.T(r, "prog.constraints.saved"))
	return nil
}

func (s *Server) apiListProgrammes(w http.ResponseWriter, r *http.Request) error {
	f, err := programmeFilter(r)
	if err != nil {
		return err
	}
	list, page, err := s.store.Programmes(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]programme.Programme, len(list))
	for i, p := range list {
		items[i] = *p
	}
	writeJSON(w, http.StatusOK, List[programme.Programme]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetProgramme(w http.ResponseWriter, r *http.Request) error {
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiCreateProgramme(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	if !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	var in programmeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var read silkbridge.Problems
	var p programme.Programme
	in.apply(&p, &read)
	var err error
	if read.Err() != nil {
		p.Normalise()
		err = read.Merge(p.Validate(s.programmeRef(r)))
	} else {
		err = s.store.CreateProgramme(r.Context(), store.Actor{UserID: u.ID}, &p)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/programmes/"+p.ID)
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiUpdateProgramme(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	var in programmeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var read silkbridge.Problems
	if err := s.saveProgramme(r.Context(), u, p, in, &read); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiDeleteProgramme(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteProgramme(r.Context(), store.Actor{UserID: u.ID}, p.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCloseProgramme(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := s.store.CloseApplications(r.Context(), store.Actor{UserID: u.ID}, p.ID); err != nil {
		return err
	}
	p, err = s.store.Programme(r.Context(), p.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiCreatePosition(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	var in programmePositionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var pos programme.Position
	in.apply(&pos)
	if err := s.store.AddPosition(r.Context(), store.Actor{UserID: u.ID}, p.ID, &pos); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/programmes/"+p.ID)
	writeJSON(w, http.StatusCreated, pos)
	return nil
}

func (s *Server) apiUpdatePosition(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, pos, u, err := s.programmeOfficerPosition(r)
	if err != nil {
		return err
	}
	var in programmePositionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.store.UpdatePosition(r.Context(), store.Actor{UserID: u.ID}, p.ID, pos.ID, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiDeletePosition(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, pos, u, err := s.programmeOfficerPosition(r)
	if err != nil {
		return err
	}
	if err := s.store.DeletePosition(r.Context(), store.Actor{UserID: u.ID}, p.ID, pos.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiGetConstraints(w http.ResponseWriter, r *http.Request) error {
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programme.ConstraintSetOf(p))
	return nil
}

func (s *Server) apiSetConstraints(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	var cs programme.ConstraintSet
	if err := decodeJSON(r, &cs); err != nil {
		return err
	}
	after, err := s.store.SetConstraints(r.Context(), store.Actor{UserID: u.ID}, p.ID, cs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programme.ConstraintSetOf(after))
	return nil
}
