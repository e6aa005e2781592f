package web

import (
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) referenceRoutes() {
	s.page("GET /countries", s.listCountries)
	s.handleAPI("GET /api/v1/countries", Op{Summary: "Every ISO 3166-1 country, with names in the six UN languages and the Belt and Road partner flag",
		Tag: "reference", Response: []store.Country{}, Query: map[string]string{"bri": "true: only Belt and Road partner countries"}}, s.apiCountries)
	s.handleAPI("GET /api/v1/countries/{code}", Op{Summary: "One country", Tag: "reference", Response: store.Country{}}, s.apiCountry)
	s.handleAPI("GET /api/v1/fields", Op{Summary: "The OECD Fields of Research and Development (FORD), two levels", Tag: "reference", Response: []store.Field{}}, s.apiFields)
}

func (s *Server) listCountries(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.store.OrganisationsByCountry(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, "countries", http.StatusOK, &Page{Title: s.T(r, "country.list.title"), Data: map[string]any{
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Counts": counts, "BRIOnly": queryBool(r, "bri")}})
	return nil
}

func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
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
	return nil
}

func (s *Server) apiCountry(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	c, ok := ref.Country(strings.ToUpper(r.PathValue("code")))
	if !ok {
		return silkbridge.NotFound("country")
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiFields(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ref.Fields)
	return nil
}
