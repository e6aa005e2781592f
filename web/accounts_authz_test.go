package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for accounts, tokens, managers, admins'
// users page and privacy (see authz_test.go).

// memberToken makes a token of the member's, which only the member may revoke.
func memberToken(t *testing.T, fx *authzFixture) string {
	t.Helper()
	u := fx.User(roleMember)
	_, tok, err := fx.St.CreateToken(context.Background(), store.Actor{UserID: u.ID}, u.ID, fx.Unique("script "), store.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

// invitationFor invites someone to manage fx.Org and returns the
// invitation's id and the secret of its link. For the member the
// invitation is addressed to a fresh member who sends the request (so the
// fixture's member does not become a manager); for every other role it is
// addressed to somebody else, and they must be refused although they hold
// the link.
func invitationFor(t *testing.T, fx *authzFixture, role authzRole) (string, string, *authzActor) {
	t.Helper()
	var as *authzActor
	email := fx.Unique("invitee") + "@example.org"
	if role == roleMember {
		as = fx.Fresh(t, roleMember)
		email = as.User.Email
	}
	inv, secret, err := fx.St.InviteManager(context.Background(), store.Actor{UserID: fx.User(roleManager).ID}, fx.Org.ID, account.Invite{Email: email})
	if err != nil {
		t.Fatal(err)
	}
	return inv.ID, secret, as
}

func init() {
	addAuthzCases(map[string]authzCase{
		"POST /signup": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			req := formRequest("POST", "/signup", url.Values{"name": {"New Person"}, "email": {fx.Unique("signup") + "@example.org"}, "password": {"a-long-password"}})
			req.As = fx.Fresh(t, role)
			return req
		}},
		"POST /signin": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			as := fx.Fresh(t, role)
			email := ""
			if as.User != nil {
				email = as.User.Email
			} else {
				email = fx.NewUser(t, account.Member).Email
			}
			req := formRequest("POST", "/signin", url.Values{"email": {email}, "password": {"amber-lantern-42"}})
			req.As = as
			return req
		}},
		"POST /signout": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			req := formRequest("POST", "/signout", nil)
			req.As = fx.Fresh(t, role)
			return req
		}},
		"POST /account/password": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			req := formRequest("POST", "/account/password", url.Values{"current_password": {"amber-lantern-42"}, "new_password": {"another-password-1"}})
			req.As = fx.Fresh(t, role)
			return req
		}},
		"POST /password/forgot": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/password/forgot", url.Values{"email": {fx.NewUser(t, account.Member).Email}})
		}},
		"POST /password/reset": {Allow: allowAnyone, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			secret, _, err := fx.St.RequestPasswordReset(context.Background(), fx.NewUser(t, account.Member).Email)
			if err != nil {
				t.Fatal(err)
			}
			return formRequest("POST", "/password/reset", url.Values{"token": {secret}, "password": {"reset-password-1"}})
		}},

		"POST /account/tokens": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/account/tokens", url.Values{"name": {fx.Unique("laptop ")}, "scope": {store.ScopeRead}})
		}},
		"POST /account/tokens/{id}/revoke": {Allow: allowOnlyMember, Hidden: true, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/account/tokens/"+memberToken(t, fx)+"/revoke", nil)
		}},
		"DELETE /api/v1/me/tokens/{id}": {Allow: allowOnlyMember, Hidden: true, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/me/tokens/"+memberToken(t, fx), nil)
		}},

		"POST /organisations/{id}/invitations": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/organisations/"+fx.Org.ID+"/invitations", url.Values{"email": {fx.Unique("new-manager") + "@example.org"}})
		}},
		"POST /api/v1/organisations/{id}/invitations": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/organisations/"+fx.Org.ID+"/invitations", map[string]string{"email": fx.Unique("new-manager") + "@example.org"})
		}},
		"POST /organisations/{id}/invitations/{inv}/revoke": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			id, _, _ := invitationFor(t, fx, roleVisitor)
			return formRequest("POST", "/organisations/"+fx.Org.ID+"/invitations/"+id+"/revoke", nil)
		}},
		"DELETE /api/v1/organisations/{id}/invitations/{inv}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			id, _, _ := invitationFor(t, fx, roleVisitor)
			return jsonRequest("DELETE", "/api/v1/organisations/"+fx.Org.ID+"/invitations/"+id, nil)
		}},
		"POST /organisations/{id}/managers/{user}/remove": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			u := fx.NewUser(t, account.Member)
			if err := fx.St.AddManager(context.Background(), store.Actor{}, fx.Org.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			return formRequest("POST", "/organisations/"+fx.Org.ID+"/managers/"+u.ID+"/remove", nil)
		}},
		"POST /invitation/accept": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			_, secret, as := invitationFor(t, fx, role)
			req := formRequest("POST", "/invitation/accept", url.Values{"token": {secret}})
			req.As = as
			return req
		}},
		"POST /api/v1/invitations/accept": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			_, secret, as := invitationFor(t, fx, role)
			req := jsonRequest("POST", "/api/v1/invitations/accept", map[string]string{"token": secret})
			req.As = as
			return req
		}},
		"POST /invitation/decline": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			_, secret, as := invitationFor(t, fx, role)
			req := formRequest("POST", "/invitation/decline", url.Values{"token": {secret}})
			req.As = as
			return req
		}},

		"POST /admin/users/{id}/role": {Allow: allowAdmins, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/admin/users/"+fx.NewUser(t, account.Member).ID+"/role", url.Values{"role": {account.Officer}})
		}},
		"PUT /api/v1/users/{id}/role": {Allow: allowAdmins, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/users/"+fx.NewUser(t, account.Member).ID+"/role", map[string]string{"role": account.Officer})
		}},

		"POST /account/delete": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			req := formRequest("POST", "/account/delete", url.Values{"content": {"anonymise"}, "password": {"amber-lantern-42"}})
			req.As = fx.Fresh(t, role)
			return req
		}},
	})
}
