// SPDX-License-Identifier: GPL-2.0
/*
 * Verification view: libnsm's checks for the selected document, grouped
 * by step, each with its pass/fail/skip and the library's reason. The time
 * policy (t) is switched, and the list filtered by root (r), from here or
 * anywhere.
 */
#include <string.h>

#include "view.h"
#include "helpers/print.h"
#include "helpers/report.h"

static enum role status_role(enum nsm_check_status s)
{
	return s == NSM_CHECK_PASS ? R_PASS : s == NSM_CHECK_FAIL ? R_FAIL :
	       R_DIM;
}

static const char *status_tag(enum nsm_check_status s)
{
	return s == NSM_CHECK_PASS ? "[PASS]" : s == NSM_CHECK_FAIL ?
	       "[FAIL]" : "[skip]";
}

#define MSG_COL 32	/* messages start here */

/* Word-wrap @msg into @width columns; continuation lines are indented. */
static void wrap(struct lines *ls, struct line *l, enum role role,
		 const char *msg, int width, int tag)
{
	size_t len = strlen(msg);

	if (width < 20)
		width = 20;
	while (len > (size_t)width) {
		int cut = width;

		while (cut > width / 2 && msg[cut] != ' ')
			cut--;
		if (msg[cut] != ' ')
			cut = width;
		line_addn(l, role, msg, (size_t)cut);
		msg += cut;
		len -= (size_t)cut;
		while (*msg == ' ') {
			msg++;
			len--;
		}
		l = lines_new(ls, tag);
		line_pad(l, R_NORMAL, MSG_COL);
	}
	line_add(l, role, msg);
}

/* The full result of the selected document, kept while the document and
 * the policy stay the same (a "now" result is never reused: now moves). */
struct verify {
	struct nsm_result *result;
	const struct doc *doc;
	unsigned int gen;
};

static const struct nsm_result *verify(struct app *app, struct verify *v,
				       struct doc *d)
{
	if (!d || d->state != DOC_OK)
		return NULL;
	if (v->result && v->doc == d && v->gen == app->gen && app->doc_time)
		return v->result;
	nsm_result_free(&v->result);
	v->result = app_verify_new(app, d);
	v->doc = d;
	v->gen = app->gen;
	return v->result;
}

static void build(struct app *app, void *priv, struct lines *ls)
{
	struct doc *d = app_doc(app);
	const struct nsm_result *r;
	struct line *l;
	char t[32], fp[2 * NSM_SHA256_LEN + 1];
	uint8_t root[NSM_SHA256_LEN];
	int step = -1;

	if (!d || d->state != DOC_OK) {
		l = lines_new(ls, -1);
		line_add(l, R_FAIL, d ? "not a document: " : "no document");
		if (d)
			line_add(l, R_NORMAL, d->err);
		return;
	}
	r = verify(app, priv, d);
	if (!r) {
		l = lines_new(ls, -1);
		line_addf(l, R_FAIL, "verification could not run: %s",
			  app->verify_err.message);
		return;
	}
	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "verdict      ");
	line_add(l, nsm_result_ok(r) ? R_PASS : R_FAIL,
		 nsm_result_ok(r) ? "VALID" : "INVALID");
	if (!nsm_result_ok(r))
		line_addf(l, R_NORMAL, "  first failure: %s",
			  nsm_check_name(nsm_result_first_failure(r)->code));
	l = lines_new(ls, -1);
	fmt_time_ms(nsm_result_time_ms(r), t, sizeof(t));
	line_add(l, R_HEADER, "time policy  ");
	line_addf(l, R_NORMAL, "%s: %s UTC", app->doc_time ?
		  "document time" : "now", t);
	line_add(l, R_DIM, "   (t: switch)");
	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "trust root   ");
	if (nsm_result_root_name(r))
		line_add(l, R_PASS, nsm_result_root_name(r));
	else
		line_add(l, R_FAIL, "none of them");
	line_addf(l, R_DIM, "   (%d trusted%s)", app_nroots(app),
		  app_nroots(app) > 1 ? "; r: list by root" : "");
	if (nsm_result_root_sha256(r, root)) {
		hex_encode_trunc(fp, sizeof(fp), root, sizeof(root));
		l = lines_new(ls, -1);
		line_add(l, R_HEADER, "chain ends   ");
		line_addf(l, R_NORMAL, "sha256 %s", fp);
	}
	/* verdict, policy and root stay in sight while the checks scroll */
	for (int i = 0; i < ls->n; i++)
		ls->v[i].selectable = 0;
	ls->sticky = ls->n;
	for (size_t i = 0; i < nsm_result_count(r); i++) {
		const struct nsm_check *c = nsm_result_check(r, i);

		if ((int)c->step != step) {
			step = (int)c->step;
			l = lines_new(ls, -1);
			l->selectable = 0;
			l = lines_new(ls, -1);
			l->selectable = 0;
			line_add(l, R_HEADER, nsm_step_name(c->step));
		}
		l = lines_new(ls, (int)c->code);
		line_add(l, R_NORMAL, "  ");
		line_add(l, status_role(c->status), status_tag(c->status));
		line_addf(l, R_NORMAL, " %-22s ", nsm_check_name(c->code));
		wrap(ls, l, c->status == NSM_CHECK_FAIL ? R_FAIL : R_DIM,
		     c->message, app->lo.view.w - MSG_COL - 1, (int)c->code);
	}
}

/* The checklist, as nsmctl verify --json writes it. */
static void json(struct app *app, void *priv)
{
	struct doc *d = app_doc(app);
	const struct nsm_result *r = d ? verify(app, priv, d) : NULL;

	if (!r) {
		report_error(d ? d->source : NULL, d && d->state == DOC_ERROR ?
			     d->err : d ? app->verify_err.message :
			     "no document");
		return;
	}
	report_verification(d->source, d->fmt, app->doc_time ? "document" :
			    "now", r);
}

static void close_(void *priv)
{
	struct verify *v = priv;

	nsm_result_free(&v->result);
}

const struct view_ops view_verify = {
	.name = "verify",
	.hint = "t:time policy  r:list by root",
	.private_size = sizeof(struct verify),
	.per_doc = 1,
	.close = close_,
	.build = build,
	.key = NULL,
	.json = json,
};
