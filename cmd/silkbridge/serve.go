package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/mail"
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
	fs := newFlagSet("serve", "serve [--addr localhost:8080] [--base-url URL] [--db FILE|URL] [--demo]", `
Starts Silkbridge: the web site, the JSON API under /api/v1 (OpenAPI at
/api/v1/openapi.json), /healthz and /readyz, and the workers of the
background jobs shared by every instance. Prometheus metrics are served at
/metrics on --metrics-addr, and on the main address only to requests
bearing --metrics-token; without either they are not served. The database
is created and
migrated on first start. SIGINT or SIGTERM stop the server gracefully:
requests in flight finish first.

With --demo, an installation without organisations is first filled with
demonstration data: the real Horizon 2020 cooperation record from
../shared/data (or --data) and sample records marked as sample.

Links sent out of the site (password reset, invitations, feeds) are built
from --base-url only, never from a request's Host header. Without
--base-url, serve listens only on a loopback address (localhost) and
builds links from it; on any other address it refuses to start.

Behind a reverse proxy, --trusted-proxies names the proxies' addresses
(CIDRs): the client's address, used by the sign-in limits and the logs, is
then read from X-Forwarded-For, which is ignored from anyone else.

Mail (password resets, address verification, invitations, notifications)
is sent through --smtp-url, from --mail-from, by background jobs that
retry while the server is unreachable. Without --smtp-url no mail is sent:
the operator makes reset links with "silkbridge user reset".

Environment: SILKBRIDGE_DB, SILKBRIDGE_ADDR, SILKBRIDGE_BASE_URL,
SILKBRIDGE_TRUSTED_PROXIES, SILKBRIDGE_METRICS_ADDR, SILKBRIDGE_METRICS_TOKEN,
SILKBRIDGE_SMTP_URL, SILKBRIDGE_MAIL_FROM,
SILKBRIDGE_DATA, SILKBRIDGE_LOG_FORMAT=json, SILKBRIDGE_LOG_LEVEL=debug,
SILKBRIDGE_RATE_LIMIT, SILKBRIDGE_RATE_BURST, SILKBRIDGE_MAX_EXPENSIVE,
SILKBRIDGE_MAP_FILE.`)
	addr := fs.String("addr", env("SILKBRIDGE_ADDR", defaultAddr), "address to listen on; beyond localhost it needs --base-url (env SILKBRIDGE_ADDR)")
	db := dbFlag(fs)
	demo := fs.Bool("demo", false, "fill an empty installation with demonstration data first")
	data := fs.String("data", env("SILKBRIDGE_DATA", "../shared/data"), "folder of the public data sets used by --demo (env SILKBRIDGE_DATA)")
	baseURL := fs.String("base-url", env("SILKBRIDGE_BASE_URL", ""), "public address of the site, e.g. https://silkbridge.example.org (env SILKBRIDGE_BASE_URL)")
	mapFile := fs.String("map-file", env("SILKBRIDGE_MAP_FILE", ""), "world boundaries (TopoJSON or GeoJSON) replacing the shipped Natural Earth file, where an approved map is required (env SILKBRIDGE_MAP_FILE)")
	pprofAddr := fs.String("pprof-addr", env("SILKBRIDGE_PPROF_ADDR", ""), "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060 (off by default; env SILKBRIDGE_PPROF_ADDR)")
	tls := fs.Bool("secure-cookies", env("SILKBRIDGE_SECURE_COOKIES", "") == "true", "mark cookies Secure (set when served over HTTPS; env SILKBRIDGE_SECURE_COOKIES=true)")
	proxies := fs.String("trusted-proxies", env("SILKBRIDGE_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For names the client (env SILKBRIDGE_TRUSTED_PROXIES)")
	metricsAddr := fs.String("metrics-addr", env("SILKBRIDGE_METRICS_ADDR", ""), "serve /metrics on this address of its own, e.g. localhost:9090 (env SILKBRIDGE_METRICS_ADDR)")
	metricsToken := fs.String("metrics-token", env("SILKBRIDGE_METRICS_TOKEN", ""), "serve /metrics on the main address to requests bearing this token (env SILKBRIDGE_METRICS_TOKEN)")
	limits := addLimitFlags(fs)
	smtpURL := fs.String("smtp-url", env("SILKBRIDGE_SMTP_URL", ""), "mail server: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (env SILKBRIDGE_SMTP_URL)")
	mailFrom := fs.String("mail-from", env("SILKBRIDGE_MAIL_FROM", ""), "sender of the site's mail, e.g. \"Silkbridge <noreply@example.org>\" (env SILKBRIDGE_MAIL_FROM)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	smtp, err := mail.ParseConfig(*smtpURL, *mailFrom)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	trusted, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		return fmt.Errorf("%w: --trusted-proxies: %v", errUsage, err)
	}
	public, err := publicBaseURL(*addr, *baseURL)
	if err != nil {
		return err
	}
	if err := web.CheckMapFile(*mapFile); err != nil {
		return err
	}
	cfg := web.Config{BaseURL: public, SecureCookies: *tls, Demo: *demo, TrustedProxies: trusted, MetricsToken: *metricsToken, MapFile: *mapFile}
	if err := limits.apply(&cfg); err != nil {
		return err
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
	var mailer *web.Mailer
	var jcfg jobs.Config
	if smtp != nil {
		if mailer, err = web.NewMailer(st, log, smtp, public); err != nil {
			return err
		}
		jcfg.Register = append(jcfg.Register, mailer.Register)
		jcfg.PeriodicJobs = append(jcfg.PeriodicJobs, mailer.PeriodicJobs()...)
		log.Info("mail is sent through an SMTP server", "server", smtp.Addr(), "from", smtp.From)
	} else {
		log.Info("no mail server is configured (--smtp-url): no mail is sent")
	}
	jc, err := jobs.New(ctx, st, log, jcfg)
	if err != nil {
		return err
	}
	cfg.Jobs, cfg.Mail = jc, mailer
	srv, err := web.New(st, log, cfg)
	if err != nil {
		return err
	}
	if err := jc.Start(ctx); err != nil {
		return err
	}
	// Stop the job workers and the server's own work before the store
	// closes: a job cancelled here is retried by another instance.
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Close(stopCtx); err != nil {
			log.Warn("stop background work", "err", err)
		}
		if err := jc.Close(stopCtx); err != nil {
			log.Warn("stop job workers", "err", err)
		}
	}()
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
	errc := make(chan error, 2)
	go func() { errc <- httpSrv.Serve(ln) }()
	if *metricsAddr != "" {
		msrv, mln, err := listenMetrics(ctx, *metricsAddr, srv.MetricsHandler())
		if err != nil {
			return err
		}
		defer msrv.Close()
		log.Info("metrics listening", "addr", mln.Addr().String())
		go func() {
			if err := msrv.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
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
