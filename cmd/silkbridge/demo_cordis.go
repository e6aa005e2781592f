package main

import (
	"context"
	"io"
	"log/slog"
	"os"

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
