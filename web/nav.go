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
	// Group is the section of the menu it belongs to (one of navGroups);
	// a phone shows a few headed sections rather than fifteen loose links.
	Group string
}

// navGroups are the menu's sections in the order they are shown; each has
// a message "nav.group.<id>".
var navGroups = []string{"find", "cooperate", "programmes", "policies", "analytics", "account"}

// NavGroup is one headed section of the main menu.
type NavGroup struct {
	ID    string
	Items []NavItem
}

// NavGroups returns the page's menu entries by section, sections without
// entries left out.
func (p Page) NavGroups() []NavGroup {
	var out []NavGroup
	for _, g := range navGroups {
		ng := NavGroup{ID: g}
		for _, n := range p.Nav {
			if n.Group == g {
				ng.Items = append(ng.Items, n)
			}
		}
		if len(ng.Items) > 0 {
			out = append(out, ng)
		}
	}
	return out
}

// navigation is the main menu, in the order it is shown.
var navigation = []NavItem{
	{Order: 10, Path: "/organisations", Label: "nav.organisations", Group: "find"},
	{Order: 20, Path: "/talents", Label: "nav.talents", Group: "find"},
	{Order: 30, Path: "/market", Label: "nav.market", Group: "cooperate"},
	{Order: 30, Path: "/programmes", Label: "nav.programmes", Group: "programmes"},
	{Order: 40, Path: "/cooperations", Label: "nav.cooperations", Group: "cooperate"},
	{Order: 45, Path: "/agreements", Label: "nav.agreements", Group: "cooperate"},
	{Order: 50, Path: "/events", Label: "nav.events", Group: "programmes"},
	{Order: 55, Path: "/lessons", Label: "nav.lessons", Group: "cooperate"},
	{Order: 60, Path: "/analytics", Label: "nav.analytics", Group: "analytics"},
	{Order: 60, Path: "/policies", Label: "nav.policies", Group: "policies"},
	{Order: 61, Path: "/incentives", Label: "nav.incentives", Group: "policies"},
	{Order: 62, Path: "/parks", Label: "nav.parks", Group: "policies"},
	{Order: 63, Path: "/achievements", Label: "nav.achievements", Group: "policies"},
	{Order: 64, Path: "/facilities", Label: "nav.facilities", Group: "find"},
	{Order: 90, Path: "/countries", Label: "nav.countries", Group: "find"},
	{Order: 95, Path: "/account", Label: "nav.account", Private: true, Group: "account"},
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
