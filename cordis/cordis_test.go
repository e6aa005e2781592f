package cordis

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

const participationsHeader = "rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,total_cost,start_year,end_year,duration,group,nunique\n"

const participationsFixture = participationsHeader +
	"221856,coordinator,984516342,PRC,376750,ES,2019-05-01,2022-04-30,2927875,2928125,2019,2022,36,eu15,4\n" +
	"221856,participant,998802502,REC,225625.5,EL,2019-05-01,2022-04-30,2927875,2928125,2019,2022,36,eu15,4\n" +
	"194378,partner,915949564,HES,NA,NA,2015-02-01,2019-01-31,945000,945000,2015,2019,48,tc,6\n" +
	"194830,coordinator,999841275,HES,183454.8,UK,NA,NA,183454.8,NA,NA,NA,NA,eu15,1\n"

func readAllParticipations(t *testing.T, r io.Reader) []Participation {
	t.Helper()
	pr, err := NewParticipationReader(r, "h2020.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	var out []Participation
	for {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}

func TestParticipationReader_ReadsEveryColumn(t *testing.T) {
	got := readAllParticipations(t, strings.NewReader(participationsFixture))
	if len(got) != 4 {
		t.Fatalf("read %d rows, want 4", len(got))
	}
	want := Participation{
		RCN: "221856", Role: Coordinator, PIC: "984516342", Type: "PRC",
		Contribution: Amount{376750, true}, Country: "ES", CORDISCountry: "ES",
		StartDate: time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2022, 4, 30, 0, 0, 0, 0, time.UTC),
		MaxContribution: Amount{2927875, true}, TotalCost: Amount{2928125, true},
		StartYear: 2019, EndYear: 2022, DurationMonths: 36, Group: EU15, NUnique: 4,
	}
	if got[0] != want {
		t.Errorf("row 1:\n got %+v\nwant %+v", got[0], want)
	}
	if got[1].Country != "GR" || got[1].CORDISCountry != "EL" || got[1].Contribution != (Amount{225625.5, true}) {
		t.Errorf("row 2: Greece read as %q/%q, contribution %+v", got[1].Country, got[1].CORDISCountry, got[1].Contribution)
	}
	namibia := got[2]
	if namibia.Country != "NA" || namibia.Role != Partner || namibia.Contribution.Known || namibia.Group != Third {
		t.Errorf("row 3: Namibian partner read as %+v", namibia)
	}
	undated := got[3]
	if undated.Country != "GB" || !undated.StartDate.IsZero() || undated.StartYear != 0 || undated.DurationMonths != 0 || undated.TotalCost.Known {
		t.Errorf("row 4: unknown dates and cost read as %+v", undated)
	}
}

func TestParticipationReader_ReadsGzipLikePlain(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(participationsFixture)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	plain := readAllParticipations(t, strings.NewReader(participationsFixture))
	zipped := readAllParticipations(t, &buf)
	if len(plain) != len(zipped) {
		t.Fatalf("gzip gave %d rows, plain %d", len(zipped), len(plain))
	}
	for i := range plain {
		if plain[i] != zipped[i] {
			t.Errorf("row %d differs: %+v vs %+v", i+1, zipped[i], plain[i])
		}
	}
}

func TestParticipationReader_AcceptsReorderedAndExtraColumns(t *testing.T) {
	in := "extra,pic,rcn,role,type,contribution,country,start_date,end_date,max_contribution,total_cost,start_year,end_year,duration,group,nunique\n" +
		"x,984516342,221856,coordinator,PRC,1,ES,NA,NA,NA,NA,NA,NA,NA,eu15,1\n"
	got := readAllParticipations(t, strings.NewReader(in))
	if len(got) != 1 || got[0].PIC != "984516342" || got[0].RCN != "221856" {
		t.Fatalf("got %+v", got)
	}
}

func TestReaders_ErrorNamesFileRowAndColumn(t *testing.T) {
	good := "221856,coordinator,984516342,PRC,376750,ES,2019-05-01,2022-04-30,2927875,2928125,2019,2022,36,eu15,4\n"
	tests := []struct {
		name, row string
		wantRow   int
		wantCol   string
	}{
		{"bad role", "1,leader,2,PRC,1,ES,NA,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "role"},
		{"bad pic", "1,partner,ABC,PRC,NA,ES,NA,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "pic"},
		{"empty rcn", ",partner,2,PRC,NA,ES,NA,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "rcn"},
		{"bad type", "1,partner,2,XYZ,NA,ES,NA,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "type"},
		{"bad contribution", "1,partner,2,PRC,1.2.3,ES,NA,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "contribution"},
		{"bad country", "1,partner,2,PRC,NA,Spain,NA,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "country"},
		{"bad date", "1,partner,2,PRC,NA,ES,01/05/2019,NA,NA,NA,NA,NA,NA,eu15,1\n", 2, "start_date"},
		{"bad year", "1,partner,2,PRC,NA,ES,NA,NA,NA,NA,twenty,NA,NA,eu15,1\n", 2, "start_year"},
		{"bad group", "1,partner,2,PRC,NA,ES,NA,NA,NA,NA,NA,NA,NA,eu28,1\n", 2, "group"},
		{"short row", "1,partner,2\n", 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pr, err := NewParticipationReader(strings.NewReader(participationsHeader+good+tc.row), "h2020.csv.gz")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pr.Next(); err != nil {
				t.Fatalf("good row: %v", err)
			}
			_, err = pr.Next()
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("got %v, want a RowError", err)
			}
			if re.File != "h2020.csv.gz" || re.Row != tc.wantRow || re.Column != tc.wantCol {
				t.Errorf("error points at file %q row %d column %q, want row %d column %q (%v)", re.File, re.Row, re.Column, tc.wantRow, tc.wantCol, err)
			}
			if !strings.Contains(err.Error(), "h2020.csv.gz") {
				t.Errorf("message %q does not name the file", err)
			}
		})
	}
}

func TestReaders_RejectMissingColumns(t *testing.T) {
	_, err := NewParticipationReader(strings.NewReader("rcn,role,pic\n1,coordinator,2\n"), "h2020.csv.gz")
	if err == nil || !strings.Contains(err.Error(), `"contribution"`) || !strings.Contains(err.Error(), "header") {
		t.Fatalf("got %v, want a header error naming the missing contribution column", err)
	}
	_, err = NewDashboardReader(strings.NewReader(""), "dash.csv")
	if err == nil {
		t.Fatal("empty file accepted")
	}
}

func TestProgrammePartReader_ReadsRows(t *testing.T) {
	r, err := NewProgrammePartReader(strings.NewReader("rcn,programme_part\n221856,SC4\n221856,Innovation in SMEs\n"), "pp.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []ProgrammePart
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	if len(got) != 2 || got[1] != (ProgrammePart{"221856", "Innovation in SMEs"}) {
		t.Errorf("got %+v", got)
	}
}

func TestCrosswalkReader_ReadsConfidence(t *testing.T) {
	in := "rcn,project_id,project_acronym,n_participations,dashboard_participations,confidence\n" +
		"193158,633002,ERCSC-VPRES-SUP2014,1,1,low\n193162,633098,UTOFIA,8,8,high\n193163,633099,X,2,2,maybe\n"
	r, err := NewCrosswalkReader(strings.NewReader(in), "rcn_to_project_id.csv")
	if err != nil {
		t.Fatal(err)
	}
	l1, err1 := r.Next()
	l2, err2 := r.Next()
	_, err3 := r.Next()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if l1.Confidence != Low || l1.Confidence.Usable() || l2 != (ProjectLink{"193162", "633098", "UTOFIA", 8, 8, High}) || !l2.Confidence.Usable() {
		t.Errorf("got %+v and %+v", l1, l2)
	}
	var re *RowError
	if !errors.As(err3, &re) || re.Row != 3 || re.Column != "confidence" {
		t.Errorf("bad confidence gave %v", err3)
	}
}

func TestDashboardReader_ReadsQuotedFields(t *testing.T) {
	in := "Project Title,Project Acronym,Thema,H2020 Participations,H2020 EU Contribution (EUR),ToA,H2020 Net EU Contribution,Project Nbr,CORDIS link,Topic Code,Topic description\n" +
		`Large Passenger Aircraft,LPA GAM 2018,"Smart, green and integrated transport",72,184973049.81,Innovation action,184973049.81,807097,http://cordis.europa.eu/project/id/807097,CS2-GAM-2018-LPA,Large Passengers Aircraft` + "\n"
	r, err := NewDashboardReader(strings.NewReader(in), "h2020-projects-dashboard.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	want := DashboardProject{
		Title: "Large Passenger Aircraft", Acronym: "LPA GAM 2018", Theme: "Smart, green and integrated transport",
		Participations: 72, EUContribution: Amount{184973049.81, true}, TypeOfAction: "Innovation action",
		NetEUContribution: Amount{184973049.81, true}, ProjectID: "807097",
		CORDISLink: "http://cordis.europa.eu/project/id/807097", TopicCode: "CS2-GAM-2018-LPA", TopicDescription: "Large Passengers Aircraft",
	}
	if p != want {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
}

func TestNameReader_NormalisesPICAndSkipsRowsWithoutOne(t *testing.T) {
	in := "pic,legal_name,legal_short_name,legal_entity_type,country_code,source\n" +
		"888474411.0,AFRICA OPEN SCIENCE AND HARDWARE,AOSH,OTH,GH,cordis-plus-2022\n" +
		",Institut de microélectronique,IMEP-LAHC,PRC,FR,cordis-plus-2014\n" +
		"999999999.0,Some Hellenic body,,,EL,cordis-plus-2014\n" +
		"12x,Broken,,,FR,cordis-plus-2014\n"
	r, err := NewNameReader(strings.NewReader(in), "derived_pic_names.csv")
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.Next()
	if err != nil || a.PIC != "888474411" || a.LegalName != "AFRICA OPEN SCIENCE AND HARDWARE" || a.Country != "GH" {
		t.Fatalf("first row: %+v, %v", a, err)
	}
	b, err := r.Next()
	if err != nil || b.PIC != "999999999" || b.Country != "GR" || b.CORDISCountry != "EL" || b.Type != "" {
		t.Fatalf("third row: %+v, %v", b, err)
	}
	if r.Skipped() != 1 {
		t.Errorf("skipped %d rows, want 1", r.Skipped())
	}
	_, err = r.Next()
	var re *RowError
	if !errors.As(err, &re) || re.Row != 4 || re.Column != "pic" {
		t.Errorf("bad pic gave %v", err)
	}
}

func TestISOCountry_MapsCORDISCodes(t *testing.T) {
	for in, want := range map[string]string{"EL": "GR", "UK": "GB", "uk": "GB", "NA": "NA", "DE": "DE", " cn ": "CN"} {
		if got := ISOCountry(in); got != want {
			t.Errorf("ISOCountry(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"GR": "EL", "GB": "UK", "NA": "NA"} {
		if got := CORDISCountry(in); got != want {
			t.Errorf("CORDISCountry(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGroupOf_ClassifiesCountries(t *testing.T) {
	tests := []struct {
		code          string
		group         Group
		eu, outsideEU bool
	}{
		{"DE", EU15, true, false},
		{"EL", EU15, true, false},
		{"GR", EU15, true, false},
		{"UK", EU15, true, false},
		{"GB", EU15, true, false},
		{"PL", EU13, true, false},
		{"CH", Associated, false, true},
		{"TR", Associated, false, true},
		{"CN", Third, false, true},
		{"NA", Third, false, true},
		{"", "", false, false},
	}
	for _, tc := range tests {
		if g := GroupOf(tc.code); g != tc.group {
			t.Errorf("GroupOf(%q) = %q, want %q", tc.code, g, tc.group)
		}
		if IsEU(tc.code) != tc.eu || IsInternational(tc.code) != tc.outsideEU {
			t.Errorf("%q: IsEU %v IsInternational %v, want %v %v", tc.code, IsEU(tc.code), IsInternational(tc.code), tc.eu, tc.outsideEU)
		}
	}
}
