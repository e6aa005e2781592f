package recommend

import (
	"sort"
	"strings"
)

// Thresholds below which a signal is too weak to be told as a reason.
const (
	reasonMinProfile  = 0.05 // cosine of the query with the candidate's profile
	reasonMinTypeLift = 0.1  // log lift of the candidate's type in such consortia
	reasonMinPairLift = 0.5  // log lift of the two countries' cooperation
	reasonMaxVia      = 3
	reasonMaxTerms    = 4
)

// reasons explains why o was proposed, strongest reason first.
func (r *Recommender) reasons(res *resolved, s *scratch, o int32) []Reason {
	g := r.g
	var out []Reason
	if n := s.shared[o]; s.mark[o] == s.epoch && n > 0 {
		out = append(out, Reason{Kind: ReasonPastCooperation, Count: int(n)})
	}
	if res.seed >= 0 {
		if via := g.via(s, o); len(via) > 0 {
			out = append(out, Reason{Kind: ReasonPartnerOfPartner, Via: via})
		}
	}
	if terms := g.sharedTerms(s, o); len(terms) > 0 {
		out = append(out, Reason{Kind: ReasonSimilarTopics, Terms: terms})
	}
	if len(res.parts) > 0 {
		nParts := len(g.parts)
		var count int
		var names []string
		for _, p := range res.parts {
			if c := int(g.orgParts[int(o)*nParts+int(p)]); c > 0 {
				count += c
				names = append(names, g.parts[p])
			}
		}
		if count > 0 {
			out = append(out, Reason{Kind: ReasonSameProgrammePart, Count: count, Parts: names})
		}
		var recent int
		names = nil
		for _, p := range res.parts {
			if c := int(g.orgRecentParts[int(o)*nParts+int(p)]); c > 0 {
				recent += c
				names = append(names, g.parts[p])
			}
		}
		if recent > 0 {
			out = append(out, Reason{Kind: ReasonRecentActivity, Count: recent, Parts: names})
		}
	}
	c, t := g.orgCountry[o], g.orgType[o]
	if res.seedType >= 0 && t != res.seedType && len(res.parts) > 0 {
		var lift float32
		nT := len(g.types)
		for _, p := range res.parts {
			lift += g.partTypeLift[(int(p)*nT+int(res.seedType))*nT+int(t)]
		}
		if lift/float32(len(res.parts)) >= reasonMinTypeLift {
			out = append(out, Reason{Kind: ReasonComplementaryType, Type: g.types[t]})
		}
	}
	if res.seedCountry >= 0 && c != res.seedCountry && g.countries[c].Code != "" {
		if g.pairLift != nil && g.pairLift[int(res.seedCountry)*len(g.countries)+int(c)] >= reasonMinPairLift {
			out = append(out, Reason{Kind: ReasonCountriesCooperate, Country: g.countries[c].Code, SeedCountry: g.countries[res.seedCountry].Code})
		}
		out = append(out, Reason{Kind: ReasonCountryDiversity, Country: g.countries[c].Code})
	}
	if g.countries[c].BRIPartner {
		out = append(out, Reason{Kind: ReasonBRIPartner, Country: g.countries[c].Code})
	}
	if len(out) == 0 || (s.shared[o] == 0 && !hasKind(out, ReasonPartnerOfPartner) && !hasKind(out, ReasonSimilarTopics)) {
		out = append(out, Reason{Kind: ReasonActiveOrganisation, Count: int(g.orgDeg[o])})
	}
	return out
}

func hasKind(rs []Reason, k ReasonKind) bool {
	for _, r := range rs {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// via names the seed's partners who also worked with o, strongest paths
// first.
func (g *Graph) via(s *scratch, o int32) []string {
	type path struct {
		n int32
		w float32
	}
	var paths []path
	for _, e := range g.adjacency.row(o) {
		if w := s.seedNb[e.to]; w > 0 {
			paths = append(paths, path{e.to, w * e.aa})
		}
	}
	sort.Slice(paths, func(a, b int) bool {
		if paths[a].w != paths[b].w {
			return paths[a].w > paths[b].w
		}
		return paths[a].n < paths[b].n
	})
	var out []string
	for _, p := range paths[:min(len(paths), reasonMaxVia)] {
		out = append(out, g.orgKeys[p.n])
	}
	return out
}

// sharedTerms returns the query's words that weigh most in o's profile.
func (g *Graph) sharedTerms(s *scratch, o int32) []string {
	prof := g.orgProfiles.row(o)
	type term struct {
		id int32
		w  float32
	}
	var terms []term
	var total float32
	for _, qt := range s.query {
		i := sort.Search(len(prof), func(i int) bool { return prof[i].doc >= qt.doc })
		if i < len(prof) && prof[i].doc == qt.doc {
			w := qt.w * prof[i].w
			total += w
			terms = append(terms, term{qt.doc, w})
		}
	}
	if total < reasonMinProfile {
		return nil
	}
	sort.Slice(terms, func(a, b int) bool {
		if terms[a].w != terms[b].w {
			return terms[a].w > terms[b].w
		}
		return terms[a].id < terms[b].id
	})
	var out []string
	for _, t := range terms[:min(len(terms), reasonMaxTerms)] {
		w := g.termNames[t.id]
		if strings.HasPrefix(w, "#") {
			w = strings.ToUpper(w[1:])
		}
		out = append(out, w)
	}
	return out
}
