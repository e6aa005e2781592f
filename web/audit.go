package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

// The audit log: admins see all of it; an organisation's managers see the
// entries of their organisations.

func (s *Server) auditRoutes() {
	s.page("GET /audit", s.showAudit)
	s.handleAPI("GET /api/v1/audit", Op{Summary: "The audit log: all of it for admins, their organisations' entries for managers", Tag: "accounts",
		Response: List[store.AuditEntry]{}, Auth: true, Query: map[string]string{
			"org": "organisation id", "actor": "id of the user who made the change", "kind": "kind of record (organisation, talent, user ...)", "ref": "record id",
			"action": "create, update, delete ...", "page": "page number", "per_page": "items per page (at most 100)"}}, s.apiAudit)
}

// auditFilter reads the filter and narrows it to what the user may see.
func auditFilter(r *http.Request, u *account.User) (store.AuditFilter, error) {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return store.AuditFilter{}, err
	}
	per, err := queryInt(r, "per_page", 50)
	if err != nil {
		return store.AuditFilter{}, err
	}
	q := r.URL.Query()
	f := store.AuditFilter{Viewer: u, ActorID: q.Get("actor"), Kind: q.Get("kind"), Ref: q.Get("ref"), Action: q.Get("action"), Page: page, PerPage: per}
	org := q.Get("org")
	switch {
	case org != "" && !u.Manages(org):
		return f, silkbridge.Forbidden()
	case org != "":
		f.OrgIDs = []string{org}
	case u.IsAdmin():
	case u.IsManager():
		f.OrgIDs = u.Orgs
	default:
		return f, silkbridge.Forbidden()
	}
	return f, nil
}

func (s *Server) auditEntries(r *http.Request) ([]store.AuditEntry, store.Page, store.AuditFilter, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, store.Page{}, store.AuditFilter{}, err
	}
	f, err := auditFilter(r, u)
	if err != nil {
		return nil, store.Page{}, f, err
	}
	entries, page, err := s.store.AuditEntries(r.Context(), f)
	return entries, page, f, err
}

// auditRow is an entry as the page shows it: what changed, field by field.
type auditRow struct {
	store.AuditEntry
	When    string
	Changes []auditChange
}

// auditChange is one field's value before and after a change.
type auditChange struct {
	Field, Before, After string
}

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) error {
	entries, page, f, err := s.auditEntries(r)
	if err != nil {
		return err
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{AuditEntry: e, When: e.At, Changes: auditChanges(e.Before, e.After)}
		if t, err := time.Parse(time.RFC3339Nano, e.At); err == nil {
			rows[i].When = t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
	}
	org := ""
	if len(f.OrgIDs) == 1 {
		org = f.OrgIDs[0]
	}
	s.render(w, r, "accounts/audit", http.StatusOK, &Page{Title: s.T(r, "account.audit.title"), Data: map[string]any{
		"Entries": rows, "Page": page, "Filter": f, "Org": org}})
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	entries, page, _, err := s.auditEntries(r)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []store.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, List[store.AuditEntry]{Items: entries, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

// maxAuditValue bounds a value shown in the audit page; the API gives it whole.
const maxAuditValue = 300

// auditChanges lists what an entry changed: for an update, the fields
// whose value differs; for a creation or deletion, every field with a
// value. Values that are not JSON objects are shown as one "value".
func auditChanges(before, after string) []auditChange {
	b, bok := jsonObject(before)
	a, aok := jsonObject(after)
	if (before != "" && !bok) || (after != "" && !aok) {
		return []auditChange{{Field: "", Before: clip(before), After: clip(after)}}
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []auditChange
	for _, k := range names {
		bv, inB := b[k]
		av, inA := a[k]
		if inB && inA && reflect.DeepEqual(bv, av) {
			continue
		}
		bs, as := showValue(bv), showValue(av)
		if bs == "" && as == "" {
			continue
		}
		out = append(out, auditChange{Field: k, Before: bs, After: as})
	}
	return out
}

func jsonObject(s string) (map[string]any, bool) {
	if s == "" {
		return nil, true
	}
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, false
	}
	return m, true
}

// showValue renders a JSON value compactly: text as it is, empty values
// as nothing, anything else as JSON.
func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return clip(x)
	case []any:
		if len(x) == 0 {
			return ""
		}
	case map[string]any:
		if len(x) == 0 {
			return ""
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return clip(strings.TrimSpace(buf.String()))
}

func clip(s string) string {
	if r := []rune(s); len(r) > maxAuditValue {
		return string(r[:maxAuditValue]) + "…"
	}
	return s
}
