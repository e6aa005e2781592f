package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/facility"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// The facilities demonstration: made-up organisations (marked sample) in
// China, Kazakhstan, Russia and Uzbekistan offer shared facilities — a
// spectrometer in a Chinese park among them — with bookings in the past
// (approved, with outcomes that became outputs of a cooperation) and in
// the future, so the calendars, the utilisation and the outcomes show on
// the first start.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "shared facility samples", load: loadFacilitiesDemo})
}

func loadFacilitiesDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	n, err := st.CountSampleFacilities(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("shared facility samples already loaded", "facilities", n)
		return nil
	}
	org := func(name, kind, country, parkID string, fields ...string) (*organisation.Organisation, error) {
		o := &organisation.Organisation{Name: name + " (sample)", Kind: kind, Country: country, ParkID: parkID, Fields: fields, Sample: true,
			Description: "A sample organisation for the shared facilities demonstration."}
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			return nil, fmt.Errorf("sample organisation %s: %w", name, err)
		}
		return o, nil
	}
	park, err := org("Jiangnan Photonics Science Park", organisation.Park, "CN", "", "1.4", "2.5")
	if err != nil {
		return err
	}
	lab, err := org("Jiangnan Institute of Optical Materials", organisation.ResearchInstitute, "CN", park.ID, "1.4", "2.5")
	if err != nil {
		return err
	}
	kz, err := org("Steppe University of Materials Science", organisation.University, "KZ", "", "2.5")
	if err != nil {
		return err
	}
	ru, err := org("Siberian Institute of Soil Ecology", organisation.ResearchInstitute, "RU", "", "1.5", "4.1")
	if err != nil {
		return err
	}
	uz, err := org("Tashkent Computing Centre for Hydrology", organisation.ResearchInstitute, "UZ", "", "1.5", "1.2")
	if err != nil {
		return err
	}
	coop := &cooperation.Cooperation{Title: "Perovskite films for steppe solar farms (sample)", StartDate: "2025-03-01", Stage: cooperation.JointResearch,
		Fields: []string{"2.5", "1.4"}, Sample: true, Summary: "A sample cooperation whose partners measure films at a shared spectrometer.",
		Partners: []cooperation.Partner{{OrgID: kz.ID, Role: cooperation.RoleCoordinator}, {OrgID: lab.ID, Role: cooperation.RoleParticipant}}}
	if err := st.CreateCooperation(ctx, store.Actor{}, coop); err != nil {
		return fmt.Errorf("sample cooperation: %w", err)
	}

	bri := func(v float64) *float64 { return &v }
	hours := func(s string) []facility.Hours {
		var p silkbridge.Problems
		return facility.ParseHours(&p, "opening_hours", s)
	}
	facilities := []*facility.Facility{
		{OwnerID: park.ID, Kind: "instrument", Names: map[string]string{"en": "Raman spectroscopy centre", "zh": "拉曼光谱中心", "ru": "Центр рамановской спектроскопии"},
			Descriptions: map[string]string{
				"en": "A confocal Raman spectrometer (532 and 785 nm) for thin films, minerals and polymers; samples may be sent in.",
				"zh": "共聚焦拉曼光谱仪（532 和 785 纳米），用于薄膜、矿物和聚合物分析，可寄送样品。",
				"ru": "Конфокальный рамановский спектрометр (532 и 785 нм) для тонких плёнок, минералов и полимеров; образцы можно прислать.",
				"ar": "مطياف رامان متحد البؤرة لتحليل الأغشية الرقيقة والمعادن والبوليمرات."},
			Fields: []string{"1.4", "2.5"}, AccessModes: []string{"remote_service", "on_site", "collaborative"}, Eligibility: facility.EligibleAnyone,
			Languages: []string{"zh", "en", "ru"}, Prerequisites: "Laser safety briefing (one hour) before on-site use.",
			Instruments: []facility.Instrument{{Name: "Confocal Raman spectrometer", Specification: "532/785 nm, 1 µm spot, mapping stage", Capacity: 1},
				{Name: "Sample preparation bench", Specification: "glove box, spin coater", Capacity: 2}},
			Price: facility.Price{Unit: "day", Amount: 2400, Currency: "CNY", BRI: bri(1600)}, TimeZone: "Asia/Shanghai",
			OpeningHours: hours("Mon-Fri 08:30-17:30"),
			Closures:     []facility.Closure{{Kind: "holiday", From: "2027-02-06", Until: "2027-02-13", Note: "Spring Festival"}},
			CancelHours:  48, Address: "Jiangnan Photonics Science Park, building 3"},
		{OwnerID: lab.ID, Kind: "pilot_line", Names: map[string]string{"en": "Roll-to-roll coating pilot line", "zh": "卷对卷镀膜中试线"},
			Descriptions: map[string]string{"en": "Pilot line for coating flexible solar films up to 30 cm wide.", "zh": "可镀制宽达 30 厘米柔性太阳能薄膜的中试线。"},
			Fields:       []string{"2.5"}, AccessModes: []string{"collaborative"}, Eligibility: facility.EligiblePartners, Languages: []string{"zh", "en"},
			Instruments: []facility.Instrument{{Name: "Slot-die coater", Specification: "30 cm web, 5 m/min", Capacity: 1}},
			Price:       facility.Price{Unit: "day", Amount: 9000, Currency: "CNY"}, TimeZone: "Asia/Shanghai", CancelHours: 168,
			OpeningHours: hours("Mon-Thu 09:00-17:00")},
		{OwnerID: kz.ID, Kind: "laboratory", Names: map[string]string{"en": "Thin-film characterisation laboratory", "ru": "Лаборатория характеризации тонких плёнок", "kk": ""},
			Descriptions: map[string]string{"ru": "Рентгеновская дифрактометрия и профилометрия для тонких плёнок."},
			Fields:       []string{"2.5"}, AccessModes: []string{"on_site", "remote_service"}, Eligibility: facility.EligibleVerified, Languages: []string{"kk", "ru", "en"},
			Instruments: []facility.Instrument{{Name: "X-ray diffractometer", Specification: "Cu Kα, thin-film stage", Capacity: 1}},
			Price:       facility.Price{Unit: "hour", Amount: 15000, Currency: "KZT", BRI: bri(10000)}, TimeZone: "Asia/Almaty", CancelHours: 24,
			OpeningHours: hours("Mon-Fri 09:00-18:00")},
		{OwnerID: ru.ID, Kind: "field_station", Names: map[string]string{"en": "Baraba steppe field station", "ru": "Барабинский степной стационар"},
			Descriptions: map[string]string{"ru": "Полевой стационар для изучения засоления почв и углеродных потоков в степи.",
				"en": "Field station for soil salinisation and carbon flux studies in the steppe."},
			Fields: []string{"1.5", "4.1"}, AccessModes: []string{"on_site", "collaborative"}, Eligibility: facility.EligibleAnyone, Languages: []string{"ru", "en"},
			Instruments: []facility.Instrument{{Name: "Eddy covariance tower", Specification: "CO2/H2O flux, 10 Hz", Capacity: 1},
				{Name: "Guest house", Specification: "6 beds", Capacity: 3}},
			Price: facility.Price{Unit: "day", Amount: 4000, Currency: "RUB"}, TimeZone: "Asia/Novosibirsk", CancelHours: 72,
			Closures: []facility.Closure{{Kind: "maintenance", From: "2027-01-10", Until: "2027-03-31", Note: "Winter closure"}}},
		{OwnerID: uz.ID, Kind: "computing", Names: map[string]string{"en": "Hydrology computing cluster", "ru": "Вычислительный кластер гидрологии"},
			Descriptions: map[string]string{"en": "GPU cluster for basin-scale hydrological models, reached remotely."},
			Fields:       []string{"1.5", "1.2"}, AccessModes: []string{"remote_service"}, Eligibility: facility.EligibleAnyone, Languages: []string{"uz", "ru", "en"},
			Instruments: []facility.Instrument{{Name: "GPU partition", Specification: "8 × A100", Capacity: 4}},
			Price:       facility.Price{Unit: "hour", Amount: 12, Currency: "USD", BRI: bri(8)}, TimeZone: "Asia/Tashkent", CancelHours: 2},
	}
	for _, f := range facilities {
		f.Sample = true
		if err := st.CreateFacility(ctx, store.Actor{}, f); err != nil {
			return fmt.Errorf("sample facility %s: %w", f.Names["en"], err)
		}
	}
	spectro, coater, xrd, station, cluster := facilities[0], facilities[1], facilities[2], facilities[3], facilities[4]

	// Bookings at local 09:00 on days relative to today, in the facility's zone.
	at := func(f *facility.Facility, days, hour int) time.Time {
		loc := f.Location()
		n := time.Now().In(loc)
		return time.Date(n.Year(), n.Month(), n.Day(), hour, 0, 0, 0, loc).AddDate(0, 0, days).UTC()
	}
	type sample struct {
		f              *facility.Facility
		instrument     int
		org            *organisation.Organisation
		from, to, hour int
		status, coop   string
		purpose        string
		outcome        *facility.Outcome
	}
	samples := []sample{
		{spectro, 0, kz, -40, -38, 0, facility.Approved, coop.ID, "Raman maps of perovskite films from the first coating run",
			&facility.Outcome{Samples: 18, Data: "Raman maps of 18 perovskite films (first run)", Lesson: "Send films sealed under nitrogen: in air they degrade within a day and the maps show only PbI2."}},
		{spectro, 0, kz, -12, -11, 0, facility.Approved, coop.ID, "Second run after encapsulation",
			&facility.Outcome{Samples: 12, Data: "Raman maps of 12 encapsulated films"}},
		{spectro, 0, ru, -20, -19, 0, facility.Approved, "", "Carbonate minerals in saline soils", &facility.Outcome{Samples: 30, Data: "Spectra of 30 soil carbonates"}},
		{spectro, 0, kz, 9, 10, 0, facility.Approved, coop.ID, "Third run: stability after 1000 hours", nil},
		{spectro, 0, uz, 16, 16, 0, facility.Requested, "", "Sediment samples from the Amu Darya delta", nil},
		{coater, 0, kz, -25, -23, 0, facility.Approved, coop.ID, "Coating trial of 30 cm perovskite web", &facility.Outcome{Data: "Three coated rolls, 12 m each"}},
		{xrd, 0, lab, -5, -5, 9, facility.Approved, "", "Phase analysis of coated glass", nil},
		{station, 0, kz, -60, -50, 0, facility.Approved, "", "Summer flux campaign", &facility.Outcome{Data: "Ten days of CO2 and H2O fluxes"}},
		{cluster, 0, ru, -3, -1, 0, facility.Approved, "", "Ensemble runs of the Ob basin model", nil},
		{cluster, 0, kz, 3, 4, 0, facility.Approved, "", "Syr Darya flood scenarios", nil},
	}
	for _, s := range samples {
		start, end := at(s.f, s.from, 0), at(s.f, s.to+1, 0)
		if s.hour > 0 {
			start, end = at(s.f, s.from, s.hour), at(s.f, s.from, s.hour+4)
		}
		b := &facility.Booking{FacilityID: s.f.ID, InstrumentID: s.f.Instruments[s.instrument].ID, BookerOrgID: s.org.ID, Status: s.status,
			Start: start, End: end, Units: s.f.Units(start, end, 10), Purpose: s.purpose, CooperationID: s.coop, People: []string{"Sample visitor"}}
		if err := st.AddSampleBooking(ctx, b); err != nil {
			return fmt.Errorf("sample booking: %w", err)
		}
		if s.outcome != nil {
			if _, err := st.RecordOutcome(ctx, store.Actor{}, b.ID, *s.outcome, time.Now()); err != nil {
				return fmt.Errorf("sample outcome: %w", err)
			}
		}
	}
	log.Info("shared facility samples loaded", "facilities", len(facilities), "bookings", len(samples))
	return nil
}
