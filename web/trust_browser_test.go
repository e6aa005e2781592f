package web

import (
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// signIn signs the browser in with the test password.
func (b *browser) signIn(email string) {
	b.t.Helper()
	b.open("/lang/en?back=/signin")
	b.fill("#email", email)
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)
}

// fillNationalPolicy fills the new policy form for a national grant of the
// preselected issuer and sends it.
func (b *browser) fillNationalPolicy(title string) {
	b.t.Helper()
	b.choose("#kind", "grant")
	b.choose("#country", "UZ")
	b.fill("#benefit", "Up to 100,000 USD for joint laboratories")
	b.fill("#title_en", title)
	b.click(`#policy-form button[type=submit]`)
}

// TestBrowser_UnverifiedAgencyPublishesOnlyOnceAnOfficerVerifiesIt is the
// trust path end to end: the head of an unverified agency opens the new
// policy form, which says up front why it cannot publish, and sending it
// anyway is refused under the issuer field; the head asks for verification
// with the agency's web domain; an officer, whose form says the same,
// finds the request in the review list and verifies the agency; then the
// officer publishes the national policy and its page shows the verified
// mark next to the issuer.
func TestBrowser_UnverifiedAgencyPublishesOnlyOnceAnOfficerVerifiesIt(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newTrustWorld(t, ts)

	head := newBrowser(t, ts.URL)
	head.signIn("head@mininnovation.uz")
	head.open("/policies/new")
	head.mustContain("#issuer-unverified", "Ministry of Innovative Development is not verified yet", "until an agency officer verifies it")
	if got := head.value("#issuer_id"); got != w.agency.ID {
		t.Fatalf("the only issuer is not chosen: %q", got)
	}
	head.screenshot("trust-form-unverified")
	head.fillNationalPolicy("Joint laboratory grant")
	head.mustContain("#issuer_id-error", "only verified agencies publish national or regional policies")
	if n := w.policyCount(t); n != 0 {
		t.Fatalf("%d policies stored by the refused form", n)
	}

	head.open("/organisations/" + w.agency.ID)
	head.mustContain("#verification-state", "Not verified")
	head.choose("#evidence_kind", "web_domain")
	head.fill("#evidence_value", "https://mininnovation.uz/en/")
	head.fill("#note", "The ministry's site lists me as head of the international office.")
	head.click(`#verification-request button[type=submit]`)
	head.mustContain("#verification-state", "Verification requested")
	head.mustContain("#verification-evidence", "official web domain", "mininnovation.uz")

	officer := newBrowser(t, ts.URL)
	officer.signIn("officer@example.org")
	officer.open("/policies/new")
	officer.mustContain("#issuer-unverified", "is not verified yet")
	officer.open("/organisations")
	officer.click(`a[href="/verifications"]`)
	card := "#request-" + w.agency.ID
	officer.mustContain(card, "Ministry of Innovative Development", "mininnovation.uz", "head of the international office")
	officer.screenshot("trust-review")
	officer.fill("#reason-"+w.agency.ID, "The domain is the ministry's, listed on gov.uz")
	officer.click(card + ` button[value=verify]`)
	officer.mustContain("main", "The organisation is verified.")
	if strings.Contains(officer.text("main"), "Ministry of Innovative Development") {
		t.Fatalf("the decided request is still in the review list")
	}

	officer.open("/policies/new")
	if strings.Contains(officer.text("main"), "is not verified yet") {
		t.Fatalf("the form still warns about the verified agency")
	}
	officer.fillNationalPolicy("Joint laboratory grant")
	if !strings.Contains(officer.location(), "/policies/") || strings.HasSuffix(officer.location(), "/policies/new") {
		t.Fatalf("not on the new policy's page: %s\n%s", officer.location(), officer.text("main"))
	}
	officer.mustContain("h1", "Joint laboratory grant")
	officer.mustContain(".facts .badge.verified", "Verified")
	officer.screenshot("trust-policy-verified")

	head.open("/organisations/" + w.agency.ID)
	head.mustContain("h1 .badge.verified", "Verified")
	head.mustContain("#verification-state", "Verified")
}
