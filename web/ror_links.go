package web

import (
	"net/http"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// rorLinkRoutes serve the review of proposed links from organisations to
// ROR records: admins and agency officers decide every link, an
// organisation's managers those the matcher proposed for it; a manager
// may claim the organisation's record, which an officer then decides.
func (s *Server) rorLinkRoutes() {
	s.page("GET /ror/links", s.listRORLinks)
	s.page("POST /ror/links/{org}/{ror}/decision", s.decideRORLink)
	s.page("POST /organisations/{id}/ror/claim", s.claimROR)

	s.handleAPI("GET /api/v1/ror/links", Op{Summary: "Links to ROR records in a state (candidate by default) that you may review", Tag: "organisations",
		Response: List[store.RORLink]{}, Auth: true, Query: map[string]string{"state": "candidate, linked or rejected", "page": "page number", "per_page": "items per page (at most 100)"}},
		s.apiListRORLinks)
	s.handleAPI("POST /api/v1/ror/links/{org}/{ror}/decision", Op{Summary: "Confirm or reject a proposed link to a ROR record", Tag: "organisations",
		Request: rorDecisionInput{}, Auth: true, Status: http.StatusNoContent}, s.apiDecideRORLink)
	s.handleAPI("POST /api/v1/organisations/{id}/ror/claim", Op{Summary: "Claim the organisation's ROR record (its managers); an agency officer decides", Tag: "organisations",
		Request: rorClaimInput{}, Auth: true, Status: http.StatusNoContent}, s.apiClaimROR)
}

type rorDecisionInput struct {
	// Decision is confirm or reject.
	Decision string `json:"decision"`
}

type rorClaimInput struct {
	RORID string `json:"ror_id"`
}

// reviewScope returns the organisations whose links u may review: nil for
// every organisation (officers), else those u manages.
func reviewScope(u *account.User) []string {
	if u.IsOfficer() {
		return nil
	}
	if u.Orgs == nil {
		return []string{}
	}
	return u.Orgs
}

func rorLinksQuery(r *http.Request) (string, int, int, error) {
	state := r.URL.Query().Get("state")
	if state == "" {
		state = store.LinkCandidate
	}
	var p silkbridge.Problems
	if state != store.LinkCandidate && state != store.LinkLinked && state != store.LinkRejected {
		p.Add("state", "ror.error.state", "candidate, linked or rejected", nil)
	}
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return "", 0, 0, err
	}
	per, err := queryInt(r, "per_page", 50)
	if err != nil {
		return "", 0, 0, err
	}
	return state, page, per, p.Err()
}

func (s *Server) listRORLinks(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	state, page, per, err := rorLinksQuery(r)
	if err != nil {
		return err
	}
	links, p, err := s.store.RORLinks(r.Context(), state, reviewScope(u), page, per)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "ror/links", http.StatusOK, &Page{Title: s.T(r, "ror.links.title"), Data: map[string]any{
		"Links": links, "Page": p, "State": state, "States": []string{store.LinkCandidate, store.LinkLinked, store.LinkRejected}}})
	return nil
}

func (s *Server) apiListRORLinks(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	state, page, per, err := rorLinksQuery(r)
	if err != nil {
		return err
	}
	links, p, err := s.store.RORLinks(r.Context(), state, reviewScope(u), page, per)
	if err != nil {
		return err
	}
	if links == nil {
		links = []store.RORLink{}
	}
	writeJSON(w, http.StatusOK, List[store.RORLink]{Items: links, Page: p.Number, PerPage: p.PerPage, Total: p.Total})
	return nil
}

// mayDecideLink: officers decide every link; an organisation's managers
// those the matcher proposed for it, not their own claims.
func (s *Server) mayDecideLink(r *http.Request) (*store.RORLink, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	l, err := s.store.RORLinkOf(r.Context(), r.PathValue("org"), r.PathValue("ror"))
	if err != nil {
		return nil, err
	}
	if u.IsOfficer() || (u.Manages(l.OrgID) && l.Confidence != store.ClaimConfidence) {
		return l, nil
	}
	return nil, silkbridge.Forbidden()
}

func decisionOf(v string) (bool, error) {
	switch v {
	case "confirm":
		return true, nil
	case "reject":
		return false, nil
	}
	return false, silkbridge.Invalid("decision", "ror.error.decision", "confirm or reject", nil)
}

func (s *Server) decideRORLink(w http.ResponseWriter, r *http.Request) error {
	l, err := s.mayDecideLink(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	confirm, err := decisionOf(r.PostForm.Get("decision"))
	if err != nil {
		return err
	}
	if err := s.store.DecideRORLink(r.Context(), store.Actor{UserID: currentUser(r).ID}, l.OrgID, l.RORID, confirm); err != nil {
		return err
	}
	msg := "ror.links.rejected"
	if confirm {
		msg = "ror.links.confirmed"
	}
	s.redirectFlash(w, r, "/ror/links", s.T(r, msg))
	return nil
}

func (s *Server) apiDecideRORLink(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	l, err := s.mayDecideLink(r)
	if err != nil {
		return err
	}
	var in rorDecisionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	confirm, err := decisionOf(in.Decision)
	if err != nil {
		return err
	}
	if err := s.store.DecideRORLink(r.Context(), store.Actor{UserID: currentUser(r).ID}, l.OrgID, l.RORID, confirm); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// claimableOrg loads the organisation of the path if the user manages it
// (or is an admin).
func (s *Server) claimableOrg(r *http.Request) (*organisation.Organisation, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !u.Manages(o.ID) && !u.IsAdmin() {
		return nil, silkbridge.Forbidden()
	}
	return o, nil
}

func claimRORID(v string) (string, error) {
	id := organisation.NormaliseROR(v)
	var p silkbridge.Problems
	if p.Required("ror_id", id) && !organisation.ValidROR(id) {
		p.Add("ror_id", "field.ror", "not a valid ROR id (nine characters such as 05dxps055, with a correct checksum)", map[string]any{"Value": id})
	}
	return id, p.Err()
}

func (s *Server) claimROR(w http.ResponseWriter, r *http.Request) error {
	o, err := s.claimableOrg(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	id, err := claimRORID(r.PostForm.Get("ror_id"))
	if err == nil {
		err = s.store.ClaimROR(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, id)
	}
	if err != nil {
		return s.organisationPageError(w, r, o, err)
	}
	s.redirectFlash(w, r, "/organisations/"+o.ID, s.T(r, "ror.claimed"))
	return nil
}

func (s *Server) apiClaimROR(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.claimableOrg(r)
	if err != nil {
		return err
	}
	var in rorClaimInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := claimRORID(in.RORID)
	if err != nil {
		return err
	}
	if err := s.store.ClaimROR(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
