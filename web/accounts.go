package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

func init() {
	routeSets = append(routeSets, (*Server).accountRoutes)
	addNav(NavItem{Order: 95, Path: "/account", Label: "nav.account", Private: true})
}

func (s *Server) accountRoutes() {
	s.handle("GET /signup", s.signUpForm)
	s.handle("POST /signup", s.signUp)
	s.handle("GET /signin", s.signInForm)
	s.handle("POST /signin", s.signIn)
	s.handle("POST /signout", s.signOut)
	s.handle("GET /account", s.showAccount)
	s.handle("GET /account/password", s.passwordForm)
	s.handle("POST /account/password", s.changePassword)
	s.handle("GET /password/forgot", s.forgotForm)
	s.handle("POST /password/forgot", s.requestReset)
	s.handle("GET /password/reset", s.resetForm)
	s.handle("POST /password/reset", s.resetPassword)

	s.handleAPI("GET /api/v1/me", Op{Summary: "Your account: e-mail, name, role and the organisations you manage", Tag: "accounts",
		Response: account.User{}, Auth: true}, s.apiMe)
}

// parseForm reads a posted form; a body that cannot be read is the
// sender's fault.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return silkbridge.Invalid("body", "error.form", "the form could not be read", nil)
	}
	return nil
}

func (s *Server) signUpForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "accounts/signup", http.StatusOK, &Page{Title: s.T(r, "signup.title"), Form: map[string][]string{"back": {r.URL.Query().Get("back")}}})
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	f := account.SignUp{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")}
	u, err := s.store.CreateUser(r.Context(), store.Actor{}, f, account.Member)
	if err != nil {
		r.PostForm.Del("password")
		s.formError(w, r, "accounts/signup", &Page{Title: s.T(r, "signup.title")}, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.renderError(w, r, err)
		return
	}
	// Someone who came to accept an invitation goes back to it.
	back := r.PostForm.Get("back")
	if !localPath(back) {
		back = "/profile"
	}
	s.redirectFlash(w, r, back, s.T(r, "signup.welcome", "Name", u.Name))
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.render(w, r, "accounts/signin", http.StatusOK, &Page{Title: s.T(r, "signin.title"), Form: map[string][]string{"back": {r.URL.Query().Get("back")}}})
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	email := r.PostForm.Get("email")
	ticket, err := s.takePasswordAttempt(r, email)
	if err != nil {
		s.signInRefused(w, r, err)
		return
	}
	u, err := s.store.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		s.signInRefused(w, r, err)
		return
	}
	s.forgetAttempt(r, ticket)
	if err := s.startSession(w, r, u); err != nil {
		s.renderError(w, r, err)
		return
	}
	back := r.PostForm.Get("back")
	if !localPath(back) {
		back = "/"
	}
	s.redirectFlash(w, r, back, s.T(r, "signin.done", "Name", u.Name))
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
	if e, ok := errors.AsType[*silkbridge.Error](err); ok && e.Code == silkbridge.ETOOMANY {
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

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	s.redirectFlash(w, r, "/", s.T(r, "signout.done"))
}

// signedIn returns the signed-in user, or an EUNAUTHORIZED error.
func signedIn(r *http.Request) (*account.User, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	return u, nil
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	orgs := make([]*organisation.Organisation, 0, len(u.Orgs))
	for _, id := range u.Orgs {
		o, err := s.store.Organisation(r.Context(), id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		orgs = append(orgs, o)
	}
	clearFlash(w, r)
	s.render(w, r, "accounts/account", http.StatusOK, &Page{Title: s.T(r, "account.title"), Data: map[string]any{
		"Account": u, "Organisations": orgs}})
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	if _, err := signedIn(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "accounts/password", http.StatusOK, &Page{Title: s.T(r, "account.password.title")})
}

// changePassword sets a new password when the current one is given. Every
// other session of the user ends; this browser gets a new one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	page := &Page{Title: s.T(r, "account.password.title")}
	// A stolen session must not become a way around the sign-in limit.
	ticket, err := s.takePasswordAttempt(r, u.Email)
	if err != nil {
		setRetryAfter(w, err)
		s.renderError(w, r, err)
		return
	}
	err = s.store.ChangePassword(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if !isWrongCurrentPassword(err) {
		s.forgetAttempt(r, ticket)
	}
	if err != nil {
		clearPasswords(r)
		s.formError(w, r, "accounts/password", page, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/account", s.T(r, "account.password.changed"))
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

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.render(w, r, "accounts/forgot", http.StatusOK, &Page{Title: s.T(r, "account.forgot.title")})
}

// requestReset makes a reset link for the account of the e-mail, if there
// is one, and answers the same either way. Without a mail server, the link
// is written to the log, for the operator to pass on.
func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	page := &Page{Title: s.T(r, "account.forgot.title")}
	email := account.NormaliseEmail(r.PostForm.Get("email"))
	var p silkbridge.Problems
	if p.Required("email", email) && !organisation.ValidEmail(email) {
		p.Add("email", "field.email", "not an e-mail address", nil)
	}
	if err := p.Err(); err != nil {
		s.formError(w, r, "accounts/forgot", page, err)
		return
	}
	if _, err := s.store.TakeAttempt(r.Context(), resetLimits(r, email)); err != nil {
		setRetryAfter(w, err)
		s.renderError(w, r, err)
		return
	}
	secret, u, err := s.store.RequestPasswordReset(r.Context(), email)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if u != nil {
		s.log.Info("password reset requested: no mail server is configured, pass this link to the account holder",
			"email", u.Email, "link", s.absoluteURL(r, "/password/reset?token="+url.QueryEscape(secret)), "expires_in", account.ResetTimeout.String())
	} else {
		s.log.Info("password reset requested for an e-mail without an account", "email", email)
	}
	s.redirectFlash(w, r, "/signin", s.T(r, "account.forgot.sent"))
}

// absoluteURL returns the public address of a path: from the configured
// base URL, else from the request.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/") + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// The reset secret travels in the query string and the form body, never
// in the path, because the request log records paths.

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	page := &Page{Title: s.T(r, "account.reset.title"), Form: map[string][]string{"token": {token}}}
	if err := s.store.CheckPasswordReset(r.Context(), token); err != nil {
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			s.renderError(w, r, err)
			return
		}
		page.Error = s.translator(requestLanguage(r)).Error(err)
		page.Data = map[string]any{"Dead": true}
		s.render(w, r, "accounts/reset", http.StatusNotFound, page)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "accounts/reset", http.StatusOK, page)
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u, err := s.store.ResetPassword(r.Context(), r.PostForm.Get("token"), r.PostForm.Get("password"))
	if err != nil {
		r.PostForm.Del("password")
		page := &Page{Title: s.T(r, "account.reset.title")}
		if e, ok := errors.AsType[*silkbridge.Error](err); ok && e.MessageID == "account.reset.invalid" {
			page.Data = map[string]any{"Dead": true}
		}
		s.formError(w, r, "accounts/reset", page, err)
		return
	}
	s.log.Info("password reset", "user", u.ID)
	s.redirectFlash(w, r, "/signin", s.T(r, "account.reset.done"))
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
