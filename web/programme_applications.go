package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

// Applications to programmes and the hosts' rankings: a talent applies
// with a ranked list while the window is open; the managers of a host
// institution see who listed its positions and rank them; the officer
// sees every application.

// exportedProgrammeApplication is one of a member's applications in their data download.
type exportedProgrammeApplication struct {
	ProgrammeID    string                 `json:"programme_id"`
	ProgrammeTitle string                 `json:"programme_title"`
	Application    *programme.Application `json:"application"`
	// Result is the published placement, once there is one.
	Result *programme.Placement `json:"result,omitempty"`
}

// exportProgrammeApplications gathers a member's applications to
// programmes, with their published results, for the data download.
func exportProgrammeApplications(ctx context.Context, st *store.Store, userID string) (string, any, error) {
	const name = "programme_applications"
	out := []exportedProgrammeApplication{}
	t, err := st.TalentOfUser(ctx, userID)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return name, out, nil
	}
	if err != nil {
		return name, nil, err
	}
	apps, err := st.ApplicationsOfTalent(ctx, t.ID)
	if err != nil {
		return name, nil, err
	}
	for _, a := range apps {
		p, err := st.Programme(ctx, a.ProgrammeID)
		if err != nil {
			return name, nil, err
		}
		e := exportedProgrammeApplication{ProgrammeID: p.ID, ProgrammeTitle: p.Title, Application: a}
		if p.PublishedRunID != "" {
			if pl, err := st.PlacementOf(ctx, p.PublishedRunID, a.ID); err == nil {
				e.Result = pl
			}
		}
		out = append(out, e)
	}
	return name, out, nil
}

func (s *Server) programmeApplicationRoutes() {
	s.page("GET /programmes/{id}/apply", s.programmeApplyForm)
	s.page("POST /programmes/{id}/apply", s.applyToProgramme)
	s.page("POST /programmes/{id}/withdraw", s.withdrawFromProgramme)
	s.page("GET /programmes/{id}/applications", s.programmeApplications)
	s.page("GET /programmes/{id}/hosts/{org}", s.programmeHostPage)
	s.page("GET /programmes/{id}/positions/{pos}/ranking", s.programmeRankingForm)
	s.page("POST /programmes/{id}/positions/{pos}/ranking", s.saveProgrammeRanking)

	s.handleAPI("GET /api/v1/programmes/{id}/application", Op{Summary: "Your application to a programme", Tag: "programmes",
		Response: programme.Application{}, Auth: true}, s.apiMyApplication)
	s.handleAPI("PUT /api/v1/programmes/{id}/application", Op{Summary: "Apply, or replace your ranked list, while the window is open", Tag: "programmes",
		Request: programmeApplicationInput{}, Response: programme.Application{}, Auth: true}, s.apiApply)
	s.handleAPI("DELETE /api/v1/programmes/{id}/application", Op{Summary: "Withdraw your application while the window is open", Tag: "programmes",
		Auth: true, Status: http.StatusNoContent}, s.apiWithdraw)
	s.handleAPI("GET /api/v1/programmes/{id}/applications", Op{Summary: "The programme's applications (its officer; a host's managers with organisation_id)",
		Tag: "programmes", Response: List[programme.Application]{}, Auth: true,
		Query: map[string]string{"organisation_id": "only those listing this host's positions", "page": "page number", "per_page": "items per page"}},
		s.apiApplications)
	s.handleAPI("GET /api/v1/programmes/{id}/positions/{pos}/ranking", Op{Summary: "A position's applicants and the host's ranking (its managers, the officer)",
		Tag: "programmes", Response: programmeRankingView{}, Auth: true}, s.apiRanking)
	s.handleAPI("PUT /api/v1/programmes/{id}/positions/{pos}/ranking", Op{Summary: "Rank a position's applicants (the host's managers)", Tag: "programmes",
		Request: programmeRankingInput{}, Response: programmeRankingView{}, Auth: true}, s.apiSetRanking)
}

// programmeApplicationInput is the body of the API's apply call.
type programmeApplicationInput struct {
	// Choices are position ids, best first.
	Choices   []string `json:"choices"`
	Statement string   `json:"statement"`
}

// programmeTalentOf returns the signed-in user's talent profile, or a conflict
// telling them to write one first.
func (s *Server) programmeTalentOf(r *http.Request, u *account.User) (*talent.Profile, error) {
	t, err := s.store.TalentOfUser(r.Context(), u.ID)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return nil, silkbridge.Conflict("prog.profile_first", "write your talent profile before you apply")
	}
	return t, err
}

// programmeApplyPage shows the application form, with what is needed first: a
// profile, an open window, eligibility.
func (s *Server) programmeApplyPage(w http.ResponseWriter, r *http.Request, p *programme.Programme, u *account.User, form url.Values, status int, err error) error {
	data := map[string]any{"Prog": p, "State": p.State(time.Now())}
	page := &Page{Title: s.T(r, "prog.apply.title", "Title", p.Title), Form: form, Data: data}
	t, terr := s.store.TalentOfUser(r.Context(), u.ID)
	switch {
	case terr == nil:
		data["Talent"] = t
		ref, rerr := s.store.Reference(r.Context())
		if rerr != nil {
			return rerr
		}
		bri := func(code string) bool { c, ok := ref.Country(code); return ok && c.BRIPartner }
		if e := p.CheckEligibility(t, bri); e != nil {
			data["Ineligible"] = s.translator(requestLanguage(r)).FieldErrors(e)
		}
		if a, aerr := s.store.ApplicationOf(r.Context(), p.ID, t.ID); aerr == nil {
			data["Mine"] = a
			if form == nil {
				page.Form = url.Values{"choices": a.Choices, "statement": {a.Statement}}
			}
		}
	case silkbridge.ErrorCode(terr) != silkbridge.ENOTFOUND:
		return terr
	}
	// One select per place on the list, each showing its current choice.
	selected := make([]string, p.MaxChoices)
	copy(selected, page.Form["choices"])
	data["Selected"] = selected
	if err != nil {
		tr := s.translator(requestLanguage(r))
		page.Errors, page.Error = tr.FieldErrors(err), tr.Error(err)
	}
	s.render(w, r, "programmes/apply", status, page)
	return nil
}

func (s *Server) programmeApplyForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	return s.programmeApplyPage(w, r, p, u, nil, http.StatusOK, nil)
}

// programmeChoicesFromForm reads the ranked list: one select per place, blanks
// skipped. It returns, for each kept choice, its place in the form.
func programmeChoicesFromForm(r *http.Request) ([]string, map[string]string) {
	var out []string
	rename := map[string]string{}
	for i, c := range r.PostForm["choices"] {
		if strings.TrimSpace(c) == "" {
			continue
		}
		rename[fmt.Sprintf("choices.%d", len(out))] = fmt.Sprintf("choices.%d", i)
		out = append(out, c)
	}
	return out, rename
}

func (s *Server) applyToProgramme(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	t, err := s.programmeTalentOf(r, u)
	if err != nil {
		return err
	}
	choices, rename := programmeChoicesFromForm(r)
	_, created, err := s.store.SaveApplication(r.Context(), store.Actor{UserID: u.ID}, p.ID, t.ID,
		programme.Application{Choices: choices, Statement: r.PostForm.Get("statement")})
	if err != nil {
		if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
			return err
		}
		return s.programmeApplyPage(w, r, p, u, r.PostForm, http.StatusUnprocessableEntity, progRenameFields(err, rename))
	}
	msg := "prog.apply.updated"
	if created {
		msg = "prog.apply.done"
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID, s.T(r, msg))
	return nil
}

func (s *Server) withdrawFromProgramme(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	t, err := s.programmeTalentOf(r, u)
	if err != nil {
		return err
	}
	if err := s.store.WithdrawApplication(r.Context(), store.Actor{UserID: u.ID}, p.ID, t.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID, s.T(r, "prog.apply.withdrawn"))
	return nil
}

func (s *Server) programmeApplications(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return err
	}
	apps, pg, err := s.store.Applications(r.Context(), p.ID, store.ApplicationFilter{Page: page, PerPage: 50})
	if err != nil {
		return err
	}
	s.render(w, r, "programmes/applications", http.StatusOK, &Page{Title: s.T(r, "prog.applications.title", "Title", p.Title),
		Data: map[string]any{"Prog": p, "Applications": apps, "Page": pg}})
	return nil
}

// seesProgrammeHost reports whether the user may see a host's applicants and
// intake: its managers, and the programme's officer.
func seesProgrammeHost(u *account.User, p *programme.Programme, orgID string) bool {
	return u.Manages(orgID) || runsProgramme(u, p)
}

func (s *Server) programmeHostPage(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	orgID := r.PathValue("org")
	var positions []programme.Position
	for _, pos := range p.Positions {
		if pos.OrgID == orgID {
			positions = append(positions, pos)
		}
	}
	if len(positions) == 0 {
		return silkbridge.NotFound("host")
	}
	if !seesProgrammeHost(u, p, orgID) {
		return silkbridge.Forbidden()
	}
	data := map[string]any{"Prog": p, "OrgID": orgID, "Name": positions[0].OrgName, "Positions": positions,
		"CanRank": u.Manages(orgID) && p.PublishedRunID == ""}
	if p.PublishedRunID != "" {
		intake, _, err := s.store.Placements(r.Context(), p.PublishedRunID, store.PlacementFilter{OrgID: orgID, PerPage: 100})
		if err != nil {
			return err
		}
		data["Intake"] = intake
	}
	s.render(w, r, "programmes/host", http.StatusOK, &Page{Title: positions[0].OrgName + " · " + p.Title, Data: data})
	return nil
}

// programmeHostPosition loads the programme and position named in the path for
// someone who sees the host's applicants.
func (s *Server) programmeHostPosition(r *http.Request) (*programme.Programme, *programme.Position, *account.User, error) {
	u := currentUser(r)
	if u == nil {
		return nil, nil, nil, silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return nil, nil, nil, err
	}
	pos := p.Position(r.PathValue("pos"))
	if pos == nil {
		return nil, nil, nil, silkbridge.NotFound("position")
	}
	if !seesProgrammeHost(u, p, pos.OrgID) {
		return nil, nil, nil, silkbridge.Forbidden()
	}
	return p, pos, u, nil
}

// programmeRankingView is a position's applicants with the host's ranking.
type programmeRankingView struct {
	PositionID string                `json:"position_id"`
	Mode       string                `json:"rank_mode"`
	Rule       string                `json:"rank_rule"`
	Applicants []programme.Applicant `json:"applicants"`
}

// programmeRankingInput is the body of the API's ranking call.
type programmeRankingInput struct {
	Entries []programme.RankEntry `json:"entries"`
}

func (s *Server) programmeRankingPage(w http.ResponseWriter, r *http.Request, p *programme.Programme, pos *programme.Position, u *account.User, form url.Values, status int, err error) error {
	applicants, aerr := s.store.PositionApplicants(r.Context(), p.ID, pos.ID)
	if aerr != nil {
		return aerr
	}
	if form == nil {
		form = url.Values{}
		for _, a := range applicants {
			if a.Value != nil {
				form.Set("value."+a.ApplicationID, strconv.FormatFloat(*a.Value, 'f', -1, 64))
			}
			if a.Excluded {
				form.Add("excluded", a.ApplicationID)
			}
		}
	}
	page := &Page{Title: s.T(r, "prog.ranking.title", "Position", pos.Title), Form: form, Data: map[string]any{
		"Prog": p, "Pos": pos, "Applicants": applicants, "CanRank": u.Manages(pos.OrgID) && p.PublishedRunID == ""}}
	if err != nil {
		tr := s.translator(requestLanguage(r))
		page.Errors, page.Error = tr.FieldErrors(err), tr.Error(err)
	}
	s.render(w, r, "programmes/ranking", status, page)
	return nil
}

func (s *Server) programmeRankingForm(w http.ResponseWriter, r *http.Request) error {
	p, pos, u, err := s.programmeHostPosition(r)
	if err != nil {
		return err
	}
	return s.programmeRankingPage(w, r, p, pos, u, nil, http.StatusOK, nil)
}

// programmeRankingFromForm reads the ranking form: a value per applicant (blank
// for none yet) and the applicants marked not acceptable. Problems are
// named by the form's fields ("value.ID").
func programmeRankingFromForm(r *http.Request, read *silkbridge.Problems) ([]programme.RankEntry, map[string]string) {
	f := r.PostForm
	var entries []programme.RankEntry
	rename := map[string]string{}
	for _, id := range f["app"] {
		field := "value." + id
		e := programme.RankEntry{ApplicationID: id, Excluded: slices.Contains(f["excluded"], id)}
		if v := strings.TrimSpace(f.Get(field)); v != "" {
			x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil {
				read.Add(field, "prog.field.score", "a number", nil)
			} else {
				e.Value = &x
			}
		}
		rename[fmt.Sprintf("entries.%d.value", len(entries))] = field
		rename[fmt.Sprintf("entries.%d.application_id", len(entries))] = field
		entries = append(entries, e)
	}
	return entries, rename
}

func (s *Server) saveProgrammeRanking(w http.ResponseWriter, r *http.Request) error {
	p, pos, u, err := s.programmeHostPosition(r)
	if err != nil {
		return err
	}
	if !u.Manages(pos.OrgID) {
		return silkbridge.Forbidden()
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	entries, rename := programmeRankingFromForm(r, &read)
	if read.Err() != nil {
		err = read.Err()
	} else {
		err = progRenameFields(s.store.SetRanking(r.Context(), store.Actor{UserID: u.ID}, p.ID, pos.ID, entries), rename)
	}
	if err != nil {
		if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
			return err
		}
		return s.programmeRankingPage(w, r, p, pos, u, r.PostForm, http.StatusUnprocessableEntity, err)
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID+"/hosts/"+pos.OrgID, s.T(r, "prog.ranking.saved"))
	return nil
}

func (s *Server) apiMyApplication(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	t, err := s.programmeTalentOf(r, u)
	if err != nil {
		return err
	}
	a, err := s.store.ApplicationOf(r.Context(), r.PathValue("id"), t.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiApply(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	var in programmeApplicationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.programmeTalentOf(r, u)
	if err != nil {
		return err
	}
	a, _, err := s.store.SaveApplication(r.Context(), store.Actor{UserID: u.ID}, p.ID, t.ID, programme.Application{Choices: in.Choices, Statement: in.Statement})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	t, err := s.programmeTalentOf(r, u)
	if err != nil {
		return err
	}
	if err := s.store.WithdrawApplication(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	f := store.ApplicationFilter{OrgID: r.URL.Query().Get("organisation_id")}
	if !runsProgramme(u, p) && (f.OrgID == "" || !u.Manages(f.OrgID)) {
		return silkbridge.Forbidden()
	}
	if f.Page, err = queryInt(r, "page", 1); err != nil {
		return err
	}
	if f.PerPage, err = queryInt(r, "per_page", 20); err != nil {
		return err
	}
	apps, pg, err := s.store.Applications(r.Context(), p.ID, f)
	if err != nil {
		return err
	}
	items := make([]programme.Application, len(apps))
	for i, a := range apps {
		items[i] = *a
	}
	writeJSON(w, http.StatusOK, List[programme.Application]{Items: items, Page: pg.Number, PerPage: pg.PerPage, Total: pg.Total})
	return nil
}

func (s *Server) apiRanking(w http.ResponseWriter, r *http.Request) error {
	p, pos, _, err := s.programmeHostPosition(r)
	if err != nil {
		return err
	}
	return s.writeProgrammeRanking(w, r, p, pos)
}

func (s *Server) writeProgrammeRanking(w http.ResponseWriter, r *http.Request, p *programme.Programme, pos *programme.Position) error {
	applicants, err := s.store.PositionApplicants(r.Context(), p.ID, pos.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programmeRankingView{PositionID: pos.ID, Mode: pos.RankMode, Rule: pos.RankRule, Applicants: applicants})
	return nil
}

func (s *Server) apiSetRanking(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, pos, u, err := s.programmeHostPosition(r)
	if err != nil {
		return err
	}
	if !u.Manages(pos.OrgID) {
		return silkbridge.Forbidden()
	}
	var in programmeRankingInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.SetRanking(r.Context(), store.Actor{UserID: u.ID}, p.ID, pos.ID, in.Entries); err != nil {
		return err
	}
	return s.writeProgrammeRanking(w, r, p, pos)
}
