package web

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/silkbridge/silkbridge/recommend"
	"github.com/silkbridge/silkbridge/store"
)

// The partner recommender ranks from a graph of every cooperation on the
// platform (the imported Horizon 2020 record and the cooperations made
// here). Building that graph takes seconds on the whole record, so each app
// instance builds it once and keeps it; a cheap fingerprint of the
// cooperation tables, checked at most every graphCheckEvery, tells when to
// rebuild it, in the background while the old graph keeps answering.

// graphCheckEvery bounds how stale a recommendation can be after a new
// cooperation, and how often the fingerprint query runs.
const graphCheckEvery = 5 * time.Second

// graphSummaryRunes is how much of each cooperation's summary the graph
// reads: enough to say what a project is about.
const graphSummaryRunes = 600

// recommenderCache holds one server's recommender. The graph is kept in
// each instance's memory, so its build is not a River job (a job run on
// another instance would not give this one a graph); the server owns the
// build and Close waits for it.
type recommenderCache struct {
	mu       sync.Mutex
	rec      *recommend.Recommender
	version  string
	checked  time.Time
	built    time.Time
	building bool
	// ready is closed when the first build ends (well or not).
	ready chan struct{}
	err   error
}

func newRecommenderCache() *recommenderCache { return &recommenderCache{ready: make(chan struct{})} }

func (s *Server) recommenderCache() *recommenderCache { return s.recs }

// recommender returns the current recommender, building it on first use
// and starting a rebuild when the cooperation record has changed.
func (s *Server) recommender(ctx context.Context) (*recommend.Recommender, time.Time, error) {
	c := s.recommenderCache()
	c.mu.Lock()
	first := c.rec == nil && !c.building
	stale := c.rec != nil && !c.building && time.Since(c.checked) > graphCheckEvery
	if first || stale {
		c.building = true
		c.checked = time.Now()
	}
	c.mu.Unlock()
	if first || stale {
		// The build outlives the request that started it, not the server:
		// Close cancels and waits for it.
		s.bg.Go(func(bctx context.Context) { s.rebuildRecommender(bctx, c, stale) })
	}
	select {
	case <-c.ready:
	case <-ctx.Done():
		return nil, time.Time{}, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rec == nil {
		return nil, time.Time{}, c.err
	}
	return c.rec, c.built, nil
}

// rebuildRecommender builds a new graph unless (when onlyIfChanged) the
// cooperation record is the one the current graph was built from.
func (s *Server) rebuildRecommender(ctx context.Context, c *recommenderCache, onlyIfChanged bool) {
	rec, version, err := s.buildRecommender(ctx, c, onlyIfChanged)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.building = false
	switch {
	case err != nil:
		s.log.Error("build partner recommender", "err", err)
		if c.rec == nil {
			c.err = err
		}
	case rec != nil:
		c.rec, c.version, c.built, c.err = rec, version, time.Now(), nil
	}
	select {
	case <-c.ready:
	default:
		close(c.ready)
	}
}

func (s *Server) buildRecommender(ctx context.Context, c *recommenderCache, onlyIfChanged bool) (*recommend.Recommender, string, error) {
	version, err := s.store.GraphVersion(ctx)
	if err != nil {
		return nil, "", err
	}
	c.mu.Lock()
	same := onlyIfChanged && version == c.version
	c.mu.Unlock()
	if same {
		return nil, version, nil
	}
	start := time.Now()
	data, err := s.store.PartnerGraphData(ctx, graphSummaryRunes)
	if err != nil {
		return nil, "", err
	}
	ref, err := s.store.Reference(ctx)
	if err != nil {
		return nil, "", err
	}
	g, err := buildPartnerGraph(data, ref)
	if err != nil {
		return nil, "", err
	}
	rec, err := recommend.New(g, recommend.DefaultModel())
	if err != nil {
		return nil, "", err
	}
	s.log.Info("partner recommender built", "organisations", g.Organisations(), "cooperations", g.Projects(),
		"duration_ms", time.Since(start).Milliseconds())
	return rec, version, nil
}

// orgType gives the recommender one vocabulary of organisation types:
// the CORDIS activity type where the record has one, else the platform's
// kind mapped onto it.
func partnerOrgType(o store.GraphOrganisation) string {
	if o.ActivityType != "" {
		return o.ActivityType
	}
	switch o.Kind {
	case "university":
		return "HES"
	case "research_institute":
		return "REC"
	case "enterprise":
		return "PRC"
	case "government_agency":
		return "PUB"
	}
	return "OTH"
}

// buildPartnerGraph turns the store's cooperation record into the
// recommender's graph. Projects enter in order of their start year, so an
// organisation's latest record wins where the builder keeps one.
func buildPartnerGraph(d *store.GraphData, ref *store.Reference) (*recommend.Graph, error) {
	b := recommend.NewBuilder()
	for _, c := range ref.Countries {
		b.AddCountry(recommend.Country{Code: c.Code, EU: c.EUMember, BRIPartner: c.BRIPartner})
	}
	orgs := make(map[string]store.GraphOrganisation, len(d.Organisations))
	for _, o := range d.Organisations {
		orgs[o.ID] = o
	}
	projects := append([]store.GraphProject(nil), d.Projects...)
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].Year < projects[j].Year })
	added := map[string]bool{}
	for _, p := range projects {
		for _, m := range p.Members {
			if added[m.OrgID] {
				continue
			}
			o, ok := orgs[m.OrgID]
			if !ok {
				continue
			}
			added[m.OrgID] = true
			if err := b.AddOrganisation(recommend.Organisation{Key: o.ID, Country: o.Country, Type: partnerOrgType(o)}); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range projects {
		rp := recommend.Project{Key: p.ID, Year: p.Year, Parts: partnerParts(p.Programme, p.Fields), Text: p.Text}
		for _, m := range p.Members {
			if added[m.OrgID] {
				rp.Members = append(rp.Members, recommend.Member{Org: m.OrgID, Coordinator: m.Coordinator})
			}
		}
		if err := b.AddProject(rp); err != nil {
			return nil, fmt.Errorf("partner graph: %w", err)
		}
	}
	if len(added) == 0 {
		// The builder needs one organisation; a platform without
		// cooperations still answers, with no one to propose.
		for _, o := range d.Organisations {
			if err := b.AddOrganisation(recommend.Organisation{Key: o.ID, Country: o.Country, Type: partnerOrgType(o)}); err != nil {
				return nil, err
			}
			break
		}
		if len(d.Organisations) == 0 {
			b.AddOrganisation(recommend.Organisation{Key: "-", Country: "", Type: "OTH"})
		}
	}
	return b.Build()
}

// projectParts are the programme part and the fields of a cooperation: the
// recommender compares them with those of a query.
func partnerParts(programme string, fields []string) []string {
	parts := make([]string, 0, len(fields)+1)
	if programme != "" {
		parts = append(parts, programme)
	}
	return append(parts, fields...)
}
