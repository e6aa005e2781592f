package web

import (
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

func (s *Server) talentRoutes() {
	s.page("GET /talents", s.listTalents)
	s.page("GET /talents/{id}", s.showTalent)
	s.page("GET /profile", s.profileForm)
	s.page("POST /profile", s.saveProfile)
	s.page("POST /profile/delete", s.deleteProfile)

	s.handleAPI("GET /api/v1/talents", Op{Summary: "List and search public talent profiles", Tag: "talents",
		Response: List[talent.Profile]{}, Query: map[string]string{"q": "free-text search", "country": "nationality (ISO 3166-1 alpha-2)",
			"field": "FORD field code", "bri": "true: only Belt and Road partner countries", "page": "page number", "per_page": "items per page"}},
		s.apiListTalents)
	s.handleAPI("GET /api/v1/talents/{id}", Op{Summary: "One talent profile (public fields only, unless it is yours)", Tag: "talents", Response: talent.Profile{}}, s.apiGetTalent)
	s.handleAPI("GET /api/v1/me/profile", Op{Summary: "Your own talent profile", Tag: "talents", Response: talent.Profile{}, Auth: true}, s.apiMyProfile)
	s.handleAPI("PUT /api/v1/me/profile", Op{Summary: "Create or replace your own talent profile", Tag: "talents", Request: profileInput{}, Response: talent.Profile{}, Auth: true}, s.apiSaveProfile)
	s.handleAPI("DELETE /api/v1/me/profile", Op{Summary: "Delete your own talent profile", Tag: "talents", Auth: true, Status: http.StatusNoContent}, s.apiDeleteProfile)
}

// profileInput is the body of the API's profile call and the profile form.
type profileInput struct {
	Name        string   `json:"name"`
	Country     string   `json:"country"`
	ORCID       string   `json:"orcid"`
	Affiliation string   `json:"affiliation"`
	OrgID       string   `json:"organisation_id"`
	Fields      []string `json:"fields"`
	Keywords    []string `json:"keywords"`
	Languages   []string `json:"languages"`
	CareerStage string   `json:"career_stage"`
	Mobility    []string `json:"mobility"`
	Bio         string   `json:"bio"`
	Email       string   `json:"email"`
	Public      bool     `json:"public"`
	Shown       []string `json:"shown_fields"`
}

func (in profileInput) apply(p *talent.Profile) {
	p.Name, p.Country, p.ORCID, p.Affiliation, p.OrgID = in.Name, in.Country, in.ORCID, in.Affiliation, in.OrgID
	p.Fields, p.Keywords, p.Languages, p.CareerStage = in.Fields, in.Keywords, in.Languages, in.CareerStage
	p.Mobility, p.Bio, p.Email, p.Public, p.Shown = in.Mobility, in.Bio, in.Email, in.Public, in.Shown
}

func profileFromForm(r *http.Request) profileInput {
	f := r.PostForm
	return profileInput{Name: f.Get("name"), Country: f.Get("country"), ORCID: f.Get("orcid"), Affiliation: f.Get("affiliation"),
		Fields: f["fields"], Keywords: splitList(f.Get("keywords")), Languages: splitList(f.Get("languages")),
		CareerStage: f.Get("career_stage"), Mobility: splitList(f.Get("mobility")), Bio: f.Get("bio"), Email: f.Get("email"),
		Public: f.Get("public") == "on", Shown: f["shown_fields"]}
}

func profileForm(p *talent.Profile) map[string][]string {
	public := ""
	if p.Public {
		public = "on"
	}
	return map[string][]string{"name": {p.Name}, "country": {p.Country}, "orcid": {p.ORCID}, "affiliation": {p.Affiliation},
		"fields": p.Fields, "keywords": {strings.Join(p.Keywords, ", ")}, "languages": {strings.Join(p.Languages, ", ")},
		"career_stage": {p.CareerStage}, "mobility": {strings.Join(p.Mobility, ", ")}, "bio": {p.Bio}, "email": {p.Email},
		"public": {public}, "shown_fields": p.Shown}
}

// viewTalent returns what the user may see of a profile: everything for
// its owner and officers, the public view for others; nil when the
// profile is private and the user may not see it.
func viewTalent(u *account.User, p *talent.Profile) *talent.Profile {
	if u != nil && (u.ID == p.UserID || u.IsOfficer()) {
		return p
	}
	if !p.Public {
		return nil
	}
	v := p.PublicView()
	return &v
}

func talentFilter(r *http.Request) (talent.Filter, error) {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return talent.Filter{}, err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return talent.Filter{}, err
	}
	q := r.URL.Query()
	return talent.Filter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(q.Get("country")), Field: q.Get("field"),
		BRIPartner: queryBool(r, "bri"), IncludePrivate: currentUser(r).IsOfficer(), Page: page, PerPage: per}, nil
}

func (s *Server) listTalents(w http.ResponseWriter, r *http.Request) error {
	f, err := talentFilter(r)
	if err != nil {
		return err
	}
	list, page, err := s.store.Talents(r.Context(), f)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	u := currentUser(r)
	views := make([]*talent.Profile, 0, len(list))
	for _, p := range list {
		if v := viewTalent(u, p); v != nil {
			views = append(views, v)
		}
	}
	s.render(w, r, "talents/list", http.StatusOK, &Page{Title: s.T(r, "talent.list.title"), Data: map[string]any{
		"Talents": views, "Page": page, "Filter": f, "Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields}})
	return nil
}

func (s *Server) showTalent(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Talent(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := viewTalent(currentUser(r), p)
	if v == nil {
		return silkbridge.NotFound("talent profile")
	}
	s.render(w, r, "talents/show", http.StatusOK, &Page{Title: v.Name, Data: map[string]any{"Talent": v, "Own": currentUser(r) != nil && currentUser(r).ID == p.UserID}})
	return nil
}

func (s *Server) profileFormData(r *http.Request) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields,
		"CareerStages": talent.CareerStages, "Optional": talent.Optional}, nil
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	data, err := s.profileFormData(r)
	if err != nil {
		return err
	}
	p, err := s.store.TalentOfUser(r.Context(), u.ID)
	form := map[string][]string{"name": {u.Name}, "email": {u.Email}}
	switch {
	case err == nil:
		form = profileForm(p)
		data["Talent"] = p
	case silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "talents/form", http.StatusOK, &Page{Title: s.T(r, "profile.title"), Data: data, Form: form})
	return nil
}

// saveOwnProfile creates the user's profile or updates it.
func (s *Server) saveOwnProfile(r *http.Request, u *account.User, in profileInput) (*talent.Profile, error) {
	return s.store.SaveTalentOfUser(r.Context(), store.Actor{UserID: u.ID}, u.ID, in.apply)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	if _, err := s.saveOwnProfile(r, u, profileFromForm(r)); err != nil {
		data, derr := s.profileFormData(r)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "talents/form", &Page{Title: s.T(r, "profile.title"), Data: data}, err)
	}
	s.redirectFlash(w, r, "/profile", s.T(r, "saved"))
	return nil
}

func (s *Server) deleteProfile(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.store.TalentOfUser(r.Context(), u.ID)
	if err == nil {
		err = s.store.DeleteTalent(r.Context(), store.Actor{UserID: u.ID}, p.ID)
	}
	if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/profile", s.T(r, "deleted"))
	return nil
}

func (s *Server) apiListTalents(w http.ResponseWriter, r *http.Request) error {
	f, err := talentFilter(r)
	if err != nil {
		return err
	}
	list, page, err := s.store.Talents(r.Context(), f)
	if err != nil {
		return err
	}
	u := currentUser(r)
	items := make([]talent.Profile, 0, len(list))
	for _, p := range list {
		if v := viewTalent(u, p); v != nil {
			items = append(items, *v)
		}
	}
	writeJSON(w, http.StatusOK, List[talent.Profile]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetTalent(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Talent(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := viewTalent(currentUser(r), p)
	if v == nil {
		return silkbridge.NotFound("talent profile")
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiMyProfile(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.store.TalentOfUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiSaveProfile(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in profileInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.saveOwnProfile(r, currentUser(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiDeleteProfile(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	p, err := s.store.TalentOfUser(r.Context(), u.ID)
	if err == nil {
		err = s.store.DeleteTalent(r.Context(), store.Actor{UserID: u.ID}, p.ID)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
