package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// Cooperations: the list and the record of every cooperation with its
// depth ladder, partners, outputs and the timeline of its stage changes.
// The managers of any partner organisation edit it, record outputs and
// move it on the ladder; the coordinator's managers add partners.

func (s *Server) cooperationRoutes() {
	s.page("GET /cooperations", s.listCooperations)
	s.page("GET /cooperations/new", s.newCooperationForm)
	s.page("GET /cooperations/organisation-options", s.organisationOptions)
	s.page("POST /cooperations", s.createCooperation)
	s.page("GET /cooperations/{id}", s.showCooperation)
	s.page("GET /cooperations/{id}/edit", s.editCooperationForm)
	s.page("POST /cooperations/{id}", s.updateCooperation)
	s.page("POST /cooperations/{id}/stage", s.changeStage)
	s.page("POST /cooperations/{id}/outputs", s.addOutput)
	s.page("POST /cooperations/{id}/partners", s.addPartner)
	s.page("POST /cooperations/{id}/delete", s.deleteCooperation)

	listQuery := map[string]string{
		"q": "free-text search (any of the six UN languages)", "country": "ISO 3166-1 alpha-2 code of a partner's country",
		"country2": "with country: cooperations between the two countries", "field": "FORD field code",
		"stage":  "depth stage (exchange, joint_research, joint_lab, technology_transfer, commercialisation)",
		"source": "where it came from (interest, event, agreement, park, import, manual)", "source_ref": "with source: the id of that record",
		"year": "running in this year", "organisation": "id of a partner organisation", "bri": "true: with a partner from a Belt and Road partner country",
		"grants": "true: single-beneficiary grants (kept as records of their organisation) instead of cooperations",
		"page":   "page number", "per_page": "items per page (at most 100)"}
	s.handleAPI("GET /api/v1/cooperations", Op{Summary: "List and search cooperations", Tag: "cooperations",
		Response: List[cooperation.Cooperation]{}, Query: listQuery}, s.apiListCooperations)
	s.handleAPI("POST /api/v1/cooperations", Op{Summary: "Create a cooperation (coordinated by an organisation you manage; officers: any)", Tag: "cooperations",
		Request: cooperationInput{}, Response: cooperation.Cooperation{}, Auth: true, Status: http.StatusCreated}, s.apiCreateCooperation)
	s.handleAPI("GET /api/v1/cooperations/{id}", Op{Summary: "One cooperation with partners, outputs and stage history", Tag: "cooperations",
		Response: cooperation.Cooperation{}}, s.apiGetCooperation)
	s.handleAPI("PUT /api/v1/cooperations/{id}", Op{Summary: "Replace a cooperation's details (managers of a partner)", Tag: "cooperations",
		Request: cooperationDetails{}, Response: cooperation.Cooperation{}, Auth: true}, s.apiUpdateCooperation)
	s.handleAPI("DELETE /api/v1/cooperations/{id}", Op{Summary: "Delete a cooperation (the coordinator's managers)", Tag: "cooperations",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteCooperation)
	s.handleAPI("POST /api/v1/cooperations/{id}/stage", Op{Summary: "Move a cooperation on the depth ladder, dated and with evidence (managers of a partner)",
		Tag: "cooperations", Request: stageInput{}, Response: cooperation.StageChange{}, Auth: true, Status: http.StatusCreated}, s.apiChangeStage)
	s.handleAPI("POST /api/v1/cooperations/{id}/outputs", Op{Summary: "Record an output: a publication, patent, product or people trained (managers of a partner)",
		Tag: "cooperations", Request: outputInput{}, Response: cooperation.Output{}, Auth: true, Status: http.StatusCreated}, s.apiAddOutput)
	s.handleAPI("POST /api/v1/cooperations/{id}/partners", Op{Summary: "Add a partner organisation (the coordinator's managers)",
		Tag: "cooperations", Request: partnerInput{}, Response: cooperation.Cooperation{}, Auth: true, Status: http.StatusCreated}, s.apiAddPartner)
	s.handleAPI("GET /api/v1/organisations/{id}/cooperations", Op{Summary: "The cooperations an organisation is a partner in", Tag: "cooperations",
		Response: []cooperation.Cooperation{}}, s.apiOrganisationCooperations)
}

// partnerInput is one partner in the API's create call and its add call.
type partnerInput struct {
	OrgID        string  `json:"organisation_id"`
	Role         string  `json:"role"`
	Contribution float64 `json:"contribution_eur"`
}

// cooperationDetails are the fields a partner's manager may change.
type cooperationDetails struct {
	Title        string   `json:"title"`
	Acronym      string   `json:"acronym"`
	Summary      string   `json:"summary"`
	Fields       []string `json:"fields"`
	Keywords     []string `json:"keywords"`
	StartDate    string   `json:"start_date"`
	EndDate      string   `json:"end_date"`
	TotalCost    float64  `json:"total_cost_eur"`
	Funding      float64  `json:"funding_eur"`
	Funder       string   `json:"funder"`
	Programme    string   `json:"programme"`
	TypeOfAction string   `json:"type_of_action"`
}

func (in cooperationDetails) apply(c *cooperation.Cooperation) {
	c.Title, c.Acronym, c.Summary, c.Fields, c.Keywords = in.Title, in.Acronym, in.Summary, in.Fields, in.Keywords
	c.StartDate, c.EndDate, c.TotalCost, c.Funding = in.StartDate, in.EndDate, in.TotalCost, in.Funding
	c.Funder, c.Programme, c.TypeOfAction = in.Funder, in.Programme, in.TypeOfAction
}

// cooperationInput is the body of the API's create call and what the new
// cooperation form holds.
type cooperationInput struct {
	cooperationDetails
	Stage      string         `json:"stage"`
	SourceKind string         `json:"source_kind"`
	SourceRef  string         `json:"source_ref"`
	Partners   []partnerInput `json:"partners"`
}

func (in cooperationInput) cooperation() *cooperation.Cooperation {
	c := &cooperation.Cooperation{Stage: in.Stage, Source: cooperation.Source{Kind: in.SourceKind, Ref: in.SourceRef}}
	in.cooperationDetails.apply(c)
	for _, p := range in.Partners {
		c.Partners = append(c.Partners, cooperation.Partner{OrgID: p.OrgID, Role: p.Role, Contribution: p.Contribution})
	}
	return c
}

// stageInput is a move on the ladder, from the API or the stage form.
type stageInput struct {
	Stage        string `json:"stage"`
	Date         string `json:"date"`
	EvidenceKind string `json:"evidence_kind"`
	EvidenceRef  string `json:"evidence_ref"`
	Evidence     string `json:"evidence"`
}

// outputInput is an output, from the API or the output form.
type outputInput struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Date  string `json:"date"`
	Count int    `json:"count"`
	URL   string `json:"url"`
}

func detailsFromForm(r *http.Request, p *silkbridge.Problems) cooperationDetails {
	f := r.PostForm
	return cooperationDetails{Title: f.Get("title"), Acronym: f.Get("acronym"), Summary: f.Get("summary"), Fields: f["fields"],
		Keywords: splitList(f.Get("keywords")), StartDate: f.Get("start_date"), EndDate: f.Get("end_date"),
		TotalCost: formAmount(p, "total_cost_eur", f.Get("total_cost_eur"), "coop.field.amount"), Funding: formAmount(p, "funding_eur", f.Get("funding_eur"), "coop.field.amount"),
		Funder: f.Get("funder"), Programme: f.Get("programme"), TypeOfAction: f.Get("type_of_action")}
}

// partnerRows is how many partner rows the new cooperation form offers.
const partnerRows = 6

// partnerRow is one partner row of the new cooperation form.
type partnerRow struct {
	N           int
	OrgID, Role string
}

func cooperationFromForm(r *http.Request, p *silkbridge.Problems) cooperationInput {
	f := r.PostForm
	in := cooperationInput{cooperationDetails: detailsFromForm(r, p), Stage: f.Get("stage"), SourceKind: f.Get("source_kind"), SourceRef: f.Get("source_ref")}
	if c := strings.TrimSpace(f.Get("coordinator")); c != "" {
		in.Partners = append(in.Partners, partnerInput{OrgID: c, Role: cooperation.RoleCoordinator})
	}
	ids, roles := f["partner_id"], f["partner_role"]
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			continue
		}
		role := cooperation.RoleParticipant
		if i < len(roles) && roles[i] != "" {
			role = roles[i]
		}
		in.Partners = append(in.Partners, partnerInput{OrgID: strings.TrimSpace(id), Role: role})
	}
	return in
}

func stageFromForm(r *http.Request) stageInput {
	f := r.PostForm
	return stageInput{Stage: f.Get("stage"), Date: f.Get("date"), EvidenceKind: f.Get("evidence_kind"), EvidenceRef: f.Get("evidence_ref"), Evidence: f.Get("evidence")}
}

func (in stageInput) evidence() cooperation.Evidence {
	ref := in.EvidenceRef
	if in.EvidenceKind == "" || in.EvidenceKind == cooperation.EvidenceNote {
		ref = ""
	}
	return cooperation.Evidence{Kind: in.EvidenceKind, Ref: ref, Note: in.Evidence}
}

// readCoopForm reads a posted form; a body that cannot be read is the
// sender's fault.
func readCoopForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	return nil
}

// Permissions. Admins manage every organisation, so u.Manages covers them.

// canEditCooperation: the managers of any partner organisation.
func canEditCooperation(u *account.User, c *cooperation.Cooperation) bool {
	if u == nil {
		return false
	}
	for _, p := range c.Partners {
		if u.Manages(p.OrgID) {
			return true
		}
	}
	return false
}

// canCoordinate: the managers of the coordinating organisation.
func canCoordinate(u *account.User, c *cooperation.Cooperation) bool {
	p, ok := c.Coordinator()
	return ok && u.Manages(p.OrgID)
}

// mayCreateCooperation says whether u may create a cooperation with this
// coordinator: its managers, or an agency officer for any organisations.
func mayCreateCooperation(u *account.User, coordinator string) error {
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if u.IsOfficer() || coordinator == "" || u.Manages(coordinator) {
		return nil
	}
	return silkbridge.Errorf(silkbridge.EFORBIDDEN, "coop.error.coordinator_not_managed", "the coordinator must be an organisation you manage")
}

func coordinatorID(in cooperationInput) string {
	for _, p := range in.Partners {
		if p.Role == cooperation.RoleCoordinator {
			return strings.TrimSpace(p.OrgID)
		}
	}
	return ""
}

// checkSource refuses a source that names a record of the platform that
// is not there (agreements and parks, which this capability can see).
func (s *Server) checkSource(ctx context.Context, kind, ref string) error {
	ref = strings.TrimSpace(ref)
	switch kind {
	case cooperation.SourceAgreement:
		if !silkbridge.ValidID(ref) {
			return silkbridge.Invalid("source_ref", "coop.field.source_ref", "not a record of that kind on the platform", nil)
		}
		if _, err := s.store.Agreement(ctx, ref); err != nil {
			if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
				return silkbridge.Invalid("source_ref", "coop.field.source_ref", "not a record of that kind on the platform", nil)
			}
			return err
		}
	case cooperation.SourcePark:
		o, err := s.store.Organisation(ctx, ref)
		if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND || (err == nil && o.Kind != organisation.Park) || !silkbridge.ValidID(ref) {
			return silkbridge.Invalid("source_ref", "coop.field.source_ref", "not a record of that kind on the platform", nil)
		}
		return err
	}
	return nil
}

func coopFilter(r *http.Request, ref *store.Reference) (cooperation.Filter, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	f := cooperation.Filter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))),
		Country2: strings.ToUpper(strings.TrimSpace(q.Get("country2"))), Field: q.Get("field"), Stage: q.Get("stage"),
		SourceKind: q.Get("source"), SourceRef: q.Get("source_ref"), OrgID: q.Get("organisation"),
		BRIPartner: queryBool(r, "bri"), Grants: queryBool(r, "grants")}
	for name, code := range map[string]string{"country": f.Country, "country2": f.Country2} {
		if code != "" && !ref.CountryExists(code) {
			p.Add(name, "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": code})
		}
	}
	if f.Field != "" && !ref.FieldExists(f.Field) {
		p.Add("field", "field.field_code", "not a field of research and development code (such as 2.2)", map[string]any{"Value": f.Field})
	}
	if f.Stage != "" && !cooperation.ValidStage(f.Stage) {
		p.Add("stage", "coop.field.stage", "choose a stage of the depth ladder", map[string]any{"Value": f.Stage})
	}
	if f.SourceKind != "" && !containsString(cooperation.SourceKinds, f.SourceKind) {
		p.Add("source", "field.choice", "choose one of the values listed", map[string]any{"Value": f.SourceKind})
	}
	var err error
	for _, n := range []struct {
		name string
		dst  *int
		def  int
	}{{"year", &f.Year, 0}, {"page", &f.Page, 1}, {"per_page", &f.PerPage, 20}} {
		if *n.dst, err = queryInt(r, n.name, n.def); err != nil {
			p.Add(n.name, "field.integer", "a whole number", nil)
		}
	}
	if f.Year != 0 && (f.Year < 1900 || f.Year > 2200) {
		p.Add("year", "coop.field.year", "a year such as 2019", nil)
	}
	return f, p.Err()
}

func (s *Server) listCooperations(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	f, ferr := coopFilter(r, ref)
	var coops []*cooperation.Cooperation
	var page store.Page
	if ferr == nil {
		if coops, page, err = s.store.Cooperations(r.Context(), f); err != nil {
			return err
		}
	}
	p := &Page{Title: s.T(r, "coop.list.title"), Data: map[string]any{
		"Cooperations": coops, "Page": page, "Filter": f, "Stages": cooperation.Stages, "Sources": cooperation.SourceKinds,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields, "CanCreate": currentUser(r) != nil,
	}}
	clearFlash(w, r)
	if ferr != nil {
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(ferr), tr.Error(ferr)
		s.render(w, r, "cooperations/list", http.StatusUnprocessableEntity, p)
		return nil
	}
	s.render(w, r, "cooperations/list", http.StatusOK, p)
	return nil
}

// cooperationPage gathers what the cooperation page shows.
func (s *Server) cooperationPage(r *http.Request, c *cooperation.Cooperation) (*Page, error) {
	u := currentUser(r)
	var agreements []*cooperation.Agreement
	for _, id := range c.AgreementIDs {
		a, err := s.store.Agreement(r.Context(), id)
		if err != nil {
			return nil, err
		}
		agreements = append(agreements, a)
	}
	next := ""
	if i := cooperation.StageIndex(c.Stage); i >= 0 && i+1 < len(cooperation.Stages) {
		next = cooperation.Stages[i+1]
	}
	fu, err := s.facilitiesForCooperation(r.Context(), c)
	if err != nil {
		return nil, err
	}
	stageForm := url.Values{"stage": {next}, "date": {time.Now().UTC().Format(cooperation.DateLayout)}, "evidence_kind": {cooperation.EvidenceNote}}
	return &Page{Title: c.Label(), Data: map[string]any{
		"StageForm": stageForm, "OutputForm": url.Values{}, "PartnerForm": url.Values{},
		"StageErrors": map[string]string{}, "OutputErrors": map[string]string{}, "PartnerErrors": map[string]string{},
		"Coop": c, "Stages": cooperation.Stages, "StageIndex": cooperation.StageIndex(c.Stage), "Rungs": ladderRungs(c), "Agreements": agreements,
		"CanEdit": canEditCooperation(u, c) && !c.SingleBeneficiary, "CanCoordinate": canCoordinate(u, c) && !c.SingleBeneficiary,
		"OutputKinds": cooperation.OutputKinds, "EvidenceKinds": cooperation.EvidenceKinds, "Roles": []string{cooperation.RoleParticipant, cooperation.RolePartner},
		"Today":       time.Now().UTC().Format(cooperation.DateLayout),
		"Detours":     s.detoursFor(r.Context(), c.Fields, 3),
		"FacilityUse": fu,
	}}, nil
}

func (s *Server) showCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.store.Cooperation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := s.cooperationPage(r, c)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "cooperations/show", http.StatusOK, p)
	return nil
}

// cooperationFormError shows the cooperation page again with the problems
// of a refused form (stage, output or partner) beside its fields.
func (s *Server) cooperationFormError(w http.ResponseWriter, r *http.Request, c *cooperation.Cooperation, form string, err error) error {
	p, perr := s.cooperationPage(r, c)
	if perr != nil {
		return perr
	}
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
		return err
	}
	// The page holds three forms: the refused one shows its input and
	// problems, the others stay as they were.
	tr := s.translator(requestLanguage(r))
	data := p.Data.(map[string]any)
	data["OpenForm"], data[form+"Form"], data[form+"Errors"] = strings.ToLower(form), r.PostForm, tr.FieldErrors(err)
	p.Error = tr.Error(err)
	s.render(w, r, "cooperations/show", http.StatusUnprocessableEntity, p)
	return nil
}

// cooperationFor loads the cooperation of the path for a change that allow
// permits the signed-in user.
func (s *Server) cooperationFor(r *http.Request, allow func(*account.User, *cooperation.Cooperation) bool) (*cooperation.Cooperation, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	c, err := s.store.Cooperation(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !allow(u, c) {
		return nil, silkbridge.Forbidden()
	}
	return c, nil
}

func (s *Server) changeStage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cooperationFor(r, canEditCooperation)
	if err == nil {
		err = readCoopForm(r)
	}
	if err != nil {
		return err
	}
	in := stageFromForm(r)
	if _, err := s.store.ChangeStage(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, in.Stage, in.Date, in.evidence()); err != nil {
		return s.cooperationFormError(w, r, c, "Stage", err)
	}
	s.redirectFlash(w, r, "/cooperations/"+c.ID+"#timeline", s.T(r, "coop.stage.changed", "Stage", s.T(r, "coop.stage."+in.Stage)))
	return nil
}

func (s *Server) addOutput(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cooperationFor(r, canEditCooperation)
	if err == nil {
		err = readCoopForm(r)
	}
	if err != nil {
		return err
	}
	var read silkbridge.Problems
	f := r.PostForm
	o := &cooperation.Output{Kind: f.Get("kind"), Title: f.Get("title"), Date: f.Get("date"), Count: formInt(&read, "count", f.Get("count"), 0), URL: f.Get("url")}
	if read.Err() != nil {
		o.Normalise()
		err = read.Merge(o.Validate(time.Now().UTC()))
	} else {
		err = s.store.AddOutput(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, o)
	}
	if err != nil {
		return s.cooperationFormError(w, r, c, "Output", err)
	}
	s.redirectFlash(w, r, "/cooperations/"+c.ID+"#outputs", s.T(r, "coop.output.added"))
	return nil
}

func (s *Server) addPartner(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cooperationFor(r, canCoordinate)
	if err == nil {
		err = readCoopForm(r)
	}
	if err != nil {
		return err
	}
	var read silkbridge.Problems
	f := r.PostForm
	p := cooperation.Partner{OrgID: f.Get("organisation_id"), Role: f.Get("role"), Contribution: formAmount(&read, "contribution_eur", f.Get("contribution_eur"), "coop.field.amount")}
	if err := read.Err(); err != nil {
		return s.cooperationFormError(w, r, c, "Partner", err)
	}
	if err := s.store.AddPartner(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, p); err != nil {
		return s.cooperationFormError(w, r, c, "Partner", err)
	}
	s.redirectFlash(w, r, "/cooperations/"+c.ID+"#partners", s.T(r, "coop.partner.added"))
	return nil
}

func (s *Server) deleteCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cooperationFor(r, canCoordinate)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/cooperations", s.T(r, "deleted"))
	return nil
}

// cooperationFormData is what the new and edit forms need.
func (s *Server) cooperationFormData(r *http.Request, c *cooperation.Cooperation) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	u := currentUser(r)
	var managed []*organisation.Organisation
	for _, id := range u.Orgs {
		o, err := s.store.Organisation(r.Context(), id)
		if err != nil {
			if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
				continue
			}
			return nil, err
		}
		managed = append(managed, o)
	}
	// The partner rows show what was posted (or a partner named in the
	// address, as the marketplace and events link here with one).
	rows := make([]partnerRow, partnerRows)
	ids, roles := r.PostForm["partner_id"], r.PostForm["partner_role"]
	if len(ids) == 0 && r.URL.Query().Get("partner_id") != "" {
		ids = []string{r.URL.Query().Get("partner_id")}
	}
	for i := range rows {
		rows[i].N = i + 1
		if i < len(ids) {
			rows[i].OrgID = ids[i]
		}
		if i < len(roles) {
			rows[i].Role = roles[i]
		}
	}
	return map[string]any{"Coop": c, "Stages": cooperation.Stages, "Fields": ref.Fields, "Managed": managed,
		"Officer": u.IsOfficer(), "Roles": cooperation.Roles[1:], "PartnerRows": rows,
		"Sources": []string{cooperation.SourceManual, cooperation.SourceEvent, cooperation.SourceAgreement, cooperation.SourcePark, cooperation.SourceInterest}}, nil
}

func (s *Server) newCooperationForm(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) == nil {
		return silkbridge.Unauthorized()
	}
	data, err := s.cooperationFormData(r, &cooperation.Cooperation{})
	if err != nil {
		return err
	}
	form := url.Values{"stage": {cooperation.Exchange}, "source_kind": {cooperation.SourceManual}}
	for _, k := range []string{"source_kind", "source_ref", "partner_id"} {
		if v := r.URL.Query().Get(k); v != "" {
			form.Set(k, v)
		}
	}
	s.render(w, r, "cooperations/form", http.StatusOK, &Page{Title: s.T(r, "coop.new.title"), Data: data, Form: form})
	return nil
}

// createFromInput checks who may create it and where it came from, then stores it.
func (s *Server) createFromInput(ctx context.Context, u *account.User, in cooperationInput) (*cooperation.Cooperation, error) {
	if err := mayCreateCooperation(u, coordinatorID(in)); err != nil {
		return nil, err
	}
	c := in.cooperation()
	if err := s.checkSource(ctx, in.SourceKind, in.SourceRef); err != nil {
		return nil, err
	}
	if err := s.store.CreateCooperation(ctx, store.Actor{UserID: u.ID}, c); err != nil {
		return nil, err
	}
	if c.Source.Kind == cooperation.SourceAgreement {
		if err := s.store.LinkCooperation(ctx, store.Actor{UserID: u.ID}, c.Source.Ref, c.ID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (s *Server) createCooperation(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := readCoopForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	in := cooperationFromForm(r, &read)
	var c *cooperation.Cooperation
	var err error
	if read.Err() != nil {
		draft := in.cooperation()
		draft.Normalise()
		err = read.Merge(s.validateWith(r.Context(), draft.Validate))
	} else {
		c, err = s.createFromInput(r.Context(), u, in)
	}
	if err != nil {
		data, derr := s.cooperationFormData(r, in.cooperation())
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "cooperations/form", &Page{Title: s.T(r, "coop.new.title"), Data: data}, err)
	}
	s.redirectFlash(w, r, "/cooperations/"+c.ID, s.T(r, "coop.created"))
	return nil
}

func cooperationForm(c *cooperation.Cooperation) url.Values {
	amount := func(v float64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return url.Values{"title": {c.Title}, "acronym": {c.Acronym}, "summary": {c.Summary}, "fields": c.Fields,
		"keywords": {strings.Join(c.Keywords, ", ")}, "start_date": {c.StartDate}, "end_date": {c.EndDate},
		"total_cost_eur": {amount(c.TotalCost)}, "funding_eur": {amount(c.Funding)}, "funder": {c.Funder},
		"programme": {c.Programme}, "type_of_action": {c.TypeOfAction}}
}

func (s *Server) editCooperationForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cooperationFor(r, canEditCooperation)
	if err != nil {
		return err
	}
	data, err := s.cooperationFormData(r, c)
	if err != nil {
		return err
	}
	s.render(w, r, "cooperations/form", http.StatusOK, &Page{Title: s.T(r, "coop.edit.title"), Data: data, Form: cooperationForm(c)})
	return nil
}

func (s *Server) updateCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cooperationFor(r, canEditCooperation)
	if err == nil {
		err = readCoopForm(r)
	}
	if err != nil {
		return err
	}
	var read silkbridge.Problems
	in := detailsFromForm(r, &read)
	if read.Err() != nil {
		// Numbers that are not numbers: nothing is saved; the other
		// fields are checked too, so that every problem shows at once.
		draft := *c
		in.apply(&draft)
		draft.Normalise()
		return s.cooperationEditError(w, r, c, read.Merge(s.validateWith(r.Context(), draft.ValidateDetails)))
	}
	if _, err := s.store.UpdateCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, in.apply); err != nil {
		return s.cooperationEditError(w, r, c, err)
	}
	s.redirectFlash(w, r, "/cooperations/"+c.ID, s.T(r, "saved"))
	return nil
}

// validateWith runs a validation that needs the reference data.
func (s *Server) validateWith(ctx context.Context, validate func(cooperation.Checker) error) error {
	ref, err := s.store.Reference(ctx)
	if err != nil {
		return err
	}
	return validate(ref)
}

func (s *Server) cooperationEditError(w http.ResponseWriter, r *http.Request, c *cooperation.Cooperation, err error) error {
	data, derr := s.cooperationFormData(r, c)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "cooperations/form", &Page{Title: s.T(r, "coop.edit.title"), Data: data}, err)
}

// organisationOptions answers the partner search of the cooperation form
// with <option> elements for its datalist (htmx).
func (s *Server) organisationOptions(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	for _, name := range []string{"organisation_id", "partner_id"} {
		if q == "" {
			q = strings.TrimSpace(r.URL.Query().Get(name))
		}
	}
	var orgs []*organisation.Organisation
	if len([]rune(q)) >= 2 {
		var err error
		if orgs, _, err = s.store.Organisations(r.Context(), organisation.Filter{Query: q, PerPage: 15}); err != nil {
			return err
		}
	}
	s.render(w, r, "cooperations/options", http.StatusOK, &Page{Data: orgs})
	return nil
}

func (s *Server) apiListCooperations(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	f, err := coopFilter(r, ref)
	if err != nil {
		return err
	}
	coops, page, err := s.store.Cooperations(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]cooperation.Cooperation, len(coops))
	for i, c := range coops {
		items[i] = *c
	}
	writeJSON(w, http.StatusOK, List[cooperation.Cooperation]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.store.Cooperation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiCreateCooperation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in cooperationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.createFromInput(r.Context(), currentUser(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cooperations/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// apiCooperationFor is cooperationFor for API writes: the token must be
// allowed to write too.
func (s *Server) apiCooperationFor(r *http.Request, allow func(*account.User, *cooperation.Cooperation) bool) (*cooperation.Cooperation, error) {
	if err := writeAccess(r); err != nil {
		return nil, err
	}
	return s.cooperationFor(r, allow)
}

func (s *Server) apiUpdateCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCooperationFor(r, canEditCooperation)
	if err != nil {
		return err
	}
	var in cooperationDetails
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.store.UpdateCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiDeleteCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCooperationFor(r, canCoordinate)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiChangeStage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCooperationFor(r, canEditCooperation)
	if err != nil {
		return err
	}
	var in stageInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ch, err := s.store.ChangeStage(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, in.Stage, in.Date, in.evidence())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ch)
	return nil
}

func (s *Server) apiAddOutput(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCooperationFor(r, canEditCooperation)
	if err != nil {
		return err
	}
	var in outputInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o := &cooperation.Output{Kind: in.Kind, Title: in.Title, Date: in.Date, Count: in.Count, URL: in.URL}
	if err := s.store.AddOutput(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID, o); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiAddPartner(w http.ResponseWriter, r *http.Request) error {
	c, err := s.apiCooperationFor(r, canCoordinate)
	if err != nil {
		return err
	}
	var in partnerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.AddPartner(r.Context(), store.Actor{UserID: currentUser(r).ID}, c.ID,
		cooperation.Partner{OrgID: in.OrgID, Role: in.Role, Contribution: in.Contribution}); err != nil {
		return err
	}
	after, err := s.store.Cooperation(r.Context(), c.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, after)
	return nil
}

func (s *Server) apiOrganisationCooperations(w http.ResponseWriter, r *http.Request) error {
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	coops, err := s.store.CooperationsOfOrganisation(r.Context(), o.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, coops)
	return nil
}
