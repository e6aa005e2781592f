package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// marketOrg stores an organisation managed by user (none when nil).
func marketOrg(t *testing.T, st *store.Store, user *account.User, name, country, email string) *organisation.Organisation {
	t.Helper()
	o := &organisation.Organisation{Name: name, Kind: organisation.ResearchInstitute, Country: country, SizeClass: "medium",
		ContactEmail: email, Fields: []string{"2.7"}}
	var actor store.Actor
	if user != nil {
		actor.UserID = user.ID
	}
	if err := st.CreateOrganisation(context.Background(), actor, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// marketListing stores a technology offer of org and moves it to status
// (draft, in_review, published or closed) through the store.
func marketListing(t *testing.T, st *store.Store, orgID, status string, edit ...func(*opportunity.Opportunity)) *opportunity.Opportunity {
	t.Helper()
	ctx := context.Background()
	x := &opportunity.Opportunity{Kind: opportunity.TechnologyOffer, OwnerOrgID: orgID, Title: "Solar dryer for apricots",
		Description: "A low-cost solar dryer that halves drying time.", Fields: []string{"2.7"}, TRL: 6}
	for _, e := range edit {
		e(x)
	}
	if err := st.CreateOpportunity(ctx, store.Actor{}, x); err != nil {
		t.Fatal(err)
	}
	steps := map[string][]string{
		opportunity.Draft:     nil,
		opportunity.InReview:  {opportunity.ActionSubmit},
		opportunity.Published: {opportunity.ActionSubmit, opportunity.ActionApprove},
		opportunity.Closed:    {opportunity.ActionSubmit, opportunity.ActionApprove, opportunity.ActionClose},
	}
	for _, a := range steps[status] {
		var err error
		if x, err = st.ReviewOpportunity(ctx, store.Actor{}, x.ID, a, ""); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	return x
}

func marketStatus(t *testing.T, res response, want int, what string) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d: %.600s", what, res.StatusCode, want, res.Body)
	}
}

func marketLocationID(t *testing.T, res response, prefix string) string {
	t.Helper()
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("redirect to %q, want %s...", loc, prefix)
	}
	id := strings.TrimPrefix(loc, prefix)
	if i := strings.IndexAny(id, "?#/"); i >= 0 {
		id = id[:i]
	}
	return id
}

func marketAuditCount(t *testing.T, st *store.Store, kind, ref, action string) int {
	t.Helper()
	entries, _, err := st.AuditEntries(context.Background(), store.AuditFilter{Kind: kind, Ref: ref, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestMarket_AnonymousOfferFromDraftToCooperation walks the whole path
// through the pages: an anonymous offer is written, reviewed, found with a
// Chinese word, answered, accepted (contacts appear on both sides only
// then) and turned into a cooperation that keeps the link; every step is
// audited.
func TestMarket_AnonymousOfferFromDraftToCooperation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		owner, ownerUser := ts.user(t, "li.na@example.cn", account.Member)
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		partner, partnerUser := ts.user(t, "aigerim@example.kz", account.Member)
		visitor := ts.client(t)
		ownOrg := marketOrg(t, ts.st, ownerUser, "Xinjiang Solar Institute", "CN", "contact@xjsolar.example.cn")
		kzOrg := marketOrg(t, ts.st, partnerUser, "Almaty Agro Tech", "KZ", "office@agrotech.example.kz")

		res := owner.form("POST", "/market", url.Values{"owner_organisation_id": {ownOrg.ID}, "kind": {"technology_offer"},
			"title": {"太阳能干燥设备技术转让"}, "description": {"低成本太阳能干燥设备，适用于中亚的杏和葡萄干燥。"},
			"fields": {"2.7"}, "keywords": {"太阳能, drying"}, "trl": {"7"}, "countries_sought": {"KZ", "UZ"},
			"partnership_types": {"licence", "joint_venture"}, "anonymous": {"on"}, "submit": {"review"}})
		marketStatus(t, res, http.StatusSeeOther, "create and submit")
		id := marketLocationID(t, res, "/market/")
		if r := visitor.get("/market/" + id); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a visitor sees a listing under review: %d", r.StatusCode)
		}
		if r := partner.form("POST", "/market/"+id+"/approve", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a member may approve: %d", r.StatusCode)
		}
		marketStatus(t, officer.form("POST", "/market/"+id+"/approve", nil), http.StatusSeeOther, "approve")

		page := visitor.get("/market/" + id)
		marketStatus(t, page, http.StatusOK, "visitor reads the published listing")
		for _, hidden := range []string{"Xinjiang Solar Institute", "contact@xjsolar.example.cn", ownOrg.ID} {
			if strings.Contains(page.Body, hidden) {
				t.Fatalf("a visitor learns %q of an anonymous owner", hidden)
			}
		}
		if !strings.Contains(page.Body, "China") || !strings.Contains(page.Body, "Research institute") || !strings.Contains(page.Body, "Medium") {
			t.Fatalf("the anonymous owner's country, kind and size are not shown")
		}

		found := partner.get("/market?q=" + url.QueryEscape("干燥"))
		if !strings.Contains(found.Body, "/market/"+id) {
			t.Fatalf("the Chinese search term does not find the listing:\n%.1500s", found.Body)
		}
		if api := visitor.get("/api/v1/opportunities/" + id); strings.Contains(api.Body, ownOrg.ID) || !strings.Contains(api.Body, `"hidden":true`) {
			t.Fatalf("the API tells who the anonymous owner is: %s", api.Body)
		}

		res = partner.form("POST", "/market/"+id+"/interests", url.Values{"from_organisation_id": {kzOrg.ID},
			"who_we_are": {"An agricultural technology firm in Almaty."}, "what_we_propose": {"Licensing and local assembly."},
			"what_we_need": {"Training of our engineers."}})
		marketStatus(t, res, http.StatusSeeOther, "express interest")
		interestID := marketLocationID(t, res, "/interests/")

		before := owner.get("/interests/" + interestID)
		marketStatus(t, before, http.StatusOK, "owner reads the interest")
		if strings.Contains(before.Body, "office@agrotech.example.kz") || strings.Contains(before.Body, "aigerim@example.kz") {
			t.Fatal("the owner sees the sender's contact before accepting")
		}
		if r := partner.get("/interests/" + interestID); strings.Contains(r.Body, "Xinjiang Solar Institute") || strings.Contains(r.Body, "li.na@example.cn") {
			t.Fatal("the sender learns who the anonymous owner is before acceptance")
		}
		if r := visitor.get("/interests/" + interestID); r.StatusCode == http.StatusOK {
			t.Fatal("a visitor reads an interest")
		}
		if r := partner.form("POST", "/interests/"+interestID+"/accept", nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("the sender may accept their own interest: %d", r.StatusCode)
		}
		marketStatus(t, owner.form("POST", "/interests/"+interestID+"/accept", nil), http.StatusSeeOther, "accept")

		ownerView := owner.get("/interests/" + interestID)
		for _, want := range []string{"office@agrotech.example.kz", "aigerim@example.kz", "Almaty Agro Tech"} {
			if !strings.Contains(ownerView.Body, want) {
				t.Errorf("after acceptance the owner does not see %q", want)
			}
		}
		partnerView := partner.get("/interests/" + interestID)
		for _, want := range []string{"Xinjiang Solar Institute", "contact@xjsolar.example.cn", "li.na@example.cn"} {
			if !strings.Contains(partnerView.Body, want) {
				t.Errorf("after acceptance the sender does not see %q", want)
			}
		}
		if r := partner.get("/market/" + id); !strings.Contains(r.Body, "Xinjiang Solar Institute") {
			t.Error("after acceptance the listing still hides its owner from the sender")
		}
		if r := ts.client(t).get("/market/" + id); strings.Contains(r.Body, "Xinjiang Solar Institute") {
			t.Error("acceptance revealed the owner to everyone")
		}

		res = owner.form("POST", "/interests/"+interestID+"/cooperation", nil)
		marketStatus(t, res, http.StatusSeeOther, "turn into a cooperation")
		i, err := ts.st.Interest(ctx, interestID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ts.st.Cooperation(ctx, i.CooperationID)
		if err != nil {
			t.Fatalf("the interest keeps no cooperation: %v", err)
		}
		if c.Source.Kind != cooperation.SourceInterest || c.Source.Ref != interestID {
			t.Errorf("cooperation source %+v, want interest %s", c.Source, interestID)
		}
		if p, _ := c.Coordinator(); p.OrgID != ownOrg.ID || !c.HasPartner(kzOrg.ID) || len(c.Partners) != 2 {
			t.Errorf("cooperation partners %+v", c.Partners)
		}
		if r := owner.form("POST", "/interests/"+interestID+"/cooperation", nil); r.StatusCode != http.StatusConflict {
			t.Errorf("a second cooperation of one interest: %d", r.StatusCode)
		}
		n, _, err := ts.st.Cooperations(ctx, cooperation.Filter{SourceKind: cooperation.SourceInterest, SourceRef: interestID})
		if err != nil {
			t.Fatal(err)
		}
		if len(n) != 1 {
			t.Errorf("%d cooperations from the interest, want 1", len(n))
		}

		for _, a := range []struct{ kind, ref, action string }{
			{"opportunity", id, "create"}, {"opportunity", id, "submit"}, {"opportunity", id, "approve"},
			{"interest", interestID, "create"}, {"interest", interestID, "accept"}, {"interest", interestID, "convert"},
		} {
			if marketAuditCount(t, ts.st, a.kind, a.ref, a.action) != 1 {
				t.Errorf("no audit entry for %s %s", a.action, a.kind)
			}
		}
		notes, _, err := ts.st.Notifications(ctx, partnerUser.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, n := range notes {
			kinds[n.Kind] = true
		}
		if !kinds[opportunity.NotifyInterestAccepted] || !kinds[opportunity.NotifyCooperation] {
			t.Errorf("the sender's notifications: %+v", notes)
		}
	})
}

// TestMarket_OfficerReturnsAListingWithAComment: returning needs a
// comment, sends the listing back to draft, and only its owner's
// managers read the comment.
func TestMarket_OfficerReturnsAListingWithAComment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		owner, ownerUser := ts.user(t, "owner@example.org", account.Member)
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		org := marketOrg(t, ts.st, ownerUser, "Tashkent Water Institute", "UZ", "")
		x := marketListing(t, ts.st, org.ID, opportunity.InReview)

		res := officer.form("POST", "/market/"+x.ID+"/return", url.Values{"comment": {"  "}})
		marketStatus(t, res, http.StatusUnprocessableEntity, "return without a comment")
		if !strings.Contains(res.Body, `id="comment-error"`) {
			t.Fatal("no field message beside the comment")
		}
		got, err := ts.st.Opportunity(context.Background(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != opportunity.InReview {
			t.Fatalf("a refused return changed the status to %s", got.Status)
		}
		marketStatus(t, officer.form("POST", "/market/"+x.ID+"/return", url.Values{"comment": {"Name the TRL evidence."}}), http.StatusSeeOther, "return")
		got, err = ts.st.Opportunity(context.Background(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != opportunity.Draft || got.ReviewComment != "Name the TRL evidence." {
			t.Fatalf("after return: %s %q", got.Status, got.ReviewComment)
		}
		if r := owner.get("/market/" + x.ID); !strings.Contains(r.Body, "Name the TRL evidence.") {
			t.Error("the owner does not see the officer's comment")
		}
		if r := officer.form("POST", "/market/"+x.ID+"/approve", nil); r.StatusCode != http.StatusConflict {
			t.Errorf("approving a draft: %d, want 409", r.StatusCode)
		}
		marketStatus(t, owner.form("POST", "/market/"+x.ID+"/submit", nil), http.StatusSeeOther, "submit again")
		got, err = ts.st.Opportunity(context.Background(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ReviewComment != "" || got.Status != opportunity.InReview {
			t.Errorf("after resubmitting: %s %q", got.Status, got.ReviewComment)
		}
		queue := officer.get("/market/review")
		marketStatus(t, queue, http.StatusOK, "review queue")
		if !strings.Contains(queue.Body, "/market/"+x.ID) {
			t.Error("the review queue lacks the listing")
		}
		if r := owner.get("/market/review"); r.StatusCode != http.StatusForbidden {
			t.Errorf("a member opens the review queue: %d", r.StatusCode)
		}
	})
}

// TestMarket_ListingsPastTheirDeadlineAreExpiredNotOpen: a published
// listing whose deadline passed leaves the open list, shows as expired,
// and refuses interests.
func TestMarket_ListingsPastTheirDeadlineAreExpiredNotOpen(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		_, ownerUser := ts.user(t, "owner@example.org", account.Member)
		member, _ := ts.user(t, "member@example.org", account.Member)
		org := marketOrg(t, ts.st, ownerUser, "Minsk Optics", "BY", "")
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(opportunity.DateLayout)
		x := marketListing(t, ts.st, org.ID, opportunity.Published, func(x *opportunity.Opportunity) { x.Deadline = tomorrow })
		open := marketListing(t, ts.st, org.ID, opportunity.Published, func(x *opportunity.Opportunity) { x.Title = "Open lens coating" })
		// Time passes: the deadline is now in the past.
		if _, err := ts.st.DB().Exec(`UPDATE opportunities SET deadline = '2020-01-31' WHERE id = $1`, x.ID); err != nil {
			t.Fatal(err)
		}
		list := member.get("/api/v1/opportunities")
		if strings.Contains(list.Body, x.ID) || !strings.Contains(list.Body, open.ID) {
			t.Fatalf("open listings: %s", list.Body)
		}
		expired := member.get("/api/v1/opportunities?status=expired")
		if !strings.Contains(expired.Body, x.ID) || !strings.Contains(expired.Body, `"status":"expired"`) || strings.Contains(expired.Body, open.ID) {
			t.Fatalf("expired listings: %s", expired.Body)
		}
		if r := member.get("/market/" + x.ID); !strings.Contains(r.Body, "Expired") || strings.Contains(r.Body, `id="send-interest"`) {
			t.Error("the expired listing's page does not say so, or still takes interests")
		}
		res := member.json("POST", "/api/v1/opportunities/"+x.ID+"/interests", map[string]any{"who_we_are": "A lab", "what_we_propose": "Tests"})
		marketStatus(t, res, http.StatusConflict, "interest in an expired listing")
	})
}

// TestMarket_FiltersSelectByKindFieldCountryBRITRLAndDeadline checks each
// filter of the list against listings made to tell them apart.
func TestMarket_FiltersSelectByKindFieldCountryBRITRLAndDeadline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		cn := marketOrg(t, ts.st, nil, "Harbin Institute", "CN", "")
		de := marketOrg(t, ts.st, nil, "Aachen Lab", "DE", "")
		soon := time.Now().UTC().AddDate(0, 1, 0).Format(opportunity.DateLayout)
		late := time.Now().UTC().AddDate(1, 0, 0).Format(opportunity.DateLayout)
		offer := marketListing(t, ts.st, cn.ID, opportunity.Published, func(x *opportunity.Opportunity) {
			x.Title, x.TRL, x.Deadline, x.CountriesSought, x.Fields = "Graphene membranes", 4, soon, []string{"PK"}, []string{"2.5"}
		})
		request := marketListing(t, ts.st, de.ID, opportunity.Published, func(x *opportunity.Opportunity) {
			x.Kind, x.Title, x.TRL, x.Deadline, x.Fields = opportunity.TechnologyRequest, "Wind turbine blades", 8, late, []string{"2.3"}
		})
		research := marketListing(t, ts.st, cn.ID, opportunity.Published, func(x *opportunity.Opportunity) {
			x.Kind, x.Title, x.TRL, x.Fields = opportunity.ResearchCooperation, "Glacier hydrology", 0, []string{"1.5"}
		})
		marketListing(t, ts.st, cn.ID, opportunity.Draft, func(x *opportunity.Opportunity) { x.Title = "Unpublished draft" })
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{offer.ID, request.ID, research.ID}},
			{"kind=technology_request", []string{request.ID}},
			{"field=2", []string{offer.ID, request.ID}},
			{"field=2.5", []string{offer.ID}},
			{"country=DE", []string{request.ID}},
			{"seeks=PK", []string{offer.ID}},
			{"bri=true", []string{offer.ID, research.ID}},
			{"trl_min=5", []string{request.ID}},
			{"trl_max=5", []string{offer.ID}},
			{"trl_min=3&trl_max=9", []string{offer.ID, request.ID}},
			{"deadline_from=" + late, []string{request.ID, research.ID}},
			{"deadline_to=" + soon, []string{offer.ID}},
			{"q=graphene", []string{offer.ID}},
			{"q=turbine&country=CN", nil},
		}
		for _, tc := range cases {
			res := c.get("/api/v1/opportunities?" + tc.query)
			marketStatus(t, res, http.StatusOK, tc.query)
			var list List[opportunity.Opportunity]
			if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, x := range list.Items {
				got[x.ID] = true
			}
			if len(got) != len(tc.want) {
				t.Errorf("%q: %d listings, want %d", tc.query, len(got), len(tc.want))
			}
			for _, id := range tc.want {
				if !got[id] {
					t.Errorf("%q lacks %s", tc.query, id)
				}
			}
		}
	})
}

// TestMarket_AnonymousOwnersAreNotFoundByNameOrOrganisation: neither a
// search for the owner's name nor a list of the owner's listings tells a
// visitor which anonymous listing is theirs.
func TestMarket_AnonymousOwnersAreNotFoundByNameOrOrganisation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		_, ownerUser := ts.user(t, "owner@example.org", account.Member)
		owner2, _ := ts.user(t, "owner2@example.org", account.Member)
		org := marketOrg(t, ts.st, ownerUser, "Quillabamba Coffee Cooperative", "PE", "")
		hidden := marketListing(t, ts.st, org.ID, opportunity.Published, func(x *opportunity.Opportunity) { x.Anonymous = true })
		shown := marketListing(t, ts.st, org.ID, opportunity.Published, func(x *opportunity.Opportunity) { x.Title = "Coffee roasting" })
		for _, q := range []string{"q=Quillabamba", "owner=" + org.ID} {
			body := owner2.get("/api/v1/opportunities?" + q).Body
			if strings.Contains(body, hidden.ID) {
				t.Errorf("%s finds the anonymous listing", q)
			}
		}
		if !strings.Contains(owner2.get("/api/v1/opportunities?owner="+org.ID).Body, shown.ID) {
			t.Error("the owner filter lost the named listing")
		}
		if r := owner2.get("/recommendations/opportunities/" + hidden.ID); r.StatusCode != http.StatusForbidden {
			t.Errorf("partners of an anonymous owner are shown to a stranger: %d", r.StatusCode)
		}
	})
}

// TestMarket_BadInputIsRefusedWithFieldMessagesAndChangesNothing sends
// wrong values to every marketplace form and API call.
func TestMarket_BadInputIsRefusedWithFieldMessagesAndChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		owner, ownerUser := ts.user(t, "owner@example.org", account.Member)
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		member, memberUser := ts.user(t, "member@example.org", account.Member)
		org := marketOrg(t, ts.st, ownerUser, "Lahore Textile Lab", "PK", "")
		draft := marketListing(t, ts.st, org.ID, opportunity.Draft)
		review := marketListing(t, ts.st, org.ID, opportunity.InReview)
		open := marketListing(t, ts.st, org.ID, opportunity.Published)
		ss := &opportunity.SavedSearch{Name: "Textiles", Filter: opportunity.Filter{Query: "textile"}}
		if err := ts.st.CreateSavedSearch(context.Background(), store.Actor{UserID: memberUser.ID}, ss); err != nil {
			t.Fatal(err)
		}
		good := map[string]any{"owner_organisation_id": org.ID, "kind": "technology_offer", "title": "Dyes", "description": "Natural dyes", "trl": 5}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for a, b := range good {
				m[a] = b
			}
			m[k] = v
			return m
		}
		past := time.Now().UTC().AddDate(0, 0, -1).Format(opportunity.DateLayout)
		cases := []struct {
			name   string
			c      *client
			method string
			path   string
			form   url.Values
			body   any
			status int
			field  string
		}{
			{"API listing without title", owner, "POST", "/api/v1/opportunities", nil, with("title", " "), 422, "title"},
			{"API listing of an unknown kind", owner, "POST", "/api/v1/opportunities", nil, with("kind", "gift"), 422, "kind"},
			{"API offer with TRL 12", owner, "POST", "/api/v1/opportunities", nil, with("trl", 12), 422, "trl"},
			{"API offer without TRL", owner, "POST", "/api/v1/opportunities", nil, with("trl", 0), 422, "trl"},
			{"API partner search with a TRL", owner, "POST", "/api/v1/opportunities", nil, with("kind", "partner_search"), 422, "trl"},
			{"API deadline passed", owner, "POST", "/api/v1/opportunities", nil, with("deadline", past), 422, "deadline"},
			{"API deadline malformed", owner, "POST", "/api/v1/opportunities", nil, with("deadline", "31/12/2030"), 422, "deadline"},
			{"API unknown country sought", owner, "POST", "/api/v1/opportunities", nil, with("countries_sought", []string{"XX"}), 422, "countries_sought"},
			{"API unknown field", owner, "POST", "/api/v1/opportunities", nil, with("fields", []string{"9.9"}), 422, "fields"},
			{"API unknown partnership", owner, "POST", "/api/v1/opportunities", nil, with("partnership_types", []string{"marriage"}), 422, "partnership_types"},
			{"API unknown JSON field", owner, "POST", "/api/v1/opportunities", nil, with("colour", "red"), 400, "colour"},
			{"API TRL as text", owner, "POST", "/api/v1/opportunities", nil, `{"trl": "five"}`, 400, "trl"},
			{"API owner changed", owner, "PUT", "/api/v1/opportunities/" + draft.ID, nil, with("owner_organisation_id", memberUser.ID), 422, "owner_organisation_id"},
			{"API return without comment", officer, "POST", "/api/v1/opportunities/" + review.ID + "/return", nil, map[string]any{"comment": ""}, 422, "comment"},
			{"API interest without message", member, "POST", "/api/v1/opportunities/" + open.ID + "/interests", nil, map[string]any{"who_we_are": "", "what_we_propose": ""}, 422, "who_we_are"},
			{"API interest too long", member, "POST", "/api/v1/opportunities/" + open.ID + "/interests", nil, map[string]any{"who_we_are": strings.Repeat("a", 2001), "what_we_propose": "x"}, 422, "who_we_are"},
			{"API interest for own listing", owner, "POST", "/api/v1/opportunities/" + open.ID + "/interests", nil, map[string]any{"who_we_are": "us", "what_we_propose": "x"}, 422, "from_organisation_id"},
			{"API saved search without name", member, "POST", "/api/v1/saved-searches", nil, map[string]any{"name": "", "filter": map[string]any{"q": "dyes"}}, 422, "name"},
			{"API saved search with a bad TRL range", member, "POST", "/api/v1/saved-searches", nil, map[string]any{"name": "x", "filter": map[string]any{"trl_min": 7, "trl_max": 3}}, 422, "trl_max"},
			{"API saved search renamed empty", member, "PUT", "/api/v1/saved-searches/" + ss.ID, nil, map[string]any{"name": ""}, 422, "name"},
			{"API list with TRL 0", member, "GET", "/api/v1/opportunities?trl_min=zero", nil, nil, 422, "trl_min"},
			{"API list of an unknown kind", member, "GET", "/api/v1/opportunities?kind=gift", nil, nil, 422, "kind"},
			{"API list with a malformed date", member, "GET", "/api/v1/opportunities?deadline_from=tomorrow", nil, nil, 422, "deadline_from"},
			{"API recommendations for 1000", member, "GET", "/api/v1/recommendations/organisations/" + org.ID + "?limit=1000", nil, nil, 422, "limit"},
			{"form listing without title", owner, "POST", "/market", url.Values{"owner_organisation_id": {org.ID}, "kind": {"technology_offer"}, "description": {"x"}, "trl": {"4"}}, nil, 422, "title"},
			{"form listing with TRL text", owner, "POST", "/market", url.Values{"owner_organisation_id": {org.ID}, "kind": {"technology_offer"}, "title": {"x"}, "description": {"x"}, "trl": {"high"}}, nil, 422, "trl"},
			{"form edit with past deadline", owner, "POST", "/market/" + draft.ID, url.Values{"kind": {"technology_offer"}, "title": {"x"}, "description": {"x"}, "trl": {"4"}, "deadline": {past}}, nil, 422, "deadline"},
			{"form interest without message", member, "POST", "/market/" + open.ID + "/interests", url.Values{"who_we_are": {""}}, nil, 422, "who_we_are"},
			{"form save search without name", member, "POST", "/saved-searches", url.Values{"q": {"dyes"}, "name": {""}}, nil, 422, "name"},
			{"form save search with unknown field", member, "POST", "/saved-searches", url.Values{"field": {"77"}, "name": {"x"}}, nil, 422, "field"},
			{"form rename search to nothing", member, "POST", "/saved-searches/" + ss.ID, url.Values{"name": {""}}, nil, 422, "name"},
			{"form list with TRL 10", member, "GET", "/market?trl_max=10", nil, nil, 422, "trl_max"},
			{"form partners for 0", member, "GET", "/recommendations/organisations/" + org.ID + "?limit=0", nil, nil, 422, "limit"},
		}
		for _, tc := range cases {
			before := dbFingerprint(t, ts.st)
			var res response
			switch {
			case tc.form != nil:
				res = tc.c.form(tc.method, tc.path, tc.form)
			case tc.method == "GET":
				res = tc.c.get(tc.path)
			default:
				res = tc.c.json(tc.method, tc.path, tc.body)
			}
			if res.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d: %.400s", tc.name, res.StatusCode, tc.status, res.Body)
				continue
			}
			if strings.HasPrefix(tc.path, "/api/") {
				var p Problem
				if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
					t.Errorf("%s: not problem details: %s", tc.name, res.Body)
					continue
				}
				found := false
				for _, f := range p.Errors {
					found = found || (f.Field == tc.field && f.Message != "" && f.Message != f.Code)
				}
				if !found {
					t.Errorf("%s: no translated message for field %q: %s", tc.name, tc.field, res.Body)
				}
			} else if !strings.Contains(res.Body, `id="`+tc.field+`-error"`) {
				t.Errorf("%s: no message beside field %q", tc.name, tc.field)
			}
			if d := diffFingerprints(before, dbFingerprint(t, ts.st)); d != "" {
				t.Errorf("%s: refused but changed %s", tc.name, d)
			}
		}
	})
}

// TestMarket_SavedSearchNotifiesAndFeedsNewMatches: approving a listing
// notifies the members whose saved search it matches (once), and the
// saved search's Atom feed lists it under stable ids, at an address that
// only its token opens.
func TestMarket_SavedSearchNotifiesAndFeedsNewMatches(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		owner, ownerUser := ts.user(t, "owner@example.org", account.Member)
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		member, memberUser := ts.user(t, "member@example.org", account.Member)
		org := marketOrg(t, ts.st, ownerUser, "Dushanbe Hydro", "TJ", "")

		marketStatus(t, member.form("POST", "/saved-searches", url.Values{"name": {"Hydro in BRI"}, "q": {"水电"}, "bri": {"1"}}),
			http.StatusSeeOther, "save search")
		searches, err := ts.st.SavedSearches(ctx, memberUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(searches) != 1 || searches[0].Filter.Query != "水电" || !searches[0].Filter.BRIPartner {
			t.Fatalf("saved: %+v", searches)
		}
		ss := searches[0]

		match := marketListing(t, ts.st, org.ID, opportunity.InReview, func(x *opportunity.Opportunity) {
			x.Kind, x.TRL, x.Title, x.Description = opportunity.ResearchCooperation, 0, "小型水电站联合研究", "Small hydropower"
		})
		other := marketListing(t, ts.st, org.ID, opportunity.InReview, func(x *opportunity.Opportunity) { x.Title = "Textile dyes" })
		marketStatus(t, officer.form("POST", "/market/"+match.ID+"/approve", nil), http.StatusSeeOther, "approve match")
		marketStatus(t, officer.form("POST", "/market/"+other.ID+"/approve", nil), http.StatusSeeOther, "approve other")

		notes, unread, err := ts.st.Notifications(ctx, memberUser.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 || unread != 1 || notes[0].Kind != opportunity.NotifyMatch || notes[0].OpportunityID != match.ID {
			t.Fatalf("notifications %+v (unread %d), want one match of %s", notes, unread, match.ID)
		}
		own, _, err := ts.st.Notifications(ctx, ownerUser.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(own) != 2 {
			t.Errorf("the owner's managers got %d notifications, want the two approvals", len(own))
		}
		// Edited and approved again: still news only once.
		if _, err := ts.st.UpdateOpportunity(ctx, store.Actor{}, match.ID, func(x *opportunity.Opportunity) { x.Description += "." }); err != nil {
			t.Fatal(err)
		}
		marketStatus(t, owner.form("POST", "/market/"+match.ID+"/submit", nil), http.StatusSeeOther, "resubmit")
		marketStatus(t, officer.form("POST", "/market/"+match.ID+"/approve", nil), http.StatusSeeOther, "approve again")
		notes, _, err = ts.st.Notifications(ctx, memberUser.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 {
			t.Errorf("%d notifications after a second approval, want 1", len(notes))
		}
		page := member.get("/market/mine")
		if !strings.Contains(page.Body, "小型水电站联合研究") || !strings.Contains(page.Body, `id="unread"`) {
			t.Error("the member's marketplace page does not list the notification")
		}
		marketStatus(t, member.form("POST", "/market/notifications/read", nil), http.StatusSeeOther, "mark read")
		_, unread, err = ts.st.Notifications(ctx, memberUser.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if unread != 0 {
			t.Errorf("%d unread after marking all read", unread)
		}

		feed := ts.client(t).get("/feeds/market?token=" + ss.FeedToken)
		marketStatus(t, feed, http.StatusOK, "feed")
		if ct := feed.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("feed content type %q", ct)
		}
		var doc struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Title   string   `xml:"title"`
			Updated string   `xml:"updated"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(feed.Body), &doc); err != nil {
			t.Fatalf("the feed is not Atom XML: %v\n%s", err, feed.Body)
		}
		if doc.ID != "urn:uuid:"+ss.ID || doc.Title == "" || len(doc.Entries) != 1 || doc.Entries[0].ID != "urn:uuid:"+match.ID ||
			!strings.HasSuffix(doc.Entries[0].Link.Href, "/market/"+match.ID) {
			t.Fatalf("feed %+v", doc)
		}
		for _, s := range []string{doc.Updated, doc.Entries[0].Updated} {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				t.Errorf("updated %q is not an RFC 3339 date", s)
			}
		}
		if again := ts.client(t).get("/feeds/market?token=" + ss.FeedToken); again.Body != feed.Body {
			t.Error("the same feed read twice differs")
		}
		for _, bad := range []string{"", "nope", strings.Repeat("A", 43), ss.ID} {
			if r := ts.client(t).get("/feeds/market?token=" + url.QueryEscape(bad)); r.StatusCode != http.StatusNotFound {
				t.Errorf("feed with token %q: %d", bad, r.StatusCode)
			}
		}
		marketStatus(t, member.form("POST", "/saved-searches/"+ss.ID+"/feed", nil), http.StatusSeeOther, "renew feed")
		if r := ts.client(t).get("/feeds/market?token=" + ss.FeedToken); r.StatusCode != http.StatusNotFound {
			t.Errorf("the old feed address still works: %d", r.StatusCode)
		}
		if r := owner.form("POST", "/saved-searches/"+ss.ID+"/delete", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("another member deletes the saved search: %d", r.StatusCode)
		}
		if marketAuditCount(t, ts.st, "saved_search", ss.ID, "renew_feed") != 1 {
			t.Error("renewing the feed was not audited")
		}
	})
}

// TestMarket_EveryMarketMessageIsInSixLanguages: each catalogue of the
// marketplace has every message of the English one, with the same
// placeholders in every plural form, and every message renders.
func TestMarket_EveryMarketMessageIsInSixLanguages(t *testing.T) {
	// forms reads a catalogue: each message as its plural forms (a plain
	// message is one form, "other").
	forms := func(lang string) map[string]map[string]string {
		b, err := localeFS.ReadFile("locales/market." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		raw := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatalf("market.%s.json: %v", lang, err)
		}
		out := map[string]map[string]string{}
		for id, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				out[id] = map[string]string{"other": s}
				continue
			}
			m := map[string]string{}
			if err := json.Unmarshal(v, &m); err != nil {
				t.Fatalf("market.%s.json %s: %v", lang, id, err)
			}
			out[id] = m
		}
		return out
	}
	placeholder := regexp.MustCompile(`\{\{\.(\w+)\}\}`)
	en := forms("en")
	srv := newTestServer(t, store.SQLite).srv
	for _, lang := range []string{"en", "zh", "ru", "ar", "fr", "es"} {
		m := forms(lang)
		tr := srv.translator(Language{Tag: lang})
		for id, text := range en {
			got, ok := m[id]
			if !ok || strings.TrimSpace(got["other"]) == "" {
				t.Errorf("market.%s.json lacks %s", lang, id)
				continue
			}
			for form, s := range got {
				for _, p := range placeholder.FindAllString(text["other"], -1) {
					if !strings.Contains(s, p) {
						t.Errorf("market.%s.json %s (%s) lacks %s", lang, id, form, p)
					}
				}
			}
			for _, n := range []int{0, 1, 2, 3, 5, 11, 21, 100} {
				data := []any{"Max", 10, "Len", 12, "Value", "x", "Title", "t", "Date", "d", "Name", "n", "Kind", "k",
					"Size", "s", "Country", "c", "Status", "s", "Via", "v", "Parts", "p", "Terms", "t", "Type", "y"}
				if strings.Contains(text["other"], "{{.Count}}") {
					// Only counted messages get a count: it selects the plural form.
					data = append(data, "Count", n)
				}
				if out := tr.T(id, data...); out == id || out == "" {
					t.Errorf("market.%s.json %s does not render for %d", lang, id, n)
				}
			}
		}
		for id := range m {
			if _, ok := en[id]; !ok {
				t.Errorf("market.%s.json has %s, which English lacks", lang, id)
			}
		}
	}
}

// TestMarket_DeletingAnAccountErasesItsMarketplaceData: a member's
// download holds their interests and saved searches; deleting the account
// removes their personal interests (or keeps them without the person,
// when they choose to), their saved searches and notifications, and keeps
// an interest sent for an organisation, which is the organisation's.
func TestMarket_DeletingAnAccountErasesItsMarketplaceData(t *testing.T) {
	for _, anonymise := range []bool{false, true} {
		t.Run(map[bool]string{false: "remove", true: "anonymise"}[anonymise], func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, ts *testServer) {
				ctx := context.Background()
				_, ownerUser := ts.user(t, "owner@example.org", account.Member)
				member, memberUser := ts.user(t, "member@example.org", account.Member)
				org := marketOrg(t, ts.st, ownerUser, "Baku Oil Lab", "AZ", "")
				memberOrg := marketOrg(t, ts.st, memberUser, "Ganja Startups", "AZ", "")
				x := marketListing(t, ts.st, org.ID, opportunity.Published)
				personal := &opportunity.Interest{OpportunityID: x.ID, WhoWeAre: "Me", WhatWePropose: "Help"}
				forOrg := &opportunity.Interest{OpportunityID: x.ID, FromOrgID: memberOrg.ID, WhoWeAre: "Us", WhatWePropose: "Help"}
				for _, i := range []*opportunity.Interest{personal, forOrg} {
					if err := ts.st.CreateInterest(ctx, store.Actor{UserID: memberUser.ID}, i); err != nil {
						t.Fatal(err)
					}
				}
				if err := ts.st.CreateSavedSearch(ctx, store.Actor{UserID: memberUser.ID}, &opportunity.SavedSearch{Name: "Oil", Filter: opportunity.Filter{Query: "oil"}}); err != nil {
					t.Fatal(err)
				}
				export := member.get("/api/v1/me/export")
				marketStatus(t, export, http.StatusOK, "export")
				if !strings.Contains(export.Body, `"marketplace"`) || !strings.Contains(export.Body, personal.ID) || !strings.Contains(export.Body, `"Oil"`) {
					t.Fatalf("the download lacks the marketplace data: %.500s", export.Body)
				}
				if err := ts.st.DeleteUser(ctx, store.Actor{UserID: memberUser.ID}, memberUser.ID, anonymise); err != nil {
					t.Fatalf("delete the account: %v", err)
				}
				_, err := ts.st.Interest(ctx, personal.ID)
				if kept := err == nil; kept != anonymise {
					t.Errorf("personal interest kept: %v, want %v", kept, anonymise)
				}
				kept, err := ts.st.Interest(ctx, forOrg.ID)
				if err != nil || kept.FromUserID != "" || kept.From.PersonName != store.AnonymousName || kept.FromOrgID != memberOrg.ID {
					t.Errorf("the organisation's interest: %+v, %v", kept, err)
				}
				ss, err := ts.st.SavedSearches(ctx, memberUser.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ss) != 0 {
					t.Errorf("%d saved searches left", len(ss))
				}
				n, _, err := ts.st.Notifications(ctx, memberUser.ID, 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(n) != 0 {
					t.Errorf("%d notifications left", len(n))
				}
			})
		})
	}
}

// marketCooperation stores a cooperation between orgs, the first one coordinating.
func marketCooperation(t *testing.T, st *store.Store, title string, start string, orgs ...*organisation.Organisation) *cooperation.Cooperation {
	t.Helper()
	c := &cooperation.Cooperation{Title: title, StartDate: start, Fields: []string{"2.7"}, Programme: "SC5"}
	for i, o := range orgs {
		role := cooperation.RoleParticipant
		if i == 0 {
			role = cooperation.RoleCoordinator
		}
		c.Partners = append(c.Partners, cooperation.Partner{OrgID: o.ID, Role: role})
	}
	if err := st.CreateCooperation(context.Background(), store.Actor{}, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMarket_RecommendationsRankPartnersWithReasons: partners of partners
// and past partners are proposed with reasons in the reader's language;
// a cooperation's own partners are never proposed for it; favouring BRI
// partner countries never ranks one lower.
func TestMarket_RecommendationsRankPartnersWithReasons(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		cn := marketOrg(t, ts.st, nil, "Lanzhou Desert Research", "CN", "")
		de := marketOrg(t, ts.st, nil, "Kassel Water Lab", "DE", "")
		kz := marketOrg(t, ts.st, nil, "Almaty Hydro Institute", "KZ", "")
		fr := marketOrg(t, ts.st, nil, "Montpellier Agronomy", "FR", "")
		it := marketOrg(t, ts.st, nil, "Bologna Soil Centre", "IT", "")
		coop := marketCooperation(t, ts.st, "Desert water harvesting", "2019-01-01", cn, de)
		marketCooperation(t, ts.st, "Glacier water resources", "2020-03-01", de, kz)
		marketCooperation(t, ts.st, "Water reuse in agriculture", "2021-05-01", de, fr)
		marketCooperation(t, ts.st, "Soil carbon", "2018-05-01", fr, it)

		get := func(path string) partnerList {
			t.Helper()
			res := c.get(path)
			marketStatus(t, res, http.StatusOK, path)
			var l partnerList
			if err := json.Unmarshal([]byte(res.Body), &l); err != nil {
				t.Fatal(err)
			}
			return l
		}
		rank := func(l partnerList, id string) (int, partnerItem) {
			for _, it := range l.Items {
				if it.Organisation.ID == id {
					return it.Rank, it
				}
			}
			return 0, partnerItem{}
		}
		l := get("/api/v1/recommendations/organisations/" + cn.ID)
		if l.For.ID != cn.ID || len(l.Items) == 0 {
			t.Fatalf("recommendations for an organisation: %+v", l)
		}
		if r, _ := rank(l, cn.ID); r != 0 {
			t.Error("an organisation is proposed as its own partner")
		}
		r, item := rank(l, kz.ID)
		if r == 0 {
			t.Fatalf("the partner of a partner is not proposed: %+v", l.Items)
		}
		var via bool
		for _, rs := range item.Reasons {
			if rs.Text == "" || strings.HasPrefix(rs.Text, "market.reason.") {
				t.Errorf("reason %s has no text: %+v", rs.Kind, rs)
			}
			if rs.Kind == "partner_of_partner" && len(rs.Via) == 1 && rs.Via[0].ID == de.ID && strings.Contains(rs.Text, "Kassel Water Lab") {
				via = true
			}
		}
		if !via {
			t.Errorf("the reasons do not name the shared partner: %+v", item.Reasons)
		}
		bri := get("/api/v1/recommendations/organisations/" + cn.ID + "?bri=1")
		if rb, _ := rank(bri, kz.ID); rb == 0 || rb > r || !bri.FavourBRI {
			t.Errorf("favouring BRI partners ranks Kazakhstan %d, without %d", rb, r)
		}
		for _, x := range get("/api/v1/recommendations/cooperations/" + coop.ID).Items {
			if coop.HasPartner(x.Organisation.ID) {
				t.Errorf("a partner of the cooperation is proposed for it: %s", x.Organisation.Name)
			}
		}
		if l := get("/api/v1/recommendations/organisations/" + cn.ID + "?limit=1"); len(l.Items) != 1 {
			t.Errorf("limit 1 gave %d", len(l.Items))
		}
		zh := c.get("/recommendations/organisations/" + cn.ID + "?lang=zh")
		if zh.StatusCode != http.StatusOK || !strings.Contains(zh.Body, "Almaty Hydro Institute") || !strings.Contains(zh.Body, "合作伙伴") {
			t.Errorf("the Chinese page: %d", zh.StatusCode)
		}
		for _, lang := range []string{"ru", "ar", "fr", "es"} {
			page := c.get("/recommendations/organisations/" + cn.ID + "?lang=" + lang)
			if page.StatusCode != http.StatusOK || strings.Contains(page.Body, "market.reason.") {
				t.Errorf("the %s page leaves a reason untranslated (%d)", lang, page.StatusCode)
			}
		}
		if r := c.get("/api/v1/recommendations/organisations/" + de.ID[:8]); r.StatusCode != http.StatusNotFound {
			t.Errorf("a malformed id: %d", r.StatusCode)
		}
		// A listing's partners are those of its owner, for a listing that
		// does not hide its owner.
		x := marketListing(t, ts.st, cn.ID, opportunity.Published, func(x *opportunity.Opportunity) { x.Title = "Fog nets for water" })
		if l := get("/api/v1/recommendations/opportunities/" + x.ID); len(l.Items) == 0 || l.For.Title != "Fog nets for water" {
			t.Errorf("recommendations for a listing: %+v", l)
		}
	})
}

// BenchmarkMarket_RecommendationRequest times whole recommendation
// requests (routing, the queries around the ranking, the ranking and the
// JSON answer) against a database holding the imported Horizon 2020
// record, named by SILKBRIDGE_BENCH_DB (`silkbridge import cordis` fills
// one). Requests alternate between organisations and cooperations as
// seeds; p50_ms and p95_ms are their latencies, build_s the time to build
// the graph of the whole record.
func BenchmarkMarket_RecommendationRequest(b *testing.B) {
	dsn := os.Getenv("SILKBRIDGE_BENCH_DB")
	if dsn == "" {
		b.Skip("SILKBRIDGE_BENCH_DB names no database with the imported record")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		b.Fatal(err)
	}
	ids := func(q string) []string {
		rows, err := st.DB().QueryContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			out = append(out, id)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return out
	}
	// Ids are UUIDs, so their order is a fixed, unbiased sample.
	orgs := ids(`SELECT org_id FROM cooperation_partners GROUP BY org_id ORDER BY org_id LIMIT 300`)
	coops := ids(`SELECT id FROM cooperations WHERE NOT single_beneficiary ORDER BY id LIMIT 300`)
	if len(orgs) == 0 || len(coops) == 0 {
		b.Skip("the database holds no cooperations")
	}
	paths := make([]string, 0, len(orgs)+len(coops))
	for i := range min(len(orgs), len(coops)) {
		bri := ""
		if i%3 == 0 {
			bri = "?bri=1"
		}
		paths = append(paths, "/api/v1/recommendations/organisations/"+orgs[i]+bri, "/api/v1/recommendations/cooperations/"+coops[i]+bri)
	}
	get := func(path string) time.Duration {
		start := time.Now()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		return d
	}
	build := get(paths[0])
	b.ResetTimer()
	times := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		times = append(times, get(paths[i%len(paths)]))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	at := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "p50_ms")
	b.ReportMetric(at(0.95), "p95_ms")
	b.ReportMetric(build.Seconds(), "build_s")
}

// TestMarket_RecommendationsSayWhenUnavailable: when the cooperation
// record cannot be read, the recommendation page and API answer 503 with
// a message, and the rest of the marketplace goes on.
func TestMarket_RecommendationsSayWhenUnavailable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		org := marketOrg(t, ts.st, nil, "Yerevan Optics", "AM", "")
		if _, err := ts.st.DB().Exec(`ALTER TABLE cooperation_partners RENAME TO cooperation_partners_gone`); err != nil {
			t.Fatal(err)
		}
		c := ts.client(t)
		page := c.get("/recommendations/organisations/" + org.ID)
		if page.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page.Body, "not available right now") || page.Header.Get("Retry-After") == "" {
			t.Errorf("page: %d %.300s", page.StatusCode, page.Body)
		}
		api := c.get("/api/v1/recommendations/organisations/" + org.ID)
		if api.StatusCode != http.StatusServiceUnavailable || !strings.Contains(api.Header.Get("Content-Type"), "problem+json") {
			t.Errorf("API: %d %s", api.StatusCode, api.Body)
		}
		marketStatus(t, c.get("/market"), http.StatusOK, "the marketplace")
	})
}
