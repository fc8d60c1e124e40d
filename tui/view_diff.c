// SPDX-License-Identifier: GPL-2.0
/*
 * PCR diff: the marked documents side by side (A, B, ...) and, with
 * --expected, the expected measurements (E). Changed PCRs are highlighted
 * and labelled with what they measure ("PCR0 image differs"); runs of
 * unchanged PCRs collapse to one line (o shows them).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "helpers/pcr.h"
#include "helpers/print.h"
#include "helpers/report.h"

#define MAX_COLS 8

/* what the user opened */
struct diff {
	unsigned char open[32];	/* rows expanded to full values */
	int all;		/* show unchanged rows too */
};

struct col {
	char letter;
	const char *name;
	struct doc *d;		/* NULL: the expected set */
};

struct row {
	const uint8_t *v[MAX_COLS];
	size_t len[MAX_COLS];
	int present;		/* in at least one column */
	int differs;
};

/* The columns; *left receives how many marked documents have none. */
static int columns(struct app *app, struct col *c, int *left)
{
	int n = 0;

	*left = 0;
	for (int i = 0; i < app->ndocs; i++) {
		struct doc *d = app->docs[i];

		if (!d->marked)
			continue;
		doc_load(d);
		if (d->state != DOC_OK || n == MAX_COLS - 1) {
			(*left)++;
			continue;
		}
		/* E stays for the expected measurements */
		c[n] = (struct col){ "ABCDFGH"[n], d->source, d };
		n++;
	}
	if (n == 0 && app->expected) {
		struct doc *d = app_doc(app);

		if (d && d->state == DOC_OK)
			c[n++] = (struct col){ 'A', d->source, d };
	}
	if (app->expected)
		c[n++] = (struct col){ 'E', app->expected_name, NULL };
	return n;
}

/*
 * Expected measurements usually name a few PCRs (nitro-cli gives 0, 1, 2
 * and 8): a PCR the expected set leaves out constrains nothing, so it is
 * neither "missing" nor a difference.
 */
static int counts(const struct col *c, const struct row *r, int k)
{
	return c[k].d || r->v[k];
}

static void compute(struct app *app, const struct col *c, int n,
		    struct row rows[32])
{
	for (uint32_t i = 0; i < 32; i++) {
		struct row *r = &rows[i];
		int first = -1;

		memset(r, 0, sizeof(*r));
		for (int k = 0; k < n; k++) {
			r->v[k] = c[k].d ? nsm_doc_pcr(c[k].d->nd, i, &r->len[k]) :
				  nsm_pcrset_get(app->expected, i, &r->len[k]);
			if (r->v[k])
				r->present = 1;
		}
		for (int k = 0; k < n; k++) {
			if (!counts(c, r, k))
				continue;
			if (first < 0) {
				first = k;
				continue;
			}
			if (!r->v[k] != !r->v[first] ||
			    (r->v[k] && (r->len[k] != r->len[first] ||
					 memcmp(r->v[k], r->v[first],
						r->len[first]))))
				r->differs = 1;
		}
	}
}

/* The expected column exists and says nothing about this PCR. */
static int unconstrained(const struct col *c, int n, const struct row *r)
{
	return n && !c[n - 1].d && !r->v[n - 1];
}

static void label(const struct row *r, const struct col *c, int n,
		  uint32_t i, char *buf, size_t cap)
{
	char missing[MAX_COLS + 1];
	int m = 0;

	for (int k = 0; k < n; k++)
		if (!r->v[k] && counts(c, r, k))
			missing[m++] = c[k].letter;
	missing[m] = 0;
	if (m)
		snprintf(buf, cap, "PCR%u missing in %s", i, missing);
	else if (pcr_label_short(i)[0])
		snprintf(buf, cap, "PCR%u %s differs", i, pcr_label_short(i));
	else
		snprintf(buf, cap, "PCR%u differs", i);
}

static void build(struct app *app, void *priv, struct lines *ls)
{
	struct diff *df = priv;
	struct col c[MAX_COLS];
	struct row rows[32];
	int left, n = columns(app, c, &left), changed = 0, cellw;
	int w = app->lo.view.w;
	struct line *l;
	char hex[2 * NSM_PCR_MAX_LEN + 1], buf[64];

	if (n < 2) {
		l = lines_new(ls, -1);
		line_add(l, R_DIM, "Nothing to compare. Mark two or more documents "
			 "with m or Space (M marks all),");
		l = lines_new(ls, -1);
		line_add(l, R_DIM, "or start nsm-tui with --expected FILE to "
			 "compare with expected measurements.");
		return;
	}
	compute(app, c, n, rows);
	for (int k = 0; k < n; k++) {
		l = lines_new(ls, -1);
		l->selectable = 0;
		line_addf(l, R_HEADER, "%c ", c[k].letter);
		if (c[k].d) {
			char t[32];

			fmt_time_ms((int64_t)c[k].d->timestamp, t, sizeof(t));
			line_addf(l, R_NORMAL, "%s  %s  ", t, c[k].d->module_id);
			line_add(l, R_DIM, c[k].name);
		} else {
			line_add(l, R_NORMAL, "expected measurements  ");
			line_add(l, R_DIM, c[k].name);
		}
	}
	if (left) {
		l = lines_new(ls, -1);
		l->selectable = 0;
		line_addf(l, R_WARN, "%d marked document%s not compared (not a "
			  "document, or more than %d)", left, left == 1 ? "" : "s",
			  MAX_COLS - 1);
	}
	for (int i = 0; i < 32; i++)
		changed += rows[i].differs;
	l = lines_new(ls, -1);
	l->selectable = 0;
	if (changed)
		line_addf(l, R_FAIL, "%d PCR%s differ%s", changed,
			  changed == 1 ? "" : "s", changed == 1 ? "s" : "");
	else
		line_add(l, R_PASS, "all PCRs identical");
	cellw = (w - 32) / n - 1;
	if (cellw > 16)
		cellw = 16;
	if (cellw < 4)
		cellw = 4;
	l = lines_new(ls, -1);
	l->selectable = 0;
	line_addf(l, R_HEADER, "%-32s", "PCR   change");
	for (int k = 0; k < n; k++)
		line_addf(l, R_HEADER, "%-*c ", cellw, c[k].letter);
	ls->sticky = ls->n;
	for (int i = 0; i < 32; i++) {
		struct row *r = &rows[i];

		if (!r->present)
			continue;
		if (!r->differs && !df->all) {
			/*
			 * Collapse a run of unchanged PCRs into one line; PCRs
			 * the expected set does not name get their own runs.
			 */
			int j = i, free_ = unconstrained(c, n, r);
			const char *what = free_ ? "not in the expected set" :
					   "unchanged";

			while (j + 1 < 32 && rows[j + 1].present &&
			       !rows[j + 1].differs &&
			       unconstrained(c, n, &rows[j + 1]) == free_)
				j++;
			l = lines_new(ls, 100 + i);
			if (j > i)
				line_addf(l, R_DIM, "PCR%d-%d  %s (%d)", i, j, what,
					  j - i + 1);
			else
				line_addf(l, R_DIM, "PCR%d  %s", i, what);
			i = j;
			continue;
		}
		l = lines_new(ls, i);
		if (r->differs)
			label(r, c, n, (uint32_t)i, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "PCR%d %s", i,
				 pcr_label_short((unsigned)i));
		line_addf(l, r->differs ? R_CHANGED : R_NORMAL, "%-31.31s", buf);
		line_add(l, R_NORMAL, " ");
		for (int k = 0; k < n; k++) {
			int same = r->v[k] && r->v[0] && r->len[k] == r->len[0] &&
				   !memcmp(r->v[k], r->v[0], r->len[0]);

			if (r->v[k])
				hex_encode_trunc(hex, sizeof(hex), r->v[k], r->len[k]);
			else
				snprintf(hex, sizeof(hex), "-");
			line_addf(l, k && !same ? R_CHANGED : R_NORMAL, "%-*.*s",
				  cellw, cellw, hex);
			line_add(l, R_NORMAL, " ");
		}
		if (df->open[i])
			for (int k = 0; k < n; k++) {
				size_t half;

				if (!r->v[k])
					continue;
				hex_encode_trunc(hex, sizeof(hex), r->v[k], r->len[k]);
				half = strlen(hex) / 2;
				l = lines_new(ls, i);
				line_addf(l, R_HEADER, "    %c ", c[k].letter);
				line_addn(l, R_NORMAL, hex, half);
				l = lines_new(ls, i);
				line_add(l, R_NORMAL, "      ");
				line_add(l, R_NORMAL, hex + half);
			}
	}
}

static unsigned int key(struct app *app, void *priv, enum action a)
{
	struct diff *df = priv;
	int tag = lv_tag(&app->vs[V_DIFF]);

	switch (a) {
	case A_ENTER:
	case A_EXPAND:
	case A_COLLAPSE:
		if (tag >= 100) {
			df->all = a != A_COLLAPSE;
			return RF_VIEW;
		}
		if (tag >= 0 && tag < 32) {
			df->open[tag] = a == A_ENTER ? !df->open[tag] :
					a == A_EXPAND;
			return RF_VIEW;
		}
		return RF_UNHANDLED;
	case A_EXPAND_ALL:
		df->all = !df->all;
		return RF_VIEW;
	default:
		return RF_UNHANDLED;
	}
}

/* The comparison the view shows, as nsmctl diff --all --json writes it. */
static void json(struct app *app, void *priv)
{
	struct col c[MAX_COLS];
	struct report_input in[MAX_COLS];
	struct nsm_pcrset *sets[MAX_COLS] = { NULL };
	int left, n = columns(app, c, &left);

	(void)priv;
	for (int k = 0; k < n; k++) {
		in[k] = (struct report_input){ .label = { c[k].letter },
					       .name = c[k].name,
					       .expected = !c[k].d };
		if (c[k].d && nsm_pcrset_from_doc(&sets[k], c[k].d->nd))
			abort();
		in[k].set = c[k].d ? sets[k] : app->expected;
	}
	if (n)
		report_diff(in, n, true);
	for (int k = 0; k < n; k++)
		nsm_pcrset_free(&sets[k]);
}

const struct view_ops view_diff = {
	.name = "diff",
	.hint = "m:mark  Enter:full values  o:show unchanged",
	.private_size = sizeof(struct diff),
	.build = build,
	.key = key,
	.json = json,
};
