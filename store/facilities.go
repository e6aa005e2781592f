package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/facility"
)

const facilityColumns = `f.id, f.owner_id, f.kind, f.names, f.descriptions, f.fields, f.country, f.address, f.latitude, f.longitude,
	f.access_modes, f.eligibility, f.languages, f.prerequisites, f.price_unit, f.price, f.currency, f.price_bri, f.policy_id,
	f.price_policy, f.time_zone, f.opening_hours, f.cancel_hours, f.sample, f.created_at, f.updated_at, o.name, COALESCE(o.park_id, ''),
	COALESCE((SELECT c.bri_partner FROM countries c WHERE c.code = f.country), FALSE)`

const facilityFrom = ` FROM facilities f JOIN organisations o ON o.id = f.owner_id`

func scanFacility(row interface{ Scan(...any) error }) (*facility.Facility, error) {
	var f facility.Facility
	var names, descs, fields, modes, langs, hours, created, updated string
	var lat, lng, bri, pol sql.NullFloat64
	if err := row.Scan(&f.ID, &f.OwnerID, &f.Kind, &names, &descs, &fields, &f.Country, &f.Address, &lat, &lng,
		&modes, &f.Eligibility, &langs, &f.Prerequisites, &f.Price.Unit, &f.Price.Amount, &f.Price.Currency, &bri, &f.Price.PolicyID,
		&pol, &f.TimeZone, &hours, &f.CancelHours, &f.Sample, &created, &updated, &f.OwnerName, &f.OwnerParkID, &f.BRIPartner); err != nil {
		return nil, err
	}
	f.Names, f.Descriptions = parseTexts(names), parseTexts(descs)
	f.Fields, f.AccessModes, f.Languages = parseList(fields), parseList(modes), parseList(langs)
	f.Latitude, f.Longitude, f.Price.BRI, f.Price.Policy = nullable(lat), nullable(lng), nullable(bri), nullable(pol)
	f.OpeningHours = []facility.Hours{}
	json.Unmarshal([]byte(hours), &f.OpeningHours)
	f.CreatedAt, f.UpdatedAt = parseTS(created), parseTS(updated)
	return &f, nil
}

func parseTexts(s string) map[string]string {
	m := map[string]string{}
	json.Unmarshal([]byte(s), &m)
	return m
}

func jsonValue(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func nullable(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	x := v.Float64
	return &x
}

func nullFloat(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// Facility returns one facility with its instruments and closures.
func (s *Store) Facility(ctx context.Context, id string) (*facility.Facility, error) {
	return s.facility(ctx, s.db, id)
}

func (s *Store) facility(ctx context.Context, q queryer, id string) (*facility.Facility, error) {
	f, err := scanFacility(q.QueryRowContext(ctx, `SELECT `+facilityColumns+facilityFrom+` WHERE f.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "facility")
	}
	return f, s.loadFacilityParts(ctx, q, []*facility.Facility{f})
}

// loadFacilityParts fills the instruments and closures of the facilities.
func (s *Store) loadFacilityParts(ctx context.Context, q queryer, fs []*facility.Facility) error {
	if len(fs) == 0 {
		return nil
	}
	byID := map[string]*facility.Facility{}
	ids := make([]string, len(fs))
	for i, f := range fs {
		byID[f.ID], ids[i] = f, f.ID
		f.Instruments, f.Closures = []facility.Instrument{}, []facility.Closure{}
	}
	var args []any
	in := placeholders(&args, ids)
	rows, err := q.QueryContext(ctx, `SELECT facility_id, id, name, specification, capacity FROM facility_instruments
		WHERE facility_id IN (`+in+`) ORDER BY facility_id, position`, args...)
	if err != nil {
		return fmt.Errorf("facility instruments: %w", err)
	}
	for rows.Next() {
		var fid string
		var x facility.Instrument
		if err := rows.Scan(&fid, &x.ID, &x.Name, &x.Specification, &x.Capacity); err != nil {
			rows.Close()
			return err
		}
		byID[fid].Instruments = append(byID[fid].Instruments, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT facility_id, kind, from_on, until_on, note FROM facility_closures
		WHERE facility_id IN (`+in+`) ORDER BY facility_id, from_on`, args...)
	if err != nil {
		return fmt.Errorf("facility closures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fid string
		var c facility.Closure
		if err := rows.Scan(&fid, &c.Kind, &c.From, &c.Until, &c.Note); err != nil {
			return err
		}
		byID[fid].Closures = append(byID[fid].Closures, c)
	}
	return rows.Err()
}

// Facilities lists the facilities that pass the filter, the most recently
// changed first.
func (s *Store) Facilities(ctx context.Context, f facility.Filter) ([]*facility.Facility, Page, error) {
	var args []any
	conds := []string{"1 = 1"}
	add := func(format string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(format, len(args)))
	}
	if f.Query != "" {
		c, ok := s.searchCond("f.id", "facility", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Kind != "" {
		add("f.kind = $%d", f.Kind)
	}
	if f.Country != "" {
		add("f.country = $%d", f.Country)
	}
	if len(f.Countries) > 0 {
		conds = append(conds, "f.country IN ("+placeholders(&args, f.Countries)+")")
	}
	if f.OwnerID != "" {
		add("f.owner_id = $%d", f.OwnerID)
	}
	if f.ParkID != "" {
		args = append(args, f.ParkID)
		n := len(args)
		conds = append(conds, fmt.Sprintf(`(f.owner_id = $%d OR f.owner_id IN (SELECT org_id FROM park_members WHERE park_id = $%d AND left_on = '')
			OR f.owner_id IN (SELECT id FROM organisations WHERE park_id = $%d))`, n, n, n))
	}
	if f.Access != "" {
		add("f.access_modes LIKE $%d", `%"`+f.Access+`"%`)
	}
	if f.BRIPartner {
		conds = append(conds, "f.country IN (SELECT code FROM countries WHERE bri_partner)")
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("f.id", "facility", f.Field, &args))
	}
	if !f.FreeFrom.IsZero() && f.FreeTo.After(f.FreeFrom) {
		args = append(args, ts(f.FreeFrom), ts(f.FreeTo))
		a, b := len(args)-1, len(args)
		// Some instrument holds fewer approved bookings meeting the span
		// than its capacity: then it is free for at least part of it at
		// once, and wholly free when its capacity is 1.
		conds = append(conds, fmt.Sprintf(`EXISTS (SELECT 1 FROM facility_instruments i WHERE i.facility_id = f.id AND
			(SELECT COUNT(*) FROM facility_bookings b WHERE b.instrument_id = i.id AND b.status = 'approved'
			 AND b.starts_at < $%d AND b.ends_at > $%d) < i.capacity)`, b, a))
		// ... and no closure covers the whole span.
		args = append(args, f.FreeFrom.Format(time.DateOnly), f.FreeTo.Add(-time.Nanosecond).Format(time.DateOnly))
		conds = append(conds, fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM facility_closures c WHERE c.facility_id = f.id
			AND c.from_on <= $%d AND c.until_on >= $%d)`, len(args)-1, len(args)))
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+facilityFrom+where, args...).Scan(&p.Total); err != nil {
		return nil, p, fmt.Errorf("count facilities: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+facilityColumns+facilityFrom+where+
		fmt.Sprintf(" ORDER BY f.updated_at DESC, f.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list facilities: %w", err)
	}
	out := []*facility.Facility{}
	for rows.Next() {
		x, err := scanFacility(rows)
		if err != nil {
			rows.Close()
			return nil, p, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, p, err
	}
	return out, p, s.loadFacilityParts(ctx, s.db, out)
}

// CreateFacility validates and stores a new facility of its owner; the
// country is the owner's unless given.
func (s *Store) CreateFacility(ctx context.Context, actor Actor, f *facility.Facility) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	f.OwnerID = strings.TrimSpace(f.OwnerID)
	owner, err := s.organisation(ctx, s.db, f.OwnerID)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return silkbridge.Invalid("owner_id", "field.organisation", "no such organisation on the platform", nil)
	} else if err != nil {
		return err
	}
	if strings.TrimSpace(f.Country) == "" {
		f.Country = owner.Country
	}
	f.Normalise()
	if err := f.Validate(ref); err != nil {
		return err
	}
	f.ID = silkbridge.NewID()
	f.CreatedAt, f.UpdatedAt = now(), now()
	f.OwnerName, f.OwnerParkID = owner.Name, owner.ParkID
	for i := range f.Instruments {
		f.Instruments[i].ID = silkbridge.NewID()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkFacilityPolicy(ctx, tx, f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO facilities (id, owner_id, kind, names, descriptions, fields, country, address,
			latitude, longitude, access_modes, eligibility, languages, prerequisites, price_unit, price, currency, price_bri, policy_id,
			price_policy, time_zone, opening_hours, cancel_hours, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
			f.ID, f.OwnerID, f.Kind, jsonValue(f.Names), jsonValue(f.Descriptions), jsonList(f.Fields), f.Country, f.Address,
			nullFloat(f.Latitude), nullFloat(f.Longitude), jsonList(f.AccessModes), f.Eligibility, jsonList(f.Languages), f.Prerequisites,
			f.Price.Unit, f.Price.Amount, f.Price.Currency, nullFloat(f.Price.BRI), f.Price.PolicyID, nullFloat(f.Price.Policy), f.TimeZone,
			jsonValue(f.OpeningHours), f.CancelHours, f.Sample, ts(f.CreatedAt), ts(f.UpdatedAt)); err != nil {
			return fmt.Errorf("create facility: %w", err)
		}
		if err := s.writeFacilityParts(ctx, tx, f, nil); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "facility", f.ID, f.OwnerID, nil, f)
	})
}

// writeFacilityParts stores the instruments (keeping the ids of those in
// before with the same name), closures, fields and search terms.
func (s *Store) writeFacilityParts(ctx context.Context, tx *sql.Tx, f *facility.Facility, before *facility.Facility) error {
	if before != nil {
		kept := map[string]string{}
		for _, in := range before.Instruments {
			kept[in.Name] = in.ID
		}
		for i := range f.Instruments {
			if id, ok := kept[f.Instruments[i].Name]; ok {
				f.Instruments[i].ID = id
				delete(kept, f.Instruments[i].Name)
			} else {
				f.Instruments[i].ID = silkbridge.NewID()
			}
		}
		for _, id := range kept {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM facility_bookings WHERE instrument_id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return silkbridge.Invalid("instruments", "facility.error.instrument_booked", "an instrument that has bookings cannot be removed", nil)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM facility_instruments WHERE id = $1`, id); err != nil {
				return fmt.Errorf("remove instrument: %w", err)
			}
		}
	}
	for i, in := range f.Instruments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO facility_instruments (id, facility_id, position, name, specification, capacity)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET position = excluded.position,
			specification = excluded.specification, capacity = excluded.capacity`,
			in.ID, f.ID, i, in.Name, in.Specification, in.Capacity); err != nil {
			return fmt.Errorf("save instrument: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM facility_closures WHERE facility_id = $1`, f.ID); err != nil {
		return err
	}
	for _, c := range f.Closures {
		if _, err := tx.ExecContext(ctx, `INSERT INTO facility_closures (facility_id, kind, from_on, until_on, note) VALUES ($1, $2, $3, $4, $5)`,
			f.ID, c.Kind, c.From, c.Until, c.Note); err != nil {
			return fmt.Errorf("save closure: %w", err)
		}
	}
	if err := setFields(ctx, tx, "facility", f.ID, f.Fields); err != nil {
		return err
	}
	texts := []string{f.Kind, f.Address, f.OwnerName}
	for _, l := range facility.Languages {
		texts = append(texts, f.Names[l], f.Descriptions[l])
	}
	for _, in := range f.Instruments {
		texts = append(texts, in.Name, in.Specification)
	}
	return s.index(ctx, tx, "facility", f.ID, texts...)
}

// UpdateFacility validates and saves the changes update makes to the
// stored facility id; its owner stays. An instrument that has bookings
// cannot be removed (renaming one removes it).
func (s *Store) UpdateFacility(ctx context.Context, actor Actor, id string, update func(*facility.Facility)) (*facility.Facility, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *facility.Facility
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.facility(ctx, tx, id)
		if err != nil {
			return err
		}
		f := *before
		f.Names, f.Descriptions = maps(before.Names), maps(before.Descriptions)
		f.Instruments = slices.Clone(before.Instruments)
		update(&f)
		f.ID, f.OwnerID, f.CreatedAt, f.Sample = before.ID, before.OwnerID, before.CreatedAt, before.Sample
		if strings.TrimSpace(f.Country) == "" {
			// As on creation, no country means the owner's.
			owner, err := s.organisation(ctx, tx, f.OwnerID)
			if err != nil {
				return err
			}
			f.Country = owner.Country
		}
		f.Normalise()
		if err := f.Validate(ref); err != nil {
			return err
		}
		if err := checkFacilityPolicy(ctx, tx, &f); err != nil {
			return err
		}
		f.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE facilities SET kind = $2, names = $3, descriptions = $4, fields = $5, country = $6,
			address = $7, latitude = $8, longitude = $9, access_modes = $10, eligibility = $11, languages = $12, prerequisites = $13,
			price_unit = $14, price = $15, currency = $16, price_bri = $17, policy_id = $18, price_policy = $19, time_zone = $20,
			opening_hours = $21, cancel_hours = $22, updated_at = $23 WHERE id = $1`,
			f.ID, f.Kind, jsonValue(f.Names), jsonValue(f.Descriptions), jsonList(f.Fields), f.Country, f.Address,
			nullFloat(f.Latitude), nullFloat(f.Longitude), jsonList(f.AccessModes), f.Eligibility, jsonList(f.Languages), f.Prerequisites,
			f.Price.Unit, f.Price.Amount, f.Price.Currency, nullFloat(f.Price.BRI), f.Price.PolicyID, nullFloat(f.Price.Policy),
			f.TimeZone, jsonValue(f.OpeningHours), f.CancelHours, ts(f.UpdatedAt)); err != nil {
			return fmt.Errorf("update facility: %w", err)
		}
		if err := s.writeFacilityParts(ctx, tx, &f, before); err != nil {
			return err
		}
		after = &f
		return s.audit(ctx, tx, actor, "update", "facility", f.ID, f.OwnerID, before, f)
	})
	return after, err
}

// checkFacilityPolicy refuses a reduced price under a policy that is not
// in the catalogue.
func checkFacilityPolicy(ctx context.Context, q queryer, f *facility.Facility) error {
	if f.Price.PolicyID == "" {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM policies WHERE id = $1`, f.Price.PolicyID).Scan(&n); err != nil {
		return fmt.Errorf("check policy: %w", err)
	}
	if n == 0 {
		return silkbridge.Invalid("policy_id", "facility.error.no_policy", "no such policy in the catalogue", nil)
	}
	return nil
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CountSampleFacilities counts the sample facilities, so demo loading runs once.
func (s *Store) CountSampleFacilities(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM facilities WHERE sample`).Scan(&n)
	return n, err
}
