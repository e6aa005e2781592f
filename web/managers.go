package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/store"
)

// An organisation's managers (and admins) see its managers, invite others
// by e-mail and withdraw invitations. The invitee opens the invitation's
// link, which carries a secret, and accepts while signed in with the
// invited address. Without a mail server, the link is logged for the
// operator and shown once to the manager who invited, to pass on: it is of
// no use to anyone signed in with another address. The secret travels in
// the query string and the form body, never in the path, which the request
// log records.

func (s *Server) managerRoutes() {
	s.page("GET /organisations/{id}/managers", s.showManagers)
	s.page("POST /organisations/{id}/invitations", s.inviteManager)
	s.page("POST /organisations/{id}/invitations/{inv}/revoke", s.revokeInvitation)
	s.page("POST /organisations/{id}/managers/{user}/remove", s.removeManager)
	s.page("GET /invitation", s.showInvitation)
	s.page("POST /invitation/accept", s.acceptInvitation)
	s.page("POST /invitation/decline", s.declineInvitation)

	s.handleAPI("GET /api/v1/organisations/{id}/managers", Op{Summary: "The managers and open invitations of an organisation (its managers)",
		Tag: "organisations", Response: managersOutput{}, Auth: true}, s.apiManagers)
	s.handleAPI("POST /api/v1/organisations/{id}/invitations", Op{Summary: "Invite someone by e-mail to manage an organisation (its managers)",
		Tag: "organisations", Request: inviteInput{}, Response: inviteOutput{}, Auth: true, Status: http.StatusCreated}, s.apiInvite)
	s.handleAPI("DELETE /api/v1/organisations/{id}/invitations/{inv}", Op{Summary: "Withdraw an open invitation (the organisation's managers)",
		Tag: "organisations", Auth: true, Status: http.StatusNoContent}, s.apiRevokeInvitation)
	s.handleAPI("POST /api/v1/invitations/accept", Op{Summary: "Accept an invitation addressed to your e-mail, with the token of its link: you become a manager",
		Tag: "organisations", Request: acceptInput{}, Response: account.Invitation{}, Auth: true}, s.apiAcceptInvitation)
}

// managersOutput is what the API tells an organisation's managers.
type managersOutput struct {
	Managers    []account.Manager     `json:"managers"`
	Invitations []*account.Invitation `json:"invitations"`
}

// inviteInput is the body of the API's invitation call.
type inviteInput struct {
	Email string `json:"email"`
}

// inviteOutput is the new invitation with its link, which is given only
// this once.
type inviteOutput struct {
	*account.Invitation
	Link string `json:"link"`
}

// acceptInput is the body of the API's acceptance call: the token of the
// invitation's link.
type acceptInput struct {
	Token string `json:"token"`
}

// invitationLink is the address the invitee opens.
func (s *Server) invitationLink(r *http.Request, secret string) string {
	return s.absoluteURL("/invitation?token=" + url.QueryEscape(secret))
}

func (s *Server) managersData(r *http.Request, orgID string) (*managersOutput, error) {
	managers, err := s.store.Managers(r.Context(), orgID)
	if err != nil {
		return nil, err
	}
	invitations, err := s.store.OpenInvitations(r.Context(), orgID)
	if err != nil {
		return nil, err
	}
	if managers == nil {
		managers = []account.Manager{}
	}
	if invitations == nil {
		invitations = []*account.Invitation{}
	}
	return &managersOutput{Managers: managers, Invitations: invitations}, nil
}

// managersPage shows an organisation's managers and open invitations;
// newLink, when not empty, is the link of the invitation just made, shown
// this once.
func (s *Server) managersPage(w http.ResponseWriter, r *http.Request, status int, p *Page, newLink string) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	m, err := s.managersData(r, o.ID)
	if err != nil {
		return err
	}
	p.Title = s.T(r, "account.managers.title", "Name", o.Name)
	p.Data = map[string]any{"Org": o, "Managers": m.Managers, "Invitations": m.Invitations, "NewLink": newLink}
	if newLink != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, "accounts/managers", status, p)
	return nil
}

func (s *Server) showManagers(w http.ResponseWriter, r *http.Request) error {
	clearFlash(w, r)
	return s.managersPage(w, r, http.StatusOK, &Page{}, "")
}

func (s *Server) inviteManager(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	inv, secret, err := s.store.InviteManager(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, account.Invite{Email: r.PostForm.Get("email")})
	if err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		tr := s.translator(requestLanguage(r))
		return s.managersPage(w, r, http.StatusUnprocessableEntity, &Page{Form: r.PostForm, Errors: tr.FieldErrors(err), Error: tr.Error(err)}, "")
	}
	link := s.invitationLink(r, secret)
	s.deliverInvitation(r, inv, secret)
	return s.managersPage(w, r, http.StatusCreated, &Page{Flash: s.T(r, "account.invite.sent", "Email", inv.Email)}, link)
}

// deliverInvitation mails the invitation to its addressee; without a mail
// server the inviter passes on the link shown to them once. The secret in
// the link never goes into the log.
func (s *Server) deliverInvitation(r *http.Request, inv *account.Invitation, secret string) {
	if s.mailOn() {
		s.sendMail(r.Context(), mail.Args{To: inv.Email, Template: "invitation", Lang: requestLanguage(r).Tag,
			Data: map[string]string{"Org": inv.OrgName, "Inviter": currentUser(r).Name,
				"Link": "/invitation?token=" + url.QueryEscape(secret)}})
		return
	}
	s.log.Info("manager invited: no mail server is configured; the inviting manager passes the link shown to them to the invitee",
		"organisation", inv.OrgID, "expires_in", account.InvitationTimeout.String())
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	if err := s.store.RevokeInvitation(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, r.PathValue("inv")); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/organisations/"+o.ID+"/managers", s.T(r, "account.invite.revoked"))
	return nil
}

func (s *Server) removeManager(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	if err := s.store.RemoveManager(r.Context(), store.Actor{UserID: u.ID}, o.ID, r.PathValue("user")); err != nil {
		return err
	}
	to := "/organisations/" + o.ID + "/managers"
	if r.PathValue("user") == u.ID && !u.IsAdmin() {
		to = "/account"
	}
	s.redirectFlash(w, r, to, s.T(r, "account.manager.removed"))
	return nil
}

// showInvitation shows the invitation of a link to the signed-in user
// (a visitor is sent to sign in first, and comes back).
func (s *Server) showInvitation(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	token := r.URL.Query().Get("token")
	inv, err := s.store.InvitationByToken(r.Context(), token)
	if err != nil {
		return err
	}
	mine := inv.Email == account.NormaliseEmail(u.Email)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "accounts/invitation", http.StatusOK, &Page{Title: s.T(r, "account.invitation.title", "Name", inv.OrgName),
		Form: map[string][]string{"token": {token}}, Data: map[string]any{"Invitation": inv, "Mine": mine, "Open": inv.Open(time.Now())}})
	return nil
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		return err
	}
	if err := s.requireVerified(r.Context(), u.ID); err != nil {
		return err
	}
	inv, err := s.store.AcceptInvitation(r.Context(), r.PostForm.Get("token"), u)
	if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/organisations/"+inv.OrgID, s.T(r, "account.invitation.accepted", "Name", inv.OrgName))
	return nil
}

func (s *Server) declineInvitation(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		return err
	}
	if err := s.store.DeclineInvitation(r.Context(), r.PostForm.Get("token"), u); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/account", s.T(r, "account.invitation.declined"))
	return nil
}

func (s *Server) apiManagers(w http.ResponseWriter, r *http.Request) error {
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	m, err := s.managersData(r, o.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	var in inviteInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inv, secret, err := s.store.InviteManager(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, account.Invite{Email: in.Email})
	if err != nil {
		return err
	}
	link := s.invitationLink(r, secret)
	s.deliverInvitation(r, inv, secret)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, inviteOutput{Invitation: inv, Link: link})
	return nil
}

func (s *Server) apiRevokeInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	o, err := s.managedOrganisation(r)
	if err != nil {
		return err
	}
	if err := s.store.RevokeInvitation(r.Context(), store.Actor{UserID: currentUser(r).ID}, o.ID, r.PathValue("inv")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAcceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in acceptInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.requireVerified(r.Context(), currentUser(r).ID); err != nil {
		return err
	}
	inv, err := s.store.AcceptInvitation(r.Context(), in.Token, currentUser(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inv)
	return nil
}
