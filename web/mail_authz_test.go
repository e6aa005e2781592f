package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/mail"
)

// The route table's entries for mail: verification and unsubscribe links
// work for whoever holds them (the signed token is the permission); the
// settings are the signed-in person's own.

// mailToken signs a link of purpose for subject with the site's key.
func mailToken(t *testing.T, fx *authzFixture, purpose, subject string) string {
	t.Helper()
	key, err := fx.St.SiteKey(context.Background(), mailKeyName)
	if err != nil {
		t.Fatal(err)
	}
	return mail.SignToken(key, purpose, subject, time.Now().Add(time.Hour))
}

// anyMemberSavedSearch returns one of the member's saved searches, made
// only when there is none: the member may keep only so many, and
// choosing how often one is mailed can be repeated.
func anyMemberSavedSearch(t *testing.T, fx *authzFixture) string {
	t.Helper()
	list, err := fx.St.SavedSearches(context.Background(), fx.User(roleMember).ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) > 0 {
		return list[0].ID
	}
	return memberSavedSearch(t, fx).ID
}

func init() {
	addAuthzCases(map[string]authzCase{
		"POST /account/verify": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			u := fx.NewUser(t, account.Member)
			return formRequest("POST", "/account/verify", url.Values{"token": {mailToken(t, fx, "verify", u.ID+"|"+u.Email)}})
		}},
		"POST /account/verify/send": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/account/verify/send", nil)
		}},
		"POST /account/notifications": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/account/notifications", url.Values{"lang": {"fr"}, "interest_received": {"on"}})
		}},
		"PUT /api/v1/me/notifications": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/me/notifications", map[string]any{"lang": "es", "mail": map[string]bool{"programme_result": false}})
		}},
		"POST /saved-searches/{id}/mail": {Allow: allowOnlyMember, Hidden: true, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/saved-searches/"+anyMemberSavedSearch(t, fx)+"/mail", url.Values{"mail_every": {"weekly"}})
		}},
		"PUT /api/v1/saved-searches/{id}/mail": {Allow: allowOnlyMember, Hidden: true, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/saved-searches/"+anyMemberSavedSearch(t, fx)+"/mail", map[string]string{"mail_every": "immediately"})
		}},
		"POST /unsubscribe": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			u := fx.NewUser(t, account.Member)
			return formRequest("POST", "/unsubscribe", url.Values{"token": {mailToken(t, fx, "unsubscribe", u.ID+"|interest_received")}})
		}},
	})
}
