package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestRecommendations_NewPartnersModeProposesOnlyNewPartners: with
// new_partners=1 the seed's past partners never appear, a partner of a
// partner does with the reason that names the shared partner, the switch
// shows checked in every language, and a malformed value is refused with a
// message naming the field.
func TestRecommendations_NewPartnersModeProposesOnlyNewPartners(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		cn := marketOrg(t, ts.st, nil, "Lanzhou Desert Research", "CN", "")
		de := marketOrg(t, ts.st, nil, "Kassel Water Lab", "DE", "")
		kz := marketOrg(t, ts.st, nil, "Almaty Hydro Institute", "KZ", "")
		fr := marketOrg(t, ts.st, nil, "Montpellier Agronomy", "FR", "")
		eg := marketOrg(t, ts.st, nil, "Cairo Irrigation Centre", "EG", "")
		marketCooperation(t, ts.st, "Desert water harvesting", "2019-01-01", cn, de)
		marketCooperation(t, ts.st, "Oasis irrigation", "2020-01-01", cn, eg)
		marketCooperation(t, ts.st, "Glacier water resources", "2020-03-01", de, kz)
		marketCooperation(t, ts.st, "Water reuse in agriculture", "2021-05-01", de, fr)

		path := "/api/v1/recommendations/organisations/" + cn.ID
		res := c.get(path + "?new_partners=1")
		marketStatus(t, res, http.StatusOK, path)
		var l partnerList
		if err := json.Unmarshal([]byte(res.Body), &l); err != nil {
			t.Fatal(err)
		}
		if !l.NewPartners {
			t.Error("the answer does not say it holds new partners only")
		}
		var kzItem *partnerItem
		for i, it := range l.Items {
			switch it.Organisation.ID {
			case de.ID, eg.ID, cn.ID:
				t.Errorf("new-partners mode proposes %s, a past partner or the seed", it.Organisation.Name)
			case kz.ID:
				kzItem = &l.Items[i]
			}
		}
		if kzItem == nil {
			t.Fatalf("the partner of a partner is not proposed as a new partner: %+v", l.Items)
		}
		var via bool
		for _, rs := range kzItem.Reasons {
			if rs.Kind == "past_cooperation" {
				t.Errorf("a new partner is said to have worked with the seed: %+v", rs)
			}
			if rs.Kind == "partner_of_partner" && strings.Contains(rs.Text, "Kassel Water Lab") {
				via = true
			}
		}
		if !via {
			t.Errorf("the reasons do not say which partner the new one worked with: %+v", kzItem.Reasons)
		}

		// The mixed ranking still proposes the past partners.
		mixed := c.get(path)
		marketStatus(t, mixed, http.StatusOK, path)
		if !strings.Contains(mixed.Body, de.ID) {
			t.Error("the mixed ranking leaves out a past partner")
		}

		for _, lang := range []string{"en", "zh", "ru", "ar", "fr", "es"} {
			page := c.get("/recommendations/organisations/" + cn.ID + "?new_partners=1&lang=" + lang)
			if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `name="new_partners" value="1" checked`) ||
				strings.Contains(page.Body, "recommend2.") || strings.Contains(page.Body, "market.reason.") || strings.Contains(page.Body, "Kassel Water Lab</bdi></a>") {
				t.Errorf("the %s page in new-partners mode (%d) misses the checked switch, leaves a message untranslated or lists a past partner", lang, page.StatusCode)
			}
		}

		bad := c.get(path + "?new_partners=maybe")
		if bad.StatusCode < 400 || bad.StatusCode >= 500 || !strings.Contains(bad.Body, "new_partners") {
			t.Errorf("a malformed new_partners: %d %s", bad.StatusCode, bad.Body)
		}
		page := c.get("/recommendations/organisations/" + cn.ID + "?new_partners=maybe")
		if page.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page.Body, `id="new_partners-error"`) {
			t.Errorf("the page with a malformed new_partners: %d", page.StatusCode)
		}
	})
}
