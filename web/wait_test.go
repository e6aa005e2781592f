package web

import (
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
)

// TestWait_SaysMinutesAndHoursInWordsOfEachLanguage: a wait is said as a
// person says it, with the language's plural form, never in seconds.
func TestWait_SaysMinutesAndHoursInWordsOfEachLanguage(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	cases := []struct {
		lang    string
		seconds int
		want    string
	}{
		{"en", 12, "in less than a minute"},
		{"en", 61, "in 2 minutes"},
		{"en", 60, "in 1 minute"},
		{"en", 15 * 60, "in 15 minutes"},
		{"en", 3591, "in about 1 hour"},
		{"en", 2*3600 + 100, "in about 2 hours"},
		{"ru", 60, "через 1 минуту"},
		{"ru", 3 * 60, "через 3 минуты"},
		{"ru", 5 * 60, "через 5 минут"},
		{"ru", 21 * 60, "через 21 минуту"},
		{"ru", 5 * 3600, "примерно через 5 часов"},
		{"ar", 120, "بعد دقيقتين"},
		{"ar", 3591, "بعد نحو ساعة واحدة"},
		{"ar", 5 * 60, "بعد 5 دقائق"},
		{"zh", 3591, "约 1 小时后"},
		{"fr", 7200, "dans environ 2 heures"},
		{"es", 60, "en 1 minuto"},
	}
	for _, c := range cases {
		l, ok := languageByTag(c.lang)
		if !ok {
			t.Fatalf("no language %s", c.lang)
		}
		if got := ts.srv.translator(l).Wait(c.seconds); got != c.want {
			t.Errorf("%s, %d s: got %q, want %q", c.lang, c.seconds, got, c.want)
		}
	}
}

// TestWait_RateLimitMessageSaysNoSeconds: the sign-in limit's message, in
// every language, carries the wait in words and no bare count of seconds.
func TestWait_RateLimitMessageSaysNoSeconds(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	err := &silkbridge.Error{Code: silkbridge.ETOOMANY, MessageID: "error.too_many_signins",
		Message: "too many attempts", Data: map[string]any{"RetryAfter": 3591}}
	for _, l := range Languages {
		got := ts.srv.translator(l).Error(err)
		if strings.Contains(got, "3591") || strings.Contains(got, "{{") || got == "too many attempts" {
			t.Errorf("%s: %q", l.Tag, got)
		}
		if want := ts.srv.translator(l).Wait(3591); !strings.Contains(got, want) {
			t.Errorf("%s: %q does not say %q", l.Tag, got, want)
		}
	}
}

// TestNav_EveryEntryHasAKnownGroup: an entry with an unknown or missing
// group would silently vanish from the menu.
func TestNav_EveryEntryHasAKnownGroup(t *testing.T) {
	known := map[string]bool{}
	for _, g := range navGroups {
		known[g] = true
	}
	shown := 0
	for _, n := range navigation {
		if !known[n.Group] {
			t.Errorf("%s: group %q is not one of %v", n.Path, n.Group, navGroups)
		}
	}
	for _, g := range (Page{Nav: sortedNav(true)}).NavGroups() {
		shown += len(g.Items)
	}
	if want := len(sortedNav(true)); shown != want {
		t.Fatalf("the grouped menu shows %d entries of %d", shown, want)
	}
}
