package store

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/silkbridge/silkbridge/facility"
)

// FacilityCount is how many facilities of a kind a country has.
type FacilityCount struct {
	Country string `json:"country"`
	Kind    string `json:"kind"`
	Count   int    `json:"count"`
}

// PartnerBookings is how many approved bookings organisations of a country
// made, and how many of them at facilities in another country.
type PartnerBookings struct {
	Country     string  `json:"country"`
	Bookings    int     `json:"bookings"`
	CrossBorder int     `json:"cross_border"`
	Hours       float64 `json:"hours"`
}

// FacilityUse is the utilisation of one facility over the span: the hours
// its approved bookings hold within its open hours, over its open hours
// times its capacity.
type FacilityUse struct {
	FacilityID  string            `json:"facility_id"`
	Names       map[string]string `json:"names"`
	Country     string            `json:"country"`
	Kind        string            `json:"kind"`
	Bookings    int               `json:"bookings"`
	BookedHours float64           `json:"booked_hours"`
	OpenHours   float64           `json:"open_hours"`
	Utilisation float64           `json:"utilisation"`
}

// Name returns the facility's name in lang.
func (u FacilityUse) Name(lang string) string {
	f := facility.Facility{Names: u.Names}
	return f.Name(lang)
}

// FacilityFigures are the figures governments read about shared
// facilities over a span.
type FacilityFigures struct {
	From       time.Time         `json:"from"`
	To         time.Time         `json:"to"`
	Facilities []FacilityCount   `json:"facilities"`
	ByPartner  []PartnerBookings `json:"bookings_by_partner_country"`
	Use        []FacilityUse     `json:"utilisation"`
	// Bookings counts the approved bookings meeting the span; Cooperation
	// those that served a cooperation; CrossBorderCooperation those whose
	// cooperation has partners in two or more countries.
	Bookings               int `json:"bookings"`
	Cooperation            int `json:"bookings_for_cooperations"`
	CrossBorderCooperation int `json:"bookings_for_cross_border_cooperations"`
}

// FacilityFigures computes the facility figures over [from, to).
func (s *Store) FacilityFigures(ctx context.Context, from, to time.Time) (*FacilityFigures, error) {
	out := &FacilityFigures{From: from, To: to, Facilities: []FacilityCount{}, ByPartner: []PartnerBookings{}, Use: []FacilityUse{}}
	rows, err := s.db.QueryContext(ctx, `SELECT country, kind, COUNT(*) FROM facilities GROUP BY country, kind ORDER BY country, kind`)
	if err != nil {
		return nil, fmt.Errorf("facility counts: %w", err)
	}
	for rows.Next() {
		var c FacilityCount
		if err := rows.Scan(&c.Country, &c.Kind, &c.Count); err != nil {
			rows.Close()
			return nil, err
		}
		out.Facilities = append(out.Facilities, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var fs []*facility.Facility
	for page := 1; ; page++ {
		batch, p, err := s.Facilities(ctx, facility.Filter{Page: page, PerPage: 100})
		if err != nil {
			return nil, err
		}
		fs = append(fs, batch...)
		if page >= p.Pages() {
			break
		}
	}
	bookings, err := s.Bookings(ctx, BookingFilter{Statuses: []string{facility.Approved}, From: from, To: to, Limit: 1000})
	if err != nil {
		return nil, err
	}
	crossCoops := map[string]bool{}
	crows, err := s.db.QueryContext(ctx, `SELECT p.cooperation_id FROM cooperation_partners p JOIN organisations o ON o.id = p.org_id
		WHERE p.cooperation_id IN (SELECT cooperation_id FROM facility_bookings WHERE cooperation_id <> '')
		GROUP BY p.cooperation_id HAVING COUNT(DISTINCT o.country) >= 2`)
	if err != nil {
		return nil, fmt.Errorf("cross-border cooperations: %w", err)
	}
	for crows.Next() {
		var id string
		if err := crows.Scan(&id); err != nil {
			crows.Close()
			return nil, err
		}
		crossCoops[id] = true
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, err
	}
	spans := map[string][][2]time.Time{}
	counts := map[string]int{}
	partners := map[string]*PartnerBookings{}
	for _, b := range bookings {
		spans[b.FacilityID] = append(spans[b.FacilityID], [2]time.Time{b.Start, b.End})
		counts[b.FacilityID]++
		out.Bookings++
		if b.CooperationID != "" {
			out.Cooperation++
			if crossCoops[b.CooperationID] {
				out.CrossBorderCooperation++
			}
		}
		country := b.BookerOrgCountry
		if country == "" {
			country = "—"
		}
		pb := partners[country]
		if pb == nil {
			pb = &PartnerBookings{Country: country}
			partners[country] = pb
		}
		pb.Bookings++
		if b.BookerOrgCountry != "" && b.BookerOrgCountry != b.OwnerCountry {
			pb.CrossBorder++
		}
		a, e := b.Start, b.End
		if a.Before(from) {
			a = from
		}
		if e.After(to) {
			e = to
		}
		pb.Hours += math.Round(e.Sub(a).Hours()*10) / 10
	}
	for _, pb := range partners {
		out.ByPartner = append(out.ByPartner, *pb)
	}
	sort.Slice(out.ByPartner, func(i, j int) bool {
		if out.ByPartner[i].Bookings != out.ByPartner[j].Bookings {
			return out.ByPartner[i].Bookings > out.ByPartner[j].Bookings
		}
		return out.ByPartner[i].Country < out.ByPartner[j].Country
	})
	for _, f := range fs {
		open := f.OpenHours(from, to) * float64(max(f.Capacity(), 1))
		booked := f.BookedOpenHours(spans[f.ID], from, to)
		u := FacilityUse{FacilityID: f.ID, Names: f.Names, Country: f.Country, Kind: f.Kind, Bookings: counts[f.ID],
			BookedHours: math.Round(booked*10) / 10, OpenHours: math.Round(open*10) / 10}
		if open > 0 {
			u.Utilisation = math.Round(booked/open*1000) / 1000
		}
		out.Use = append(out.Use, u)
	}
	sort.Slice(out.Use, func(i, j int) bool {
		if out.Use[i].Utilisation != out.Use[j].Utilisation {
			return out.Use[i].Utilisation > out.Use[j].Utilisation
		}
		return out.Use[i].FacilityID < out.Use[j].FacilityID
	})
	return out, nil
}
