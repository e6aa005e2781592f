package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/store"
)

// The demonstration installation starts with the real Horizon 2020
// cooperation record: thousands of organisations from 160+ countries, the
// Belt and Road partner countries among them. It loads once; a later
// `serve --demo` finds the import done and goes on.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "Horizon 2020 cooperation record (CORDIS)", load: loadCORDISDemo})
}

func loadCORDISDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	last, err := st.LastImport(ctx, h2020.Source)
	if err != nil {
		return err
	}
	if last != nil {
		log.Info("Horizon 2020 record already imported", "projects", last.InDatabase.Projects, "organisations", last.InDatabase.Organisations)
		return nil
	}
	dir := dataDir(ctx)
	paths, err := cordis.Locate(dir)
	if err != nil {
		// A demo without the public data sets still starts; say what is missing.
		log.Warn("Horizon 2020 record not loaded: data folder incomplete (give --data)", "data", dir, "error", err)
		return nil
	}
	var bar io.Writer = os.Stderr
	res, err := importCORDIS(ctx, st, paths, bar)
	if err != nil {
		return err
	}
	db := res.InDatabase
	log.Info("Horizon 2020 record imported", "duration", res.Duration.String(), "projects", db.Projects,
		"cooperations", db.Cooperations, "organisations", db.Organisations, "participations", db.Participations,
		"countries", db.Countries, "rows_refused", res.Refused)
	return nil
}

func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "agreement samples", load: loadAgreementSamples})
}

// sampleAgreements are made-up government-level agreements, marked sample,
// so that the agreements pages show their filters at work. They name
// countries only: no real organisation is said to have signed anything.
var sampleAgreements = []cooperation.Agreement{
	{Title: "Sample agreement on science and technology cooperation (China, Kazakhstan)", Kind: cooperation.AgreementSTCooperation,
		SignedOn: "2019-09-11", ExpiresOn: "2029-09-10", Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "KZ"}},
		Summary: "Made-up example: joint research calls, researcher exchange and shared use of large facilities."},
	{Title: "Sample agreement on cooperation between science and technology parks (Serbia, China)", Kind: cooperation.AgreementParkCooperation,
		SignedOn: "2021-04-20", Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "RS"}, {Kind: cooperation.PartyCountry, Country: "CN"}},
		Summary: "Made-up example: soft-landing services for each other's park companies and a joint incubation programme."},
	{Title: "Sample agreement on a joint laboratory for water technologies (Egypt, China)", Kind: cooperation.AgreementJointLab,
		SignedOn: "2022-11-02", ExpiresOn: "2027-11-01", Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "EG"}, {Kind: cooperation.PartyCountry, Country: "CN"}},
		Summary: "Made-up example: a joint laboratory on desalination and irrigation with shared staff and equipment."},
}

func loadAgreementSamples(ctx context.Context, st *store.Store, log *slog.Logger) error {
	have, _, err := st.Agreements(ctx, cooperation.AgreementFilter{PerPage: 100})
	if err != nil {
		return err
	}
	titles := map[string]bool{}
	for _, a := range have {
		titles[a.Title] = true
	}
	added := 0
	for _, a := range sampleAgreements {
		if titles[a.Title] {
			continue
		}
		a.Sample = true
		a.Parties = append([]cooperation.Party(nil), a.Parties...)
		if err := st.CreateAgreement(ctx, store.Actor{}, &a); err != nil {
			return fmt.Errorf("sample agreement %q: %w", a.Title, err)
		}
		added++
	}
	log.Info("agreement samples loaded", "added", added)
	return nil
}
