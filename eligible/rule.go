package eligible

import (
	"slices"
	"strconv"
	"strings"
)

// Kind names a condition; it is the condition's key in the JSON form.
type Kind string

// The kinds of condition, as spelled in the JSON form.
const (
	KindAll              Kind = "all"
	KindAny              Kind = "any"
	KindNot              Kind = "not"
	KindOrgKind          Kind = "org_kind"
	KindCountry          Kind = "country"
	KindBRIPartner       Kind = "bri_partner"
	KindField            Kind = "field"
	KindSizeClass        Kind = "size_class"
	KindParkMember       Kind = "park_member"
	KindCooperationStage Kind = "cooperation_stage"
	KindAchievementTRL   Kind = "achievement_trl"
	KindCareerStage      Kind = "career_stage"
	KindNationality      Kind = "nationality"
)

// kinds lists every Kind in the order the documentation gives them; error
// messages quote it.
var kinds = []Kind{
	KindAll, KindAny, KindNot, KindOrgKind, KindCountry, KindBRIPartner, KindField,
	KindSizeClass, KindParkMember, KindCooperationStage, KindAchievementTRL,
	KindCareerStage, KindNationality,
}

// Limits on a rule's form, so a stored rule can always be read back and
// evaluated cheaply.
const (
	MaxDepth = 8        // conditions nested inside one another, the outermost counting 1
	MaxBytes = 16 << 10 // length of the JSON form
	MinTRL   = 1        // lowest technology readiness level
	MaxTRL   = 9        // highest technology readiness level
)

// Rule is an eligibility rule: one condition or a combination of them. The
// implementations are the value types of this package (All, Any, Not,
// OrgKind, ...); use them as values, not pointers.
type Rule interface {
	// Kind reports which condition the rule is.
	Kind() Kind
	sealed()
}

// All holds when every one of its rules holds.
type All struct{ Rules []Rule }

// Any holds when at least one of its rules holds.
type Any struct{ Rules []Rule }

// Not holds when its rule does not.
type Not struct{ Rule Rule }

// OrgKind holds when the organisation is of one of the kinds.
type OrgKind struct{ Kinds []string }

// Country holds when the applicant's country is one of the ISO 3166-1 codes.
type Country struct{ Codes []string }

// BRIPartner holds when whether the applicant's country is a Belt and Road
// partner equals Partner.
type BRIPartner struct{ Partner bool }

// Field holds when one of the applicant's FORD fields falls under one of the
// codes.
type Field struct{ Codes []string }

// SizeClass holds when the organisation's size class is one of the classes.
type SizeClass struct{ Classes []string }

// ParkMember holds when the organisation is a member of the park with id
// Park, or of any park when Park is empty.
type ParkMember struct{ Park string }

// CooperationStage holds when the organisation takes part in a cooperation
// whose stage is Min or deeper; when Active, only cooperations under way
// count. Parse sets Active when the JSON form leaves it out.
type CooperationStage struct {
	Min    string
	Active bool
}

// AchievementTRL holds when the organisation has an achievement and the best
// TRL among its achievements lies within [Min, Max]; a zero bound is open.
type AchievementTRL struct{ Min, Max int }

// CareerStage holds when the person's career stage is one of the stages.
type CareerStage struct{ Stages []string }

// Nationality holds when one of the person's nationalities is one of the
// ISO 3166-1 codes.
type Nationality struct{ Codes []string }

func (All) Kind() Kind              { return KindAll }
func (Any) Kind() Kind              { return KindAny }
func (Not) Kind() Kind              { return KindNot }
func (OrgKind) Kind() Kind          { return KindOrgKind }
func (Country) Kind() Kind          { return KindCountry }
func (BRIPartner) Kind() Kind       { return KindBRIPartner }
func (Field) Kind() Kind            { return KindField }
func (SizeClass) Kind() Kind        { return KindSizeClass }
func (ParkMember) Kind() Kind       { return KindParkMember }
func (CooperationStage) Kind() Kind { return KindCooperationStage }
func (AchievementTRL) Kind() Kind   { return KindAchievementTRL }
func (CareerStage) Kind() Kind      { return KindCareerStage }
func (Nationality) Kind() Kind      { return KindNationality }

func (All) sealed()              {}
func (Any) sealed()              {}
func (Not) sealed()              {}
func (OrgKind) sealed()          {}
func (Country) sealed()          {}
func (BRIPartner) sealed()       {}
func (Field) sealed()            {}
func (SizeClass) sealed()        {}
func (ParkMember) sealed()       {}
func (CooperationStage) sealed() {}
func (AchievementTRL) sealed()   {}
func (CareerStage) sealed()      {}
func (Nationality) sealed()      {}

// The closed vocabularies of the language. They are the platform's own lists
// (organisation.Kinds, organisation.SizeClasses, talent.CareerStages, the
// cooperation stages), copied so that this package stays free of the domain
// packages; a test proves the copies equal. Cooperation stages are in order
// of depth, which cooperation_stage compares by.
var (
	orgKinds          = []string{"university", "research_institute", "enterprise", "government_agency", "park", "cooperation_base", "other"}
	sizeClasses       = []string{"small", "medium", "large"}
	careerStages      = []string{"student", "doctoral", "early", "mid", "senior"}
	cooperationStages = []string{"exchange", "joint_research", "joint_lab", "technology_transfer", "commercialisation"}
)

// OrgKinds returns the organisation kinds a rule may name.
func OrgKinds() []string { return slices.Clone(orgKinds) }

// SizeClasses returns the size classes a rule may name, smallest first.
func SizeClasses() []string { return slices.Clone(sizeClasses) }

// CareerStages returns the career stages a rule may name, earliest first.
func CareerStages() []string { return slices.Clone(careerStages) }

// CooperationStages returns the cooperation depth stages, shallowest first.
func CooperationStages() []string { return slices.Clone(cooperationStages) }

// stageRank is the depth of a cooperation stage, or -1 for an unknown word.
func stageRank(stage string) int { return slices.Index(cooperationStages, stage) }

// IsCountryCode reports whether code has the form of an ISO 3166-1 alpha-2
// country code: two upper-case letters outside the ranges the standard leaves
// to private use (AA, QM-QZ, XA-XZ, ZZ), except XK, which is widely used for
// Kosovo. It cannot know which of the remaining codes are assigned: pass the
// platform's country table to Parse with WithCountries for that.
func IsCountryCode(code string) bool {
	if len(code) != 2 || !isUpper(code[0]) || !isUpper(code[1]) {
		return false
	}
	switch {
	case code == "XK":
		return true
	case code == "AA", code == "ZZ", code[0] == 'X', code[0] == 'Q' && code[1] >= 'M':
		return false
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// fordSecondLevel is the number of second-level fields under each first-level
// field of the OECD FORD classification (Frascati Manual 2015): 1 natural
// sciences, 2 engineering and technology, 3 medical and health sciences,
// 4 agricultural and veterinary sciences, 5 social sciences, 6 humanities and
// the arts.
var fordSecondLevel = [...]int{1: 7, 2: 11, 3: 5, 4: 5, 5: 9, 6: 5}

// IsFieldCode reports whether code is a FORD field code: a first-level code
// "1" to "6", or a second-level code such as "2.2" or "2.11".
func IsFieldCode(code string) bool {
	first, second, hasSecond := strings.Cut(code, ".")
	if len(first) != 1 || first[0] < '1' || first[0] > '6' {
		return false
	}
	if !hasSecond {
		return true
	}
	if second == "" || second[0] == '0' || len(second) > 2 {
		return false
	}
	n, err := strconv.Atoi(second)
	return err == nil && n >= 1 && n <= fordSecondLevel[first[0]-'0']
}

// IsParkID reports whether id has the form of a public identifier: 1 to 64
// ASCII letters, digits, '-' or '_'. Pass the platform's list of parks to
// Parse with WithParks to refuse ids of parks that do not exist.
func IsParkID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// fieldCovers reports whether a rule's field code covers an applicant's field
// code: equal, or the rule names the first-level parent.
func fieldCovers(rule, applicant string) bool {
	if rule == applicant {
		return true
	}
	return !strings.Contains(rule, ".") && strings.HasPrefix(applicant, rule+".")
}
