package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// The partner recommender ranks from the graph of past cooperations. The
// store reads that graph's raw material in three streaming queries (no
// paging: the whole imported record at once), in plain types, so that the
// recommender itself stays free of SQL and the store free of ranking.

// GraphOrganisation is an organisation as the recommender sees it.
type GraphOrganisation struct {
	ID      string
	Country string
	// Kind is the platform's organisation kind; ActivityType the CORDIS
	// activity type of imported ones (HES, REC, PRC, PUB, OTH), or "".
	Kind         string
	ActivityType string
}

// GraphProject is one cooperation (or single-beneficiary grant) as the
// recommender sees it.
type GraphProject struct {
	ID        string
	Year      int
	Programme string
	Fields    []string
	// Text is the title, acronym, summary and keywords.
	Text    string
	Members []GraphMember
}

// GraphMember is a partner of a GraphProject.
type GraphMember struct {
	OrgID       string
	Coordinator bool
}

// GraphData is everything the recommender's graph is built from.
type GraphData struct {
	Organisations []GraphOrganisation
	Projects      []GraphProject
}

// PartnerGraphData reads every organisation and every cooperation with its
// partners. Summaries are cut to their first maxText runes: the opening of
// a summary says what the project is about, and the whole record's
// summaries would multiply the memory the graph needs.
func (s *Store) PartnerGraphData(ctx context.Context, maxText int) (*GraphData, error) {
	d := &GraphData{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, country, kind, activity_type FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("partner graph: organisations: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var o GraphOrganisation
		if err := r.Scan(&o.ID, &o.Country, &o.Kind, &o.ActivityType); err != nil {
			return fmt.Errorf("partner graph: organisations: %w", err)
		}
		d.Organisations = append(d.Organisations, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("partner graph: organisations: %w", err)
	}

	index := map[string]int{}
	rows, err = s.db.QueryContext(ctx, `SELECT id, start_date, programme, fields, title, acronym, summary, keywords
		FROM cooperations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("partner graph: cooperations: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var p GraphProject
		var start, fields, title, acronym, summary, keywords string
		if err := r.Scan(&p.ID, &start, &p.Programme, &fields, &title, &acronym, &summary, &keywords); err != nil {
			return fmt.Errorf("partner graph: cooperations: %w", err)
		}
		if len(start) >= 4 {
			p.Year, _ = strconv.Atoi(start[:4])
		}
		p.Fields = parseList(fields)
		if maxText > 0 {
			summary = firstRunes(summary, maxText)
		}
		p.Text = strings.Join([]string{title, acronym, summary, strings.Join(parseList(keywords), " ")}, "\n")
		index[p.ID] = len(d.Projects)
		d.Projects = append(d.Projects, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("partner graph: cooperations: %w", err)
	}

	rows, err = s.db.QueryContext(ctx, `SELECT cooperation_id, org_id, role FROM cooperation_partners ORDER BY cooperation_id, position`)
	if err != nil {
		return nil, fmt.Errorf("partner graph: partners: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var coop, org, role string
		if err := r.Scan(&coop, &org, &role); err != nil {
			return fmt.Errorf("partner graph: partners: %w", err)
		}
		if i, ok := index[coop]; ok {
			d.Projects[i].Members = append(d.Projects[i].Members, GraphMember{OrgID: org, Coordinator: role == "coordinator"})
		}
		return nil
	})
	return d, err
}

// GraphVersion is a cheap fingerprint of the cooperation record: when it
// changes, a graph built before is out of date. It is recounted only when
// the data version moves (dataversion.go): other writes (a lesson, a
// profile) leave the graph, and the fingerprint, as they were.
func (s *Store) GraphVersion(ctx context.Context) (string, error) {
	return s.memos.graphVersion.Get(ctx, s, s.graphVersion)
}

func (s *Store) graphVersion(ctx context.Context) (string, error) {
	var n, m int
	var last string
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM cooperations`).Scan(&n, &last)
	if err != nil {
		return "", fmt.Errorf("graph version: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cooperation_partners`).Scan(&m); err != nil {
		return "", fmt.Errorf("graph version: %w", err)
	}
	return fmt.Sprintf("%d/%d/%s", n, m, last), nil
}

func firstRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// OrgCard is the little a list of proposed partners shows of each.
type OrgCard struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Country    string `json:"country"`
	BRIPartner bool   `json:"bri_partner"`
	// Cooperations counts the cooperations it took part in.
	Cooperations int `json:"cooperations"`
}

// OrganisationCards returns the cards of the organisations ids, by id, in
// one query; ids that name no organisation are left out.
func (s *Store) OrganisationCards(ctx context.Context, ids []string) (map[string]OrgCard, error) {
	out := make(map[string]OrgCard, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.name, o.kind, o.country, ct.bri_partner,
		(SELECT COUNT(*) FROM cooperation_partners p WHERE p.org_id = o.id)
		FROM organisations o JOIN countries ct ON ct.code = o.country WHERE o.id IN (`+placeholders(&args, ids)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("organisation cards: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var c OrgCard
		if err := r.Scan(&c.ID, &c.Name, &c.Kind, &c.Country, &c.BRIPartner, &c.Cooperations); err != nil {
			return fmt.Errorf("organisation cards: %w", err)
		}
		out[c.ID] = c
		return nil
	})
	return out, err
}
