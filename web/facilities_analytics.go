package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/store"
)

// figuresSpan reads the span of the facility figures: from and to are
// days (to included); a year up to today by default.
func figuresSpan(r *http.Request) (time.Time, time.Time, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	today := time.Now().UTC().Truncate(24 * time.Hour)
	to := today.AddDate(0, 0, 1)
	from := to.AddDate(-1, 0, 0)
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			p.Add("from", "facility.error.date", "a date as YYYY-MM-DD", nil)
		}
		from = t
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			p.Add("to", "facility.error.date", "a date as YYYY-MM-DD", nil)
		}
		to = t.AddDate(0, 0, 1)
	}
	if err := p.Err(); err != nil {
		return from, to, err
	}
	if !from.Before(to) || to.Sub(from) > 5*366*24*time.Hour {
		return from, to, silkbridge.Invalid("to", "facility.error.span", "the last day comes after the first, at most five years later", nil)
	}
	return from, to, nil
}

func (s *Server) apiFacilityFigures(w http.ResponseWriter, r *http.Request) error {
	from, to, err := figuresSpan(r)
	if err != nil {
		return err
	}
	f, err := s.store.FacilityFigures(r.Context(), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// facilityAnalytics is the page of the facility figures, each table also
// as CSV (?csv=countries|partners|utilisation).
func (s *Server) facilityAnalytics(w http.ResponseWriter, r *http.Request) error {
	from, to, err := figuresSpan(r)
	if err != nil {
		return err
	}
	f, err := s.store.FacilityFigures(r.Context(), from, to)
	if err != nil {
		return err
	}
	lang := requestLanguage(r).Tag
	switch r.URL.Query().Get("csv") {
	case "":
	case "countries":
		rows := [][]string{{"country", "kind", "facilities"}}
		for _, c := range f.Facilities {
			rows = append(rows, []string{c.Country, c.Kind, strconv.Itoa(c.Count)})
		}
		writeCSV(w, "facilities-by-country.csv", rows)
		return nil
	case "partners":
		rows := [][]string{{"partner_country", "bookings", "cross_border", "hours"}}
		for _, p := range f.ByPartner {
			rows = append(rows, []string{p.Country, strconv.Itoa(p.Bookings), strconv.Itoa(p.CrossBorder), strconv.FormatFloat(p.Hours, 'f', 1, 64)})
		}
		writeCSV(w, "facility-bookings-by-partner-country.csv", rows)
		return nil
	case "utilisation":
		rows := [][]string{{"facility_id", "name", "country", "kind", "bookings", "booked_hours", "open_hours", "utilisation"}}
		for _, u := range f.Use {
			rows = append(rows, []string{u.FacilityID, u.Name(lang), u.Country, u.Kind, strconv.Itoa(u.Bookings),
				strconv.FormatFloat(u.BookedHours, 'f', 1, 64), strconv.FormatFloat(u.OpenHours, 'f', 1, 64), strconv.FormatFloat(u.Utilisation, 'f', 3, 64)})
		}
		writeCSV(w, "facility-utilisation.csv", rows)
		return nil
	default:
		return silkbridge.Invalid("csv", "field.choice", "choose one of the values listed", map[string]any{"Value": r.URL.Query().Get("csv")})
	}
	span := "from=" + from.Format(time.DateOnly) + "&to=" + to.AddDate(0, 0, -1).Format(time.DateOnly)
	s.render(w, r, "facilities/analytics", http.StatusOK, &Page{Title: s.T(r, "facility.analytics.title"), Form: r.URL.Query(),
		Data: map[string]any{"Figures": f, "Span": span, "From": from.Format(time.DateOnly), "To": to.AddDate(0, 0, -1).Format(time.DateOnly)}})
	return nil
}

// facilitiesBlock is the facilities section of organisation and park pages.
type facilitiesBlock struct {
	Facilities []*facility.Facility
	// NewURL, when set, lets the viewer register one.
	NewURL string
	// Title is the message id of the heading.
	Title string
}

// facilitiesOf lists the facilities of an organisation (or of a park's
// members, with park) for its page.
func (s *Server) facilitiesOf(ctx context.Context, orgID string, park bool, canManage bool) (facilitiesBlock, error) {
	f := facility.Filter{OwnerID: orgID, PerPage: 50}
	if park {
		f = facility.Filter{ParkID: orgID, PerPage: 50}
	}
	fs, _, err := s.store.Facilities(ctx, f)
	b := facilitiesBlock{Facilities: fs, Title: "facility.section.title"}
	if canManage {
		b.NewURL = "/facilities/new?owner=" + orgID
	}
	return b, err
}

// coopFacilities is the facilities section of a cooperation's page: the
// bookings that served it with their outcomes, and facilities of its
// fields in its partners' countries.
type coopFacilities struct {
	Bookings    []*facility.Booking
	Suggestions []*facility.Facility
}

func (s *Server) facilitiesForCooperation(ctx context.Context, c *cooperation.Cooperation) (coopFacilities, error) {
	var out coopFacilities
	bs, err := s.store.Bookings(ctx, store.BookingFilter{CooperationID: c.ID, Limit: 100})
	if err != nil {
		return out, err
	}
	out.Bookings = bs
	if len(c.Countries) == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	fields := c.Fields
	if len(fields) == 0 {
		fields = []string{""}
	}
	for _, fd := range fields {
		// A field's top level finds facilities of its neighbours too.
		top, _, _ := strings.Cut(fd, ".")
		fs, _, err := s.store.Facilities(ctx, facility.Filter{Countries: c.Countries, Field: top, PerPage: 10})
		if err != nil {
			return out, err
		}
		for _, f := range fs {
			if !seen[f.ID] && len(out.Suggestions) < 6 {
				seen[f.ID] = true
				out.Suggestions = append(out.Suggestions, f)
			}
		}
	}
	return out, nil
}
