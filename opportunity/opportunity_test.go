package opportunity

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
)

type fakeRef struct{}

func (fakeRef) CountryExists(c string) bool { return c == "CN" || c == "KZ" || c == "DE" }
func (fakeRef) FieldExists(f string) bool   { return f == "2" || f == "2.7" || f == "1.5" }

var day = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

func valid() *Opportunity {
	return &Opportunity{Kind: TechnologyOffer, OwnerOrgID: "0190a1b2-0000-7000-8000-000000000001", Title: "Solar dryer",
		Description: "A dryer", Fields: []string{"2.7"}, TRL: 6, PartnershipTypes: []string{"licence"},
		CountriesSought: []string{"kz"}, Deadline: "2025-12-31"}
}

func fields(err error) []string {
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate_NamesEveryFieldAtFault(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Opportunity)
		field string
	}{
		{"valid", func(*Opportunity) {}, ""},
		{"unknown kind", func(o *Opportunity) { o.Kind = "gift" }, "kind"},
		{"no owner", func(o *Opportunity) { o.OwnerOrgID = "" }, "owner_organisation_id"},
		{"no title", func(o *Opportunity) { o.Title = "  " }, "title"},
		{"long title", func(o *Opportunity) { o.Title = strings.Repeat("t", MaxTitle+1) }, "title"},
		{"no description", func(o *Opportunity) { o.Description = "" }, "description"},
		{"unknown field", func(o *Opportunity) { o.Fields = []string{"9.9"} }, "fields"},
		{"too many fields", func(o *Opportunity) {
			o.Fields = strings.Split("1,2,3,4,5,6,7,8,9,10,11", ",")
		}, "fields"},
		{"long keyword", func(o *Opportunity) { o.Keywords = []string{strings.Repeat("k", 61)} }, "keywords"},
		{"TRL 0 on an offer", func(o *Opportunity) { o.TRL = 0 }, "trl"},
		{"TRL 10", func(o *Opportunity) { o.TRL = 10 }, "trl"},
		{"TRL -1", func(o *Opportunity) { o.TRL = -1 }, "trl"},
		{"TRL on research cooperation", func(o *Opportunity) { o.Kind = ResearchCooperation }, "trl"},
		{"request without TRL", func(o *Opportunity) { o.Kind, o.TRL = TechnologyRequest, 0 }, ""},
		{"unknown partnership", func(o *Opportunity) { o.PartnershipTypes = []string{"marriage"} }, "partnership_types"},
		{"unknown country", func(o *Opportunity) { o.CountriesSought = []string{"XX"} }, "countries_sought"},
		{"deadline malformed", func(o *Opportunity) { o.Deadline = "2025-13-01" }, "deadline"},
		{"deadline yesterday", func(o *Opportunity) { o.Deadline = "2025-06-14" }, "deadline"},
		{"deadline today", func(o *Opportunity) { o.Deadline = "2025-06-15" }, ""},
		{"no deadline", func(o *Opportunity) { o.Deadline = "" }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := valid()
			tc.edit(o)
			o.Normalise()
			err := o.Validate(fakeRef{}, day)
			got := fields(err)
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field != "" && (len(got) != 1 || got[0] != tc.field):
				t.Fatalf("problems %v, want exactly %s", got, tc.field)
			}
		})
	}
}

func TestNormalise_UppercasesCountriesAndDropsRepeats(t *testing.T) {
	o := valid()
	o.CountriesSought = []string{" kz", "KZ", "cn"}
	o.Keywords = []string{"solar, Solar", "drying"}
	o.Normalise()
	if strings.Join(o.CountriesSought, ",") != "KZ,CN" || strings.Join(o.Keywords, ",") != "solar,drying" {
		t.Fatalf("%v %v", o.CountriesSought, o.Keywords)
	}
}

func TestEffectiveStatus_PublishedPastDeadlineIsExpired(t *testing.T) {
	cases := []struct {
		status, deadline, want string
		open                   bool
	}{
		{Published, "", Published, true},
		{Published, "2025-06-15", Published, true},
		{Published, "2025-06-14", Expired, false},
		{Closed, "2025-06-14", Closed, false},
		{Draft, "2025-01-01", Draft, false},
		{InReview, "", InReview, false},
	}
	for _, tc := range cases {
		o := &Opportunity{Status: tc.status, Deadline: tc.deadline}
		if got := o.EffectiveStatus(day); got != tc.want {
			t.Errorf("%s until %q: %s, want %s", tc.status, tc.deadline, got, tc.want)
		}
		if o.IsOpen(day) != tc.open {
			t.Errorf("%s until %q: open %v", tc.status, tc.deadline, !tc.open)
		}
	}
}

func TestTransition_FollowsTheReviewPath(t *testing.T) {
	cases := []struct{ from, action, to string }{
		{Draft, ActionSubmit, InReview},
		{InReview, ActionApprove, Published},
		{InReview, ActionReturn, Draft},
		{Published, ActionClose, Closed},
		{Published, ActionEdit, Draft},
		{Closed, ActionEdit, Draft},
		{Draft, ActionEdit, Draft},
		{Draft, ActionApprove, ""},
		{Published, ActionSubmit, ""},
		{InReview, ActionEdit, ""},
		{Closed, ActionClose, ""},
		{Draft, "publish", ""},
	}
	for _, tc := range cases {
		got, err := Transition(tc.from, tc.action)
		if got != tc.to || (tc.to == "") != (err != nil) {
			t.Errorf("%s --%s--> %q, %v; want %q", tc.from, tc.action, got, err, tc.to)
		}
		if err != nil && silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Errorf("%s --%s--> error code %s, want conflict", tc.from, tc.action, silkbridge.ErrorCode(err))
		}
	}
}

func TestConceal_KeepsCountryKindAndSizeOnly(t *testing.T) {
	o := &Opportunity{OwnerOrgID: "org", CreatedBy: "user", Owner: Owner{OrgID: "org", Name: "Secret Lab", Kind: "enterprise",
		SizeClass: "small", Country: "CN", ContactEmail: "a@b.cn"}}
	o.Conceal()
	if o.OwnerOrgID != "" || o.Owner.OrgID != "" || o.Owner.Name != "" || o.Owner.ContactEmail != "" || o.CreatedBy != "" || !o.Owner.Hidden {
		t.Fatalf("concealed owner still says %+v", o.Owner)
	}
	if o.Owner.Kind != "enterprise" || o.Owner.SizeClass != "small" || o.Owner.Country != "CN" {
		t.Fatalf("concealed owner lost what may be shown: %+v", o.Owner)
	}
}

func TestParseFilter_RoundTripsThroughValues(t *testing.T) {
	in := url.Values{"q": {" 太阳能 "}, "kind": {"technology_offer"}, "field": {"2.7"}, "country": {"cn"}, "seeks": {"kz"},
		"bri": {"on"}, "trl_min": {"3"}, "trl_max": {"7"}, "deadline_from": {"2025-07-01"}, "deadline_to": {"2025-12-31"}}
	f, err := ParseFilter(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(fakeRef{}); err != nil {
		t.Fatal(err)
	}
	if f.Query != "太阳能" || f.Country != "CN" || f.Seeks != "KZ" || !f.BRIPartner || f.TRLMin != 3 || f.TRLMax != 7 {
		t.Fatalf("parsed %+v", f)
	}
	again, err := ParseFilter(f.Values())
	if err != nil || again.Values().Encode() != f.Values().Encode() {
		t.Fatalf("round trip: %+v, %v", again, err)
	}
}

func TestParseFilter_RefusesWhatItCannotRead(t *testing.T) {
	cases := []struct {
		query, field string
	}{
		{"trl_min=x", "trl_min"},
		{"trl_max=0", "trl_max"},
		{"trl_max=10", "trl_max"},
		{"bri=maybe", "bri"},
	}
	for _, tc := range cases {
		v, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseFilter(v)
		if got := fields(err); len(got) != 1 || got[0] != tc.field {
			t.Errorf("%s: problems %v, want %s", tc.query, got, tc.field)
		}
	}
	for _, tc := range []struct{ query, field string }{
		{"kind=gift", "kind"}, {"field=9", "field"}, {"country=XX", "country"}, {"seeks=XX", "seeks"},
		{"trl_min=7&trl_max=3", "trl_max"}, {"deadline_from=2025-02-30", "deadline_from"},
		{"deadline_from=2025-07-01&deadline_to=2025-06-01", "deadline_to"}, {"status=lost", "status"}, {"owner=1", "owner"},
	} {
		v, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFilter(v)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if got := fields(f.Validate(fakeRef{})); len(got) != 1 || got[0] != tc.field {
			t.Errorf("%s: problems %v, want %s", tc.query, got, tc.field)
		}
	}
}

func TestInterest_NeedsWhoWeAreAndWhatWePropose(t *testing.T) {
	i := &Interest{WhoWeAre: " ", WhatWePropose: "", WhatWeNeed: strings.Repeat("n", MaxMessagePart+1)}
	i.Normalise()
	got := fields(i.Validate())
	if strings.Join(got, ",") != "who_we_are,what_we_propose,what_we_need" {
		t.Fatalf("problems %v", got)
	}
	ok := &Interest{WhoWeAre: "A lab", WhatWePropose: "Tests"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDecide_OnlyAPendingInterestIsAnswered(t *testing.T) {
	if s, err := Decide(Pending, DecisionAccept); s != Accepted || err != nil {
		t.Errorf("accept: %s %v", s, err)
	}
	if s, err := Decide(Pending, DecisionDecline); s != Declined || err != nil {
		t.Errorf("decline: %s %v", s, err)
	}
	if _, err := Decide(Accepted, DecisionDecline); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
		t.Errorf("answering twice: %v", err)
	}
	if _, err := Decide(Pending, "maybe"); silkbridge.ErrorCode(err) != silkbridge.EINVALID {
		t.Errorf("unknown decision: %v", err)
	}
}

func TestFeedToken_IsUnguessableAndChecked(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewFeedToken()
		if !ValidFeedToken(tok) || seen[tok] {
			t.Fatalf("token %q", tok)
		}
		seen[tok] = true
	}
	for _, bad := range []string{"", "short", strings.Repeat("*", 43), strings.Repeat("A", 44)} {
		if ValidFeedToken(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSavedSearch_KeepsNoStatusOwnerOrPage(t *testing.T) {
	s := &SavedSearch{Name: " Solar ", Filter: Filter{Query: "solar", Status: Closed, OwnerOrgID: "x", Page: 3}}
	s.Normalise()
	if s.Name != "Solar" || s.Filter.Status != "" || s.Filter.OwnerOrgID != "" || s.Filter.Page != 0 {
		t.Fatalf("%+v", s)
	}
	bad := &SavedSearch{Name: "", Filter: Filter{Kind: "gift"}}
	if got := fields(bad.Validate(fakeRef{})); strings.Join(got, ",") != "name,kind" {
		t.Fatalf("problems %v", got)
	}
}
