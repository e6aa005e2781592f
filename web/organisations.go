package web

import (
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) organisationRoutes() {
	s.page("GET /organisations", s.listOrganisations)
	s.page("GET /organisations/new", s.newOrganisationForm)
	s.page("POST /organisations", s.createOrganisation)
	s.page("GET /organisations/{id}", s.showOrganisation)
	s.page("GET /organisations/{id}/edit", s.editOrganisationForm)
	s.page("POST /organisations/{id}", s.updateOrganisation)
	s.page("POST /organisations/{id}/delete", s.deleteOrganisation)

	s.handleAPI("GET /api/v1/organisations", Op{Summary: "List and search organisations", Tag: "organisations",
		Response: List[organisation.Organisation]{}, Query: map[string]string{
			"q": "free-text search (any of the six UN languages)", "country": "ISO 3166-1 alpha-2 code", "kind": "organisation kind",
			"field": "FORD field code", "bri": "true: only Belt and Road partner countries",
			"verification": "only organisations in this verification state (unverified, pending, verified, refused)",
			"unnamed":      "true: include the participants the cooperation record knows only by their PIC", "page": "page number", "per_page": "items per page (at most 100)"}},
		s.apiListOrganisations)
	s.handleAPI("POST /api/v1/organisations", Op{Summary: "Create an organisation (you become its manager)", Tag: "organisations",
		Request: organisationInput{}, Response: organisation.Organisation{}, Auth: true, Status: http.StatusCreated}, s.apiCreateOrganisation)
	s.handleAPI("GET /api/v1/organisations/{id}", Op{Summary: "One organisation", Tag: "organisations", Response: organisation.Organisation{}}, s.apiGetOrganisation)
	s.handleAPI("PUT /api/v1/organisations/{id}", Op{Summary: "Replace an organisation's record (its managers)", Tag: "organisations",
		Request: organisationInput{}, Response: organisation.Organisation{}, Auth: true}, s.apiUpdateOrganisation)
	s.handleAPI("DELETE /api/v1/organisations/{id}", Op{Summary: "Delete an organisation (its managers)", Tag: "organisations", Auth: true, Status: http.StatusNoContent}, s.apiDeleteOrganisation)
}

// organisationInput is the body of the API's create and update calls.
type organisationInput struct {
	Name         string   `json:"name"`
	ShortName    string   `json:"short_name"`
	Kind         string   `json:"kind"`
	Country      string   `json:"country"`
	RORID        string   `json:"ror_id"`
	SizeClass    string   `json:"size_class"`
	ParkID       string   `json:"park_id"`
	Fields       []string `json:"fields"`
	Keywords     []string `json:"keywords"`
	Website      string   `json:"website"`
	Description  string   `json:"description"`
	ContactEmail string   `json:"contact_email"`
}

func (in organisationInput) apply(o *organisation.Organisation) {
	o.Name, o.ShortName, o.Kind, o.Country, o.RORID = in.Name, in.ShortName, in.Kind, in.Country, in.RORID
	o.SizeClass, o.ParkID, o.Fields, o.Keywords = in.SizeClass, in.ParkID, in.Fields, in.Keywords
	o.Website, o.Description, o.ContactEmail = in.Website, in.Description, in.ContactEmail
}

func organisationFromForm(r *http.Request) organisationInput {
	f := r.PostForm
	return organisationInput{
		Name: f.Get("name"), ShortName: f.Get("short_name"), Kind: f.Get("kind"), Country: f.Get("country"),
		RORID: f.Get("ror_id"), SizeClass: f.Get("size_class"), ParkID: f.Get("park_id"),
		Fields: f["fields"], Keywords: splitList(f.Get("keywords")), Website: f.Get("website"),
		Description: f.Get("description"), ContactEmail: f.Get("contact_email"),
	}
}

func organisationFilter(r *http.Request) (organisation.Filter, error) {
	q := r.URL.Query()
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return organisation.Filter{}, err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return organisation.Filter{}, err
	}
	return organisation.Filter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(q.Get("country")), Kind: q.Get("kind"),
		Field: q.Get("field"), BRIPartner: queryBool(r, "bri"), Verification: q.Get("verification"),
		IncludeUnnamed: queryBool(r, "unnamed"), Page: page, PerPage: per}, nil
}

// viewOrganisation hides the contact of an organisation from those who may not see it.
func viewOrganisation(u *account.User, o *organisation.Organisation) *organisation.Organisation {
	if u.Manages(o.ID) || u.IsOfficer() {
		return o
	}
	c := *o
	c.ContactEmail = ""
	// The public sees the state and the evidence, not who asked or decided
	// and the notes between them.
	c.Verification.Note, c.Verification.Reason, c.Verification.RequestedBy, c.Verification.DecidedBy = "", "", "", ""
	return &c
}

func (s *Server) listOrganisations(w http.ResponseWriter, r *http.Request) error {
	f, err := organisationFilter(r)
	if err != nil {
		return err
	}
	orgs, page, err := s.store.Organisations(r.Context(), f)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "organisations/list", http.StatusOK, &Page{Title: s.T(r, "org.list.title"), Data: map[string]any{
		"Organisations": orgs, "Page": page, "Filter": f, "Kinds": organisation.Kinds,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields,
	}})
	return nil
}

func (s *Server) showOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	data, err := s.organisationPageData(r, o)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "organisations/show", http.StatusOK, &Page{Title: o.Name, Data: data})
	return nil
}

func (s *Server) organisationPageData(r *http.Request, o *organisation.Organisation) (map[string]any, error) {
	u := currentUser(r)
	var park *organisation.Organisation
	if o.ParkID != "" {
		park, _ = s.store.Organisation(r.Context(), o.ParkID)
	}
	facilities, err := s.facilitiesOf(r.Context(), o.ID, false, u.Manages(o.ID))
	if err != nil {
		return nil, err
	}
	ror, err := s.store.RORDetails(r.Context(), o.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Org": viewOrganisation(u, o), "CanEdit": u.Manages(o.ID), "Park": park, "Trust": trustData(u, o),
		"Facilities": facilities, "ROR": ror}, nil
}

func (s *Server) organisationFormData(r *http.Request, o *organisation.Organisation) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	parks, _, err := s.store.Organisations(r.Context(), organisation.Filter{Kind: organisation.Park, PerPage: 100})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Org": o, "Kinds": organisation.Kinds, "SizeClasses": organisation.SizeClasses,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields, "Parks": parks}, nil
}

// orgForm fills a form's values from a stored organisation, for editing.
func orgForm(o *organisation.Organisation) map[string][]string {
	return map[string][]string{
		"name": {o.Name}, "short_name": {o.ShortName}, "kind": {o.Kind}, "country": {o.Country}, "ror_id": {o.RORID},
		"size_class": {o.SizeClass}, "park_id": {o.ParkID}, "fields": o.Fields, "keywords": {strings.Join(o.Keywords, ", ")},
		"website": {o.Website}, "description": {o.Description}, "contact_email": {o.ContactEmail},
	}
}

func (s *Server) newOrganisationForm(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) == nil {
		return silkbridge.Unauthorized()
	}
	data, err := s.organisationFormData(r, &organisation.Organisation{})
	if err != nil {
		return err
	}
	s.render(w, r, "organisations/form", http.StatusOK, &Page{Title: s.T(r, "org.new.title"), Data: data})
	return nil
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	var o organisation.Organisation
	organisationFromForm(r).apply(&o)
	if err := s.store.CreateOrganisation(r.Context(), store.Actor{UserID: u.ID}, &o); err != nil {
		data, derr := s.organisationFormData(r, &o)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "organisations/form", &Page{Title: s.T(r, "org.new.title"), Data: data}, err)
	}
	s.redirectFlash(w, r, "/organisations/"+o.ID, s.T(r, "org.created"))
	return nil
}

// managedOrganisation loads an organisation that the signed-in user may change.
func (s *Server) managedOrganisation(r *http.Request) (*organisation.Organisation, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !u.Manages(o.ID) {
		return nil, silkbridge.Forbidden()
	}
	return o, nil
}

func (s *Server) editOrganisationForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	data, err := s.organisationFormData(r, o)
	if err != nil {
		return err
	}
	s.render(w, r, "organisations/form", http.StatusOK, &Page{Title: s.T(r, "org.edit.title", "Name", o.Name), Data: data, Form: orgForm(o)})
	return nil
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	in := organisationFromForm(r)
	_, err = s.store.UpdateOrganisation(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, in.apply)
	if err != nil {
		data, derr := s.organisationFormData(r, o)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "organisations/form", &Page{Title: s.T(r, "org.edit.title", "Name", o.Name), Data: data}, err)
	}
	s.redirectFlash(w, r, "/organisations/"+o.ID, s.T(r, "saved"))
	return nil
}

func (s *Server) deleteOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOrganisation(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/organisations", s.T(r, "deleted"))
	return nil
}

func (s *Server) apiListOrganisations(w http.ResponseWriter, r *http.Request) error {
	f, err := organisationFilter(r)
	if err != nil {
		return err
	}
	orgs, page, err := s.store.Organisations(r.Context(), f)
	if err != nil {
		return err
	}
	u := currentUser(r)
	items := make([]organisation.Organisation, len(orgs))
	for i, o := range orgs {
		items[i] = *viewOrganisation(u, o)
	}
	writeJSON(w, http.StatusOK, List[organisation.Organisation]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOrganisation(currentUser(r), o))
	return nil
}

func (s *Server) apiCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in organisationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var o organisation.Organisation
	in.apply(&o)
	if err := s.store.CreateOrganisation(r.Context(), store.Actor{UserID: currentUser(r).ID}, &o); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisations/"+o.ID)
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiUpdateOrganisation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	var in organisationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.store.UpdateOrganisation(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiDeleteOrganisation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOrganisation(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
