package h2020

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cordis"

	"github.com/silkbridge/silkbridge/datatest"
)

func TestStageForTypeOfAction_FollowsTheDocumentedTable(t *testing.T) {
	cases := []struct{ toa, want string }{
		{"Coordination and support action", cooperation.Exchange},
		{"Coordination & support action", cooperation.Exchange},
		{"Grant to identified beneficiary - Coordination and support actions (MSCA-Special Needs lump sum)", cooperation.Exchange},
		{"EuroHPC-CSA", cooperation.Exchange},
		{"Specific Grant Agreement  Enterprise Europe Network (EEN)", cooperation.Exchange},
		{"RISE", cooperation.Exchange},
		{"Standard European Fellowships", cooperation.Exchange},
		{"Society and Enterprise panel", cooperation.Exchange},
		{"Research and Innovation action", cooperation.JointResearch},
		{"ECSEL Research and Innovation Action", cooperation.JointResearch},
		{"SGA-RIA", cooperation.JointResearch},
		{"Research and Innovation Action Lump-Sum", cooperation.JointResearch},
		{"European Training Networks", cooperation.JointResearch},
		{"Starting Grant", cooperation.JointResearch},
		{"ERA-NET Cofund", cooperation.JointResearch},
		{"COFUND (European Joint Programme)", cooperation.JointResearch},
		{"Innovation action", cooperation.TechnologyTransfer},
		{"EuroHPC-IA", cooperation.TechnologyTransfer},
		{"Bio-based Industries Innovation action - Demonstration", cooperation.TechnologyTransfer},
		{"Proof of Concept Grant", cooperation.TechnologyTransfer},
		{"Pre-Commercial Procurement", cooperation.TechnologyTransfer},
		{"COFUND (PCP)", cooperation.TechnologyTransfer},
		{"Bio-based Industries Innovation action - Flagship", cooperation.Commercialisation},
		{"SME instrument phase 2", cooperation.Commercialisation},
		{"Public Procurement of Innovative solutions", cooperation.Commercialisation},
		{"", ""},
		{"Something new", ""},
	}
	for _, tc := range cases {
		got, ok := StageForTypeOfAction(tc.toa)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("StageForTypeOfAction(%q) = %q, %v; want %q", tc.toa, got, ok, tc.want)
		}
	}
}

func TestStageForProgrammeParts_TakesTheFirstPartInTheDocumentedOrder(t *testing.T) {
	cases := []struct {
		parts      []string
		stage, why string
	}{
		{[]string{"SC4"}, cooperation.JointResearch, "SC4"},
		{[]string{"LEIT", "Innovation in SMEs"}, cooperation.TechnologyTransfer, "Innovation in SMEs"},
		{[]string{"SC1", "MSCA"}, cooperation.Exchange, "MSCA"},
		{[]string{"ARF"}, cooperation.Commercialisation, "ARF"},
		{nil, "", ""},
	}
	for _, tc := range cases {
		st, why, ok := StageForProgrammeParts(tc.parts)
		if st != tc.stage || why != tc.why || ok != (tc.stage != "") {
			t.Errorf("StageForProgrammeParts(%v) = %q, %q, %v", tc.parts, st, why, ok)
		}
	}
	if f := FieldsForProgrammeParts([]string{"SC1", "ERC", "SC6", "SWAFS"}); strings.Join(f, ",") != "3,5" {
		t.Errorf("fields %v, want [3 5]", f)
	}
}

// writeFiles writes a small record in the layout Locate expects.
func writeFiles(t *testing.T, participations string) cordis.Paths {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		filepath.Join(cordis.ParticipationsDataSet, cordis.ParticipationsFile): participations,
		filepath.Join(cordis.ParticipationsDataSet, cordis.ProgrammePartsFile): "rcn,programme_part\n1,SC4\n2,ERC\n",
		filepath.Join(cordis.ParticipationsDataSet, "derived", "rcn_to_project_id.csv"): "rcn,project_id,project_acronym,n_participations,dashboard_participations,confidence\n" +
			"1,700001,DEEP,3,3,high\n3,700003,LOWLY,2,2,medium\n",
		filepath.Join(cordis.NamedDataSet, cordis.DashboardFile): "Project Title,Project Acronym,Thema,H2020 Participations,H2020 EU Contribution (EUR),ToA,H2020 Net EU Contribution,Project Nbr,CORDIS link,Topic Code,Topic description\n" +
			"Deep water,DEEP,Transport,3,100.0,Innovation action,100.0,700001,http://x,T-1,Ships\n" +
			"Lowly,LOWLY,Transport,2,100.0,Research and Innovation action,100.0,700003,http://x,T-2,Boats\n",
		filepath.Join(cordis.NamedDataSet, cordis.NamesFile): "pic,legal_name,legal_short_name,legal_entity_type,country_code,source\n" +
			"900000001.0,ATHENS UNIVERSITY,AU,HES,EL,x\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := cordis.Locate(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const header = "rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,total_cost,start_year,end_year,duration,group,nunique\n"

func TestLoad_JoinsNamesTitlesAndStagesAndRefusesBadRowsWithReasons(t *testing.T) {
	p := writeFiles(t, header+
		"1,coordinator,900000001,HES,10,EL,2016-01-01,2018-12-31,300,300,2016,2018,36,eu15,3\n"+
		"1,participant,900000002,PRC,10,UK,2016-01-01,2018-12-31,300,300,2016,2018,36,eu15,3\n"+
		"1,coordinator,900000003,REC,10,NA,2016-01-01,2018-12-31,300,300,2016,2018,36,tc,3\n"+
		"1,participant,900000002,PRC,10,UK,2016-01-01,2018-12-31,300,300,2016,2018,36,eu15,3\n"+ // the same organisation twice
		"2,coordinator,900000004,HES,50,DE,2017-01-01,2021-12-31,50,50,2017,2021,60,eu15,1\n"+
		"3,coordinator,900000005,HES,1,ZZ,2017-01-01,2021-12-31,50,50,2017,2021,60,tc,1\n"+ // unknown country
		"3,participant,900000006,XXX,1,DE,2017-01-01,2021-12-31,50,50,2017,2021,60,eu15,1\n") // bad activity type
	known := map[string]bool{"GR": true, "GB": true, "NA": true, "DE": true}
	rec, err := Load(p, func(c string) bool { return known[c] })
	if err != nil {
		t.Fatal(err)
	}
	if rec.Rows != 7 || rec.Participations != 4 || len(rec.Refused) != 3 {
		t.Fatalf("rows %d kept %d refused %+v", rec.Rows, rec.Participations, rec.Refused)
	}
	for i, want := range []string{"row 4", "row 6", "row 7"} {
		r := rec.Refused[i]
		if "row "+strconv.Itoa(r.Row) != want || r.File != cordis.ParticipationsFile || r.Reason == "" {
			t.Errorf("refusal %d = %+v, want %s with a reason", i, r, want)
		}
	}
	if len(rec.Projects) != 2 || rec.Cooperations() != 1 || rec.Countries != 4 {
		t.Fatalf("projects %d cooperations %d countries %d", len(rec.Projects), rec.Cooperations(), rec.Countries)
	}
	coop := rec.Projects[0]
	if coop.Title != "Deep water" || !coop.Titled || coop.Stage != cooperation.TechnologyTransfer || coop.Single {
		t.Errorf("project 1 = %+v", coop)
	}
	if coop.Participants[2].Role != cooperation.RoleParticipant || rec.RolesAdjusted != 1 {
		t.Errorf("second coordinator kept: %+v", coop.Participants)
	}
	if coop.Fields[0] != "2.1" {
		t.Errorf("SC4 gives field %v, want 2.1", coop.Fields)
	}
	grant := rec.Projects[1]
	if !grant.Single || grant.Stage != "" || grant.Title != UntitledProject("2") {
		t.Errorf("single grant = %+v", grant)
	}
	byPIC := map[string]Organisation{}
	for _, o := range rec.Organisations {
		byPIC[o.PIC] = o
	}
	if o := byPIC["900000001"]; o.Name != "ATHENS UNIVERSITY" || !o.Named || o.Country != "GR" || o.Kind != "university" {
		t.Errorf("named Greek organisation = %+v", o)
	}
	if o := byPIC["900000003"]; o.Named || o.Name != "Organisation PIC 900000003" || o.Country != "NA" {
		t.Errorf("unnamed Namibian organisation = %+v", o)
	}
	if o := byPIC["900000002"]; o.Country != "GB" {
		t.Errorf("UK organisation in %s, want GB", o.Country)
	}
}

// sharedData is the shared data folder seen from this package.
var sharedData = filepath.Join("..", "..", "..", "shared", "data")

func TestLoad_RealRecordMatchesTheREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole record")
	}
	datatest.Require(t, sharedData)
	p, err := cordis.Locate(sharedData)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Load(p, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	// The README counts 168 countries: its reader took Namibia's NA for a
	// missing value. The file has 168 other codes and Namibia.
	checks := []struct {
		what      string
		got, want int
	}{
		{"participations", rec.Participations, 144726},
		{"refused rows", len(rec.Refused), 0},
		{"projects", len(rec.Projects), 31451},
		{"cooperations of two or more organisations", rec.Cooperations(), 12401},
		{"organisations", len(rec.Organisations), 35871},
		{"countries besides Namibia", rec.Countries - 1, 168},
		{"projects with two coordinators", rec.RolesAdjusted, 25},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	t.Logf("titles %d, named organisations %d, stages by type of action %d, by programme %d, by default %d",
		rec.Titles, rec.NamedOrganisations, rec.StagesByTypeOfAction, rec.StagesByProgramme, rec.StagesByDefault)
}
