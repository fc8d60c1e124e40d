// SPDX-License-Identifier: GPL-2.0
/*
 * Hex view: the raw document with the field selected in the detail tree
 * highlighted. [ and ] walk the fields without leaving the view. Offsets
 * come from libnsm (nsm_doc_*_span), which records them while parsing.
 */
#include <ctype.h>
#include <string.h>

#include "app.h"
#include "detail.h"

static void span_of(struct nsm_span *s, size_t *off, size_t *len)
{
	*off = s->key_off;
	*len = s->off + s->len - s->key_off;
}

static int field_span(struct doc *d, enum nsm_field f, size_t *off,
		      size_t *len)
{
	struct nsm_span s;

	if (nsm_doc_field_span(d->nd, f, &s))
		return -1;
	span_of(&s, off, len);
	return 0;
}

int detail_span(struct doc *d, int id, size_t *off, size_t *len,
		char *name, size_t cap)
{
	static const struct {
		int id;
		enum nsm_field f;
	} fields[] = {
		{ N_PROT, NSM_FIELD_COSE_PROTECTED },
		{ N_UNPROT, NSM_FIELD_COSE_UNPROTECTED },
		{ N_PAYLOAD, NSM_FIELD_COSE_PAYLOAD },
		{ N_SIG, NSM_FIELD_COSE_SIGNATURE },
		{ N_MODULE, NSM_FIELD_MODULE_ID },
		{ N_DIGEST, NSM_FIELD_DIGEST },
		{ N_TS, NSM_FIELD_TIMESTAMP },
		{ N_PCRS, NSM_FIELD_PCRS },
		{ N_CERT, NSM_FIELD_CERTIFICATE },
		{ N_CAB, NSM_FIELD_CABUNDLE },
		{ N_PUBKEY, NSM_FIELD_PUBLIC_KEY },
		{ N_USER, NSM_FIELD_USER_DATA },
		{ N_NONCE, NSM_FIELD_NONCE },
	};
	struct nsm_span s;
	const char *kname;
	uint32_t idx;
	const uint8_t *v;
	size_t vl;

	if (!d || d->state != DOC_OK)
		return -1;
	if (id >= CERT_FIELD(0, 0)) {
		int slot = (id - CERT_FIELD(0, 0)) / 16;

		id = slot == 0 ? N_CERT : CAB_NODE(slot - 1);
	}
	if (id == N_COSE) {
		*off = 0;
		nsm_doc_raw(d->nd, len);
		snprintf(name, cap, "COSE_Sign1");
		return 0;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].id == id) {
			snprintf(name, cap, "%s", nsm_field_name(fields[i].f));
			return field_span(d, fields[i].f, off, len);
		}
	if (id >= PCR_NODE(0) && id < PCR_NODE(MAX_PCR_NODES)) {
		size_t i = (size_t)(id - PCR_NODE(0));

		if (nsm_doc_pcr_span(d->nd, i, &s) ||
		    nsm_doc_pcr_at(d->nd, i, &idx, &v, &vl))
			return -1;
		snprintf(name, cap, "pcrs / PCR%u", idx);
		span_of(&s, off, len);
		return 0;
	}
	if (id >= CAB_NODE(0) && id < CAB_NODE(MAX_CAB_NODES)) {
		size_t i = (size_t)(id - CAB_NODE(0));

		if (nsm_doc_cabundle_span(d->nd, i, &s))
			return -1;
		snprintf(name, cap, "cabundle[%zu]", i);
		span_of(&s, off, len);
		return 0;
	}
	if (id >= OTHER_NODE(0) && id < OTHER_NODE(MAX_OTHER_NODES)) {
		if (nsm_doc_key_at(d->nd, (size_t)(id - OTHER_NODE(0)), &kname,
				   &s))
			return -1;
		snprintf(name, cap, "%s", kname);
		span_of(&s, off, len);
		return 0;
	}
	return -1;
}

#define HEADER_LINES 2

static void build(struct app *app, struct lines *ls)
{
	struct viewstate *dvs = &app->vs[V_DETAIL];
	struct doc *d = app_doc(app);
	const uint8_t *raw;
	size_t len, off = 0, flen = 0;
	char name[64] = "";
	struct line *l;
	int id, have;

	if (!d || d->state != DOC_OK) {
		l = lines_new(ls, -1);
		line_add(l, R_DIM, d ? d->err : "no document selected");
		return;
	}
	/* the detail tree decides which field is selected */
	lines_clear(&dvs->lines);
	detail_build(app, d, &dvs->lines);
	if (dvs->cursor >= dvs->lines.n)
		dvs->cursor = dvs->lines.n - 1;
	id = lv_tag(dvs);
	have = detail_span(d, id, &off, &flen, name, sizeof(name)) == 0;
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
	if (have && id != app->hex_field) {
		app->hex_field = id;
		app->vs[V_HEX].cursor = HEADER_LINES + (int)(off / 16);
		app->vs[V_HEX].top = app->vs[V_HEX].cursor > 2 ?
				     app->vs[V_HEX].cursor - 2 : 0;
	}
}

/* Move the detail cursor to the previous/next line that has bytes. */
unsigned int detail_field_step(struct app *app, int dir)
{
	struct viewstate *dvs = &app->vs[V_DETAIL];
	struct doc *d = app_doc(app);
	int cur = lv_tag(dvs);
	size_t off, len;
	char name[64];

	for (int i = dvs->cursor + dir; i >= 0 && i < dvs->lines.n; i += dir) {
		int t = dvs->lines.v[i].tag;

		if (t != cur && t >= 0 &&
		    detail_span(d, t, &off, &len, name, sizeof(name)) == 0) {
			/* land on the node's own line, not its hex rows */
			while (i - 1 >= 0 && dvs->lines.v[i - 1].tag == t)
				i--;
			dvs->cursor = i;
			return RF_VIEW;
		}
	}
	return RF_NONE;
}

static unsigned int key(struct app *app, enum action a)
{
	switch (a) {
	case A_FIELD_NEXT:
		return detail_field_step(app, 1);
	case A_FIELD_PREV:
		return detail_field_step(app, -1);
	default:
		return RF_UNHANDLED;
	}
}

static void json(struct app *app)
{
	detail_json(app_doc(app));
}

const struct view_ops view_hex = {
	.name = "hex",
	.hint = "[ ]:previous/next field  d:tree",
	.build = build,
	.key = key,
	.json = json,
};
