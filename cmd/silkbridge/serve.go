package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/silkbridge/silkbridge/web"
)

func init() {
	register(command{name: "serve", summary: "start the web site and the JSON API", run: runServe})
	register(command{name: "migrate", summary: "create or update the database schema and reference data, then exit", run: runMigrate})
}

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM; deploy/silkbridge.service waits longer before it kills.
const shutdownGrace = 30 * time.Second

func runServe(ctx context.Context, args []string) error {
	fs := newFlagSet("serve", "serve [--addr :8080] [--db FILE|URL] [--demo]", `
Starts Silkbridge: the web site, the JSON API under /api/v1 (OpenAPI at
/api/v1/openapi.json), /healthz and /metrics. The database is created and
migrated on first start. SIGINT or SIGTERM stop the server gracefully:
requests in flight finish first.

With --demo, an installation without organisations is first filled with
demonstration data: the real Horizon 2020 cooperation record from
../shared/data (or --data) and sample records marked as sample.

Environment: SILKBRIDGE_DB, SILKBRIDGE_ADDR, SILKBRIDGE_BASE_URL,
SILKBRIDGE_DATA, SILKBRIDGE_LOG_FORMAT=json, SILKBRIDGE_LOG_LEVEL=debug.`)
	addr := fs.String("addr", env("SILKBRIDGE_ADDR", ":8080"), "address to listen on (env SILKBRIDGE_ADDR)")
	db := dbFlag(fs)
	demo := fs.Bool("demo", false, "fill an empty installation with demonstration data first")
	data := fs.String("data", env("SILKBRIDGE_DATA", "../shared/data"), "folder of the public data sets used by --demo (env SILKBRIDGE_DATA)")
	baseURL := fs.String("base-url", env("SILKBRIDGE_BASE_URL", ""), "public address of the site, e.g. https://silkbridge.example.org (env SILKBRIDGE_BASE_URL)")
	pprofAddr := fs.String("pprof-addr", env("SILKBRIDGE_PPROF_ADDR", ""), "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060 (off by default; env SILKBRIDGE_PPROF_ADDR)")
	tls := fs.Bool("secure-cookies", env("SILKBRIDGE_SECURE_COOKIES", "") == "true", "mark cookies Secure (set when served over HTTPS; env SILKBRIDGE_SECURE_COOKIES=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	log := newLogger()
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if *demo {
		ctx := context.WithValue(ctx, dataDirKey{}, *data)
		for _, l := range demoLoaders {
			log.Info("loading demonstration data", "part", l.name)
			if err := l.load(ctx, st, log); err != nil {
				return fmt.Errorf("demo data %s: %w", l.name, err)
			}
		}
	}
	srv, err := web.New(st, log, web.Config{BaseURL: *baseURL, SecureCookies: *tls, Demo: *demo})
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Addr:              *addr,
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	stopPprof, err := servePprof(*pprofAddr, log)
	if err != nil {
		return fmt.Errorf("--pprof-addr: %w", err)
	}
	defer stopPprof()
	log.Info("silkbridge listening", "addr", ln.Addr().String(), "database", string(st.Engine()), "version", version)
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// dataDirKey carries the data folder to demo loaders.
type dataDirKey struct{}

// dataDir returns the folder of public data sets given to serve --demo.
func dataDir(ctx context.Context) string {
	if d, ok := ctx.Value(dataDirKey{}).(string); ok {
		return d
	}
	return "../shared/data"
}

func runMigrate(ctx context.Context, args []string) error {
	fs := newFlagSet("migrate", "migrate [--db FILE|URL]", `
Creates the database when it does not exist and applies every pending
migration: the schema and the reference data (countries, fields). Safe to
run again; on PostgreSQL a lock keeps two instances from migrating at once.`)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger()
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database is up to date", "database", string(st.Engine()))
	return nil
}
