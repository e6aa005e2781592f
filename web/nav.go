package web

import "sort"

// NavItem is one entry of the main navigation.
type NavItem struct {
	Order int
	Path  string
	// Label is the message ID of its text.
	Label string
	// Private entries are shown to signed-in users only.
	Private bool
}

// navigation is the main menu, in the order it is shown.
var navigation = []NavItem{
	{Order: 10, Path: "/organisations", Label: "nav.organisations"},
	{Order: 20, Path: "/talents", Label: "nav.talents"},
	{Order: 30, Path: "/market", Label: "nav.market"},
	{Order: 30, Path: "/programmes", Label: "nav.programmes"},
	{Order: 40, Path: "/cooperations", Label: "nav.cooperations"},
	{Order: 45, Path: "/agreements", Label: "nav.agreements"},
	{Order: 50, Path: "/events", Label: "nav.events"},
	{Order: 55, Path: "/lessons", Label: "nav.lessons"},
	{Order: 60, Path: "/analytics", Label: "nav.analytics"},
	{Order: 60, Path: "/policies", Label: "nav.policies"},
	{Order: 61, Path: "/incentives", Label: "nav.incentives"},
	{Order: 62, Path: "/parks", Label: "nav.parks"},
	{Order: 63, Path: "/achievements", Label: "nav.achievements"},
	{Order: 64, Path: "/facilities", Label: "nav.facilities"},
	{Order: 90, Path: "/countries", Label: "nav.countries"},
	{Order: 95, Path: "/account", Label: "nav.account", Private: true},
	{Order: 95, Path: "/account", Label: "nav.account", Private: true},
}

// sortedNav returns the entries a visitor (signedIn false) or a user sees, in order.
func sortedNav(signedIn bool) []NavItem {
	var out []NavItem
	for _, n := range navigation {
		if !n.Private || signedIn {
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}
