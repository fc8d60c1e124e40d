// SPDX-License-Identifier: GPL-2.0
/*
 * The application's state and services (app.h): documents, the list's
 * rows under the root filter, verification, messages, the clock. No view
 * and no key is known here.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"

int app_init(struct app *app)
{
	memset(app, 0, sizeof(*app));
	app->doc_time = 1;
	app->gen = 1;
	app->view = V_DETAIL;
	app->root_filter = ROOT_ALL;
	tree_init(&app->tree);
	snprintf(app->export_dir, sizeof(app->export_dir), ".");
	return 0;
}

int app_trust(struct app *app, int aws_root)
{
	nsm_verifier_free(&app->v);
	app->gen++;
	return nsm_verifier_new(&app->v, aws_root ? 0 :
				NSM_VERIFIER_NO_AWS_ROOT);
}

int app_add_root(struct app *app, const char *path)
{
	const char *base = strrchr(path, '/');

	/* the file name: the list and the title bar have little room */
	app->gen++;
	return nsm_verifier_add_root_file(app->v, NULL, path,
					  base && base[1] ? base + 1 : path);
}

int app_nroots(const struct app *app)
{
	return (int)nsm_verifier_root_count(app->v);
}

const char *app_filter_name(const struct app *app)
{
	if (app->root_filter == ROOT_ALL)
		return "all roots";
	if (app->root_filter >= app_nroots(app))
		return "no trusted root";
	return nsm_verifier_root_name(app->v, (size_t)app->root_filter);
}

void app_free(struct app *app)
{
	for (int i = 0; i < app->ndocs; i++)
		doc_free(app->docs[i]);
	free(app->docs);
	free(app->vis);
	for (int i = 0; i < app->ndirs; i++)
		free(app->dirs[i]);
	free(app->dirs);
	nsm_verifier_free(&app->v);
	for (int i = 0; i < V_COUNT; i++)
		lines_free(&app->vs[i].lines);
	nsm_pcrset_free(&app->expected);
	canvas_free(&app->cv);
}

void app_add_doc(struct app *app, struct doc *d)
{
	if (app->ndocs == app->capdocs) {
		app->capdocs = app->capdocs ? app->capdocs * 2 : 64;
		app->docs = realloc(app->docs,
				    app->capdocs * sizeof(*app->docs));
		if (!app->docs)
			abort();
	}
	app->docs[app->ndocs++] = d;
}

/* ---- the root filter ---------------------------------------------------- */

/* Does the filter show document @i? With a filter, documents are verified
 * to know which root their chain ends in. */
static int shown(struct app *app, int i)
{
	struct doc *d = app->docs[i];

	if (app->root_filter == ROOT_ALL)
		return 1;
	app_verdict(app, d);
	if (app->root_filter >= app_nroots(app))
		return d->state != DOC_OK || d->verdict.root < 0;
	return d->state == DOC_OK && d->verdict.root == app->root_filter;
}

/* The list's rows: app->vis[pos] is the document at row @pos. */
void app_update_rows(struct app *app)
{
	if (app->vis_gen == app->gen && app->vis_filter == app->root_filter &&
	    app->vis_ndocs == app->ndocs)
		return;
	if (app->capvis < app->ndocs) {
		app->capvis = app->ndocs;
		app->vis = realloc(app->vis, app->capvis * sizeof(*app->vis));
		if (!app->vis)
			abort();
	}
	app->nvis = 0;
	for (int i = 0; i < app->ndocs; i++)
		if (shown(app, i))
			app->vis[app->nvis++] = i;
	app->vis_gen = app->gen;
	app->vis_filter = app->root_filter;
	app->vis_ndocs = app->ndocs;
}

/* The row of document @i, or -1 when the filter hides it. */
static int vis_pos(struct app *app, int i)
{
	app_update_rows(app);
	for (int p = 0; p < app->nvis; p++)
		if (app->vis[p] == i)
			return p;
	return -1;
}

int app_row(struct app *app)
{
	return vis_pos(app, app->cursor);
}

struct doc *app_doc(struct app *app)
{
	struct doc *d;

	if (app->cursor < 0 || app->cursor >= app->ndocs ||
	    (app->root_filter != ROOT_ALL && app_row(app) < 0))
		return NULL;
	d = app->docs[app->cursor];
	doc_load(d);
	return d;
}

int64_t app_now(struct app *app)
{
	struct timespec ts;

	if (app->now_pinned)
		return app->now_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void app_msg(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status, sizeof(app->status), fmt, ap);
	va_end(ap);
	app->status_error = 0;
}

void app_error(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status, sizeof(app->status), fmt, ap);
	va_end(ap);
	app->status_error = 1;
}

void app_prompt(struct app *app, const char *label, const char *initial,
		void (*done)(struct app *, void *, const char *), void *ctx)
{
	struct prompt *p = &app->prompt;

	p->active = 1;
	snprintf(p->label, sizeof(p->label), "%s", label);
	snprintf(p->buf, sizeof(p->buf), "%s", initial ? initial : "");
	p->len = (int)strlen(p->buf);
	p->done = done;
	p->ctx = ctx;
}

void app_resize(struct app *app, int cols, int lines)
{
	app->cols = cols;
	app->lines = lines;
	canvas_resize(&app->cv, cols, lines);
	layout_compute(cols, lines, app->zoom, &app->lo);
}

/* ---- verification ----------------------------------------------------- */

static int verify_doc(struct app *app, struct doc *d, struct nsm_result **r)
{
	struct nsm_verify_opts o;

	nsm_verify_opts_init(&o);
	if (app->doc_time) {
		o.time_policy = NSM_TIME_DOCUMENT;
	} else {
		/* "now", read from our clock so that --now pins it */
		o.time_policy = NSM_TIME_GIVEN;
		o.time_ms = app_now(app);
	}
	o.expected_pcrs = app->expected;
	return nsm_verify(r, &app->verify_err, app->v, d->nd, &o);
}

struct nsm_result *app_verify_new(struct app *app, struct doc *d)
{
	struct nsm_result *r = NULL;

	if (!d || d->state != DOC_OK || verify_doc(app, d, &r))
		return NULL;
	return r;
}

void app_verdict(struct app *app, struct doc *d)
{
	struct nsm_result *r = NULL;
	const struct nsm_check *c;

	doc_load(d);
	if (d->state != DOC_OK || d->verdict.gen == app->gen)
		return;
	d->verdict = (struct doc_verdict){ .gen = app->gen, .root = -1,
					   .root_name = "-" };
	if (verify_doc(app, d, &r)) {
		d->verdict.error = 1;
		snprintf(d->verdict.summary, sizeof(d->verdict.summary),
			 "%.95s", app->verify_err.message);
		return;
	}
	d->verdict.ok = nsm_result_ok(r);
	d->verdict.root = nsm_result_root(r);
	if (d->verdict.root >= 0)
		snprintf(d->verdict.root_name, sizeof(d->verdict.root_name),
			 "%s", nsm_result_root_name(r));
	c = nsm_result_first_failure(r);
	snprintf(d->verdict.summary, sizeof(d->verdict.summary), "%s",
		 c ? nsm_check_name(c->code) : "valid");
	nsm_result_free(&r);
}
