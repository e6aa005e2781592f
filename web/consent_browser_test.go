package web

import (
	"context"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// TestBrowser_InvitedPartyAcceptsFromItsAccountAndBecomesAParty: an
// agency officer registers an agreement between two institutes; the
// agreement page shows both as invited; one institute's manager follows
// the account's link to the consents page, clicks Accept, and the
// agreement then lists the institute as a party and offers its manager
// the edit button, while the other stays invited.
func TestBrowser_InvitedPartyAcceptsFromItsAccountAndBecomesAParty(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	ctx := context.Background()
	newUser := func(email, role string) *account.User {
		u, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: email, Name: strings.Split(email, "@")[0], Password: "amber-lantern-42"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	officer, manager, otherManager := newUser("officer@example.org", account.Officer), newUser("manager@example.org", account.Member),
		newUser("other@example.org", account.Member)
	own := &organisation.Organisation{Name: "Kazan Energy Institute", Kind: organisation.ResearchInstitute, Country: "RU"}
	other := &organisation.Organisation{Name: "Almaty Solar Centre", Kind: organisation.ResearchInstitute, Country: "KZ"}
	for _, o := range []struct {
		org *organisation.Organisation
		mgr *account.User
	}{{own, manager}, {other, otherManager}} {
		if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: o.mgr.ID}, o.org); err != nil {
			t.Fatal(err)
		}
	}
	a := &cooperation.Agreement{Title: "Joint lab on grid storage", Kind: cooperation.AgreementJointLab, SignedOn: "2024-03-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyOrganisation, OrgID: own.ID}, {Kind: cooperation.PartyOrganisation, OrgID: other.ID}}}
	if err := ts.st.CreateAgreement(ctx, store.Actor{UserID: officer.ID}, a); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, ts.URL)
	b.signInAs("manager@example.org")
	b.open("/agreements/" + a.ID)
	b.mustContain("div.invited", "Invited parties", own.Name, other.Name, "invited")
	if got := b.text("ul.parties"); strings.Contains(got, own.Name) {
		t.Fatalf("an invited organisation is listed as a party: %q", got)
	}
	if b.eval(`String(!!document.querySelector('a[href="/agreements/`+a.ID+`/edit"]'))`) != "false" {
		t.Fatal("the invited party's manager is offered the edit button")
	}

	b.open("/account")
	b.click("#consents-link")
	b.mustContain("#consents", a.Title, own.Name, "Party to the agreement")
	b.click(`#consents form[action="/agreements/` + a.ID + `/parties/` + own.ID + `/accept"] button`)
	if !strings.HasSuffix(b.location(), "/account/consents") {
		t.Fatalf("after accepting the browser is at %s", b.location())
	}
	b.mustContain("main", "Accepted: "+a.Title, "No invitation waits for an answer.")

	b.open("/agreements/" + a.ID)
	b.mustContain("ul.parties", own.Name)
	b.mustContain("div.invited", other.Name)
	if got := b.text("div.invited"); strings.Contains(got, own.Name) {
		t.Errorf("the accepted party is still shown as invited: %q", got)
	}
	if b.eval(`String(!!document.querySelector('form[action="/agreements/`+a.ID+`/parties/`+other.ID+`/accept"]'))`) != "false" {
		t.Error("the manager is offered to accept for an organisation it does not manage")
	}
	if b.eval(`String(!!document.querySelector('a[href="/agreements/`+a.ID+`/edit"]'))`) != "true" {
		t.Error("the accepted party's manager is not offered the edit button")
	}
}
