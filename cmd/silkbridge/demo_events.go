package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// The demonstration events and lessons: sample organisations host a
// brokerage day with a schedule already made, a conference, an online
// workshop, a full training course with a waiting line, and a delegation
// visit that has ended; sample participants wrote lessons in the six UN
// languages. Every record is marked sample and the pages say so. The
// sample participants' accounts get a random password nobody knows.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "events and lessons samples", load: loadEventsDemo})
}

func loadEventsDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	events, lessons, err := st.CountSamples(ctx)
	if err != nil {
		return err
	}
	if events > 0 || lessons > 0 {
		log.Info("events and lessons samples already loaded", "events", events, "lessons", lessons)
		return nil
	}
	orgs := []*organisation.Organisation{
		{Name: "Samarkand Agri-Innovation Park (sample)", Kind: organisation.Park, Country: "UZ", Fields: []string{"4.1"}, Sample: true,
			Description: "A sample innovation park for agriculture and water technology."},
		{Name: "Kazan Energy Research Institute (sample)", Kind: organisation.ResearchInstitute, Country: "RU", Fields: []string{"2.7", "2.2"}, Sample: true,
			Description: "A sample research institute for power engineering."},
		{Name: "Shanghai Belt and Road Exchange Centre (sample)", Kind: organisation.CooperationBase, Country: "CN", Fields: []string{"2.7"}, Sample: true,
			Description: "A sample cooperation base for international technology exchange."},
		{Name: "Casablanca Green Technology Cluster (sample)", Kind: organisation.Enterprise, Country: "MA", Fields: []string{"4.1", "2.7"}, Sample: true,
			Description: "A sample cluster of green-technology enterprises."},
	}
	for _, o := range orgs {
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			return fmt.Errorf("sample organisation %s: %w", o.Name, err)
		}
	}
	people := []struct{ name, headline, offers, seeks string }{
		{"Nodira Karimova (sample)", "Drip irrigation for cotton farms", "Field trials on 40 ha in the Zarafshan valley", "Soil sensors and telemetry"},
		{"李伟 (sample)", "低成本土壤传感器与遥测", "可量产的土壤湿度传感器", "中亚的试验农场"},
		{"Айдар Сейткали (sample)", "Солнечные сушилки для фруктов", "Опыт эксплуатации в Казахстане", "Партнёры по производству"},
		{"فاطمة الزهراء بنعلي (sample)", "إعادة استخدام المياه الرمادية في الزراعة", "محطات تجريبية في الدار البيضاء", "شركاء في البحث المشترك"},
		{"Camille Martin (sample)", "Séchage solaire et chaîne du froid", "Modèles de séchoirs testés au Sahel", "Fabricants en Asie centrale"},
		{"Lucía Fernández (sample)", "Baterías para riego solar aislado", "Diseño de sistemas de bombeo solar", "Socios industriales"},
		{"Bilal Ahmed (sample)", "Remote sensing of crop water stress", "Satellite and drone analytics", "Extension services to test with"},
		{"Aigerim Nurlanova (sample)", "Greenhouse climate control", "Controllers for small greenhouses", "Distributors in Uzbekistan"},
		{"Mehmet Yılmaz (sample)", "Pressure-compensating drippers", "Manufacturing in Türkiye", "Field data from sandy soils"},
		{"Zhang Min (sample)", "Agri-drone spraying services", "Fleet operations and training", "Local operator partners"},
	}
	users := make([]*account.User, len(people))
	for i, p := range people {
		u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: fmt.Sprintf("sample-participant-%d@sample.invalid", i+1),
			Name: p.name, Password: silkbridge.NewID() + silkbridge.NewID()}, account.Member)
		if err != nil {
			return fmt.Errorf("sample participant %d: %w", i+1, err)
		}
		users[i] = u
	}

	day := time.Now().UTC().Truncate(24 * time.Hour)
	newEvent := func(e *event.Event, host int) (*event.Event, error) {
		e.Hosts, e.Sample = []event.Host{{OrgID: orgs[host].ID}}, true
		if err := st.CreateEvent(ctx, store.Actor{}, e); err != nil {
			return nil, fmt.Errorf("sample event %q: %w", e.Title, err)
		}
		return e, nil
	}
	register := func(e *event.Event, who ...int) error {
		for _, i := range who {
			if _, err := st.Register(ctx, store.Actor{UserID: users[i].ID}, e.ID, users[i].ID); err != nil {
				return fmt.Errorf("sample registration for %q: %w", e.Title, err)
			}
		}
		return nil
	}

	// A brokerage day in three weeks, with its schedule made.
	bStart := day.AddDate(0, 0, 21).Add(4 * time.Hour) // 09:00 in Samarkand
	brokerage, err := newEvent(&event.Event{Title: "Central Asia Agri-Tech Brokerage Day (sample)", Kind: event.Brokerage,
		Description: "Meet farmers' cooperatives, researchers and companies 1:1 for 25 minutes each: irrigation, soil sensing, solar drying and agri-drones.",
		Start:       bStart, End: bStart.Add(9 * time.Hour), TimeZone: "Asia/Samarkand", Place: "Samarkand Agri-Innovation Park, Registon street 1", Country: "UZ",
		Fields: []string{"4.1", "2.7"}, Languages: []string{"en", "ru", "uz", "zh"}, Capacity: 120}, 0)
	if err != nil {
		return err
	}
	var slots []event.Slot
	for i := range 8 {
		start := bStart.Add(time.Hour + time.Duration(i)*30*time.Minute)
		// Tables for everyone who may come, so that the schedule is limited
		// by who wants to meet whom, not by furniture.
		sl := event.Slot{EventID: brokerage.ID, Start: start, End: start.Add(25 * time.Minute), Tables: brokerage.Capacity / 2}
		if err := st.AddSlot(ctx, store.Actor{}, &sl); err != nil {
			return fmt.Errorf("sample slot: %w", err)
		}
		slots = append(slots, sl)
	}
	if err := register(brokerage, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9); err != nil {
		return err
	}
	for i, p := range people {
		pr := &event.Profile{EventID: brokerage.ID, UserID: users[i].ID, Headline: p.headline, Offers: p.offers, Seeks: p.seeks,
			Organisation: orgs[i%len(orgs)].Name, Fields: []string{"4.1"}}
		if err := st.SaveProfile(ctx, store.Actor{UserID: users[i].ID}, pr); err != nil {
			return fmt.Errorf("sample profile: %w", err)
		}
		var av []string
		for j, sl := range slots {
			if (i+j)%4 != 0 { // everyone misses a quarter of the day
				av = append(av, sl.ID)
			}
		}
		if err := st.SetAvailability(ctx, store.Actor{UserID: users[i].ID}, brokerage.ID, users[i].ID, av); err != nil {
			return fmt.Errorf("sample availability: %w", err)
		}
	}
	for i := range users {
		for _, step := range []int{1, 3, 4} {
			j := (i + step) % len(users)
			m := &event.MeetingRequest{EventID: brokerage.ID, RequesterID: users[i].ID, InviteeID: users[j].ID, Message: "Shall we meet?"}
			if err := st.RequestMeeting(ctx, store.Actor{UserID: users[i].ID}, m); err != nil {
				if silkbridge.ErrorCode(err) == silkbridge.ECONFLICT {
					continue // the pair already has a request, made the other way
				}
				return fmt.Errorf("sample meeting request: %w", err)
			}
			if (i+j)%5 == 0 {
				continue // left pending
			}
			if _, err := st.AnswerMeeting(ctx, store.Actor{UserID: users[j].ID}, brokerage.ID, m.ID, (i*j)%7 != 3); err != nil {
				return fmt.Errorf("sample answer: %w", err)
			}
		}
	}
	sc, err := st.RunSchedule(ctx, store.Actor{}, brokerage.ID)
	if err != nil {
		return fmt.Errorf("sample schedule: %w", err)
	}

	// A conference, an online workshop and a full training course.
	cStart := day.AddDate(0, 2, 0).Add(6 * time.Hour)
	if _, err := newEvent(&event.Event{Title: "Belt and Road Renewable Energy Conference (sample)", Kind: event.Conference,
		Description: "Grid integration of solar and wind, storage, and the skills that new energy systems need.",
		Start:       cStart, End: cStart.Add(56 * time.Hour), TimeZone: "Europe/Moscow", Place: "Kazan Expo", Country: "RU",
		Fields: []string{"2.7", "2.2"}, Languages: []string{"ru", "en", "zh"}, Capacity: 300}, 1); err != nil {
		return err
	}
	wStart := day.AddDate(0, 0, 10).Add(8 * time.Hour)
	if _, err := newEvent(&event.Event{Title: "Workshop: writing a joint research proposal (sample)", Kind: event.Workshop,
		Description: "How partners from several countries write one proposal: roles, budget, and the common mistakes.",
		Start:       wStart, End: wStart.Add(3 * time.Hour), TimeZone: "Asia/Shanghai", OnlineURL: "https://meet.sample.invalid/proposal-workshop",
		Fields: []string{"5.2"}, Languages: []string{"en", "zh"}}, 2); err != nil {
		return err
	}
	tStart := day.AddDate(0, 1, 5).Add(8 * time.Hour)
	training, err := newEvent(&event.Event{Title: "Training course: designing drip irrigation (sample)", Kind: event.TrainingCourse,
		Description: "Five days of design exercises and field visits. Places are few: a waiting line moves up when someone cancels.",
		Start:       tStart, End: tStart.Add(4*24*time.Hour + 8*time.Hour), TimeZone: "Africa/Casablanca", Place: "Casablanca", Country: "MA",
		Fields: []string{"4.1"}, Languages: []string{"fr", "ar", "en"}, Capacity: 3}, 3)
	if err != nil {
		return err
	}
	if err := register(training, 3, 4, 5, 0, 8); err != nil {
		return err
	}

	// A delegation visit that has ended: its participants are asked what
	// they learned, and two have answered.
	vStart := day.AddDate(0, 0, 7).Add(time.Hour)
	visit, err := newEvent(&event.Event{Title: "Delegation visit to photovoltaic laboratories in Shanghai (sample)", Kind: event.DelegationVisit,
		Description: "A delegation of Central Asian and Arab energy agencies visits test laboratories and a module factory.",
		Start:       vStart, End: vStart.Add(50 * time.Hour), TimeZone: "Asia/Shanghai", Place: "Shanghai", Country: "CN",
		Fields: []string{"2.7"}, Languages: []string{"zh", "ru", "ar", "en"}, Capacity: 20}, 2)
	if err != nil {
		return err
	}
	if err := register(visit, 1, 2, 3, 6); err != nil {
		return err
	}
	if _, err := st.UpdateEvent(ctx, store.Actor{}, visit.ID, func(e *event.Event) {
		e.Start, e.End = day.AddDate(0, -1, 0).Add(time.Hour), day.AddDate(0, -1, 2).Add(3*time.Hour)
	}); err != nil {
		return fmt.Errorf("sample visit: %w", err)
	}

	samples := []struct {
		author int
		l      lesson.Lesson
	}{
		{2, lesson.Lesson{Title: "Солнечные панели без защиты от пыли (sample)", Fields: []string{"2.7"}, Technology: "Солнечные фотоэлектрические панели",
			Tried:     "Поставили стандартные панели на станции в пустыне Кызылкум.",
			WentWrong: "Пыльные бури за месяц снизили выработку на треть; мыть панели водой оказалось слишком дорого.",
			Instead:   "Берите панели с антипылевым покрытием, планируйте сухую очистку и угол наклона под преобладающий ветер.",
			CostDays:  120, CostMoney: 45000, CostCurrency: "USD", Country: "UZ", Language: "ru",
			Source: lesson.Source{Kind: lesson.SourceEvent, Ref: visit.ID}}},
		{1, lesson.Lesson{Title: "光伏组件选型忽视高温衰减 (sample)", Fields: []string{"2.7"}, Technology: "光伏组件",
			Tried:     "在西亚项目中直接沿用了国内常用的组件型号。",
			WentWrong: "夏季组件温度超过 70 摄氏度，发电量比设计值低了约 12%。",
			Instead:   "选用温度系数更低的组件，并在设计阶段按当地最高气温校核发电量。",
			CostDays:  60, CostMoney: 300000, CostCurrency: "CNY", Country: "CN", Language: "zh",
			Source: lesson.Source{Kind: lesson.SourceEvent, Ref: visit.ID}}},
		{3, lesson.Lesson{Title: "انسداد أنابيب الري بالتنقيط (sample)", Fields: []string{"4.1"}, Technology: "الري بالتنقيط",
			Tried:     "ركّبنا نظام الري بالتنقيط بمياه الآبار دون مرشحات رملية.",
			WentWrong: "انسدّت النقاطات خلال موسم واحد بسبب الأملاح والرمال، وتضرّرت المحاصيل.",
			Instead:   "ركّبوا مرشحات رملية وقرصية، وحلّلوا المياه قبل التصميم، ونظّفوا الخطوط بالحمض دوريًا.",
			CostDays:  45, CostMoney: 8000, CostCurrency: "MAD", Country: "MA", Language: "ar",
			Source: lesson.Source{Kind: lesson.SourceOrganisation, Ref: orgs[3].ID}}},
		{4, lesson.Lesson{Title: "Séchoirs solaires inadaptés à la saison humide (sample)", Fields: []string{"2.7", "4.1"}, Technology: "Séchoirs solaires",
			Tried:     "Nous avons importé des séchoirs conçus pour un climat sec.",
			WentWrong: "Pendant la saison des pluies, les fruits ont moisi avant d'être secs.",
			Instead:   "Prévoir un appoint de chaleur et une ventilation forcée, et tester une saison complète avant de généraliser.",
			CostDays:  90, Country: "MA", Language: "fr"}},
		{5, lesson.Lesson{Title: "Baterías sin refrigeración en bombeo solar (sample)", Fields: []string{"2.7"}, Technology: "Baterías de litio",
			Tried:     "Instalamos baterías en casetas metálicas sin ventilación.",
			WentWrong: "El calor del desierto redujo su vida útil a la mitad.",
			Instead:   "Usar casetas ventiladas y sombreadas, o bombeo directo sin baterías cuando el riego lo permite.",
			CostMoney: 12000, CostCurrency: "USD", Country: "PE", Language: "es"}},
		{7, lesson.Lesson{Title: "Greenhouse sensors placed at the wrong height (sample)", Fields: []string{"4.1"}, Technology: "Greenhouse climate sensors",
			Tried:     "We mounted temperature and humidity sensors near the roof, where installation was easiest.",
			WentWrong: "The controller read the hottest air and over-ventilated; the plants got cold at night.",
			Instead:   "Mount sensors at plant height in a ventilated shield, and check them against a handheld meter.",
			CostDays:  30, Country: "KZ", Language: "en"}},
	}
	var written []*lesson.Lesson
	for _, s := range samples {
		l := s.l
		l.Sample = true
		if err := st.CreateLesson(ctx, store.Actor{UserID: users[s.author].ID}, &l); err != nil {
			return fmt.Errorf("sample lesson %q: %w", l.Title, err)
		}
		written = append(written, &l)
	}
	for i, l := range written {
		for j := range users {
			if (i+j)%3 == 0 && l.AuthorID != users[j].ID {
				if err := st.MarkHelpful(ctx, store.Actor{UserID: users[j].ID}, l.ID); err != nil {
					return fmt.Errorf("sample helpful mark: %w", err)
				}
			}
		}
	}
	log.Info("events and lessons samples loaded", "events", 5, "participants", len(users), "meetings_placed", sc.Placed,
		"upper_bound", sc.UpperBound, "lessons", len(written))
	return nil
}
