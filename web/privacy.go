package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/store"
)

// A member downloads everything the platform holds about them as JSON, and
// deletes their account, choosing whether the public content they wrote is
// kept anonymised or removed.
//
// Every capability that keeps records of a person adds its exporter to
// personalDataExporters below, defined in its own file:
//
//	func exportProgrammeApplications(ctx context.Context, st *store.Store, userID string) (string, any, error) {
//		list, err := st.ApplicationsOfUser(ctx, userID)
//		return "programme_applications", list, err
//	}
//
// and erases them with the account through a personal data eraser that its
// store file registers (see store/privacy.go), inside the deleting
// transaction.
var personalDataExporters = []func(ctx context.Context, st *store.Store, userID string) (name string, v any, err error){
	exportEvents,
	exportMarketplace,
	exportLessons,
	exportProgrammeApplications,
}

func (s *Server) privacyRoutes() {
	s.page("GET /account/privacy", s.showPrivacy)
	s.page("GET /account/export", s.exportData)
	s.page("POST /account/delete", s.hashing(s.deleteAccount))

	s.handleAPI("GET /api/v1/me/export", Op{Summary: "Everything the platform holds about you, as JSON", Tag: "accounts",
		Response: map[string]any{}, Auth: true}, s.apiExportData)
}

// Choices of what happens to a deleted member's public content.
const (
	contentAnonymise = "anonymise"
	contentRemove    = "remove"
)

func (s *Server) showPrivacy(w http.ResponseWriter, r *http.Request) error {
	if _, err := signedIn(r); err != nil {
		return err
	}
	s.render(w, r, "accounts/privacy", http.StatusOK, &Page{Title: s.T(r, "account.privacy.title"),
		Form: map[string][]string{"content": {contentAnonymise}}})
	return nil
}

// personalData gathers the download: the core records, then each
// capability's.
func (s *Server) personalData(ctx context.Context, userID string) (map[string]any, error) {
	core, err := s.store.PersonalDataOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"exported_at":           time.Now().UTC().Format(time.RFC3339),
		"account":               core.Account,
		"talent_profile":        core.TalentProfile,
		"organisations_managed": core.Organisations,
		"invitations":           nonNil(core.Invitations),
		"sessions":              core.Sessions,
		"api_tokens":            nonNil(core.APITokens),
		"audit_log_by_me":       nonNil(core.AuditLog),
	}
	for _, export := range personalDataExporters {
		name, v, err := export(ctx, s.store, userID)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", name, err)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("export: two exporters named %q", name)
		}
		out[name] = v
	}
	return out, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (s *Server) exportData(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	data, err := s.personalData(r.Context(), u.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="silkbridge-my-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, data)
	return nil
}

func (s *Server) apiExportData(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	data, err := s.personalData(r.Context(), u.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, data)
	return nil
}

// deleteAccount deletes the signed-in user's account after they confirm
// with their password (a session left open on a shared computer is not
// enough) and choose what becomes of their public content.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	page := &Page{Title: s.T(r, "account.privacy.title")}
	content := r.PostForm.Get("content")
	var p silkbridge.Problems
	if content != contentAnonymise && content != contentRemove {
		p.Add("content", "field.choice", "not one of the choices", map[string]any{"Value": content})
	}
	ticket, err := s.takePasswordAttempt(r, u.Email)
	if err != nil {
		setRetryAfter(w, err)
		return err
	}
	ok, err := s.store.CheckUserPassword(r.Context(), u.ID, r.PostForm.Get("password"))
	if err != nil {
		return err
	}
	if ok {
		s.forgetAttempt(r, ticket)
	} else {
		p.Add("password", "account.password.wrong", "this is not your current password", nil)
	}
	if err := p.Err(); err != nil {
		clearPasswords(r)
		return s.formError(w, r, "accounts/privacy", page, err)
	}
	if err := s.store.DeleteUser(r.Context(), store.Actor{UserID: u.ID}, u.ID, content == contentAnonymise); err != nil {
		return err
	}
	s.log.Info("account deleted by its holder", "user", u.ID, "content", content)
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	s.redirectFlash(w, r, "/", s.T(r, "account.deleted"))
	return nil
}
