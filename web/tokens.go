package web

import (
	"net/http"

	"github.com/silkbridge/silkbridge/store"
)

// Personal API tokens: made on a page (a token does not make tokens), shown
// once, stored hashed, listed and revoked by their owner.

func (s *Server) tokenRoutes() {
	s.page("GET /account/tokens", s.listTokens)
	s.page("POST /account/tokens", s.createToken)
	s.page("POST /account/tokens/{id}/revoke", s.revokeToken)

	s.handleAPI("GET /api/v1/me/tokens", Op{Summary: "Your API tokens (never their secrets)", Tag: "accounts",
		Response: []store.APIToken{}, Auth: true}, s.apiListTokens)
	s.handleAPI("DELETE /api/v1/me/tokens/{id}", Op{Summary: "Revoke one of your API tokens", Tag: "accounts",
		Auth: true, Status: http.StatusNoContent}, s.apiRevokeToken)
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, status int, p *Page, secret string) error {
	u := currentUser(r)
	tokens, err := s.store.Tokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p.Title = s.T(r, "account.tokens.title")
	p.Data = map[string]any{"Tokens": tokens, "Secret": secret, "Scopes": []string{store.ScopeRead, store.ScopeWrite}}
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, "accounts/tokens", status, p)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	if _, err := signedIn(r); err != nil {
		return err
	}
	clearFlash(w, r)
	return s.tokensPage(w, r, http.StatusOK, &Page{Form: map[string][]string{"scope": {store.ScopeRead}}}, "")
}

// createToken shows the new secret on the answer itself, the only time it
// is ever shown.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	secret, tok, err := s.store.CreateToken(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PostForm.Get("name"), r.PostForm.Get("scope"))
	if err != nil {
		tr := s.translator(requestLanguage(r))
		return s.tokensPage(w, r, statusOf(err), &Page{Form: r.PostForm, Errors: tr.FieldErrors(err), Error: tr.Error(err)}, "")
	}
	return s.tokensPage(w, r, http.StatusCreated, &Page{Flash: s.T(r, "account.tokens.created", "Name", tok.Name),
		Form: map[string][]string{"scope": {store.ScopeRead}}}, secret)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PathValue("id")); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/account/tokens", s.T(r, "account.tokens.revoked"))
	return nil
}

func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	tokens, err := s.store.Tokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []store.APIToken{}
	}
	writeJSON(w, http.StatusOK, tokens)
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	if err := s.store.RevokeToken(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
