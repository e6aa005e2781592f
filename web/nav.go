package web

import "sort"

// NavItem is one entry of the main navigation.
type NavItem struct {
	Order int
	Path  string
	// Label is the message ID of its text.
	Label string
}

// navigation is the main menu; each capability adds its entries from init.
var navigation = []NavItem{
	{Order: 10, Path: "/organisations", Label: "nav.organisations"},
	{Order: 20, Path: "/talents", Label: "nav.talents"},
	{Order: 90, Path: "/countries", Label: "nav.countries"},
}

// addNav adds a navigation entry; call it from a capability's init.
func addNav(item NavItem) { navigation = append(navigation, item) }

func sortedNav() []NavItem {
	out := append([]NavItem(nil), navigation...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}
