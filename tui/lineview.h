/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cursor, scrolling, search and drawing every view shares: a view
 * builds lines, and these functions move over them and draw them, so
 * views stay small and behave alike.
 */
#ifndef TUI_LINEVIEW_H
#define TUI_LINEVIEW_H

#include "canvas.h"
#include "keymap.h"
#include "lines.h"

/* A view's lines and where the user is in them. */
struct viewstate {
	int cursor, top;
	struct lines lines;
};

void lv_draw(struct viewstate *vs, struct canvas *cv, struct rect r,
	     int focused);
/* A cursor or scroll action over @height rows; RF_NONE when it did not
 * move. */
unsigned int lv_move(struct viewstate *vs, enum action a, int height);
/* Next (@dir 1) or previous (-1) line containing @needle; 0 or -1. */
int lv_search(struct viewstate *vs, const char *needle, int dir);
/* The tag of the line under the cursor, -1 when none. */
int lv_tag(const struct viewstate *vs);
/* Put the cursor on the first line tagged @tag, if any. */
void lv_goto_tag(struct viewstate *vs, int tag);

#endif /* TUI_LINEVIEW_H */
