package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/store"
)

func init() {
	register(command{name: "import", summary: "load an external record (import cordis DIR: the Horizon 2020 cooperation record; import ror FILE: the Research Organization Registry)", run: runImport})
}

func runImport(ctx context.Context, args []string) error {
	fs := newFlagSet("import", "import cordis DIR | import ror FILE [--db FILE|URL] [--quiet]", `
Loads the Horizon 2020 participation record (CORDIS snapshot of December
2020): organisations by PIC with country, activity type and legal name
where one is published; projects as cooperations with partners,
coordinator, dates, EU contribution, programme part and a depth stage from
the type of action; titles where the rcn crosswalk links them with high
confidence. Single-beneficiary grants are kept as records of their
organisation, not as cooperations.

DIR is the shared data folder (holding cordis-h2020-participations and
eu-rd-projects-named) or the cordis-h2020-participations folder itself,
or an official CORDIS export as the European Commission publishes it
(cordis-h2020projects-csv.zip, cordis-HORIZONprojects-csv.zip, or their
folders holding project.csv and organization.csv).
Running it again updates in place: nothing is duplicated. The run ends
with a report of the rows loaded and the rows refused, with reasons.

Source: CORDIS, © European Union (CC BY 4.0).

import ror FILE loads the Research Organization Registry's data dump as
ROR publishes it (ror-data.json, .json.gz, or the .zip from Zenodo;
schema v1 or v2), one record at a time: organisations with their names in
every language and script, acronyms, types, status, city, country,
coordinates, identifiers elsewhere and relationships. Running it again
updates what changed and marks records absent from the dump withdrawn.
With --link, the named Horizon 2020 organisations are then matched to
active ROR records by normalised name, country, city and acronym: links of
high confidence are made at once, the others wait in the review list of
/ror/links. ROR data is CC0.

`+importOpenAlexHelp)
	db := dbFlag(fs)
	quiet := fs.Bool("quiet", false, "no progress bar")
	linkROR := fs.Bool("link", false, "import ror: then link the named Horizon 2020 organisations to ROR records (high confidence at once, the rest for review)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 0:
		return fmt.Errorf("%w: name what to import: import cordis DIR, import ror FILE, import openalex-countries DIR", errUsage)
	case rest[0] == "ror":
		return runImportROR(ctx, rest[1:], *db, *quiet, *linkROR)
	case rest[0] == "openalex-countries" && len(rest) == 2:
		return withStore(ctx, *db, func(st *store.Store) error { return runImportOpenAlex(ctx, st, rest[1], progressOut(*quiet)) })
	case rest[0] != "cordis" && rest[0] != "openalex-countries":
		return fmt.Errorf("%w: unknown record %q (have: cordis, ror, openalex-countries)", errUsage, rest[0])
	case len(rest) < 2:
		return fmt.Errorf("%w: give the data folder: import cordis DIR", errUsage)
	case len(rest) > 2:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[2])
	}
	if isOfficialExport(rest[1]) {
		return runImportOfficial(ctx, rest[1], *db, *quiet)
	}
	paths, err := cordis.Locate(rest[1])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	log := newLogger()
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	var out io.Writer = os.Stderr
	if *quiet {
		out = io.Discard
	}
	res, err := importCORDIS(ctx, st, paths, out)
	if err != nil {
		return err
	}
	printImportReport(os.Stdout, res)
	return nil
}

// importCORDIS reads the record at paths and writes it, drawing progress
// bars on out.
func importCORDIS(ctx context.Context, st *store.Store, paths cordis.Paths, out io.Writer) (*store.ImportResult, error) {
	ref, err := st.Reference(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(out, "Reading the Horizon 2020 record ...")
	rec, err := h2020.Load(paths, ref.CountryExists)
	if err != nil {
		return nil, err
	}
	return importRecord(ctx, st, rec, out)
}

// importRecord writes a record read from the files, with progress bars on out.
func importRecord(ctx context.Context, st *store.Store, rec *h2020.Record, out io.Writer) (*store.ImportResult, error) {
	bars := map[string]*progressbar.ProgressBar{}
	progress := func(phase string, done, total int) {
		bar := bars[phase]
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(out), progressbar.OptionSetDescription(fmt.Sprintf("%-13s", phase)),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }))
			bars[phase] = bar
		}
		_ = bar.Set(done)
	}
	return st.ImportH2020(ctx, store.Actor{}, rec, progress)
}

// printImportReport writes the rows loaded and refused, and the counts in
// the database beside the counts the data set's README states.
func printImportReport(w io.Writer, r *store.ImportResult) {
	fmt.Fprintf(w, "\nHorizon 2020 import (%s) finished in %s\n", r.Source, r.Duration.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  rows read                   %7d participations\n", r.Rows)
	fmt.Fprintf(w, "  rows loaded                 %7d participations\n", r.Participations)
	fmt.Fprintf(w, "  rows refused                %7d\n", r.Refused)
	for _, reason := range r.RefusalReasons() {
		fmt.Fprintf(w, "      %6d  %s\n", r.RefusedByReason[reason], reason)
	}
	for _, x := range r.RefusedSample {
		fmt.Fprintf(w, "      e.g. %s row %d: %s\n", x.File, x.Row, x.Reason)
	}
	fmt.Fprintf(w, "  projects                    %7d (%d cooperations of two or more organisations, %d single-beneficiary grants)\n",
		r.Projects, r.Cooperations, r.SingleGrants)
	fmt.Fprintf(w, "  organisations               %7d (%d with a published legal name, %d named from their PIC)\n",
		r.Organisations, r.NamedOrganisations, r.Organisations-r.NamedOrganisations)
	fmt.Fprintf(w, "  countries                   %7d\n", r.Countries)
	fmt.Fprintf(w, "  titled (high-confidence)    %7d\n", r.Titles)
	fmt.Fprintf(w, "  stage from type of action   %7d, from programme part %d, exchange for want of both %d\n",
		r.StagesByToA, r.StagesByProgramme, r.StagesByDefault)
	if r.RolesAdjusted > 0 {
		fmt.Fprintf(w, "  second coordinators kept as participants: %d\n", r.RolesAdjusted)
	}
	fmt.Fprintf(w, "  new in this run             %7d organisations, %d projects (the rest updated in place)\n",
		r.OrganisationsCreated, r.ProjectsCreated)
	db := r.InDatabase
	fmt.Fprintf(w, "\nIn the database            found      README of the full record\n")
	fmt.Fprintf(w, "  projects               %9d   %9d\n", db.Projects, 31451)
	fmt.Fprintf(w, "  organisations          %9d   %9d\n", db.Organisations, 35871)
	fmt.Fprintf(w, "  participations         %9d   %9d\n", db.Participations, 144726)
	fmt.Fprintf(w, "  countries              %9d   %9d   (the README's reader took Namibia's NA for a missing value: %d + Namibia)\n",
		db.Countries, 168, db.Countries-1)
	fmt.Fprintf(w, "\n%s\n", cooperation.CORDISAttribution)
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}
