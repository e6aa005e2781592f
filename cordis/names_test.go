package cordis

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// The three names of the published list that began with stray quotes, as
// the CSV reader hands them over, and names that must stay as they are.
func TestCleanName_RemovesWrappingAndDoubledQuotes(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"INSTITUTUL NATIONAL DE CERCETARE-DEZVOLTARE AEROSPATIALA ""ELIE CARAFOLI""- INCAS BUCURESTI"`,
			`INSTITUTUL NATIONAL DE CERCETARE-DEZVOLTARE AEROSPATIALA "ELIE CARAFOLI"- INCAS BUCURESTI`},
		{`"UNIVERSITATEA DE MEDICINA, FARMACIE, STIINTE SI TEHNOLOGIE ""GEORGE EMIL PALADE"" DIN TARGU MURES"`,
			`UNIVERSITATEA DE MEDICINA, FARMACIE, STIINTE SI TEHNOLOGIE "GEORGE EMIL PALADE" DIN TARGU MURES`},
		{`"VOFAB, VAXJO FASTIGHETSFORVALTNING AB"`, `VOFAB, VAXJO FASTIGHETSFORVALTNING AB`},
		{`"AB ""Kauno energija"""`, `AB "Kauno energija"`},
		{`FUNDATIA "ALEXANDRU IOAN CUZA"`, `FUNDATIA "ALEXANDRU IOAN CUZA"`},
		{`  KAUNO ENERGIJA AB `, `KAUNO ENERGIJA AB`},
		{`"`, `"`},
		{``, ``},
	}
	for _, c := range cases {
		if got := CleanName(c.in); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// No published name keeps a leading quote once read.
func TestRealNames_NoNameBeginsWithAQuote(t *testing.T) {
	p := realPaths(t)
	r, err := OpenNames(p.Names)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		n, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			continue
		}
		if strings.HasPrefix(n.LegalName, `"`) || strings.HasPrefix(n.ShortName, `"`) {
			t.Errorf("PIC %s: %q / %q", n.PIC, n.LegalName, n.ShortName)
		}
	}
}
