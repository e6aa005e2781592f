package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/store"
)

// Agreements: government-level (between countries) and institution-level
// (between organisations) agreements, and the cooperations and programmes
// run under them. Agency officers register them; so do the managers of an
// organisation that is a party. Lists filter by country pair and kind.

func (s *Server) agreementRoutes() {
	s.page("GET /agreements", s.listAgreements)
	s.page("GET /agreements/new", s.newAgreementForm)
	s.page("POST /agreements", s.createAgreement)
	s.page("GET /agreements/{id}", s.showAgreement)
	s.page("GET /agreements/{id}/edit", s.editAgreementForm)
	s.page("POST /agreements/{id}", s.updateAgreement)
	s.page("POST /agreements/{id}/delete", s.deleteAgreement)
	s.page("POST /agreements/{id}/cooperations", s.linkCooperation)
	s.page("POST /agreements/{id}/cooperations/{coop}/delete", s.unlinkCooperation)

	s.handleAPI("GET /api/v1/agreements", Op{Summary: "List agreements", Tag: "agreements", Response: List[cooperation.Agreement]{},
		Query: map[string]string{"q": "free-text search", "country": "ISO 3166-1 alpha-2 code of a party's country",
			"country2": "with country: agreements between the two countries", "kind": "s&t_cooperation, talent_training, joint_lab or park_cooperation",
			"organisation": "id of an organisation party", "page": "page number", "per_page": "items per page (at most 100)"}}, s.apiListAgreements)
	s.handleAPI("POST /api/v1/agreements", Op{Summary: "Register an agreement (agency officers; managers of an organisation party)", Tag: "agreements",
		Request: agreementInput{}, Response: cooperation.Agreement{}, Auth: true, Status: http.StatusCreated}, s.apiCreateAgreement)
	s.handleAPI("GET /api/v1/agreements/{id}", Op{Summary: "One agreement with its parties and cooperations", Tag: "agreements",
		Response: cooperation.Agreement{}}, s.apiGetAgreement)
	s.handleAPI("PUT /api/v1/agreements/{id}", Op{Summary: "Replace an agreement (agency officers; managers of an organisation party)", Tag: "agreements",
		Request: agreementInput{}, Response: cooperation.Agreement{}, Auth: true}, s.apiUpdateAgreement)
	s.handleAPI("DELETE /api/v1/agreements/{id}", Op{Summary: "Delete an agreement (agency officers; managers of an organisation party)", Tag: "agreements",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteAgreement)
	s.handleAPI("POST /api/v1/agreements/{id}/cooperations", Op{Summary: "Put a cooperation under an agreement (officers; managers of one of its partners)",
		Tag: "agreements", Request: linkInput{}, Response: cooperation.Agreement{}, Auth: true, Status: http.StatusCreated}, s.apiLinkCooperation)
	s.handleAPI("DELETE /api/v1/agreements/{id}/cooperations/{coop}", Op{Summary: "Take a cooperation out from under an agreement",
		Tag: "agreements", Auth: true, Status: http.StatusNoContent}, s.apiUnlinkCooperation)
}

// agreementInput is the body of the API's create and update calls.
type agreementInput struct {
	Title     string              `json:"title"`
	Kind      string              `json:"kind"`
	Parties   []cooperation.Party `json:"parties"`
	SignedOn  string              `json:"signed_on"`
	ExpiresOn string              `json:"expires_on"`
	Summary   string              `json:"summary"`
	Text      string              `json:"text"`
}

func (in agreementInput) apply(a *cooperation.Agreement) {
	a.Title, a.Kind, a.SignedOn, a.ExpiresOn, a.Summary, a.Text = in.Title, in.Kind, in.SignedOn, in.ExpiresOn, in.Summary, in.Text
	a.Parties = make([]cooperation.Party, len(in.Parties))
	for i, p := range in.Parties {
		a.Parties[i] = cooperation.Party{Kind: p.Kind, Country: p.Country, OrgID: p.OrgID}
	}
}

// linkInput names the cooperation to put under an agreement.
type linkInput struct {
	CooperationID string `json:"cooperation_id"`
}

// partyRows is how many party rows the agreement form offers.
const partyRows = 4

// agreementFromForm reads the form: party_country and party_org rows; a
// row with an organisation id is an organisation party.
func agreementFromForm(r *http.Request) agreementInput {
	f := r.PostForm
	in := agreementInput{Title: f.Get("title"), Kind: f.Get("kind"), SignedOn: f.Get("signed_on"), ExpiresOn: f.Get("expires_on"),
		Summary: f.Get("summary"), Text: f.Get("text")}
	countries, orgs := f["party_country"], f["party_org"]
	for i := 0; i < max(len(countries), len(orgs)); i++ {
		var p cooperation.Party
		if i < len(orgs) && strings.TrimSpace(orgs[i]) != "" {
			p = cooperation.Party{Kind: cooperation.PartyOrganisation, OrgID: orgs[i]}
		} else if i < len(countries) && strings.TrimSpace(countries[i]) != "" {
			p = cooperation.Party{Kind: cooperation.PartyCountry, Country: countries[i]}
		} else {
			continue
		}
		in.Parties = append(in.Parties, p)
	}
	return in
}

func agreementForm(a *cooperation.Agreement) url.Values {
	v := url.Values{"title": {a.Title}, "kind": {a.Kind}, "signed_on": {a.SignedOn}, "expires_on": {a.ExpiresOn},
		"summary": {a.Summary}, "text": {a.Text}}
	for _, p := range a.Parties {
		if p.Kind == cooperation.PartyOrganisation {
			v.Add("party_country", "")
			v.Add("party_org", p.OrgID)
		} else {
			v.Add("party_country", p.Country)
			v.Add("party_org", "")
		}
	}
	return v
}

// canManageAgreement: agency officers, and the managers of an organisation
// that is a party and has accepted (an invited party's managers get no
// rights until they accept).
func canManageAgreement(u *account.User, parties []cooperation.Party) bool {
	if u == nil {
		return false
	}
	if u.IsOfficer() {
		return true
	}
	for _, p := range parties {
		if p.OrgID != "" && p.Accepted() && u.Manages(strings.TrimSpace(p.OrgID)) {
			return true
		}
	}
	return false
}

// namesManagedParty reports whether the parties typed in name an
// organisation u manages: naming it makes it a party that accepted.
func namesManagedParty(u *account.User, parties []cooperation.Party) bool {
	for _, p := range parties {
		if p.OrgID != "" && u.Manages(strings.TrimSpace(p.OrgID)) {
			return true
		}
	}
	return false
}

// mayRegister refuses an agreement u may not register.
func mayRegister(u *account.User, in agreementInput) error {
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() && !namesManagedParty(u, in.Parties) {
		return silkbridge.Errorf(silkbridge.EFORBIDDEN, "coop.error.agreement_party", "register agreements of an organisation you manage (agency officers: any)")
	}
	return nil
}

func agreementFilter(r *http.Request, ref *store.Reference) (cooperation.AgreementFilter, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	f := cooperation.AgreementFilter{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))),
		Country2: strings.ToUpper(strings.TrimSpace(q.Get("country2"))), Kind: q.Get("kind"), OrgID: q.Get("organisation")}
	for name, code := range map[string]string{"country": f.Country, "country2": f.Country2} {
		if code != "" && !ref.CountryExists(code) {
			p.Add(name, "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": code})
		}
	}
	if f.Kind != "" && !containsString(cooperation.AgreementKinds, f.Kind) {
		p.Add("kind", "field.choice", "choose one of the values listed", map[string]any{"Value": f.Kind})
	}
	var err error
	if f.Page, err = queryInt(r, "page", 1); err != nil {
		p.Add("page", "field.integer", "a whole number", nil)
	}
	if f.PerPage, err = queryInt(r, "per_page", 20); err != nil {
		p.Add("per_page", "field.integer", "a whole number", nil)
	}
	return f, p.Err()
}

func (s *Server) listAgreements(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	f, ferr := agreementFilter(r, ref)
	var list []*cooperation.Agreement
	var page store.Page
	if ferr == nil {
		if list, page, err = s.store.Agreements(r.Context(), f); err != nil {
			return err
		}
	}
	u := currentUser(r)
	p := &Page{Title: s.T(r, "coop.agreements.title"), Data: map[string]any{"Agreements": list, "Page": page, "Filter": f,
		"Kinds": cooperation.AgreementKinds, "Countries": ref.SortedCountries(requestLanguage(r).Tag),
		"CanCreate": u.IsOfficer() || u.IsManager()}}
	clearFlash(w, r)
	status := http.StatusOK
	if ferr != nil {
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error, status = tr.FieldErrors(ferr), tr.Error(ferr), http.StatusUnprocessableEntity
	}
	s.render(w, r, "agreements/list", status, p)
	return nil
}

func (s *Server) showAgreement(w http.ResponseWriter, r *http.Request) error {
	a, err := s.store.Agreement(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := s.agreementPage(r, a)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "agreements/show", http.StatusOK, p)
	return nil
}

func (s *Server) agreementPage(r *http.Request, a *cooperation.Agreement) (*Page, error) {
	coops, err := s.store.CooperationsByID(r.Context(), a.CooperationIDs)
	if err != nil {
		return nil, err
	}
	programmes, err := s.store.AgreementProgrammes(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	u := currentUser(r)
	var mine []*cooperation.Cooperation
	if u != nil {
		for _, orgID := range u.Orgs {
			list, err := s.store.CooperationsOfOrganisation(r.Context(), orgID)
			if err != nil {
				return nil, err
			}
			mine = append(mine, list...)
		}
	}
	return &Page{Title: a.Title, Data: map[string]any{"Agreement": a, "Cooperations": coops, "Programmes": programmes,
		"CanManage": canManageAgreement(u, a.Parties), "Mine": mine, "CanLink": u.IsOfficer() || len(mine) > 0,
		"Invited": invitedParties(u, a)}}, nil
}

func (s *Server) agreementFormData(r *http.Request, a *cooperation.Agreement) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Agreement": a, "Kinds": cooperation.AgreementKinds, "Countries": ref.SortedCountries(requestLanguage(r).Tag),
		"PartyRows": seq(partyRows)}, nil
}

func (s *Server) newAgreementForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() && !u.IsManager() {
		return silkbridge.Forbidden()
	}
	data, err := s.agreementFormData(r, &cooperation.Agreement{})
	if err != nil {
		return err
	}
	s.render(w, r, "agreements/form", http.StatusOK, &Page{Title: s.T(r, "coop.agreement.new.title"), Data: data})
	return nil
}

func (s *Server) createAgreement(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := readCoopForm(r); err != nil {
		return err
	}
	in := agreementFromForm(r)
	if err := mayRegister(u, in); err != nil {
		return err
	}
	var a cooperation.Agreement
	in.apply(&a)
	if err := s.store.CreateAgreement(r.Context(), store.Actor{UserID: u.ID}, &a); err != nil {
		data, derr := s.agreementFormData(r, &a)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "agreements/form", &Page{Title: s.T(r, "coop.agreement.new.title"), Data: data}, err)
	}
	s.redirectFlash(w, r, "/agreements/"+a.ID, s.T(r, "coop.agreement.created"))
	return nil
}

// managedAgreement loads the agreement of the path for a change by the
// signed-in user.
func (s *Server) managedAgreement(r *http.Request) (*cooperation.Agreement, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	a, err := s.store.Agreement(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !canManageAgreement(u, a.Parties) {
		return nil, silkbridge.Forbidden()
	}
	return a, nil
}

func (s *Server) editAgreementForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.managedAgreement(r)
	if err != nil {
		return err
	}
	data, err := s.agreementFormData(r, a)
	if err != nil {
		return err
	}
	s.render(w, r, "agreements/form", http.StatusOK, &Page{Title: s.T(r, "coop.agreement.edit.title"), Data: data, Form: agreementForm(a)})
	return nil
}

func (s *Server) updateAgreement(w http.ResponseWriter, r *http.Request) error {
	a, err := s.managedAgreement(r)
	if err == nil {
		err = readCoopForm(r)
	}
	if err != nil {
		return err
	}
	in := agreementFromForm(r)
	// The change must leave the user a party's manager (or an officer).
	if err := mayRegister(currentUser(r), in); err != nil {
		return err
	}
	if _, err := s.store.UpdateAgreement(r.Context(), store.Actor{UserID: currentUser(r).ID}, a.ID, in.apply); err != nil {
		data, derr := s.agreementFormData(r, a)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "agreements/form", &Page{Title: s.T(r, "coop.agreement.edit.title"), Data: data}, err)
	}
	s.redirectFlash(w, r, "/agreements/"+a.ID, s.T(r, "saved"))
	return nil
}

func (s *Server) deleteAgreement(w http.ResponseWriter, r *http.Request) error {
	a, err := s.managedAgreement(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAgreement(r.Context(), store.Actor{UserID: currentUser(r).ID}, a.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/agreements", s.T(r, "deleted"))
	return nil
}

// linkableCooperation loads the cooperation that u puts under (or takes
// out from under) an agreement: officers may link any; managers, the
// cooperations of their organisations.
func (s *Server) linkableCooperation(r *http.Request, id string) (*cooperation.Cooperation, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	if _, err := s.store.Agreement(r.Context(), r.PathValue("id")); err != nil {
		return nil, err
	}
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, silkbridge.Invalid("cooperation_id", "field.required", "this field is required", nil)
	}
	c, err := s.store.Cooperation(r.Context(), id)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return nil, silkbridge.Invalid("cooperation_id", "coop.field.cooperation", "not a cooperation on the platform", nil)
	}
	if err != nil {
		return nil, err
	}
	if !u.IsOfficer() && !canEditCooperation(u, c) {
		return nil, silkbridge.Forbidden()
	}
	return c, nil
}

func (s *Server) linkCooperation(w http.ResponseWriter, r *http.Request) error {
	if err := readCoopForm(r); err != nil {
		return err
	}
	c, err := s.linkableCooperation(r, r.PostForm.Get("cooperation_id"))
	if err == nil {
		err = s.store.LinkCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, r.PathValue("id"), c.ID)
	}
	if err != nil {
		if silkbridge.ErrorCode(err) == silkbridge.EINVALID {
			a, aerr := s.store.Agreement(r.Context(), r.PathValue("id"))
			if aerr == nil {
				if p, perr := s.agreementPage(r, a); perr == nil {
					return s.formError(w, r, "agreements/show", p, err)
				}
			}
		}
		return err
	}
	s.redirectFlash(w, r, "/agreements/"+r.PathValue("id"), s.T(r, "coop.agreement.linked"))
	return nil
}

func (s *Server) unlinkCooperation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.linkableCooperation(r, r.PathValue("coop"))
	if err == nil {
		err = s.store.UnlinkCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, r.PathValue("id"), c.ID)
	}
	if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/agreements/"+r.PathValue("id"), s.T(r, "coop.agreement.unlinked"))
	return nil
}

func (s *Server) apiListAgreements(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	f, err := agreementFilter(r, ref)
	if err != nil {
		return err
	}
	list, page, err := s.store.Agreements(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]cooperation.Agreement, len(list))
	for i, a := range list {
		items[i] = *a
	}
	writeJSON(w, http.StatusOK, List[cooperation.Agreement]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetAgreement(w http.ResponseWriter, r *http.Request) error {
	a, err := s.store.Agreement(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiCreateAgreement(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in agreementInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := mayRegister(currentUser(r), in); err != nil {
		return err
	}
	var a cooperation.Agreement
	in.apply(&a)
	if err := s.store.CreateAgreement(r.Context(), store.Actor{UserID: currentUser(r).ID}, &a); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/agreements/"+a.ID)
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiUpdateAgreement(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	a, err := s.managedAgreement(r)
	if err != nil {
		return err
	}
	var in agreementInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := mayRegister(currentUser(r), in); err != nil {
		return err
	}
	after, err := s.store.UpdateAgreement(r.Context(), store.Actor{UserID: currentUser(r).ID}, a.ID, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiDeleteAgreement(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	a, err := s.managedAgreement(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAgreement(r.Context(), store.Actor{UserID: currentUser(r).ID}, a.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiLinkCooperation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in linkInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.linkableCooperation(r, in.CooperationID)
	if err == nil {
		err = s.store.LinkCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, r.PathValue("id"), c.ID)
	}
	if err != nil {
		return err
	}
	a, err := s.store.Agreement(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiUnlinkCooperation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	c, err := s.linkableCooperation(r, r.PathValue("coop"))
	if err == nil {
		err = s.store.UnlinkCooperation(r.Context(), store.Actor{UserID: currentUser(r).ID}, r.PathValue("id"), c.ID)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
