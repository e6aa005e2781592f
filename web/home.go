package web

import (
	"net/http"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	stats, err := s.store.Overview(r.Context())
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "home", http.StatusOK, &Page{Title: s.T(r, "home.title"), Data: map[string]any{"Stats": stats}})
	return nil
}
