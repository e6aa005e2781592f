package analytics

import (
	"slices"
)

// Inequality returns the Gini coefficient of counts and the share taken
// by the top tenth (rounded up) of them, with the definitions the
// matching runs' balance reports use:
// G = 2·Σ i·x_i / (n·Σ x) − (n+1)/n, x ascending, i from 1.
func Inequality(counts []int) (gini, topDecile float64) {
	n := len(counts)
	if n == 0 {
		return 0, 0
	}
	x := slices.Clone(counts)
	slices.Sort(x)
	total := 0
	var weighted float64
	for i, c := range x {
		total += c
		weighted += float64(i+1) * float64(c)
	}
	if total == 0 {
		return 0, 0
	}
	gini = 2*weighted/(float64(n)*float64(total)) - float64(n+1)/float64(n)
	top := (n + 9) / 10
	sumTop := 0
	for _, c := range x[n-top:] {
		sumTop += c
	}
	return round(gini, 4), round(float64(sumTop)/float64(total), 4)
}

// Median returns the median of v (0 when empty).
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Rate is part/whole, 0 when whole is 0.
func Rate(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return round(float64(part)/float64(whole), 4)
}

// BrokerageAnchor is the partnership agreements per 100 brokerage meetings
// reported by an Enterprise Europe Network region: the yardstick beside
// the platform's cooperations per 100 meetings held.
const BrokerageAnchor = 2.3
