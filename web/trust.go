package web

import (
	"net/http"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// Trust: organisations ask to be verified, admins and agency officers
// decide, and the verified mark shows wherever the organisation's name
// does. Who may publish which policy follows from it (policy.CheckIssuer).
func (s *Server) trustRoutes() {
	s.page("GET /verifications", s.listVerifications)
	s.page("POST /organisations/{id}/verification", s.requestVerification)
	s.page("POST /organisations/{id}/verification/decision", s.decideVerification)

	s.handleAPI("POST /api/v1/organisations/{id}/verification", Op{Summary: "Ask for the organisation's verification, with evidence (its managers)",
		Tag: "organisations", Request: organisation.VerificationRequest{}, Response: organisation.Organisation{}, Auth: true}, s.apiRequestVerification)
	s.handleAPI("POST /api/v1/organisations/{id}/verification/decision", Op{Summary: "Verify or refuse an organisation (admins and agency officers)",
		Tag: "organisations", Request: organisation.Decision{}, Response: organisation.Organisation{}, Auth: true}, s.apiDecideVerification)
}

// mayRequestVerification: an organisation's managers speak for it.
func mayRequestVerification(u *account.User, o *organisation.Organisation) error {
	switch {
	case u == nil:
		return silkbridge.Unauthorized()
	case !u.Manages(o.ID):
		return silkbridge.Forbidden()
	}
	return nil
}

// mayDecideVerification: admins and agency officers decide, but an
// officer never vouches for an organisation they manage themselves.
func mayDecideVerification(u *account.User, o *organisation.Organisation) error {
	switch {
	case u == nil:
		return silkbridge.Unauthorized()
	case u.IsAdmin():
		return nil
	case !u.IsOfficer() || u.Manages(o.ID):
		return silkbridge.Forbidden()
	}
	return nil
}

// trustData is what the organisation page shows of its verification.
func trustData(u *account.User, o *organisation.Organisation) map[string]any {
	return map[string]any{
		"CanRequest":    mayRequestVerification(u, o) == nil && !o.IsVerified(),
		"CanDecide":     mayDecideVerification(u, o) == nil,
		"SeesDetails":   u.Manages(o.ID) || u.IsOfficer(),
		"EvidenceKinds": organisation.EvidenceKinds,
	}
}

// orgForVerification loads the organisation of the path and asks the rule.
func (s *Server) orgForVerification(r *http.Request, may func(*account.User, *organisation.Organisation) error) (*organisation.Organisation, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return o, may(u, o)
}

func (s *Server) requestVerification(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgForVerification(r, mayRequestVerification)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	u := currentUser(r)
	req := organisation.VerificationRequest{EvidenceKind: r.PostForm.Get("evidence_kind"), EvidenceValue: r.PostForm.Get("evidence_value"), Note: r.PostForm.Get("note")}
	if _, err := s.store.RequestVerification(r.Context(), store.Actor{UserID: u.ID}, o.ID, u.Email, req); err != nil {
		return s.organisationPageError(w, r, o, err)
	}
	s.redirectFlash(w, r, "/organisations/"+o.ID, s.T(r, "trust.requested"))
	return nil
}

func (s *Server) decideVerification(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgForVerification(r, mayDecideVerification)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	d := organisation.Decision{Verdict: r.PostForm.Get("verdict"), Reason: r.PostForm.Get("reason")}
	if _, err := s.store.DecideVerification(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, d); err != nil {
		return s.organisationPageError(w, r, o, err)
	}
	back := "/organisations/" + o.ID
	if r.PostForm.Get("back") == "/verifications" {
		back = "/verifications"
	}
	s.redirectFlash(w, r, back, s.T(r, "trust.decided."+d.Verdict))
	return nil
}

// organisationPageError shows the organisation's page again with the
// problems of a verification form.
func (s *Server) organisationPageError(w http.ResponseWriter, r *http.Request, o *organisation.Organisation, err error) error {
	data, derr := s.organisationPageData(r, o)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "organisations/show", &Page{Title: o.Name, Data: data}, err)
}

// listVerifications is the officers' review list: the organisations that
// asked, by name.
func (s *Server) listVerifications(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return err
	}
	orgs, pg, err := s.store.Organisations(r.Context(), organisation.Filter{Verification: organisation.Pending, Page: page, PerPage: 50})
	if err != nil {
		return err
	}
	type item struct {
		Org       *organisation.Organisation
		CanDecide bool
	}
	items := make([]item, len(orgs))
	for i, o := range orgs {
		items[i] = item{Org: o, CanDecide: mayDecideVerification(u, o) == nil}
	}
	clearFlash(w, r)
	s.render(w, r, "organisations/verifications", http.StatusOK, &Page{Title: s.T(r, "trust.review.title"), Data: map[string]any{
		"Items": items, "Page": pg,
	}})
	return nil
}

func (s *Server) apiRequestVerification(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.orgForVerification(r, mayRequestVerification)
	if err != nil {
		return err
	}
	var req organisation.VerificationRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u := currentUser(r)
	after, err := s.store.RequestVerification(r.Context(), store.Actor{UserID: u.ID}, o.ID, u.Email, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOrganisation(u, after))
	return nil
}

func (s *Server) apiDecideVerification(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.orgForVerification(r, mayDecideVerification)
	if err != nil {
		return err
	}
	var d organisation.Decision
	if err := decodeJSON(r, &d); err != nil {
		return err
	}
	u := currentUser(r)
	after, err := s.store.DecideVerification(r.Context(), store.Actor{UserID: u.ID}, o.ID, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOrganisation(u, after))
	return nil
}
