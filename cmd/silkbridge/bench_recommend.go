package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
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

func runBenchRecommend(ctx context.Context, args []string) error {
	fs := newFlagSet("bench recommend", "bench recommend --data DIR --train-until YEAR --test-from YEAR [--json]\n       silkbridge bench recommend --data DIR --train-until YEAR --queries FILE --out FILE", `
Evaluates partner recommendation on the Horizon 2020 record as link
prediction, following shared/formats/recommend-eval.md: projects starting
in or before --train-until train; every project starting in or after
--test-from with at least 3 organisations and a coordinator seen in
training becomes a query seeded with its coordinator and the context known
before partners are chosen (programme parts, start year, the coordinator's
country and type, call topic and title where the crosswalk links them);
its other organisations are hidden. Nothing of a test project's consortium
reaches its query or the index. Prints recall@10/20/50/100 and MRR for
Silkbridge and for two baselines computed on the same queries (popularity,
Adamic-Adar), over all hidden partners and the international slice
(partners from outside the EU), the cold-start share, and the time per
query. --json prints one JSON object in the shape of the format.

With --queries FILE --out FILE it trains on the years up to --train-until,
ranks the externally given queries (CSV: query_id, seed_pic,
programme_parts, start_year, seed_country, seed_type, topic_code,
topic_description, project_title) and writes the top 100 of each as CSV
(query_id, rank, pic) without scoring anything.

Tune only on --train-until 2016 --test-from 2017 and --train-until 2017
--test-from 2018; later years are the final measurement.

--data is the shared data folder (holding cordis-h2020-participations and
eu-rd-projects-named) or the cordis-h2020-participations folder itself.`)
	data := fs.String("data", env("SILKBRIDGE_DATA", "../shared/data"), "shared data folder, or its cordis-h2020-participations folder")
	trainUntil := fs.Int("train-until", 2017, "last start year of training projects")
	testFrom := fs.Int("test-from", 0, "first start year of test projects (default: the year after --train-until)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	queries := fs.String("queries", "", "rank the queries of this CSV file instead of evaluating")
	out := fs.String("out", "", "with --queries: the rankings CSV to write")
	weights := fs.String("weights", "", `JSON object of weights to try instead of the platform's (tuning splits only), e.g. {"aa":1,"two_hop":2}`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *testFrom == 0 {
		*testFrom = *trainUntil + 1
	}
	if (*queries == "") != (*out == "") {
		return fmt.Errorf("%w: --queries and --out go together", errUsage)
	}
	paths, err := cordis.Locate(*data)
	if err != nil {
		return err
	}
	rec, err := eval.Load(paths)
	if err != nil {
		return err
	}
	countries := eval.Countries(rec.Projects, briPartnerCodes())
	if *queries != "" {
		return rankQueries(rec, countries, *trainUntil, *queries, *out)
	}
	sp, err := eval.NewSplit(rec, *trainUntil, *testFrom)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	g, err := eval.BuildGraph(sp.Train, countries)
	if err != nil {
		return err
	}
	model := recommend.DefaultModel()
	if *weights != "" {
		model.Weights = recommend.Weights{}
		if err := json.Unmarshal([]byte(*weights), &model.Weights); err != nil {
			return fmt.Errorf("%w: --weights: %v", errUsage, err)
		}
	}
	r, err := recommend.New(g, model)
	if err != nil {
		return err
	}
	sum := eval.Summarise(sp.Cases)
	methods := []struct {
		name string
		r    eval.Ranker
	}{{"silkbridge", r}, {"popularity", eval.NewPopularity(sp.Train)}, {"adamic_adar", eval.NewAdamicAdar(sp.Train)}}
	results := map[string]eval.Result{}
	for _, m := range methods {
		res, err := eval.Evaluate(ctx, m.r, sp.Cases)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		results[m.name] = res
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(recommendJSON(*trainUntil, *testFrom, sum, results))
	}
	fmt.Printf("partner recommendation on the H2020 record: train <= %d, test >= %d\n", *trainUntil, *testFrom)
	fmt.Printf("queries %d, hidden partners %d (cold start %d, %.1f%%), international hidden %d\n\n",
		sum.Queries, sum.Hidden, sum.HiddenCold, 100*float64(sum.HiddenCold)/float64(max(sum.Hidden, 1)), sum.HiddenInternational)
	fmt.Printf("%-12s %-14s %8s %8s %8s %8s %8s %10s %10s\n", "method", "slice", "r@10", "r@20", "r@50", "r@100", "MRR", "ms/query", "p95 ms")
	for _, m := range methods {
		res := results[m.name]
		for _, sl := range []struct {
			name string
			s    eval.Scores
		}{{"all", res.All}, {"international", res.International}} {
			fmt.Printf("%-12s %-14s %8.4f %8.4f %8.4f %8.4f %8.4f %10.2f %10.2f\n", m.name, sl.name,
				sl.s.Recall[10], sl.s.Recall[20], sl.s.Recall[50], sl.s.Recall[100], sl.s.MRR, res.MsPerQuery, res.MsP95)
		}
	}
	aa, sb := results["adamic_adar"], results["silkbridge"]
	fmt.Printf("\nrecall@10 silkbridge / Adamic-Adar: all %.2fx, international %.2fx\n",
		sb.All.Recall[10]/nonZero(aa.All.Recall[10]), sb.International.Recall[10]/nonZero(aa.International.Recall[10]))
	return nil
}

func nonZero(v float64) float64 {
	if v == 0 {
		return 1e-12
	}
	return v
}

// briPartnerCodes lists the Belt and Road partner countries of the shipped reference data.
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

func recommendJSON(trainUntil, testFrom int, sum eval.Summary, results map[string]eval.Result) map[string]any {
	scores := func(s eval.Scores) map[string]float64 {
		return map[string]float64{"recall@10": s.Recall[10], "recall@20": s.Recall[20], "recall@50": s.Recall[50], "recall@100": s.Recall[100], "mrr": s.MRR}
	}
	methods := map[string]any{}
	for name, res := range results {
		methods[name] = map[string]any{"all": scores(res.All), "international": scores(res.International), "ms_per_query": res.MsPerQuery}
	}
	return map[string]any{"train_until": trainUntil, "test_from": testFrom, "queries": sum.Queries, "hidden": sum.Hidden,
		"hidden_cold_start": sum.HiddenCold, "methods": methods}
}

// rankQueries trains on the years up to trainUntil and writes the top 100
// of each externally given query.
func rankQueries(rec *eval.Record, countries []recommend.Country, trainUntil int, in, out string) error {
	var train []*eval.Project
	for _, p := range rec.Projects {
		if p.Year != 0 && p.Year <= trainUntil {
			train = append(train, p)
		}
	}
	g, err := eval.BuildGraph(train, countries)
	if err != nil {
		return err
	}
	r, err := recommend.New(g, recommend.DefaultModel())
	if err != nil {
		return err
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", in, err)
	}
	want := []string{"query_id", "seed_pic", "programme_parts", "start_year", "seed_country", "seed_type", "topic_code", "topic_description", "project_title"}
	if len(header) < len(want) || strings.Join(header[:len(want)], ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s: the header must be %s", in, strings.Join(want, ","))
	}
	tmp := out + ".tmp"
	o, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := csv.NewWriter(o)
	w.Write([]string{"query_id", "rank", "pic"})
	start, n := time.Now(), 0
	for line := 2; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			o.Close()
			return fmt.Errorf("%s: line %d: %w", in, line, err)
		}
		if len(row) < len(want) || row[0] == "" || row[1] == "" {
			o.Close()
			return fmt.Errorf("%s: line %d: query_id and seed_pic are required, and %d fields", in, line, len(want))
		}
		year := 0
		if row[3] != "" {
			if year, err = strconv.Atoi(row[3]); err != nil {
				o.Close()
				return fmt.Errorf("%s: line %d: start_year %q is not a year", in, line, row[3])
			}
		}
		var parts []string
		if row[2] != "" {
			parts = strings.Split(row[2], ";")
		}
		q := recommend.Query{Seed: row[1], Parts: parts, Year: year, SeedCountry: cordis.ISOCountry(row[4]), SeedType: row[5],
			Topic: row[6], TopicDescription: row[7], Title: row[8], Limit: 101}
		ranked, err := r.Rank(q)
		if err != nil {
			o.Close()
			return fmt.Errorf("%s: line %d: %w", in, line, err)
		}
		rank := 0
		for _, pic := range ranked {
			if pic == row[1] || rank == 100 {
				continue
			}
			rank++
			w.Write([]string{row[0], strconv.Itoa(rank), pic})
		}
		n++
	}
	w.Flush()
	if err := w.Error(); err != nil {
		o.Close()
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "ranked %d queries in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
