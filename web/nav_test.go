package web

import (
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestNav_EveryEntryHasItsLabelAndAboutTextInEveryLanguage: the home page
// shows each menu entry with its label and a line about it, whose message
// ids are made from the entry's label; a new entry without them would show
// raw ids.
func TestNav_EveryEntryHasItsLabelAndAboutTextInEveryLanguage(t *testing.T) {
	b, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages {
		loc := i18n.NewLocalizer(b, l.Tag)
		for _, n := range navigation {
			for _, id := range []string{n.Label, n.Label + ".about"} {
				if _, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id}); err != nil {
					t.Errorf("%s: no message %q: %v", l.Tag, id, err)
				}
			}
		}
	}
}
