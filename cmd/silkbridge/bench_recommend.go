package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
	"github.com/silkbridge/silkbridge/recommend/eval"
	"github.com/silkbridge/silkbridge/refdata"
)

func init() {
	registerBench(benchmark{name: "recommend", summary: "evaluate partner recommendation on the H2020 record (recall@k, MRR, baselines)", run: runBenchRecommend})
}

const benchRecommendAbout = `
Evaluates partner recommendation on the Horizon 2020 record as link
prediction, following shared/formats/recommend-eval.md. Projects starting
in or before --train-until train; every project starting in or after
--test-from with at least 3 organisations and a coordinator seen in
training becomes a query: the coordinator is the seed, with the context
known before partners are chosen (programme parts, start year, the
coordinator's country and type, and the call topic and title where the
crosswalk links the project with high or medium confidence). Its other
organisations are hidden; candidates are the organisations of the training
years. Nothing of a test project's consortium reaches its query, the
index or the learnt weights.

The recommender learns its weights first, from pseudo-queries of the
training years only (--learn): "temporal" ranks the last training year's
consortia from the years before it, "holdout" ranks every other consortium
of the last training year from all the rest. This takes one to three
minutes. --learn none ranks with the weights shipped with the platform.

Prints recall@10/20/50/100 and MRR for Silkbridge and for two baselines
computed on the same queries (popularity: number of training projects;
Adamic-Adar: shared training projects with the seed, each weighted
1/ln(size), ties by popularity), over all hidden partners and over the
international slice (hidden partners from outside the EU), the cold-start
share, and the milliseconds per query (mean and p95, one query at a time).
Recall is pooled over the hidden partners seen in training; MRR is the
mean over queries of 1/rank of the first such partner in the top 100.
--json prints the same as one JSON object in the shape of the format.

New partners: about half of the hidden partners never shared a training
project with their seed. The run also ranks every query in new-partners
mode (the seed's past partners never appear) and scores it on that slice
beside two-hop Adamic-Adar (paths through the seed's partners); --json
gives them as "new_partners". Queries whose coordinator never appears in
training are ranked from their context alone and reported apart
("cold_seeds", beside popularity). The OpenAlex co-authorship counts of
country pairs (openalex-country-coauthorship beside the CORDIS folder, the
years up to --train-until) enter the graph when present.

With --queries FILE --out FILE it learns on the years up to --train-until,
ranks the externally given queries (CSV with the header query_id, seed_pic,
programme_parts, start_year, seed_country, seed_type, topic_code,
topic_description, project_title; parts joined by ";") and writes the top
100 of each as CSV (query_id, rank, pic), without scoring anything;
--new-partners ranks them in new-partners mode.

Tune only on --train-until 2016 --test-from 2017 and --train-until 2017
--test-from 2018; later years are the final measurement.

--data is the shared data folder (holding cordis-h2020-participations and
eu-rd-projects-named, which gives the titles and topics), or the
cordis-h2020-participations folder itself, whose sibling
eu-rd-projects-named is then used.`

func runBenchRecommend(ctx context.Context, args []string) error {
	fs := newFlagSet("bench recommend",
		"bench recommend --data DIR --train-until YEAR --test-from YEAR [--json]\n       silkbridge bench recommend --data DIR --train-until YEAR --queries FILE --out FILE",
		benchRecommendAbout)
	data := fs.String("data", env("SILKBRIDGE_DATA", "../shared/data"), "shared data folder, or its cordis-h2020-participations folder")
	trainUntil := fs.Int("train-until", 2017, "last start year of training projects")
	testFrom := fs.Int("test-from", 0, "first start year of test projects (default: the year after --train-until)")
	asJSON := fs.Bool("json", false, "print one JSON object on standard output")
	queries := fs.String("queries", "", "rank the queries of this CSV file instead of evaluating")
	out := fs.String("out", "", "with --queries: the rankings CSV to write")
	newPartners := fs.Bool("new-partners", false, "propose only organisations that never shared a project with the seed (with --queries; an evaluation reports both modes)")
	sample := fs.Int("sample", 0, "score only every n-th query (0 or 1: all), for quick runs while tuning")
	learn := fs.String("learn", eval.Temporal+","+eval.Holdout, `pseudo-query sets to learn the weights from ("temporal", "holdout", both joined by a comma), "none", or "new-partners" (keep the shipped or --weights mixed weights, learn only those of new-partner queries)`)
	weights := fs.String("weights", "", `with --learn none: a JSON model ({"weights": {...}, "feedback": {...}}) to rank with instead of the shipped one`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if (*queries == "") != (*out == "") {
		return fmt.Errorf("%w: --queries and --out go together", errUsage)
	}
	if *sample < 0 {
		return fmt.Errorf("%w: --sample %d must be 0 or more", errUsage, *sample)
	}
	if *queries != "" && *testFrom != 0 {
		return fmt.Errorf("%w: --test-from has no meaning with --queries", errUsage)
	}
	if *testFrom == 0 {
		*testFrom = *trainUntil + 1
	}
	if *testFrom <= *trainUntil {
		return fmt.Errorf("%w: --test-from %d must come after --train-until %d", errUsage, *testFrom, *trainUntil)
	}
	learning, err := parseLearning(*learn)
	if err != nil {
		return err
	}
	if *weights != "" {
		if len(learning.Modes) > 0 {
			return fmt.Errorf("%w: --weights needs --learn none or new-partners", errUsage)
		}
		var m recommend.Model
		if err := json.Unmarshal([]byte(*weights), &m); err != nil {
			return fmt.Errorf("%w: --weights: %v", errUsage, err)
		}
		learning.Model = &m
	}
	learning.Progress = func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}

	paths, err := cordis.Locate(*data)
	if err != nil {
		return fmt.Errorf("%w: --data: %v", errUsage, err)
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "reading %s\n", filepath.Dir(paths.Participations))
	rec, err := eval.Load(paths)
	if err != nil {
		return err
	}
	learning.BRIPartners = briPartnerCodes()
	r, fit, err := eval.Train(ctx, rec, *trainUntil, learning)
	if err != nil {
		return err
	}
	if *queries != "" {
		return rankQueries(r, *queries, *out, *newPartners)
	}

	split, err := eval.NewSplit(rec, *trainUntil, *testFrom)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *sample > 1 {
		split.Cases = everyNth(split.Cases, *sample)
		split.ColdSeedCases = everyNth(split.ColdSeedCases, *sample)
		fmt.Fprintf(os.Stderr, "scoring every %d-th query only (--sample)\n", *sample)
	}
	fmt.Fprintf(os.Stderr, "ranking %d queries with each method\n", len(split.Cases))
	report, err := eval.Compare(ctx, split, eval.Methods{
		Silkbridge: r, Popularity: eval.NewPopularity(split.Train), AdamicAdar: eval.NewAdamicAdar(split.Train),
		TwoHopAdamicAdar: eval.NewTwoHopAdamicAdar(split.Train),
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	printRecommendReport(os.Stdout, report, fit, time.Since(start))
	return nil
}

// everyNth keeps the cases at positions 0, n, 2n, ...
func everyNth(cases []eval.Case, n int) []eval.Case {
	var out []eval.Case
	for i := 0; i < len(cases); i += n {
		out = append(out, cases[i])
	}
	return out
}

// parseLearning reads --learn.
func parseLearning(s string) (eval.Learning, error) {
	var l eval.Learning
	switch strings.TrimSpace(s) {
	case "none":
		return l, nil
	case "new-partners":
		l.NewPartnersOnly = true
		return l, nil
	}
	for _, m := range strings.Split(s, ",") {
		switch m = strings.TrimSpace(m); m {
		case eval.Temporal, eval.Holdout:
			l.Modes = append(l.Modes, m)
		default:
			return l, fmt.Errorf("%w: --learn: %q is not temporal, holdout, none or new-partners", errUsage, m)
		}
	}
	return l, nil
}

func printRecommendReport(w io.Writer, rep *eval.Report, fit eval.Fitted, took time.Duration) {
	sum := rep.Summary
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }
	fmt.Fprintf(w, "partner recommendation on the H2020 record: train <= %d, test >= %d\n", rep.TrainUntil, rep.TestFrom)
	fmt.Fprintf(w, "queries %d; hidden partners %d, cold start %d (%.1f%%); international hidden %d, cold start %d (%.1f%%)\n",
		sum.Queries, sum.Hidden, sum.HiddenCold, pct(sum.HiddenCold, sum.Hidden),
		sum.HiddenInternational, sum.ColdInternational, pct(sum.ColdInternational, sum.HiddenInternational))
	if fit.Learnt {
		if fit.Report.Examples > 0 {
			fmt.Fprintf(w, "weights learnt on %d pseudo-queries of the training years (%d partners) in %s\n",
				fit.Report.Examples, fit.Report.Partners, fit.Took.Round(time.Second))
		} else {
			fmt.Fprintln(w, "mixed weights: the shipped model (or --weights)")
		}
		if np := fit.NewPartnersReport; np.Examples > 0 {
			fmt.Fprintf(w, "new-partner weights learnt on %d pseudo-queries (%d new partners, %d international), objective %.4f -> %.4f\n",
				np.Examples, np.Partners, np.International, np.Start, np.Final)
		}
	} else {
		fmt.Fprintln(w, "weights: the shipped model (--learn none)")
	}
	fmt.Fprintf(w, "\n%-12s %-14s %8s %8s %8s %8s %8s %9s %9s\n", "method", "slice", "r@10", "r@20", "r@50", "r@100", "MRR", "ms/query", "p95 ms")
	for _, name := range []string{"silkbridge", "popularity", "adamic_adar"} {
		res := rep.Results[name]
		for _, sl := range []struct {
			name string
			s    eval.Scores
		}{{"all", res.All}, {"international", res.International}} {
			fmt.Fprintf(w, "%-12s %-14s %8.4f %8.4f %8.4f %8.4f %8.4f %9.2f %9.2f\n", name, sl.name,
				sl.s.Recall[10], sl.s.Recall[20], sl.s.Recall[50], sl.s.Recall[100], sl.s.MRR, res.MsPerQuery, res.MsP95)
		}
	}
	sb, aa := rep.Results["silkbridge"], rep.Results["adamic_adar"]
	printSlices := func(w io.Writer, name string, res eval.Result) {
		for _, sl := range []struct {
			name string
			s    eval.Scores
		}{{"all", res.All}, {"international", res.International}} {
			fmt.Fprintf(w, "%-24s %-14s %8.4f %8.4f %8.4f %8.4f %8.4f %9.2f %9.2f\n", name, sl.name,
				sl.s.Recall[10], sl.s.Recall[20], sl.s.Recall[50], sl.s.Recall[100], sl.s.MRR, res.MsPerQuery, res.MsP95)
		}
	}
	ratio := func(a, b float64) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2fx", a/b)
	}
	fmt.Fprintf(w, "\nrecall@10 of silkbridge / Adamic-Adar: all %s, international %s\n",
		ratio(sb.All.Recall[10], aa.All.Recall[10]), ratio(sb.International.Recall[10], aa.International.Recall[10]))
	if np := rep.NewPartners; np != nil {
		fmt.Fprintf(w, "\nnew partners (hidden partners seen in training who never shared a training project with the seed): %d, international %d\n",
			np.Answers, np.AnswersInternational)
		for _, name := range []string{"silkbridge_new_partners", "two_hop_adamic_adar"} {
			printSlices(w, name, rep.Results[name])
		}
		nb, th := rep.Results["silkbridge_new_partners"], rep.Results["two_hop_adamic_adar"]
		fmt.Fprintf(w, "recall@10 of new-partners mode / two-hop Adamic-Adar: all %s, international %s\n",
			ratio(nb.All.Recall[10], th.All.Recall[10]), ratio(nb.International.Recall[10], th.International.Recall[10]))
	}
	if cs := rep.ColdSeeds; cs != nil {
		fmt.Fprintf(w, "\nqueries whose seed never appears in training: %d, hidden partners %d\n", cs.Queries, cs.Hidden)
		for _, name := range []string{"silkbridge_cold_seeds", "popularity_cold_seeds"} {
			printSlices(w, name, rep.Results[name])
		}
	}
	fmt.Fprintf(w, "whole run %s\n", took.Round(time.Second))
	// The model, so that a run can be repeated with --learn none --weights.
	if m, err := json.Marshal(fit.Model); err == nil {
		fmt.Fprintf(w, "model: %s\n", m)
	}
}

// briPartnerCodes lists the Belt and Road partner countries of the shipped
// reference data.
func briPartnerCodes() []string {
	cs, err := refdata.Countries()
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range cs {
		if c.BRIPartner() {
			out = append(out, c.Code)
		}
	}
	return out
}

// rankQueries ranks externally given queries and writes their top 100.
// The file appears only once complete.
func rankQueries(r *recommend.Recommender, in, out string, newPartners bool) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("%w: --queries: %v", errUsage, err)
	}
	qs, err := eval.ReadQueries(f, filepath.Base(in))
	f.Close()
	if err != nil {
		return err
	}
	start := time.Now()
	rankings := make([]eval.Ranking, 0, len(qs))
	for _, nq := range qs {
		q := nq.Query
		q.Limit = eval.RankingDepth
		q.NewPartners = newPartners
		pics, err := r.Rank(q)
		if err != nil {
			return fmt.Errorf("query %s: %w", nq.ID, err)
		}
		rankings = append(rankings, eval.Ranking{QueryID: nq.ID, PICs: pics})
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := eval.WriteRankings(tmp, rankings); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "ranked %d queries in %s into %s\n", len(qs), time.Since(start).Round(time.Millisecond), out)
	return nil
}
