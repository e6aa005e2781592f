package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// marketSignIn signs the browser in as email, after dropping whoever was
// signed in before (the tabs of the package share one cookie jar).
func marketSignIn(t *testing.T, b *browser, email string) {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	b.open("/signin")
	b.fill("#email", email)
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)
	if strings.Contains(b.location(), "/signin") {
		t.Fatalf("sign in as %s failed", email)
	}
}

// marketCheck ticks a checkbox without leaving the page.
func marketCheck(t *testing.T, b *browser, sel string) {
	t.Helper()
	js := `(function(){var e=document.querySelector(` + jsString(sel) + `);e.checked=true;return e.checked;})()`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err != nil {
		t.Fatalf("check %s: %v", sel, err)
	}
}

// TestBrowser_AnonymousOfferApprovedFoundInChineseAcceptedAndTurnedIntoACooperation
// is the marketplace's end-to-end path in a real browser: an organisation
// publishes an anonymous technology offer, an officer approves it, another
// organisation finds it with a Chinese search term and expresses
// interest, the owner accepts, both now see each other's contacts, and
// the owner turns it into a cooperation.
func TestBrowser_AnonymousOfferApprovedFoundInChineseAcceptedAndTurnedIntoACooperation(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	user := func(email, name, role string) *account.User {
		u, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: email, Name: name, Password: "amber-lantern-42"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	owner := user("wang.fang@example.cn", "Wang Fang", account.Member)
	user("officer@most.example.cn", "Review Officer", account.Officer)
	partner := user("dilnoza@example.uz", "Dilnoza Karimova", account.Member)
	ownOrg := &organisation.Organisation{Name: "Gansu Solar Engineering Institute", Kind: organisation.ResearchInstitute, Country: "CN",
		SizeClass: "medium", ContactEmail: "contact@gansu-solar.example.cn"}
	uzOrg := &organisation.Organisation{Name: "Samarkand Agro Processing", Kind: organisation.Enterprise, Country: "UZ",
		SizeClass: "small", ContactEmail: "office@samarkand-agro.example.uz"}
	for _, o := range []struct {
		org *organisation.Organisation
		by  *account.User
	}{{ownOrg, owner}, {uzOrg, partner}} {
		if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: o.by.ID}, o.org); err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, ts.URL)
	t.Cleanup(func() {
		if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Error(err)
		}
	})

	// The owner writes an anonymous technology offer and submits it.
	marketSignIn(t, b, "wang.fang@example.cn")
	b.open("/market/new")
	b.choose("#owner_organisation_id", ownOrg.ID)
	b.choose("#kind", opportunity.TechnologyOffer)
	b.fill("#title", "槽式太阳能集热干燥技术")
	b.fill("#description", "适用于干旱地区果蔬干燥的太阳能集热系统，已在甘肃示范运行三年。")
	b.choose("#fields", "2.7")
	b.choose("#countries_sought", "UZ", "KZ")
	b.choose("#trl", "7")
	b.fill("#keywords", "太阳能, 干燥")
	b.fill("#deadline", time.Now().UTC().AddDate(0, 3, 0).Format(opportunity.DateLayout))
	marketCheck(t, b, "#anonymous")
	b.click("#save-submit")
	b.mustContain(".flash", "submitted")
	listing := b.location()
	if !strings.Contains(listing, "/market/") {
		t.Fatalf("not on the listing page: %s", listing)
	}
	id := listing[strings.LastIndex(listing, "/")+1:]
	b.mustContain(".badge.status-in_review", "In review")

	// An officer approves it from the review queue.
	marketSignIn(t, b, "officer@most.example.cn")
	b.open("/market/review")
	b.click(`.review-queue a[href="/market/` + id + `"]`)
	b.mustContain("dd.owner", "Gansu Solar Engineering Institute")
	b.click("#approve")
	b.mustContain(".flash", "approved")

	// Another organisation finds it with a Chinese word and answers it.
	marketSignIn(t, b, "dilnoza@example.uz")
	b.open("/market")
	b.fill("#q", "干燥")
	b.click(`form.filters button[type=submit]`)
	b.mustContain("#results", "槽式太阳能集热干燥技术")
	b.screenshot("market-search-zh")
	b.open("/market/" + id)
	owner1 := b.text("dd.owner")
	if strings.Contains(owner1, "Gansu") || !strings.Contains(owner1, "China") {
		t.Fatalf("the anonymous owner reads %q to a stranger", owner1)
	}
	b.choose("#from_organisation_id", uzOrg.ID)
	b.fill("#who_we_are", "A fruit-drying company in Samarkand with 40 staff.")
	b.fill("#what_we_propose", "Licence the dryer and build it locally.")
	b.fill("#what_we_need", "Engineering drawings and training.")
	b.click("#send-interest")
	b.mustContain("#interest-status", "Pending")
	interest := b.location()
	b.mustContain("#owner-contact", "China")
	if strings.Contains(b.text("#owner-contact"), "Gansu") {
		t.Fatal("the owner is revealed before accepting")
	}

	// The owner accepts: now each side sees the other's contacts.
	marketSignIn(t, b, "wang.fang@example.cn")
	b.open("/market/mine")
	b.mustContain("#notifications", "槽式太阳能集热干燥技术")
	b.click(`#received a[href="` + strings.TrimPrefix(interest, ts.URL) + `"]`)
	if strings.Contains(b.text("#sender-contact"), "dilnoza@example.uz") {
		t.Fatal("the sender's e-mail shows before acceptance")
	}
	b.click("#accept")
	b.mustContain("#interest-status", "Accepted")
	b.mustContain("#sender-contact", "Dilnoza Karimova", "dilnoza@example.uz", "Samarkand Agro Processing", "office@samarkand-agro.example.uz")
	b.screenshot("market-interest-accepted-owner")

	marketSignIn(t, b, "dilnoza@example.uz")
	b.open(strings.TrimPrefix(interest, ts.URL))
	b.mustContain("#owner-contact", "Gansu Solar Engineering Institute", "contact@gansu-solar.example.cn", "Wang Fang", "wang.fang@example.cn")
	b.open("/market/" + id)
	b.mustContain("dd.owner", "Gansu Solar Engineering Institute")

	// The owner turns the interest into a cooperation in one step.
	marketSignIn(t, b, "wang.fang@example.cn")
	b.open(strings.TrimPrefix(interest, ts.URL))
	b.click("#convert")
	b.mustContain("#cooperation-made", "cooperation")
	b.screenshot("market-cooperation")
	i, err := ts.st.Interest(ctx, interest[strings.LastIndex(interest, "/")+1:])
	if err != nil {
		t.Fatal(err)
	}
	c, err := ts.st.Cooperation(ctx, i.CooperationID)
	if err != nil {
		t.Fatalf("no cooperation: %v", err)
	}
	if c.Source.Ref != i.ID || !c.HasPartner(ownOrg.ID) || !c.HasPartner(uzOrg.ID) || c.Title != "槽式太阳能集热干燥技术" {
		t.Fatalf("cooperation %+v", c)
	}
	if got := b.location(); !strings.Contains(got, url.QueryEscape(c.ID)) {
		t.Errorf("after converting, the page %s does not name the cooperation", got)
	}
}
