package eval

import (
	"github.com/silkbridge/silkbridge/recommend"
)

// Learning modes: which pseudo-queries, all from training years, the
// recommender learns its weights on.
const (
	// Temporal: the graph holds the years before the last training year,
	// the queries come from the last training year, as in the evaluation.
	Temporal = "temporal"
	// Holdout: the graph holds every training project but every other
	// consortium of the last training year, which become the queries; the
	// graph is then as large as the one the evaluation ranks from.
	Holdout = "holdout"
)

// FitSets builds the graphs and pseudo-queries the recommender learns its
// weights on. It looks only at projects starting in or before trainUntil,
// so nothing of the test years reaches the weights.
func FitSets(rec *Record, trainUntil int, countries []recommend.Country, modes ...string) ([]recommend.FitSet, error) {
	var training []*Project
	for _, p := range rec.Projects {
		if p.Year > 0 && p.Year <= trainUntil {
			training = append(training, p)
		}
	}
	var sets []recommend.FitSet
	for _, mode := range modes {
		var inner *Record
		cut := trainUntil - 1
		switch mode {
		case Temporal:
			inner = &Record{Projects: training, CountryPairs: rec.CountryPairs}
		case Holdout:
			// Move every other consortium of the last year one year on, so
			// that a split at trainUntil makes them the queries.
			inner = &Record{CountryPairs: rec.CountryPairs}
			k := 0
			for _, p := range training {
				if p.Year == trainUntil && len(p.Members) >= MinConsortium {
					k++
					if k%2 == 0 {
						moved := *p
						moved.Year = trainUntil + 1
						inner.Projects = append(inner.Projects, &moved)
						continue
					}
				}
				inner.Projects = append(inner.Projects, p)
			}
			cut = trainUntil
		default:
			continue
		}
		split, err := NewSplit(inner, cut, cut+1)
		if err != nil {
			return nil, err
		}
		g, err := BuildGraphWith(split.Train, countries, pairsUntil(rec.CountryPairs, cut))
		if err != nil {
			return nil, err
		}
		set := recommend.FitSet{Graph: g}
		for _, c := range split.Cases {
			ex := recommend.Example{Query: c.Query}
			for _, h := range c.Hidden {
				if !h.Cold {
					ex.Partners = append(ex.Partners, h.PIC)
				}
			}
			set.Examples = append(set.Examples, ex)
		}
		sets = append(sets, set)
	}
	return sets, nil
}
