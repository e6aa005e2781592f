package cooperation

import (
	"errors"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
)

type ref struct{}

func (ref) CountryExists(c string) bool { return c == "CN" || c == "KZ" }
func (ref) FieldExists(f string) bool   { return f == "1" || f == "1.5" }

// fields returns the fields an error names.
func fields(err error) []string {
	var e *silkbridge.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func names(err error, field string) bool {
	for _, f := range fields(err) {
		if f == field {
			return true
		}
	}
	return false
}

func valid() *Cooperation {
	return &Cooperation{Title: " Dust ", Stage: Exchange, StartDate: "2023-01-01",
		Partners: []Partner{{OrgID: "a", Role: RoleCoordinator}, {OrgID: "b"}}}
}

func TestValidate_AcceptsAValidCooperationAfterNormalising(t *testing.T) {
	c := valid()
	c.Normalise()
	if err := c.Validate(ref{}); err != nil {
		t.Fatal(err)
	}
	if c.Title != "Dust" || c.Partners[1].Role != RoleParticipant || c.Source.Kind != SourceManual {
		t.Errorf("not normalised: %+v", c)
	}
}

func TestValidate_NamesTheFieldAtFault(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Cooperation)
		field string
	}{
		{"two coordinators", func(c *Cooperation) { c.Partners[1].Role = RoleCoordinator }, "partners"},
		{"no coordinator", func(c *Cooperation) { c.Partners[0].Role = RolePartner }, "partners"},
		{"one organisation", func(c *Cooperation) { c.Partners[1].OrgID = "a" }, "partners"},
		{"missing organisation", func(c *Cooperation) { c.Partners[1].OrgID = "" }, "partners"},
		{"stage", func(c *Cooperation) { c.Stage = "talks" }, "stage"},
		{"date", func(c *Cooperation) { c.StartDate = "2023-13-01" }, "start_date"},
		{"end before start", func(c *Cooperation) { c.EndDate = "2022-12-31" }, "end_date"},
		{"field", func(c *Cooperation) { c.Fields = []string{"7"} }, "fields"},
		{"source", func(c *Cooperation) { c.Source.Kind = "gossip" }, "source_kind"},
		{"park without ref", func(c *Cooperation) { c.Source.Kind = SourcePark }, "source_ref"},
		{"funding", func(c *Cooperation) { c.Funding = -1 }, "funding_eur"},
	}
	for _, tc := range cases {
		c := valid()
		tc.edit(c)
		c.Normalise()
		if err := c.Validate(ref{}); !names(err, tc.field) {
			t.Errorf("%s: problems %v, want %s", tc.name, fields(err), tc.field)
		}
	}
}

func TestValidateChange_DatesEvidenceAndStages(t *testing.T) {
	today := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	note := Evidence{Note: "funded"}
	cases := []struct {
		name  string
		ch    StageChange
		field string
	}{
		{"valid", StageChange{To: JointLab, Date: "2024-06-01", Evidence: note}, ""},
		{"same stage", StageChange{To: JointResearch, Date: "2024-05-01", Evidence: note}, "stage"},
		{"tomorrow somewhere", StageChange{To: JointLab, Date: "2024-06-02", Evidence: note}, ""},
		{"future", StageChange{To: JointLab, Date: "2024-06-03", Evidence: note}, "date"},
		{"before last", StageChange{To: JointLab, Date: "2023-12-31", Evidence: note}, "date"},
		{"no note", StageChange{To: JointLab, Date: "2024-05-01"}, "evidence"},
		{"output without id", StageChange{To: JointLab, Date: "2024-05-01", Evidence: Evidence{Kind: EvidenceOutput}}, "evidence_ref"},
		{"unknown evidence", StageChange{To: JointLab, Date: "2024-05-01", Evidence: Evidence{Kind: "hearsay"}}, "evidence_kind"},
	}
	for _, tc := range cases {
		err := ValidateChange(JointResearch, "2024-01-01", &tc.ch, today)
		if tc.field == "" && err != nil || tc.field != "" && !names(err, tc.field) {
			t.Errorf("%s: %v, want a problem on %q", tc.name, err, tc.field)
		}
	}
}

func TestOutputAndAgreementValidation(t *testing.T) {
	today := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	o := Output{Kind: OutputPeopleTrained, Title: "Engineers", Date: "2024-05-01"}
	if err := o.Validate(today); !names(err, "count") {
		t.Errorf("people trained without a count: %v", err)
	}
	o.Count = 12
	if err := o.Validate(today); err != nil {
		t.Errorf("valid output: %v", err)
	}
	a := Agreement{Title: "A", Kind: AgreementTalentTraining, SignedOn: "2020-01-01",
		Parties: []Party{{Country: " cn "}, {OrgID: "org"}, {}}}
	a.Normalise()
	if err := a.Validate(ref{}); err != nil || len(a.Parties) != 2 || a.Parties[0].Country != "CN" || a.Parties[1].Kind != PartyOrganisation {
		t.Errorf("agreement %+v: %v", a.Parties, err)
	}
	a.Parties = append(a.Parties, Party{Kind: PartyCountry, Country: "CN"})
	if err := a.Validate(ref{}); !names(err, "parties") {
		t.Errorf("a party twice: %v", err)
	}
	if !a.Active(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)) || a.Active(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("Active is wrong about the signing date")
	}
}

func TestMonthsBetween_CountsWholeMonths(t *testing.T) {
	d := func(s string) time.Time {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		a, b string
		want int
	}{{"2023-01-15", "2023-07-15", 6}, {"2023-01-15", "2023-07-14", 5}, {"2023-07-15", "2023-01-15", -6}, {"2020-02-29", "2021-02-28", 11}}
	for _, tc := range cases {
		if got := MonthsBetween(d(tc.a), d(tc.b)); got != tc.want {
			t.Errorf("MonthsBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if StageIndex(Commercialisation) != 4 || StageIndex("x") != -1 {
		t.Error("StageIndex is wrong")
	}
}
