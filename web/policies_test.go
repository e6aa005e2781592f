package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

// policyWorld is a small platform for the policy tests: an agency and its
// officer, a park, an enterprise in the park managed by a manager (size
// class left blank) with an active joint-research cooperation, a talent
// with a profile and a member without one.
type policyWorld struct {
	ts                       *testServer
	agency, park, ent, uni   *organisation.Organisation
	officer, manager         *client
	officerUser, managerUser *account.User
	talentClient, bareClient *client
}

func newPolicyWorld(t *testing.T, ts *testServer) *policyWorld {
	t.Helper()
	ctx := context.Background()
	w := &policyWorld{ts: ts}
	w.officer, w.officerUser = ts.user(t, "officer@most.example.cn", account.Officer)
	w.agency = &organisation.Organisation{Name: "Ministry of Science and Technology", Kind: organisation.GovernmentAgency, Country: "CN"}
	w.park = &organisation.Organisation{Name: "Khorgos Innovation Park", Kind: organisation.Park, Country: "KZ"}
	w.uni = &organisation.Organisation{Name: "Tashkent Technical University", Kind: organisation.University, Country: "UZ"}
	for _, o := range []*organisation.Organisation{w.agency, w.park, w.uni} {
		if err := ts.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
	}
	// The agency and the park are official issuers: verified by the officer.
	for _, o := range []*organisation.Organisation{w.agency, w.park} {
		if _, err := ts.st.DecideVerification(ctx, store.Actor{UserID: w.officerUser.ID}, o.ID,
			organisation.Decision{Verdict: organisation.VerdictVerify, Reason: "Listed in the national register of agencies and parks"}); err != nil {
			t.Fatal(err)
		}
	}
	w.ent = &organisation.Organisation{Name: "Steppe Solar LLP", Kind: organisation.Enterprise, Country: "KZ", ParkID: w.park.ID, Fields: []string{"2.2"}}
	mgr, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "aigerim@steppesolar.kz", Name: "Aigerim", Password: "amber-lantern-42"}, account.Member)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: mgr.ID}, w.ent); err != nil {
		t.Fatal(err)
	}
	w.manager = ts.client(t)
	if res := w.manager.form("POST", "/signin", url.Values{"email": {"aigerim@steppesolar.kz"}, "password": {"amber-lantern-42"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	w.managerUser, err = ts.st.User(ctx, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	coop := &cooperation.Cooperation{Title: "Solar drying of apricots", StartDate: "2023-03-01", Stage: cooperation.JointResearch,
		Partners: []cooperation.Partner{{OrgID: w.ent.ID, Role: cooperation.RoleCoordinator}, {OrgID: w.uni.ID, Role: cooperation.RoleParticipant}}}
	if err := ts.st.CreateCooperation(ctx, store.Actor{}, coop); err != nil {
		t.Fatal(err)
	}
	var tu *account.User
	w.talentClient, tu = ts.user(t, "dilnoza@example.uz", account.Member)
	if err := ts.st.CreateTalent(ctx, store.Actor{UserID: tu.ID}, &talent.Profile{UserID: tu.ID, Name: "Dilnoza", Country: "UZ",
		CareerStage: "doctoral", Fields: []string{"2.2"}}); err != nil {
		t.Fatal(err)
	}
	w.bareClient, _ = ts.user(t, "nobody@example.org", account.Member)
	return w
}

// policy stores an open policy of the agency with the rule.
func (w *policyWorld) policy(t *testing.T, title, rule string) *policy.Policy {
	t.Helper()
	p := &policy.Policy{IssuerID: w.agency.ID, Jurisdiction: policy.JurisdictionCountry, Country: "CN", Kind: "subsidy",
		Benefit: "A benefit", ValidFrom: "2020-01-01", Texts: []policy.Text{{Lang: "en", Title: title}}, Rule: rule}
	if err := w.ts.st.CreatePolicy(context.Background(), store.Actor{}, p, func(*organisation.Organisation) error { return nil }); err != nil {
		t.Fatalf("policy %s: %v", title, err)
	}
	return p
}

// check asks the API whether the client (as the applicant "as") is eligible.
func check(t *testing.T, c *client, policyID, as string) incentiveAnswer {
	t.Helper()
	res := c.get("/api/v1/policies/" + policyID + "/check?as=" + url.QueryEscape(as))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("check: status %d: %s", res.StatusCode, res.Body)
	}
	var a incentiveAnswer
	if err := json.Unmarshal([]byte(res.Body), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestIncentives_AnswerAndReasonForEachRuleKind runs each kind of condition
// through the store's facts and the API, and reads the answer and the
// reason in words. Park memberships and cooperations are records the
// platform keeps, so they are never unknown; the facts people type (size
// class, fields, career stage, nationality) are unknown while blank.
func TestIncentives_AnswerAndReasonForEachRuleKind(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newPolicyWorld(t, ts)
		ref, err := ts.st.Reference(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		kz, _ := ref.Country("KZ")
		briYes, briNo := "Eligible", "Not eligible"
		if !kz.BRIPartner {
			briYes, briNo = briNo, briYes
		}
		noFields := &organisation.Organisation{Name: "Fieldless Institute", Kind: organisation.ResearchInstitute, Country: "KZ"}
		if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: w.managerUser.ID}, noFields); err != nil {
			t.Fatal(err)
		}
		org := w.ent.ID
		cases := []struct {
			name, rule string
			c          *client
			as         string
			want       string // the answer in words
			reason     string // part of the deciding reason
			missing    string // the missing fact, when unknown
		}{
			{"org_kind eligible", `{"org_kind":["enterprise"]}`, w.manager, org, "Eligible", "Met: organisation kind is enterprise", ""},
			{"org_kind not eligible", `{"org_kind":["university"]}`, w.manager, org, "Not eligible", "Not met: organisation kind is university (the organisation's kind is enterprise)", ""},
			{"org_kind of a person alone", `{"org_kind":["enterprise"]}`, w.talentClient, "me", "Not eligible", "the applicant is not an organisation", ""},
			{"country eligible", `{"country":["KZ","UZ"]}`, w.manager, org, "Eligible", "Met: country is Kazakhstan or Uzbekistan", ""},
			{"country not eligible", `{"country":["CN"]}`, w.manager, org, "Not eligible", "the organisation's country is Kazakhstan", ""},
			{"country unknown", `{"country":["UZ"]}`, w.bareClient, "me", "Unknown", "not known: the person's country", "person.country"},
			{"bri_partner true", `{"bri_partner":true}`, w.manager, org, briYes, "Belt and Road partner", ""},
			{"bri_partner false", `{"bri_partner":false}`, w.manager, org, briNo, "Belt and Road partner", ""},
			{"field eligible", `{"field":["2"]}`, w.manager, org, "Eligible", "Met: has a field in", ""},
			{"field not eligible", `{"field":["3"]}`, w.manager, org, "Not eligible", "Not met: has a field in", ""},
			{"field unknown", `{"field":["2"]}`, w.manager, noFields.ID, "Unknown", "not known: the organisation's fields", "organisation.fields"},
			{"size_class unknown", `{"size_class":["small","medium"]}`, w.manager, org, "Unknown", "not known: the organisation's size class", "organisation.size_class"},
			{"park_member eligible", `{"park_member":"` + w.park.ID + `"}`, w.manager, org, "Eligible", "Met: member of park Khorgos Innovation Park", ""},
			{"park_member not eligible", `{"park_member":true}`, w.manager, noFields.ID, "Not eligible", "the organisation's park memberships: none", ""},
			{"cooperation_stage eligible", `{"cooperation_stage":{"min":"joint_research"}}`, w.manager, org, "Eligible", "the deepest stage among the organisation's active cooperations is joint research", ""},
			{"cooperation_stage not eligible", `{"cooperation_stage":{"min":"joint_lab"}}`, w.manager, org, "Not eligible", "at stage joint lab or deeper", ""},
			{"cooperation_stage none", `{"cooperation_stage":{"min":"exchange"}}`, w.manager, noFields.ID, "Not eligible", "the organisation has no active cooperation", ""},
			{"achievement_trl none", `{"achievement_trl":{"min":4}}`, w.manager, org, "Not eligible", "the organisation has no achievement", ""},
			{"career_stage eligible", `{"career_stage":["doctoral","early"]}`, w.talentClient, "me", "Eligible", "Met: career stage is doctoral candidate or early career", ""},
			{"career_stage not eligible", `{"career_stage":["senior"]}`, w.talentClient, "me", "Not eligible", "the person's career stage is doctoral candidate", ""},
			{"career_stage unknown", `{"career_stage":["senior"]}`, w.bareClient, "me", "Unknown", "not known: the person's career stage", "person.career_stage"},
			{"nationality eligible", `{"nationality":["UZ"]}`, w.talentClient, "me", "Eligible", "Met: nationality is Uzbekistan", ""},
			{"nationality not eligible", `{"nationality":["CN"]}`, w.talentClient, "me", "Not eligible", "Not met: nationality is China", ""},
			{"nationality unknown", `{"nationality":["CN"]}`, w.bareClient, "me", "Unknown", "not known: the person's nationality", "person.nationality"},
			{"all with not", `{"all":[{"org_kind":["enterprise"]},{"not":{"size_class":["large"]}}]}`, w.manager, org, "Unknown", "Unknown: size class is not large", "organisation.size_class"},
			{"any", `{"any":[{"country":["CN"]},{"park_member":true}]}`, w.manager, org, "Eligible", "Met: member of a park", ""},
		}
		for _, c := range cases {
			p := w.policy(t, c.name, c.rule)
			a := check(t, c.c, p.ID, c.as)
			reasons := strings.Join(a.Reasons, "\n")
			if a.Answer != c.want || !strings.Contains(reasons, c.reason) {
				t.Errorf("%s: answer %q, reasons\n%s\nwant %q with %q", c.name, a.Answer, reasons, c.want, c.reason)
			}
			var missing []string
			for _, m := range a.Missing {
				missing = append(missing, string(m.Fact))
				if m.Link == "" || m.Label == "" {
					t.Errorf("%s: missing fact %s has no label or link", c.name, m.Fact)
				}
			}
			if got := strings.Join(missing, ","); got != c.missing {
				t.Errorf("%s: missing %q, want %q", c.name, got, c.missing)
			}
		}
	})
}

// TestIncentives_FillingTheMissingFactDecides proves the loop the page
// offers: unknown names the size class and links to the organisation's
// form; once saved, the answer is eligible, in the page and in the API.
func TestIncentives_FillingTheMissingFactDecides(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newPolicyWorld(t, ts)
	p := w.policy(t, "SME innovation voucher", `{"all":[{"org_kind":["enterprise"]},{"size_class":["small","medium"]}]}`)

	page := w.manager.get("/incentives")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `data-outcome="unknown"`) ||
		!strings.Contains(page.Body, `href="/organisations/`+w.ent.ID+`/edit"`) {
		t.Fatalf("incentives page: %d\n%s", page.StatusCode, page.Body)
	}
	if _, err := ts.st.UpdateOrganisation(context.Background(), store.Actor{UserID: w.managerUser.ID}, w.ent.ID, func(o *organisation.Organisation) { o.SizeClass = "small" }); err != nil {
		t.Fatal(err)
	}
	if a := check(t, w.manager, p.ID, w.ent.ID); a.Answer != "Eligible" {
		t.Fatalf("after filling the size class: %q %v", a.Answer, a.Reasons)
	}
	// A Chinese reader reads the same answer in Chinese.
	res := w.manager.get("/incentives?lang=zh")
	if !strings.Contains(res.Body, "符合条件") || !strings.Contains(res.Body, "规模为小型或中型") {
		t.Fatalf("the Chinese page lacks the answer or reason:\n%s", res.Body)
	}
}

// TestIncentives_RefusesVisitorsAndOthersOrganisations: the check needs a
// signed-in user and checks only organisations they manage.
func TestIncentives_RefusesVisitorsAndOthersOrganisations(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newPolicyWorld(t, ts)
	if res := ts.client(t).get("/api/v1/incentives"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("visitor: %d", res.StatusCode)
	}
	res := w.talentClient.get("/api/v1/incentives?as=" + w.ent.ID)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field":"as"`) {
		t.Fatalf("another's organisation: %d %s", res.StatusCode, res.Body)
	}
}

// TestPolicies_RefuseBadInputWithFieldMessagesAndNoChange sends bad forms
// and API bodies; each is refused with a 4xx naming the field, and the
// number of policies stays as it was.
func TestPolicies_RefuseBadInputWithFieldMessagesAndNoChange(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newPolicyWorld(t, ts)
	good := func() url.Values {
		return url.Values{"issuer_id": {w.agency.ID}, "jurisdiction": {"country"}, "country": {"CN"}, "kind": {"grant"},
			"benefit": {"Up to 1 million CNY"}, "valid_from": {"2025-01-01"}, "title_en": {"Belt and Road joint lab grant"},
			"rule": {`{"all":[{"bri_partner":true},{"cooperation_stage":{"min":"joint_research"}}]}`}}
	}
	count := func() int {
		_, pg, err := ts.st.Policies(context.Background(), policy.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return pg.Total
	}
	cases := []struct {
		name, field, value, want string
	}{
		{"rule not JSON", "rule", `{"all":[`, "The eligibility rule cannot be read"},
		{"rule unknown kind", "rule", `{"org_type":["enterprise"]}`, "org_type"},
		{"rule bad country", "rule", `{"country":["XX"]}`, "country"},
		{"rule bad size", "rule", `{"size_class":["micro"]}`, "micro"},
		{"rule empty", "rule", ``, "The eligibility rule cannot be read"},
		{"no title", "title_en", "", "Write the title in at least one language"},
		{"bad kind", "kind", "loan", "Not one of the choices"},
		{"bad date", "valid_from", "2025-13-40", "is not a date"},
		{"until before from", "valid_until", "2024-01-01", "before its start"},
		{"bad link", "links", "ftp://example.org", "web address"},
		{"not an issuer", "issuer_id", w.uni.ID, "government agency or a park"},
		{"unknown park", "jurisdiction", "park", "This field is required"},
	}
	before := count()
	for _, c := range cases {
		f := good()
		f.Set(c.field, c.value)
		res := w.officer.form("POST", "/policies", f)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.want) {
			t.Errorf("%s: form status %d, want 422 with %q", c.name, res.StatusCode, c.want)
		}
	}
	if res := w.officer.form("POST", "/policies", good()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good form: %d\n%s", res.StatusCode, res.Body)
	}
	if got := count(); got != before+1 {
		t.Fatalf("policies: %d, want %d (only the good form stored)", got, before+1)
	}
	// The API names the rule's problem in the field message too.
	res := w.officer.json("POST", "/api/v1/policies", map[string]any{"issuer_id": w.agency.ID, "jurisdiction": "country", "country": "CN",
		"kind": "grant", "benefit": "x", "valid_from": "2025-01-01", "texts": []map[string]string{{"lang": "en", "title": "T"}},
		"rule": map[string]any{"all": []any{map[string]any{"trl": 5}}}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field":"rule"`) || !strings.Contains(res.Body, "all[0]") {
		t.Fatalf("API bad rule: %d %s", res.StatusCode, res.Body)
	}
	if res := w.officer.json("POST", "/api/v1/policies", `{"issuer_id": 5}`); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("API malformed: %d", res.StatusCode)
	}
	if got := count(); got != before+1 {
		t.Fatalf("policies after API refusals: %d, want %d", got, before+1)
	}
}

// TestPolicies_ListFiltersSearchFallbackAndFeed: filters by kind, issuer,
// country and open now; search finds Chinese text; a policy written only in
// Russian is shown to an English reader marked as a fallback; the Atom feed
// lists new and changed policies.
func TestPolicies_ListFiltersSearchFallbackAndFeed(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newPolicyWorld(t, ts)
	open := w.policy(t, "Open grant", `{"org_kind":["enterprise"]}`)
	closed := &policy.Policy{IssuerID: w.agency.ID, Jurisdiction: "country", Country: "CN", Kind: "tax_reduction", Benefit: "15% rate",
		ValidFrom: "2010-01-01", ValidUntil: "2012-12-31", Texts: []policy.Text{{Lang: "zh", Title: "高新技术企业所得税优惠"}}, Rule: `{"org_kind":["enterprise"]}`}
	russian := &policy.Policy{IssuerID: w.park.ID, Jurisdiction: "park", ParkID: w.park.ID, Kind: "visa_residence", Benefit: "Виза",
		ValidFrom: "2020-01-01", Texts: []policy.Text{{Lang: "ru", Title: "Ускоренная виза для исследователей"}}, Rule: `{"career_stage":["senior"]}`}
	for _, p := range []*policy.Policy{closed, russian} {
		if err := ts.st.CreatePolicy(context.Background(), store.Actor{}, p, func(*organisation.Organisation) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	v := ts.client(t)
	for _, c := range []struct {
		query       string
		want, avoid []string
	}{
		{"?open=1", []string{open.ID, russian.ID}, []string{closed.ID}},
		{"?kind=tax_reduction", []string{closed.ID}, []string{open.ID, russian.ID}},
		{"?issuer=" + w.park.ID, []string{russian.ID}, []string{open.ID, closed.ID}},
		{"?country=KZ", []string{russian.ID}, []string{open.ID, closed.ID}},
		{"?q=" + url.QueryEscape("所得税"), []string{closed.ID}, []string{open.ID, russian.ID}},
	} {
		res := v.get("/policies" + c.query + "&lang=en")
		for _, id := range c.want {
			if !strings.Contains(res.Body, `id="policy-`+id+`"`) {
				t.Errorf("%s: lacks %s", c.query, id)
			}
		}
		for _, id := range c.avoid {
			if strings.Contains(res.Body, `id="policy-`+id+`"`) {
				t.Errorf("%s: shows %s", c.query, id)
			}
		}
	}
	res := v.get("/policies/" + russian.ID + "?lang=en")
	if !strings.Contains(res.Body, `id="fallback"`) || !strings.Contains(res.Body, "Ускоренная виза") {
		t.Fatalf("fallback not marked:\n%s", res.Body)
	}
	feed := v.get("/policies/feed.atom")
	if !strings.HasPrefix(feed.Header.Get("Content-Type"), "application/atom+xml") || !strings.Contains(feed.Body, `<feed xmlns="http://www.w3.org/2005/Atom">`) ||
		!strings.Contains(feed.Body, "urn:uuid:"+russian.ID) || !strings.Contains(feed.Body, "Open grant") {
		t.Fatalf("feed:\n%s", feed.Body)
	}
}
