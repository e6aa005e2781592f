package eval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge/recommend"
)

// Learning says how the recommender gets its weights for a run.
type Learning struct {
	// Modes are the pseudo-query sets (Temporal, Holdout) to learn from;
	// none means Model, or recommend.DefaultModel when Model is nil.
	Modes []string
	Model *recommend.Model
	// NewPartnersOnly, with no Modes, keeps the model's mixed weights and
	// learns only its new-partner weights from the pseudo-queries of the
	// training years.
	NewPartnersOnly bool
	// BRIPartners are the ISO codes of the Belt and Road partner
	// countries, for queries that favour them.
	BRIPartners []string
	// Progress, when set, is told about each step.
	Progress func(format string, args ...any)
}

// NewPartnersFitOptions are the options the new-partner weights are
// learnt with: partners from outside the EU count more, because
// introducing them is what the mode is for.
var NewPartnersFitOptions = recommend.FitOptions{InternationalWeight: 0.3, Rounds: 4}

// Fitted describes the model a run ranked with.
type Fitted struct {
	Model  recommend.Model
	Learnt bool
	Report recommend.FitReport
	// NewPartnersReport describes the fit of the new-partner weights.
	NewPartnersReport recommend.FitReport
	Took              time.Duration
}

// FitOptions are the options every run learns with.
var FitOptions = recommend.FitOptions{
	Feedback: true,
	// A tenth of the objective rewards finding partners from outside the
	// EU: enough to keep the signals that find them, not enough to let
	// them crowd out better partners.
	InternationalWeight: 0.1,
}

// Train builds the graph of the projects starting in or before trainUntil
// and the recommender's model, learnt from those years only.
func Train(ctx context.Context, rec *Record, trainUntil int, l Learning) (*recommend.Recommender, Fitted, error) {
	progress := l.Progress
	if progress == nil {
		progress = func(string, ...any) {}
	}
	var train []*Project
	for _, p := range rec.Projects {
		if p.Year > 0 && p.Year <= trainUntil {
			train = append(train, p)
		}
	}
	if len(train) == 0 {
		return nil, Fitted{}, fmt.Errorf("no project starts in or before %d", trainUntil)
	}
	countries := Countries(rec.Projects, l.BRIPartners)
	progress("indexing %d training projects", len(train))
	g, err := BuildGraphWith(train, countries, pairsUntil(rec.CountryPairs, trainUntil))
	if err != nil {
		return nil, Fitted{}, err
	}
	fit := Fitted{Model: recommend.DefaultModel()}
	if l.Model != nil {
		fit.Model = *l.Model
	}
	if len(l.Modes) == 0 && l.NewPartnersOnly {
		start := time.Now()
		learnUntil := min(trainUntil, lastYear(train))
		progress("learning the weights of new-partner queries from pseudo-queries of the training years, keeping the mixed weights")
		sets, err := FitSets(rec, learnUntil, countries, Temporal, Holdout)
		if err != nil {
			return nil, fit, err
		}
		nopts := NewPartnersFitOptions
		nopts.Progress = func(round int, objective float64) {
			progress("learning new-partner weights: pass %d, objective %.4f (%s)", round, objective, time.Since(start).Round(time.Second))
		}
		if fit.Model.NewPartners, fit.NewPartnersReport, err = recommend.FitNewPartners(ctx, sets, fit.Model, nopts); err != nil {
			return nil, fit, err
		}
		fit.Learnt, fit.Took = true, time.Since(start)
	}
	if len(l.Modes) > 0 {
		start := time.Now()
		// The pseudo-queries come from the last training year. When
		// trainUntil lies beyond the record (to rank with everything known),
		// that year is empty: learn from the last year that has projects.
		learnUntil := trainUntil
		if last := lastYear(train); last < trainUntil {
			learnUntil = last
			progress("no project starts after %d: learning from the pseudo-queries of %d, the last year with data, instead of %d", last, last, trainUntil)
		}
		progress("learning weights from pseudo-queries of the training years (%s)", strings.Join(l.Modes, ", "))
		sets, err := FitSets(rec, learnUntil, countries, l.Modes...)
		if err != nil {
			return nil, fit, err
		}
		opts := FitOptions
		opts.Progress = func(round int, objective float64) {
			progress("learning weights: pass %d, objective %.4f (%s)", round, objective, time.Since(start).Round(time.Second))
		}
		if fit.Model, fit.Report, err = recommend.Fit(ctx, sets, recommend.StartWeights(), opts); err != nil {
			return nil, fit, err
		}
		progress("learning the weights of new-partner queries")
		nopts := NewPartnersFitOptions
		nopts.Progress = func(round int, objective float64) {
			progress("learning new-partner weights: pass %d, objective %.4f (%s)", round, objective, time.Since(start).Round(time.Second))
		}
		fit.Model.NewPartners, fit.NewPartnersReport, err = recommend.FitNewPartners(ctx, sets, fit.Model, nopts)
		switch {
		case errors.Is(err, recommend.ErrNoExamples):
			progress("no pseudo-query has a new partner to find: new-partner queries rank with the mixed weights")
		case err != nil:
			return nil, fit, err
		}
		fit.Learnt, fit.Took = true, time.Since(start)
	}
	r, err := recommend.New(g, fit.Model)
	return r, fit, err
}

// lastYear returns the latest start year of the projects.
func lastYear(projects []*Project) int {
	last := 0
	for _, p := range projects {
		last = max(last, p.Year)
	}
	return last
}

// Methods are the rankers a report compares.
type Methods struct {
	Silkbridge, Popularity, AdamicAdar Ranker
	// TwoHopAdamicAdar is the baseline of the new-partner slice; without
	// it the report has no new-partner block.
	TwoHopAdamicAdar Ranker
}

// Report holds the figures of one evaluation, in the JSON shape of
// shared/formats/recommend-eval.md.
type Report struct {
	TrainUntil      int           `json:"train_until"`
	TestFrom        int           `json:"test_from"`
	Queries         int           `json:"queries"`
	Hidden          int           `json:"hidden"`
	HiddenColdStart int           `json:"hidden_cold_start"`
	Methods         MethodReports `json:"methods"`
	// NewPartners compares the new-partners mode with two-hop
	// Adamic-Adar on the new-partner slice.
	NewPartners *NewPartnersReport `json:"new_partners,omitempty"`
	// ColdSeeds scores the test projects whose coordinator is unknown in
	// the training years, ranked from their context alone.
	ColdSeeds *ColdSeedsReport `json:"cold_seeds,omitempty"`

	// Details printed in text only.
	Summary Summary           `json:"-"`
	Results map[string]Result `json:"-"`
}

// MethodReports are the figures of each method.
type MethodReports struct {
	Silkbridge MethodReport `json:"silkbridge"`
	Popularity MethodReport `json:"popularity"`
	AdamicAdar MethodReport `json:"adamic_adar"`
}

// NewPartnersReport is the "new_partners" block of the format.
type NewPartnersReport struct {
	Silkbridge           SliceReport `json:"silkbridge"`
	TwoHopAdamicAdar     SliceReport `json:"two_hop_adamic_adar"`
	Answers              int         `json:"answers"`
	AnswersInternational int         `json:"answers_international"`
}

// SliceReport is the figures of one method on a slice and its
// international part.
type SliceReport struct {
	All           Metrics `json:"all"`
	International Metrics `json:"international"`
	MsPerQuery    float64 `json:"ms_per_query"`
}

// ColdSeedsReport is the figures on the queries whose seed the training
// years never saw.
type ColdSeedsReport struct {
	Queries    int         `json:"queries"`
	Hidden     int         `json:"hidden"`
	Silkbridge SliceReport `json:"silkbridge"`
	Popularity SliceReport `json:"popularity"`
}

// MethodReport is the figures of one method.
type MethodReport struct {
	All           Metrics `json:"all"`
	International Metrics `json:"international"`
	MsPerQuery    float64 `json:"ms_per_query"`
}

// Metrics are the accuracy figures of one slice.
type Metrics struct {
	Recall10  float64 `json:"recall@10"`
	Recall20  float64 `json:"recall@20"`
	Recall50  float64 `json:"recall@50"`
	Recall100 float64 `json:"recall@100"`
	MRR       float64 `json:"mrr"`
}

func metricsOf(s Scores) Metrics {
	return Metrics{Recall10: s.Recall[10], Recall20: s.Recall[20], Recall50: s.Recall[50], Recall100: s.Recall[100], MRR: s.MRR}
}

func sliceOf(r Result) SliceReport {
	return SliceReport{All: metricsOf(r.All), International: metricsOf(r.International), MsPerQuery: r.MsPerQuery}
}

// Compare evaluates the three methods on the cases of a split.
func Compare(ctx context.Context, split *Split, m Methods) (*Report, error) {
	sum := Summarise(split.Cases)
	rep := &Report{
		TrainUntil: split.TrainUntil, TestFrom: split.TestFrom,
		Queries: sum.Queries, Hidden: sum.Hidden, HiddenColdStart: sum.HiddenCold,
		Summary: sum, Results: map[string]Result{},
	}
	for _, x := range []struct {
		name string
		r    Ranker
		out  *MethodReport
	}{
		{"silkbridge", m.Silkbridge, &rep.Methods.Silkbridge},
		{"popularity", m.Popularity, &rep.Methods.Popularity},
		{"adamic_adar", m.AdamicAdar, &rep.Methods.AdamicAdar},
	} {
		res, err := Evaluate(ctx, x.r, split.Cases)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.name, err)
		}
		*x.out = MethodReport{All: metricsOf(res.All), International: metricsOf(res.International), MsPerQuery: res.MsPerQuery}
		rep.Results[x.name] = res
	}
	if m.TwoHopAdamicAdar != nil {
		np := &NewPartnersReport{Answers: sum.NewPartners, AnswersInternational: sum.NewPartnersInternational}
		for _, x := range []struct {
			name string
			r    Ranker
			out  *SliceReport
		}{
			{"silkbridge_new_partners", m.Silkbridge, &np.Silkbridge},
			{"two_hop_adamic_adar", m.TwoHopAdamicAdar, &np.TwoHopAdamicAdar},
		} {
			res, err := EvaluateNewPartners(ctx, x.r, split.Cases)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", x.name, err)
			}
			*x.out = sliceOf(res)
			rep.Results[x.name] = res
		}
		rep.NewPartners = np
	}
	if len(split.ColdSeedCases) > 0 {
		cs := &ColdSeedsReport{Queries: len(split.ColdSeedCases), Hidden: Summarise(split.ColdSeedCases).Hidden}
		for _, x := range []struct {
			name string
			r    Ranker
			out  *SliceReport
		}{
			{"silkbridge_cold_seeds", m.Silkbridge, &cs.Silkbridge},
			{"popularity_cold_seeds", m.Popularity, &cs.Popularity},
		} {
			res, err := Evaluate(ctx, x.r, split.ColdSeedCases)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", x.name, err)
			}
			*x.out = sliceOf(res)
			rep.Results[x.name] = res
		}
		rep.ColdSeeds = cs
	}
	return rep, nil
}
