package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/store"
)

func init() {
	registerBench(benchmark{name: "import", summary: "time the full Horizon 2020 import on SQLite (and PostgreSQL with --pg URL)", run: benchImport})
}

func benchImport(ctx context.Context, args []string) error {
	fs := newFlagSet("bench import", "bench import [--data DIR] [--pg postgres://...] [--rerun]", `
Times the whole Horizon 2020 import (reading and joining the files, then
writing organisations, projects, participations, first stages and search
terms) into a fresh SQLite database in a temporary folder, and, with --pg,
into a fresh PostgreSQL database created on that server and dropped after.
Prints the time of each run, participations per second and the peak memory
of the process. With --rerun it also times a second import over the first
(updates in place).`)
	data := fs.String("data", env("SILKBRIDGE_DATA", "../shared/data"), "shared data folder, or its cordis-h2020-participations folder")
	pg := fs.String("pg", "", "PostgreSQL server URL; a database of its own is created there for the run and dropped after")
	rerun := fs.Bool("rerun", false, "also time a second import over the first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	paths, err := cordis.Locate(*data)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	fmt.Printf("Horizon 2020 import, %d CPUs, %s%s\n", runtime.NumCPU(), runtime.Version(), loadAverage())
	dir, err := os.MkdirTemp("", "silkbridge-bench-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := benchImportOn(ctx, "sqlite", filepath.Join(dir, "bench.db"), paths, *rerun); err != nil {
		return err
	}
	if *pg != "" {
		dsn, drop, err := freshPostgres(ctx, *pg)
		if err != nil {
			return err
		}
		defer drop()
		if err := benchImportOn(ctx, "postgres", dsn, paths, *rerun); err != nil {
			return err
		}
	}
	user, sys := cpuTime()
	fmt.Printf("peak memory of the process (max RSS): %d MB; CPU time of the process: %.1f s user, %.1f s system\n", maxRSS()>>20, user.Seconds(), sys.Seconds())
	return nil
}

func benchImportOn(ctx context.Context, name, dsn string, paths cordis.Paths, rerun bool) error {
	st, err := openStore(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	runs := []string{"first import"}
	if rerun {
		runs = append(runs, "second import")
	}
	for _, run := range runs {
		start := time.Now()
		user0, sys0 := cpuTime()
		ref, err := st.Reference(ctx)
		if err != nil {
			return err
		}
		rec, err := h2020.Load(paths, ref.CountryExists)
		if err != nil {
			return err
		}
		read := time.Since(start)
		phaseStart, phases := time.Now(), ""
		progress := func(phase string, done, total int) {
			if done == total {
				phases += fmt.Sprintf(", %s %.2f s", phase, time.Since(phaseStart).Seconds())
				phaseStart = time.Now()
			}
		}
		res, err := st.ImportH2020(ctx, store.Actor{}, rec, progress)
		if err != nil {
			return err
		}
		total := time.Since(start)
		user1, sys1 := cpuTime()
		db := res.InDatabase
		// The processor time of this process says how much work the run
		// was when other work shares the machine (a PostgreSQL server's
		// own time is not in it).
		fmt.Printf("%-8s %-13s %6.2f s (read %.2f s%s; this process used %.2f s of processor time)  %7.0f participations/s  in the database: %d projects, %d organisations, %d participations, %d countries\n",
			name, run, total.Seconds(), read.Seconds(), phases, (user1 - user0 + sys1 - sys0).Seconds(), float64(res.Rows)/total.Seconds(),
			db.Projects, db.Organisations, db.Participations, db.Countries)
	}
	return nil
}

// freshPostgres creates an empty database on the server and returns its URL
// and a function that drops it.
func freshPostgres(ctx context.Context, server string) (string, func(), error) {
	if !store.IsPostgres(server) {
		return "", nil, fmt.Errorf("%w: --pg wants a postgres:// URL", errUsage)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "silkbridge_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create benchmark database: %w", err)
	}
	u, err := url.Parse(server)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "drop benchmark database %s: %v\n", name, err)
		}
		admin.Close()
	}
	return u.String(), drop, nil
}

// cpuTime returns the processor time the process has used so far: on a
// machine shared with other work it says more than the wall clock.
func cpuTime() (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// loadAverage says how busy the machine is (Linux), so that a reader can
// tell a slow run from a crowded machine.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return ", load average " + strings.Join(f[:3], " ")
}

// maxRSS returns the peak resident memory of the process in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10 // kilobytes on Linux
}
