// SPDX-License-Identifier: GPL-2.0
/*
 * The user interface (ui.h): the screen composed from the title, the list,
 * the separator, the current view and the status line, and every key
 * dispatched to the prompt, the global actions, the list or the view.
 * Nothing here touches curses; term.c and script.c feed keys in and read
 * the canvas out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/print.h"
#include "ui.h"
#include "view.h"

static const struct view_ops *const views[V_COUNT] = {
	[V_DETAIL] = &view_detail,
	[V_VERIFY] = &view_verify,
	[V_HEX] = &view_hex,
	[V_DIFF] = &view_diff,
	[V_DEVICE] = &view_device,
	[V_HELP] = &view_help,
};

/* View @v's private state, set up the first time it is needed. */
static void *priv_of(struct app *app, enum view_id v)
{
	if (!app->priv[v]) {
		app->priv[v] = calloc(1, views[v]->private_size ?
				      views[v]->private_size : 1);
		if (!app->priv[v])
			abort();
		if (views[v]->open)
			views[v]->open(app, app->priv[v]);
	}
	return app->priv[v];
}

void ui_free(struct app *app)
{
	for (int v = 0; v < V_COUNT; v++) {
		if (app->priv[v] && views[v]->close)
			views[v]->close(app->priv[v]);
		free(app->priv[v]);
		app->priv[v] = NULL;
	}
}

/* ---- the document list ------------------------------------------------ */

static void list_row(struct app *app, struct doc *d, int y, struct rect r,
		     const struct list_cols *lc, int selected)
{
	struct canvas *cv = &app->cv;
	char t[32];

	app_verdict(app, d);
	if (d->marked)
		canvas_put(cv, r.x, y, 1, R_MARK, "*");
	if (d->state == DOC_ERROR) {
		canvas_put(cv, r.x + lc->x_time, y, lc->time, R_DIM, "-");
		canvas_put(cv, r.x + lc->x_verdict, y, lc->verdict, R_FAIL,
			   "ERROR");
		canvas_put(cv, r.x + lc->x_root, y, lc->root, R_DIM, "-");
		canvas_put(cv, r.x + lc->x_module, y, lc->module, R_FAIL,
			   d->err);
	} else {
		if (d->has_timestamp)
			fmt_time_ms((int64_t)d->timestamp, t, sizeof(t));
		else
			snprintf(t, sizeof(t), "-");
		canvas_put(cv, r.x + lc->x_time, y, lc->time, R_NORMAL, t);
		if (d->verdict.error)
			canvas_put(cv, r.x + lc->x_verdict, y, lc->verdict,
				   R_WARN, "error");
		else
			canvas_put(cv, r.x + lc->x_verdict, y, lc->verdict,
				   d->verdict.ok ? R_PASS : R_FAIL,
				   d->verdict.ok ? "valid" : "INVALID");
		canvas_put(cv, r.x + lc->x_root, y, lc->root,
			   d->verdict.root < 0 ? R_DIM : R_NORMAL,
			   d->verdict.root_name);
		if (d->debug)
			canvas_put(cv, r.x + lc->x_debug, y, lc->debug, R_WARN,
				   "dbg");
		canvas_put(cv, r.x + lc->x_module, y, lc->module, R_NORMAL,
			   d->module_id[0] ? d->module_id : "-");
	}
	canvas_put(cv, r.x + lc->x_source, y, lc->source, R_DIM, d->source);
	if (selected)
		canvas_set_role(cv, r.x, y, r.w, app->focus == PANE_LIST ?
				R_CURSOR : R_CURSOR_DIM);
}

static void draw_list(struct app *app)
{
	struct rect r = app->lo.list;
	struct list_cols lc;
	int rows = r.h - 1, cur;

	if (r.h <= 0)
		return;
	canvas_fill(&app->cv, r, R_NORMAL);
	layout_list_cols(r.w, &lc);
	canvas_fill(&app->cv, (struct rect){ r.x, r.y, r.w, 1 }, R_HEADER);
	canvas_put(&app->cv, r.x + lc.x_time, r.y, lc.time, R_HEADER, "time (UTC)");
	canvas_put(&app->cv, r.x + lc.x_verdict, r.y, lc.verdict, R_HEADER,
		   "verdict");
	canvas_put(&app->cv, r.x + lc.x_root, r.y, lc.root, R_HEADER, "root");
	canvas_put(&app->cv, r.x + lc.x_debug, r.y, lc.debug, R_HEADER, "dbg");
	canvas_put(&app->cv, r.x + lc.x_module, r.y, lc.module, R_HEADER,
		   "module_id");
	canvas_put(&app->cv, r.x + lc.x_source, r.y, lc.source, R_HEADER,
		   "source");
	if (!app->ndocs) {
		canvas_put(&app->cv, r.x + 2, r.y + 1, r.w - 2, R_DIM,
			   "no documents: give files or directories, or press L for the device");
		return;
	}
	app_update_rows(app);
	if (!app->nvis) {
		canvas_printf(&app->cv, r.x + 2, r.y + 1, r.w - 2, R_DIM,
			      "no document's chain ends in %s: press r",
			      app_filter_name(app));
		return;
	}
	cur = app_row(app);
	app->top = layout_scroll(app->top, cur < 0 ? 0 : cur, rows, app->nvis);
	for (int i = 0; i < rows && app->top + i < app->nvis; i++)
		list_row(app, app->docs[app->vis[app->top + i]], r.y + 1 + i,
			 r, &lc, app->top + i == cur);
}

static void draw_title(struct app *app)
{
	struct rect r = app->lo.title;
	char right[160], counts[64];
	const char *title = app->title;
	int marked = 0, room, tlen;

	for (int i = 0; i < app->ndocs; i++)
		marked += app->docs[i]->marked;
	app_update_rows(app);
	if (app->nvis == app->ndocs)
		snprintf(counts, sizeof(counts), "%d doc%s", app->ndocs,
			 app->ndocs == 1 ? "" : "s");
	else
		snprintf(counts, sizeof(counts), "%d of %d docs", app->nvis,
			 app->ndocs);
	if (marked)
		snprintf(counts + strlen(counts), sizeof(counts) - strlen(counts),
			 ", %d marked", marked);
	snprintf(right, sizeof(right), "time: %s | %s: %.40s ",
		 app->doc_time ? "document" : "now",
		 app->root_filter == ROOT_ALL ? "roots" : "root",
		 app->root_filter == ROOT_ALL ? "all" : app_filter_name(app));
	/* the policy and the counts matter more than the path: shorten it */
	room = r.w - (int)strlen(right) - (int)strlen(counts) - 14;
	tlen = (int)strlen(title);
	canvas_fill(&app->cv, r, R_TITLE);
	if (room < 8)
		room = 8;
	if (tlen > room)
		canvas_printf(&app->cv, r.x, r.y, r.w, R_TITLE,
			      " nsm-tui  ...%s  %s", title + tlen - (room - 3),
			      counts);
	else
		canvas_printf(&app->cv, r.x, r.y, r.w, R_TITLE,
			      " nsm-tui  %s  %s", title, counts);
	if ((int)strlen(right) < r.w / 2 + 10)
		canvas_put(&app->cv, r.x + r.w - (int)strlen(right), r.y,
			   (int)strlen(right), R_TITLE, right);
}

static void draw_sep(struct app *app)
{
	struct rect r = app->lo.sep;
	const struct view_ops *v = views[app->view];
	int x;

	if (r.h <= 0 || r.y >= app->lines - 1)
		return;
	canvas_fill(&app->cv, r, R_BORDER);
	for (int i = 0; i < r.w; i++)
		canvas_put(&app->cv, r.x + i, r.y, 1, R_BORDER, "-");
	x = canvas_printf(&app->cv, r.x + 1, r.y, r.w - 2, R_BORDER, " %s ",
			  v->name);
	canvas_printf(&app->cv, r.x + 2 + x, r.y, r.w - 3 - x, R_BORDER,
		      " %s ", v->hint);
}

static void draw_status(struct app *app)
{
	struct rect r = app->lo.status;
	struct prompt *p = &app->prompt;
	struct doc *d;
	char pos[32];
	int w;

	canvas_fill(&app->cv, r, R_STATUS);
	if (p->active) {
		int x = canvas_printf(&app->cv, r.x, r.y, r.w, R_STATUS,
				      "%s", p->label);
		int off = p->len - (r.w - x - 2);

		if (off < 0)
			off = 0;
		canvas_putn(&app->cv, r.x + x, r.y, r.w - x, R_STATUS,
			    p->buf + off, (size_t)(p->len - off));
		canvas_put(&app->cv, r.x + x + p->len - off, r.y, 1, R_CURSOR,
			   " ");
		return;
	}
	app_update_rows(app);
	snprintf(pos, sizeof(pos), "%d/%d ", app_row(app) + 1, app->nvis);
	d = app_row(app) >= 0 ? app->docs[app->cursor] : NULL;
	w = r.w - 2 - (int)strlen(pos);
	if (app->status[0]) {
		canvas_put(&app->cv, r.x + 1, r.y, w,
			   app->status_error ? R_FAIL : R_STATUS, app->status);
	} else if (d && d->state == DOC_ERROR) {
		/* the list has room for a few words of it: the whole reason */
		canvas_printf(&app->cv, r.x + 1, r.y, w, R_STATUS,
			      "ERROR: %s", d->err);
	} else if (d && d->state == DOC_OK && d->verdict.gen == app->gen &&
		   !d->verdict.ok) {
		canvas_printf(&app->cv, r.x + 1, r.y, w, R_STATUS,
			      "INVALID: %s  (v: checklist)", d->verdict.summary);
	} else {
		canvas_put(&app->cv, r.x + 1, r.y, w, R_STATUS,
			   "?:help q:quit Tab:pane /:search "
			   "d v x c L:views m:mark t:time r:root");
	}
	canvas_put(&app->cv, r.x + r.w - (int)strlen(pos), r.y,
		   (int)strlen(pos), R_STATUS, pos);
}

static void draw_view(struct app *app)
{
	struct viewstate *vs = &app->vs[app->view];
	struct rect r = app->lo.view;

	if (r.h <= 0)
		return;
	canvas_fill(&app->cv, r, R_NORMAL);
	lines_clear(&vs->lines);
	views[app->view]->build(app, priv_of(app, app->view), &vs->lines);
	lv_draw(vs, &app->cv, r, app->focus == PANE_VIEW);
}

static void draw_too_small(struct app *app)
{
	char msg[96];

	canvas_fill(&app->cv, (struct rect){ 0, 0, app->cols, app->lines },
		    R_NORMAL);
	snprintf(msg, sizeof(msg), "Terminal too small: %dx%d", app->cols,
		 app->lines);
	canvas_put(&app->cv, 0, 0, app->cols, R_FAIL, msg);
	snprintf(msg, sizeof(msg), "nsm-tui needs at least %dx%d.",
		 TUI_MIN_COLS, TUI_MIN_LINES);
	canvas_put(&app->cv, 0, 1, app->cols, R_NORMAL, msg);
	canvas_put(&app->cv, 0, 2, app->cols, R_NORMAL,
		   "Enlarge the window, or press q to quit.");
}

void ui_render(struct app *app, unsigned int flags)
{
	if (app->lo.too_small) {
		draw_too_small(app);
		return;
	}
	if (flags & RF_LIST)
		draw_list(app);
	/* the view depends on the selected document: redraw it with the list */
	if (flags & (RF_VIEW | RF_LIST)) {
		draw_sep(app);
		draw_view(app);
	}
	if (flags & RF_STATUS) {
		draw_title(app);
		draw_status(app);
	}
}

/* ---- prompt and actions ----------------------------------------------- */

static unsigned int prompt_key(struct app *app, int key)
{
	struct prompt *p = &app->prompt;
	void (*done)(struct app *, void *, const char *) = p->done;

	switch (key) {
	case TK_ENTER:
	case '\r':
		p->active = 0;
		done(app, p->ctx, p->buf);
		return RF_ALL;
	case TK_ESC:
	case TK_CTRL('g'):
		p->active = 0;
		app_msg(app, "cancelled");
		return RF_STATUS;
	case TK_BACKSPACE:
	case 8:
		if (p->len)
			p->buf[--p->len] = 0;
		return RF_STATUS;
	case TK_CTRL('u'):
		p->len = 0;
		p->buf[0] = 0;
		return RF_STATUS;
	default:
		if (key >= 0x20 && key < 0x7f &&
		    p->len < (int)sizeof(p->buf) - 1) {
			p->buf[p->len++] = (char)key;
			p->buf[p->len] = 0;
		}
		return RF_STATUS;
	}
}

static void select_doc(struct app *app, int i)
{
	if (i == app->cursor)
		return;
	app->cursor = i;
	for (int v = 0; v < V_COUNT; v++)
		if (views[v]->per_doc)
			app->vs[v].cursor = app->vs[v].top = 0;
	/* the tree's selection starts over at its first line too */
	app->tree.selected = -1;
	app->tree.moved = 0;
}

static int list_height(struct app *app)
{
	return app->lo.list.h > 1 ? app->lo.list.h - 1 : 1;
}

/* Moves go over the rows the filter shows. */
static unsigned int list_move(struct app *app, enum action a)
{
	int c = app_row(app), h = list_height(app);

	switch (a) {
	case A_UP: c--; break;
	case A_DOWN: c++; break;
	case A_PGUP: c -= h; break;
	case A_PGDN: c += h; break;
	case A_HOME: c = 0; break;
	case A_END: c = app->nvis - 1; break;
	default: return RF_NONE;
	}
	if (app->nvis)
		select_doc(app, app->vis[layout_move(c, 0, app->nvis)]);
	return RF_ALL;
}

/* r: show the documents of the next root (all, each root, none). */
static unsigned int next_filter(struct app *app)
{
	int n = app_nroots(app);

	app->root_filter = app->root_filter >= n ? ROOT_ALL :
			   app->root_filter + 1;
	app_update_rows(app);
	/* keep the selection when it stays, else the first row shown */
	if (app_row(app) < 0 && app->nvis)
		select_doc(app, app->vis[0]);
	app->top = 0;
	app_msg(app, "showing %d document%s: %s%s", app->nvis,
		app->nvis == 1 ? "" : "s", app->root_filter == ROOT_ALL ?
		"" : "chain ends in ", app_filter_name(app));
	return RF_ALL;
}

static int doc_matches(struct doc *d, const char *needle)
{
	doc_load(d);
	return strcasestr(d->source, needle) || strcasestr(d->module_id, needle) ||
	       (d->state == DOC_ERROR && strcasestr(d->err, needle));
}

static unsigned int search(struct app *app, int dir)
{
	if (!app->search[0]) {
		app_error(app, "no search: press / first");
		return RF_STATUS;
	}
	if (app->focus == PANE_LIST) {
		int cur = app_row(app);

		for (int k = 1; k <= app->nvis; k++) {
			int i = app->vis[((cur + dir * k) % app->nvis +
					  app->nvis) % app->nvis];

			if (doc_matches(app->docs[i], app->search)) {
				select_doc(app, i);
				app_msg(app, "/%s", app->search);
				return RF_ALL;
			}
		}
	} else if (lv_search(&app->vs[app->view], app->search, dir) == 0) {
		app_msg(app, "/%s", app->search);
		return RF_ALL;
	}
	app_error(app, "not found: %s", app->search);
	return RF_STATUS;
}

static void search_done(struct app *app, void *ctx, const char *text)
{
	(void)ctx;
	snprintf(app->search, sizeof(app->search), "%s", text);
	if (text[0])
		search(app, 1);
}

static void export_doc_done(struct app *app, void *ctx, const char *path)
{
	struct doc *d = app_doc(app);
	const uint8_t *raw;
	size_t len;
	FILE *f;

	(void)ctx;
	if (!d || d->state != DOC_OK) {
		app_error(app, "no valid document to export");
		return;
	}
	raw = nsm_doc_raw(d->nd, &len);
	f = fopen(path, "wb");
	if (!f || fwrite(raw, 1, len, f) != len) {
		app_error(app, "export failed: %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return;
	}
	if (fclose(f)) {
		app_error(app, "export failed: %s: %s", path, strerror(errno));
		return;
	}
	app_msg(app, "wrote %zu bytes of CBOR to %s", len,
		strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
}

static void export_view_done(struct app *app, void *ctx,
			     const char *path)
{
	FILE *f = fopen(path, "w");

	(void)ctx;
	if (!f) {
		app_error(app, "export failed: %s: %s", path, strerror(errno));
		return;
	}
	pr_begin(f, true);
	views[app->view]->json(app, priv_of(app, app->view));
	if (pr_end() | fclose(f)) {
		app_error(app, "export failed: %s: %s", path, strerror(errno));
		return;
	}
	app_msg(app, "wrote the %s view as JSON to %s", views[app->view]->name,
		strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
}

static unsigned int export(struct app *app, int view)
{
	struct doc *d = app_doc(app);
	char path[sizeof(app->export_dir) + 256];

	if (view) {
		snprintf(path, sizeof(path), "%s/nsm-tui-%s.json",
			 app->export_dir, views[app->view]->name);
		app_prompt(app, "export view (JSON) to: ", path,
			   export_view_done, NULL);
		return RF_STATUS;
	}
	if (!d || d->state != DOC_OK) {
		app_error(app, "no valid document to export");
		return RF_STATUS;
	}
	{
		const char *base = strrchr(d->source, '/');
		char name[200];
		char *dot;

		snprintf(name, sizeof(name), "%.199s", base ? base + 1 :
			 d->source);
		dot = strrchr(name, '.');
		if (dot && dot != name)
			*dot = 0;
		/* "device #1" -> "device-1": a name that needs no quoting */
		for (char *p = name, *q = name;; p++) {
			int ok = isalnum((unsigned char)*p) || *p == '.' ||
				 *p == '_' || *p == '-';

			if (!*p) {
				*q = 0;
				break;
			}
			if (ok)
				*q++ = *p;
			else if (q > name && q[-1] != '-')
				*q++ = '-';
		}
		snprintf(path, sizeof(path), "%s/%s.cbor", app->export_dir,
			 name);
	}
	app_prompt(app, "export document (CBOR) to: ", path, export_doc_done,
		   NULL);
	return RF_STATUS;
}

static unsigned int set_view(struct app *app, enum view_id v)
{
	if (app->view != V_HELP)
		app->back_view = app->view;
	app->view = v;
	if (app->zoom == ZOOM_LIST) {
		app->zoom = ZOOM_NONE;
		layout_compute(app->cols, app->lines, app->zoom, &app->lo);
	}
	return RF_ALL;
}

static unsigned int global_action(struct app *app, enum action a)
{
	switch (a) {
	case A_QUIT:
		return RF_QUIT;
	case A_HELP:
		if (app->view == V_HELP)
			return set_view(app, app->back_view);
		app->vs[V_HELP].cursor = app->vs[V_HELP].top = 0;
		app->focus = PANE_VIEW;
		return set_view(app, V_HELP);
	case A_BACK:
		if (app->view == V_HELP)
			return set_view(app, app->back_view);
		if (app->zoom != ZOOM_NONE) {
			app->zoom = ZOOM_NONE;
			app_resize(app, app->cols, app->lines);
			return RF_ALL;
		}
		app->focus = PANE_LIST;
		return RF_ALL;
	case A_NEXT_PANE:
		app->focus = app->focus == PANE_LIST ? PANE_VIEW : PANE_LIST;
		if (app->zoom != ZOOM_NONE)
			app->zoom = app->focus == PANE_LIST ? ZOOM_LIST :
				    ZOOM_VIEW;
		app_resize(app, app->cols, app->lines);
		return RF_ALL;
	case A_VIEW_DETAIL: return set_view(app, V_DETAIL);
	case A_VIEW_VERIFY: return set_view(app, V_VERIFY);
	case A_VIEW_HEX: return set_view(app, V_HEX);
	case A_VIEW_DIFF: return set_view(app, V_DIFF);
	case A_VIEW_DEVICE:
		return set_view(app, V_DEVICE);
	case A_TIME_POLICY:
		app->doc_time = !app->doc_time;
		app->gen++;
		app_msg(app, "certificates are now checked at %s",
			app->doc_time ? "each document's time" : "the current time");
		return RF_ALL;
	case A_TRUST_ROOT:
		return next_filter(app);
	case A_SEARCH:
		app_prompt(app, "/", "", search_done, NULL);
		return RF_STATUS;
	case A_SEARCH_NEXT:
		return search(app, 1);
	case A_SEARCH_PREV:
		return search(app, -1);
	case A_MARK:
		if (app_row(app) >= 0) {
			struct doc *d = app->docs[app->cursor];

			d->marked = !d->marked;
			if (app->focus == PANE_LIST)
				list_move(app, A_DOWN);
		}
		return RF_ALL;
	case A_MARK_ALL: {
		int any = 0;

		for (int i = 0; i < app->ndocs; i++)
			any |= app->docs[i]->marked;
		for (int i = 0; i < app->ndocs; i++)
			app->docs[i]->marked = !any;
		return RF_ALL;
	}
	case A_ZOOM:
		app->zoom = app->zoom != ZOOM_NONE ? ZOOM_NONE :
			    app->focus == PANE_LIST ? ZOOM_LIST : ZOOM_VIEW;
		app_resize(app, app->cols, app->lines);
		return RF_ALL;
	case A_EXPORT_DOC:
		return export(app, 0);
	case A_EXPORT_VIEW:
		return export(app, 1);
	case A_REDRAW:
		return RF_ALL;
	case A_REFRESH: {
		int added = rescan_dirs(app);

		app->gen++;
		if (added)
			app_msg(app, "%d new document%s", added,
				added == 1 ? "" : "s");
		return RF_UNHANDLED;	/* the view may refresh too */
	}
	default:
		return RF_UNHANDLED;
	}
}

unsigned int ui_key(struct app *app, int key)
{
	enum action a;
	unsigned int rf;

	if (app->prompt.active)
		return prompt_key(app, key);
	if (key == TK_TIMER) {
		if (views[app->view]->tick && !app->lo.too_small)
			return views[app->view]->tick(app,
						      priv_of(app, app->view));
		return RF_NONE;
	}
	a = keymap_lookup(key);
	if (app->lo.too_small)
		return a == A_QUIT ? RF_QUIT : RF_NONE;
	if (a == A_NONE) {
		app_error(app, "unknown key: press ? for help");
		return RF_STATUS;
	}
	app->status[0] = 0;
	rf = global_action(app, a);
	if (!(rf & RF_UNHANDLED))
		return rf | RF_STATUS;
	if (app->focus == PANE_LIST && a != A_REFRESH && a != A_ATTEST &&
	    a != A_FIELD_NEXT && a != A_FIELD_PREV) {
		if (a == A_ENTER || a == A_EXPAND) {
			app->focus = PANE_VIEW;
			if (app->view == V_HELP)
				app->view = app->back_view;
			return RF_ALL;
		}
		rf = list_move(app, a);
		return rf ? rf : RF_STATUS;
	}
	rf = views[app->view]->key ?
	     views[app->view]->key(app, priv_of(app, app->view), a) :
	     RF_UNHANDLED;
	if ((rf & RF_UNHANDLED) && a == A_ATTEST) {
		app_error(app, "a requests a document in the device view (L)");
		return RF_STATUS;
	}
	if (rf & RF_UNHANDLED) {
		if (a == A_REFRESH)
			return RF_ALL;
		rf = lv_move(&app->vs[app->view], a,
			     app->lo.view.h > 0 ? app->lo.view.h : 1);
		if (rf == RF_NONE && app->focus == PANE_VIEW &&
		    (a == A_COLLAPSE || a == A_BACK))
			app->focus = PANE_LIST;
		rf = RF_VIEW;
	}
	return rf | RF_STATUS;
}
