package web

import (
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// TestBrowser_IncentivesTurnEligibleOnceTheSizeClassIsFilled is the
// checker's end-to-end path: an enterprise's manager opens "Incentives for
// me", reads that an SME voucher is unknown because the organisation's size
// class is missing, follows the link to the organisation's form, fills it,
// and the answer turns to eligible with the deciding reason.
func TestBrowser_IncentivesTurnEligibleOnceTheSizeClassIsFilled(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newPolicyWorld(t, ts)
	p := w.policy(t, "SME innovation voucher", `{"all":[{"org_kind":["enterprise"]},{"size_class":["small","medium"]}]}`)
	b := newBrowser(t, ts.URL)

	b.open("/lang/en?back=/signin")
	b.fill("#email", "aigerim@steppesolar.kz")
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)

	b.open("/incentives")
	card := "#incentive-" + p.ID
	b.mustContain(card+" .answer", "Unknown")
	b.mustContain(card+" .reasons", "Unknown: size class is small or medium (not known: the organisation's size class)")
	b.mustContain(card+" .missing", "the organisation's size class")
	b.screenshot("incentives-unknown")

	b.click(card + ` a.fill[data-fact="organisation.size_class"]`)
	b.choose("#size_class", "small")
	b.click(`form.form button[type=submit]`)

	b.open("/incentives")
	b.mustContain(card+" .answer", "Eligible")
	b.mustContain(card+" .reasons", "Met: size class is small or medium (the organisation's size class is small)")
	if got := b.text(card + " .answer"); got != "Eligible" {
		t.Fatalf("answer %q", got)
	}
	b.screenshot("incentives-eligible")
}
