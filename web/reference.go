package web

import (
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/store"
)

func init() { routeSets = append(routeSets, (*Server).referenceRoutes) }

func (s *Server) referenceRoutes() {
	s.handle("GET /countries", s.listCountries)
	s.handleAPI("GET /api/v1/countries", Op{Summary: "Every ISO 3166-1 country, with names in the six UN languages and the Belt and Road partner flag",
		Tag: "reference", Response: []store.Country{}, Query: map[string]string{"bri": "true: only Belt and Road partner countries"}}, s.apiCountries)
	s.handleAPI("GET /api/v1/countries/{code}", Op{Summary: "One country", Tag: "reference", Response: store.Country{}}, s.apiCountry)
	s.handleAPI("GET /api/v1/fields", Op{Summary: "The OECD Fields of Research and Development (FORD), two levels", Tag: "reference", Response: []store.Field{}}, s.apiFields)
}

func (s *Server) listCountries(w http.ResponseWriter, r *http.Request) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	counts, err := s.store.OrganisationsByCountry(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "countries", http.StatusOK, &Page{Title: s.T(r, "country.list.title"), Data: map[string]any{
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Counts": counts, "BRIOnly": queryBool(r, "bri")}})
}

func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := ref.Countries
	if queryBool(r, "bri") {
		out = nil
		for _, c := range ref.Countries {
			if c.BRIPartner {
				out = append(out, c)
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCountry(w http.ResponseWriter, r *http.Request) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, ok := ref.Country(strings.ToUpper(r.PathValue("code")))
	if !ok {
		s.apiError(w, r, silkbridge.NotFound("country"))
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiFields(w http.ResponseWriter, r *http.Request) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ref.Fields)
}
