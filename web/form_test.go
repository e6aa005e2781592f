package web

import (
	"errors"
	"testing"

	"github.com/silkbridge/silkbridge"
)

func TestFormAmount_ReadsAmountsAsPeopleOfTheSixLanguagesTypeThem(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		bad  bool
	}{
		{"", 0, false},
		{"1500", 1500, false},
		{"1,500", 1500, false},
		{"12,000,000", 12000000, false},
		{"1,500.75", 1500.75, false},
		{"1 500,5", 1500.5, false},
		{"350\u202f000", 350000, false},
		{"1'000'000", 1000000, false},
		{"1,5", 1.5, false},
		{"-3", 0, true},
		{"ten", 0, true},
	}
	for _, c := range cases {
		var p silkbridge.Problems
		got := formAmount(&p, "cost", c.in, "coop.field.amount")
		if p.Has("cost") != c.bad || got != c.want {
			t.Errorf("formAmount(%q) = %v, problem %v; want %v, problem %v", c.in, got, p.Has("cost"), c.want, c.bad)
		}
	}
}

func TestFormInt_BlankIsTheDefaultAndTextIsAProblemOfTheField(t *testing.T) {
	var p silkbridge.Problems
	if got := formInt(&p, "n", " ", 7); got != 7 || p.Has("n") {
		t.Fatalf("blank: got %d, problem %v", got, p.Has("n"))
	}
	if got := formInt(&p, "n", "12", 7); got != 12 || p.Has("n") {
		t.Fatalf("12: got %d, problem %v", got, p.Has("n"))
	}
	if got := formInt(&p, "n", "1.5", 7); got != 7 || !p.Has("n") {
		t.Fatalf("1.5: got %d, problem %v", got, p.Has("n"))
	}
	if got := formOptInt(&p, "m", ""); got != nil {
		t.Fatalf("blank optional: got %v", *got)
	}
	// Merge keeps the reading problem of a field over the validation's.
	var v silkbridge.Problems
	v.Add("n", "field.required", "required", nil)
	v.Add("other", "field.required", "required", nil)
	err := p.Merge(v.Err())
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok || len(e.Fields) != 2 || e.Fields[0].MessageID != "field.integer" || e.Fields[1].Field != "other" {
		t.Fatalf("Merge = %#v", err)
	}
}
