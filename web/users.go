package web

import (
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

// Admins list the accounts and set their roles (making an agency's staff
// agency officers). Managing an organisation is not a role: it comes by
// invitation.

func (s *Server) userRoutes() {
	s.page("GET /admin/users", s.listUsers)
	s.page("POST /admin/users/{id}/role", s.setRole)

	s.handleAPI("GET /api/v1/users", Op{Summary: "List accounts (admins)", Tag: "accounts", Response: List[account.User]{},
		Query: map[string]string{"q": "part of the e-mail or name", "role": "member, agency_officer or admin", "page": "page number", "per_page": "items per page (at most 100)"},
		Auth:  true}, s.apiListUsers)
	s.handleAPI("PUT /api/v1/users/{id}/role", Op{Summary: "Set the role of an account (admins)", Tag: "accounts",
		Request: roleInput{}, Response: account.User{}, Auth: true}, s.apiSetRole)
}

// roleInput is the body of the API's role call.
type roleInput struct {
	Role string `json:"role"`
}

// adminOnly returns the signed-in admin, or why the request is refused.
func adminOnly(r *http.Request) (*account.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin() {
		return nil, silkbridge.Forbidden()
	}
	return u, nil
}

func userFilter(r *http.Request) (store.UserFilter, error) {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return store.UserFilter{}, err
	}
	per, err := queryInt(r, "per_page", 50)
	if err != nil {
		return store.UserFilter{}, err
	}
	role := r.URL.Query().Get("role")
	if role != "" && !account.ValidRole(role) {
		return store.UserFilter{}, silkbridge.Invalid("role", "field.choice", "not one of the choices", map[string]any{"Value": role})
	}
	return store.UserFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Role: role, Page: page, PerPage: per}, nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := adminOnly(r); err != nil {
		return err
	}
	f, err := userFilter(r)
	if err != nil {
		return err
	}
	users, page, err := s.store.Users(r.Context(), f)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "accounts/users", http.StatusOK, &Page{Title: s.T(r, "account.users.title"), Data: map[string]any{
		"Users": users, "Page": page, "Filter": f, "Roles": account.Roles}})
	return nil
}

// changeRole sets a role; an admin cannot change their own, so the
// platform never loses its last admin by a slip.
func (s *Server) changeRole(r *http.Request, admin *account.User, userID, role string) error {
	if userID == admin.ID {
		return silkbridge.Conflict("account.role.own", "you cannot change your own role")
	}
	return s.store.SetRole(r.Context(), store.Actor{UserID: admin.ID}, userID, role)
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request) error {
	admin, err := adminOnly(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.changeRole(r, admin, r.PathValue("id"), r.PostForm.Get("role")); err != nil {
		return err
	}
	back := r.PostForm.Get("back")
	if !localPath(back) {
		back = "/admin/users"
	}
	s.redirectFlash(w, r, back, s.T(r, "account.users.role_set"))
	return nil
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := adminOnly(r); err != nil {
		return err
	}
	f, err := userFilter(r)
	if err != nil {
		return err
	}
	users, page, err := s.store.Users(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]account.User, len(users))
	for i, u := range users {
		items[i] = *u
	}
	writeJSON(w, http.StatusOK, List[account.User]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiSetRole(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	admin, err := adminOnly(r)
	if err != nil {
		return err
	}
	var in roleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.changeRole(r, admin, r.PathValue("id"), in.Role); err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
