package recommend

// DefaultWeights are the weights the platform ranks partners with. They
// were chosen on the two tuning splits of the Horizon 2020 record
// (training up to 2016 and 2017, tested on the following year); later
// years are kept for the final measurement (silkbridge bench recommend).
var DefaultWeights = Weights{
	"aa": 1.4, "aa_max_text": 0.75, "aa_part": 1.45, "aa_recent": 0.3, "aa_seed_coordinated": 1.65,
	"aa_text": 2.25, "aa_text_rel": 0.25, "country_seed": 0.3, "part_count": 0.35, "part_share": 0.55,
	"popularity": 0.2, "profile": 0.5, "recent": 0.2, "similar_projects": 2.2, "similar_projects_rel": 2,
	"two_hop": 1.95, "two_hop_text": 0.6, "type_part": 0.35,
	// Partners from outside the EU are what cooperation along the Belt and
	// Road needs most and what co-participation counts see least: weigh
	// which countries take part in a programme part and in similar topics.
	"country_part": 1.0, "text_country": 2.0,
}

// DefaultModel is the model built from DefaultWeights.
func DefaultModel() Model { return Model{Weights: DefaultWeights} }
