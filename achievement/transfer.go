package achievement

import (
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// Stages of a transfer, in order.
const (
	StageContact       = "contact"
	StageNegotiation   = "negotiation"
	StageLicenceSigned = "licence_signed"
	StageInProduction  = "in_production"
)

// Stages lists a transfer's stages in order.
var Stages = []string{StageContact, StageNegotiation, StageLicenceSigned, StageInProduction}

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// StageDate is the day a transfer reached a stage.
type StageDate struct {
	Stage string `json:"stage"`
	Date  string `json:"date"`
}

// Transfer is a deal carrying an achievement to a receiving enterprise.
// It is completed from the day its licence is signed: CompletedOn.
type Transfer struct {
	ID            string      `json:"id"`
	AchievementID string      `json:"achievement_id"`
	ReceiverID    string      `json:"receiver_id"`
	Stage         string      `json:"stage"`
	Terms         string      `json:"terms,omitempty"`
	StartedOn     string      `json:"started_on"`
	CompletedOn   string      `json:"completed_on,omitempty"`
	History       []StageDate `json:"history"`
	Sample        bool        `json:"sample,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	// Filled when read.
	AchievementTitle string `json:"achievement_title,omitempty"`
	OwnerID          string `json:"owner_id,omitempty"`
	OwnerName        string `json:"owner_name,omitempty"`
	ReceiverName     string `json:"receiver_name,omitempty"`
	ReceiverCountry  string `json:"receiver_country,omitempty"`
}

// StageIndex returns the place of a stage in Stages, or -1.
func StageIndex(stage string) int { return slices.Index(Stages, stage) }

// Completed reports whether a stage counts as a completed transfer.
func Completed(stage string) bool { return StageIndex(stage) >= StageIndex(StageLicenceSigned) }

// Normalise trims what people type.
func (t *Transfer) Normalise() {
	t.ReceiverID, t.Stage = strings.TrimSpace(t.ReceiverID), strings.TrimSpace(t.Stage)
	t.Terms, t.StartedOn = strings.TrimSpace(t.Terms), strings.TrimSpace(t.StartedOn)
	if t.Stage == "" {
		t.Stage = StageContact
	}
}

// Validate checks a new transfer: a receiver, a stage, a start date not in
// the future. A transfer may begin at any stage (a deal recorded late),
// its history then starts there.
func (t *Transfer) Validate(today time.Time) error {
	var p silkbridge.Problems
	p.Required("receiver_id", t.ReceiverID)
	if StageIndex(t.Stage) < 0 {
		p.Add("stage", "field.choice", "choose one of the values listed", map[string]any{"Value": t.Stage})
	}
	if p.Required("started_on", t.StartedOn) {
		checkDate(&p, "started_on", t.StartedOn, today)
	}
	p.MaxLen("terms", t.Terms, maxLicensing)
	return p.Err()
}

// ValidateAdvance checks a step of a transfer to stage on date: forward
// only, on or after the last step, not in the future.
func ValidateAdvance(t *Transfer, stage, date string, today time.Time) error {
	var p silkbridge.Problems
	switch {
	case StageIndex(stage) < 0:
		p.Add("stage", "field.choice", "choose one of the values listed", map[string]any{"Value": stage})
	case StageIndex(stage) <= StageIndex(t.Stage):
		p.Add("stage", "achievement.error.stage_back", "a transfer only moves forward to a later stage", nil)
	}
	if p.Required("date", date) {
		if d, ok := checkDate(&p, "date", date, today); ok {
			last := t.StartedOn
			for _, h := range t.History {
				if h.Date > last {
					last = h.Date
				}
			}
			if l, err := time.Parse(DateLayout, last); err == nil && d.Before(l) {
				p.Add("date", "achievement.error.date_order", "may not be before the previous stage", map[string]any{"Date": last})
			}
		}
	}
	return p.Err()
}

func checkDate(p *silkbridge.Problems, field, value string, today time.Time) (time.Time, bool) {
	d, err := time.Parse(DateLayout, value)
	if err != nil {
		p.Add(field, "park.error.date", "a date as YYYY-MM-DD", map[string]any{"Value": value})
		return d, false
	}
	if d.After(today.UTC().Add(14 * time.Hour)) {
		p.Add(field, "park.error.future", "may not lie in the future", nil)
		return d, false
	}
	return d, true
}
