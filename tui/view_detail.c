// SPDX-License-Identifier: GPL-2.0
/*
 * Detail view: the document as a collapsible tree. Every line is tagged
 * with a node id; the hex view asks detail_span() where the node selected
 * here lies in the raw bytes.
 */
#include <ctype.h>
#include <string.h>

#include "app.h"
#include "helpers/pcr.h"
#include "detail.h"
#include "helpers/report.h"

#define LABEL_COL 22	/* values start here */

/* 0 = node's default, 1 = open, 2 = closed */
static int is_open(struct app *app, int id)
{
	if (id < 0 || id >= (int)sizeof(app->expanded))
		return 0;
	if (app->expanded[id])
		return app->expanded[id] == 1;
	return id == N_PCRS;
}

static void set_open(struct app *app, int id, int open)
{
	if (id >= 0 && id < (int)sizeof(app->expanded))
		app->expanded[id] = open ? 1 : 2;
}

/* A tree line: indent, [+]/[-] marker, label padded to the value column. */
static struct line *node(struct lines *ls, int id, int depth, int expandable,
			 int open, const char *label)
{
	struct line *l = lines_new(ls, id);

	l->node = expandable;
	line_pad(l, R_NORMAL, depth * 4);
	line_add(l, R_DIM, expandable ? (open ? "[-] " : "[+] ") : "    ");
	line_add(l, R_HEADER, label);
	line_add(l, R_NORMAL, " ");
	line_pad(l, R_NORMAL, LABEL_COL);
	return l;
}

static void printable(struct line *l, const uint8_t *b, size_t n, size_t max)
{
	line_add(l, R_DIM, "\"");
	for (size_t i = 0; i < n && i < max; i++) {
		char c = isprint(b[i]) ? (char)b[i] : '.';

		line_addn(l, R_NORMAL, &c, 1);
	}
	line_add(l, R_DIM, n > max ? "\"..." : "\"");
}

/* Classic hex dump rows: offset, 16 bytes, printable text. */
static void hexdump(struct lines *ls, int id, int depth, const uint8_t *b,
		    size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		struct line *l = lines_new(ls, id);

		line_pad(l, R_NORMAL, depth * 4 + 4);
		line_addf(l, R_DIM, "%04zx  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < n)
				line_addf(l, R_NORMAL, "%02x ", b[off + i]);
			else
				line_add(l, R_NORMAL, "   ");
		}
		line_add(l, R_DIM, "|");
		for (size_t i = 0; i < 16 && off + i < n; i++) {
			char c = isprint(b[off + i]) ? (char)b[off + i] : '.';

			line_addn(l, R_NORMAL, &c, 1);
		}
		line_add(l, R_DIM, "|");
	}
}

static void hexlines(struct lines *ls, int id, int depth, const uint8_t *b,
		     size_t n, size_t per)
{
	char hex[2 * 64 + 1];

	for (size_t off = 0; off < n; off += per) {
		struct line *l = lines_new(ls, id);
		size_t k = n - off < per ? n - off : per;

		hex_encode_trunc(hex, sizeof(hex), b + off, k);
		line_pad(l, R_NORMAL, depth * 4 + 4);
		line_add(l, R_NORMAL, hex);
	}
}

/* "valid, 2h13m left", "expired 310d02h ago", "not yet valid" */
static enum role validity(int64_t nb, int64_t na, int64_t at, char *buf,
			  size_t n)
{
	char d[32];

	if (at < nb) {
		fmt_duration((nb - at) / 1000, d, sizeof(d));
		snprintf(buf, n, "not yet valid (in %s)", d);
		return R_FAIL;
	}
	if (at > na) {
		fmt_duration((at - na) / 1000, d, sizeof(d));
		snprintf(buf, n, "expired %s ago", d);
		return R_FAIL;
	}
	fmt_duration((na - at) / 1000, d, sizeof(d));
	snprintf(buf, n, "valid, %s left", d);
	return R_PASS;
}

static void cert_node(struct app *app, struct doc *d, struct lines *ls,
		      const struct doc_cert *c, int slot, int id, int depth,
		      const char *label)
{
	int open = is_open(app, id);
	struct line *l = node(ls, id, depth, c->ok == 1, open, label);
	char buf[96], t1[32], t2[32];
	enum role role;

	if (c->ok != 1) {
		line_addf(l, R_FAIL, "not a certificate (%zu bytes)",
			  c->der_len);
		return;
	}
	role = validity(c->info.not_before_ms, c->info.not_after_ms,
			app_now(app), buf, sizeof(buf));
	line_add(l, role, buf);
	line_add(l, R_NORMAL, "  ");
	line_add(l, R_NORMAL, c->cn);
	if (!open)
		return;
	depth++;
	l = node(ls, CERT_FIELD(slot, 0), depth, 0, 0, "subject");
	line_add(l, R_NORMAL, c->info.subject);
	l = node(ls, CERT_FIELD(slot, 1), depth, 0, 0, "issuer");
	line_add(l, R_NORMAL, c->info.issuer);
	fmt_time_ms(c->info.not_before_ms, t1, sizeof(t1));
	fmt_time_ms(c->info.not_after_ms, t2, sizeof(t2));
	l = node(ls, CERT_FIELD(slot, 2), depth, 0, 0, "validity");
	line_addf(l, R_NORMAL, "%s .. %s", t1, t2);
	l = node(ls, CERT_FIELD(slot, 3), depth, 0, 0, "now");
	line_add(l, role, buf);
	if (d->has_timestamp) {
		l = node(ls, CERT_FIELD(slot, 4), depth, 0, 0, "doc time");
		role = validity(c->info.not_before_ms, c->info.not_after_ms,
				(int64_t)d->timestamp, buf, sizeof(buf));
		line_add(l, role, role == R_PASS ? "valid" : buf);
	}
	l = node(ls, CERT_FIELD(slot, 5), depth, 0, 0, "key");
	line_add(l, R_NORMAL, c->key);
	l = node(ls, CERT_FIELD(slot, 6), depth, 0, 0, "sha256");
	hex_encode_trunc(buf, sizeof(buf), c->info.sha256, sizeof(c->info.sha256));
	line_add(l, R_NORMAL, buf);
	l = node(ls, CERT_FIELD(slot, 7), depth, 0, 0, "type");
	if (c->info.is_ca && c->info.path_len >= 0)
		line_addf(l, R_NORMAL, "CA, pathlen %d", c->info.path_len);
	else
		line_add(l, R_NORMAL, c->info.is_ca ? "CA" : "not a CA (leaf)");
	l = node(ls, CERT_FIELD(slot, 8), depth, 0, 0, "size");
	line_addf(l, R_NORMAL, "%zu bytes DER", c->der_len);
}

static void bytes_node(struct app *app, struct lines *ls, int id,
		       const char *label, enum nsm_presence p,
		       const uint8_t *b, size_t n)
{
	int open = is_open(app, id);
	struct line *l = node(ls, id, 0, p == NSM_PRESENT && n, open, label);

	switch (p) {
	case NSM_ABSENT:
		line_add(l, R_DIM, "absent");
		return;
	case NSM_NULL:
		line_add(l, R_DIM, "null");
		return;
	case NSM_WRONG_TYPE:
		line_add(l, R_FAIL, "wrong CBOR type");
		return;
	case NSM_PRESENT:
		break;
	}
	line_addf(l, R_NORMAL, "%zu bytes  ", n);
	if (n)
		printable(l, b, n, 32);
	if (open)
		hexdump(ls, id, 1, b, n);
}

static int known_key(const char *k)
{
	static const char *const known[] = {
		"module_id", "digest", "timestamp", "pcrs", "certificate",
		"cabundle", "public_key", "user_data", "nonce",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(k, known[i]))
			return 1;
	return 0;
}

static void build_cose(struct app *app, struct doc *d, struct lines *ls)
{
	const uint8_t *b;
	size_t n, rawlen;
	int open = is_open(app, N_COSE);
	struct line *l = node(ls, N_COSE, 0, 1, open, "COSE_Sign1");
	char hex[64];

	nsm_doc_raw(d->nd, &rawlen);
	b = nsm_doc_protected(d->nd, &n);
	line_addf(l, R_NORMAL, "%s, %zu bytes, %s, payload map %s",
		  nsm_doc_is_tagged(d->nd) ? "tag 18" : "untagged", rawlen,
		  input_format_name(d->fmt),
		  nsm_doc_payload_indefinite(d->nd) ? "indefinite" : "definite");
	if (!open)
		return;
	l = node(ls, N_PROT, 1, 0, 0, "protected");
	if (b) {
		hex_encode_trunc(hex, sizeof(hex), b, n < 16 ? n : 16);
		line_addf(l, R_NORMAL, "%s%s", hex, n > 16 ? ".." : "");
		if (n == 4 && !memcmp(b, "\xa1\x01\x38\x22", 4))
			line_add(l, R_DIM, "  {1: -35} ES384");
	}
	l = node(ls, N_UNPROT, 1, 0, 0, "unprotected");
	line_add(l, R_DIM, "header map");
	b = nsm_doc_payload(d->nd, &n);
	l = node(ls, N_PAYLOAD, 1, 0, 0, "payload");
	line_addf(l, R_NORMAL, "%zu bytes, %zu keys", b ? n : 0,
		  nsm_doc_key_count(d->nd));
	b = nsm_doc_signature(d->nd, &n);
	l = node(ls, N_SIG, 1, b && n, is_open(app, N_SIG), "signature");
	line_addf(l, R_NORMAL, "%zu bytes (r || s)", b ? n : 0);
	if (b && is_open(app, N_SIG))
		hexlines(ls, N_SIG, 2, b, n, 24);
}

static void build_pcrs(struct app *app, struct doc *d, struct lines *ls)
{
	size_t count = nsm_doc_pcr_count(d->nd);
	int open = is_open(app, N_PCRS);
	struct line *l = node(ls, N_PCRS, 0, count > 0, open,
			      nsm_doc_is_nitrotpm(d->nd) ? "nitrotpm_pcrs" :
			      "pcrs");
	char hex[2 * NSM_PCR_MAX_LEN + 1];

	line_addf(l, R_NORMAL, "%zu PCRs", count);
	if (d->debug)
		line_add(l, R_WARN, "  debug mode (PCR0-2 zero)");
	if (!open)
		return;
	for (size_t i = 0; i < count && i < MAX_PCR_NODES; i++) {
		const uint8_t *v;
		size_t vlen;
		uint32_t idx;
		char label[16];
		int id = PCR_NODE(i), popen = is_open(app, id);

		if (nsm_doc_pcr_at(d->nd, i, &idx, &v, &vlen))
			break;
		if (idx == UINT32_MAX)
			snprintf(label, sizeof(label), "PCR?");
		else
			snprintf(label, sizeof(label), "PCR%u", idx);
		l = lines_new(ls, id);
		l->node = v != NULL;
		line_add(l, R_NORMAL, "    ");
		line_add(l, R_DIM, v ? (popen ? "[-] " : "[+] ") : "    ");
		line_addf(l, R_HEADER, "%-6s", label);
		line_addf(l, R_DIM, "%-16.16s ",
			  idx < 32 ? pcr_label_short(idx) : "");
		if (!v) {
			line_add(l, R_FAIL, "not a byte string");
			continue;
		}
		hex_encode_trunc(hex, sizeof(hex), v, vlen);
		line_add(l, R_NORMAL, hex);
		if (popen) {
			struct line *m = lines_new(ls, id);

			line_pad(m, R_NORMAL, 12);
			line_addf(m, R_DIM, "%s, %zu bytes%s",
				  idx < 32 ? doc_pcr_meaning(idx) : "bad index",
				  vlen, d->debug && idx <= 2 ? ", zero: debug enclave" : "");
			hexlines(ls, id, 2, v, vlen, 24);
		}
	}
}

void detail_build(struct app *app, struct doc *d, struct lines *ls)
{
	struct line *l;
	const uint8_t *b;
	size_t n;
	char t[32];
	const char *dg;

	if (!d) {
		l = lines_new(ls, -1);
		line_add(l, R_DIM, "no document selected");
		return;
	}
	if (d->state != DOC_OK) {
		l = lines_new(ls, -1);
		line_add(l, R_FAIL, "cannot show ");
		line_add(l, R_FAIL, d->source);
		l = lines_new(ls, -1);
		line_add(l, R_NORMAL, d->err);
		return;
	}
	doc_load_certs(d);
	build_cose(app, d, ls);
	l = node(ls, N_MODULE, 0, 0, 0, "module_id");
	line_add(l, d->module_id[0] ? R_NORMAL : R_FAIL,
		 nsm_doc_module_id(d->nd) ? d->module_id : "missing");
	l = node(ls, N_DIGEST, 0, 0, 0, "digest");
	dg = nsm_doc_digest(d->nd);
	line_add(l, dg && !strcmp(dg, "SHA384") ? R_NORMAL : R_FAIL,
		 dg ? dg : "missing");
	l = node(ls, N_TS, 0, 0, 0, "timestamp");
	if (d->has_timestamp) {
		fmt_time_ms((int64_t)d->timestamp, t, sizeof(t));
		line_addf(l, R_NORMAL, "%s UTC  (%llu ms)", t,
			  (unsigned long long)d->timestamp);
	} else {
		line_add(l, R_FAIL, "missing");
	}
	build_pcrs(app, d, ls);
	cert_node(app, d, ls, &d->leaf, 0, N_CERT, 0, "certificate");
	l = node(ls, N_CAB, 0, d->ncab > 0, is_open(app, N_CAB), "cabundle");
	line_addf(l, R_NORMAL, "%zu certificates, root first", d->ncab);
	if (is_open(app, N_CAB))
		for (size_t i = 0; i < d->ncab && i < MAX_CAB_NODES; i++) {
			char label[16];

			snprintf(label, sizeof(label), "[%zu]", i);
			cert_node(app, d, ls, &d->cab[i], 1 + (int)i,
				  CAB_NODE(i), 1, label);
		}
	{
		enum nsm_presence p = nsm_doc_public_key(d->nd, &b, &n);

		bytes_node(app, ls, N_PUBKEY, "public_key", p, b, n);
		p = nsm_doc_user_data(d->nd, &b, &n);
		bytes_node(app, ls, N_USER, "user_data", p, b, n);
		p = nsm_doc_nonce(d->nd, &b, &n);
		bytes_node(app, ls, N_NONCE, "nonce", p, b, n);
	}
	for (size_t i = 0, k = nsm_doc_key_count(d->nd);
	     i < k && i < MAX_OTHER_NODES; i++) {
		const char *name;
		struct nsm_span sp;

		if (nsm_doc_key_at(d->nd, i, &name, &sp) || known_key(name))
			continue;
		l = node(ls, OTHER_NODE(i), 0, 0, 0, name);
		line_addf(l, R_WARN, "unknown field, %zu bytes", sp.len);
	}
}

static void build(struct app *app, struct lines *ls)
{
	detail_build(app, app_doc(app), ls);
}

/* The node a child line belongs to (certificate fields -> certificate). */
static int parent_of(int id)
{
	if (id >= CERT_FIELD(0, 0)) {
		int slot = (id - CERT_FIELD(0, 0)) / 16;

		return slot == 0 ? N_CERT : CAB_NODE(slot - 1);
	}
	if (id >= CAB_NODE(0) && id < CAB_NODE(MAX_CAB_NODES))
		return N_CAB;
	if (id >= PCR_NODE(0) && id < PCR_NODE(MAX_PCR_NODES))
		return N_PCRS;
	if (id == N_PROT || id == N_UNPROT || id == N_PAYLOAD || id == N_SIG)
		return N_COSE;
	return -1;
}

static int expandable(struct viewstate *vs)
{
	if (vs->cursor < 0 || vs->cursor >= vs->lines.n)
		return 0;
	return vs->lines.v[vs->cursor].node;
}

static unsigned int key(struct app *app, enum action a)
{
	struct viewstate *vs = &app->vs[V_DETAIL];
	int id = lv_tag(vs);

	switch (a) {
	case A_ENTER:
		if (id < 0 || !expandable(vs))
			return RF_NONE;
		set_open(app, id, !is_open(app, id));
		return RF_VIEW;
	case A_EXPAND:
		if (id < 0 || !expandable(vs))
			return RF_NONE;
		set_open(app, id, 1);
		return RF_VIEW;
	case A_COLLAPSE:
		if (id >= 0 && expandable(vs) && is_open(app, id)) {
			set_open(app, id, 0);
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
		if (parent_of(id) >= 0) {
			lv_goto_tag(vs, parent_of(id));
			return RF_VIEW;
		}
		return RF_UNHANDLED;
	case A_FIELD_NEXT:
		return detail_field_step(app, 1);
	case A_FIELD_PREV:
		return detail_field_step(app, -1);
	case A_EXPAND_ALL: {
		int any_closed = !is_open(app, N_COSE) || !is_open(app, N_CERT) ||
				 !is_open(app, N_CAB);

		for (int i = 0; i < (int)sizeof(app->expanded); i++)
			app->expanded[i] = any_closed ? 1 : 2;
		app->expanded[N_PCRS] = 1;
		return RF_VIEW;
	}
	default:
		return RF_UNHANDLED;
	}
}

void detail_json(struct doc *d)
{
	if (!d)
		report_error(NULL, "no document");
	else if (d->state != DOC_OK)
		report_error(d->source, d->err);
	else
		report_document(d->source, d->fmt, d->nd);
}

static void json(struct app *app)
{
	detail_json(app_doc(app));
}

const struct view_ops view_detail = {
	.name = "detail",
	.hint = "Enter/l/h:open/close  o:all  x:hex of field",
	.build = build,
	.key = key,
	.json = json,
};
