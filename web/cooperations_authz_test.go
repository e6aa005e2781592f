package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for cooperations and agreements (see
// authz_test.go). A cooperation of fx.Org is coordinated by fx.Org with a
// fresh partner that nobody manages, so that only fx.Org's managers (and
// admins) may change it; an agreement of fx.Org has fx.Org as a party.

// authzCoop stores a fresh cooperation coordinated by fx.Org.
func authzCoop(t *testing.T, fx *authzFixture) *cooperation.Cooperation {
	t.Helper()
	partner := fx.NewOrg(t, roleVisitor)
	c := &cooperation.Cooperation{Title: fx.Unique("Water cooperation "), StartDate: "2022-01-10",
		Partners: []cooperation.Partner{{OrgID: fx.Org.ID, Role: cooperation.RoleCoordinator}, {OrgID: partner.ID, Role: cooperation.RoleParticipant}}}
	if err := fx.St.CreateCooperation(context.Background(), store.Actor{}, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// authzAgreement stores a fresh agreement with fx.Org as a party.
func authzAgreement(t *testing.T, fx *authzFixture) *cooperation.Agreement {
	t.Helper()
	a := &cooperation.Agreement{Title: fx.Unique("Agreement "), Kind: cooperation.AgreementJointLab, SignedOn: "2021-05-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyOrganisation, OrgID: fx.Org.ID}}}
	if err := fx.St.CreateAgreement(context.Background(), store.Actor{}, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func coopToday() string { return time.Now().UTC().Format(cooperation.DateLayout) }

func init() {
	coordinators := []authzRole{roleManager, roleOfficer, roleAdmin}
	agreementParties := []authzRole{roleManager, roleOfficer, roleAdmin}
	newCoopForm := func(t *testing.T, fx *authzFixture) url.Values {
		partner := fx.NewOrg(t, roleVisitor)
		return url.Values{"title": {fx.Unique("New cooperation ")}, "coordinator": {fx.Org.ID}, "partner_id": {partner.ID}, "partner_role": {"participant"}}
	}
	newCoopJSON := func(t *testing.T, fx *authzFixture) map[string]any {
		partner := fx.NewOrg(t, roleVisitor)
		return map[string]any{"title": fx.Unique("New cooperation "), "partners": []map[string]any{
			{"organisation_id": fx.Org.ID, "role": "coordinator"}, {"organisation_id": partner.ID, "role": "participant"}}}
	}
	stageForm := url.Values{"stage": {"joint_research"}, "evidence_kind": {"note"}, "evidence": {"joint proposal funded"}}
	agreementForm := func(fx *authzFixture) url.Values {
		return url.Values{"title": {fx.Unique("Agreement ")}, "kind": {"s&t_cooperation"}, "signed_on": {"2020-01-01"},
			"party_country": {"KZ", ""}, "party_org": {"", fx.Org.ID}}
	}
	agreementJSON := func(fx *authzFixture) map[string]any {
		return map[string]any{"title": fx.Unique("Agreement "), "kind": "s&t_cooperation", "signed_on": "2020-01-01",
			"parties": []map[string]any{{"kind": "country", "country": "KZ"}, {"kind": "organisation", "organisation_id": fx.Org.ID}}}
	}
	linked := func(t *testing.T, fx *authzFixture) (*cooperation.Agreement, *cooperation.Cooperation) {
		a, c := authzAgreement(t, fx), authzCoop(t, fx)
		if err := fx.St.LinkCooperation(context.Background(), store.Actor{}, a.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		return a, c
	}
	addAuthzCases(map[string]authzCase{
		"POST /cooperations": {Allow: coordinators, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/cooperations", newCoopForm(t, fx))
		}},
		"POST /api/v1/cooperations": {Allow: coordinators, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/cooperations", newCoopJSON(t, fx))
		}},
		"POST /cooperations/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/cooperations/"+authzCoop(t, fx).ID, url.Values{"title": {"Renamed cooperation"}})
		}},
		"PUT /api/v1/cooperations/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/cooperations/"+authzCoop(t, fx).ID, map[string]any{"title": "Renamed cooperation"})
		}},
		"POST /cooperations/{id}/stage": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := url.Values{"date": {coopToday()}}
			for k, v := range stageForm {
				f[k] = v
			}
			return formRequest("POST", "/cooperations/"+authzCoop(t, fx).ID+"/stage", f)
		}},
		"POST /api/v1/cooperations/{id}/stage": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/cooperations/"+authzCoop(t, fx).ID+"/stage",
				map[string]any{"stage": "joint_research", "date": coopToday(), "evidence": "joint proposal funded"})
		}},
		"POST /cooperations/{id}/outputs": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/cooperations/"+authzCoop(t, fx).ID+"/outputs", url.Values{"kind": {"publication"}, "title": {"Paper"}, "date": {"2023-02-01"}})
		}},
		"POST /api/v1/cooperations/{id}/outputs": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/cooperations/"+authzCoop(t, fx).ID+"/outputs", map[string]any{"kind": "patent", "title": "Membrane", "date": "2023-02-01"})
		}},
		"POST /cooperations/{id}/partners": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/cooperations/"+authzCoop(t, fx).ID+"/partners", url.Values{"organisation_id": {fx.NewOrg(t, roleVisitor).ID}, "role": {"participant"}})
		}},
		"POST /api/v1/cooperations/{id}/partners": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/cooperations/"+authzCoop(t, fx).ID+"/partners", map[string]any{"organisation_id": fx.NewOrg(t, roleVisitor).ID, "role": "partner"})
		}},
		"POST /cooperations/{id}/delete": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/cooperations/"+authzCoop(t, fx).ID+"/delete", nil)
		}},
		"DELETE /api/v1/cooperations/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/cooperations/"+authzCoop(t, fx).ID, nil)
		}},

		"POST /agreements": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/agreements", agreementForm(fx))
		}},
		"POST /api/v1/agreements": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/agreements", agreementJSON(fx))
		}},
		"POST /agreements/{id}": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/agreements/"+authzAgreement(t, fx).ID, agreementForm(fx))
		}},
		"PUT /api/v1/agreements/{id}": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/agreements/"+authzAgreement(t, fx).ID, agreementJSON(fx))
		}},
		"POST /agreements/{id}/delete": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/agreements/"+authzAgreement(t, fx).ID+"/delete", nil)
		}},
		"DELETE /api/v1/agreements/{id}": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/agreements/"+authzAgreement(t, fx).ID, nil)
		}},
		"POST /agreements/{id}/cooperations": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/agreements/"+authzAgreement(t, fx).ID+"/cooperations", url.Values{"cooperation_id": {authzCoop(t, fx).ID}})
		}},
		"POST /api/v1/agreements/{id}/cooperations": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/agreements/"+authzAgreement(t, fx).ID+"/cooperations", map[string]any{"cooperation_id": authzCoop(t, fx).ID})
		}},
		"POST /agreements/{id}/cooperations/{coop}/delete": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			a, c := linked(t, fx)
			return formRequest("POST", "/agreements/"+a.ID+"/cooperations/"+c.ID+"/delete", nil)
		}},
		"DELETE /api/v1/agreements/{id}/cooperations/{coop}": {Allow: agreementParties, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			a, c := linked(t, fx)
			return jsonRequest("DELETE", "/api/v1/agreements/"+a.ID+"/cooperations/"+c.ID, nil)
		}},
	})
}
