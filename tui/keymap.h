/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys and actions. Keys are the TUI's own codes (term.c translates
 * curses' KEY_* into them, script.c parses names into them), so nothing
 * outside term.c depends on curses. One table maps keys to actions; the
 * help screen is generated from it, so it always lists every key.
 */
#ifndef TUI_KEYMAP_H
#define TUI_KEYMAP_H

enum {
	TK_ENTER = '\n',
	TK_TAB = '\t',
	TK_ESC = 27,
	TK_BACKSPACE = 127,
	TK_UP = 0x1000,
	TK_DOWN,
	TK_LEFT,
	TK_RIGHT,
	TK_PGUP,
	TK_PGDN,
	TK_HOME,
	TK_END,
	TK_BTAB,
	TK_RESIZE,
	TK_TIMER,	/* periodic tick: live device refresh */
};

#define TK_CTRL(c) ((c) & 0x1f)

enum action {
	A_NONE,
	A_UP, A_DOWN, A_PGUP, A_PGDN, A_HOME, A_END,
	A_COLLAPSE, A_EXPAND, A_ENTER,
	A_NEXT_PANE,
	A_VIEW_DETAIL, A_VIEW_VERIFY, A_VIEW_HEX, A_VIEW_DIFF, A_VIEW_DEVICE,
	A_HELP, A_QUIT, A_BACK,
	A_SEARCH, A_SEARCH_NEXT, A_SEARCH_PREV,
	A_MARK, A_MARK_ALL,
	A_TIME_POLICY, A_TRUST_ROOT,
	A_FIELD_PREV, A_FIELD_NEXT,
	A_ZOOM, A_REFRESH, A_ATTEST,
	A_EXPORT_DOC, A_EXPORT_VIEW,
	A_EXPAND_ALL,
	A_REDRAW,
	A_COUNT
};

/* What an action asks the main loop to do (htop's redraw flags). */
enum {
	RF_NONE = 0,
	RF_LIST = 1 << 0,	/* the document list */
	RF_VIEW = 1 << 1,	/* the lower view */
	RF_STATUS = 1 << 2,	/* title and status lines */
	RF_ALL = RF_LIST | RF_VIEW | RF_STATUS,
	RF_QUIT = 1 << 8,
	RF_UNHANDLED = 1 << 9,	/* a view declined the action */
};

struct keybinding {
	int key;
	const char *name;	/* as help and scripts spell it */
	enum action action;
};

extern const struct keybinding keymap[];
extern const int keymap_len;

enum action keymap_lookup(int key);
const char *action_help(enum action a);

/* Parse one key name ("j", "<Down>", "<C-f>"); *len receives the chars
 * used. Return: the key code, or -1. */
int key_parse(const char *s, int *len);

#endif
