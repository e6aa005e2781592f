package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/web"
)

func init() {
	registerBench(benchmark{name: "load", summary: "drive every main page, the API and writes with many connections; compare with bare net/http", run: runBenchLoad})
}

const benchLoadAbout = `
Starts Silkbridge in this process on a copy of a database (--db FILE; by
default a fresh demonstration import into a temporary folder, as
serve --demo does with --data) and, beside it, a bare net/http handler
that answers "hello". Each endpoint is then driven over loopback for
--duration by a closed loop of --connections connections (--write-
connections for writes): every connection sends its next request as soon
as the previous one is answered.

Prints per endpoint: requests per second, latency p50/p95/p99, errors
(answers other than 2xx/3xx, and timeouts after --timeout), the ratio to
bare net/http in the same run, and the size of the answer; the machine's
load average beside the figures, since the load generator shares the
machine with the server. Writes (a lesson, a listing draft, a profile
update) use the API tokens of separate users, and their rows are counted
afterwards: an acknowledged write that is missing fails the run.

--pg URL runs the same against PostgreSQL: a new database is created on
that server, the SQLite copy moved into it, and dropped at the end.
--only NAME[,NAME] runs those endpoints (and bare net/http); --json prints one JSON
object per endpoint.`

// loadEndpoint is one endpoint the load benchmark drives.
type loadEndpoint struct {
	name   string
	method string
	path   string
	write  bool
	// target builds request n, for writes that vary body and token.
	target func(n uint64, tgt *vegeta.Target)
	// verify checks after the run that n acknowledged writes are stored.
	verify func(ctx context.Context, acked int) error
	// ack is told the body of each acknowledged write.
	ack func(body []byte)
}

// loadResult is the figures of one endpoint.
type loadResult struct {
	Name        string  `json:"name"`
	Method      string  `json:"method"`
	Path        string  `json:"path"`
	Engine      string  `json:"engine"`
	Connections int     `json:"connections"`
	Requests    uint64  `json:"requests"`
	RPS         float64 `json:"requests_per_second"`
	P50ms       float64 `json:"p50_ms"`
	P95ms       float64 `json:"p95_ms"`
	P99ms       float64 `json:"p99_ms"`
	// CPUus is the processor time of the whole process (server and load
	// generator) per request: on a crowded machine it says more than
	// requests per second.
	CPUus       float64 `json:"cpu_us_per_request"`
	Errors      uint64  `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Bytes       float64 `json:"bytes"`
	RatioToBare float64 `json:"ratio_to_bare"`
	Verified    string  `json:"verified,omitempty"`
	LoadAverage string  `json:"load_average"`
	PeakGoMB    float64 `json:"peak_go_memory_mb"`
}

func runBenchLoad(ctx context.Context, args []string) error {
	fs := newFlagSet("bench load", "bench load [--db FILE] [--pg URL] [--duration 10s] [--connections 200] [--write-connections 50] [--only NAME] [--json]", benchLoadAbout)
	dbPath := fs.String("db", "", "SQLite database to copy (default: a fresh demonstration import)")
	data := fs.String("data", env("SILKBRIDGE_DATA", "../shared/data"), "folder of the public data sets for the demonstration import")
	pgURL := fs.String("pg", "", "run against PostgreSQL: a server URL on which a temporary database is created")
	duration := fs.Duration("duration", 10*time.Second, "how long each endpoint is driven")
	conns := fs.Int("connections", 200, "connections per read endpoint")
	writeConns := fs.Int("write-connections", 50, "connections per write endpoint")
	timeout := fs.Duration("timeout", 2*time.Second, "a request unanswered after this long counts as an error")
	only := fs.String("only", "", "run only these endpoints, names joined by commas (and bare net/http)")
	asJSON := fs.Bool("json", false, "print one JSON object per endpoint")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the driven endpoints (server and load generator) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *conns < 1 || *writeConns < 1 || *duration <= 0 {
		return fmt.Errorf("%w: --connections, --write-connections and --duration must be positive", errUsage)
	}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	tmp, err := os.MkdirTemp("", "silkbridge-bench-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	st, cleanup, err := benchLoadStore(ctx, tmp, *dbPath, *data, *pgURL, quiet)
	if err != nil {
		return err
	}
	defer cleanup()

	srv, err := web.New(st, quiet, web.Config{Demo: true})
	if err != nil {
		return err
	}
	base, stopApp, err := serveLoopback(srv)
	if err != nil {
		return err
	}
	defer stopApp()
	bare, stopBare, err := serveLoopback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
	}))
	if err != nil {
		return err
	}
	defer stopBare()

	endpoints, err := loadEndpoints(ctx, st, base)
	if err != nil {
		return err
	}
	if *only != "" {
		var keep []loadEndpoint
		var names []string
		wanted := map[string]bool{}
		for _, n := range strings.Split(*only, ",") {
			wanted[strings.TrimSpace(n)] = true
		}
		for _, e := range endpoints {
			names = append(names, e.name)
			if wanted[e.name] {
				keep = append(keep, e)
				delete(wanted, e.name)
			}
		}
		if len(wanted) > 0 {
			return fmt.Errorf("%w: --only: no endpoint %q (have: %s)", errUsage, *only, strings.Join(names, ", "))
		}
		endpoints = keep
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	peak := newMemoryPeak()
	defer peak.stop()
	engine := string(st.Engine())
	run := func(e loadEndpoint, baseURL string, n int) loadResult {
		return driveEndpoint(e, baseURL, n, *duration, *timeout, engine, peak)
	}
	out := json.NewEncoder(os.Stdout)
	bareRes := run(loadEndpoint{name: "bare net/http", method: "GET", path: "/"}, bare, *conns)
	bareRes.Engine = "none"
	bareRes.RatioToBare = 1
	if *asJSON {
		out.Encode(bareRes)
	} else {
		fmt.Printf("load test: %s, %s per endpoint, %d connections for reads, %d for writes, timeout %s\n\n",
			engine, *duration, *conns, *writeConns, *timeout)
		fmt.Printf("%-30s %10s %8s %8s %8s %8s %7s %9s %9s %s\n", "endpoint", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "x bare", "cpu us/req", "bytes", "load average")
		printLoadRow(bareRes)
	}
	var failed []string
	for _, e := range endpoints {
		n := *conns
		if e.write {
			n = *writeConns
		}
		if e.name == "recommendation" || e.name == "analytics/depth" {
			// Warm: the first answer builds what later ones reuse (the
			// graph; the report of the whole record).
			if err := warm(base + e.path); err != nil {
				return err
			}
		}
		res := run(e, base, n)
		res.RatioToBare = res.RPS / max(bareRes.RPS, 1)
		if e.verify != nil {
			acked := int(res.Requests - res.Errors)
			if err := e.verify(ctx, acked); err != nil {
				res.Verified = "LOST: " + err.Error()
				failed = append(failed, e.name)
			} else {
				res.Verified = fmt.Sprintf("all %d acknowledged writes stored", acked)
			}
		}
		if *asJSON {
			out.Encode(res)
		} else {
			printLoadRow(res)
		}
	}
	if !*asJSON {
		fmt.Printf("\npeak Go memory of the process (server and load generator) %.0f MB, peak resident %.0f MB\n",
			peak.peakMB(), float64(maxRSS())/(1<<20))
		for _, e := range endpoints {
			if e.verify != nil {
				fmt.Printf("%s: verified by counting rows after the run\n", e.name)
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("bench load: acknowledged writes missing for %s", strings.Join(failed, ", "))
	}
	return nil
}

func printLoadRow(r loadResult) {
	errs := strconv.FormatUint(r.Errors, 10)
	fmt.Printf("%-30s %10.0f %8.1f %8.1f %8.1f %8s %7.3f %9.0f %9.0f %s\n", r.Name, r.RPS, r.P50ms, r.P95ms, r.P99ms, errs, r.RatioToBare, r.CPUus, r.Bytes, r.LoadAverage)
	if r.FirstError != "" {
		fmt.Printf("%-30s first error: %s\n", "", r.FirstError)
	}
	if strings.HasPrefix(r.Verified, "LOST") {
		fmt.Printf("%-30s %s\n", "", r.Verified)
	}
}

// driveEndpoint runs one closed-loop attack and sums it up.
func driveEndpoint(e loadEndpoint, base string, conns int, d, timeout time.Duration, engine string, peak *memoryPeak) loadResult {
	attacker := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Timeout(timeout), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow))
	var seq atomic.Uint64
	targeter := func(tgt *vegeta.Target) error {
		*tgt = vegeta.Target{Method: e.method, URL: base + e.path, Header: http.Header{}}
		if e.target != nil {
			e.target(seq.Add(1), tgt)
		}
		return nil
	}
	var m vegeta.Metrics
	var bad uint64
	u0, s0 := cpuTime()
	var firstErr string
	// Freq 0: no pacing, each worker sends again as soon as it is answered.
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: 0}, d, e.name) {
		m.Add(res)
		if e.ack != nil && res.Code >= 200 && res.Code < 300 && res.Error == "" {
			e.ack(res.Body)
		}
		if res.Code < 200 || res.Code >= 400 || res.Error != "" {
			bad++
			if firstErr == "" {
				firstErr = strings.TrimSpace(fmt.Sprintf("%d %s", res.Code, res.Error))
				if res.Code != 0 {
					firstErr += " " + strings.Join(strings.Fields(fmt.Sprintf("%.200s", res.Body)), " ")
				}
			}
		}
	}
	m.Close()
	u1, s1 := cpuTime()
	cpu := (u1 - u0) + (s1 - s0)
	secs := (m.Duration + m.Wait).Seconds()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return loadResult{
		Name: e.name, Method: e.method, Path: e.path, Engine: engine, Connections: conns,
		Requests: m.Requests, RPS: float64(m.Requests) / max(secs, 1e-9),
		P50ms: ms(m.Latencies.P50), P95ms: ms(m.Latencies.P95), P99ms: ms(m.Latencies.P99),
		CPUus:  float64(cpu.Microseconds()) / float64(max(m.Requests, 1)),
		Errors: bad, FirstError: firstErr, Bytes: m.BytesIn.Mean, LoadAverage: strings.TrimPrefix(loadAverage(), ", load average "),
		PeakGoMB: peak.peakMB(),
	}
}

func warm(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("warm %s: %s", u, resp.Status)
	}
	return nil
}

// serveLoopback serves h on a free loopback port.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// benchLoadStore opens the database the benchmark runs on: a copy of
// --db, or a fresh demonstration import, moved into a new PostgreSQL
// database with --pg.
func benchLoadStore(ctx context.Context, tmp, dbPath, data, pgURL string, log *slog.Logger) (*store.Store, func(), error) {
	copyPath := filepath.Join(tmp, "bench.db")
	if dbPath != "" {
		src, err := store.Open(ctx, dbPath)
		if err != nil {
			return nil, nil, err
		}
		err = src.Backup(ctx, copyPath)
		src.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("copy %s: %w", dbPath, err)
		}
	}
	st, err := openStore(ctx, copyPath, log)
	if err != nil {
		return nil, nil, err
	}
	if dbPath == "" {
		fmt.Fprintf(os.Stderr, "importing the demonstration data into %s\n", copyPath)
		dctx := context.WithValue(ctx, dataDirKey{}, data)
		for _, l := range demoLoaders {
			if err := l.load(dctx, st, log); err != nil {
				st.Close()
				return nil, nil, fmt.Errorf("demo data %s: %w", l.name, err)
			}
		}
	}
	if pgURL == "" {
		return st, func() { st.Close() }, nil
	}
	defer st.Close()
	name := fmt.Sprintf("silkbridge_bench_%d", time.Now().UnixNano())
	admin, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return nil, nil, fmt.Errorf("--pg: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, fmt.Errorf("--pg: create database: %w", err)
	}
	drop := func() {
		c, err := pgx.Connect(context.Background(), pgURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		drop()
		return nil, nil, fmt.Errorf("--pg: %w", err)
	}
	u.Path = "/" + name
	pg, err := openStore(ctx, u.String(), log)
	if err != nil {
		drop()
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "moving the copy into PostgreSQL database %s\n", name)
	if _, err := st.MoveTo(ctx, pg, store.MoveOptions{}); err != nil {
		pg.Close()
		drop()
		return nil, nil, err
	}
	return pg, func() { pg.Close(); drop() }, nil
}

// loadEndpoints lists what the benchmark drives, with the identifiers and
// write tokens they need.
func loadEndpoints(ctx context.Context, st *store.Store, base string) ([]loadEndpoint, error) {
	var orgs, coops struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := getJSON(base+"/api/v1/organisations?per_page=40", &orgs); err != nil {
		return nil, err
	}
	if err := getJSON(base+"/api/v1/cooperations?per_page=1", &coops); err != nil {
		return nil, err
	}
	if len(orgs.Items) < 20 || len(coops.Items) == 0 {
		return nil, errors.New("bench load: the database holds too few organisations or cooperations")
	}
	eps := []loadEndpoint{
		{name: "home", path: "/"},
		{name: "organisations", path: "/organisations"},
		{name: "organisations?q=university", path: "/organisations?q=university"},
		{name: "organisations?q=大学", path: "/organisations?q=" + url.QueryEscape("大学")},
		{name: "organisations?q=университет", path: "/organisations?q=" + url.QueryEscape("университет")},
		{name: "cooperations", path: "/cooperations"},
		{name: "cooperation", path: "/cooperations/" + coops.Items[0].ID},
		{name: "market", path: "/market"},
		{name: "market?q=energy", path: "/market?q=energy"},
		{name: "analytics/depth", path: "/analytics/depth"},
		{name: "programmes", path: "/programmes"},
		{name: "events", path: "/events"},
		{name: "lessons", path: "/lessons"},
		{name: "api organisations", path: "/api/v1/organisations?per_page=20"},
		{name: "recommendation", path: "/api/v1/recommendations/organisations/" + orgs.Items[0].ID},
	}
	for i := range eps {
		eps[i].method = "GET"
	}

	// Writers: separate users with a write token each, each managing an
	// organisation so that it may draft listings for it.
	const writers = 20
	tokens := make([]string, writers)
	users := make([]string, writers)
	stamp := time.Now().UnixNano()
	for i := range writers {
		u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: fmt.Sprintf("bench-%d-%d@example.org", stamp, i),
			Name: fmt.Sprintf("Load writer %d", i), Password: "bench-load-password"}, account.Member)
		if err != nil {
			return nil, fmt.Errorf("bench load: writer: %w", err)
		}
		if err := st.AddManager(ctx, store.Actor{UserID: u.ID}, orgs.Items[i].ID, u.ID); err != nil {
			return nil, fmt.Errorf("bench load: writer: %w", err)
		}
		secret, _, err := st.CreateToken(ctx, store.Actor{UserID: u.ID}, u.ID, "load", store.ScopeWrite)
		if err != nil {
			return nil, fmt.Errorf("bench load: writer token: %w", err)
		}
		tokens[i], users[i] = secret, u.ID
	}
	writer := func(n uint64, tgt *vegeta.Target, body any) int {
		i := int(n % writers)
		tgt.Header.Set("Authorization", "Bearer "+tokens[i])
		tgt.Header.Set("Content-Type", "application/json")
		tgt.Body, _ = json.Marshal(body)
		return i
	}
	countBefore := func(table string) (int, error) { return st.RowCount(ctx, table) }
	lessonsBefore, err := countBefore("lessons")
	if err != nil {
		return nil, err
	}
	listingsBefore, err := countBefore("opportunities")
	if err != nil {
		return nil, err
	}
	verifyCount := func(table string, before int) func(context.Context, int) error {
		return func(ctx context.Context, acked int) error {
			n, err := st.RowCount(ctx, table)
			if err != nil {
				return err
			}
			if n < before+acked {
				return fmt.Errorf("%s: %d rows after %d acknowledged writes, %d before", table, n, acked, before)
			}
			return nil
		}
	}
	// Profiles are replaced, not added: every writer with an acknowledged
	// update must have a profile afterwards.
	var profMu sync.Mutex
	profAcked := map[string]bool{}
	eps = append(eps,
		loadEndpoint{name: "write lesson", method: "POST", path: "/api/v1/lessons", write: true,
			target: func(n uint64, tgt *vegeta.Target) {
				writer(n, tgt, map[string]any{"title": fmt.Sprintf("Load test lesson %d", n), "fields": []string{"2.2"},
					"technology": "Solar inverters", "tried": "Importing inverters without local certification.",
					"went_wrong": "Customs held them for three months.", "instead": "Certify with the national body first.",
					"cost_days": 90, "country": "KZ", "language": "en"})
			},
			verify: verifyCount("lessons", lessonsBefore)},
		loadEndpoint{name: "write listing draft", method: "POST", path: "/api/v1/opportunities", write: true,
			target: func(n uint64, tgt *vegeta.Target) {
				i := int(n % writers)
				writer(n, tgt, map[string]any{"kind": "partner_search", "owner_organisation_id": orgs.Items[i].ID,
					"title": fmt.Sprintf("Partners for a load test %d", n), "description": "We look for partners in grid storage.",
					"fields": []string{"2.2"}, "keywords": []string{"storage"}})
			},
			verify: verifyCount("opportunities", listingsBefore)},
		loadEndpoint{name: "write profile", method: "PUT", path: "/api/v1/me/profile", write: true,
			target: func(n uint64, tgt *vegeta.Target) {
				writer(n, tgt, map[string]any{"name": fmt.Sprintf("Load writer %d", n%writers), "country": "KZ",
					"career_stage": "early", "fields": []string{"2.2"}, "bio": fmt.Sprintf("update %d", n), "public": true})
			},
			ack: func(body []byte) {
				var p struct {
					Name string `json:"name"`
				}
				if json.Unmarshal(body, &p) == nil {
					profMu.Lock()
					profAcked[p.Name] = true
					profMu.Unlock()
				}
			},
			verify: func(ctx context.Context, acked int) error {
				if acked == 0 {
					return nil
				}
				if len(profAcked) == 0 {
					return fmt.Errorf("%d acknowledged profile updates, none of whose answers names its writer", acked)
				}
				for i := range writers {
					if !profAcked[fmt.Sprintf("Load writer %d", i)] {
						continue
					}
					if _, err := st.TalentOfUser(ctx, users[i]); err != nil {
						return fmt.Errorf("writer %d has no profile after its updates: %w", i, err)
					}
				}
				return nil
			}},
	)
	return eps, nil
}

func getJSON(u string, v any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// memoryPeak samples the Go runtime's memory every 200 ms: the server
// shares the process with the load generator, so this is an upper bound
// of the server's own.
type memoryPeak struct {
	peak atomic.Uint64
	done chan struct{}
}

func newMemoryPeak() *memoryPeak {
	p := &memoryPeak{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > p.peak.Load() {
				p.peak.Store(v)
			}
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *memoryPeak) stop()           { close(p.done) }
func (p *memoryPeak) peakMB() float64 { return float64(p.peak.Load()) / (1 << 20) }
