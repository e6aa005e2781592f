package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
)

// Matching runs: an officer runs a programme in scenario mode as often as
// wanted (da, jrmp, fda, any lottery seed), compares runs side by side,
// and publishes one. A run is a job in the database (package jobs),
// executed by whichever app instance is free and retried on another if
// that one stops; it records its progress in the database, so the run's
// page (on any instance) shows how far it is.

func (s *Server) programmeRunRoutes() {
	s.page("GET /programmes/{id}/runs", s.programmeRunsPage)
	s.page("POST /programmes/{id}/runs", s.startProgrammeRun)
	s.page("GET /programmes/{id}/runs/{run}", s.programmeRunPage)
	s.page("GET /programmes/{id}/runs/{run}/status", s.programmeRunStatus)
	s.page("GET /programmes/{id}/runs/{run}/instance.json", s.programmeRunInstanceFile)
	s.page("GET /programmes/{id}/runs/{run}/matching.json", s.programmeRunMatchingFile)
	s.page("POST /programmes/{id}/runs/{run}/publish", s.publishProgrammeRun)
	s.page("POST /programmes/{id}/runs/{run}/retry", s.retryProgrammeRun)
	s.page("GET /programmes/{id}/compare", s.compareProgrammeRuns)

	s.handleAPI("GET /api/v1/programmes/{id}/runs", Op{Summary: "The programme's matching runs with their balance reports (its officer)", Tag: "programmes",
		Response: []programme.Run{}, Auth: true}, s.apiRuns)
	s.handleAPI("POST /api/v1/programmes/{id}/runs", Op{Summary: "Run the matching in scenario mode (its officer); poll the run until done", Tag: "programmes",
		Request: programme.RunParams{}, Response: programme.Run{}, Auth: true, Status: http.StatusAccepted}, s.apiStartRun)
	s.handleAPI("GET /api/v1/programmes/{id}/runs/{run}", Op{Summary: "One run: status, progress, input hash, balance report (its officer)", Tag: "programmes",
		Response: programme.Run{}, Auth: true}, s.apiRun)
	s.handleAPI("GET /api/v1/programmes/{id}/runs/{run}/placements", Op{Summary: "Every talent's result in a run, with reasons (its officer)", Tag: "programmes",
		Response: List[programme.Placement]{}, Auth: true,
		Query: map[string]string{"organisation_id": "only the talents placed at this host", "page": "page number", "per_page": "items per page"}}, s.apiPlacements)
	s.handleAPI("POST /api/v1/programmes/{id}/runs/{run}/publish", Op{Summary: "Publish a run as the programme's result (its officer; the window must be closed)",
		Tag: "programmes", Response: programme.Run{}, Auth: true}, s.apiPublishRun)
	s.handleAPI("GET /api/v1/programmes/{id}/result", Op{Summary: "Your published result: where you were placed and why not higher", Tag: "programmes",
		Response: programmeResultOutput{}, Auth: true}, s.apiMyResult)
	s.handleAPI("GET /api/v1/programmes/{id}/intake", Op{Summary: "A host's published intake (its managers, the officer)", Tag: "programmes",
		Response: List[programme.Placement]{}, Auth: true, Query: map[string]string{"organisation_id": "the host organisation (required)"}}, s.apiIntake)
}

// programmeRunWait is how long starting a run waits for it to finish before
// answering: a small programme's result shows at once, a large one's page
// shows its progress.
const programmeRunWait = 3 * time.Second

// programmeRunPoll is how often that wait looks at the run: the job may
// run on any instance, so the database is where its end shows.
const programmeRunPoll = 50 * time.Millisecond

// startProgrammeRunFor records a run and queues its job, waiting a moment
// for it to end.
func (s *Server) startProgrammeRunFor(ctx context.Context, actor store.Actor, p *programme.Programme, rp programme.RunParams) (*programme.Run, error) {
	run, err := s.store.CreateRun(ctx, actor, p.ID, rp)
	if err != nil {
		return nil, err
	}
	return s.queueProgrammeRun(ctx, run)
}

// queueProgrammeRun enqueues the run's job and waits up to programmeRunWait
// for the run to finish. A run whose job cannot be queued is marked failed,
// so that it does not wait for ever and can be retried.
func (s *Server) queueProgrammeRun(ctx context.Context, run *programme.Run) (*programme.Run, error) {
	if err := s.enqueue(ctx, jobs.ProgrammeRunArgs{ProgrammeID: run.ProgrammeID, RunID: run.ID}); err != nil {
		if ferr := s.store.FailRun(context.WithoutCancel(ctx), run.ID, err.Error()); ferr != nil {
			s.log.Error("record run that could not be queued", "run", run.ID, "err", ferr)
		}
		return nil, err
	}
	deadline := time.NewTimer(programmeRunWait)
	defer deadline.Stop()
	tick := time.NewTicker(programmeRunPoll)
	defer tick.Stop()
	for {
		cur, err := s.store.Run(ctx, run.ProgrammeID, run.ID)
		if err != nil || cur.Finished() {
			return cur, err
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return cur, nil
		case <-ctx.Done():
			return s.store.Run(context.WithoutCancel(ctx), run.ProgrammeID, run.ID)
		}
	}
}

// retryProgrammeRun runs a failed or interrupted run again, with the same
// parameters: its officer's button on the run's page.
func (s *Server) retryProgrammeRun(w http.ResponseWriter, r *http.Request) error {
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	if run, err = s.store.RequeueRun(r.Context(), store.Actor{UserID: currentUser(r).ID}, p.ID, run.ID); err != nil {
		return err
	}
	if _, err := s.queueProgrammeRun(r.Context(), run); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/programmes/"+p.ID+"/runs/"+run.ID, s.T(r, "jobs.run.retried"))
	return nil
}

// programmeRunView is a run with what its page says about it.
type programmeRunView struct {
	*programme.Run
	// Stale says the programme's data changed after the run read it.
	Stale   bool
	Stalled bool
}

func viewProgrammeRun(p *programme.Programme, r *programme.Run) programmeRunView {
	return programmeRunView{Run: r, Stale: r.Status == programme.RunDone && r.DataVersion != p.DataVersion, Stalled: r.Stalled(time.Now())}
}

func (s *Server) programmeRunsPageWith(w http.ResponseWriter, r *http.Request, p *programme.Programme, status int, err error) error {
	runs, rerr := s.store.Runs(r.Context(), p.ID)
	if rerr != nil {
		return rerr
	}
	views := make([]programmeRunView, len(runs))
	for i, run := range runs {
		views[i] = viewProgrammeRun(p, run)
	}
	page := &Page{Title: s.T(r, "prog.runs.title", "Title", p.Title), Data: map[string]any{"Prog": p, "Runs": views,
		"Algorithms": match.Algorithms, "State": p.State(time.Now())}}
	if err != nil {
		tr := s.translator(requestLanguage(r))
		page.Errors, page.Error, page.Form = tr.FieldErrors(err), tr.Error(err), r.PostForm
	} else {
		page.Form = map[string][]string{"algorithm": {string(match.FDA)}}
	}
	clearFlash(w, r)
	s.render(w, r, "programmes/runs", status, page)
	return nil
}

func (s *Server) programmeRunsPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	return s.programmeRunsPageWith(w, r, p, http.StatusOK, nil)
}

func (s *Server) startProgrammeRun(w http.ResponseWriter, r *http.Request) error {
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	if err := progParseForm(r); err != nil {
		return err
	}
	seed, err := programme.ParseSeed(r.PostForm.Get("seed"))
	if err == nil {
		rp := programme.RunParams{Algorithm: r.PostForm.Get("algorithm"), Seed: seed, Label: r.PostForm.Get("label")}
		var run *programme.Run
		if run, err = s.startProgrammeRunFor(r.Context(), store.Actor{UserID: u.ID}, p, rp); err == nil {
			s.redirectFlash(w, r, "/programmes/"+p.ID+"/runs/"+run.ID, "")
			return nil
		}
	}
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
		return err
	}
	return s.programmeRunsPageWith(w, r, p, http.StatusUnprocessableEntity, err)
}

// officerProgrammeRun loads the programme and run named in the path for the programme's officer.
func (s *Server) officerProgrammeRun(r *http.Request) (*programme.Programme, *programme.Run, error) {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return nil, nil, err
	}
	run, err := s.store.Run(r.Context(), p.ID, r.PathValue("run"))
	if err != nil {
		return nil, nil, err
	}
	return p, run, nil
}

func (s *Server) programmeRunPage(w http.ResponseWriter, r *http.Request) error {
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	data := map[string]any{"Prog": p, "Run": viewProgrammeRun(p, run), "State": p.State(time.Now())}
	if run.Status == programme.RunDone {
		page, err := queryInt(r, "page", 1)
		if err != nil {
			return err
		}
		placements, pg, err := s.store.Placements(r.Context(), run.ID, store.PlacementFilter{Page: page, PerPage: 50})
		if err != nil {
			return err
		}
		rows := make([]programmePlacementLine, len(placements))
		for i, pl := range placements {
			rows[i] = s.programmePlacementRow(r, p, pl)
		}
		data["Placements"], data["Page"] = rows, pg
	}
	clearFlash(w, r)
	s.render(w, r, "programmes/run", http.StatusOK, &Page{Title: s.T(r, "prog.run.title", "Algorithm", run.Algorithm), Data: data})
	return nil
}

// programmePlacementLine is one line of a run's results table.
type programmePlacementLine struct {
	*programme.Placement
	Position *programme.Position
	Reasons  []string
}

func (s *Server) programmePlacementRow(r *http.Request, p *programme.Programme, pl *programme.Placement) programmePlacementLine {
	row := programmePlacementLine{Placement: pl, Position: p.Position(pl.PositionID)}
	for _, ref := range pl.Refusals {
		title := ref.PositionID
		if pos := p.Position(ref.PositionID); pos != nil {
			title = pos.Title + " (" + pos.OrgName + ")"
		}
		row.Reasons = append(row.Reasons, title+": "+s.programmeReasonText(r, p, ref))
	}
	return row
}

func (s *Server) programmeRunStatus(w http.ResponseWriter, r *http.Request) error {
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	if run.Finished() && r.Header.Get("HX-Request") == "true" {
		// The whole page now has the result to show.
		w.Header().Set("HX-Refresh", "true")
	}
	s.render(w, r, "programmes/run_status", http.StatusOK, &Page{Title: s.T(r, "prog.run.title", "Algorithm", run.Algorithm),
		Data: map[string]any{"Prog": p, "Run": viewProgrammeRun(p, run)}})
	return nil
}

func (s *Server) programmeRunInstanceFile(w http.ResponseWriter, r *http.Request) error {
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	b, err := s.store.RunInstance(r.Context(), p.ID, run.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="instance-%s.json"`, run.ID))
	w.Write(b)
	return nil
}

// programmeRunMatchingFile writes the run's result in the hr-matching/1 format,
// with the hash of the instance file, so that an independent tool can
// check it against instance.json.
func (s *Server) programmeRunMatchingFile(w http.ResponseWriter, r *http.Request) error {
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	inst, err := s.store.RunInstance(r.Context(), p.ID, run.ID)
	if err != nil {
		return err
	}
	assignment, err := s.store.RunAssignment(r.Context(), run.ID)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(inst)
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	b := []byte("{\n  \"format\": \"" + match.FormatMatching + "\",\n  \"instance_sha256\": \"" + hex.EncodeToString(sum[:]) +
		"\",\n  \"solver\": \"silkbridge " + version + " " + run.Algorithm + "\",\n  \"optimal_for\": \"residents\",\n  \"assignment\": {")
	for i, a := range assignment {
		if i > 0 {
			b = append(b, ',')
		}
		id, _ := json.Marshal(a[0])
		b = append(b, "\n    "...)
		b = append(b, id...)
		b = append(b, ": "...)
		if a[1] == "" {
			b = append(b, "null"...)
		} else {
			pos, _ := json.Marshal(a[1])
			b = append(b, pos...)
		}
	}
	if len(assignment) > 0 {
		b = append(b, "\n  "...)
	}
	b = fmt.Appendf(b, "},\n  \"stats\": {\"matched\": %d, \"proposals\": %d},\n  \"timing_s\": {\"load\": 0, \"solve\": 0, \"write\": 0}\n}\n",
		run.Matched, run.Proposals)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="matching-%s.json"`, run.ID))
	w.Write(b)
	return nil
}

func (s *Server) publishProgrammeRun(w http.ResponseWriter, r *http.Request) error {
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	if err := s.store.PublishRun(r.Context(), store.Actor{UserID: currentUser(r).ID}, p.ID, run.ID); err != nil {
		return err
	}
	s.mailProgrammeResults(r.Context(), p.ID, p.Title, run.ID)
	s.redirectFlash(w, r, "/programmes/"+p.ID, s.T(r, "prog.run.published"))
	return nil
}

// compareProgrammeRuns shows finished runs side by side: placements, unfilled
// seats, inequality, floor deficits, regions, countries, a Lorenz chart.
func (s *Server) compareProgrammeRuns(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	ids := r.URL.Query()["run"]
	if len(ids) > 6 {
		return silkbridge.Invalid("run", "prog.field.compare_many", "compare at most 6 runs", map[string]any{"Max": 6})
	}
	var runs []programmeRunView
	for _, id := range ids {
		if slices.ContainsFunc(runs, func(v programmeRunView) bool { return v.ID == id }) {
			continue
		}
		run, err := s.store.Run(r.Context(), p.ID, id)
		if err != nil {
			return err
		}
		if run.Status != programme.RunDone {
			return silkbridge.Conflict("prog.run.not_done", "the run has not finished")
		}
		runs = append(runs, viewProgrammeRun(p, run))
	}
	data := map[string]any{"Prog": p, "Runs": runs, "State": p.State(time.Now())}
	if len(runs) > 0 {
		data["Chart"] = s.programmeLorenzChart(r, runs)
		data["Tables"] = programmeBalanceTables(p, runs)
	}
	s.render(w, r, "programmes/compare", http.StatusOK, &Page{Title: s.T(r, "prog.compare.title", "Title", p.Title), Data: data})
	return nil
}

// progRunName names a run in charts and tables.
func progRunName(v programmeRunView) string {
	name := fmt.Sprintf("%s #%d", v.Algorithm, v.Seed)
	if v.Label != "" {
		name = v.Label + " (" + v.Algorithm + ")"
	}
	return name
}

// programmeLorenzChart is the ECharts option of the runs' Lorenz curves.
func (s *Server) programmeLorenzChart(r *http.Request, runs []programmeRunView) map[string]any {
	equality := s.T(r, "prog.lorenz.equality")
	names := []string{equality}
	series := []any{map[string]any{"name": equality, "type": "line", "data": [][2]float64{{0, 0}, {1, 1}}, "symbol": "none",
		"lineStyle": map[string]any{"type": "dashed", "color": "#999"}}}
	for _, v := range runs {
		pts := make([][2]float64, len(v.Balance.Lorenz))
		for i, pt := range v.Balance.Lorenz {
			pts[i] = [2]float64{pt.X, pt.Y}
		}
		names = append(names, progRunName(v))
		series = append(series, map[string]any{"name": progRunName(v), "type": "line", "data": pts, "symbolSize": 4})
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"data": names, "top": 0},
		"grid":    map[string]any{"left": 50, "right": 20, "top": 40, "bottom": 50},
		"xAxis":   map[string]any{"type": "value", "min": 0, "max": 1, "name": s.T(r, "prog.lorenz.x"), "nameLocation": "middle", "nameGap": 30},
		"yAxis":   map[string]any{"type": "value", "min": 0, "max": 1, "name": s.T(r, "prog.lorenz.y")},
		"series":  series,
	}
}

// programmeBalanceRow is one line of a side-by-side table: a label and a value per run.
type programmeBalanceRow struct {
	Label  string
	Code   string // a country code or an id the template names
	Values []string
}

// programmeBalanceSection is one table of the comparison.
type programmeBalanceSection struct {
	Key  string // names the section's heading message
	Rows []programmeBalanceRow
}

// programmeBalanceTables lays the runs' balance reports side by side.
func programmeBalanceTables(p *programme.Programme, runs []programmeRunView) []programmeBalanceSection {
	n := len(runs)
	cell := func(f func(b *programme.Balance) string) []string {
		out := make([]string, n)
		for i, v := range runs {
			out[i] = f(v.Balance)
		}
		return out
	}
	pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
	summary := programmeBalanceSection{Key: "summary", Rows: []programmeBalanceRow{
		{Code: "applicants", Values: cell(func(b *programme.Balance) string { return fmt.Sprint(b.Applicants) })},
		{Code: "placed", Values: cell(func(b *programme.Balance) string { return fmt.Sprint(b.Placed) })},
		{Code: "seats", Values: cell(func(b *programme.Balance) string { return fmt.Sprint(b.Seats) })},
		{Code: "unfilled", Values: cell(func(b *programme.Balance) string { return fmt.Sprint(b.Unfilled) })},
		{Code: "gini", Values: cell(func(b *programme.Balance) string { return fmt.Sprintf("%.3f", b.Gini) })},
		{Code: "top_decile", Values: cell(func(b *programme.Balance) string { return pct(b.TopDecileShare) })},
		{Code: "floor_deficit", Values: cell(func(b *programme.Balance) string { return fmt.Sprint(b.FloorDeficit) })},
		{Code: "first_choice", Values: cell(func(b *programme.Balance) string {
			if len(b.ChoiceRanks) == 0 {
				return "0"
			}
			return fmt.Sprint(b.ChoiceRanks[0])
		})},
	}}
	institutions := programmeBalanceSection{Key: "institutions"}
	for _, h := range p.Hosts() {
		row := programmeBalanceRow{Label: h.Name, Values: make([]string, n)}
		for i, v := range runs {
			for _, in := range v.Balance.Institutions {
				if in.OrgID == h.OrgID {
					row.Values[i] = fmt.Sprintf("%d / %d", in.Intake, in.Seats)
				}
			}
		}
		institutions.Rows = append(institutions.Rows, row)
	}
	regions := programmeBalanceSection{Key: "regions"}
	for _, g := range p.Constraints.Regions {
		row := programmeBalanceRow{Label: g.Name, Values: make([]string, n)}
		for i, v := range runs {
			for _, u := range v.Balance.Regions {
				if u.ID == g.ID {
					row.Values[i] = fmt.Sprintf("%d / %d", u.Placed, u.Cap)
				}
			}
		}
		regions.Rows = append(regions.Rows, row)
	}
	quotas := programmeBalanceSection{Key: "quotas"}
	for _, q := range p.Constraints.CountryQuotas {
		label := ""
		if g := p.Constraints.Region(q.Region); g != nil {
			label = g.Name
		}
		row := programmeBalanceRow{Label: label, Code: q.Country, Values: make([]string, n)}
		for i, v := range runs {
			for _, u := range v.Balance.Quotas {
				if u.ID == q.ID {
					row.Values[i] = fmt.Sprintf("%d / %d", u.Placed, u.Cap)
				}
			}
		}
		quotas.Rows = append(quotas.Rows, row)
	}
	countries := programmeBalanceSection{Key: "countries"}
	var codes []string
	for _, v := range runs {
		for _, c := range v.Balance.Countries {
			if !slices.Contains(codes, c.Country) {
				codes = append(codes, c.Country)
			}
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		row := programmeBalanceRow{Code: code, Values: make([]string, n)}
		for i, v := range runs {
			for _, c := range v.Balance.Countries {
				if c.Country == code {
					row.Values[i] = fmt.Sprintf("%d / %d", c.Placed, c.Applicants)
				}
			}
		}
		countries.Rows = append(countries.Rows, row)
	}
	floors := programmeBalanceSection{Key: "floors"}
	for _, pos := range p.Positions {
		if pos.Floor == 0 {
			continue
		}
		row := programmeBalanceRow{Label: pos.Title + " (" + pos.OrgName + ")", Values: make([]string, n)}
		for i, v := range runs {
			for _, pi := range v.Balance.Positions {
				if pi.PositionID == pos.ID {
					row.Values[i] = fmt.Sprintf("%d / %d (−%d)", pi.Intake, pi.Floor, pi.Deficit)
				}
			}
		}
		floors.Rows = append(floors.Rows, row)
	}
	lorenz := programmeBalanceSection{Key: "lorenz"}
	if len(runs) > 0 {
		for k, pt := range runs[0].Balance.Lorenz {
			row := programmeBalanceRow{Label: pct(pt.X), Values: make([]string, n)}
			for i, v := range runs {
				if k < len(v.Balance.Lorenz) {
					row.Values[i] = pct(v.Balance.Lorenz[k].Y)
				}
			}
			lorenz.Rows = append(lorenz.Rows, row)
		}
	}
	return []programmeBalanceSection{summary, institutions, regions, quotas, countries, floors, lorenz}
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	runs, err := s.store.Runs(r.Context(), p.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, runs)
	return nil
}

func (s *Server) apiStartRun(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, u, err := s.runProgramme(r)
	if err != nil {
		return err
	}
	var rp programme.RunParams
	if err := decodeJSON(r, &rp); err != nil {
		return err
	}
	run, err := s.startProgrammeRunFor(r.Context(), store.Actor{UserID: u.ID}, p, rp)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/programmes/"+p.ID+"/runs/"+run.ID)
	writeJSON(w, http.StatusAccepted, run)
	return nil
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) error {
	_, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, run)
	return nil
}

func (s *Server) apiPlacements(w http.ResponseWriter, r *http.Request) error {
	_, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	return s.writeProgrammePlacements(w, r, run.ID, r.URL.Query().Get("organisation_id"))
}

func (s *Server) writeProgrammePlacements(w http.ResponseWriter, r *http.Request, runID, orgID string) error {
	f := store.PlacementFilter{OrgID: orgID}
	var err error
	if f.Page, err = queryInt(r, "page", 1); err != nil {
		return err
	}
	if f.PerPage, err = queryInt(r, "per_page", 50); err != nil {
		return err
	}
	list, pg, err := s.store.Placements(r.Context(), runID, f)
	if err != nil {
		return err
	}
	items := make([]programme.Placement, len(list))
	for i, pl := range list {
		items[i] = *pl
	}
	writeJSON(w, http.StatusOK, List[programme.Placement]{Items: items, Page: pg.Number, PerPage: pg.PerPage, Total: pg.Total})
	return nil
}

func (s *Server) apiPublishRun(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	p, run, err := s.officerProgrammeRun(r)
	if err != nil {
		return err
	}
	if err := s.store.PublishRun(r.Context(), store.Actor{UserID: currentUser(r).ID}, p.ID, run.ID); err != nil {
		return err
	}
	s.mailProgrammeResults(r.Context(), p.ID, p.Title, run.ID)
	if run, err = s.store.Run(r.Context(), p.ID, run.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, run)
	return nil
}

// programmeResultOutput is a talent's published result in the API.
type programmeResultOutput struct {
	RunID      string `json:"run_id"`
	PositionID string `json:"position_id"`
	// Choice is the place of the position on your list, 0 when not placed.
	Choice   int                      `json:"choice"`
	Refusals []programmeRefusalOutput `json:"refusals"`
}

// programmeRefusalOutput says why a position you preferred went to others.
type programmeRefusalOutput struct {
	PositionID string `json:"position_id"`
	Choice     int    `json:"choice"`
	Reason     string `json:"reason"`
	Constraint string `json:"constraint,omitempty"`
	Message    string `json:"message"`
}

func (s *Server) apiMyResult(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	t, err := s.programmeTalentOf(r, u)
	if err != nil {
		return err
	}
	a, err := s.store.ApplicationOf(r.Context(), p.ID, t.ID)
	if err != nil {
		return err
	}
	if p.PublishedRunID == "" {
		return silkbridge.Conflict("prog.result.not_yet", "the results are not published yet")
	}
	pl, err := s.store.PlacementOf(r.Context(), p.PublishedRunID, a.ID)
	if err != nil {
		return err
	}
	out := programmeResultOutput{RunID: p.PublishedRunID, PositionID: pl.PositionID, Choice: pl.Choice, Refusals: []programmeRefusalOutput{}}
	for _, ref := range pl.Refusals {
		out.Refusals = append(out.Refusals, programmeRefusalOutput{PositionID: ref.PositionID, Choice: slices.Index(a.Choices, ref.PositionID) + 1,
			Reason: ref.Reason, Constraint: ref.Constraint, Message: s.programmeReasonText(r, p, ref)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiIntake(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	p, err := s.programmeOf(r)
	if err != nil {
		return err
	}
	orgID := r.URL.Query().Get("organisation_id")
	if orgID == "" {
		return silkbridge.Invalid("organisation_id", "field.required", "this field is required", nil)
	}
	if !seesProgrammeHost(u, p, orgID) {
		return silkbridge.Forbidden()
	}
	if p.PublishedRunID == "" {
		return silkbridge.Conflict("prog.result.not_yet", "the results are not published yet")
	}
	return s.writeProgrammePlacements(w, r, p.PublishedRunID, orgID)
}
