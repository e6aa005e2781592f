package web

import (
	"reflect"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/talent"
)

// The values of the API's closed vocabularies, taken from the domain
// packages' own lists so that the document changes when they do.

// typeEnums gives the values of named types that are written as text.
var typeEnums = map[reflect.Type][]string{
	reflect.TypeFor[eligible.Outcome](): {eligible.Eligible.String(), eligible.NotEligible.String(), eligible.Unknown.String()},
}

// fieldEnums gives, by struct type and JSON name, the values of the
// string fields (or of the items of string-list fields) that hold a word
// of a vocabulary.
var fieldEnums = map[reflect.Type]map[string][]string{
	reflect.TypeFor[account.User]():              {"role": account.Roles},
	reflect.TypeFor[roleInput]():                 {"role": account.Roles},
	reflect.TypeFor[achievement.Achievement]():   {"kind": achievement.Kinds, "ip_status": achievement.IPStatuses},
	reflect.TypeFor[achievement.Transfer]():      {"stage": achievement.Stages},
	reflect.TypeFor[achievement.StageDate]():     {"stage": achievement.Stages},
	reflect.TypeFor[cooperation.Agreement]():     {"kind": cooperation.AgreementKinds},
	reflect.TypeFor[cooperation.Cooperation]():   {"stage": cooperation.Stages},
	reflect.TypeFor[cooperation.Source]():        {"kind": cooperation.SourceKinds},
	reflect.TypeFor[cooperation.Partner]():       {"role": cooperation.Roles},
	reflect.TypeFor[cooperation.StageChange]():   {"from": cooperation.Stages, "to": cooperation.Stages},
	reflect.TypeFor[cooperation.Evidence]():      {"kind": cooperation.EvidenceKinds},
	reflect.TypeFor[cooperation.Output]():        {"kind": cooperation.OutputKinds},
	reflect.TypeFor[event.Event]():               {"kind": event.Kinds},
	reflect.TypeFor[lesson.Source]():             {"kind": lesson.SourceKinds},
	reflect.TypeFor[opportunity.Opportunity]():   {"kind": opportunity.Kinds, "status": opportunity.Statuses},
	reflect.TypeFor[opportunity.Interest]():      {"status": opportunity.InterestStatuses},
	reflect.TypeFor[organisation.Organisation](): {"kind": organisation.Kinds, "size_class": organisation.SizeClasses},
	reflect.TypeFor[policy.Policy]():             {"kind": policy.Kinds, "jurisdiction": policy.Jurisdictions},
	reflect.TypeFor[programme.Position]():        {"rank_mode": programme.RankModes},
	reflect.TypeFor[talent.Profile]():            {"career_stage": talent.CareerStages},
}
