// SPDX-License-Identifier: GPL-2.0
/* The cursor, scrolling, search and drawing shared by every view. */
#include <string.h>

#include "layout.h"
#include "lineview.h"

static int step(struct viewstate *vs, int from, int dir);

/* Keep the cursor on a selectable line below the sticky header. */
static int clamp_cursor(struct viewstate *vs)
{
	int n = vs->lines.n, t;

	if (vs->cursor >= n)
		vs->cursor = n - 1;
	if (vs->cursor < vs->lines.sticky)
		vs->cursor = vs->lines.sticky;
	if (vs->cursor < 0)
		vs->cursor = 0;
	if (n && !vs->lines.v[vs->cursor].selectable) {
		t = step(vs, vs->cursor, 1);
		if (t < 0)
			t = step(vs, vs->cursor, -1);
		if (t >= 0)
			vs->cursor = t;
	}
	return n;
}

static void draw_line(struct canvas *cv, const struct line *l, int x, int y,
		      int w, int cursor, int focused)
{
	for (int k = 0; k < l->len && k < w; k++)
		canvas_putn(cv, x + k, y, 1, l->roles[k], l->text + k, 1);
	if (!cursor || !l->selectable)
		return;
	/* the cursor bar, leaving highlighted bytes visible through it */
	for (int k = 0; k < w; k++) {
		struct cell *c = &cv->cells[y * cv->w + x + k];

		if (x + k >= cv->w || (k < l->len && l->roles[k] == R_HILITE))
			continue;
		c->role = focused ? R_CURSOR : R_CURSOR_DIM;
	}
}

void lv_draw(struct viewstate *vs, struct canvas *cv, struct rect r,
	     int focused)
{
	int n = clamp_cursor(vs), sticky = vs->lines.sticky, h;

	if (sticky > r.h - 1)
		sticky = r.h > 1 ? r.h - 1 : 0;
	for (int i = 0; i < sticky && i < n; i++)
		draw_line(cv, &vs->lines.v[i], r.x, r.y + i, r.w, 0, focused);
	h = r.h - sticky;
	/* scroll the rest; line indexes stay absolute */
	vs->top = sticky + layout_scroll(vs->top - sticky, vs->cursor - sticky,
					 h, n - sticky);
	for (int i = 0; i < h && vs->top + i < n; i++)
		draw_line(cv, &vs->lines.v[vs->top + i], r.x, r.y + sticky + i,
			  r.w, vs->top + i == vs->cursor, focused);
	if (n - sticky > h && h > 2) {
		/* a one-column scroll indicator on the right edge */
		int pos = (int)((long)(vs->top - sticky) * (h - 1) /
				(n - sticky - h));

		canvas_put(cv, r.x + r.w - 1, r.y + sticky + pos, 1, R_DIM, "#");
	}
}

static int step(struct viewstate *vs, int from, int dir)
{
	for (int i = from; i >= 0 && i < vs->lines.n; i += dir)
		if (vs->lines.v[i].selectable)
			return i;
	return -1;
}

unsigned int lv_move(struct viewstate *vs, enum action a, int height)
{
	int n = clamp_cursor(vs), c = vs->cursor, t;

	if (!n)
		return RF_NONE;
	switch (a) {
	case A_UP:
		t = step(vs, c - 1, -1);
		break;
	case A_DOWN:
		t = step(vs, c + 1, 1);
		break;
	case A_PGUP:
		t = step(vs, layout_move(c, -height, n), -1);
		if (t < 0)
			t = step(vs, 0, 1);
		vs->top -= height;
		if (vs->top < vs->lines.sticky)
			vs->top = vs->lines.sticky;
		break;
	case A_PGDN:
		t = step(vs, layout_move(c, height, n), 1);
		if (t < 0)
			t = step(vs, n - 1, -1);
		vs->top += height;
		break;
	case A_HOME:
		t = step(vs, 0, 1);
		vs->top = vs->lines.sticky;
		break;
	case A_END:
		t = step(vs, n - 1, -1);
		break;
	default:
		return RF_NONE;
	}
	if (t < 0 || t == c)
		return a == A_PGUP || a == A_PGDN || a == A_HOME ? RF_VIEW :
		       RF_NONE;
	vs->cursor = t;
	return RF_VIEW;
}

int lv_search(struct viewstate *vs, const char *needle, int dir)
{
	int n = vs->lines.n;

	for (int k = 1; k <= n; k++) {
		int i = ((vs->cursor + dir * k) % n + n) % n;
		const struct line *l = &vs->lines.v[i];

		if (l->selectable && l->text && strcasestr(l->text, needle)) {
			vs->cursor = i;
			return 0;
		}
	}
	return -1;
}

int lv_tag(const struct viewstate *vs)
{
	if (vs->cursor < 0 || vs->cursor >= vs->lines.n)
		return -1;
	return vs->lines.v[vs->cursor].tag;
}

void lv_goto_tag(struct viewstate *vs, int tag)
{
	for (int i = 0; i < vs->lines.n; i++)
		if (vs->lines.v[i].tag == tag) {
			vs->cursor = i;
			return;
		}
}
