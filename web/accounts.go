package web

import (
	"errors"
	"net/http"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) accountRoutes() {
	s.page("GET /signup", s.signUpForm)
	s.page("POST /signup", s.hashing(s.signUp))
	s.page("GET /signin", s.signInForm)
	s.page("POST /signin", s.hashing(s.signIn))
	s.page("POST /signout", s.signOut)
	s.page("GET /account", s.showAccount)
	s.page("GET /account/password", s.passwordForm)
	s.page("POST /account/password", s.hashing(s.changePassword))
	s.page("GET /password/forgot", s.forgotForm)
	s.page("POST /password/forgot", s.requestReset)
	s.page("GET /password/reset", s.resetForm)
	s.page("POST /password/reset", s.hashing(s.resetPassword))

	s.handleAPI("GET /api/v1/me", Op{Summary: "Your account: e-mail, name, role and the organisations you manage", Tag: "accounts",
		Response: account.User{}, Auth: true}, s.apiMe)
}

func (s *Server) signUpForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, "accounts/signup", http.StatusOK, &Page{Title: s.T(r, "signup.title"), Form: map[string][]string{"back": {r.URL.Query().Get("back")}}})
	return nil
}

// signUp creates an account and signs its holder in. It answers an
// address that already has an account the same way (status, place and
// message; only no session is started), so that the form cannot be used
// to learn who has an account: nothing is created then, and the holder
// finds a notice among their notifications.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	page := &Page{Title: s.T(r, "signup.title")}
	f := account.SignUp{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")}
	if err := f.Validate(); err != nil {
		r.PostForm.Del("password")
		return s.formError(w, r, "accounts/signup", page, err)
	}
	if _, err := s.store.TakeAttempt(r.Context(), signUpLimits(r, f.Email)); err != nil {
		setRetryAfter(w, err)
		r.PostForm.Del("password")
		s.render(w, r, "accounts/signup", statusOf(err), &Page{Title: page.Title, Form: r.PostForm,
			Error: s.translator(requestLanguage(r)).Error(err)})
		return nil
	}
	// Someone who came to accept an invitation goes back to it.
	back := r.PostForm.Get("back")
	if !localPath(back) {
		back = "/profile"
	}
	done := s.T(r, "signup.done", "Name", f.Name)
	u, err := s.store.CreateUser(r.Context(), store.Actor{}, f, account.Member)
	if isEmailTaken(err) {
		if _, err := s.store.NotifySignUpAttempt(r.Context(), f.Email); err != nil {
			return err
		}
		s.log.Debug("sign-up with an address that has an account: its holder is notified")
		s.redirectFlash(w, r, back, done)
		return nil
	}
	if err != nil {
		r.PostForm.Del("password")
		return s.formError(w, r, "accounts/signup", page, err)
	}
	if err := s.store.SetUserLanguage(r.Context(), u.ID, requestLanguage(r).Tag); err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.sendMail(r.Context(), mail.Args{UserID: u.ID, Template: "verify"})
	s.redirectFlash(w, r, back, done)
	return nil
}

// isEmailTaken reports whether err refuses an e-mail that has an account.
func isEmailTaken(err error) bool {
	e, ok := errors.AsType[*silkbridge.Error](err)
	return ok && len(e.Fields) == 1 && e.Fields[0].MessageID == "field.email_taken"
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	clearFlash(w, r)
	s.render(w, r, "accounts/signin", http.StatusOK, &Page{Title: s.T(r, "signin.title"), Form: map[string][]string{"back": {r.URL.Query().Get("back")}}})
	return nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	email := r.PostForm.Get("email")
	ticket, err := s.takePasswordAttempt(r, email)
	if err != nil {
		s.signInRefused(w, r, err)
		return nil
	}
	u, err := s.store.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		s.signInRefused(w, r, err)
		return nil
	}
	s.forgetAttempt(r, ticket)
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	back := r.PostForm.Get("back")
	if !localPath(back) {
		back = "/"
	}
	s.redirectFlash(w, r, back, s.T(r, "signin.done", "Name", u.Name))
	return nil
}

// signInRefused shows the sign-in form again with one message for every
// refusal, so the page says nothing about whether the account exists.
func (s *Server) signInRefused(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	setRetryAfter(w, err)
	r.PostForm.Del("password")
	s.render(w, r, "accounts/signin", status, &Page{Title: s.T(r, "signin.title"), Form: r.PostForm,
		Error: s.translator(requestLanguage(r)).Error(err)})
}

// setRetryAfter tells a client refused with ETOOMANY when to try again.
func setRetryAfter(w http.ResponseWriter, err error) {
	var e *silkbridge.Error
	if errors.As(err, &e) && (e.Code == silkbridge.ETOOMANY || e.Code == silkbridge.EUNAVAILABLE) {
		if v, ok := e.Data["RetryAfter"]; ok {
			w.Header().Set("Retry-After", toString(v))
		}
	}
}

// startSession signs the user in with a new session, ending the session
// the browser had before (so a session id fixed by an attacker is useless).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.store.DeleteSession(r.Context(), c.Value)
	}
	secret, err := s.store.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, secret, int(account.AbsoluteTimeout.Seconds())))
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	s.redirectFlash(w, r, "/", s.T(r, "signout.done"))
	return nil
}

// signedIn returns the signed-in user, or an EUNAUTHORIZED error.
func signedIn(r *http.Request) (*account.User, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	return u, nil
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	orgs := make([]*organisation.Organisation, 0, len(u.Orgs))
	for _, id := range u.Orgs {
		o, err := s.store.Organisation(r.Context(), id)
		if err != nil {
			return err
		}
		orgs = append(orgs, o)
	}
	clearFlash(w, r)
	s.render(w, r, "accounts/account", http.StatusOK, &Page{Title: s.T(r, "account.title"), Data: map[string]any{
		"Account": u, "Organisations": orgs}})
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := signedIn(r); err != nil {
		return err
	}
	s.render(w, r, "accounts/password", http.StatusOK, &Page{Title: s.T(r, "account.password.title")})
	return nil
}

// changePassword sets a new password when the current one is given. Every
// other session of the user ends; this browser gets a new one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	page := &Page{Title: s.T(r, "account.password.title")}
	// A stolen session must not become a way around the sign-in limit.
	ticket, err := s.takePasswordAttempt(r, u.Email)
	if err != nil {
		setRetryAfter(w, err)
		return err
	}
	err = s.store.ChangePassword(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if !isWrongCurrentPassword(err) {
		s.forgetAttempt(r, ticket)
	}
	if err != nil {
		clearPasswords(r)
		return s.formError(w, r, "accounts/password", page, err)
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/account", s.T(r, "account.password.changed"))
	return nil
}

func isWrongCurrentPassword(err error) bool {
	e, ok := errors.AsType[*silkbridge.Error](err)
	return ok && len(e.Fields) > 0 && e.Fields[0].MessageID == "account.password.wrong"
}

// clearPasswords keeps passwords out of a form shown again.
func clearPasswords(r *http.Request) {
	for _, k := range []string{"password", "current_password", "new_password"} {
		r.PostForm.Del(k)
	}
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	clearFlash(w, r)
	s.render(w, r, "accounts/forgot", http.StatusOK, &Page{Title: s.T(r, "account.forgot.title"), Data: map[string]any{"MailOn": s.mailOn()}})
	return nil
}

// requestReset makes a reset link for the account of the e-mail, if there
// is one, and answers the same either way. Without a mail server, the
// person is told to ask the operator, who makes a link with the command
// line; the link is never written to the log.
func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	page := &Page{Title: s.T(r, "account.forgot.title"), Data: map[string]any{"MailOn": s.mailOn()}}
	email := account.NormaliseEmail(r.PostForm.Get("email"))
	var p silkbridge.Problems
	if p.Required("email", email) && !organisation.ValidEmail(email) {
		p.Add("email", "field.email", "not an e-mail address", nil)
	}
	if err := p.Err(); err != nil {
		return s.formError(w, r, "accounts/forgot", page, err)
	}
	if _, err := s.store.TakeAttempt(r.Context(), resetLimits(r, email)); err != nil {
		setRetryAfter(w, err)
		return err
	}
	if s.mailOn() {
		// The job makes the link when it sends it, so that its secret is
		// never kept in the queue.
		u, err := s.store.UserByEmail(r.Context(), email)
		if err != nil && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			return err
		}
		if u != nil {
			s.sendMail(r.Context(), mail.Args{UserID: u.ID, Template: "reset", Lang: requestLanguage(r).Tag})
		}
		s.redirectFlash(w, r, "/signin", s.T(r, "account.forgot.sent"))
		return nil
	}
	_, u, err := s.store.RequestPasswordReset(r.Context(), email)
	if err != nil {
		return err
	}
	// No mail server is configured yet, and the link's secret must not sit
	// in the log: the operator makes a link with "silkbridge user reset".
	// The account's existence is no secret to the operator, only its link.
	s.log.Info("password reset requested: no mail server is configured; the operator can make a link with silkbridge user reset",
		"email", email, "account", u != nil)
	s.redirectFlash(w, r, "/signin", s.T(r, "account.forgot.sent")+" "+s.T(r, "account.forgot.no_mail"))
	return nil
}

// The reset secret travels in the query string and the form body, never
// in the path, because the request log records paths.

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	page := &Page{Title: s.T(r, "account.reset.title"), Form: map[string][]string{"token": {token}}}
	if err := s.store.CheckPasswordReset(r.Context(), token); err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			return err
		}
		page.Error = s.translator(requestLanguage(r)).Error(err)
		page.Data = map[string]any{"Dead": true}
		s.render(w, r, "accounts/reset", http.StatusNotFound, page)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "accounts/reset", http.StatusOK, page)
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u, err := s.store.ResetPassword(r.Context(), r.PostForm.Get("token"), r.PostForm.Get("password"))
	if err != nil {
		r.PostForm.Del("password")
		page := &Page{Title: s.T(r, "account.reset.title")}
		if e, ok := errors.AsType[*silkbridge.Error](err); ok && e.MessageID == "account.reset.invalid" {
			page.Data = map[string]any{"Dead": true}
		}
		return s.formError(w, r, "accounts/reset", page, err)
	}
	s.log.Info("password reset", "user", u.ID)
	s.redirectFlash(w, r, "/signin", s.T(r, "account.reset.done"))
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
