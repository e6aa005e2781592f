package policy_test

import (
	"errors"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
)

// TestCheckIssuer_OnlyVerifiedAgenciesAndOwnVerifiedParksPublish walks the
// rule of official issuers: each refusal names the field at fault.
func TestCheckIssuer_OnlyVerifiedAgenciesAndOwnVerifiedParksPublish(t *testing.T) {
	verified := organisation.Verification{State: organisation.Verified}
	agency := &organisation.Organisation{ID: "agency", Name: "Ministry", Kind: organisation.GovernmentAgency, Verification: verified}
	unverifiedAgency := &organisation.Organisation{ID: "fake", Name: "Fake Ministry", Kind: organisation.GovernmentAgency,
		Verification: organisation.Verification{State: organisation.Pending}}
	park := &organisation.Organisation{ID: "park", Name: "Park", Kind: organisation.Park, Verification: verified}
	otherPark := &organisation.Organisation{ID: "other", Name: "Other Park", Kind: organisation.Park, Verification: verified}
	unverifiedPark := &organisation.Organisation{ID: "new", Name: "New Park", Kind: organisation.Park,
		Verification: organisation.Verification{State: organisation.Refused}}
	enterprise := &organisation.Organisation{ID: "ent", Name: "Enterprise", Kind: organisation.Enterprise, Verification: verified}
	cases := []struct {
		name         string
		jurisdiction string
		parkID       string
		issuer       *organisation.Organisation
		field        string // "" when allowed
	}{
		{"verified agency, national", policy.JurisdictionCountry, "", agency, ""},
		{"verified agency, regional", policy.JurisdictionRegion, "", agency, ""},
		{"unverified agency, national", policy.JurisdictionCountry, "", unverifiedAgency, "issuer_id"},
		{"unverified agency, regional", policy.JurisdictionRegion, "", unverifiedAgency, "issuer_id"},
		{"verified park, national", policy.JurisdictionCountry, "", park, "issuer_id"},
		{"verified enterprise, national", policy.JurisdictionCountry, "", enterprise, "issuer_id"},
		{"verified park, its own park", policy.JurisdictionPark, park.ID, park, ""},
		{"verified park, another park", policy.JurisdictionPark, otherPark.ID, park, "park_id"},
		{"unverified park, its own park", policy.JurisdictionPark, unverifiedPark.ID, unverifiedPark, "issuer_id"},
		{"verified agency, a park", policy.JurisdictionPark, park.ID, agency, "park_id"},
	}
	for _, c := range cases {
		p := &policy.Policy{IssuerID: c.issuer.ID, Jurisdiction: c.jurisdiction, ParkID: c.parkID}
		err := p.CheckIssuer(c.issuer)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		e, ok := errors.AsType[*silkbridge.Error](err)
		if !ok || e.Code != silkbridge.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want an invalid %s", c.name, err, c.field)
		}
	}
}
