package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/consent"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
)

// Consent of named organisations: an organisation named as an event's
// co-host or an agreement's party by someone who does not manage it is
// invited, and its managers accept or decline, on the record's page, on
// the consents page of their account, or through the API.

func (s *Server) consentRoutes() {
	s.page("GET /account/consents", s.listConsents)
	s.page("POST /events/{id}/hosts/{org}/accept", s.answerHost(true))
	s.page("POST /events/{id}/hosts/{org}/decline", s.answerHost(false))
	s.page("POST /agreements/{id}/parties/{org}/accept", s.answerParty(true))
	s.page("POST /agreements/{id}/parties/{org}/decline", s.answerParty(false))

	s.handleAPI("GET /api/v1/me/consents", Op{Summary: "The invitations of the organisations you manage to host events or be agreement parties, not yet answered",
		Tag: "consents", Response: []consent.Invitation{}, Auth: true}, s.apiListConsents)
	s.handleAPI("POST /api/v1/events/{id}/hosts/{org}/accept", Op{Summary: "Accept, for an organisation you manage, to host the event",
		Tag: "consents", Response: event.Event{}, Auth: true}, s.apiAnswerHost(true))
	s.handleAPI("POST /api/v1/events/{id}/hosts/{org}/decline", Op{Summary: "Decline, for an organisation you manage, to host the event; it is taken off",
		Tag: "consents", Response: event.Event{}, Auth: true}, s.apiAnswerHost(false))
	s.handleAPI("POST /api/v1/agreements/{id}/parties/{org}/accept", Op{Summary: "Accept, for an organisation you manage, to be a party to the agreement",
		Tag: "consents", Response: cooperation.Agreement{}, Auth: true}, s.apiAnswerParty(true))
	s.handleAPI("POST /api/v1/agreements/{id}/parties/{org}/decline", Op{Summary: "Decline, for an organisation you manage, to be a party to the agreement; it is taken off",
		Tag: "consents", Response: cooperation.Agreement{}, Auth: true}, s.apiAnswerParty(false))
}

// answersFor reports whether u answers for the organisation: u is one of
// its managers. Unlike account.User.Manages it does not let admins in:
// consent is the organisation's own to give.
func answersFor(u *account.User, orgID string) bool {
	return u != nil && slices.Contains(u.Orgs, orgID)
}

// namedOrg is an invited organisation as a record's page shows it.
type namedOrg struct {
	OrgID, Name string
	// CanAnswer: the viewer manages it, so the page offers accept and decline.
	CanAnswer bool
}

func invitedHosts(u *account.User, e *event.Event) []namedOrg {
	var out []namedOrg
	for _, h := range e.InvitedHosts() {
		out = append(out, namedOrg{OrgID: h.OrgID, Name: h.Name, CanAnswer: answersFor(u, h.OrgID)})
	}
	return out
}

func invitedParties(u *account.User, a *cooperation.Agreement) []namedOrg {
	var out []namedOrg
	for _, p := range a.InvitedParties() {
		out = append(out, namedOrg{OrgID: p.OrgID, Name: p.Name, CanAnswer: answersFor(u, p.OrgID)})
	}
	return out
}

// consentAnswerer checks that the request may answer for the organisation
// of the path: a signed-in user (with a token that may write, for the API)
// who manages it. The record itself is the store's to find.
func consentAnswerer(r *http.Request) (*account.User, string, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, "", err
	}
	if err := writeAccess(r); err != nil {
		return nil, "", err
	}
	orgID := r.PathValue("org")
	if !answersFor(u, orgID) {
		return nil, "", silkbridge.Errorf(silkbridge.EFORBIDDEN, "consent.error.not_manager", "only the managers of an organisation answer for it")
	}
	if !silkbridge.ValidID(r.PathValue("id")) {
		return nil, "", silkbridge.NotFound("record")
	}
	return u, orgID, nil
}

// answered is the flash message after an answer.
func (s *Server) answered(r *http.Request, accept bool, title string) string {
	if accept {
		return s.T(r, "consent.accepted", "Title", title)
	}
	return s.T(r, "consent.declined", "Title", title)
}

// backAfterAnswer is where the page goes after an answer: the consents
// page when the answer was given there, else the record (which, after a
// decline, still exists: only the organisation was taken off it).
func backAfterAnswer(r *http.Request, record string) string {
	if r.PostFormValue("from") == "consents" {
		return "/account/consents"
	}
	return record
}

// answerConsent answers, as a manager of the path's organisation, its
// invitation to the path's record with the store's answer of that kind.
// A page's form is read too: it says where to go back to.
func answerConsent[T any](r *http.Request, accept bool,
	answer func(ctx context.Context, actor store.Actor, recordID, orgID string, accept bool) (T, error)) (T, error) {
	var none T
	u, orgID, err := consentAnswerer(r)
	if err == nil && !isAPI(r) {
		err = parseForm(r)
	}
	if err != nil {
		return none, err
	}
	return answer(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), orgID, accept)
}

func (s *Server) answerHost(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := answerConsent(r, accept, s.store.AnswerHostInvitation)
		if err != nil {
			return err
		}
		s.redirectFlash(w, r, backAfterAnswer(r, "/events/"+e.ID), s.answered(r, accept, e.Title))
		return nil
	}
}

func (s *Server) answerParty(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := answerConsent(r, accept, s.store.AnswerPartyInvitation)
		if err != nil {
			return err
		}
		s.redirectFlash(w, r, backAfterAnswer(r, "/agreements/"+a.ID), s.answered(r, accept, a.Title))
		return nil
	}
}

func (s *Server) apiAnswerHost(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := answerConsent(r, accept, s.store.AnswerHostInvitation)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
}

func (s *Server) apiAnswerParty(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := answerConsent(r, accept, s.store.AnswerPartyInvitation)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, a)
		return nil
	}
}

// consentItem is a pending invitation as the consents page shows it.
type consentItem struct {
	consent.Invitation
	// Path is the record's page; Action the start of its answer routes.
	Path, Action string
}

func (s *Server) listConsents(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	list, err := s.store.PendingInvitations(r.Context(), u.Orgs)
	if err != nil {
		return err
	}
	items := make([]consentItem, len(list))
	for i, inv := range list {
		items[i] = consentItem{Invitation: inv}
		switch inv.Kind {
		case consent.EventHost:
			items[i].Path = "/events/" + inv.RecordID
			items[i].Action = items[i].Path + "/hosts/" + inv.OrgID
		case consent.AgreementParty:
			items[i].Path = "/agreements/" + inv.RecordID
			items[i].Action = items[i].Path + "/parties/" + inv.OrgID
		}
	}
	clearFlash(w, r)
	s.render(w, r, "consents/list", http.StatusOK, &Page{Title: s.T(r, "consent.list.title"), Data: map[string]any{"Items": items}})
	return nil
}

func (s *Server) apiListConsents(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	list, err := s.store.PendingInvitations(r.Context(), u.Orgs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
