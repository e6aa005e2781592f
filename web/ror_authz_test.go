package web

import (
	"context"
	"net/url"
	"sync"
	"testing"

	"github.com/silkbridge/silkbridge/ror/link"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for links to ROR records (see authz_test.go):
// admins and agency officers decide every link, an organisation's managers
// the links proposed for it; its managers (and admins) claim its record.

var allowLinkReviewers = []authzRole{roleManager, roleOfficer, roleAdmin}

// rorImported remembers the stores that hold the ROR sample already.
var rorImported sync.Map

// rorCandidate makes a new organisation managed by the fixture's manager
// with a proposed link to Nazarbayev University waiting for review.
func rorCandidate(t *testing.T, fx *authzFixture) (orgID, rorID string) {
	t.Helper()
	if _, done := rorImported.LoadOrStore(fx.St, true); !done {
		importRORSampleInto(t, fx.St)
	}
	o := fx.NewOrg(t, roleManager)
	p := link.Proposal{OrgID: o.ID, RORID: "052bx8q98", Confidence: link.Medium, Score: 0.8, Evidence: "names share 80% of their words; country KZ"}
	if err := fx.St.ProposeRORLink(context.Background(), store.Actor{}, p); err != nil {
		t.Fatal(err)
	}
	return o.ID, p.RORID
}

func init() {
	addAuthzCases(map[string]authzCase{
		"POST /ror/links/{org}/{ror}/decision": {Allow: allowLinkReviewers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			org, ror := rorCandidate(t, fx)
			return formRequest("POST", "/ror/links/"+org+"/"+ror+"/decision", url.Values{"decision": {"reject"}})
		}},
		"POST /api/v1/ror/links/{org}/{ror}/decision": {Allow: allowLinkReviewers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			org, ror := rorCandidate(t, fx)
			return jsonRequest("POST", "/api/v1/ror/links/"+org+"/"+ror+"/decision", map[string]any{"decision": "reject"})
		}},
		"POST /organisations/{id}/ror/claim": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			rorCandidate(t, fx)
			return formRequest("POST", "/organisations/"+fx.NewOrg(t, roleManager).ID+"/ror/claim", url.Values{"ror_id": {"https://ror.org/052bx8q98"}})
		}},
		"POST /api/v1/organisations/{id}/ror/claim": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			rorCandidate(t, fx)
			return jsonRequest("POST", "/api/v1/organisations/"+fx.NewOrg(t, roleManager).ID+"/ror/claim", map[string]any{"ror_id": "052bx8q98"})
		}},
	})
}
