package eval

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A --train-until beyond the last year of the record (to rank with all of
// it) learns from the last year that has projects, says so, and learns
// the same weights as training until that year.
func TestTrain_BeyondTheLastYearLearnsFromTheLastYearWithData(t *testing.T) {
	rec := syntheticRecord() // projects 2014-2019
	var said []string
	l := Learning{Modes: []string{Temporal, Holdout}, Progress: func(format string, args ...any) {
		said = append(said, fmt.Sprintf(format, args...))
	}}
	r, fit, err := Train(context.Background(), rec, 2025, l)
	if err != nil {
		t.Fatalf("train until 2025 on a record ending in 2019: %v", err)
	}
	if r == nil || !fit.Learnt {
		t.Fatalf("nothing learnt: %+v", fit)
	}
	told := false
	for _, s := range said {
		if strings.Contains(s, "2019, the last year with data") {
			told = true
		}
	}
	if !told {
		t.Errorf("the fallback to 2019 was not reported: %q", said)
	}
	_, at2019, err := Train(context.Background(), rec, 2019, Learning{Modes: l.Modes})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fit.Model, at2019.Model) {
		t.Errorf("weights learnt until 2025 %+v differ from those until 2019 %+v", fit.Model, at2019.Model)
	}
}
