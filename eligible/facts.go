package eligible

// Facts is what is known of an applicant: an organisation, a person, or a
// person together with the organisation they act for. A nil subject means the
// applicant has none (a person applying alone has no Organisation), so
// conditions about it are false, not unknown.
//
// Within a subject, a fact may be unknown: an empty string or a nil pointer
// is unknown, and a list counts as known only when its Known flag is set (a
// known empty list means "none"). Codes and words are spelled as in rules.
type Facts struct {
	Organisation *Organisation
	Person       *Person
}

// Organisation is what is known of the applicant organisation.
type Organisation struct {
	Kind       string // one of OrgKinds
	Country    string // ISO 3166-1 alpha-2
	BRIPartner *bool  // whether Country is a Belt and Road partner
	SizeClass  string // one of SizeClasses

	Fields      []string // FORD codes
	FieldsKnown bool

	Parks      []string // ids of the parks it is a member of now
	ParksKnown bool

	Cooperations      []Cooperation // cooperations it takes or took part in
	CooperationsKnown bool

	AchievementTRLs   []int // TRL of each of its achievements
	AchievementsKnown bool
}

// Cooperation is one cooperation an organisation takes or took part in.
type Cooperation struct {
	Stage  string // current depth stage, or the last one reached when ended; one of CooperationStages
	Active bool   // under way now
}

// Person is what is known of the applicant person.
type Person struct {
	Country     string // ISO 3166-1 alpha-2 code of the country of residence
	BRIPartner  *bool  // whether Country is a Belt and Road partner
	CareerStage string // one of CareerStages

	Fields      []string // FORD codes
	FieldsKnown bool

	Nationalities      []string // ISO 3166-1 alpha-2
	NationalitiesKnown bool
}

// Fact names one piece of what Facts holds; a Verdict lists the facts it
// misses by these names, and the web layer maps them to profile fields.
type Fact string

// The facts conditions read.
const (
	FactOrgKind          Fact = "organisation.kind"
	FactOrgCountry       Fact = "organisation.country"
	FactOrgBRIPartner    Fact = "organisation.bri_partner"
	FactOrgSizeClass     Fact = "organisation.size_class"
	FactOrgFields        Fact = "organisation.fields"
	FactOrgParks         Fact = "organisation.parks"
	FactOrgCooperations  Fact = "organisation.cooperations"
	FactOrgAchievements  Fact = "organisation.achievements"
	FactPersonCountry    Fact = "person.country"
	FactPersonBRIPartner Fact = "person.bri_partner"
	FactPersonFields     Fact = "person.fields"
	FactCareerStage      Fact = "person.career_stage"
	FactNationality      Fact = "person.nationality"
)

// facts lists every Fact, for the catalogue.
var facts = []Fact{
	FactOrgKind, FactOrgCountry, FactOrgBRIPartner, FactOrgSizeClass, FactOrgFields,
	FactOrgParks, FactOrgCooperations, FactOrgAchievements, FactPersonCountry,
	FactPersonBRIPartner, FactPersonFields, FactCareerStage, FactNationality,
}

// Term returns the fact as a translatable term ("the organisation's kind").
func (f Fact) Term() Term { return Term{Vocab: VocabFact, Code: string(f)} }

// applicant is the subject that country, bri_partner and field ask about:
// the organisation when there is one, else the person.
type applicant struct {
	country     string
	briPartner  *bool
	fields      []string
	fieldsKnown bool

	factCountry, factBRIPartner, factFields Fact
}

func (f Facts) applicant() (applicant, bool) {
	switch {
	case f.Organisation != nil:
		o := f.Organisation
		return applicant{o.Country, o.BRIPartner, o.Fields, o.FieldsKnown, FactOrgCountry, FactOrgBRIPartner, FactOrgFields}, true
	case f.Person != nil:
		p := f.Person
		return applicant{p.Country, p.BRIPartner, p.Fields, p.FieldsKnown, FactPersonCountry, FactPersonBRIPartner, FactPersonFields}, true
	}
	return applicant{}, false
}
