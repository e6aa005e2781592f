package web

import (
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestCatalogues_EveryLanguageHasEveryMessage fails when a message of an
// English catalogue is missing from the same catalogue in any of the other
// five UN languages, or a language has a message English lacks.
func TestCatalogues_EveryLanguageHasEveryMessage(t *testing.T) {
	catalogues := map[string]map[string]map[string]any{} // name -> lang -> messages
	err := fs.WalkDir(localeFS, "locales", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		parts := strings.Split(path.Base(p), ".")
		if len(parts) != 3 || parts[2] != "json" {
			t.Errorf("catalogue %s is not named NAME.LANG.json", p)
			return nil
		}
		b, err := localeFS.ReadFile(p)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if catalogues[parts[0]] == nil {
			catalogues[parts[0]] = map[string]map[string]any{}
		}
		catalogues[parts[0]][parts[1]] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(catalogues) == 0 {
		t.Fatal("no catalogues")
	}
	for name, langs := range catalogues {
		en := langs["en"]
		if en == nil {
			t.Errorf("catalogue %s has no English file", name)
			continue
		}
		for _, l := range Languages {
			m := langs[l.Tag]
			if m == nil {
				t.Errorf("catalogue %s has no %s file", name, l.Tag)
				continue
			}
			for id := range en {
				if _, ok := m[id]; !ok {
					t.Errorf("%s.%s.json lacks %q", name, l.Tag, id)
				}
			}
			for id := range m {
				if _, ok := en[id]; !ok {
					t.Errorf("%s.%s.json has %q, which English lacks", name, l.Tag, id)
				}
			}
		}
	}
}

// TestTranslator_UsesTheRequestLanguageAndFallsBackToEnglish checks one
// message in every language and the fallback for an unknown message.
func TestTranslator_UsesTheRequestLanguageAndFallsBackToEnglish(t *testing.T) {
	b, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{i18n: b}
	want := map[string]string{"en": "Countries", "zh": "国家", "ru": "Страны", "ar": "البلدان", "fr": "Pays", "es": "Países"}
	for _, l := range Languages {
		if got := s.translator(l).T("nav.countries"); got != want[l.Tag] {
			t.Errorf("%s: %q, want %q", l.Tag, got, want[l.Tag])
		}
	}
	if got := s.translator(Languages[1]).T("no.such.message"); got != "no.such.message" {
		t.Errorf("missing message gave %q", got)
	}
}
