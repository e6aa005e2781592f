package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/silkbridge/silkbridge/refdata"
)

// Migration 2 loads the reference data shipped in package refdata: every
// ISO 3166-1 country with names in the six UN languages and the Belt and
// Road partner flag, and the OECD FORD fields. Upserts keep it re-runnable.
func init() {
	goMigrations = append(goMigrations, goose.NewGoMigration(2, &goose.GoFunc{RunTx: loadReference}, nil))
}

func loadReference(ctx context.Context, tx *sql.Tx) error {
	countries, err := refdata.Countries()
	if err != nil {
		return err
	}
	for _, c := range countries {
		bri := c.BRIStatus == "mou_signed" || c.BRIStatus == "initiator"
		_, err := tx.ExecContext(ctx, `INSERT INTO countries (code, alpha3, num, region, subregion, name_en, name_zh, name_ru, name_ar,
			name_fr, name_es, bri_status, bri_partner, eu_member, lat, lng)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT (code) DO UPDATE SET alpha3 = excluded.alpha3, num = excluded.num, region = excluded.region,
			subregion = excluded.subregion, name_en = excluded.name_en, name_zh = excluded.name_zh, name_ru = excluded.name_ru,
			name_ar = excluded.name_ar, name_fr = excluded.name_fr, name_es = excluded.name_es, bri_status = excluded.bri_status,
			bri_partner = excluded.bri_partner, eu_member = excluded.eu_member, lat = excluded.lat, lng = excluded.lng`,
			c.Code, c.Alpha3, c.Numeric, c.Region, c.Subregion, c.NameEN, c.NameZH, c.NameRU, c.NameAR, c.NameFR, c.NameES,
			c.BRIStatus, bri, c.EUMember, c.Lat, c.Lng)
		if err != nil {
			return fmt.Errorf("load country %s: %w", c.Code, err)
		}
	}
	fields, err := refdata.Fields()
	if err != nil {
		return err
	}
	for _, f := range fields {
		_, err := tx.ExecContext(ctx, `INSERT INTO fields (code, parent, name_en, name_zh, name_ru, name_ar, name_fr, name_es)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, name_en = excluded.name_en, name_zh = excluded.name_zh,
			name_ru = excluded.name_ru, name_ar = excluded.name_ar, name_fr = excluded.name_fr, name_es = excluded.name_es`,
			f.Code, f.Parent, f.NameEN, f.NameZH, f.NameRU, f.NameAR, f.NameFR, f.NameES)
		if err != nil {
			return fmt.Errorf("load field %s: %w", f.Code, err)
		}
	}
	return nil
}
