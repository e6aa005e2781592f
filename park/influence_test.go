package park

import (
	"errors"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
)

var asOf = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

func last(ps []Point) Point { return ps[len(ps)-1] }

func TestInfluence_SeriesRunsFromTheFirstRecordToToday(t *testing.T) {
	r := Records{Country: "KZ", Members: []Span{{OrgID: "a", Country: "KZ", From: "2022-05-01"}}}
	got := Dates(r, asOf)
	want := []string{"2022-12-31", "2023-12-31", "2024-12-31", "2025-06-30"}
	if len(got) != len(want) {
		t.Fatalf("dates %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("dates %v, want %v", got, want)
		}
	}
	if d := Dates(Records{}, asOf); len(d) != 1 || d[0] != "2025-06-30" {
		t.Fatalf("no records: %v, want today only", d)
	}
}

func TestInfluence_CountsEachFigureByTheFormula(t *testing.T) {
	r := Records{Country: "KZ",
		Members: []Span{
			{OrgID: "m1", Country: "KZ", From: "2023-01-10"},
			{OrgID: "m2", Country: "CN", From: "2023-03-01", Until: "2024-06-01"}, // left before the end of 2024
		},
		Partners: []Span{{OrgID: "p1", Country: "DE", From: "2024-02-01"}},
		Cooperations: []Cooperation{
			{ID: "c1", Start: "2023-02-01", Partners: []Party{{"m1", "KZ"}, {"u1", "UZ"}},
				History: []StageAt{{"exchange", "2023-02-01"}, {"joint_lab", "2024-03-01"}}},
			{ID: "c2", Start: "2023-04-01", End: "2023-10-01", Stage: "joint_research", Partners: []Party{{"m2", "CN"}, {"r1", "RU"}}},
			{ID: "c3", Start: "2023-04-01", Stage: "exchange", Partners: []Party{{"x", "FR"}, {"y", "ES"}}}, // no member
		},
		Transfers: []Transfer{
			{OwnerID: "m1", ReceiverID: "e9", CompletedOn: "2024-05-01"},
			{OwnerID: "o9", ReceiverID: "m2", CompletedOn: "2024-07-01"}, // m2 had left
			{OwnerID: "m1", ReceiverID: "e8"},                            // not completed
		},
	}
	ps := Influence(r, asOf)
	if len(ps) != 3 {
		t.Fatalf("%d points, want 3 (2023, 2024, today)", len(ps))
	}
	y2023, y2024 := ps[0], ps[1]
	// 2023-12-31: members m1 (KZ), m2 (CN); c1 active at exchange (UZ); c2 ended.
	if y2023.Countries != 3 || y2023.ForeignPartners != 1 || y2023.ByStage[0] != 1 || y2023.ActiveCooperations != 1 || y2023.Transfers != 0 {
		t.Errorf("2023: %+v", y2023)
	}
	if y2023.Influence != 3+1+1 {
		t.Errorf("2023 influence %d, want 5", y2023.Influence)
	}
	// 2024-12-31: m1 only; partner p1 (DE); c1 at joint lab (rung 3) with u1; one transfer.
	if y2024.Countries != 3 || y2024.ForeignPartners != 2 || y2024.ByStage[2] != 1 || y2024.Transfers != 1 {
		t.Errorf("2024: %+v", y2024)
	}
	if want := 3 + 2 + 3 + TransferWeight; y2024.Influence != want {
		t.Errorf("2024 influence %d, want %d", y2024.Influence, want)
	}
}

func TestInfluence_AMemberAndATransferMoveTheFigures(t *testing.T) {
	r := Records{Country: "KZ", Members: []Span{{OrgID: "m1", Country: "KZ", From: "2024-01-01"}}}
	before := last(Influence(r, asOf))
	r.Members = append(r.Members, Span{OrgID: "m2", Country: "CN", From: "2025-01-15"})
	r.Transfers = append(r.Transfers, Transfer{OwnerID: "m2", ReceiverID: "e", CompletedOn: "2025-03-01"})
	after := last(Influence(r, asOf))
	if after.Countries != before.Countries+1 || after.Transfers != before.Transfers+1 || after.Influence != before.Influence+1+TransferWeight {
		t.Fatalf("before %+v, after %+v", before, after)
	}
}

func TestCSVRow_HasAColumnForEveryHeader(t *testing.T) {
	p := Point{Date: "2024-12-31", ByStage: make([]int, len(Stages)), Influence: 12}
	if len(CSVRow(p)) != len(CSVHeader()) {
		t.Fatalf("row %v vs header %v", CSVRow(p), CSVHeader())
	}
}

func TestValidate_NamesTheFieldAtFault(t *testing.T) {
	today := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		m     Member
		field string
	}{
		{"no organisation", Member{JoinedOn: "2024-01-01"}, "organisation_id"},
		{"itself", Member{ParkID: "p", OrgID: "p", JoinedOn: "2024-01-01"}, "organisation_id"},
		{"no date", Member{OrgID: "o"}, "joined_on"},
		{"bad date", Member{OrgID: "o", JoinedOn: "2024-13-01"}, "joined_on"},
		{"future", Member{OrgID: "o", JoinedOn: "2030-01-01"}, "joined_on"},
		{"left before joining", Member{OrgID: "o", JoinedOn: "2024-01-01", LeftOn: "2023-01-01"}, "left_on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.m.Validate(today)
			if err == nil || !hasField(err, c.field) {
				t.Fatalf("error %v, want one naming %s", err, c.field)
			}
		})
	}
	ok := Member{OrgID: "o", JoinedOn: "2024-01-01", LeftOn: "2024-06-01"}
	if err := ok.Validate(today); err != nil {
		t.Fatal(err)
	}
}

func hasField(err error, field string) bool {
	var e *silkbridge.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
