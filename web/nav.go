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

// navigation is the main menu; each capability adds its entries from init.
var navigation = []NavItem{
	{Order: 10, Path: "/organisations", Label: "nav.organisations"},
	{Order: 20, Path: "/talents", Label: "nav.talents"},
	{Order: 90, Path: "/countries", Label: "nav.countries"},
}

// addNav adds a navigation entry; call it from a capability's init.
func addNav(item NavItem) { navigation = append(navigation, item) }

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
