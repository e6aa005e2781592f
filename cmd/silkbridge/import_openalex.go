package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/silkbridge/silkbridge/openalex"
	"github.com/silkbridge/silkbridge/store"
)

// import openalex-countries DIR loads the country co-authorship record
// (OpenAlex, CC0) behind the government's map and country profiles.

const importOpenAlexHelp = `import openalex-countries DIR: loads internationally co-authored works for
every pair of countries and year (1990-2023), and each country's
international output, from OpenAlex (CC0), compiled by V. Batagelj. DIR is
the shared data folder or its openalex-country-coauthorship folder. A
second run replaces the record: nothing is duplicated.`

// runImportOpenAlex imports the record in dir and prints its counts.
func runImportOpenAlex(ctx context.Context, st *store.Store, dir string, out io.Writer) error {
	res, err := importOpenAlex(ctx, st, dir, out)
	if err != nil {
		return err
	}
	printOpenAlexReport(os.Stdout, res)
	return nil
}

func importOpenAlex(ctx context.Context, st *store.Store, dir string, out io.Writer) (*store.BibliometricImport, error) {
	fmt.Fprintln(out, "Reading the OpenAlex country co-authorship record ...")
	rec, err := openalex.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	bars := map[string]*progressbar.ProgressBar{}
	progress := func(phase string, done, total int) {
		bar := bars[phase]
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(out), progressbar.OptionSetDescription(fmt.Sprintf("%-7s", phase)),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }))
			bars[phase] = bar
		}
		_ = bar.Set(done)
	}
	return st.ImportOpenAlex(ctx, store.Actor{}, rec, progress)
}

func printOpenAlexReport(w io.Writer, r *store.BibliometricImport) {
	fmt.Fprintf(w, "\nOpenAlex country co-authorship import finished in %s\n", r.Duration.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  from                 %s\n", r.Dir)
	fmt.Fprintf(w, "  country pairs        %7d rows (README: 265,281)\n", r.Pairs)
	fmt.Fprintf(w, "  country totals       %7d rows (README: 8,534)\n", r.Totals)
	fmt.Fprintf(w, "  countries            %7d with a total (README: 248 in the pair file)\n", r.Countries)
	fmt.Fprintf(w, "  years                %d-%d\n", r.FirstYear, r.LastYear)
	fmt.Fprintf(w, "\nSource: %s\n", openalex.Attribution)
}

func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "country co-authorship record (OpenAlex)", load: loadOpenAlexDemo})
}

// loadOpenAlexDemo imports the record once; a later start finds it there.
func loadOpenAlexDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	have, err := st.OpenAlexStatus(ctx)
	if err != nil {
		return err
	}
	if have.Pairs > 0 {
		log.Info("OpenAlex country record already imported", "pairs", have.Pairs, "countries", have.Countries)
		return nil
	}
	dir := dataDir(ctx)
	if _, err := openalex.Locate(dir); err != nil {
		log.Warn("OpenAlex country record not loaded: data folder incomplete (give --data)", "data", dir, "error", err)
		return nil
	}
	res, err := importOpenAlex(ctx, st, dir, os.Stderr)
	if err != nil {
		return err
	}
	log.Info("OpenAlex country record imported", "duration", res.Duration.String(), "pairs", res.Pairs, "countries", res.Countries, "source", openalex.Attribution)
	return nil
}

// withStore opens the database, runs fn and closes it.
func withStore(ctx context.Context, dsn string, fn func(st *store.Store) error) error {
	st, err := openStore(ctx, dsn, newLogger())
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// progressOut is where progress bars go: the terminal, or nowhere.
func progressOut(quiet bool) io.Writer {
	if quiet {
		return io.Discard
	}
	return os.Stderr
}
