// SPDX-License-Identifier: GPL-2.0
/* The key -> action table, the help texts and key names. */
#include <string.h>

#include "keymap.h"

const struct keybinding keymap[] = {
	{ TK_UP,	"<Up>",		A_UP },
	{ 'k',		"k",		A_UP },
	{ TK_DOWN,	"<Down>",	A_DOWN },
	{ 'j',		"j",		A_DOWN },
	{ TK_PGUP,	"<PgUp>",	A_PGUP },
	{ TK_CTRL('b'),	"<C-b>",	A_PGUP },
	{ TK_PGDN,	"<PgDn>",	A_PGDN },
	{ TK_CTRL('f'),	"<C-f>",	A_PGDN },
	{ ' ',		"<Space>",	A_MARK },
	{ TK_HOME,	"<Home>",	A_HOME },
	{ 'g',		"g",		A_HOME },
	{ TK_END,	"<End>",	A_END },
	{ 'G',		"G",		A_END },
	{ TK_LEFT,	"<Left>",	A_COLLAPSE },
	{ 'h',		"h",		A_COLLAPSE },
	{ TK_RIGHT,	"<Right>",	A_EXPAND },
	{ 'l',		"l",		A_EXPAND },
	{ TK_ENTER,	"<Enter>",	A_ENTER },
	{ 'o',		"o",		A_EXPAND_ALL },
	{ TK_TAB,	"<Tab>",	A_NEXT_PANE },
	{ TK_BTAB,	"<S-Tab>",	A_NEXT_PANE },
	{ 'd',		"d",		A_VIEW_DETAIL },
	{ 'v',		"v",		A_VIEW_VERIFY },
	{ 'x',		"x",		A_VIEW_HEX },
	{ 'c',		"c",		A_VIEW_DIFF },
	{ 'L',		"L",		A_VIEW_DEVICE },
	{ 'm',		"m",		A_MARK },
	{ 'M',		"M",		A_MARK_ALL },
	{ 't',		"t",		A_TIME_POLICY },
	{ 'r',		"r",		A_TRUST_ROOT },
	{ '[',		"[",		A_FIELD_PREV },
	{ ']',		"]",		A_FIELD_NEXT },
	{ '/',		"/",		A_SEARCH },
	{ 'n',		"n",		A_SEARCH_NEXT },
	{ 'N',		"N",		A_SEARCH_PREV },
	{ 'z',		"z",		A_ZOOM },
	{ 'R',		"R",		A_REFRESH },
	{ 'a',		"a",		A_ATTEST },
	{ 'e',		"e",		A_EXPORT_DOC },
	{ 'E',		"E",		A_EXPORT_VIEW },
	{ TK_CTRL('l'),	"<C-l>",	A_REDRAW },
	{ '?',		"?",		A_HELP },
	{ TK_ESC,	"<Esc>",	A_BACK },
	{ 'q',		"q",		A_QUIT },
};

const int keymap_len = (int)(sizeof(keymap) / sizeof(keymap[0]));

enum action keymap_lookup(int key)
{
	for (int i = 0; i < keymap_len; i++)
		if (keymap[i].key == key)
			return keymap[i].action;
	return A_NONE;
}

const char *action_help(enum action a)
{
	switch (a) {
	case A_UP: return "move up";
	case A_DOWN: return "move down";
	case A_PGUP: return "page up";
	case A_PGDN: return "page down";
	case A_HOME: return "first line";
	case A_END: return "last line";
	case A_COLLAPSE: return "collapse node / go to parent";
	case A_EXPAND: return "expand node";
	case A_ENTER: return "open document / toggle node or diff row";
	case A_EXPAND_ALL: return "expand or collapse every node";
	case A_NEXT_PANE: return "switch between list and view";
	case A_VIEW_DETAIL: return "detail tree view";
	case A_VIEW_VERIFY: return "verification checklist view";
	case A_VIEW_HEX: return "hex view of the selected field";
	case A_VIEW_DIFF: return "PCR diff of marked documents / expected";
	case A_VIEW_DEVICE: return "live device view (NSM_DEVICE)";
	case A_MARK: return "mark document for the diff";
	case A_MARK_ALL: return "mark or unmark all documents";
	case A_TIME_POLICY: return "time policy: document time / now";
	case A_TRUST_ROOT: return "show the documents of the next trust root (all, each, none)";
	case A_FIELD_PREV: return "hex view: previous field";
	case A_FIELD_NEXT: return "hex view: next field";
	case A_SEARCH: return "search in the focused pane";
	case A_SEARCH_NEXT: return "next match";
	case A_SEARCH_PREV: return "previous match";
	case A_ZOOM: return "zoom the focused pane";
	case A_REFRESH: return "refresh: new files, verdicts, device PCRs";
	case A_ATTEST: return "device: request a new document";
	case A_EXPORT_DOC: return "export the document (CBOR)";
	case A_EXPORT_VIEW: return "export the view (JSON)";
	case A_REDRAW: return "redraw the screen";
	case A_HELP: return "this help";
	case A_BACK: return "close help / cancel";
	case A_QUIT: return "quit";
	default: return "";
	}
}

static const struct {
	const char *name;
	int key;
} named[] = {
	{ "Up", TK_UP }, { "Down", TK_DOWN }, { "Left", TK_LEFT },
	{ "Right", TK_RIGHT }, { "PgUp", TK_PGUP }, { "PgDn", TK_PGDN },
	{ "Home", TK_HOME }, { "End", TK_END }, { "Enter", TK_ENTER },
	{ "Tab", TK_TAB }, { "S-Tab", TK_BTAB }, { "Esc", TK_ESC },
	{ "BS", TK_BACKSPACE }, { "Space", ' ' }, { "lt", '<' },
	{ "Timer", TK_TIMER },
};

int key_parse(const char *s, int *len)
{
	const char *end;
	size_t n;

	if (!s[0])
		return -1;
	if (s[0] != '<' || !(end = strchr(s, '>')) || end == s + 1) {
		*len = 1;
		return (unsigned char)s[0];
	}
	n = (size_t)(end - s - 1);
	*len = (int)(n + 2);
	if (n == 3 && s[1] == 'C' && s[2] == '-')
		return TK_CTRL(s[3]);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i].name) == n && !strncmp(s + 1, named[i].name, n))
			return named[i].key;
	return -1;
}
