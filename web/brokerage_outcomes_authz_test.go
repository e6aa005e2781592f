package web

import (
	"context"
	"testing"

	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for what brokerage meetings led to (see
// authz_test.go): only the two sides of a scheduled meeting mark it and
// answer for it; here the member is one side.

// authzScheduledWithMember schedules a meeting between the member and
// another participant and returns the event and the request.
func authzScheduledWithMember(t *testing.T, fx *authzFixture, held bool) (*event.Event, string) {
	t.Helper()
	e, rid := authzRequestToMember(t, fx)
	authzSlot(t, fx, e)
	ctx := context.Background()
	member := store.Actor{UserID: fx.User(roleMember).ID}
	if _, err := fx.St.AnswerMeeting(ctx, member, e.ID, rid, true); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.St.RunSchedule(ctx, store.Actor{}, e.ID); err != nil {
		t.Fatal(err)
	}
	if held {
		if err := fx.St.MarkMeeting(ctx, member, e.ID, rid, event.Held); err != nil {
			t.Fatal(err)
		}
	}
	return e, rid
}

func init() {
	addAuthzCases(map[string]authzCase{
		"POST /api/v1/events/{id}/meetings/{rid}/attendance": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, rid := authzScheduledWithMember(t, fx, false)
			return jsonRequest("POST", "/api/v1/events/"+e.ID+"/meetings/"+rid+"/attendance", map[string]any{"status": "held"})
		}},
		"POST /api/v1/events/{id}/meetings/{rid}/outcome": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, rid := authzScheduledWithMember(t, fx, true)
			return jsonRequest("POST", "/api/v1/events/"+e.ID+"/meetings/"+rid+"/outcome", map[string]any{"outcome": "follow_up"})
		}},
	})
}
