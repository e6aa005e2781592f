package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/organisation"
)

const achievementColumns = `a.id, a.owner_id, a.title, a.kind, a.summary, a.fields, a.keywords, a.trl, a.ip_status, a.ip_numbers,
	a.licensing, a.available_in, a.sample, a.created_at, a.updated_at, o.name, o.country`

func scanAchievement(row interface{ Scan(...any) error }) (*achievement.Achievement, error) {
	var a achievement.Achievement
	var fields, keywords, numbers, countries, created, updated string
	if err := row.Scan(&a.ID, &a.OwnerID, &a.Title, &a.Kind, &a.Summary, &fields, &keywords, &a.TRL, &a.IPStatus, &numbers,
		&a.Licensing, &countries, &a.Sample, &created, &updated, &a.OwnerName, &a.OwnerCountry); err != nil {
		return nil, err
	}
	a.Fields, a.Keywords, a.IPNumbers, a.AvailableIn = parseList(fields), parseList(keywords), parseList(numbers), parseList(countries)
	a.CreatedAt, a.UpdatedAt = parseTS(created), parseTS(updated)
	return &a, nil
}

// Achievement returns one technology achievement.
func (s *Store) Achievement(ctx context.Context, id string) (*achievement.Achievement, error) {
	return s.achievement(ctx, s.db, id)
}

func (s *Store) achievement(ctx context.Context, q queryer, id string) (*achievement.Achievement, error) {
	a, err := scanAchievement(q.QueryRowContext(ctx, `SELECT `+achievementColumns+` FROM achievements a
		JOIN organisations o ON o.id = a.owner_id WHERE a.id = $1`, id))
	return a, notFound(err, "achievement")
}

// Achievements lists the achievements that pass the filter, the most
// recently changed first.
func (s *Store) Achievements(ctx context.Context, f achievement.Filter) ([]*achievement.Achievement, Page, error) {
	var args []any
	conds := []string{"1 = 1"}
	if f.Query != "" {
		c, ok := s.searchCond("a.id", "achievement", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		conds = append(conds, fmt.Sprintf("a.kind = $%d", len(args)))
	}
	if f.OwnerID != "" {
		args = append(args, f.OwnerID)
		conds = append(conds, fmt.Sprintf("a.owner_id = $%d", len(args)))
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("a.id", "achievement", f.Field, &args))
	}
	if f.Country != "" {
		args = append(args, `%"`+f.Country+`"%`)
		conds = append(conds, fmt.Sprintf("(a.available_in = '[]' OR a.available_in LIKE $%d)", len(args)))
	}
	if f.TRLMin > 0 {
		args = append(args, f.TRLMin)
		conds = append(conds, fmt.Sprintf("a.trl >= $%d", len(args)))
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	from := ` FROM achievements a JOIN organisations o ON o.id = a.owner_id`
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*)`+from+where, args...); err != nil {
		return nil, p, fmt.Errorf("count achievements: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+achievementColumns+from+where+
		fmt.Sprintf(" ORDER BY a.updated_at DESC, a.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list achievements: %w", err)
	}
	out, err := collect(rows, scanAchievement)
	return out, p, err
}

// CreateAchievement validates and stores a new achievement of its owner.
func (s *Store) CreateAchievement(ctx context.Context, actor Actor, a *achievement.Achievement) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	a.Normalise()
	if err := a.Validate(ref); err != nil {
		return err
	}
	a.ID = silkbridge.NewID()
	a.CreatedAt, a.UpdatedAt = now(), now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := orgExists(ctx, tx, "owner_id", a.OwnerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO achievements (id, owner_id, title, kind, summary, fields, keywords, trl,
			ip_status, ip_numbers, licensing, available_in, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			a.ID, a.OwnerID, a.Title, a.Kind, a.Summary, jsonList(a.Fields), jsonList(a.Keywords), a.TRL, a.IPStatus,
			jsonList(a.IPNumbers), a.Licensing, jsonList(a.AvailableIn), a.Sample, ts(a.CreatedAt), ts(a.UpdatedAt)); err != nil {
			return fmt.Errorf("create achievement: %w", err)
		}
		if err := s.saveAchievementSearch(ctx, tx, a); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "achievement", a.ID, a.OwnerID, nil, a)
	})
}

func (s *Store) saveAchievementSearch(ctx context.Context, q queryer, a *achievement.Achievement) error {
	if err := setFields(ctx, q, "achievement", a.ID, a.Fields); err != nil {
		return err
	}
	return s.index(ctx, q, "achievement", a.ID, a.Title, a.Summary, strings.Join(a.Keywords, " "), strings.Join(a.IPNumbers, " "))
}

// UpdateAchievement validates and saves the changes update makes to the
// stored achievement id; its owner stays.
func (s *Store) UpdateAchievement(ctx context.Context, actor Actor, id string, update func(*achievement.Achievement)) (*achievement.Achievement, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *achievement.Achievement
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.achievement(ctx, tx, id)
		if err != nil {
			return err
		}
		a := *before
		update(&a)
		a.ID, a.OwnerID, a.CreatedAt, a.Sample = before.ID, before.OwnerID, before.CreatedAt, before.Sample
		a.Normalise()
		if err := a.Validate(ref); err != nil {
			return err
		}
		a.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE achievements SET title = $2, kind = $3, summary = $4, fields = $5, keywords = $6,
			trl = $7, ip_status = $8, ip_numbers = $9, licensing = $10, available_in = $11, updated_at = $12 WHERE id = $1`,
			a.ID, a.Title, a.Kind, a.Summary, jsonList(a.Fields), jsonList(a.Keywords), a.TRL, a.IPStatus, jsonList(a.IPNumbers),
			a.Licensing, jsonList(a.AvailableIn), ts(a.UpdatedAt)); err != nil {
			return fmt.Errorf("update achievement: %w", err)
		}
		if err := s.saveAchievementSearch(ctx, tx, &a); err != nil {
			return err
		}
		after = &a
		return s.audit(ctx, tx, actor, "update", "achievement", a.ID, a.OwnerID, before, a)
	})
	return after, err
}

// DeleteAchievement removes an achievement with its transfers.
func (s *Store) DeleteAchievement(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.achievement(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM transfer_stages WHERE transfer_id IN (SELECT id FROM transfers WHERE achievement_id = $1)`, id); err != nil {
			return fmt.Errorf("delete achievement: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM transfers WHERE achievement_id = $1`, id); err != nil {
			return fmt.Errorf("delete achievement: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM achievements WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete achievement: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'achievement' AND ref = $1`, id); err != nil {
			return err
		}
		if err := s.unindex(ctx, tx, "achievement", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "achievement", id, before.OwnerID, before, nil)
	})
}

// CountSampleAchievements counts the sample achievements, so demo loading
// runs once.
func (s *Store) CountSampleAchievements(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM achievements WHERE sample`).Scan(&n)
	return n, err
}

const transferColumns = `t.id, t.achievement_id, t.receiver_id, t.stage, t.terms, t.started_on, t.completed_on, t.sample,
	t.created_at, t.updated_at, a.title, a.owner_id, ow.name, r.name, r.country`

const transferFrom = ` FROM transfers t JOIN achievements a ON a.id = t.achievement_id
	JOIN organisations ow ON ow.id = a.owner_id JOIN organisations r ON r.id = t.receiver_id`

func scanTransfer(row interface{ Scan(...any) error }) (*achievement.Transfer, error) {
	var t achievement.Transfer
	var created, updated string
	if err := row.Scan(&t.ID, &t.AchievementID, &t.ReceiverID, &t.Stage, &t.Terms, &t.StartedOn, &t.CompletedOn, &t.Sample,
		&created, &updated, &t.AchievementTitle, &t.OwnerID, &t.OwnerName, &t.ReceiverName, &t.ReceiverCountry); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = parseTS(created), parseTS(updated)
	t.History = []achievement.StageDate{}
	return &t, nil
}

// Transfer returns one transfer with its dated stages.
func (s *Store) Transfer(ctx context.Context, id string) (*achievement.Transfer, error) {
	return s.transfer(ctx, s.db, id)
}

func (s *Store) transfer(ctx context.Context, q queryer, id string) (*achievement.Transfer, error) {
	t, err := scanTransfer(q.QueryRowContext(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "transfer")
	}
	return t, s.loadTransferStages(ctx, q, []*achievement.Transfer{t})
}

func (s *Store) loadTransferStages(ctx context.Context, q queryer, ts []*achievement.Transfer) error {
	if len(ts) == 0 {
		return nil
	}
	byID := map[string]*achievement.Transfer{}
	ids := make([]string, len(ts))
	for i, t := range ts {
		byID[t.ID], ids[i] = t, t.ID
	}
	var args []any
	rows, err := q.QueryContext(ctx, `SELECT transfer_id, stage, on_date FROM transfer_stages WHERE transfer_id IN (`+
		placeholders(&args, ids)+`)`, args...)
	if err != nil {
		return fmt.Errorf("transfer stages: %w", err)
	}
	err = each(rows, func(row rowScanner) error {
		var id string
		var h achievement.StageDate
		if err := row.Scan(&id, &h.Stage, &h.Date); err != nil {
			return err
		}
		byID[id].History = append(byID[id].History, h)
		return nil
	})
	if err != nil {
		return fmt.Errorf("transfer stages: %w", err)
	}
	for _, t := range ts {
		// In the order of the stages, which is also the order of the dates.
		hs := t.History
		for i := 1; i < len(hs); i++ {
			for j := i; j > 0 && achievement.StageIndex(hs[j].Stage) < achievement.StageIndex(hs[j-1].Stage); j-- {
				hs[j], hs[j-1] = hs[j-1], hs[j]
			}
		}
	}
	return nil
}

// TransferFilter selects transfers: of one achievement, or those where an
// organisation is the owner or the receiver.
type TransferFilter struct {
	AchievementID string
	OrgID         string
}

// Transfers lists the transfers that pass the filter, the latest first.
func (s *Store) Transfers(ctx context.Context, f TransferFilter) ([]*achievement.Transfer, error) {
	var args []any
	conds := []string{"1 = 1"}
	if f.AchievementID != "" {
		args = append(args, f.AchievementID)
		conds = append(conds, fmt.Sprintf("t.achievement_id = $%d", len(args)))
	}
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		conds = append(conds, fmt.Sprintf("(a.owner_id = $%d OR t.receiver_id = $%d)", len(args), len(args)))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+transferColumns+transferFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY t.started_on DESC, t.id LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("list transfers: %w", err)
	}
	out, err := collect(rows, scanTransfer)
	if err != nil {
		return nil, err
	}
	return out, s.loadTransferStages(ctx, s.db, out)
}

// ParkTransfers lists the transfers whose owner or receiver belongs or
// belonged to the park.
func (s *Store) ParkTransfers(ctx context.Context, parkID string) ([]*achievement.Transfer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+transferColumns+transferFrom+` WHERE a.owner_id IN `+parkOrgsCond+
		` OR t.receiver_id IN `+parkOrgsCond+` ORDER BY t.started_on DESC, t.id LIMIT 200`, parkID)
	if err != nil {
		return nil, fmt.Errorf("park transfers: %w", err)
	}
	return collect(rows, scanTransfer)
}

// CreateTransfer records a new deal from an achievement to an enterprise,
// at its first stage on its start date.
func (s *Store) CreateTransfer(ctx context.Context, actor Actor, t *achievement.Transfer) error {
	t.Normalise()
	if err := t.Validate(today()); err != nil {
		return err
	}
	t.ID = silkbridge.NewID()
	t.CreatedAt, t.UpdatedAt = now(), now()
	if achievement.Completed(t.Stage) {
		t.CompletedOn = t.StartedOn
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		a, err := s.achievement(ctx, tx, t.AchievementID)
		if err != nil {
			return err
		}
		recv, err := s.organisation(ctx, tx, t.ReceiverID)
		if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
			return silkbridge.Invalid("receiver_id", "field.organisation", "no such organisation on the platform", nil)
		} else if err != nil {
			return err
		}
		switch {
		case recv.Kind != organisation.Enterprise:
			return silkbridge.Invalid("receiver_id", "achievement.error.receiver_kind", "the receiver of a transfer is an enterprise", nil)
		case recv.ID == a.OwnerID:
			return silkbridge.Invalid("receiver_id", "achievement.error.receiver_owner", "the receiver is another organisation than the owner", nil)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfers (id, achievement_id, receiver_id, stage, terms, started_on, completed_on,
			sample, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			t.ID, t.AchievementID, t.ReceiverID, t.Stage, t.Terms, t.StartedOn, t.CompletedOn, t.Sample, ts(t.CreatedAt), ts(t.UpdatedAt)); err != nil {
			return fmt.Errorf("create transfer: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_stages (transfer_id, stage, on_date) VALUES ($1, $2, $3)`,
			t.ID, t.Stage, t.StartedOn); err != nil {
			return fmt.Errorf("create transfer: %w", err)
		}
		t.History = []achievement.StageDate{{Stage: t.Stage, Date: t.StartedOn}}
		t.OwnerID = a.OwnerID
		return s.audit(ctx, tx, actor, "create", "transfer", t.ID, a.OwnerID, nil, t)
	})
}

// AdvanceTransfer moves a transfer forward to stage on date; reaching
// "licence signed" (or later) completes it on that date.
func (s *Store) AdvanceTransfer(ctx context.Context, actor Actor, id, stage, date string) (*achievement.Transfer, error) {
	stage, date = strings.TrimSpace(stage), strings.TrimSpace(date)
	var after *achievement.Transfer
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.transfer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := achievement.ValidateAdvance(before, stage, date, today()); err != nil {
			return err
		}
		t := *before
		t.Stage, t.UpdatedAt = stage, now()
		if t.CompletedOn == "" && achievement.Completed(stage) {
			t.CompletedOn = date
		}
		t.History = append(append([]achievement.StageDate{}, before.History...), achievement.StageDate{Stage: stage, Date: date})
		if _, err := tx.ExecContext(ctx, `UPDATE transfers SET stage = $2, completed_on = $3, updated_at = $4 WHERE id = $1`,
			id, t.Stage, t.CompletedOn, ts(t.UpdatedAt)); err != nil {
			return fmt.Errorf("advance transfer: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_stages (transfer_id, stage, on_date) VALUES ($1, $2, $3)`, id, stage, date); err != nil {
			return fmt.Errorf("advance transfer: %w", err)
		}
		after = &t
		return s.audit(ctx, tx, actor, "advance", "transfer", id, t.OwnerID, before, t)
	})
	return after, err
}
