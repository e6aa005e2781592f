// Package eligible reads, stores, checks and explains the eligibility rules
// that policies and incentives carry. It is pure: no I/O, no clock, no
// database; the caller supplies what is known of the applicant as Facts.
//
// # The rule language
//
// A rule is a JSON value. Every condition is an object with exactly one key,
// which names the kind of condition; its value says what the condition asks.
// Key names, enumerated values and codes are case-sensitive.
//
//	rule = {"all": [rule, ...]}           every rule holds (one or more rules)
//	     | {"any": [rule, ...]}           at least one rule holds (one or more rules)
//	     | {"not": rule}                  the rule does not hold
//	     | {"org_kind": [kind, ...]}      the organisation is of one of these kinds
//	     | {"country": [code, ...]}       the applicant's country is one of these
//	     | {"bri_partner": true|false}    the applicant's country is (true) or is not
//	                                      (false) a Belt and Road partner
//	     | {"field": [code, ...]}         the applicant works in one of these fields
//	     | {"size_class": [class, ...]}   the organisation's size class is one of these
//	     | {"park_member": true|"park id"} the organisation is a member of some park
//	                                      (true) or of the park with this id
//	     | {"cooperation_stage": {"min": stage, "active": true|false}}
//	                                      the organisation takes part in a cooperation
//	                                      at stage min or deeper; "active" (default
//	                                      true) counts only cooperations under way,
//	                                      false counts ended ones too
//	     | {"achievement_trl": {"min": n, "max": n}}
//	                                      the organisation's best achievement has a
//	                                      TRL within [min, max]; either bound may be
//	                                      left out, not both; 1 <= min <= max <= 9
//	     | {"career_stage": [stage, ...]} the person's career stage is one of these
//	     | {"nationality": [code, ...]}   one of the person's nationalities is one of these
//
// Values:
//
//   - kind: university, research_institute, enterprise, government_agency,
//     park, cooperation_base, other.
//   - code (country, nationality): an ISO 3166-1 alpha-2 code in upper case.
//   - code (field): an OECD FORD (Frascati Manual 2015) code, "2" or "2.2".
//     A first-level code matches every second-level code under it: the rule
//     {"field":["2"]} admits an applicant in field "2.2". The reverse does not
//     hold: an applicant who names only "2" is not in field "2.2".
//   - class: small, medium, large (the platform's organisation size classes).
//   - stage (cooperation): exchange, joint_research, joint_lab,
//     technology_transfer, commercialisation, in this order of depth.
//   - stage (career): student (bachelor's or master's student), doctoral
//     (R1, doctoral candidate), early (R2, recognised researcher), mid (R3,
//     established), senior (R4, leading).
//
// Lists must be non-empty and may not repeat a value. A rule may nest at most
// MaxDepth conditions deep and be at most MaxBytes long. To exclude, wrap a
// condition in "not": {"not":{"park_member":true}} is "in no park".
//
// The applicant is an organisation, a person, or both (a person acting with
// their organisation). org_kind, size_class, park_member, cooperation_stage and
// achievement_trl ask about the organisation; career_stage and nationality ask
// about the person; country, bri_partner and field ask about the organisation
// when there is one, else about the person. A condition about a subject the
// applicant does not have is false.
//
// Example: enterprises that are not large, in a Belt and Road partner country
// or in Kazakhstan or Uzbekistan, doing joint research or more:
//
//	{"all":[
//	  {"org_kind":["enterprise"]},
//	  {"any":[{"bri_partner":true},{"country":["KZ","UZ"]}]},
//	  {"not":{"size_class":["large"]}},
//	  {"cooperation_stage":{"min":"joint_research","active":true}}
//	]}
//
// # Answers
//
// Evaluate answers Eligible, NotEligible or Unknown using Kleene's
// three-valued logic: a fact that is not known makes its condition Unknown,
// and "all", "any" and "not" combine Unknown as "could be either". The
// Verdict names the conditions that decided it (every unmet condition of a
// failing "all", the met ones of a passing "any", the unknown ones of an
// Unknown answer) and, when Unknown, the facts whose values would decide it.
// "not" is pushed down to the conditions, which Kleene logic allows, so each
// reason reads on its own: "Not met: size class is not large (the
// organisation's size class is large)".
//
// # Storing rules
//
// Marshal writes the canonical JSON form to store; Parse reads it back to an
// equal rule. Parse checks country and nationality codes with IsCountryCode,
// field codes with IsFieldCode and park ids with IsParkID unless the caller
// passes the platform's reference data with WithCountries, WithFields and
// WithParks.
//
// # Words for people
//
// Reasons, rule descriptions (Describe) and fact names are Messages: a
// catalogue ID with its arguments, so the web layer can render them in any
// language through a Localizer. Catalogue lists every ID with its English
// text; English renders them. Parse errors are English and name the path of
// the offending value, such as all[1].any[0].country.
package eligible
