package web

import (
	"encoding/csv"
	"net/http"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) parkRoutes() {
	s.page("GET /parks", s.listParks)
	s.page("GET /parks/{id}", s.showPark)
	s.page("GET /parks/{id}/influence.csv", s.parkInfluenceCSV)
	s.page("POST /parks/{id}/members", s.addParkMember)
	s.page("POST /parks/{id}/members/{mid}/leave", s.endParkMembership)
	s.page("POST /parks/{id}/partners", s.addParkPartner)
	s.page("POST /parks/{id}/partners/{pid}/end", s.endParkPartnership)

	s.handleAPI("GET /api/v1/parks", Op{Summary: "List parks", Tag: "parks", Response: List[organisation.Organisation]{},
		Query: map[string]string{"q": "free-text search", "country": "ISO 3166-1 alpha-2 code", "page": "page number", "per_page": "items per page (at most 100)"}},
		s.apiListParks)
	s.handleAPI("GET /api/v1/parks/{id}", Op{Summary: "One park with its members, foreign partners and registered organisations", Tag: "parks",
		Response: parkDetail{}}, s.apiGetPark)
	s.handleAPI("GET /api/v1/parks/{id}/influence", Op{Summary: "The park's influence indicator over time, with its formula", Tag: "parks",
		Response: parkInfluence{}}, s.apiParkInfluence)
	s.handleAPI("POST /api/v1/parks/{id}/members", Op{Summary: "Record that an organisation joined the park (the park's managers)", Tag: "parks",
		Request: parkMemberInput{}, Response: park.Member{}, Auth: true, Status: http.StatusCreated}, s.apiAddParkMember)
	s.handleAPI("POST /api/v1/parks/{id}/partners", Op{Summary: "Record a foreign partner of the park (the park's managers)", Tag: "parks",
		Request: parkPartnerInput{}, Response: park.Partner{}, Auth: true, Status: http.StatusCreated}, s.apiAddParkPartner)
}

// parkMemberInput is the body of the API call that adds a member.
type parkMemberInput struct {
	OrgID    string `json:"organisation_id"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on"`
}

// parkPartnerInput is the body of the API call that adds a foreign partner.
type parkPartnerInput struct {
	OrgID   string `json:"organisation_id"`
	SinceOn string `json:"since_on"`
	UntilOn string `json:"until_on"`
}

// parkDetail is a park as the API gives it.
type parkDetail struct {
	Park      *organisation.Organisation   `json:"park"`
	Members   []park.Member                `json:"members"`
	Partners  []park.Partner               `json:"partners"`
	Residents []*organisation.Organisation `json:"registered_organisations"`
	Policies  string                       `json:"policies_url"`
}

// parkInfluence is the influence series as the API gives it.
type parkInfluence struct {
	ParkID string       `json:"park_id"`
	Stages []string     `json:"stages"`
	Series []park.Point `json:"series"`
	// Formula says how each point is computed.
	Formula string `json:"formula"`
}

// mayManagePark is the role-and-ownership rule of parks: the park
// organisation's managers, and admins.
func mayManagePark(u *account.User, parkID string) error {
	switch {
	case u == nil:
		return silkbridge.Unauthorized()
	case u.IsAdmin() || u.Manages(parkID):
		return nil
	}
	return silkbridge.Forbidden()
}

func (s *Server) listParks(w http.ResponseWriter, r *http.Request) error {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	parks, pg, err := s.store.Organisations(r.Context(), organisation.Filter{Kind: organisation.Park, Query: q.Get("q"), Country: q.Get("country"), Page: page})
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "parks/list", http.StatusOK, &Page{Title: s.T(r, "park.list.title"), Data: map[string]any{"Parks": parks, "Page": pg, "Query": q.Get("q")}})
	return nil
}

// influenceChart builds the ECharts option of the series: cooperations by
// rung as stacked bars, the other figures as lines. Each series carries
// the CSV column it equals as its id.
func (s *Server) influenceChart(r *http.Request, series []park.Point) map[string]any {
	dates := make([]string, len(series))
	for i, p := range series {
		dates[i] = p.Date
	}
	column := func(f func(park.Point) int) []int {
		out := make([]int, len(series))
		for i, p := range series {
			out[i] = f(p)
		}
		return out
	}
	var out []map[string]any
	for i, st := range park.Stages {
		out = append(out, map[string]any{"id": "active_" + st, "name": s.T(r, "coop.stage."+st), "type": "bar", "stack": "coops",
			"data": column(func(p park.Point) int { return p.ByStage[i] })})
	}
	lines := []struct {
		id, label string
		f         func(park.Point) int
	}{
		{"countries_engaged", "park.influence.countries", func(p park.Point) int { return p.Countries }},
		{"foreign_partners", "park.influence.partners", func(p park.Point) int { return p.ForeignPartners }},
		{"transfers_completed", "park.influence.transfers", func(p park.Point) int { return p.Transfers }},
		{"influence", "park.influence.score", func(p park.Point) int { return p.Influence }},
	}
	for _, l := range lines {
		out = append(out, map[string]any{"id": l.id, "name": s.T(r, l.label), "type": "line", "data": column(l.f)})
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"type": "scroll"},
		"grid":    map[string]any{"containLabel": true},
		"xAxis":   map[string]any{"type": "category", "data": dates},
		"yAxis":   map[string]any{"type": "value", "minInterval": 1},
		"series":  out,
	}
}

func (s *Server) showPark(w http.ResponseWriter, r *http.Request) error {
	return s.renderPark(w, r, http.StatusOK, nil, "")
}

// renderPark shows the park page; with err, the form named by which is
// shown again with its problems.
func (s *Server) renderPark(w http.ResponseWriter, r *http.Request, status int, err error, which string) error {
	ctx := r.Context()
	id := r.PathValue("id")
	pk, perr := s.store.Park(ctx, id)
	if perr != nil {
		return perr
	}
	members, err1 := s.store.ParkMembers(ctx, id)
	partners, err2 := s.store.ParkPartners(ctx, id)
	residents, err3 := s.store.ParkResidents(ctx, id)
	series, err4 := s.store.ParkInfluence(ctx, id, time.Now().UTC())
	coops, err5 := s.store.ParkCooperationList(ctx, id, 20)
	transfers, err6 := s.store.ParkTransfers(ctx, id)
	for _, e := range []error{err1, err2, err3, err4, err5, err6} {
		if e != nil {
			return e
		}
	}
	u := currentUser(r)
	data := map[string]any{"Park": pk, "Members": members, "Partners": partners, "Residents": residents, "Series": series,
		"Chart": s.influenceChart(r, series), "Stages": park.Stages, "Cooperations": coops, "Transfers": transfers,
		"Today": today(), "CanManage": mayManagePark(u, id) == nil, "Which": which}
	fb, ferr := s.facilitiesOf(ctx, id, true, mayManagePark(u, id) == nil)
	if ferr != nil {
		return ferr
	}
	data["Facilities"] = fb
	if mayManagePark(u, id) == nil {
		orgs, _, oerr := s.store.Organisations(ctx, organisation.Filter{PerPage: 100})
		if oerr != nil {
			return oerr
		}
		data["Orgs"] = orgs
	}
	p := &Page{Title: pk.Name, Data: data}
	if err != nil {
		return s.formError(w, r, "parks/show", p, err)
	}
	clearFlash(w, r)
	s.render(w, r, "parks/show", status, p)
	return nil
}

func (s *Server) parkInfluenceCSV(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	series, err := s.store.ParkInfluence(r.Context(), id, time.Now().UTC())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="park-influence-`+id+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write(park.CSVHeader())
	for _, p := range series {
		cw.Write(park.CSVRow(p))
	}
	cw.Flush()
	return nil
}

// parkChange parses a park form posted by someone who may manage the park,
// or answers the refusal.
func (s *Server) parkChange(w http.ResponseWriter, r *http.Request) (*account.User, bool) {
	u := currentUser(r)
	if err := mayManagePark(u, r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, silkbridge.Malformed("body", "error.form", "the form could not be read", nil))
		return nil, false
	}
	return u, true
}

// parkDone redirects to the park page after a change, or shows the page
// again with the form's problems.
func (s *Server) parkDone(w http.ResponseWriter, r *http.Request, err error, which, msg string) error {
	if err != nil {
		if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID {
			return err
		}
		return s.renderPark(w, r, http.StatusUnprocessableEntity, err, which)
	}
	s.redirectFlash(w, r, "/parks/"+r.PathValue("id"), s.T(r, msg))
	return nil
}

func (s *Server) addParkMember(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.parkChange(w, r)
	if !ok {
		return nil
	}
	m := &park.Member{ParkID: r.PathValue("id"), OrgID: r.PostForm.Get("organisation_id"), JoinedOn: r.PostForm.Get("joined_on"), LeftOn: r.PostForm.Get("left_on")}
	return s.parkDone(w, r, s.store.AddParkMember(r.Context(), store.Actor{UserID: u.ID}, m), "member", "park.member.added")
}

func (s *Server) endParkMembership(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.parkChange(w, r)
	if !ok {
		return nil
	}
	_, err := s.store.EndParkMembership(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), r.PathValue("mid"), r.PostForm.Get("left_on"))
	return s.parkDone(w, r, err, "leave-"+r.PathValue("mid"), "park.member.left")
}

func (s *Server) addParkPartner(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.parkChange(w, r)
	if !ok {
		return nil
	}
	p := &park.Partner{ParkID: r.PathValue("id"), OrgID: r.PostForm.Get("organisation_id"), SinceOn: r.PostForm.Get("since_on"), UntilOn: r.PostForm.Get("until_on")}
	return s.parkDone(w, r, s.store.AddParkPartner(r.Context(), store.Actor{UserID: u.ID}, p), "partner", "park.partner.added")
}

func (s *Server) endParkPartnership(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.parkChange(w, r)
	if !ok {
		return nil
	}
	_, err := s.store.EndParkPartnership(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), r.PathValue("pid"), r.PostForm.Get("until_on"))
	return s.parkDone(w, r, err, "end-"+r.PathValue("pid"), "park.partner.ended")
}

func (s *Server) apiListParks(w http.ResponseWriter, r *http.Request) error {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	parks, pg, err := s.store.Organisations(r.Context(), organisation.Filter{Kind: organisation.Park, Query: q.Get("q"), Country: q.Get("country"), Page: page, PerPage: per})
	if err != nil {
		return err
	}
	items := make([]organisation.Organisation, len(parks))
	for i, p := range parks {
		items[i] = *p
		items[i].ContactEmail = ""
	}
	writeJSON(w, http.StatusOK, List[organisation.Organisation]{Items: items, Page: pg.Number, PerPage: pg.PerPage, Total: pg.Total})
	return nil
}

func (s *Server) apiGetPark(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), r.PathValue("id")
	pk, err := s.store.Park(ctx, id)
	if err != nil {
		return err
	}
	d := parkDetail{Park: pk, Policies: "/policies?issuer=" + id}
	pk.ContactEmail = ""
	if d.Members, err = s.store.ParkMembers(ctx, id); err == nil {
		if d.Partners, err = s.store.ParkPartners(ctx, id); err == nil {
			d.Residents, err = s.store.ParkResidents(ctx, id)
		}
	}
	if err != nil {
		return err
	}
	for _, o := range d.Residents {
		o.ContactEmail = ""
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiParkInfluence(w http.ResponseWriter, r *http.Request) error {
	series, err := s.store.ParkInfluence(r.Context(), r.PathValue("id"), time.Now().UTC())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parkInfluence{ParkID: r.PathValue("id"), Stages: park.Stages, Series: series, Formula: park.Formula})
	return nil
}

func (s *Server) apiAddParkMember(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.apiParkChange(w, r)
	if !ok {
		return nil
	}
	var in parkMemberInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m := &park.Member{ParkID: r.PathValue("id"), OrgID: in.OrgID, JoinedOn: in.JoinedOn, LeftOn: in.LeftOn}
	if err := s.store.AddParkMember(r.Context(), store.Actor{UserID: u.ID}, m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiAddParkPartner(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.apiParkChange(w, r)
	if !ok {
		return nil
	}
	var in parkPartnerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p := &park.Partner{ParkID: r.PathValue("id"), OrgID: in.OrgID, SinceOn: in.SinceOn, UntilOn: in.UntilOn}
	if err := s.store.AddParkPartner(r.Context(), store.Actor{UserID: u.ID}, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

// apiParkChange checks write access and the park rule for an API change.
func (s *Server) apiParkChange(w http.ResponseWriter, r *http.Request) (*account.User, bool) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return nil, false
	}
	u := currentUser(r)
	if err := mayManagePark(u, r.PathValue("id")); err != nil {
		s.apiError(w, r, err)
		return nil, false
	}
	return u, true
}
