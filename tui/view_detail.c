// SPDX-License-Identifier: GPL-2.0
/*
 * Detail view: the document tree (tree.h) drawn as collapsible lines.
 * The line under the cursor is the tree's selected node, which the hex
 * view highlights.
 */
#include "view.h"

static void build(struct app *app, void *priv, struct lines *ls)
{
	struct viewstate *vs = &app->vs[V_DETAIL];
	struct tree *t = &app->tree;
	struct doc *d = app_doc(app);

	(void)priv;
	if (!d) {
		struct line *l = lines_new(ls, -1);

		line_add(l, R_DIM, "no document selected");
		return;
	}
	tree_lines(t, d, app_now(app), ls);
	if (vs->cursor >= ls->n)
		vs->cursor = ls->n - 1;
	/* the hex view's [ ] moved the selection: follow it */
	if (t->moved) {
		lv_goto_tag(vs, t->selected);
		t->moved = 0;
	}
	t->selected = lv_tag(vs);
}

static int expandable(struct viewstate *vs)
{
	if (vs->cursor < 0 || vs->cursor >= vs->lines.n)
		return 0;
	return vs->lines.v[vs->cursor].node;
}

static unsigned int step(struct app *app, int dir)
{
	struct viewstate *vs = &app->vs[V_DETAIL];
	int i = tree_step(&vs->lines, vs->cursor, dir, app_doc(app));

	if (i < 0)
		return RF_NONE;
	vs->cursor = i;
	return RF_VIEW;
}

static unsigned int key(struct app *app, void *priv, enum action a)
{
	struct viewstate *vs = &app->vs[V_DETAIL];
	struct tree *t = &app->tree;
	int id = lv_tag(vs);

	(void)priv;
	switch (a) {
	case A_ENTER:
		if (id < 0 || !expandable(vs))
			return RF_NONE;
		tree_set_open(t, id, !tree_is_open(t, id));
		return RF_VIEW;
	case A_EXPAND:
		if (id < 0 || !expandable(vs))
			return RF_NONE;
		tree_set_open(t, id, 1);
		return RF_VIEW;
	case A_COLLAPSE:
		if (id >= 0 && expandable(vs) && tree_is_open(t, id)) {
			tree_set_open(t, id, 0);
			return RF_VIEW;
		}
		/* on a child or a closed node: go to the parent */
		if (id >= 0 && !expandable(vs)) {
			/* hex rows of an open node: jump to the node itself */
			for (int i = vs->cursor; i >= 0; i--)
				if (vs->lines.v[i].tag == id &&
				    vs->lines.v[i].node) {
					vs->cursor = i;
					return RF_VIEW;
				}
		}
		if (tree_parent(id) >= 0) {
			lv_goto_tag(vs, tree_parent(id));
			return RF_VIEW;
		}
		return RF_UNHANDLED;
	case A_FIELD_NEXT:
		return step(app, 1);
	case A_FIELD_PREV:
		return step(app, -1);
	case A_EXPAND_ALL:
		tree_open_all(t);
		return RF_VIEW;
	default:
		return RF_UNHANDLED;
	}
}

static void json(struct app *app, void *priv)
{
	(void)priv;
	doc_report(app_doc(app));
}

const struct view_ops view_detail = {
	.name = "detail",
	.hint = "Enter/l/h:open/close  o:all  x:hex of field",
	.per_doc = 1,
	.build = build,
	.key = key,
	.json = json,
};
