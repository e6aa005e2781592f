package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for parks (see authz_test.go): the managers of
// a park (a fresh park that roleManager manages, from authzPark) and
// admins manage its members and partners.

// authzForeignOrg stores a fresh organisation outside Kazakhstan, the
// country of authzPark's parks.
func authzForeignOrg(t *testing.T, fx *authzFixture) *organisation.Organisation {
	t.Helper()
	o := &organisation.Organisation{Name: fx.Unique("Institute "), Kind: organisation.ResearchInstitute, Country: "CN"}
	if err := fx.St.CreateOrganisation(context.Background(), store.Actor{}, o); err != nil {
		t.Fatal(err)
	}
	return o
}

func init() {
	member := func(t *testing.T, fx *authzFixture) (*organisation.Organisation, *park.Member) {
		pk := authzPark(t, fx)
		m := &park.Member{ParkID: pk.ID, OrgID: authzForeignOrg(t, fx).ID, JoinedOn: "2023-01-01"}
		if err := fx.St.AddParkMember(context.Background(), store.Actor{}, m); err != nil {
			t.Fatal(err)
		}
		return pk, m
	}
	partner := func(t *testing.T, fx *authzFixture) (*organisation.Organisation, *park.Partner) {
		pk := authzPark(t, fx)
		p := &park.Partner{ParkID: pk.ID, OrgID: authzForeignOrg(t, fx).ID, SinceOn: "2023-01-01"}
		if err := fx.St.AddParkPartner(context.Background(), store.Actor{}, p); err != nil {
			t.Fatal(err)
		}
		return pk, p
	}
	addAuthzCases(map[string]authzCase{
		"POST /parks/{id}/members": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/members", url.Values{"organisation_id": {authzForeignOrg(t, fx).ID}, "joined_on": {"2024-01-01"}})
		}},
		"POST /api/v1/parks/{id}/members": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return jsonRequest("POST", "/api/v1/parks/"+pk.ID+"/members", map[string]any{"organisation_id": authzForeignOrg(t, fx).ID, "joined_on": "2024-01-01"})
		}},
		"POST /parks/{id}/members/{mid}/leave": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk, m := member(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/members/"+m.ID+"/leave", url.Values{"left_on": {"2024-01-01"}})
		}},
		"POST /parks/{id}/partners": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/partners", url.Values{"organisation_id": {authzForeignOrg(t, fx).ID}, "since_on": {"2024-01-01"}})
		}},
		"POST /api/v1/parks/{id}/partners": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return jsonRequest("POST", "/api/v1/parks/"+pk.ID+"/partners", map[string]any{"organisation_id": authzForeignOrg(t, fx).ID, "since_on": "2024-01-01"})
		}},
		"POST /parks/{id}/partners/{pid}/end": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk, p := partner(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/partners/"+p.ID+"/end", url.Values{"until_on": {"2024-01-01"}})
		}},
	})
}

// The route table's entries for achievements and transfers (see
// authz_test.go): achievements belong to fx.Org, whose managers (and
// admins) change them and record and advance their transfers.

// authzAchievement stores a fresh achievement of fx.Org.
func authzAchievement(t *testing.T, fx *authzFixture) *achievement.Achievement {
	t.Helper()
	a := &achievement.Achievement{OwnerID: fx.Org.ID, Title: fx.Unique("Membrane filter "), Kind: "patent", TRL: 5, IPStatus: "granted"}
	if err := fx.St.CreateAchievement(context.Background(), store.Actor{}, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// authzEnterprise stores a fresh enterprise to receive a transfer.
func authzEnterprise(t *testing.T, fx *authzFixture) *organisation.Organisation {
	t.Helper()
	o := &organisation.Organisation{Name: fx.Unique("Receiver "), Kind: organisation.Enterprise, Country: "UZ"}
	if err := fx.St.CreateOrganisation(context.Background(), store.Actor{}, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// authzTransfer stores a fresh transfer of a fresh achievement of fx.Org.
func authzTransfer(t *testing.T, fx *authzFixture) *achievement.Transfer {
	t.Helper()
	tr := &achievement.Transfer{AchievementID: authzAchievement(t, fx).ID, ReceiverID: authzEnterprise(t, fx).ID, StartedOn: "2024-01-01"}
	if err := fx.St.CreateTransfer(context.Background(), store.Actor{}, tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

func init() {
	form := func(fx *authzFixture) url.Values {
		return url.Values{"owner_id": {fx.Org.ID}, "title": {fx.Unique("Desalination membrane ")}, "kind": {"prototype"},
			"trl": {"6"}, "ip_status": {"pending"}}
	}
	body := func(fx *authzFixture) map[string]any {
		return map[string]any{"owner_id": fx.Org.ID, "title": fx.Unique("Desalination membrane "), "kind": "prototype", "trl": 6, "ip_status": "pending"}
	}
	addAuthzCases(map[string]authzCase{
		"POST /achievements": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/achievements", form(fx))
		}},
		"POST /api/v1/achievements": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/achievements", body(fx))
		}},
		"POST /achievements/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/achievements/"+authzAchievement(t, fx).ID, form(fx))
		}},
		"PUT /api/v1/achievements/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/achievements/"+authzAchievement(t, fx).ID, body(fx))
		}},
		"POST /achievements/{id}/delete": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/achievements/"+authzAchievement(t, fx).ID+"/delete", nil)
		}},
		"DELETE /api/v1/achievements/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/achievements/"+authzAchievement(t, fx).ID, nil)
		}},
		"POST /achievements/{id}/transfers": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/achievements/"+authzAchievement(t, fx).ID+"/transfers",
				url.Values{"receiver_id": {authzEnterprise(t, fx).ID}, "stage": {"contact"}, "started_on": {"2024-01-01"}})
		}},
		"POST /api/v1/achievements/{id}/transfers": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/achievements/"+authzAchievement(t, fx).ID+"/transfers",
				map[string]any{"receiver_id": authzEnterprise(t, fx).ID, "stage": "contact", "started_on": "2024-01-01"})
		}},
		"POST /achievements/{id}/transfers/{tid}/advance": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			tr := authzTransfer(t, fx)
			return formRequest("POST", "/achievements/"+tr.AchievementID+"/transfers/"+tr.ID+"/advance", url.Values{"stage": {"negotiation"}, "date": {"2024-02-01"}})
		}},
		"POST /api/v1/achievements/{id}/transfers/{tid}/advance": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			tr := authzTransfer(t, fx)
			return jsonRequest("POST", "/api/v1/achievements/"+tr.AchievementID+"/transfers/"+tr.ID+"/advance", map[string]any{"stage": "negotiation", "date": "2024-02-01"})
		}},
	})
}
