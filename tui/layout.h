/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Screen geometry, free of curses so that it is unit-tested (vifm's rule).
 *
 *   row 0            title bar
 *   list pane        the documents (about a third of the rest)
 *   separator        names the lower view and its keys
 *   view pane        detail, verify, hex, diff, device or help
 *   last row         status / prompt line
 */
#ifndef TUI_LAYOUT_H
#define TUI_LAYOUT_H

#include "canvas.h"

#define TUI_MIN_COLS	60
#define TUI_MIN_LINES	16

enum zoom {
	ZOOM_NONE,	/* list above, view below */
	ZOOM_LIST,	/* the list fills the screen */
	ZOOM_VIEW,	/* the view fills the screen */
};

struct layout {
	int too_small;		/* below TUI_MIN_COLS x TUI_MIN_LINES */
	struct rect title, list, sep, view, status;
};

void layout_compute(int cols, int lines, enum zoom zoom, struct layout *lo);

/* Columns of the document list. */
struct list_cols {
	int mark, time, verdict, root, debug, module, source;	/* widths */
	int x_time, x_verdict, x_root, x_debug, x_module, x_source;
};

void layout_list_cols(int width, struct list_cols *lc);

/*
 * New first visible row of a scrolled list of @count rows shown in
 * @height rows so that @cursor stays visible, moving as little as possible.
 */
int layout_scroll(int top, int cursor, int height, int count);

/* Clamp a cursor moved by @delta into [0, count). */
int layout_move(int cursor, int delta, int count);

#endif
