package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// freshBrowser opens a tab with no cookies, and leaves none behind: the
// tabs of the package share one browser, and a session or a language
// left over would change what the next test sees.
func freshBrowser(t *testing.T, base string) *browser {
	b := newBrowser(t, base)
	clear := func() error {
		_, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}
	if err := clear(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := clear(); err != nil {
			t.Errorf("clear cookies: %v", err)
		}
	})
	return b
}

// TestBrowser_SignUpSignInEditOwnProfileRefusedOnAnothersOrganisation is
// the accounts' end-to-end path in a real browser: sign up, sign out, sign
// in again, edit one's own talent profile, and be refused on the edit
// page of an organisation one does not manage.
func TestBrowser_SignUpSignInEditOwnProfileRefusedOnAnothersOrganisation(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	owner, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "owner@example.org", Name: "Owner", Password: "amber-lantern-42"}, account.Member)
	if err != nil {
		t.Fatal(err)
	}
	theirs := &organisation.Organisation{Name: "Almaty Photonics Institute", Kind: organisation.ResearchInstitute, Country: "KZ"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: owner.ID}, theirs); err != nil {
		t.Fatal(err)
	}

	b := freshBrowser(t, ts.URL)
	b.open("/signup")
	b.fill("#name", "Aigerim Seitkali")
	b.fill("#email", "aigerim@example.kz")
	b.fill("#password", "a-long-password")
	b.click(`form[action="/signup"] button[type=submit]`)
	b.mustContain(".flash", "Aigerim Seitkali")
	if !strings.HasSuffix(b.location(), "/profile") {
		t.Fatalf("after sign-up: %s", b.location())
	}

	b.click(`form[action="/signout"] button[type=submit]`)
	b.mustContain(".flash", "signed out")
	b.open("/signin")
	b.fill("#email", "aigerim@example.kz")
	b.fill("#password", "wrong-password")
	b.click(`form[action="/signin"] button[type=submit]`)
	b.mustContain(".form-error", "wrong")
	b.fill("#password", "a-long-password")
	b.click(`form[action="/signin"] button[type=submit]`)
	b.mustContain(".flash", "Welcome back")

	b.open("/profile")
	b.fill("#name", "Aigerim Seitkali")
	b.choose("#country", "KZ")
	b.choose("#fields", "1.3")
	b.fill("#keywords", "photonics, laser spectroscopy")
	b.fill("#bio", "Laser spectroscopy of steppe soils.")
	b.click(`form[action="/profile"] button[type=submit]`)
	b.mustContain(".flash", "Saved")
	if got := b.value("#keywords"); !strings.Contains(got, "laser spectroscopy") {
		t.Fatalf("the profile lost its keywords: %q", got)
	}
	b.screenshot("accounts-profile-saved")

	b.open("/organisations/" + theirs.ID + "/edit")
	b.mustContain("main h1", "403")
	b.mustContain("main", "not allowed")
	b.screenshot("accounts-refused-edit")
	o, err := ts.st.Organisation(ctx, theirs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "Almaty Photonics Institute" {
		t.Fatal("the organisation changed")
	}
}

// TestBrowser_TokenIsShownOnceInArabic creates an API token on the
// right-to-left Arabic page: the secret is shown once, never again.
func TestBrowser_TokenIsShownOnceInArabic(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	if _, err := ts.st.CreateUser(context.Background(), store.Actor{}, account.SignUp{Email: "m@example.eg", Name: "Mona", Password: "amber-lantern-42"}, account.Member); err != nil {
		t.Fatal(err)
	}
	b := freshBrowser(t, ts.URL)
	b.open("/signin?lang=ar")
	b.fill("#email", "m@example.eg")
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)
	b.click(`.lang-switch a[lang="ar"]`)
	b.open("/account/tokens")
	b.mustContain("h1", "رموز الواجهة البرمجية")
	b.fill("#token-name", "الاستيراد الليلي")
	b.click(`form[action="/account/tokens"] button[type=submit]`)
	secret := b.text("#token-secret")
	if !strings.HasPrefix(secret, "sb_") {
		t.Fatalf("secret %q", secret)
	}
	b.mustContain("#tokens", "الاستيراد الليلي", "قراءة فقط")
	b.screenshot("accounts-token-ar")
	b.open("/account/tokens")
	b.mustContain("#tokens", "الاستيراد الليلي")
	if strings.Contains(b.text("main"), secret) {
		t.Fatal("the secret is shown a second time")
	}
}
