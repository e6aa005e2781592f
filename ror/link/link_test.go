package link

import "testing"

func TestNormalise_FoldsCaseAccentsPunctuationAndLegalForms(t *testing.T) {
	for in, want := range map[string]string{
		"FRAUNHOFER-GESELLSCHAFT ZUR FOERDERUNG DER ANGEWANDTEN FORSCHUNG E.V.": "fraunhofer gesellschaft zur foerderung angewandten forschung",
		"Université de Genève":         "universite geneve",
		"SIEMENS AKTIENGESELLSCHAFT":   "siemens aktiengesellschaft",
		"Acme Sp. z o.o.":              "acme",
		"THE UNIVERSITY OF MANCHESTER": "university manchester",
		"Казахский национальный университет": "казахскии национальныи университет", // й loses its breve on both sides alike
	} {
		if got := Normalise(in); got != want {
			t.Errorf("Normalise(%q) = %q, want %q", in, got, want)
		}
	}
}

var records = []Record{
	{ID: "027m9bs27", Country: "GB", City: "Manchester", Names: []string{"University of Manchester"}, Acronyms: []string{"UoM"}},
	{ID: "01swzsf04", Country: "CH", City: "Geneva", Names: []string{"University of Geneva", "Université de Genève"}, Acronyms: []string{"UNIGE"}},
	{ID: "05591te55", Country: "DE", City: "Munich", Names: []string{"Ludwig-Maximilians-Universität München", "LMU Munich"}, Acronyms: []string{"LMU"}},
	{ID: "0aaaaaa01", Country: "FR", City: "Paris", Names: []string{"Institut Pasteur"}},
	{ID: "0aaaaaa02", Country: "FR", City: "Lille", Names: []string{"Institut Pasteur"}},
	{ID: "0aaaaaa03", Country: "IT", City: "Milan", Names: []string{"Politecnico di Milano"}, Acronyms: []string{"POLIMI"}},
}

func TestMatch_ConfidenceFollowsTheEvidence(t *testing.T) {
	m := NewMatcher(records)
	cases := []struct {
		org        Org
		ror, conf  string
		noProposal bool
	}{
		{org: Org{ID: "a", Name: "THE UNIVERSITY OF MANCHESTER", Country: "GB"}, ror: "027m9bs27", conf: High},
		{org: Org{ID: "b", Name: "UNIVERSITE DE GENEVE", Country: "CH"}, ror: "01swzsf04", conf: High},
		// Same name in another country: nothing.
		{org: Org{ID: "c", Name: "UNIVERSITY OF MANCHESTER", Country: "US"}, noProposal: true},
		// Two records share the name: a reviewer chooses.
		{org: Org{ID: "d", Name: "INSTITUT PASTEUR", Country: "FR"}, ror: "0aaaaaa01", conf: Medium},
		// Cities disagree: a reviewer decides.
		{org: Org{ID: "e", Name: "University of Manchester", Country: "GB", City: "London"}, ror: "027m9bs27", conf: Medium},
		// German umlauts written out, as CORDIS does.
		{org: Org{ID: "f", Name: "LUDWIG-MAXIMILIANS-UNIVERSITAET MUENCHEN", Country: "DE"}, ror: "05591te55", conf: High},
		// Most words and the acronym agree.
		{org: Org{ID: "f2", Name: "LUDWIG-MAXIMILIANS-UNIVERSITAET MUENCHEN KLINIKUM", ShortName: "LMU", Country: "DE"}, ror: "05591te55", conf: Medium},
		{org: Org{ID: "g", Name: "POLITECNICO DI MILANO DIPARTIMENTO", Country: "IT"}, ror: "0aaaaaa03", conf: Low},
		{org: Org{ID: "h", Name: "Acme Widgets", Country: "IT"}, noProposal: true},
	}
	for _, c := range cases {
		p, ok := m.Match(c.org)
		if c.noProposal {
			if ok {
				t.Errorf("%s: proposed %+v, want nothing", c.org.Name, p)
			}
			continue
		}
		if !ok || p.RORID != c.ror || p.Confidence != c.conf || p.Evidence == "" {
			t.Errorf("%s: %+v (ok %v), want %s at %s", c.org.Name, p, ok, c.ror, c.conf)
		}
	}
}
