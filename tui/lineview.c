// SPDX-License-Identifier: GPL-2.0
/* The cursor, scrolling, search and drawing shared by every view. */
#include <string.h>

#include "app.h"

static int clamp_cursor(struct viewstate *vs)
{
	int n = vs->lines.n;

	if (vs->cursor >= n)
		vs->cursor = n - 1;
	if (vs->cursor < 0)
		vs->cursor = 0;
	return n;
}

void lv_draw(struct app *app, struct viewstate *vs, struct canvas *cv,
	     struct rect r, int focused)
{
	int n = clamp_cursor(vs);

	(void)app;
	vs->top = layout_scroll(vs->top, vs->cursor, r.h, n);
	for (int i = 0; i < r.h && vs->top + i < n; i++) {
		const struct line *l = &vs->lines.v[vs->top + i];
		int y = r.y + i;

		for (int k = 0; k < l->len && k < r.w; k++)
			canvas_putn(cv, r.x + k, y, 1, l->roles[k],
				    l->text + k, 1);
		if (vs->top + i == vs->cursor && l->selectable)
			canvas_set_role(cv, r.x, y, r.w,
					focused ? R_CURSOR : R_CURSOR_DIM);
	}
	if (n > r.h && r.h > 2) {
		/* a one-column scroll indicator on the right edge */
		int pos = (int)((long)vs->top * (r.h - 1) / (n - r.h));

		canvas_put(cv, r.x + r.w - 1, r.y + pos, 1, R_DIM, "#");
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
		if (vs->top < 0)
			vs->top = 0;
		break;
	case A_PGDN:
		t = step(vs, layout_move(c, height, n), 1);
		if (t < 0)
			t = step(vs, n - 1, -1);
		vs->top += height;
		break;
	case A_HOME:
		t = step(vs, 0, 1);
		vs->top = 0;
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
