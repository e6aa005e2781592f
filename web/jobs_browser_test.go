package web

import (
	"context"
	"testing"

	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
)

// TestBrowser_AnOfficerRetriesAFailedRun: the page of a failed run shows
// the error; the officer presses the retry button and, the run being
// small, lands on its result.
func TestBrowser_AnOfficerRetriesAFailedRun(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, big, small := w.programme(t)
	ctx := context.Background()
	for i, c := range w.profiles {
		if _, _, err := ts.st.SaveApplication(ctx, store.Actor{UserID: c.UserID}, p.ID, c.ID,
			programme.Application{Choices: []string{big.ID, small.ID}, Statement: "Hello"}); err != nil {
			t.Fatalf("apply %d: %v", i, err)
		}
	}
	run, err := ts.st.CreateRun(ctx, store.Actor{UserID: w.officerUser.ID}, p.ID, programme.RunParams{Algorithm: "fda"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.FailRun(ctx, run.ID, "the database went away"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts.URL)
	progSignIn(b, "officer@most.example")
	b.open("/programmes/" + p.ID + "/runs/" + run.ID)
	b.mustContain("main", "the database went away")
	b.click("button.retry-run")
	b.mustContain(".flash", "The run is queued again.")
	b.mustContain("#run-placed", "2")
	if got, err := ts.st.Run(ctx, p.ID, run.ID); err != nil || got.Status != programme.RunDone {
		t.Fatalf("after the retry the run is %+v (%v)", got, err)
	}
}
