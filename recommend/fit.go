package recommend

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Example is a query with the partners it should have found: a past
// project seen as if it were being planned.
type Example struct {
	Query    Query
	Partners []string
}

// FitOptions tune the weight search.
type FitOptions struct {
	// PoolPerFeature is how many of the best candidates of each single
	// signal enter an example's pool; 0 means 100.
	PoolPerFeature int
	// Rounds bounds the passes over the features; 0 means 6.
	Rounds int
	// InternationalWeight is how much recall on partners from outside the
	// EU counts beside recall on all partners.
	InternationalWeight float64
	// Feedback adds a second pass with pseudo-relevance feedback.
	Feedback bool
	// NewPartners learns for queries that ask for new partners only: the
	// seed's past partners leave the pools and the partners to find.
	NewPartners bool
	// Progress, when set, is told the objective after each pass.
	Progress func(round int, objective float64)
}

// FitReport describes a fit.
type FitReport struct {
	Examples      int     // examples with at least one partner in the graph
	Partners      int     // their partners in the graph
	International int     // ... from outside the EU
	PoolSize      float64 // mean candidates kept per example
	Start, Final  float64 // objective before and after

	intlWeight float64
}

// poolFeatures are the signals whose best candidates make up an example's
// pool; the others are too coarse to pick candidates on their own.
var poolFeatures = []int{fAA, fAAText, fAAPart, fAARecent, fAASeedCoord, f2Hop, f2HopText, fKNN, fProfile, fPartCount, fCallCount, fPopularity, fRecent, fFeedback,
	f2HopRecent, fProfileRecent, fKNNSocial, fRecentPart}

type fitExample struct {
	feat     []features // pool
	positive []bool
	intl     []bool
	nPos     int
	nIntl    int
}

// FitSet is a graph with examples from projects it does not hold.
type FitSet struct {
	Graph    *Graph
	Examples []Example
}

// Fit learns weights by coordinate ascent on the examples of every set.
// The objective is recall@10, plus a fifth of recall@20 and a twentieth of
// recall@50 to smooth it, over all partners, plus InternationalWeight
// times the same over partners from outside the EU. With opts.Feedback it
// then learns the weights of a second pass that adds the feedback signal
// of the first. The examples must never come from the years an evaluation
// tests on. Fit stops with ctx's error when ctx is done.
func Fit(ctx context.Context, sets []FitSet, start Weights, opts FitOptions) (Model, FitReport, error) {
	if opts.PoolPerFeature == 0 {
		opts.PoolPerFeature = 100
	}
	if opts.Rounds == 0 {
		opts.Rounds = 6
	}
	w, bri, err := parseWeights(start, 1)
	if err != nil {
		return Model{}, FitReport{}, err
	}
	w[fFeedback] = 0
	var data []fitExample
	var rep FitReport
	gather := func(w1 *features) (err error) {
		data, rep, err = gatherSets(ctx, sets, w, w1, opts)
		return err
	}
	if err := gather(nil); err != nil {
		return Model{}, rep, err
	}
	rep.Start = objective(data, &w, rep)
	best, err := ascend(ctx, data, &w, rep, opts, 0)
	if err != nil {
		return Model{}, rep, err
	}
	m := Model{Weights: weightsOf(w, bri)}
	if opts.Feedback {
		w1 := w
		start := rep.Start
		if err := gather(&w1); err != nil {
			return Model{}, rep, err
		}
		rep.Start = start
		w[fFeedback] = 1
		if best, err = ascend(ctx, data, &w, rep, opts, opts.Rounds); err != nil {
			return Model{}, rep, err
		}
		m = Model{Weights: weightsOf(w, bri), Feedback: weightsOf(w1, 0)}
	}
	rep.Final = best
	return m, rep, nil
}

// ErrNoExamples says that no example had a partner to find in its graph.
var ErrNoExamples = errors.New("recommend: no example has a partner in its graph")

// gatherSets collects the pools of the examples of every set, ranked with
// w and first-pass weights w1 (nil without feedback).
func gatherSets(ctx context.Context, sets []FitSet, w features, w1 *features, opts FitOptions) ([]fitExample, FitReport, error) {
	// The sets share nothing, so they are collected side by side.
	type gathered struct {
		data []fitExample
		rep  FitReport
		err  error
	}
	out := make([]gathered, len(sets))
	var wg sync.WaitGroup
	for i, set := range sets {
		if set.Graph == nil {
			return nil, FitReport{}, errors.New("recommend: fit set without a graph")
		}
		wg.Go(func() {
			r := &Recommender{g: set.Graph, w: w, w1: w1}
			out[i].data, out[i].rep, out[i].err = collect(ctx, r, set.Examples, opts)
		})
	}
	wg.Wait()
	var data []fitExample
	var rep FitReport
	for _, o := range out {
		if o.err != nil {
			return nil, rep, o.err
		}
		data = append(data, o.data...)
		rep.Examples += o.rep.Examples
		rep.Partners += o.rep.Partners
		rep.International += o.rep.International
		rep.PoolSize += o.rep.PoolSize * float64(o.rep.Examples)
	}
	if rep.Examples == 0 {
		return nil, rep, ErrNoExamples
	}
	rep.PoolSize /= float64(rep.Examples)
	rep.intlWeight = opts.InternationalWeight
	return data, rep, nil
}

// FitNewPartners learns the weights of new-partner queries, starting from
// the model's own weights and keeping its first pass: the objective is
// Fit's, over the partners of each example that never shared a project
// with its seed, ranked among the candidates that did not either.
func FitNewPartners(ctx context.Context, sets []FitSet, m Model, opts FitOptions) (Weights, FitReport, error) {
	if opts.PoolPerFeature == 0 {
		opts.PoolPerFeature = 100
	}
	if opts.Rounds == 0 {
		opts.Rounds = 6
	}
	opts.NewPartners = true
	w, _, err := parseWeights(m.Weights, 0)
	if err != nil {
		return nil, FitReport{}, err
	}
	var w1 *features
	if m.Feedback != nil {
		f, _, err := parseWeights(m.Feedback, 0)
		if err != nil {
			return nil, FitReport{}, err
		}
		w1 = &f
	}
	data, rep, err := gatherSets(ctx, sets, w, w1, opts)
	if err != nil {
		return nil, rep, err
	}
	rep.Start = objective(data, &w, rep)
	if rep.Final, err = ascend(ctx, data, &w, rep, opts, 0); err != nil {
		return nil, rep, err
	}
	return weightsOf(w, 0), rep, nil
}

func weightsOf(w features, bri float32) Weights {
	out := Weights{}
	if bri != 0 {
		out[BRIBonusName] = float64(bri)
	}
	for k := range numFeatures {
		if v := math.Round(float64(w[k])*1000) / 1000; v != 0 {
			out[featureNames[k]] = v
		}
	}
	return out
}

// collect computes the pool of candidates of every example: the best of
// each single signal and of the current weights.
func collect(ctx context.Context, r *Recommender, examples []Example, opts FitOptions) ([]fitExample, FitReport, error) {
	g := r.g
	var rep FitReport
	data := make([]fitExample, 0, len(examples))
	pool := g.scratchPool()
	s := pool.Get().(*scratch)
	defer pool.Put(s)
	var values []float32
	for _, ex := range examples {
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		s.reset()
		q := ex.Query
		q.FavourBRI = false
		q.NewPartners = opts.NewPartners
		res := g.resolve(&q)
		r.candidates(&q, &res, s)
		// past reports a past partner of the seed, which a new-partner
		// query never proposes.
		past := func(o int32) bool { return opts.NewPartners && s.mark[o] == s.epoch && s.shared[o] > 0 }
		pos := map[int32]bool{}
		for _, k := range ex.Partners {
			if i, ok := g.orgIndex[k]; ok && k != ex.Query.Seed && !past(i) {
				pos[i] = true
			}
		}
		if len(pos) == 0 {
			continue
		}
		keep := map[int32]bool{}
		for _, k := range poolFeatures {
			values = values[:0]
			for _, o := range s.touched {
				if !past(o) {
					values = append(values, s.feat[o][k])
				}
			}
			th := kthLargest(values, opts.PoolPerFeature)
			if th <= 0 {
				th = math.SmallestNonzeroFloat32
			}
			// Ties at the threshold would let a coarse feature flood the
			// pool; keep exactly PoolPerFeature.
			n := 0
			for _, o := range s.touched {
				if s.feat[o][k] > th && !past(o) {
					keep[o] = true
					n++
				}
			}
			for _, o := range s.touched {
				if n >= opts.PoolPerFeature {
					break
				}
				if s.feat[o][k] == th && !past(o) {
					keep[o] = true
					n++
				}
			}
		}
		for _, sc := range r.top(&q, &res, s, 3*opts.PoolPerFeature) {
			keep[sc.org] = true
		}
		delete(keep, res.seed)
		for o := range keep {
			if past(o) {
				delete(keep, o)
			}
		}
		// Map order would make the fit depend on the run.
		orgs := make([]int32, 0, len(keep))
		for o := range keep {
			orgs = append(orgs, o)
		}
		slices.Sort(orgs)
		fe := fitExample{}
		for _, o := range orgs {
			f := s.feat[o]
			if s.mark[o] != s.epoch {
				f = features{}
				g.nodeSignals(o, &res, s, &f)
			}
			fe.feat = append(fe.feat, f)
			fe.positive = append(fe.positive, pos[o])
			fe.intl = append(fe.intl, !g.countries[g.orgCountry[o]].EU)
		}
		for o := range pos {
			fe.nPos++
			if !g.countries[g.orgCountry[o]].EU {
				fe.nIntl++
			}
		}
		rep.Examples++
		rep.Partners += fe.nPos
		rep.International += fe.nIntl
		rep.PoolSize += float64(len(fe.feat))
		data = append(data, fe)
	}
	if rep.Examples > 0 {
		rep.PoolSize /= float64(rep.Examples)
	}
	return data, rep, nil
}

// ascend improves w one weight at a time while the objective grows and
// returns the objective reached. Scores are kept per candidate and moved
// by the change of one weight, so a trial costs one pass over the pools.
func ascend(ctx context.Context, data []fitExample, w *features, rep FitReport, opts FitOptions, roundOffset int) (float64, error) {
	scores := make([][]float32, len(data))
	for i, ex := range data {
		scores[i] = make([]float32, len(ex.feat))
		for j := range ex.feat {
			scores[i][j] = dot(w, &ex.feat[j])
		}
	}
	eval := func(k int, d float32) float64 {
		var hits, hitsIntl [3]float64
		var buf []float32
		for i, ex := range data {
			buf = buf[:0]
			for j := range ex.feat {
				buf = append(buf, scores[i][j]+d*ex.feat[j][k])
			}
			countHits(buf, ex, &hits, &hitsIntl)
		}
		return objectiveOf(hits, hitsIntl, rep)
	}
	best := eval(0, 0)
	steps := []float32{-1, -0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5, 1}
	for round := range opts.Rounds {
		improved := false
		for k := range numFeatures {
			if err := ctx.Err(); err != nil {
				return best, err
			}
			// The steps are tried side by side, then compared in order, so
			// that the result does not depend on the schedule.
			values := make([]float64, len(steps))
			var wg sync.WaitGroup
			next := make(chan int, len(steps))
			for i := range steps {
				next <- i
			}
			close(next)
			for range min(runtime.GOMAXPROCS(0), len(steps)) {
				wg.Go(func() {
					for i := range next {
						values[i] = eval(k, steps[i])
					}
				})
			}
			wg.Wait()
			bestD := float32(0)
			for i, d := range steps {
				if v := values[i]; v > best+1e-9 {
					best, bestD, improved = v, d, true
				}
			}
			if bestD != 0 {
				w[k] += bestD
				for i, ex := range data {
					for j := range ex.feat {
						scores[i][j] += bestD * ex.feat[j][k]
					}
				}
			}
		}
		if opts.Progress != nil {
			opts.Progress(roundOffset+round+1, best)
		}
		if !improved {
			break
		}
	}
	return best, nil
}

// fitCutoffs are the ranks the objective counts hits at, and their weights.
var (
	fitCutoffs = [3]int{10, 20, 50}
	fitWeights = [3]float64{1, 0.2, 0.05}
)

// countHits adds the partners of one example found within each cutoff.
func countHits(scores []float32, ex fitExample, hits, hitsIntl *[3]float64) {
	// The score a candidate must reach to be within the last cutoff.
	th := kthLargest(slices.Clone(scores), fitCutoffs[2])
	for i, s := range scores {
		if !ex.positive[i] || s < th {
			continue
		}
		rank := 1
		for j, o := range scores {
			if o > s || (o == s && j < i) {
				rank++
			}
		}
		for c, cut := range fitCutoffs {
			if rank <= cut {
				hits[c]++
				if ex.intl[i] {
					hitsIntl[c]++
				}
			}
		}
	}
}

func objectiveOf(hits, hitsIntl [3]float64, rep FitReport) float64 {
	var v float64
	for c := range fitCutoffs {
		v += fitWeights[c] * hits[c] / float64(rep.Partners)
		if rep.International > 0 {
			v += rep.intlWeight * fitWeights[c] * hitsIntl[c] / float64(rep.International)
		}
	}
	return v
}

// objective scores weights on the fit examples.
func objective(data []fitExample, w *features, rep FitReport) float64 {
	var hits, hitsIntl [3]float64
	var scores []float32
	for _, ex := range data {
		scores = scores[:0]
		for i := range ex.feat {
			scores = append(scores, dot(w, &ex.feat[i]))
		}
		countHits(scores, ex, &hits, &hitsIntl)
	}
	return objectiveOf(hits, hitsIntl, rep)
}

// kthLargest returns the k-th largest value (the smallest value when
// there are fewer than k); it reorders values.
func kthLargest(values []float32, k int) float32 {
	if len(values) == 0 {
		return 0
	}
	if k >= len(values) {
		return slices.Min(values)
	}
	lo, hi, target := 0, len(values)-1, k-1
	for lo < hi {
		pivot := values[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for values[i] > pivot {
				i++
			}
			for values[j] < pivot {
				j--
			}
			if i <= j {
				values[i], values[j] = values[j], values[i]
				i++
				j--
			}
		}
		switch {
		case target <= j:
			hi = j
		case target >= i:
			lo = i
		default:
			return values[target]
		}
	}
	return values[target]
}

// String prints weights in a stable order, for logs and reports.
func (w Weights) String() string {
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%g", k, w[k])
	}
	return b.String()
}
