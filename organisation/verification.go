package organisation

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// Verification states. Only a verified organisation speaks for a state or a
// park (publishes their policies); every organisation may list, cooperate
// and take part whatever its state.
const (
	Unverified = "unverified"
	Pending    = "pending"
	Verified   = "verified"
	Refused    = "refused"
)

// VerificationStates lists the states in the order a review list shows them.
var VerificationStates = []string{Pending, Verified, Refused, Unverified}

// Kinds of evidence an organisation offers for its verification.
const (
	EvidenceWebDomain   = "web_domain"   // an official web domain (a ministry's gov domain)
	EvidenceDocument    = "document"     // a reference to a founding act, registration or decree
	EvidenceEmailDomain = "email_domain" // the requester's e-mail is at the organisation's domain
	// EvidenceSample marks the demonstration's made-up organisations; no
	// one may offer it.
	EvidenceSample = "sample"
)

// EvidenceKinds lists the evidence a manager may offer.
var EvidenceKinds = []string{EvidenceWebDomain, EvidenceDocument, EvidenceEmailDomain}

// Verification is who decided, when and on what evidence that an
// organisation is who it says it is.
type Verification struct {
	State string `json:"state"`
	// EvidenceKind and EvidenceValue are what was offered: the domain or
	// the document's reference; Note is the requester's free text.
	EvidenceKind  string     `json:"evidence_kind,omitempty"`
	EvidenceValue string     `json:"evidence_value,omitempty"`
	Note          string     `json:"note,omitempty"`
	RequestedBy   string     `json:"requested_by,omitempty"`
	RequestedAt   *time.Time `json:"requested_at,omitempty"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	// Reason is the decider's explanation (required for a refusal).
	Reason string `json:"reason,omitempty"`
}

// IsVerified reports whether the organisation's verification stands.
func (o *Organisation) IsVerified() bool { return o != nil && o.Verification.State == Verified }

// VerificationRequest is what a manager offers when asking for verification.
type VerificationRequest struct {
	EvidenceKind  string `json:"evidence_kind"`
	EvidenceValue string `json:"evidence_value"`
	Note          string `json:"note"`
}

var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// Normalise trims the request and reduces a domain typed as an address
// ("https://www.most.gov.cn/") to the domain.
func (q *VerificationRequest) Normalise() {
	q.EvidenceKind = strings.TrimSpace(q.EvidenceKind)
	q.EvidenceValue = strings.TrimSpace(q.EvidenceValue)
	q.Note = strings.TrimSpace(q.Note)
	if q.EvidenceKind == EvidenceWebDomain || q.EvidenceKind == EvidenceEmailDomain {
		d := strings.ToLower(q.EvidenceValue)
		for _, p := range []string{"https://", "http://", "@"} {
			d = strings.TrimPrefix(d, p)
		}
		if i := strings.IndexAny(d, "/?#:"); i >= 0 {
			d = d[:i]
		}
		q.EvidenceValue = strings.TrimSuffix(d, ".")
	}
}

// Validate checks the request of a requester whose account's e-mail is
// email: e-mail domain evidence holds only when that address is at the
// domain, since anyone can type a domain.
func (q *VerificationRequest) Validate(email string) error {
	var p silkbridge.Problems
	if !slices.Contains(EvidenceKinds, q.EvidenceKind) {
		p.Add("evidence_kind", "field.choice", "choose one of the values listed", map[string]any{"Value": q.EvidenceKind})
	}
	if p.Required("evidence_value", q.EvidenceValue) && p.MaxLen("evidence_value", q.EvidenceValue, 300) {
		switch q.EvidenceKind {
		case EvidenceWebDomain, EvidenceEmailDomain:
			if !domainPattern.MatchString(q.EvidenceValue) {
				p.Add("evidence_value", "trust.error.domain", "a domain name such as most.gov.cn", map[string]any{"Value": q.EvidenceValue})
			} else if q.EvidenceKind == EvidenceEmailDomain && !EmailAtDomain(email, q.EvidenceValue) {
				p.Add("evidence_value", "trust.error.email_domain", "your account's e-mail address is not at this domain", map[string]any{"Value": q.EvidenceValue})
			}
		}
	}
	p.MaxLen("note", q.Note, 2000)
	return p.Err()
}

// EmailAtDomain reports whether the address is at the domain or one of its
// subdomains.
func EmailAtDomain(email, domain string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || domain == "" {
		return false
	}
	host := strings.ToLower(email[at+1:])
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// Verdicts an admin or agency officer gives.
const (
	VerdictVerify = "verify"
	VerdictRefuse = "refuse"
)

// Decision is an admin's or agency officer's verdict on an organisation.
type Decision struct {
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
}

// Validate checks the decision: a refusal says why, so the organisation
// knows what to offer next.
func (d *Decision) Validate() error {
	d.Verdict, d.Reason = strings.TrimSpace(d.Verdict), strings.TrimSpace(d.Reason)
	var p silkbridge.Problems
	switch d.Verdict {
	case VerdictVerify:
	case VerdictRefuse:
		p.Required("reason", d.Reason)
	default:
		p.Add("verdict", "field.choice", "choose one of the values listed", map[string]any{"Value": d.Verdict})
	}
	p.MaxLen("reason", d.Reason, 2000)
	return p.Err()
}

// IdentityChanged reports whether an edit touches what a verification
// vouched for (the name, the kind, the country): a verified university must
// not become a "ministry" by editing its record.
func IdentityChanged(before, after *Organisation) bool {
	return before.Name != after.Name || before.Kind != after.Kind || before.Country != after.Country
}
