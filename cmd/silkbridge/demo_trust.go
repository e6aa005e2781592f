package main

import (
	"context"
	"log/slog"

	"github.com/silkbridge/silkbridge/store"
)

// The demonstration's official issuers: every sample government agency
// and park is verified with the evidence "sample", so the sample policies
// have issuers that may publish and the pages show the verified mark.
// Imported and registered organisations stay as they are. It runs after
// the other loaders (files load in name order) and on every start, so a
// demonstration loaded before verification existed gets it too.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "verified sample issuers", load: loadTrustDemo})
}

func loadTrustDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	n, err := st.VerifySampleIssuers(ctx, store.Actor{})
	if err != nil {
		return err
	}
	log.Info("sample agencies and parks verified", "verified", n)
	return nil
}
