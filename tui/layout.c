// SPDX-License-Identifier: GPL-2.0
/* Curses-free geometry; see layout.h. */
#include "layout.h"

void layout_compute(int cols, int lines, enum zoom zoom, struct layout *lo)
{
	int body, list_h;

	*lo = (struct layout){ 0 };
	lo->too_small = cols < TUI_MIN_COLS || lines < TUI_MIN_LINES;
	if (lo->too_small)
		return;
	lo->title = (struct rect){ 0, 0, cols, 1 };
	lo->status = (struct rect){ 0, lines - 1, cols, 1 };
	body = lines - 2;			/* between title and status */
	switch (zoom) {
	case ZOOM_LIST:
		lo->list = (struct rect){ 0, 1, cols, body };
		lo->sep = lo->view = (struct rect){ 0, lines - 1, cols, 0 };
		return;
	case ZOOM_VIEW:
		lo->list = (struct rect){ 0, 1, cols, 0 };
		lo->sep = (struct rect){ 0, 1, cols, 1 };
		lo->view = (struct rect){ 0, 2, cols, body - 1 };
		return;
	case ZOOM_NONE:
		break;
	}
	/* a header row plus at least 4 documents; the view gets the rest */
	list_h = body / 3;
	if (list_h < 5)
		list_h = 5;
	if (list_h > 12)
		list_h = 12;
	lo->list = (struct rect){ 0, 1, cols, list_h };
	lo->sep = (struct rect){ 0, 1 + list_h, cols, 1 };
	lo->view = (struct rect){ 0, 2 + list_h, cols, body - list_h - 1 };
}

void layout_list_cols(int width, struct list_cols *lc)
{
	int rest;

	lc->mark = 2;
	lc->time = 19;		/* 2024-11-30 16:22:48 */
	lc->verdict = 7;	/* INVALID */
	lc->root = 11;		/* the root the chain ends in: "AWS root G1" */
	lc->debug = 3;		/* dbg */
	rest = width - (lc->mark + lc->time + 1 + lc->verdict + 1 +
			lc->root + 1 + lc->debug + 1);
	if (rest < 2)
		rest = 2;
	/*
	 * A module id is 39 characters; the source (file name) matters at
	 * least as much when browsing captures, so it gets 24 columns before
	 * the id gets more than 16, and the id is shortened first.
	 */
	lc->module = rest - 1 - 24;
	if (lc->module < 16)
		lc->module = rest - 1 - 16 < 16 ? rest - 1 - 16 : 16;
	if (lc->module > 39)
		lc->module = 39;
	if (lc->module < 1)
		lc->module = 1;
	lc->source = rest - lc->module - 1;
	if (lc->source < 1)
		lc->source = 1;
	lc->x_time = lc->mark;
	lc->x_verdict = lc->x_time + lc->time + 1;
	lc->x_root = lc->x_verdict + lc->verdict + 1;
	lc->x_debug = lc->x_root + lc->root + 1;
	lc->x_module = lc->x_debug + lc->debug + 1;
	lc->x_source = lc->x_module + lc->module + 1;
}

int layout_scroll(int top, int cursor, int height, int count)
{
	if (height < 1)
		return 0;
	if (cursor < top)
		top = cursor;
	if (cursor >= top + height)
		top = cursor - height + 1;
	if (top > count - height)
		top = count - height;
	if (top < 0)
		top = 0;
	return top;
}

int layout_move(int cursor, int delta, int count)
{
	long c = (long)cursor + delta;

	if (c >= count)
		c = count - 1;
	if (c < 0)
		c = 0;
	return (int)c;
}
