// SPDX-License-Identifier: GPL-2.0
/*
 * Hex view: the raw document with the tree's selected node (tree.h)
 * highlighted. [ and ] walk the nodes that have bytes without leaving the
 * view. Offsets come from libnsm (nsm_doc_*_span), which records them
 * while parsing.
 */
#include <ctype.h>
#include <string.h>

#include "view.h"

#define HEADER_LINES 2

struct hex {
	const struct doc *doc;	/* the document shown last */
	int field;		/* the node scrolled to last, -1: none */
	struct lines tree;	/* the tree's lines, for its order of nodes */
};

/* The tree's lines and the line of its selected node (its first line
 * when nothing is selected yet: where the detail cursor starts). */
static int tree_at(struct app *app, struct hex *h, struct doc *d)
{
	lines_clear(&h->tree);
	tree_lines(&app->tree, d, app_now(app), &h->tree);
	for (int i = 0; i < h->tree.n; i++)
		if (h->tree.v[i].tag == app->tree.selected)
			return i;
	return 0;
}

static void build(struct app *app, void *priv, struct lines *ls)
{
	struct hex *h = priv;
	struct doc *d = app_doc(app);
	struct viewstate *vs = &app->vs[V_HEX];
	const uint8_t *raw;
	size_t len, off = 0, flen = 0;
	char name[64] = "";
	struct line *l;
	int id, have, at;

	if (d != h->doc) {
		h->doc = d;
		h->field = -1;
	}
	if (!d || d->state != DOC_OK) {
		l = lines_new(ls, -1);
		line_add(l, R_DIM, d ? d->err : "no document selected");
		return;
	}
	at = tree_at(app, h, d);
	id = at < h->tree.n ? h->tree.v[at].tag : -1;
	have = tree_span(d, id, &off, &flen, name, sizeof(name)) == 0;
	raw = nsm_doc_raw(d->nd, &len);
	ls->sticky = HEADER_LINES;
	l = lines_new(ls, -1);
	l->selectable = 0;
	if (have)
		line_addf(l, R_HEADER, "%s: bytes 0x%zx..0x%zx (%zu)", name,
			  off, off + flen, flen);
	else
		line_add(l, R_DIM, "no field selected (choose one in the detail view)");
	l = lines_new(ls, -1);
	l->selectable = 0;
	line_addf(l, R_DIM, "%zu bytes; [ ] previous/next field", len);
	for (size_t row = 0; row < len; row += 16) {
		l = lines_new(ls, (int)(row / 16));
		line_addf(l, R_DIM, "%06zx  ", row);
		for (size_t i = row; i < row + 16; i++) {
			int in = have && i >= off && i < off + flen;

			if (i < len)
				line_addf(l, in ? R_HILITE : R_NORMAL, "%02x",
					  raw[i]);
			else
				line_add(l, R_NORMAL, "  ");
			/* keep the highlight continuous between bytes */
			line_add(l, in && i + 1 < off + flen && i % 16 != 15 ?
				 R_HILITE : R_NORMAL, i % 8 == 7 ? "  " : " ");
		}
		line_add(l, R_DIM, "|");
		for (size_t i = row; i < row + 16 && i < len; i++) {
			char c = isprint(raw[i]) ? (char)raw[i] : '.';

			line_addn(l, have && i >= off && i < off + flen ?
				  R_HILITE : R_NORMAL, &c, 1);
		}
		line_add(l, R_DIM, "|");
	}
	/* a newly selected field: bring its first row under the cursor */
	if (have && id != h->field) {
		h->field = id;
		vs->cursor = HEADER_LINES + (int)(off / 16);
		vs->top = vs->cursor > 2 ? vs->cursor - 2 : 0;
	}
}

/* [ ]: select the previous/next node that has bytes, for the detail view
 * too */
static unsigned int step(struct app *app, struct hex *h, int dir)
{
	struct doc *d = app_doc(app);
	int i;

	if (!d || d->state != DOC_OK)
		return RF_NONE;
	i = tree_step(&h->tree, tree_at(app, h, d), dir, d);
	if (i < 0)
		return RF_NONE;
	app->tree.selected = h->tree.v[i].tag;
	app->tree.moved = 1;
	return RF_VIEW;
}

static unsigned int key(struct app *app, void *priv, enum action a)
{
	switch (a) {
	case A_FIELD_NEXT:
		return step(app, priv, 1);
	case A_FIELD_PREV:
		return step(app, priv, -1);
	default:
		return RF_UNHANDLED;
	}
}

static void json(struct app *app, void *priv)
{
	(void)priv;
	doc_report(app_doc(app));
}

static void close_(void *priv)
{
	struct hex *h = priv;

	lines_free(&h->tree);
}

const struct view_ops view_hex = {
	.name = "hex",
	.hint = "[ ]:previous/next field  d:tree",
	.private_size = sizeof(struct hex),
	.per_doc = 1,
	.close = close_,
	.build = build,
	.key = key,
	.json = json,
};
