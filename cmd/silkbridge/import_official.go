package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/cordis"
)

// isOfficialExport tells an official CORDIS export (its zip, or a folder
// with project.csv and organization.csv) from the participation record.
func isOfficialExport(path string) bool {
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		return true
	}
	e, err := cordis.OpenOfficial(path)
	if err != nil {
		return false
	}
	defer e.Close()
	return e.Has(cordis.OfficialProjects) && e.Has(cordis.OfficialOrganisations)
}

func runImportOfficial(ctx context.Context, path, db string, quiet bool) error {
	log := newLogger()
	st, err := openStore(ctx, db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	ref, err := st.Reference(ctx)
	if err != nil {
		return err
	}
	var out io.Writer = os.Stderr
	if quiet {
		out = io.Discard
	}
	fmt.Fprintln(out, "Reading the official CORDIS export ...")
	rec, err := h2020.LoadOfficial(path, ref.CountryExists)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	res, err := importRecord(ctx, st, rec, out)
	if err != nil {
		return err
	}
	printImportReport(os.Stdout, res)
	return nil
}
