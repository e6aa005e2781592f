package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
)

// Lessons ("detours"): what someone tried, what went wrong, what it cost
// and what to do instead, found by field, country and free text in any of
// the six UN languages, and marked helpful at most once per user.

func init() { registerPersonalDataEraser("lessons", eraseLessons) }

const lessonColumns = `l.id, l.title, l.fields, l.technology, l.tried, l.went_wrong, l.instead, l.cost_days, l.cost_money,
	l.cost_currency, l.country, l.language, l.source_kind, l.source_ref,
	COALESCE(CASE l.source_kind
		WHEN 'event' THEN (SELECT x.title FROM events x WHERE x.id = l.source_ref)
		WHEN 'cooperation' THEN (SELECT x.title FROM cooperations x WHERE x.id = l.source_ref)
		WHEN 'organisation' THEN (SELECT x.name FROM organisations x WHERE x.id = l.source_ref)
	END, ''),
	COALESCE(l.author_id, ''), COALESCE(u.name, ''), (SELECT COUNT(*) FROM lesson_helpful h WHERE h.lesson_id = l.id),
	l.sample, l.created_at, l.updated_at`

const lessonFrom = ` FROM lessons l LEFT JOIN users u ON u.id = l.author_id`

func scanLesson(row interface{ Scan(...any) error }) (*lesson.Lesson, error) {
	var l lesson.Lesson
	var fields, created, updated string
	if err := row.Scan(&l.ID, &l.Title, &fields, &l.Technology, &l.Tried, &l.WentWrong, &l.Instead, &l.CostDays, &l.CostMoney,
		&l.CostCurrency, &l.Country, &l.Language, &l.Source.Kind, &l.Source.Ref, &l.Source.Title,
		&l.AuthorID, &l.AuthorName, &l.Helpful, &l.Sample, &created, &updated); err != nil {
		return nil, err
	}
	l.Fields = parseList(fields)
	l.CreatedAt, l.UpdatedAt = parseTS(created), parseTS(updated)
	return &l, nil
}

// Lesson returns one lesson with its helpful count.
func (s *Store) Lesson(ctx context.Context, id string) (*lesson.Lesson, error) {
	return s.lesson(ctx, s.db, id)
}

func (s *Store) lesson(ctx context.Context, q queryer, id string) (*lesson.Lesson, error) {
	l, err := scanLesson(q.QueryRowContext(ctx, `SELECT `+lessonColumns+lessonFrom+` WHERE l.id = $1`, id))
	return l, notFound(err, "lesson")
}

// Lessons lists the lessons that pass the filter, the newest first.
func (s *Store) Lessons(ctx context.Context, f lesson.Filter) ([]*lesson.Lesson, Page, error) {
	return memoList(ctx, s, "lessons", f, s.lessonsUncached)
}

func (s *Store) lessonsUncached(ctx context.Context, f lesson.Filter) ([]*lesson.Lesson, Page, error) {
	var args []any
	var conds []string
	if f.Query != "" {
		c, ok := s.searchCond("l.id", "lesson", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("l.id", "lesson", f.Field, &args))
	}
	for _, c := range []struct{ col, v string }{{"l.country", f.Country}, {"l.source_kind", f.SourceKind}, {"l.source_ref", f.SourceRef}, {"l.author_id", f.AuthorID}} {
		if c.v != "" {
			args = append(args, c.v)
			conds = append(conds, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM lessons l`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count lessons: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+lessonColumns+lessonFrom+where+
		fmt.Sprintf(" ORDER BY l.created_at DESC, l.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list lessons: %w", err)
	}
	out, err := scanLessons(rows)
	return out, p, err
}

func scanLessons(rows *sql.Rows) ([]*lesson.Lesson, error) {
	return collect(rows, scanLesson)
}

// LessonsForFields returns up to limit lessons that share a field with
// fields: the same field, one of its sub-fields, or its broad field. The
// most helpful come first, then the newest.
func (s *Store) LessonsForFields(ctx context.Context, fields []string, limit int) ([]*lesson.Lesson, error) {
	if limit <= 0 || limit > 50 {
		limit = 5
	}
	var args []any
	var alts []string
	seen := map[string]bool{}
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		args = append(args, f, f+".%")
		alts = append(alts, fmt.Sprintf("field = $%d OR field LIKE $%d", len(args)-1, len(args)))
		if broad, _, ok := strings.Cut(f, "."); ok && !seen[broad] {
			seen[broad] = true
			args = append(args, broad)
			alts = append(alts, fmt.Sprintf("field = $%d", len(args)))
		}
	}
	if len(alts) == 0 {
		return []*lesson.Lesson{}, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+lessonColumns+lessonFrom+
		` WHERE l.id IN (SELECT ref FROM subject_fields WHERE kind = 'lesson' AND (`+strings.Join(alts, " OR ")+`))`+
		fmt.Sprintf(` ORDER BY (SELECT COUNT(*) FROM lesson_helpful h WHERE h.lesson_id = l.id) DESC, l.created_at DESC, l.id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("lessons for fields: %w", err)
	}
	return scanLessons(rows)
}

// CreateLesson validates and stores a lesson written by actor.
func (s *Store) CreateLesson(ctx context.Context, actor Actor, l *lesson.Lesson) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	l.Normalise()
	if err := l.Validate(ref); err != nil {
		return err
	}
	l.ID = silkbridge.NewID()
	l.AuthorID = actor.UserID
	l.CreatedAt, l.UpdatedAt = now(), now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkLessonSource(ctx, tx, l.Source); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lessons (id, title, fields, technology, tried, went_wrong, instead, cost_days,
			cost_money, cost_currency, country, language, source_kind, source_ref, author_id, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULLIF($15, ''), $16, $17, $18)`,
			l.ID, l.Title, jsonList(l.Fields), l.Technology, l.Tried, l.WentWrong, l.Instead, l.CostDays,
			l.CostMoney, l.CostCurrency, l.Country, l.Language, l.Source.Kind, l.Source.Ref, l.AuthorID, l.Sample,
			ts(l.CreatedAt), ts(l.UpdatedAt)); err != nil {
			return fmt.Errorf("create lesson: %w", err)
		}
		if err := s.writeLessonParts(ctx, tx, l); err != nil {
			return err
		}
		saved, err := s.lesson(ctx, tx, l.ID)
		if err != nil {
			return err
		}
		*l = *saved
		return s.audit(ctx, tx, actor, "create", "lesson", l.ID, lessonOrg(l), nil, l)
	})
}

// lessonOrg is the organisation a lesson belongs to in the audit log: its
// source, when that is an organisation.
func lessonOrg(l *lesson.Lesson) string {
	if l.Source.Kind == lesson.SourceOrganisation {
		return l.Source.Ref
	}
	return ""
}

func (s *Store) writeLessonParts(ctx context.Context, q queryer, l *lesson.Lesson) error {
	if err := setFields(ctx, q, "lesson", l.ID, l.Fields); err != nil {
		return err
	}
	return s.index(ctx, q, "lesson", l.ID, l.Title, l.Technology, l.Tried, l.WentWrong, l.Instead)
}

// checkLessonSource checks that the event, cooperation or organisation a
// lesson names exists.
func (s *Store) checkLessonSource(ctx context.Context, q queryer, src lesson.Source) error {
	var table string
	switch src.Kind {
	case "":
		return nil
	case lesson.SourceEvent:
		table = "events"
	case lesson.SourceCooperation:
		table = "cooperations"
	case lesson.SourceOrganisation:
		table = "organisations"
	default:
		return silkbridge.Invalid("source_kind", "field.choice", "not one of the choices", map[string]any{"Value": src.Kind})
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, src.Ref).Scan(&n); err != nil {
		return fmt.Errorf("lesson source: %w", err)
	}
	if n == 0 {
		return silkbridge.Invalid("source_ref", "lesson.field.source", "choose the event, cooperation or organisation on the platform", nil)
	}
	return nil
}

// UpdateLesson validates and saves the changes update makes to a lesson.
func (s *Store) UpdateLesson(ctx context.Context, actor Actor, id string, update func(*lesson.Lesson)) (*lesson.Lesson, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *lesson.Lesson
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.lesson(ctx, tx, id)
		if err != nil {
			return err
		}
		l := *before
		update(&l)
		l.ID, l.AuthorID, l.AuthorName, l.Helpful, l.Sample, l.CreatedAt = before.ID, before.AuthorID, before.AuthorName, before.Helpful, before.Sample, before.CreatedAt
		l.Normalise()
		if err := l.Validate(ref); err != nil {
			return err
		}
		if err := s.checkLessonSource(ctx, tx, l.Source); err != nil {
			return err
		}
		l.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE lessons SET title = $2, fields = $3, technology = $4, tried = $5, went_wrong = $6,
			instead = $7, cost_days = $8, cost_money = $9, cost_currency = $10, country = $11, language = $12, source_kind = $13,
			source_ref = $14, updated_at = $15 WHERE id = $1`,
			l.ID, l.Title, jsonList(l.Fields), l.Technology, l.Tried, l.WentWrong, l.Instead, l.CostDays, l.CostMoney,
			l.CostCurrency, l.Country, l.Language, l.Source.Kind, l.Source.Ref, ts(l.UpdatedAt)); err != nil {
			return fmt.Errorf("update lesson: %w", err)
		}
		if err := s.writeLessonParts(ctx, tx, &l); err != nil {
			return err
		}
		if after, err = s.lesson(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "update", "lesson", id, lessonOrg(after), before, after)
	})
	return after, err
}

// DeleteLesson removes a lesson and its helpful marks.
func (s *Store) DeleteLesson(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.lesson(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteLessonRows(ctx, s, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "lesson", id, lessonOrg(before), before, nil)
	})
}

func deleteLessonRows(ctx context.Context, s *Store, tx *sql.Tx, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM lessons WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete lesson: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'lesson' AND ref = $1`, id); err != nil {
		return fmt.Errorf("delete lesson: %w", err)
	}
	return s.unindex(ctx, tx, "lesson", id)
}

// MarkHelpful records that the user found a lesson helpful. Each user
// counts once, and not for their own lesson.
func (s *Store) MarkHelpful(ctx context.Context, actor Actor, lessonID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		l, err := s.lesson(ctx, tx, lessonID)
		if err != nil {
			return err
		}
		if l.AuthorID != "" && l.AuthorID == actor.UserID {
			return silkbridge.Conflict("lesson.helpful_own", "you cannot mark your own lesson helpful")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO lesson_helpful (lesson_id, user_id, marked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			lessonID, actor.UserID, ts(now()))
		if err != nil {
			return fmt.Errorf("mark helpful: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return silkbridge.Conflict("lesson.helpful_twice", "you already marked this lesson helpful")
		}
		return s.audit(ctx, tx, actor, "mark_helpful", "lesson", lessonID, lessonOrg(l),
			map[string]int{"helpful": l.Helpful}, map[string]int{"helpful": l.Helpful + 1})
	})
}

// UnmarkHelpful takes back the user's helpful mark.
func (s *Store) UnmarkHelpful(ctx context.Context, actor Actor, lessonID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		l, err := s.lesson(ctx, tx, lessonID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM lesson_helpful WHERE lesson_id = $1 AND user_id = $2`, lessonID, actor.UserID)
		if err != nil {
			return fmt.Errorf("unmark helpful: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return silkbridge.NotFound("helpful mark")
		}
		return s.audit(ctx, tx, actor, "unmark_helpful", "lesson", lessonID, lessonOrg(l),
			map[string]int{"helpful": l.Helpful}, map[string]int{"helpful": l.Helpful - 1})
	})
}

// HelpfulTo returns which of the lessons the user marked helpful.
func (s *Store) HelpfulTo(ctx context.Context, userID string, lessonIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if userID == "" || len(lessonIDs) == 0 {
		return out, nil
	}
	args := []any{userID}
	rows, err := s.db.QueryContext(ctx, `SELECT lesson_id FROM lesson_helpful WHERE user_id = $1 AND lesson_id IN (`+
		placeholders(&args, lessonIDs)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("helpful marks: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var id string
		if err := r.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	})
	return out, err
}

// LessonPromptWindow is how long after an event its participants are
// asked what they learned.
const LessonPromptWindow = 180 * 24 * time.Hour

// LessonPrompts returns up to limit events that ended recently, at which
// the user held a place and about which they have not yet written a
// lesson: the events whose participants are asked what they learned.
func (s *Store) LessonPrompts(ctx context.Context, userID string, limit int) ([]*event.Event, error) {
	if limit <= 0 || limit > 50 {
		limit = 5
	}
	t := now()
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM events e
		WHERE e.ends_at <= $2 AND e.ends_at > $3
		AND e.id IN (SELECT event_id FROM event_registrations WHERE user_id = $1 AND status = 'registered')
		AND e.id NOT IN (SELECT source_ref FROM lessons WHERE source_kind = 'event' AND author_id = $1)
		ORDER BY e.ends_at DESC, e.id LIMIT `+fmt.Sprint(limit), userID, ts(t), ts(t.Add(-LessonPromptWindow)))
	if err != nil {
		return nil, fmt.Errorf("lesson prompts: %w", err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	return events, s.loadHosts(ctx, s.db, events)
}

// eraseLessons keeps a deleting member's lessons without their name
// (anonymise) or removes them; their helpful marks go with the account.
func eraseLessons(ctx context.Context, s *Store, tx *sql.Tx, userID string, anonymise bool) error {
	if anonymise {
		if _, err := tx.ExecContext(ctx, `UPDATE lessons SET author_id = NULL WHERE author_id = $1`, userID); err != nil {
			return fmt.Errorf("anonymise lessons: %w", err)
		}
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM lessons WHERE author_id = $1`, userID)
	if err != nil {
		return fmt.Errorf("delete lessons: %w", err)
	}
	ids, err := collect(rows, scanString)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := deleteLessonRows(ctx, s, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// LessonData is what the lessons hold of one member, for the download of
// their personal data.
type LessonData struct {
	Lessons []*lesson.Lesson `json:"lessons_written"`
	// Helpful lists the ids of the lessons the member marked helpful.
	Helpful []string `json:"marked_helpful"`
}

// LessonDataOf gathers the lessons a user wrote and marked helpful.
func (s *Store) LessonDataOf(ctx context.Context, userID string) (*LessonData, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+lessonColumns+lessonFrom+` WHERE l.author_id = $1 ORDER BY l.created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("lesson data: %w", err)
	}
	d := &LessonData{Helpful: []string{}}
	if d.Lessons, err = scanLessons(rows); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT lesson_id FROM lesson_helpful WHERE user_id = $1 ORDER BY marked_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("lesson data: %w", err)
	}
	d.Helpful, err = collect(rows, scanString)
	return d, err
}
