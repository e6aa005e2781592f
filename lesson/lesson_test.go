package lesson

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
)

type ref struct{}

func (ref) CountryExists(c string) bool { return c == "KZ" || c == "UZ" }
func (ref) FieldExists(f string) bool   { return f == "2.7" || f == "4.1" }

func valid() Lesson {
	return Lesson{Title: "Dust on panels", Fields: []string{"2.7"}, Technology: "PV", Tried: "Standard panels", WentWrong: "Dust storms",
		Instead: "Coated panels", CostDays: 90, Country: "UZ", Language: "en"}
}

func fieldsAtFault(err error) []string {
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

func TestLessonValidate_NamesEveryFieldAtFault(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Lesson)
		want   string
	}{
		{"valid", func(*Lesson) {}, ""},
		{"money only", func(l *Lesson) { l.CostDays, l.CostMoney, l.CostCurrency = 0, 12000, "usd" }, ""},
		{"from an event", func(l *Lesson) { l.Source = Source{Kind: SourceEvent, Ref: silkbridge.NewID()} }, ""},
		{"no title", func(l *Lesson) { l.Title = "" }, "title"},
		{"no field", func(l *Lesson) { l.Fields = nil }, "fields"},
		{"unknown field", func(l *Lesson) { l.Fields = []string{"7.7"} }, "fields"},
		{"no technology", func(l *Lesson) { l.Technology = " " }, "technology"},
		{"nothing tried", func(l *Lesson) { l.Tried = "" }, "tried"},
		{"nothing went wrong", func(l *Lesson) { l.WentWrong = "" }, "went_wrong"},
		{"nothing instead", func(l *Lesson) { l.Instead = "" }, "instead"},
		{"too long", func(l *Lesson) { l.Instead = strings.Repeat("и", 5001) }, "instead"},
		{"no cost", func(l *Lesson) { l.CostDays = 0 }, "cost_days"},
		{"negative days", func(l *Lesson) { l.CostDays = -5 }, "cost_days"},
		{"a hundred years", func(l *Lesson) { l.CostDays = MaxCostDays + 1 }, "cost_days"},
		{"negative money", func(l *Lesson) { l.CostMoney, l.CostCurrency = -1, "EUR" }, "cost_money"},
		{"money that is no number", func(l *Lesson) { l.CostMoney, l.CostCurrency = math.NaN(), "EUR" }, "cost_money"},
		{"money without currency", func(l *Lesson) { l.CostMoney = 10 }, "cost_currency"},
		{"currency that is no code", func(l *Lesson) { l.CostMoney, l.CostCurrency = 10, "dollars" }, "cost_currency"},
		{"no country", func(l *Lesson) { l.Country = "" }, "country"},
		{"unknown country", func(l *Lesson) { l.Country = "XX" }, "country"},
		{"unknown language", func(l *Lesson) { l.Language = "qq" }, "language"},
		{"unknown source kind", func(l *Lesson) { l.Source = Source{Kind: "rumour", Ref: silkbridge.NewID()} }, "source_kind"},
		{"source without id", func(l *Lesson) { l.Source = Source{Kind: SourceCooperation} }, "source_ref"},
	}
	for _, tc := range cases {
		l := valid()
		tc.change(&l)
		l.Normalise()
		err := l.Validate(ref{})
		got := fieldsAtFault(err)
		found := false
		for _, f := range got {
			found = found || f == tc.want
		}
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && !found:
			t.Errorf("%s: fields at fault %v, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLessonNormalise(t *testing.T) {
	l := Lesson{Title: " T ", CostCurrency: " usd", Country: "uz ", Language: "RU", Fields: []string{"2.7", " 2.7", ""},
		Source: Source{Kind: "", Ref: "left over"}}
	l.Normalise()
	if l.Title != "T" || l.CostCurrency != "USD" || l.Country != "UZ" || l.Language != "ru" || len(l.Fields) != 1 || l.Source.Ref != "" {
		t.Fatalf("normalised: %+v", l)
	}
}
