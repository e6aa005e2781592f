package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for programmes (see authz_test.go). A
// programme belongs to the fixture's officer, who runs it (admins too);
// its position belongs to fx.Org, whose managers rank the applicants;
// applications belong to the talent who sent them.

// authzProgramme opens a fresh programme of the fixture's officer, open
// for applications from anyone, with one position at fx.Org.
func authzProgramme(t *testing.T, fx *authzFixture) (*programme.Programme, *programme.Position) {
	t.Helper()
	ctx := context.Background()
	officer := store.Actor{UserID: fx.User(roleOfficer).ID}
	a := &cooperation.Agreement{Title: fx.Unique("Talent training "), Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-01-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "UZ"}}}
	if err := fx.St.CreateAgreement(ctx, officer, a); err != nil {
		t.Fatal(err)
	}
	p := &programme.Programme{AgreementID: a.ID, Title: fx.Unique("Fellowships "), MaxChoices: 3,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour)}
	if err := fx.St.CreateProgramme(ctx, officer, p); err != nil {
		t.Fatal(err)
	}
	pos := &programme.Position{OrgID: fx.Org.ID, Title: "Fellow", Capacity: 2}
	if err := fx.St.AddPosition(ctx, officer, p.ID, pos); err != nil {
		t.Fatal(err)
	}
	return p, pos
}

// authzApplication makes the member apply to the programme, so that there
// is an applicant to rank.
func authzApplication(t *testing.T, fx *authzFixture, p *programme.Programme, pos *programme.Position) *programme.Application {
	t.Helper()
	u := fx.User(roleMember)
	ensureProfile(t, fx, u)
	tal, err := fx.St.TalentOfUser(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := fx.St.SaveApplication(context.Background(), store.Actor{UserID: u.ID}, p.ID, tal.ID, programme.Application{Choices: []string{pos.ID}, Statement: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// authzFinishedRun runs the programme once and closes its window, so the
// run can be published.
func authzFinishedRun(t *testing.T, fx *authzFixture) (*programme.Programme, *programme.Run) {
	t.Helper()
	ctx := context.Background()
	p, pos := authzProgramme(t, fx)
	authzApplication(t, fx, p, pos)
	officer := store.Actor{UserID: fx.User(roleOfficer).ID}
	run, err := fx.St.CreateRun(ctx, officer, p.ID, programme.RunParams{Algorithm: "fda"})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := fx.St.ProgrammeSnapshot(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := programme.Execute(snap, "fda", run.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.St.FinishRun(ctx, run.ID, snap.Version, out, nil); err != nil {
		t.Fatal(err)
	}
	if err := fx.St.CloseApplications(ctx, officer, p.ID); err != nil {
		t.Fatal(err)
	}
	return p, run
}

// authzFailedRun records a run of a fresh programme that failed, so that
// its officer can run it again.
func authzFailedRun(t *testing.T, fx *authzFixture) (*programme.Programme, *programme.Run) {
	t.Helper()
	ctx := context.Background()
	p, pos := authzProgramme(t, fx)
	authzApplication(t, fx, p, pos)
	run, err := fx.St.CreateRun(ctx, store.Actor{UserID: fx.User(roleOfficer).ID}, p.ID, programme.RunParams{Algorithm: "da"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.St.FailRun(ctx, run.ID, "the database went away"); err != nil {
		t.Fatal(err)
	}
	return p, run
}

func authzProgrammeForm(fx *authzFixture, agreementID string) url.Values {
	return url.Values{"agreement_id": {agreementID}, "title": {fx.Unique("Programme ")}, "max_choices": {"3"},
		"opens_at": {time.Now().UTC().Format(progLocalLayout)}, "closes_at": {time.Now().UTC().Add(48 * time.Hour).Format(progLocalLayout)}}
}

func authzProgrammeJSON(fx *authzFixture, agreementID string) map[string]any {
	return map[string]any{"agreement_id": agreementID, "title": fx.Unique("Programme "), "max_choices": 3,
		"opens_at": time.Now().UTC().Format(time.RFC3339), "closes_at": time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)}
}

func init() {
	allowSignedInTalents := allowSignedIn // anyone signed in applies with their own profile
	addAuthzCases(map[string]authzCase{
		"POST /programmes": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return formRequest("POST", "/programmes", authzProgrammeForm(fx, p.AgreementID))
		}},
		"POST /programmes/{id}": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID, authzProgrammeForm(fx, p.AgreementID))
		}},
		"POST /programmes/{id}/close": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/close", nil)
		}},
		"POST /programmes/{id}/delete": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/delete", nil)
		}},
		"POST /programmes/{id}/positions": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/positions", url.Values{"organisation_id": {fx.OtherOrg.ID}, "title": {"Engineer"}, "capacity": {"1"}})
		}},
		"POST /programmes/{id}/positions/{pos}": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/positions/"+pos.ID, url.Values{"organisation_id": {pos.OrgID}, "title": {"Senior fellow"}, "capacity": {"3"}})
		}},
		"POST /programmes/{id}/positions/{pos}/delete": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/positions/"+pos.ID+"/delete", nil)
		}},
		"POST /programmes/{id}/constraints": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/constraints", url.Values{"regions.0.name": {"Large"}, "regions.0.cap": {"1"},
				"regions.0.hosts": {pos.OrgID}, "seats.0.position_id": {pos.ID}, "seats.0.floor": {"1"}})
		}},
		"POST /programmes/{id}/apply": {Allow: allowSignedInTalents, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			ensureProfile(t, fx, fx.User(role))
			return formRequest("POST", "/programmes/"+p.ID+"/apply", url.Values{"choices": {pos.ID}, "statement": {"I would like to train here."}})
		}},
		"POST /programmes/{id}/withdraw": {Allow: allowSignedInTalents, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			if u := fx.User(role); u != nil {
				ensureProfile(t, fx, u)
				tal, err := fx.St.TalentOfUser(context.Background(), u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := fx.St.SaveApplication(context.Background(), store.Actor{UserID: u.ID}, p.ID, tal.ID,
					programme.Application{Choices: []string{pos.ID}, Statement: "x"}); err != nil {
					t.Fatal(err)
				}
			}
			return formRequest("POST", "/programmes/"+p.ID+"/withdraw", nil)
		}},
		"POST /programmes/{id}/positions/{pos}/ranking": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			a := authzApplication(t, fx, p, pos)
			return formRequest("POST", "/programmes/"+p.ID+"/positions/"+pos.ID+"/ranking", url.Values{"app": {a.ID}, "value." + a.ID: {"1"}})
		}},
		"POST /programmes/{id}/runs": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			authzApplication(t, fx, p, pos)
			return formRequest("POST", "/programmes/"+p.ID+"/runs", url.Values{"algorithm": {"da"}, "seed": {"1"}})
		}},
		"POST /programmes/{id}/runs/{run}/publish": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, run := authzFinishedRun(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/runs/"+run.ID+"/publish", nil)
		}},
		"POST /programmes/{id}/runs/{run}/retry": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, run := authzFailedRun(t, fx)
			return formRequest("POST", "/programmes/"+p.ID+"/runs/"+run.ID+"/retry", nil)
		}},

		"POST /api/v1/programmes": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return jsonRequest("POST", "/api/v1/programmes", authzProgrammeJSON(fx, p.AgreementID))
		}},
		"PUT /api/v1/programmes/{id}": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return jsonRequest("PUT", "/api/v1/programmes/"+p.ID, authzProgrammeJSON(fx, p.AgreementID))
		}},
		"DELETE /api/v1/programmes/{id}": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return jsonRequest("DELETE", "/api/v1/programmes/"+p.ID, nil)
		}},
		"POST /api/v1/programmes/{id}/close": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return jsonRequest("POST", "/api/v1/programmes/"+p.ID+"/close", nil)
		}},
		"POST /api/v1/programmes/{id}/positions": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, _ := authzProgramme(t, fx)
			return jsonRequest("POST", "/api/v1/programmes/"+p.ID+"/positions", map[string]any{"organisation_id": fx.OtherOrg.ID, "title": "Engineer", "capacity": 1})
		}},
		"PUT /api/v1/programmes/{id}/positions/{pos}": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			return jsonRequest("PUT", "/api/v1/programmes/"+p.ID+"/positions/"+pos.ID, map[string]any{"organisation_id": pos.OrgID, "title": "Senior fellow", "capacity": 3})
		}},
		"DELETE /api/v1/programmes/{id}/positions/{pos}": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			return jsonRequest("DELETE", "/api/v1/programmes/"+p.ID+"/positions/"+pos.ID, nil)
		}},
		"PUT /api/v1/programmes/{id}/constraints": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			return jsonRequest("PUT", "/api/v1/programmes/"+p.ID+"/constraints", map[string]any{
				"regions": []any{map[string]any{"name": "Large", "hosts": []string{pos.OrgID}, "cap": 1}}})
		}},
		"PUT /api/v1/programmes/{id}/application": {Allow: allowSignedInTalents, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			ensureProfile(t, fx, fx.User(role))
			return jsonRequest("PUT", "/api/v1/programmes/"+p.ID+"/application", map[string]any{"choices": []string{pos.ID}, "statement": "Hello"})
		}},
		"DELETE /api/v1/programmes/{id}/application": {Allow: allowSignedInTalents, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			if u := fx.User(role); u != nil {
				ensureProfile(t, fx, u)
				tal, err := fx.St.TalentOfUser(context.Background(), u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := fx.St.SaveApplication(context.Background(), store.Actor{UserID: u.ID}, p.ID, tal.ID,
					programme.Application{Choices: []string{pos.ID}, Statement: "x"}); err != nil {
					t.Fatal(err)
				}
			}
			return jsonRequest("DELETE", "/api/v1/programmes/"+p.ID+"/application", nil)
		}},
		"PUT /api/v1/programmes/{id}/positions/{pos}/ranking": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			a := authzApplication(t, fx, p, pos)
			return jsonRequest("PUT", "/api/v1/programmes/"+p.ID+"/positions/"+pos.ID+"/ranking",
				map[string]any{"entries": []any{map[string]any{"application_id": a.ID, "value": 1}}})
		}},
		"POST /api/v1/programmes/{id}/runs": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, pos := authzProgramme(t, fx)
			authzApplication(t, fx, p, pos)
			return jsonRequest("POST", "/api/v1/programmes/"+p.ID+"/runs", map[string]any{"algorithm": "fda", "seed": 2})
		}},
		"POST /api/v1/programmes/{id}/runs/{run}/publish": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p, run := authzFinishedRun(t, fx)
			return jsonRequest("POST", "/api/v1/programmes/"+p.ID+"/runs/"+run.ID+"/publish", nil)
		}},
	})
}
