package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for events, brokerage meetings and lessons
// (see authz_test.go). Events belong to fx.Org, their host; personal
// records (registrations, profiles, availability, answers, lessons) to the
// requesting role's own user or to fx.User(roleMember).

// allowEventCreators are those who may create an event hosted by fx.Org:
// its manager, agency officers and admins.
var allowEventCreators = []authzRole{roleManager, roleOfficer, roleAdmin}

// allowLessonAuthor: the member wrote the lesson; admins may change it too.
var allowLessonAuthor = []authzRole{roleMember, roleAdmin}

// authzEvent stores a fresh event of kind hosted by fx.Org, created by nobody
// in particular, so that only the managers of fx.Org (and admins) organise it.
func authzEvent(t *testing.T, fx *authzFixture, kind string) *event.Event {
	t.Helper()
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	e := &event.Event{Title: fx.Unique("Forum "), Kind: kind, Hosts: []event.Host{{OrgID: fx.Org.ID}}, Start: start, End: start.Add(8 * time.Hour),
		TimeZone: "Asia/Almaty", Place: "Almaty", Country: "KZ", Fields: []string{"2.7"}}
	if err := fx.St.CreateEvent(context.Background(), store.Actor{}, e); err != nil {
		t.Fatal(err)
	}
	return e
}

// authzSlot adds a slot at the start of the event.
func authzSlot(t *testing.T, fx *authzFixture, e *event.Event) *event.Slot {
	t.Helper()
	sl := &event.Slot{EventID: e.ID, Start: e.Start, End: e.Start.Add(30 * time.Minute), Tables: 3}
	if err := fx.St.AddSlot(context.Background(), store.Actor{}, sl); err != nil {
		t.Fatal(err)
	}
	return sl
}

// authzJoin registers u (nothing for a visitor) and, with profile,
// publishes a profile.
func authzJoin(t *testing.T, fx *authzFixture, e *event.Event, u *account.User, profile bool) {
	t.Helper()
	if u == nil {
		return
	}
	ctx := context.Background()
	if _, err := fx.St.Register(ctx, store.Actor{UserID: u.ID}, e.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if profile {
		if err := fx.St.SaveProfile(ctx, store.Actor{UserID: u.ID}, &event.Profile{EventID: e.ID, UserID: u.ID, Headline: "Solar dryers", Offers: "Trials"}); err != nil {
			t.Fatal(err)
		}
	}
}

// authzRequestToMember makes a brokerage event at which someone asks the
// member for a meeting, which only the member may answer.
func authzRequestToMember(t *testing.T, fx *authzFixture) (*event.Event, string) {
	t.Helper()
	e := authzEvent(t, fx, event.Brokerage)
	asker := fx.NewUser(t, account.Member)
	authzJoin(t, fx, e, asker, true)
	authzJoin(t, fx, e, fx.User(roleMember), true)
	m := &event.MeetingRequest{EventID: e.ID, RequesterID: asker.ID, InviteeID: fx.User(roleMember).ID}
	if err := fx.St.RequestMeeting(context.Background(), store.Actor{UserID: asker.ID}, m); err != nil {
		t.Fatal(err)
	}
	return e, m.ID
}

// authzInviteeFor makes a brokerage event at which role's user holds a
// place and someone else has published a profile, and returns the other.
func authzInviteeFor(t *testing.T, fx *authzFixture, role authzRole) (*event.Event, string) {
	t.Helper()
	e := authzEvent(t, fx, event.Brokerage)
	other := fx.NewUser(t, account.Member)
	authzJoin(t, fx, e, other, true)
	authzJoin(t, fx, e, fx.User(role), false)
	return e, other.ID
}

// authzLesson stores a lesson written by u.
func authzLesson(t *testing.T, fx *authzFixture, u *account.User) *lesson.Lesson {
	t.Helper()
	l := &lesson.Lesson{Title: fx.Unique("Detour "), Fields: []string{"2.7"}, Technology: "PV", Tried: "a", WentWrong: "b", Instead: "c",
		CostDays: 5, Country: "KZ"}
	if err := fx.St.CreateLesson(context.Background(), store.Actor{UserID: u.ID}, l); err != nil {
		t.Fatal(err)
	}
	return l
}

func authzEventForm(fx *authzFixture) url.Values {
	return url.Values{"title": {"Energy forum"}, "kind": {"workshop"}, "hosts": {fx.Org.ID}, "start": {"2031-05-12T09:30"},
		"end": {"2031-05-12T17:00"}, "time_zone": {"Asia/Almaty"}, "place": {"Almaty"}, "country": {"KZ"}}
}

func authzEventJSON(fx *authzFixture) map[string]any {
	return map[string]any{"title": "Energy forum", "kind": "brokerage", "host_ids": []string{fx.Org.ID}, "start": "2031-05-12T09:30",
		"end": "2031-05-12T17:00", "time_zone": "Asia/Almaty", "place": "Almaty", "country": "KZ"}
}

func authzLessonForm() url.Values {
	return url.Values{"title": {"Dust on panels"}, "fields": {"2.7"}, "technology": {"PV"}, "tried": {"a"}, "went_wrong": {"b"},
		"instead": {"c"}, "cost_days": {"3"}, "country": {"KZ"}}
}

func authzLessonJSON() map[string]any {
	return map[string]any{"title": "Dust on panels", "fields": []string{"2.7"}, "technology": "PV", "tried": "a", "went_wrong": "b",
		"instead": "c", "cost_days": 3, "country": "KZ"}
}

func init() {
	addAuthzCases(map[string]authzCase{
		// Events.
		"POST /events": {Allow: allowEventCreators, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events", authzEventForm(fx))
		}},
		"POST /events/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events/"+authzEvent(t, fx, event.Workshop).ID, authzEventForm(fx))
		}},
		"POST /events/{id}/delete": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events/"+authzEvent(t, fx, event.Workshop).ID+"/delete", nil)
		}},
		"POST /events/{id}/register": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events/"+authzEvent(t, fx, event.Conference).ID+"/register", nil)
		}},
		"POST /events/{id}/cancel": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Conference)
			authzJoin(t, fx, e, fx.User(role), false)
			return formRequest("POST", "/events/"+e.ID+"/cancel", nil)
		}},
		"POST /api/v1/events": {Allow: allowEventCreators, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/events", authzEventJSON(fx))
		}},
		"PUT /api/v1/events/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/events/"+authzEvent(t, fx, event.Workshop).ID, authzEventJSON(fx))
		}},
		"DELETE /api/v1/events/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/events/"+authzEvent(t, fx, event.Workshop).ID, nil)
		}},
		"POST /api/v1/events/{id}/registration": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/events/"+authzEvent(t, fx, event.Conference).ID+"/registration", nil)
		}},
		"DELETE /api/v1/events/{id}/registration": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Conference)
			authzJoin(t, fx, e, fx.User(role), false)
			return jsonRequest("DELETE", "/api/v1/events/"+e.ID+"/registration", nil)
		}},

		// Brokerage: what participants do for themselves.
		"POST /events/{id}/profile": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			authzJoin(t, fx, e, fx.User(role), false)
			return formRequest("POST", "/events/"+e.ID+"/profile", url.Values{"headline": {"Soil sensors"}, "seeks": {"Pilot farms"}})
		}},
		"PUT /api/v1/events/{id}/profile": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			authzJoin(t, fx, e, fx.User(role), false)
			return jsonRequest("PUT", "/api/v1/events/"+e.ID+"/profile", map[string]any{"headline": "Soil sensors", "seeks": "Pilot farms"})
		}},
		"POST /events/{id}/requests": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, other := authzInviteeFor(t, fx, role)
			return formRequest("POST", "/events/"+e.ID+"/requests", url.Values{"invitee_id": {other}, "message": {"Shall we talk?"}})
		}},
		"POST /api/v1/events/{id}/requests": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, other := authzInviteeFor(t, fx, role)
			return jsonRequest("POST", "/api/v1/events/"+e.ID+"/requests", map[string]any{"invitee_id": other})
		}},
		"POST /events/{id}/requests/{rid}/accept": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, rid := authzRequestToMember(t, fx)
			return formRequest("POST", "/events/"+e.ID+"/requests/"+rid+"/accept", nil)
		}},
		"POST /events/{id}/requests/{rid}/decline": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, rid := authzRequestToMember(t, fx)
			return formRequest("POST", "/events/"+e.ID+"/requests/"+rid+"/decline", nil)
		}},
		"POST /api/v1/events/{id}/requests/{rid}/answer": {Allow: allowOnlyMember, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e, rid := authzRequestToMember(t, fx)
			return jsonRequest("POST", "/api/v1/events/"+e.ID+"/requests/"+rid+"/answer", map[string]any{"accept": true})
		}},
		"POST /events/{id}/availability": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			sl := authzSlot(t, fx, e)
			authzJoin(t, fx, e, fx.User(role), false)
			return formRequest("POST", "/events/"+e.ID+"/availability", url.Values{"slots": {sl.ID}})
		}},
		"PUT /api/v1/events/{id}/availability": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			sl := authzSlot(t, fx, e)
			authzJoin(t, fx, e, fx.User(role), false)
			return jsonRequest("PUT", "/api/v1/events/"+e.ID+"/availability", map[string]any{"slots": []string{sl.ID}})
		}},

		// Brokerage: what the organisers do.
		"POST /events/{id}/slots": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			loc := e.Location()
			return formRequest("POST", "/events/"+e.ID+"/slots", url.Values{"start": {e.Start.In(loc).Format(event.LocalLayout)},
				"end": {e.Start.Add(30 * time.Minute).In(loc).Format(event.LocalLayout)}, "tables": {"4"}})
		}},
		"POST /events/{id}/slots/tables": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			sl := authzSlot(t, fx, e)
			return formRequest("POST", "/events/"+e.ID+"/slots/tables", url.Values{"tables." + sl.ID: {"7"}})
		}},
		"POST /events/{id}/slots/{sid}/delete": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			return formRequest("POST", "/events/"+e.ID+"/slots/"+authzSlot(t, fx, e).ID+"/delete", nil)
		}},
		"POST /events/{id}/schedule": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events/"+authzEvent(t, fx, event.Brokerage).ID+"/schedule", nil)
		}},
		"POST /api/v1/events/{id}/slots": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			return jsonRequest("POST", "/api/v1/events/"+e.ID+"/slots", map[string]any{"start": e.Start.Format(time.RFC3339),
				"end": e.Start.Add(30 * time.Minute).Format(time.RFC3339), "tables": 4})
		}},
		"PUT /api/v1/events/{id}/slots/{sid}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			sl := authzSlot(t, fx, e)
			return jsonRequest("PUT", "/api/v1/events/"+e.ID+"/slots/"+sl.ID, map[string]any{"start": sl.Start.Format(time.RFC3339),
				"end": sl.End.Format(time.RFC3339), "tables": 9})
		}},
		"DELETE /api/v1/events/{id}/slots/{sid}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			e := authzEvent(t, fx, event.Brokerage)
			return jsonRequest("DELETE", "/api/v1/events/"+e.ID+"/slots/"+authzSlot(t, fx, e).ID, nil)
		}},
		"POST /api/v1/events/{id}/schedule": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/events/"+authzEvent(t, fx, event.Brokerage).ID+"/schedule", nil)
		}},

		// Lessons.
		"POST /lessons": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/lessons", authzLessonForm())
		}},
		"POST /lessons/{id}": {Allow: allowLessonAuthor, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/lessons/"+authzLesson(t, fx, fx.User(roleMember)).ID, authzLessonForm())
		}},
		"POST /lessons/{id}/delete": {Allow: allowLessonAuthor, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/lessons/"+authzLesson(t, fx, fx.User(roleMember)).ID+"/delete", nil)
		}},
		"POST /lessons/{id}/helpful": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/lessons/"+authzLesson(t, fx, fx.NewUser(t, account.Member)).ID+"/helpful", nil)
		}},
		"POST /lessons/{id}/helpful/delete": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			l := authzLesson(t, fx, fx.NewUser(t, account.Member))
			if u := fx.User(role); u != nil {
				if err := fx.St.MarkHelpful(context.Background(), store.Actor{UserID: u.ID}, l.ID); err != nil {
					t.Fatal(err)
				}
			}
			return formRequest("POST", "/lessons/"+l.ID+"/helpful/delete", nil)
		}},
		"POST /api/v1/lessons": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/lessons", authzLessonJSON())
		}},
		"PUT /api/v1/lessons/{id}": {Allow: allowLessonAuthor, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/lessons/"+authzLesson(t, fx, fx.User(roleMember)).ID, authzLessonJSON())
		}},
		"DELETE /api/v1/lessons/{id}": {Allow: allowLessonAuthor, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/lessons/"+authzLesson(t, fx, fx.User(roleMember)).ID, nil)
		}},
		"PUT /api/v1/lessons/{id}/helpful": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/lessons/"+authzLesson(t, fx, fx.NewUser(t, account.Member)).ID+"/helpful", nil)
		}},
		"DELETE /api/v1/lessons/{id}/helpful": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			l := authzLesson(t, fx, fx.NewUser(t, account.Member))
			if u := fx.User(role); u != nil {
				if err := fx.St.MarkHelpful(context.Background(), store.Actor{UserID: u.ID}, l.ID); err != nil {
					t.Fatal(err)
				}
			}
			return jsonRequest("DELETE", "/api/v1/lessons/"+l.ID+"/helpful", nil)
		}},
	})
}
