package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

func TestParkInfluence_MovesWithAStoredMemberAndACompletedTransfer(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mk := func(name, kind, country string) *organisation.Organisation {
			o := &organisation.Organisation{Name: name, Kind: kind, Country: country}
			if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
				t.Fatal(err)
			}
			return o
		}
		pk := mk("Khorgos Park", organisation.Park, "KZ")
		owner := mk("Harbin Institute", organisation.ResearchInstitute, "CN")
		buyer := mk("Almaty Solar", organisation.Enterprise, "KZ")
		asOf := time.Now().UTC()
		before, err := st.ParkInfluence(ctx, pk.ID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		day := asOf.AddDate(0, 0, -1).Format(park.DateLayout)
		if err := st.AddParkMember(ctx, store.Actor{}, &park.Member{ParkID: pk.ID, OrgID: owner.ID, JoinedOn: day}); err != nil {
			t.Fatal(err)
		}
		a := &achievement.Achievement{OwnerID: owner.ID, Title: "Perovskite coating", Kind: "patent", TRL: 6, IPStatus: "granted"}
		if err := st.CreateAchievement(ctx, store.Actor{}, a); err != nil {
			t.Fatal(err)
		}
		tr := &achievement.Transfer{AchievementID: a.ID, ReceiverID: buyer.ID, StartedOn: day}
		if err := st.CreateTransfer(ctx, store.Actor{}, tr); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AdvanceTransfer(ctx, store.Actor{}, tr.ID, achievement.StageLicenceSigned, day); err != nil {
			t.Fatal(err)
		}
		after, err := st.ParkInfluence(ctx, pk.ID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		b, x := before[len(before)-1], after[len(after)-1]
		if x.Countries != b.Countries+1 || x.Transfers != b.Transfers+1 || x.Influence <= b.Influence {
			t.Fatalf("before %+v, after %+v", b, x)
		}
	})
}

func TestAddParkMember_RefusesAnOverlapAndAForeignPartnerAtHome(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pk := &organisation.Organisation{Name: "Park", Kind: organisation.Park, Country: "KZ"}
		home := &organisation.Organisation{Name: "Home Ltd", Kind: organisation.Enterprise, Country: "KZ"}
		for _, o := range []*organisation.Organisation{pk, home} {
			if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.AddParkMember(ctx, store.Actor{}, &park.Member{ParkID: pk.ID, OrgID: home.ID, JoinedOn: "2023-01-01"}); err != nil {
			t.Fatal(err)
		}
		err := st.AddParkMember(ctx, store.Actor{}, &park.Member{ParkID: pk.ID, OrgID: home.ID, JoinedOn: "2024-01-01"})
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			t.Fatalf("overlapping membership: %v, want invalid", err)
		}
		err = st.AddParkPartner(ctx, store.Actor{}, &park.Partner{ParkID: pk.ID, OrgID: home.ID, SinceOn: "2023-01-01"})
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			t.Fatalf("partner in the park's own country: %v, want invalid", err)
		}
		ms, err := st.ParkMembers(ctx, pk.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("members %v %v, want the first only", ms, err)
		}
	})
}
