package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/store"
)

// The lessons ("detours") knowledge base: anyone signed in records what
// they tried, what went wrong, what it cost and what to do instead; others
// find it by words in any of the six UN languages, by field and country,
// and mark it helpful. Pages of other capabilities show the lessons of
// their fields with s.detoursFor and the "detours" template.

func (s *Server) lessonRoutes() {
	s.page("GET /lessons", s.listLessons)
	s.page("GET /lessons/new", s.newLessonForm)
	s.page("POST /lessons", s.createLesson)
	s.page("GET /lessons/{id}", s.showLesson)
	s.page("GET /lessons/{id}/edit", s.editLessonForm)
	s.page("POST /lessons/{id}", s.updateLesson)
	s.page("POST /lessons/{id}/delete", s.deleteLesson)
	s.page("POST /lessons/{id}/helpful", s.markHelpful)
	s.page("POST /lessons/{id}/helpful/delete", s.unmarkHelpful)

	s.handleAPI("GET /api/v1/lessons", Op{Summary: "List and search lessons (detours others took)", Tag: "lessons", Response: List[lesson.Lesson]{},
		Query: map[string]string{"q": "free-text search (any of the six UN languages)", "field": "FORD field code",
			"country": "ISO 3166-1 alpha-2 code", "source_kind": "event, cooperation or organisation", "source_ref": "id of the source",
			"page": "page number", "per_page": "items per page (at most 100)"}}, s.apiListLessons)
	s.handleAPI("POST /api/v1/lessons", Op{Summary: "Record a lesson", Tag: "lessons", Request: lessonInput{}, Response: lesson.Lesson{},
		Auth: true, Status: http.StatusCreated}, s.apiCreateLesson)
	s.handleAPI("GET /api/v1/lessons/{id}", Op{Summary: "One lesson", Tag: "lessons", Response: lesson.Lesson{}}, s.apiGetLesson)
	s.handleAPI("PUT /api/v1/lessons/{id}", Op{Summary: "Replace a lesson (its author)", Tag: "lessons", Request: lessonInput{},
		Response: lesson.Lesson{}, Auth: true}, s.apiUpdateLesson)
	s.handleAPI("DELETE /api/v1/lessons/{id}", Op{Summary: "Delete a lesson (its author)", Tag: "lessons", Auth: true,
		Status: http.StatusNoContent}, s.apiDeleteLesson)
	s.handleAPI("PUT /api/v1/lessons/{id}/helpful", Op{Summary: "Mark a lesson helpful (once per user, not your own)", Tag: "lessons",
		Response: lesson.Lesson{}, Auth: true}, s.apiMarkHelpful)
	s.handleAPI("DELETE /api/v1/lessons/{id}/helpful", Op{Summary: "Take back your helpful mark", Tag: "lessons",
		Auth: true, Status: http.StatusNoContent}, s.apiUnmarkHelpful)
}

// lessonInput is the body of the API's create and update calls and what
// the lesson form holds.
type lessonInput struct {
	Title        string   `json:"title"`
	Fields       []string `json:"fields"`
	Technology   string   `json:"technology"`
	Tried        string   `json:"tried"`
	WentWrong    string   `json:"went_wrong"`
	Instead      string   `json:"instead"`
	CostDays     int      `json:"cost_days"`
	CostMoney    float64  `json:"cost_money"`
	CostCurrency string   `json:"cost_currency"`
	Country      string   `json:"country"`
	Language     string   `json:"language"`
	SourceKind   string   `json:"source_kind"`
	SourceRef    string   `json:"source_ref"`
}

func (in lessonInput) apply(l *lesson.Lesson) {
	l.Title, l.Fields, l.Technology, l.Tried, l.WentWrong, l.Instead = in.Title, in.Fields, in.Technology, in.Tried, in.WentWrong, in.Instead
	l.CostDays, l.CostMoney, l.CostCurrency = in.CostDays, in.CostMoney, in.CostCurrency
	l.Country, l.Language = in.Country, in.Language
	l.Source = lesson.Source{Kind: in.SourceKind, Ref: in.SourceRef}
}

func lessonFromForm(r *http.Request, p *silkbridge.Problems) lessonInput {
	f := r.PostForm
	return lessonInput{Title: f.Get("title"), Fields: f["fields"], Technology: f.Get("technology"), Tried: f.Get("tried"),
		WentWrong: f.Get("went_wrong"), Instead: f.Get("instead"), CostDays: formInt(p, "cost_days", f.Get("cost_days"), 0),
		CostMoney: formAmount(p, "cost_money", f.Get("cost_money"), "lesson.field.cost_money"), CostCurrency: f.Get("cost_currency"), Country: f.Get("country"),
		Language: f.Get("language"), SourceKind: f.Get("source_kind"), SourceRef: f.Get("source_ref")}
}

// lessonForm fills the lesson form from a stored lesson, for editing.
func lessonForm(l *lesson.Lesson) url.Values {
	v := url.Values{"title": {l.Title}, "fields": l.Fields, "technology": {l.Technology}, "tried": {l.Tried},
		"went_wrong": {l.WentWrong}, "instead": {l.Instead}, "cost_currency": {l.CostCurrency}, "country": {l.Country},
		"language": {l.Language}, "source_kind": {l.Source.Kind}, "source_ref": {l.Source.Ref}}
	if l.CostDays > 0 {
		v.Set("cost_days", strconv.Itoa(l.CostDays))
	}
	if l.CostMoney > 0 {
		v.Set("cost_money", strconv.FormatFloat(l.CostMoney, 'f', -1, 64))
	}
	return v
}

// canEditLesson reports whether the user may change the lesson: its author, or an admin.
func canEditLesson(u *account.User, l *lesson.Lesson) bool {
	return u != nil && (u.IsAdmin() || (l.AuthorID != "" && l.AuthorID == u.ID))
}

func lessonFilter(r *http.Request) (lesson.Filter, error) {
	q := r.URL.Query()
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return lesson.Filter{}, err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return lesson.Filter{}, err
	}
	return lesson.Filter{Query: strings.TrimSpace(q.Get("q")), Field: q.Get("field"), Country: strings.ToUpper(q.Get("country")),
		SourceKind: q.Get("source_kind"), SourceRef: q.Get("source_ref"), Page: page, PerPage: per}, nil
}

// loadLesson returns the lesson named in the path.
func (s *Server) loadLesson(r *http.Request) (*lesson.Lesson, error) {
	id := r.PathValue("id")
	if !silkbridge.ValidID(id) {
		return nil, silkbridge.NotFound("lesson")
	}
	return s.store.Lesson(r.Context(), id)
}

// ownLesson returns the lesson named in the path, which the signed-in user
// must be allowed to change.
func (s *Server) ownLesson(r *http.Request) (*lesson.Lesson, *account.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, nil, err
	}
	l, err := s.loadLesson(r)
	if err != nil {
		return nil, nil, err
	}
	if !canEditLesson(u, l) {
		return nil, nil, silkbridge.Forbidden()
	}
	return l, u, nil
}

// saveLesson creates (when id is empty) or updates a lesson from input.
func (s *Server) saveLesson(ctx context.Context, u *account.User, id string, in lessonInput, read *silkbridge.Problems) (*lesson.Lesson, error) {
	var l lesson.Lesson
	in.apply(&l)
	ref, err := s.store.Reference(ctx)
	if err != nil {
		return nil, err
	}
	l.Normalise()
	if err := read.Merge(l.Validate(ref)); err != nil {
		return nil, err
	}
	actor := store.Actor{UserID: u.ID}
	if id == "" {
		return &l, s.store.CreateLesson(ctx, actor, &l)
	}
	return s.store.UpdateLesson(ctx, actor, id, in.apply)
}

func (s *Server) listLessons(w http.ResponseWriter, r *http.Request) error {
	f, err := lessonFilter(r)
	if err != nil {
		return err
	}
	lessons, page, err := s.store.Lessons(r.Context(), f)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "lessons/list", http.StatusOK, &Page{Title: s.T(r, "lesson.list.title"), Data: map[string]any{
		"Lessons": lessons, "Page": page, "Filter": f, "Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields,
	}})
	return nil
}

// currencies are offered in the lesson form; any ISO 4217 code is accepted.
var currencies = []string{"USD", "EUR", "CNY", "RUB", "GBP", "JPY", "INR", "KZT", "UZS", "PKR", "TRY", "SAR", "AED", "EGP", "IRR",
	"IDR", "MYR", "THB", "VND", "RSD", "HUF", "PLN", "BRL", "ZAR", "NGN", "KES"}

func (s *Server) lessonFormData(r *http.Request) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields, "Languages": Languages,
		"Currencies": currencies, "SourceKinds": lesson.SourceKinds}, nil
}

func (s *Server) renderLessonForm(w http.ResponseWriter, r *http.Request, l *lesson.Lesson, status int, p *Page) error {
	data, err := s.lessonFormData(r)
	if err != nil {
		return err
	}
	data["Lesson"] = l
	if p.Title == "" {
		p.Title = s.T(r, "lesson.new.title")
		if l.ID != "" {
			p.Title = s.T(r, "lesson.edit.title", "Title", l.Title)
		}
	}
	p.Data = data
	s.render(w, r, "lessons/form", status, p)
	return nil
}

func (s *Server) newLessonForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := signedIn(r); err != nil {
		return err
	}
	form := url.Values{"language": {requestLanguage(r).Tag}}
	// Coming from an event that ended: the lesson names it and starts with
	// its fields and country.
	q := r.URL.Query()
	if kind, ref := q.Get("source_kind"), q.Get("source_ref"); kind != "" && silkbridge.ValidID(ref) {
		form.Set("source_kind", kind)
		form.Set("source_ref", ref)
		if kind == lesson.SourceEvent {
			if e, err := s.store.Event(r.Context(), ref); err == nil {
				form["fields"] = e.Fields
				form.Set("country", e.Country)
			}
		}
	}
	return s.renderLessonForm(w, r, &lesson.Lesson{}, http.StatusOK, &Page{Form: form})
}

func (s *Server) createLesson(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	l, err := s.saveLesson(r.Context(), u, "", lessonFromForm(r, &read), &read)
	if err != nil {
		return s.lessonFormError(w, r, &lesson.Lesson{}, err)
	}
	s.redirectFlash(w, r, "/lessons/"+l.ID, s.T(r, "lesson.created"))
	return nil
}

func (s *Server) lessonFormError(w http.ResponseWriter, r *http.Request, l *lesson.Lesson, err error) error {
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
		return err
	}
	tr := s.translator(requestLanguage(r))
	return s.renderLessonForm(w, r, l, http.StatusUnprocessableEntity, &Page{Errors: tr.FieldErrors(err), Error: tr.Error(err), Form: r.PostForm})
}

func (s *Server) showLesson(w http.ResponseWriter, r *http.Request) error {
	l, err := s.loadLesson(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	marked := false
	if u != nil {
		m, err := s.store.HelpfulTo(r.Context(), u.ID, []string{l.ID})
		if err != nil {
			return err
		}
		marked = m[l.ID]
	}
	// Other lessons of the same fields, this one left out.
	related := s.detoursFor(r.Context(), l.Fields, 4)
	others := related.Lessons[:0:0]
	for _, x := range related.Lessons {
		if x.ID != l.ID {
			others = append(others, x)
		}
	}
	related.Lessons = others
	clearFlash(w, r)
	s.render(w, r, "lessons/show", http.StatusOK, &Page{Title: l.Title, Data: map[string]any{
		"Lesson": l, "CanEdit": canEditLesson(u, l), "Own": u != nil && l.AuthorID == u.ID, "Marked": marked, "Detours": related,
	}})
	return nil
}

func (s *Server) editLessonForm(w http.ResponseWriter, r *http.Request) error {
	l, _, err := s.ownLesson(r)
	if err != nil {
		return err
	}
	return s.renderLessonForm(w, r, l, http.StatusOK, &Page{Form: lessonForm(l)})
}

func (s *Server) updateLesson(w http.ResponseWriter, r *http.Request) error {
	l, u, err := s.ownLesson(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var read silkbridge.Problems
	if _, err := s.saveLesson(r.Context(), u, l.ID, lessonFromForm(r, &read), &read); err != nil {
		return s.lessonFormError(w, r, l, err)
	}
	s.redirectFlash(w, r, "/lessons/"+l.ID, s.T(r, "saved"))
	return nil
}

func (s *Server) deleteLesson(w http.ResponseWriter, r *http.Request) error {
	l, u, err := s.ownLesson(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteLesson(r.Context(), store.Actor{UserID: u.ID}, l.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/lessons", s.T(r, "deleted"))
	return nil
}

func (s *Server) markHelpful(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	l, err := s.loadLesson(r)
	if err != nil {
		return err
	}
	if err := s.store.MarkHelpful(r.Context(), store.Actor{UserID: u.ID}, l.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/lessons/"+l.ID, s.T(r, "lesson.helpful.marked"))
	return nil
}

func (s *Server) unmarkHelpful(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	l, err := s.loadLesson(r)
	if err != nil {
		return err
	}
	if err := s.store.UnmarkHelpful(r.Context(), store.Actor{UserID: u.ID}, l.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/lessons/"+l.ID, s.T(r, "lesson.helpful.unmarked"))
	return nil
}

func (s *Server) apiListLessons(w http.ResponseWriter, r *http.Request) error {
	f, err := lessonFilter(r)
	if err != nil {
		return err
	}
	lessons, page, err := s.store.Lessons(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]lesson.Lesson, len(lessons))
	for i, l := range lessons {
		items[i] = *l
	}
	writeJSON(w, http.StatusOK, List[lesson.Lesson]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetLesson(w http.ResponseWriter, r *http.Request) error {
	l, err := s.loadLesson(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) apiCreateLesson(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in lessonInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l, err := s.saveLesson(r.Context(), currentUser(r), "", in, &silkbridge.Problems{})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/lessons/"+l.ID)
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) apiUpdateLesson(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	l, u, err := s.ownLesson(r)
	if err != nil {
		return err
	}
	var in lessonInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.saveLesson(r.Context(), u, l.ID, in, &silkbridge.Problems{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

func (s *Server) apiDeleteLesson(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	l, u, err := s.ownLesson(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteLesson(r.Context(), store.Actor{UserID: u.ID}, l.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMarkHelpful(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	l, err := s.loadLesson(r)
	if err != nil {
		return err
	}
	if err := s.store.MarkHelpful(r.Context(), store.Actor{UserID: currentUser(r).ID}, l.ID); err != nil {
		return err
	}
	if l, err = s.store.Lesson(r.Context(), l.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) apiUnmarkHelpful(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	l, err := s.loadLesson(r)
	if err != nil {
		return err
	}
	if err := s.store.UnmarkHelpful(r.Context(), store.Actor{UserID: currentUser(r).ID}, l.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Detours is the "others took these detours" block that pages of
// opportunities, cooperations and achievements show: lessons of the same
// fields. Render it with {{template "detours" .Data.Detours}}.
type Detours struct {
	Lessons []*lesson.Lesson
	// MoreURL lists every lesson of the first field.
	MoreURL string
}

// detoursFor returns up to limit lessons that share a field with fields
// (the same field, a sub-field or the broad field), the most helpful
// first. A failure is logged and gives an empty block, so that it never
// breaks the page that shows it.
func (s *Server) detoursFor(ctx context.Context, fields []string, limit int) Detours {
	d := Detours{MoreURL: "/lessons"}
	if len(fields) > 0 {
		d.MoreURL = "/lessons?field=" + url.QueryEscape(fields[0])
	}
	lessons, err := s.store.LessonsForFields(ctx, fields, limit)
	if err != nil {
		s.log.Error("detours", "fields", fields, "err", err)
		return d
	}
	d.Lessons = lessons
	return d
}

// exportLessons adds the lessons a member wrote and marked helpful to
// their download.
func exportLessons(ctx context.Context, st *store.Store, userID string) (string, any, error) {
	d, err := st.LessonDataOf(ctx, userID)
	return "lessons", d, err
}
