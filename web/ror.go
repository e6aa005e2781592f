package web

import (
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/store"
)

// rorRoutes serves what the directory knows from the Research
// Organization Registry: suggestions while a name is typed, and an
// organisation's registry record.
func (s *Server) rorRoutes() {
	s.page("GET /organisations/suggest", s.suggestOrganisations)
	s.handleAPI("GET /api/v1/organisations/autocomplete", Op{Summary: "Organisations whose names (in any language or script, acronyms included) match what is typed, whole-name and prefix matches first",
		Tag: "organisations", Response: []store.Suggestion{}, Query: map[string]string{
			"q": "what was typed (1 to 200 characters)", "limit": "at most this many (1-20, default 10)"}},
		s.apiAutocompleteOrganisations)
	s.handleAPI("GET /api/v1/organisations/{id}/ror", Op{Summary: "The organisation's ROR record: names in every script, status, identifiers, parent and children",
		Tag: "organisations", Response: store.RORDetails{}}, s.apiOrganisationROR)
}

// suggestQuery reads and checks the query of a suggestion request.
func suggestQuery(r *http.Request) (string, int, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var p silkbridge.Problems
	if p.Required("q", q) {
		p.MaxLen("q", q, 200)
	}
	limit, err := queryInt(r, "limit", 10)
	if err != nil {
		return "", 0, err
	}
	if limit < 1 || limit > 20 {
		p.Add("limit", "ror.error.limit", "a number from 1 to 20", nil)
	}
	return q, limit, p.Err()
}

func (s *Server) suggestOrganisations(w http.ResponseWriter, r *http.Request) error {
	var sg []store.Suggestion
	// Without a query the page is the empty search form.
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q != "" {
		var limit int
		var err error
		if q, limit, err = suggestQuery(r); err != nil {
			return s.formError(w, r, "organisations/suggest", &Page{Title: s.T(r, "ror.suggest.title"), Data: map[string]any{"Query": q}}, err)
		}
		if sg, err = s.store.SuggestOrganisations(r.Context(), q, limit); err != nil {
			return err
		}
	}
	s.render(w, r, "organisations/suggest", http.StatusOK, &Page{Title: s.T(r, "ror.suggest.title"), Data: map[string]any{"Query": q, "Suggestions": sg}})
	return nil
}

func (s *Server) apiAutocompleteOrganisations(w http.ResponseWriter, r *http.Request) error {
	q, limit, err := suggestQuery(r)
	if err != nil {
		return err
	}
	sg, err := s.store.SuggestOrganisations(r.Context(), q, limit)
	if err != nil {
		return err
	}
	if sg == nil {
		sg = []store.Suggestion{}
	}
	writeJSON(w, http.StatusOK, sg)
	return nil
}

func (s *Server) apiOrganisationROR(w http.ResponseWriter, r *http.Request) error {
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.store.RORDetails(r.Context(), o.ID)
	if err != nil {
		return err
	}
	if d == nil {
		return silkbridge.NotFound("ror_record")
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
