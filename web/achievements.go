package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) achievementRoutes() {
	s.page("GET /achievements", s.listAchievements)
	s.page("GET /achievements/new", s.newAchievementForm)
	s.page("POST /achievements", s.createAchievement)
	s.page("GET /achievements/match", s.matchAchievements)
	s.page("GET /technology-requests/{id}/achievements", s.achievementsForRequest)
	s.page("GET /achievements/{id}", s.showAchievement)
	s.page("GET /achievements/{id}/edit", s.editAchievementForm)
	s.page("POST /achievements/{id}", s.updateAchievement)
	s.page("POST /achievements/{id}/delete", s.deleteAchievement)
	s.page("POST /achievements/{id}/transfers", s.createTransfer)
	s.page("POST /achievements/{id}/transfers/{tid}/advance", s.advanceTransfer)

	s.handleAPI("GET /api/v1/achievements", Op{Summary: "List and search technology achievements", Tag: "achievements",
		Response: List[achievement.Achievement]{}, Query: map[string]string{"q": "free-text search (any of the six UN languages)",
			"kind": "achievement kind", "field": "field code (FORD)", "owner": "owner organisation id", "country": "available in this country",
			"trl_min": "lowest TRL", "page": "page number", "per_page": "items per page (at most 100)"}}, s.apiListAchievements)
	s.handleAPI("POST /api/v1/achievements", Op{Summary: "List an achievement of an organisation you manage", Tag: "achievements",
		Request: achievementInput{}, Response: achievement.Achievement{}, Auth: true, Status: http.StatusCreated}, s.apiCreateAchievement)
	s.handleAPI("GET /api/v1/achievements/{id}", Op{Summary: "One achievement with its transfers", Tag: "achievements",
		Response: achievementDetail{}}, s.apiGetAchievement)
	s.handleAPI("PUT /api/v1/achievements/{id}", Op{Summary: "Replace an achievement (its owner's managers)", Tag: "achievements",
		Request: achievementInput{}, Response: achievement.Achievement{}, Auth: true}, s.apiUpdateAchievement)
	s.handleAPI("DELETE /api/v1/achievements/{id}", Op{Summary: "Withdraw an achievement (its owner's managers)", Tag: "achievements",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteAchievement)
	s.handleAPI("GET /api/v1/achievements/suggestions", Op{Summary: "Achievements that could answer a technology request, ranked and explained", Tag: "achievements",
		Response: []achievement.Suggestion{}, Query: map[string]string{"request": "id of a marketplace technology request (or give the request below)",
			"q": "what is sought, in words", "field": "field codes (repeat)", "trl": "TRL sought (1-9)", "country": "where it would be used"}}, s.apiSuggestAchievements)
	s.handleAPI("POST /api/v1/achievements/{id}/transfers", Op{Summary: "Record a transfer of the achievement to an enterprise (its owner's managers)", Tag: "achievements",
		Request: transferInput{}, Response: achievement.Transfer{}, Auth: true, Status: http.StatusCreated}, s.apiCreateTransfer)
	s.handleAPI("POST /api/v1/achievements/{id}/transfers/{tid}/advance", Op{Summary: "Move a transfer to a later stage (the owner's managers)", Tag: "achievements",
		Request: advanceInput{}, Response: achievement.Transfer{}, Auth: true}, s.apiAdvanceTransfer)
}

// achievementInput is the body of the API's create and update calls.
type achievementInput struct {
	OwnerID     string   `json:"owner_id"`
	Title       string   `json:"title"`
	Kind        string   `json:"kind"`
	Summary     string   `json:"summary"`
	Fields      []string `json:"fields"`
	Keywords    []string `json:"keywords"`
	TRL         int      `json:"trl"`
	IPStatus    string   `json:"ip_status"`
	IPNumbers   []string `json:"ip_numbers"`
	Licensing   string   `json:"licensing"`
	AvailableIn []string `json:"available_in"`
}

func (in achievementInput) apply(a *achievement.Achievement) {
	a.Title, a.Kind, a.Summary, a.Fields, a.Keywords = in.Title, in.Kind, in.Summary, in.Fields, in.Keywords
	a.TRL, a.IPStatus, a.IPNumbers, a.Licensing, a.AvailableIn = in.TRL, in.IPStatus, in.IPNumbers, in.Licensing, in.AvailableIn
}

// transferInput is the body of the API call that records a transfer.
type transferInput struct {
	ReceiverID string `json:"receiver_id"`
	Stage      string `json:"stage"`
	Terms      string `json:"terms"`
	StartedOn  string `json:"started_on"`
}

// advanceInput is the body of the API call that moves a transfer on.
type advanceInput struct {
	Stage string `json:"stage"`
	Date  string `json:"date"`
}

// achievementDetail is an achievement as the API gives it.
type achievementDetail struct {
	achievement.Achievement
	Transfers []*achievement.Transfer `json:"transfers"`
}

// mayManageAchievementsOf is the role-and-ownership rule: the owner
// organisation's managers, and admins.
func mayManageAchievementsOf(u *account.User, ownerID string) error {
	switch {
	case u == nil:
		return silkbridge.Unauthorized()
	case u.IsAdmin() || u.Manages(ownerID):
		return nil
	}
	return silkbridge.Forbidden()
}

// achievementFromForm reads the achievement form; a TRL that is not a
// number is kept as 0, which validation refuses by name.
func achievementFromForm(r *http.Request) achievementInput {
	f := r.PostForm
	trl, _ := strconv.Atoi(strings.TrimSpace(f.Get("trl")))
	return achievementInput{OwnerID: f.Get("owner_id"), Title: f.Get("title"), Kind: f.Get("kind"), Summary: f.Get("summary"),
		Fields: f["fields"], Keywords: splitList(f.Get("keywords")), TRL: trl, IPStatus: f.Get("ip_status"),
		IPNumbers: splitList(f.Get("ip_numbers")), Licensing: f.Get("licensing"), AvailableIn: splitList(f.Get("available_in"))}
}

func achievementForm(a *achievement.Achievement) map[string][]string {
	return map[string][]string{"owner_id": {a.OwnerID}, "title": {a.Title}, "kind": {a.Kind}, "summary": {a.Summary},
		"fields": a.Fields, "keywords": {strings.Join(a.Keywords, ", ")}, "trl": {strconv.Itoa(a.TRL)}, "ip_status": {a.IPStatus},
		"ip_numbers": {strings.Join(a.IPNumbers, ", ")}, "licensing": {a.Licensing}, "available_in": {strings.Join(a.AvailableIn, ", ")}}
}

func achievementFilter(r *http.Request) (achievement.Filter, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	num := func(name string, def int) int {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			p.Add(name, "field.integer", "a whole number", nil)
		}
		return n
	}
	f := achievement.Filter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Field: q.Get("field"), OwnerID: q.Get("owner"),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), TRLMin: num("trl_min", 0), Page: num("page", 1), PerPage: num("per_page", 20)}
	return f, p.Err()
}

func (s *Server) listAchievements(w http.ResponseWriter, r *http.Request) error {
	f, err := achievementFilter(r)
	if err != nil {
		return err
	}
	as, page, err := s.store.Achievements(r.Context(), f)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	u := currentUser(r)
	clearFlash(w, r)
	s.render(w, r, "achievements/list", http.StatusOK, &Page{Title: s.T(r, "achievement.list.title"), Data: map[string]any{
		"Achievements": as, "Page": page, "Filter": f, "Kinds": achievement.Kinds, "Levels": achievement.TRLLevels,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "CanCreate": u != nil && (u.IsAdmin() || len(u.Orgs) > 0)}})
	return nil
}

func (s *Server) achievementFormData(r *http.Request) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	u := currentUser(r)
	var owners []*organisation.Organisation
	for _, id := range u.Orgs {
		if o, err := s.store.Organisation(r.Context(), id); err == nil {
			owners = append(owners, o)
		}
	}
	return map[string]any{"Owners": owners, "Kinds": achievement.Kinds, "IPStatuses": achievement.IPStatuses,
		"Levels": achievement.TRLLevels, "Fields": ref.Fields}, nil
}

func (s *Server) newAchievementForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsAdmin() && len(u.Orgs) == 0 {
		return silkbridge.Forbidden()
	}
	data, err := s.achievementFormData(r)
	if err != nil {
		return err
	}
	form := map[string][]string{"owner_id": {r.URL.Query().Get("owner")}}
	s.render(w, r, "achievements/form", http.StatusOK, &Page{Title: s.T(r, "achievement.new.title"), Data: data, Form: form})
	return nil
}

func (s *Server) achievementFormError(w http.ResponseWriter, r *http.Request, title string, a *achievement.Achievement, err error) error {
	if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
		return err
	}
	data, derr := s.achievementFormData(r)
	if derr != nil {
		return derr
	}
	data["Achievement"] = a
	return s.formError(w, r, "achievements/form", &Page{Title: title, Data: data}, err)
}

func (s *Server) createAchievement(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	in := achievementFromForm(r)
	var a achievement.Achievement
	in.apply(&a)
	a.OwnerID = strings.TrimSpace(in.OwnerID)
	if err := s.checkAchievementOwner(r, u, a.OwnerID); err != nil {
		return s.achievementFormError(w, r, s.T(r, "achievement.new.title"), &a, err)
	}
	if err := s.store.CreateAchievement(r.Context(), store.Actor{UserID: u.ID}, &a); err != nil {
		return s.achievementFormError(w, r, s.T(r, "achievement.new.title"), &a, err)
	}
	s.redirectFlash(w, r, "/achievements/"+a.ID, s.T(r, "achievement.created"))
	return nil
}

// checkAchievementOwner refuses an owner the user may not list for: a
// missing owner by field, someone else's organisation as forbidden.
func (s *Server) checkAchievementOwner(r *http.Request, u *account.User, ownerID string) error {
	if ownerID == "" {
		return silkbridge.Invalid("owner_id", "field.required", "this field is required", nil)
	}
	return mayManageAchievementsOf(u, ownerID)
}

func (s *Server) showAchievement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.store.Achievement(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderAchievement(w, r, a, http.StatusOK, nil, "")
}

// renderAchievement shows the achievement page; with err, the transfer
// form named by which is shown again with its problems.
func (s *Server) renderAchievement(w http.ResponseWriter, r *http.Request, a *achievement.Achievement, status int, err error, which string) error {
	ctx := r.Context()
	transfers, terr := s.store.Transfers(ctx, store.TransferFilter{AchievementID: a.ID})
	if terr != nil {
		return terr
	}
	requests, rerr := s.requestsFor(r, a)
	if rerr != nil {
		return rerr
	}
	canManage := mayManageAchievementsOf(currentUser(r), a.OwnerID) == nil
	data := map[string]any{"A": a, "Transfers": transfers, "Requests": requests, "Levels": achievement.TRLLevels,
		"Stages": achievement.Stages, "CanManage": canManage, "Today": today(), "Which": which,
		"Detours": s.detoursFor(ctx, a.Fields, 3)}
	if canManage {
		ents, _, oerr := s.store.Organisations(ctx, organisation.Filter{Kind: organisation.Enterprise, PerPage: 100})
		if oerr != nil {
			return oerr
		}
		data["Enterprises"] = ents
	}
	p := &Page{Title: a.Title, Data: data}
	if err != nil {
		return s.formError(w, r, "achievements/show", p, err)
	}
	clearFlash(w, r)
	s.render(w, r, "achievements/show", status, p)
	return nil
}

// requestMatch is a marketplace request an achievement could answer.
type requestMatch struct {
	Request *opportunity.Opportunity `json:"request"`
	achievement.Suggestion
}

// openRequests returns the open technology requests of the marketplace.
func (s *Server) openRequests(r *http.Request) ([]*opportunity.Opportunity, error) {
	rs, _, err := s.store.Opportunities(r.Context(), opportunity.Filter{Kind: opportunity.TechnologyRequest, PerPage: 100})
	return rs, err
}

func requestOf(o *opportunity.Opportunity) achievement.Request {
	return achievement.Request{ID: o.ID, Title: o.Title, Text: o.Description, Fields: o.Fields, Keywords: o.Keywords,
		TRL: o.TRL, Country: o.Owner.Country}
}

// requestsFor ranks the open technology requests the achievement could answer.
func (s *Server) requestsFor(r *http.Request, a *achievement.Achievement) ([]requestMatch, error) {
	rs, err := s.openRequests(r)
	if err != nil {
		return nil, err
	}
	var out []requestMatch
	for _, o := range rs {
		if sg := achievement.Suggest(requestOf(o), []*achievement.Achievement{a}, 1); len(sg) == 1 {
			if o.Anonymous {
				o.Conceal()
			}
			out = append(out, requestMatch{Request: o, Suggestion: sg[0]})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if len(out) > 10 {
		out = out[:10]
	}
	return out, nil
}

// suggestFor ranks the stored achievements for a request.
func (s *Server) suggestFor(r *http.Request, req achievement.Request) ([]achievement.Suggestion, error) {
	as, _, err := s.store.Achievements(r.Context(), achievement.Filter{PerPage: 100})
	if err != nil {
		return nil, err
	}
	if q := strings.TrimSpace(req.Title + " " + strings.Join(req.Keywords, " ")); q != "" {
		// Achievements the search index finds join the most recent ones.
		found, _, err := s.store.Achievements(r.Context(), achievement.Filter{Query: firstWords(q, 6), PerPage: 100})
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, a := range as {
			seen[a.ID] = true
		}
		for _, a := range found {
			if !seen[a.ID] {
				as = append(as, a)
			}
		}
	}
	return achievement.Suggest(req, as, 10), nil
}

// firstWords keeps the first n words of s, so a long request text gives a
// search the index can answer quickly.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(len(w), n)], " ")
}

// requestFromQuery reads a request entered on the match page.
func requestFromQuery(r *http.Request) (achievement.Request, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	req := achievement.Request{Title: strings.TrimSpace(q.Get("q")), Fields: q["field"], Keywords: splitList(q.Get("keywords")),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country")))}
	if v := strings.TrimSpace(q.Get("trl")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < achievement.MinTRL || n > achievement.MaxTRL {
			p.Add("trl", "achievement.error.trl", "a technology readiness level from 1 to 9", nil)
		}
		req.TRL = n
	}
	return req, p.Err()
}

func (s *Server) matchAchievements(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	data := map[string]any{"Levels": achievement.TRLLevels, "Fields": ref.Fields, "Countries": ref.SortedCountries(requestLanguage(r).Tag)}
	p := &Page{Title: s.T(r, "achievement.match.title"), Data: data, Form: r.URL.Query()}
	req, err := requestFromQuery(r)
	if err != nil {
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(err), tr.Error(err)
		s.render(w, r, "achievements/match", http.StatusUnprocessableEntity, p)
		return nil
	}
	if req.Title != "" || len(req.Fields) > 0 || len(req.Keywords) > 0 {
		if data["Suggestions"], err = s.suggestFor(r, req); err != nil {
			return err
		}
		data["Asked"] = true
	}
	s.render(w, r, "achievements/match", http.StatusOK, p)
	return nil
}

func (s *Server) achievementsForRequest(w http.ResponseWriter, r *http.Request) error {
	o, err := s.publicRequest(r)
	if err != nil {
		return err
	}
	sg, err := s.suggestFor(r, requestOf(o))
	if err != nil {
		return err
	}
	s.render(w, r, "achievements/request", http.StatusOK, &Page{Title: o.Title, Data: map[string]any{"Request": o, "Suggestions": sg}})
	return nil
}

// publicRequest loads an open technology request of the marketplace that
// anyone may read.
func (s *Server) publicRequest(r *http.Request) (*opportunity.Opportunity, error) {
	o, err := s.store.Opportunity(r.Context(), r.PathValue("id"))
	if err == nil && (o.Kind != opportunity.TechnologyRequest || !o.IsPublic()) {
		err = silkbridge.NotFound("opportunity")
	}
	if err != nil {
		return nil, err
	}
	if o.Anonymous {
		o.Conceal()
	}
	return o, nil
}

// ownAchievement loads an achievement the signed-in user may change.
func (s *Server) ownAchievement(r *http.Request) (*achievement.Achievement, *account.User, error) {
	u := currentUser(r)
	if u == nil {
		return nil, nil, silkbridge.Unauthorized()
	}
	a, err := s.store.Achievement(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, u, err
	}
	return a, u, mayManageAchievementsOf(u, a.OwnerID)
}

func (s *Server) editAchievementForm(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.ownAchievement(r)
	if err != nil {
		return err
	}
	data, err := s.achievementFormData(r)
	if err != nil {
		return err
	}
	data["Achievement"] = a
	s.render(w, r, "achievements/form", http.StatusOK, &Page{Title: s.T(r, "achievement.edit.title"), Data: data, Form: achievementForm(a)})
	return nil
}

func (s *Server) updateAchievement(w http.ResponseWriter, r *http.Request) error {
	a, u, err := s.ownAchievement(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	in := achievementFromForm(r)
	if _, err := s.store.UpdateAchievement(r.Context(), store.Actor{UserID: u.ID}, a.ID, func(x *achievement.Achievement) { in.apply(x) }); err != nil {
		return s.achievementFormError(w, r, s.T(r, "achievement.edit.title"), a, err)
	}
	s.redirectFlash(w, r, "/achievements/"+a.ID, s.T(r, "achievement.updated"))
	return nil
}

func (s *Server) deleteAchievement(w http.ResponseWriter, r *http.Request) error {
	a, u, err := s.ownAchievement(r)
	if err == nil {
		err = s.store.DeleteAchievement(r.Context(), store.Actor{UserID: u.ID}, a.ID)
	}
	if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/achievements", s.T(r, "achievement.deleted"))
	return nil
}

func (s *Server) createTransfer(w http.ResponseWriter, r *http.Request) error {
	a, u, err := s.ownAchievement(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	f := r.PostForm
	t := &achievement.Transfer{AchievementID: a.ID, ReceiverID: f.Get("receiver_id"), Stage: f.Get("stage"), Terms: f.Get("terms"), StartedOn: f.Get("started_on")}
	return s.transferDone(w, r, a, s.store.CreateTransfer(r.Context(), store.Actor{UserID: u.ID}, t), "transfer", "achievement.transfer.created")
}

func (s *Server) advanceTransfer(w http.ResponseWriter, r *http.Request) error {
	a, u, err := s.ownAchievement(r)
	if err == nil {
		err = s.transferOf(r, a)
	}
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	_, err = s.store.AdvanceTransfer(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("tid"), r.PostForm.Get("stage"), r.PostForm.Get("date"))
	return s.transferDone(w, r, a, err, "advance-"+r.PathValue("tid"), "achievement.transfer.advanced")
}

// transferOf refuses a transfer id that is not a transfer of a.
func (s *Server) transferOf(r *http.Request, a *achievement.Achievement) error {
	t, err := s.store.Transfer(r.Context(), r.PathValue("tid"))
	if err == nil && t.AchievementID != a.ID {
		err = silkbridge.NotFound("transfer")
	}
	return err
}

func (s *Server) transferDone(w http.ResponseWriter, r *http.Request, a *achievement.Achievement, err error, which, msg string) error {
	if err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		return s.renderAchievement(w, r, a, http.StatusUnprocessableEntity, err, which)
	}
	s.redirectFlash(w, r, "/achievements/"+a.ID, s.T(r, msg))
	return nil
}

func (s *Server) apiListAchievements(w http.ResponseWriter, r *http.Request) error {
	f, err := achievementFilter(r)
	if err != nil {
		return err
	}
	as, page, err := s.store.Achievements(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]achievement.Achievement, len(as))
	for i, a := range as {
		items[i] = *a
	}
	writeJSON(w, http.StatusOK, List[achievement.Achievement]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetAchievement(w http.ResponseWriter, r *http.Request) error {
	a, err := s.store.Achievement(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ts, err := s.store.Transfers(r.Context(), store.TransferFilter{AchievementID: a.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, achievementDetail{Achievement: *a, Transfers: ts})
	return nil
}

func (s *Server) apiCreateAchievement(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	var in achievementInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var a achievement.Achievement
	in.apply(&a)
	a.OwnerID = strings.TrimSpace(in.OwnerID)
	if err := s.checkAchievementOwner(r, u, a.OwnerID); err != nil {
		return err
	}
	if err := s.store.CreateAchievement(r.Context(), store.Actor{UserID: u.ID}, &a); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/achievements/"+a.ID)
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// apiOwnAchievement checks write access and ownership for an API change.
func (s *Server) apiOwnAchievement(w http.ResponseWriter, r *http.Request) (*achievement.Achievement, *account.User, bool) {
	if err := writeAccess(r); err != nil {
		s.apiError(w, r, err)
		return nil, nil, false
	}
	a, u, err := s.ownAchievement(r)
	if err != nil {
		s.apiError(w, r, err)
		return nil, nil, false
	}
	return a, u, true
}

func (s *Server) apiUpdateAchievement(w http.ResponseWriter, r *http.Request) error {
	a, u, ok := s.apiOwnAchievement(w, r)
	if !ok {
		return nil
	}
	var in achievementInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.store.UpdateAchievement(r.Context(), store.Actor{UserID: u.ID}, a.ID, func(x *achievement.Achievement) { in.apply(x) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiDeleteAchievement(w http.ResponseWriter, r *http.Request) error {
	a, u, ok := s.apiOwnAchievement(w, r)
	if !ok {
		return nil
	}
	if err := s.store.DeleteAchievement(r.Context(), store.Actor{UserID: u.ID}, a.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSuggestAchievements(w http.ResponseWriter, r *http.Request) error {
	var req achievement.Request
	if id := r.URL.Query().Get("request"); id != "" {
		r.SetPathValue("id", id)
		o, err := s.publicRequest(r)
		if err != nil {
			return err
		}
		req = requestOf(o)
	} else {
		var err error
		if req, err = requestFromQuery(r); err != nil {
			return err
		}
	}
	sg, err := s.suggestFor(r, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sg)
	return nil
}

func (s *Server) apiCreateTransfer(w http.ResponseWriter, r *http.Request) error {
	a, u, ok := s.apiOwnAchievement(w, r)
	if !ok {
		return nil
	}
	var in transferInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t := &achievement.Transfer{AchievementID: a.ID, ReceiverID: in.ReceiverID, Stage: in.Stage, Terms: in.Terms, StartedOn: in.StartedOn}
	if err := s.store.CreateTransfer(r.Context(), store.Actor{UserID: u.ID}, t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiAdvanceTransfer(w http.ResponseWriter, r *http.Request) error {
	a, u, ok := s.apiOwnAchievement(w, r)
	if !ok {
		return nil
	}
	if err := s.transferOf(r, a); err != nil {
		return err
	}
	var in advanceInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.store.AdvanceTransfer(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("tid"), in.Stage, in.Date)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
