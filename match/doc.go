// Package match assigns residents (talents who apply) to hospitals (host
// positions) by stable matching, with the distributional constraints of a
// talent-training programme: regional caps, targets, floors and group quotas.
//
// The package is pure: no database, no files of its own, no global state.
// Instances are read and written in the hr-instance/1 format and matchings in
// the hr-matching/1 format (shared/formats/matching.md):
//
//	inst, err := match.ReadInstance(r)      // strict; errors name the entry
//	res, err := match.Solve(inst, match.FDA) // deterministic
//	err = match.WriteMatching(w, res, match.Output{...})
//	why := res.Refusals(i)                   // why resident i was not placed higher
//	rep := res.Balance(nil)                  // Gini, top-decile share, deficits
//
// # Algorithms
//
// All three algorithms are resident-proposing deferred acceptance; they
// differ in the choice a hospital (or a region of hospitals) makes among its
// applicants:
//
//   - DA ignores regions, targets and group quotas: each hospital keeps its
//     best applicants up to capacity. The result is the resident-optimal
//     stable matching, unique, so any correct engine gives the same one.
//   - JRMP lowers each hospital's capacity to its target (the Japan
//     Residency Matching Program rule), which keeps every regional cap but
//     leaves seats empty.
//   - FDA is flexible deferred acceptance (Kamada and Kojima, AER 2015):
//     inside a region each hospital first takes applicants up to its target;
//     the seats left under the regional cap go one at a time to the
//     hospitals in the region's turn order (the order of regions[].hospitals),
//     each taking its best remaining applicant. Regions must be disjoint.
//
// A hospital's target is its explicit target, or else
// floor(capacity * region.cap / seats of the region), never above its
// capacity; in several regions (allowed for JRMP only) the smallest of
// these; in no region, its capacity.
//
// # Group quotas
//
// A group quota ("at most 3 residents of group KZ over these hospitals") is
// split over its hospitals in proportion to capacity: hospital h gets
// floor(capacity(h) * cap / seats) seats for the group, and the seats the
// floors leave go one each to the hospitals with the largest remainders
// (ties: earlier in the quota's list). A hospital then takes at most its
// share of the group's residents, best first. JRMP and FDA apply group
// quotas; DA does not. The split is deliberate: a quota shared flexibly by
// hospitals that also have capacities of their own cuts across those
// capacities, so the constraints are no longer hierarchical, and a flexible
// rule for it (a small example shows) loses the substitutability that makes
// deferred acceptance stable and strategy-proof. With the split, every
// algorithm here stays stable in the sense package check verifies, and
// strategy-proof for residents, as the tests confirm on thousands of random
// instances.
//
// # Floors
//
// Floors never change the matching and never make it fail: the balance
// report lists the deficit of every hospital below its floor.
//
// # Performance
//
// Solve runs in time linear in the number of proposals (plus a logarithm of
// a hospital's capacity, and for FDA of a region's size) and allocates
// nothing inside the proposal loop. Preferences are index arrays; each
// resident's choices carry the resident's rank at that hospital, computed
// once by Prepare; a four-byte threshold per hospital refuses most
// proposals without touching anything else; and eight residents' chains of
// proposals advance in turn so that their cache misses overlap, which
// leaves the outcome unchanged since deferred acceptance does not depend on
// the order of proposals. ReadInstance streams the file with no reflection
// and resolves numbered ids ("r17") without hashing. See bench_test.go and
// "silkbridge bench match" for the figures.
package match
