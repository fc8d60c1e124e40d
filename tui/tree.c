// SPDX-License-Identifier: GPL-2.0
/*
 * The document tree (see tree.h): its lines, its nodes' parents and the
 * bytes each node covers. Curses-free and view-free: the detail view
 * draws these lines, the hex view highlights a node's bytes.
 */
#include <ctype.h>
#include <string.h>

#include "helpers/hex.h"
#include "helpers/pcr.h"
#include "tree.h"

#define LABEL_COL 22	/* values start here */

void tree_init(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	t->selected = -1;
}

/* open[] holds 0 for a node's default, 1 open, 2 closed */
int tree_is_open(const struct tree *t, int id)
{
	if (id < 0 || id >= (int)sizeof(t->open))
		return 0;
	if (t->open[id])
		return t->open[id] == 1;
	return id == N_PCRS;
}

void tree_set_open(struct tree *t, int id, int open)
{
	if (id >= 0 && id < (int)sizeof(t->open))
		t->open[id] = open ? 1 : 2;
}

void tree_open_all(struct tree *t)
{
	int any_closed = !tree_is_open(t, N_COSE) || !tree_is_open(t, N_CERT) ||
			 !tree_is_open(t, N_CAB);

	memset(t->open, any_closed ? 1 : 2, sizeof(t->open));
	t->open[N_PCRS] = 1;
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

static void cert_node(const struct tree *t, int64_t now, struct doc *d,
		      struct lines *ls,
		      const struct doc_cert *c, int slot, int id, int depth,
		      const char *label)
{
	int open = tree_is_open(t, id);
	struct line *l = node(ls, id, depth, c->ok == 1, open, label);
	char buf[96], t1[32], t2[32];
	enum role role;

	if (c->ok != 1) {
		line_addf(l, R_FAIL, "not a certificate (%zu bytes)",
			  c->der_len);
		return;
	}
	role = validity(c->info.not_before_ms, c->info.not_after_ms,
			now, buf, sizeof(buf));
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

static void bytes_node(const struct tree *t, struct lines *ls, int id,
		       const char *label, enum nsm_presence p,
		       const uint8_t *b, size_t n)
{
	int open = tree_is_open(t, id);
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

static void build_cose(const struct tree *t, struct doc *d, struct lines *ls)
{
	const uint8_t *b;
	size_t n, rawlen;
	int open = tree_is_open(t, N_COSE);
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
	l = node(ls, N_SIG, 1, b && n, tree_is_open(t, N_SIG), "signature");
	line_addf(l, R_NORMAL, "%zu bytes (r || s)", b ? n : 0);
	if (b && tree_is_open(t, N_SIG))
		hexlines(ls, N_SIG, 2, b, n, 24);
}

static void build_pcrs(const struct tree *t, struct doc *d, struct lines *ls)
{
	size_t count = nsm_doc_pcr_count(d->nd);
	int open = tree_is_open(t, N_PCRS);
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
		int id = PCR_NODE(i), popen = tree_is_open(t, id);

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

void tree_lines(const struct tree *t, struct doc *d, int64_t now,
		struct lines *ls)
{
	struct line *l;
	const uint8_t *b;
	size_t n;
	char ts[32];
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
	build_cose(t, d, ls);
	l = node(ls, N_MODULE, 0, 0, 0, "module_id");
	line_add(l, d->module_id[0] ? R_NORMAL : R_FAIL,
		 nsm_doc_module_id(d->nd) ? d->module_id : "missing");
	l = node(ls, N_DIGEST, 0, 0, 0, "digest");
	dg = nsm_doc_digest(d->nd);
	line_add(l, dg && !strcmp(dg, "SHA384") ? R_NORMAL : R_FAIL,
		 dg ? dg : "missing");
	l = node(ls, N_TS, 0, 0, 0, "timestamp");
	if (d->has_timestamp) {
		fmt_time_ms((int64_t)d->timestamp, ts, sizeof(ts));
		line_addf(l, R_NORMAL, "%s UTC  (%llu ms)", ts,
			  (unsigned long long)d->timestamp);
	} else {
		line_add(l, R_FAIL, "missing");
	}
	build_pcrs(t, d, ls);
	cert_node(t, now, d, ls, &d->leaf, 0, N_CERT, 0, "certificate");
	l = node(ls, N_CAB, 0, d->ncab > 0, tree_is_open(t, N_CAB), "cabundle");
	line_addf(l, R_NORMAL, "%zu certificates, root first", d->ncab);
	if (tree_is_open(t, N_CAB))
		for (size_t i = 0; i < d->ncab && i < MAX_CAB_NODES; i++) {
			char label[16];

			snprintf(label, sizeof(label), "[%zu]", i);
			cert_node(t, now, d, ls, &d->cab[i], 1 + (int)i,
				  CAB_NODE(i), 1, label);
		}
	{
		enum nsm_presence p = nsm_doc_public_key(d->nd, &b, &n);

		bytes_node(t, ls, N_PUBKEY, "public_key", p, b, n);
		p = nsm_doc_user_data(d->nd, &b, &n);
		bytes_node(t, ls, N_USER, "user_data", p, b, n);
		p = nsm_doc_nonce(d->nd, &b, &n);
		bytes_node(t, ls, N_NONCE, "nonce", p, b, n);
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

/* The node a child line belongs to (certificate fields -> certificate). */
int tree_parent(int id)
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

int tree_span(struct doc *d, int id, size_t *off, size_t *len,
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

int tree_step(const struct lines *ls, int cur, int dir, struct doc *d)
{
	int tag = cur >= 0 && cur < ls->n ? ls->v[cur].tag : -1;
	size_t off, len;
	char name[64];

	for (int i = cur + dir; i >= 0 && i < ls->n; i += dir) {
		int t = ls->v[i].tag;

		if (t != tag && t >= 0 &&
		    tree_span(d, t, &off, &len, name, sizeof(name)) == 0) {
			/* land on the node's own line, not its hex rows */
			while (i - 1 >= 0 && ls->v[i - 1].tag == t)
				i--;
			return i;
		}
	}
	return -1;
}
