package event

// Attendance says whether a scheduled meeting took place.
const (
	Held   = "held"
	NoShow = "no_show"
)

// The one-click answers a side gives after a held meeting, from the least
// to the most promising.
const (
	NoInterest      = "no_interest"
	FollowUp        = "follow_up"
	Interest        = "interest"
	AgreementLikely = "agreement_likely"
)

// Outcomes lists the answers, for forms and translation.
var Outcomes = []string{NoInterest, FollowUp, Interest, AgreementLikely}

// ValidAttendance reports whether s is a known attendance state.
func ValidAttendance(s string) bool { return s == Held || s == NoShow }

// ValidOutcome reports whether s is a known answer.
func ValidOutcome(s string) bool {
	for _, o := range Outcomes {
		if o == s {
			return true
		}
	}
	return false
}

// Funnel follows an event's meetings from request to cooperation.
type Funnel struct {
	EventID   string `json:"event_id"`
	Requested int    `json:"requested"`
	Accepted  int    `json:"accepted"`
	Scheduled int    `json:"scheduled"`
	Held      int    `json:"held"`
	NoShows   int    `json:"no_shows"`
	// FollowUp counts held meetings where a side answered follow-up or
	// better.
	FollowUp int `json:"follow_up"`
	// Interests counts expressions of interest that name the event as
	// their origin; Cooperations those of them that became a cooperation.
	Interests    int `json:"interests"`
	Cooperations int `json:"cooperations"`
	// NoShowRate is no-shows over meetings marked held or no-show (0 when
	// none is marked); AgreementsPer100 is cooperations per 100 held
	// meetings, the figure the Enterprise Europe Network reports.
	NoShowRate       float64 `json:"no_show_rate"`
	AgreementsPer100 float64 `json:"agreements_per_100_meetings"`
}

// Rates fills the two ratios from the counts.
func (f *Funnel) Rates() {
	if marked := f.Held + f.NoShows; marked > 0 {
		f.NoShowRate = float64(f.NoShows) / float64(marked)
	}
	if f.Held > 0 {
		f.AgreementsPer100 = 100 * float64(f.Cooperations) / float64(f.Held)
	}
}
