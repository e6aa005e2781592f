package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/openalex"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
	"github.com/silkbridge/silkbridge/web"
)

// sharedData is the shared data folder seen from this package.
func sharedData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if v := os.Getenv("SILKBRIDGE_DATA"); v != "" {
		dir = v
	}
	if _, err := openalex.Locate(dir); err != nil {
		t.Skipf("no OpenAlex record: %v", err)
	}
	return dir
}

// TestCountryProfile_KazakhstanFromTheDemo loads the demonstration samples
// and the OpenAlex record (not the Horizon 2020 record: minutes of import
// for figures these samples already give) and reads Kazakhstan's profile
// through the API: its cooperations by depth, the programmes it sends
// talents to and hosts, the policies that apply there and its strongest
// co-publishing partners.
func TestCountryProfile_KazakhstanFromTheDemo(t *testing.T) {
	data := sharedData(t)
	st := storetest.New(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.WithValue(context.Background(), dataDirKey{}, data)
	for _, l := range demoLoaders {
		if l.name == "Horizon 2020 cooperation record (CORDIS)" {
			continue
		}
		if err := l.load(ctx, st, log); err != nil {
			t.Fatalf("demo %s: %v", l.name, err)
		}
	}
	srv, err := web.New(st, log, web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	res, err := http.Get(ts.URL + "/api/v1/countries/kz/profile")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	var p struct {
		Country struct {
			Code  string            `json:"code"`
			Names map[string]string `json:"names"`
		} `json:"country"`
		Records struct {
			Organisations int `json:"organisations"`
			Sends         []struct {
				Title string `json:"title"`
			} `json:"sends_to"`
			Hosts []struct {
				Title string `json:"title"`
			} `json:"hosts"`
		} `json:"records"`
		Cooperations struct {
			Total     int   `json:"total"`
			ByStage   []int `json:"by_stage"`
			ByPartner []struct {
				Partner string `json:"partner"`
				Count   int    `json:"cooperations"`
			} `json:"by_partner"`
		} `json:"cooperations"`
		Policies []struct {
			Title string `json:"title"`
		} `json:"policies"`
		Bibliometric struct {
			Year     int `json:"year"`
			Partners []struct {
				Partner string `json:"partner"`
				Value   int    `json:"value"`
			} `json:"strongest_partners"`
			Trend []struct {
				Partner string `json:"partner"`
				Works   []int  `json:"works"`
			} `json:"trend"`
			Attribution string `json:"attribution"`
		} `json:"bibliometric"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	t.Logf("KZ: %d organisations, cooperations %d by stage %v, partners %+v, sends %d hosts %d, policies %d, strongest %+v",
		p.Records.Organisations, p.Cooperations.Total, p.Cooperations.ByStage, p.Cooperations.ByPartner, len(p.Records.Sends), len(p.Records.Hosts), len(p.Policies), p.Bibliometric.Partners)
	if p.Country.Code != "KZ" || len(p.Country.Names) != 6 || p.Country.Names["zh"] == "" {
		t.Errorf("country %+v, want KZ with six names", p.Country)
	}
	sum := 0
	for _, n := range p.Cooperations.ByStage {
		sum += n
	}
	if p.Cooperations.Total == 0 || sum != p.Cooperations.Total || len(p.Cooperations.ByStage) != 5 || len(p.Cooperations.ByPartner) == 0 {
		t.Errorf("cooperations by depth %+v: want some, split over the five stages", p.Cooperations)
	}
	if len(p.Records.Sends)+len(p.Records.Hosts) == 0 {
		t.Error("no programme sends or hosts Kazakh talents")
	}
	if len(p.Policies) == 0 {
		t.Error("no policy applies in Kazakhstan")
	}
	if p.Bibliometric.Year != 2023 || len(p.Bibliometric.Partners) != 10 || p.Bibliometric.Attribution != openalex.Attribution {
		t.Fatalf("bibliometric %+v", p.Bibliometric)
	}
	if top := p.Bibliometric.Partners[0]; top.Value <= p.Bibliometric.Partners[9].Value {
		t.Errorf("partners not strongest first: %+v", p.Bibliometric.Partners)
	}
	if len(p.Bibliometric.Trend) != 5 || len(p.Bibliometric.Trend[0].Works) != 24 || p.Bibliometric.Trend[0].Works[23] != p.Bibliometric.Partners[0].Value {
		t.Errorf("trend %+v: want five partners, 2000-2023, ending at the 2023 value", p.Bibliometric.Trend)
	}
}

// TestDashboard_DemoFillsTalentBalanceParksAndEvents loads the samples and
// reads the dashboard: the published sample programme's placements give a
// balance, the sample parks an influence, the sample events a funnel.
func TestDashboard_DemoFillsTalentBalanceParksAndEvents(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.WithValue(context.Background(), dataDirKey{}, t.TempDir())
	for _, l := range demoLoaders {
		if l.name == "Horizon 2020 cooperation record (CORDIS)" || l.name == "country co-authorship record (OpenAlex)" {
			continue
		}
		if err := l.load(ctx, st, log); err != nil {
			t.Fatalf("demo %s: %v", l.name, err)
		}
	}
	srv, err := web.New(st, log, web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	res, err := http.Get(ts.URL + "/api/v1/analytics/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d struct {
		Parts []struct {
			Part    string             `json:"part"`
			Figures map[string]float64 `json:"figures"`
			Head    []string           `json:"columns"`
			Rows    [][]string         `json:"rows"`
		} `json:"parts"`
	}
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Parts {
		t.Logf("%s %v %v", p.Part, p.Figures, p.Rows)
		switch p.Part {
		case "talent_size":
			if p.Figures["placed"] == 0 || p.Figures["hosts"] == 0 || p.Figures["gini"] <= 0 || p.Figures["top_decile_share"] <= 0 {
				t.Errorf("talent balance %v: want placements over several hosts", p.Figures)
			}
		case "parks":
			influenced := false
			for _, r := range p.Rows {
				influenced = influenced || (r[4] != "0" && r[4] != "")
			}
			if len(p.Rows) == 0 || !influenced {
				t.Errorf("parks %v: want the sample parks with an influence", p.Rows)
			}
		case "events":
			if p.Rows[0][1] == "0" {
				t.Errorf("event funnel %v: want registrations", p.Rows)
			}
		}
	}
}
