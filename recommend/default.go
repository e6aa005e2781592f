package recommend

// DefaultModel returns the model the platform ranks partners with when it
// has not learnt one for its own graph. Fit learnt it from pseudo-queries
// of the H2020 training years up to 2017 (the second tuning split of
// silkbridge bench recommend); the years after are not in it. Its
// new-partner weights were learnt afterwards on the same pseudo-queries
// with the mixed weights kept (bench recommend --learn new-partners
// --train-until 2017).
func DefaultModel() Model {
	return Model{
		Weights: Weights{
			"aa": 2.25, "aa_max_text": 2.15, "aa_part": 2.35, "aa_recent": -0.55, "aa_seed_coordinated": 2.4,
			"aa_text": 3.75, "aa_text_rel": 0.85, "aa_text_x_seed": 2.75, "aa_x_seed": -0.5, BRIBonusName: 1,
			"call_count": 0.2, "country_part": -0.15, "country_seed": 0.9, "feedback": 1, "part_count": 0.3,
			"part_count_x_seed": 0.1, "part_share": 0.55, "popularity": 0.2, "popularity_x_seed": -0.35,
			"profile": 1.45, "profile_x_seed": 1.1, "recent": 0.2, "seed_type_history": 0.1, "similar_projects": 3.45,
			"similar_projects_rel": 2.5, "similar_projects_x_seed": 1.15, "text_country": 1.35, "text_type": 0.15,
			"two_hop": 0.95, "two_hop_text": 1.75, "two_hop_x_seed": 0.25, "type_part": 0.2,
		},
		Feedback: Weights{
			"aa": 2.5, "aa_max_text": 1.7, "aa_part": 2.35, "aa_recent": -0.6, "aa_seed_coordinated": 2.55,
			"aa_text": 3.4, "aa_text_rel": 0.75, "aa_text_x_seed": 3, "aa_x_seed": -0.5, "call_count": 0.15,
			"country_part": -0.15, "country_seed": 0.9, "part_count": 0.3, "part_count_x_seed": 0.1,
			"part_share": 0.55, "popularity": 0.2, "popularity_x_seed": -0.35, "profile": 1.5, "profile_x_seed": 1,
			"recent": 0.2, "seed_type_history": 0.1, "similar_projects": 3.25, "similar_projects_rel": 2.5,
			"similar_projects_x_seed": 1.1, "text_country": 1.8, "text_type": 0.1, "two_hop": 0.95,
			"two_hop_text": 1.65, "two_hop_x_seed": 0.25, "type_part": 0.2,
		},
		NewPartners: Weights{
			"aa": 2.25, "aa_max_text": 2.15, "aa_part": 2.35, "aa_recent": -0.55, "aa_seed_coordinated": 2.4,
			"aa_text": 3.75, "aa_text_rel": 0.85, "aa_text_x_seed": 2.75, "aa_x_seed": -0.5, "call_count": 0.3,
			"country_pair": 0.05, "country_part": -0.1, "country_seed": 0.9, "feedback": 2, "part_count": 0.8,
			"part_count_x_seed": 0.2, "part_share": 1.05, "popularity": 0.25, "popularity_x_seed": -0.35, "profile": 1.4,
			"profile_recent": 0.1, "profile_x_seed": 2.1, "recent": 0.2, "similar_projects": 2.6,
			"similar_projects_rel": 3.45, "similar_projects_social": 0.55, "similar_projects_x_seed": 1.15,
			"text_country": 0.3, "text_type": -0.6, "two_hop": 1.95, "two_hop_recent": -0.05, "two_hop_text": 2.35,
			"two_hop_x_seed": 0.4, "type_part": 0.1,
		},
	}
}

// StartWeights are where Fit starts from: a plain prior that counts past
// cooperations, partners of partners, text and activity, set by hand so
// that what a run learns depends on its own training years only.
func StartWeights() Weights {
	return Weights{
		"aa": 1, "aa_text": 1, "aa_part": 0.5, "aa_recent": 0.5, "aa_seed_coordinated": 0.5,
		"two_hop": 2, "similar_projects": 2, "profile": 2, "part_count": 0.3, "part_share": 0.5,
		"popularity": 0.2, "recent": 0.2, "country_part": 0.3, "country_seed": 0.3, "type_part": 0.3,
		BRIBonusName: 1,
	}
}
