package web

import (
	"net/http"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

func init() { routeSets = append(routeSets, (*Server).accountRoutes) }

func (s *Server) accountRoutes() {
	s.handle("GET /signup", s.signUpForm)
	s.handle("POST /signup", s.signUp)
	s.handle("GET /signin", s.signInForm)
	s.handle("POST /signin", s.signIn)
	s.handle("POST /signout", s.signOut)
}

func (s *Server) signUpForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "accounts/signup", http.StatusOK, &Page{Title: s.T(r, "signup.title")})
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, silkbridge.Malformed("body", "error.form", "the form could not be read", nil))
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
	s.redirectFlash(w, r, "/profile", s.T(r, "signup.welcome", "Name", u.Name))
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "accounts/signin", http.StatusOK, &Page{Title: s.T(r, "signin.title"), Form: map[string][]string{"back": {r.URL.Query().Get("back")}}})
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, silkbridge.Malformed("body", "error.form", "the form could not be read", nil))
		return
	}
	email := r.PostForm.Get("email")
	if err := s.checkSignInRate(r, email); err != nil {
		s.signInRefused(w, r, err)
		return
	}
	u, err := s.store.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		s.recordSignInFailure(r, email)
		s.signInRefused(w, r, err)
		return
	}
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

func (s *Server) signInRefused(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if e, ok := err.(*silkbridge.Error); ok && status == http.StatusTooManyRequests {
		if v, ok := e.Data["RetryAfter"]; ok {
			w.Header().Set("Retry-After", toString(v))
		}
	}
	r.PostForm.Del("password")
	s.render(w, r, "accounts/signin", status, &Page{Title: s.T(r, "signin.title"), Form: r.PostForm,
		Error: s.translator(requestLanguage(r)).Error(err)})
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
