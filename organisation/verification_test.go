package organisation_test

import (
	"errors"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// TestVerificationRequest_EvidenceIsCheckedAndNamesTheField: domains are
// reduced from addresses and must be domains; e-mail domain evidence holds
// only when the requester's own address is at that domain.
func TestVerificationRequest_EvidenceIsCheckedAndNamesTheField(t *testing.T) {
	cases := []struct {
		name, kind, value, email string
		field                    string // "" when accepted
	}{
		{"web domain from an address", organisation.EvidenceWebDomain, "https://www.most.gov.cn/index.html", "a@example.org", ""},
		{"web domain not a domain", organisation.EvidenceWebDomain, "ministry of science", "a@example.org", "evidence_value"},
		{"document reference", organisation.EvidenceDocument, "Decree No. 1234 of 2019", "a@example.org", ""},
		{"e-mail domain matches", organisation.EvidenceEmailDomain, "most.gov.cn", "li@most.gov.cn", ""},
		{"e-mail subdomain matches", organisation.EvidenceEmailDomain, "@most.gov.cn", "li@dept.most.gov.cn", ""},
		{"e-mail domain of someone else", organisation.EvidenceEmailDomain, "most.gov.cn", "li@gmail.com", "evidence_value"},
		{"e-mail domain lookalike", organisation.EvidenceEmailDomain, "most.gov.cn", "li@fakemost.gov.cn", "evidence_value"},
		{"no evidence", organisation.EvidenceDocument, " ", "a@example.org", "evidence_value"},
		{"sample is not offered", organisation.EvidenceSample, "sample", "a@example.org", "evidence_kind"},
		{"unknown kind", "letter", "x", "a@example.org", "evidence_kind"},
	}
	for _, c := range cases {
		q := organisation.VerificationRequest{EvidenceKind: c.kind, EvidenceValue: c.value}
		q.Normalise()
		err := q.Validate(c.email)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		e, ok := errors.AsType[*silkbridge.Error](err)
		if !ok || e.Code != silkbridge.EINVALID || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want an invalid %s", c.name, err, c.field)
		}
	}
	q := organisation.VerificationRequest{EvidenceKind: organisation.EvidenceWebDomain, EvidenceValue: "HTTPS://Www.Most.Gov.CN/en/"}
	if q.Normalise(); q.EvidenceValue != "www.most.gov.cn" {
		t.Errorf("domain kept as %q", q.EvidenceValue)
	}
}

// TestDecision_RefusalSaysWhy: a refusal without a reason is refused.
func TestDecision_RefusalSaysWhy(t *testing.T) {
	for _, c := range []struct {
		d     organisation.Decision
		field string
	}{
		{organisation.Decision{Verdict: "verify"}, ""},
		{organisation.Decision{Verdict: "refuse", Reason: "The domain is not the ministry's"}, ""},
		{organisation.Decision{Verdict: "refuse", Reason: "  "}, "reason"},
		{organisation.Decision{Verdict: "approve"}, "verdict"},
	} {
		err := c.d.Validate()
		e, _ := errors.AsType[*silkbridge.Error](err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: refused: %v", c.d, err)
		case c.field != "" && (e == nil || e.Fields[0].Field != c.field):
			t.Errorf("%+v: %v, want an invalid %s", c.d, err, c.field)
		}
	}
}
