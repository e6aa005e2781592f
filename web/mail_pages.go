package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) mailRoutes() {
	s.savedSearchMailRoutes()
	s.page("GET /account/verify", s.verifyForm)
	s.page("POST /account/verify", s.verifyEmail)
	s.page("POST /account/verify/send", s.resendVerification)
	s.page("GET /account/notifications", s.notificationSettings)
	s.page("POST /account/notifications", s.saveNotificationSettings)
	s.page("GET /unsubscribe", s.unsubscribeForm)
	s.page("POST /unsubscribe", s.unsubscribe)

	s.handleAPI("GET /api/v1/me/notifications", Op{Summary: "The notifications you receive by mail, and the language of your mail",
		Tag: "accounts", Response: mailSettings{}, Auth: true}, s.apiMailSettings)
	s.handleAPI("PUT /api/v1/me/notifications", Op{Summary: "Choose the notifications you receive by mail, and the language of your mail",
		Tag: "accounts", Request: mailSettings{}, Response: mailSettings{}, Auth: true}, s.apiSetMailSettings)
}

// mailSettings is what a person chooses of their mail.
type mailSettings struct {
	// Lang is the language of the mail (en, zh, ru, ar, fr, es).
	Lang string `json:"lang"`
	// Mail says, for each kind of notification, whether it is sent by mail.
	Mail map[string]bool `json:"mail"`
	// Verified says the address has been confirmed: only then is mail sent.
	Verified bool `json:"email_verified"`
	// Sending says this site sends mail at all.
	Sending bool `json:"mail_configured"`
}

func (s *Server) mailSettingsOf(ctx context.Context, userID string) (*mailSettings, error) {
	rec, err := s.store.MailRecipient(ctx, userID)
	if err != nil {
		return nil, err
	}
	off, err := s.store.MailOptOuts(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := &mailSettings{Lang: rec.Lang, Mail: map[string]bool{}, Verified: rec.Verified, Sending: s.mailOn()}
	for _, k := range mailKinds {
		out.Mail[k] = !off[k]
	}
	return out, nil
}

// checkMailSettings refuses an unknown language or kind, naming the field.
func checkMailSettings(in *mailSettings) error {
	var p silkbridge.Problems
	if _, ok := languageByTag(in.Lang); in.Lang != "" && !ok {
		p.Add("lang", "field.choice", "not one of the choices", map[string]any{"Value": in.Lang})
	}
	for k := range in.Mail {
		if !isMailKind(k) {
			p.Add("mail", "field.choice", "not one of the choices", map[string]any{"Value": k})
		}
	}
	return p.Err()
}

func (s *Server) saveMailSettings(ctx context.Context, userID string, in *mailSettings) error {
	if err := checkMailSettings(in); err != nil {
		return err
	}
	if in.Lang != "" {
		if err := s.store.SetUserLanguage(ctx, userID, in.Lang); err != nil {
			return err
		}
	}
	return s.store.SetMailOptOuts(ctx, store.Actor{UserID: userID}, userID, in.Mail)
}

func (s *Server) notificationSettings(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	ms, err := s.mailSettingsOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "mail/notifications", http.StatusOK, &Page{Title: s.T(r, "mail.settings.title"),
		Data: map[string]any{"Settings": ms, "Kinds": mailKinds}})
	return nil
}

func (s *Server) saveNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	in := &mailSettings{Lang: r.PostForm.Get("lang"), Mail: map[string]bool{}}
	for _, k := range mailKinds {
		in.Mail[k] = r.PostForm.Get(k) == "on"
	}
	if err := s.saveMailSettings(r.Context(), u.ID, in); err != nil {
		ms, merr := s.mailSettingsOf(r.Context(), u.ID)
		if merr != nil {
			return merr
		}
		return s.formError(w, r, "mail/notifications", &Page{Title: s.T(r, "mail.settings.title"),
			Data: map[string]any{"Settings": ms, "Kinds": mailKinds}}, err)
	}
	s.redirectFlash(w, r, "/account/notifications", s.T(r, "mail.settings.saved"))
	return nil
}

func (s *Server) apiMailSettings(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	ms, err := s.mailSettingsOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ms)
	return nil
}

func (s *Server) apiSetMailSettings(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	var in mailSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.saveMailSettings(r.Context(), u.ID, &in); err != nil {
		return err
	}
	return s.apiMailSettings(w, r)
}

// errMailLink is the one answer for a verification or unsubscribe link
// that is forged, altered or expired.
func errMailLink() error {
	return silkbridge.Errorf(silkbridge.EINVALID, "mail.link.invalid", "this link is not valid: it has expired or is incomplete")
}

// verifiedToken returns the user and the address that a verification
// link was made for.
func (s *Server) verifiedToken(ctx context.Context, token string) (userID, email string, err error) {
	key, err := s.mailKey(ctx)
	if err != nil {
		return "", "", err
	}
	sub, err := mail.VerifyToken(key, "verify", token, time.Now())
	if err != nil {
		return "", "", errMailLink()
	}
	userID, email, _ = strings.Cut(sub, "|")
	return userID, email, nil
}

// verifyForm shows the confirmation button: following a link (which mail
// scanners do) changes nothing; the press of the button does.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	page := &Page{Title: s.T(r, "mail.verify.title"), Form: map[string][]string{"token": {token}}}
	_, email, err := s.verifiedToken(r.Context(), token)
	if silkbridge.ErrorCode(err) == silkbridge.EINVALID {
		page.Error = s.translator(requestLanguage(r)).Error(err)
		page.Data = map[string]any{"Dead": true}
		s.render(w, r, "mail/verify", http.StatusNotFound, page)
		return nil
	}
	if err != nil {
		return err
	}
	page.Data = map[string]any{"Email": email}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "mail/verify", http.StatusOK, page)
	return nil
}

func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	page := &Page{Title: s.T(r, "mail.verify.title"), Data: map[string]any{"Dead": true}}
	userID, email, err := s.verifiedToken(r.Context(), r.PostForm.Get("token"))
	if err == nil {
		err = s.store.VerifyEmail(r.Context(), userID, email)
	}
	if err != nil {
		return s.formError(w, r, "mail/verify", page, err)
	}
	to := "/signin"
	if currentUser(r) != nil {
		to = "/account"
	}
	s.redirectFlash(w, r, to, s.T(r, "mail.verify.done"))
	return nil
}

// resendVerification sends the signed-in person a new verification link.
func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !s.mailOn() {
		s.redirectFlash(w, r, "/account", s.T(r, "mail.off"))
		return nil
	}
	s.sendMail(r.Context(), mail.Args{UserID: u.ID, Template: "verify", Lang: requestLanguage(r).Tag})
	s.redirectFlash(w, r, "/account", s.T(r, "mail.verify.sent", "Email", u.Email))
	return nil
}

// requireVerified refuses, on a site that sends mail, a person whose
// address is not verified: an invitation must reach its addressee.
// Without mail nobody can verify, and nobody is refused.
func (s *Server) requireVerified(ctx context.Context, userID string) error {
	if !s.mailOn() {
		return nil
	}
	ok, err := s.store.EmailVerified(ctx, userID)
	if err != nil {
		return err
	}
	if !ok {
		return silkbridge.Errorf(silkbridge.EFORBIDDEN, "mail.verify.required", "confirm your e-mail address first, with the link sent to it")
	}
	return nil
}

// unsubscribeToken returns the user and kind of an unsubscribe link.
func (s *Server) unsubscribeToken(ctx context.Context, token string) (userID, kind string, err error) {
	key, err := s.mailKey(ctx)
	if err != nil {
		return "", "", err
	}
	sub, err := mail.VerifyToken(key, "unsubscribe", token, time.Now())
	if err != nil {
		return "", "", errMailLink()
	}
	userID, kind, _ = strings.Cut(sub, "|")
	if !isMailKind(kind) {
		return "", "", errMailLink()
	}
	return userID, kind, nil
}

func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	page := &Page{Title: s.T(r, "mail.unsubscribe.title"), Form: map[string][]string{"token": {token}}}
	_, kind, err := s.unsubscribeToken(r.Context(), token)
	if silkbridge.ErrorCode(err) == silkbridge.EINVALID {
		page.Error = s.translator(requestLanguage(r)).Error(err)
		page.Data = map[string]any{"Dead": true}
		s.render(w, r, "mail/unsubscribe", http.StatusNotFound, page)
		return nil
	}
	if err != nil {
		return err
	}
	page.Data = map[string]any{"Kind": kind}
	s.render(w, r, "mail/unsubscribe", http.StatusOK, page)
	return nil
}

// unsubscribe stops one kind of mail for the person the link was made
// for, without signing in: from the page's button, or from a mail
// client's one-click POST (RFC 8058), which carries the token in the
// address.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	userID, kind, err := s.unsubscribeToken(r.Context(), token)
	if err == nil {
		err = s.store.SetMailOptOuts(r.Context(), store.Actor{UserID: userID}, userID, map[string]bool{kind: false})
	}
	if err != nil {
		return s.formError(w, r, "mail/unsubscribe", &Page{Title: s.T(r, "mail.unsubscribe.title"), Data: map[string]any{"Dead": true}}, err)
	}
	s.render(w, r, "mail/unsubscribe", http.StatusOK, &Page{Title: s.T(r, "mail.unsubscribe.title"),
		Data: map[string]any{"Kind": kind, "Done": true}})
	return nil
}
