// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Strict, position-keeping CBOR reader (see cborp.h).
 *
 * Well-formedness follows RFC 8949 section 3 and appendix F: reserved
 * additional information 28..30 is refused, a break byte is only valid
 * inside an indefinite-length item, indefinite strings may only contain
 * definite chunks of their own major type, two-byte simple values below
 * 32 are refused. Nesting is bounded so that hostile input cannot exhaust
 * the stack.
 */
#include <stdlib.h>
#include <string.h>

#include "cborp.h"

#define CB_MAX_DEPTH	24
#define CB_MAX_NODES	(1u << 22)

struct cb_in {
	struct cb_tree *t;
	const uint8_t *buf;
	size_t len;
	size_t pos;
	size_t base;
};

void cb_tree_init(struct cb_tree *t)
{
	memset(t, 0, sizeof(*t));
}

void cb_tree_release(struct cb_tree *t)
{
	size_t i;

	for (i = 0; i < t->nbufs; i++)
		free(t->bufs[i]);
	free(t->bufs);
	free(t->n);
	memset(t, 0, sizeof(*t));
}

static enum cb_err fail(struct cb_in *in, size_t pos, const char *msg)
{
	in->t->err_off = in->base + pos;
	in->t->err_msg = msg;
	return CB_ERR_MALFORMED;
}

/*
 * Grow the node arena geometrically, but never past what the input can
 * still hold: every item takes at least one byte, so the item being read
 * and the (len - pos) bytes left need at most 1 + (len - pos) more nodes.
 * Memory therefore stays linear in the input, whatever its shape.
 */
static enum cb_err new_node(struct cb_in *in, uint32_t *idx)
{
	struct cb_tree *t = in->t;

	if (t->count == 0)
		t->count = 1;	/* index 0 is CB_NONE */
	if (t->count >= t->cap) {
		size_t cap = t->cap ? (size_t)t->cap * 2 : 64;
		size_t need = (size_t)t->count + 1 + (in->len - in->pos);
		struct cb_node *n;

		if (cap > need)
			cap = need;
		if (cap > CB_MAX_NODES)
			return CB_ERR_NOMEM;
		n = realloc(t->n, cap * sizeof(*n));
		if (!n)
			return CB_ERR_NOMEM;
		t->n = n;
		t->cap = (uint32_t)cap;
	}
	*idx = t->count++;
	memset(&t->n[*idx], 0, sizeof(t->n[*idx]));
	return CB_OK;
}

/* Read an item header. *ai receives the additional information; *arg the
 * argument (length, value) unless ai == 31 (indefinite / break). */
static enum cb_err read_head(struct cb_in *in, uint8_t *major, uint8_t *ai,
			     uint64_t *arg)
{
	size_t start = in->pos;
	unsigned int n, i;
	uint64_t v = 0;
	uint8_t b;

	if (in->pos >= in->len)
		return fail(in, start, "truncated: item expected");
	b = in->buf[in->pos++];
	*major = b >> 5;
	*ai = b & 0x1f;
	if (*ai < 24) {
		*arg = *ai;
		return CB_OK;
	}
	if (*ai == 31) {
		if (*major == CB_UINT || *major == CB_NINT || *major == CB_TAG)
			return fail(in, start, "indefinite length on a type that has none");
		*arg = 0;
		return CB_OK;
	}
	if (*ai > 27)
		return fail(in, start, "reserved additional information");
	n = 1u << (*ai - 24);
	if (in->len - in->pos < n)
		return fail(in, start, "truncated: item argument");
	for (i = 0; i < n; i++)
		v = (v << 8) | in->buf[in->pos++];
	*arg = v;
	return CB_OK;
}

static enum cb_err parse_item(struct cb_in *in, unsigned int depth,
			      uint32_t *out, bool *is_break);

static int key_cmp(const struct cb_tree *t, uint32_t a, uint32_t b)
{
	const struct cb_node *x = &t->n[a], *y = &t->n[b];

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	switch (x->major) {
	case CB_UINT:
	case CB_NINT:
		return x->val == y->val ? 0 : (x->val < y->val ? -1 : 1);
	case CB_BYTES:
	case CB_TEXT:
		if (x->dlen != y->dlen)
			return x->dlen < y->dlen ? -1 : 1;
		return x->dlen ? memcmp(x->data, y->data, x->dlen) : 0;
	case CB_SIMPLE:
		if (x->val != CB_FLOAT_VAL || y->val != CB_FLOAT_VAL)
			return x->val == y->val ? 0 : (x->val < y->val ? -1 : 1);
		/* floats compare by encoding */
		__attribute__((fallthrough));
	default:
		/* arrays, maps, tags, floats: by encoded bytes (conservative:
		 * equal encodings are duplicates) */
		if (x->len != y->len)
			return x->len < y->len ? -1 : 1;
		return 0;	/* refined by the caller with the raw bytes */
	}
}

struct key_sort {
	const struct cb_tree *t;
	const uint8_t *raw;	/* buffer whose base offset is @base */
	size_t base;
};

static _Thread_local struct key_sort *sort_ctx;

static int key_qcmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct cb_tree *t = sort_ctx->t;
	int c = key_cmp(t, a, b);
	const struct cb_node *x = &t->n[a], *y = &t->n[b];

	if (c || x->major == CB_UINT || x->major == CB_NINT ||
	    x->major == CB_BYTES || x->major == CB_TEXT ||
	    (x->major == CB_SIMPLE && x->val != CB_FLOAT_VAL))
		return c;
	return memcmp(sort_ctx->raw + (x->off - sort_ctx->base),
		      sort_ctx->raw + (y->off - sort_ctx->base), x->len);
}

/* Refuse maps with two equal keys. Sorting keeps this O(n log n). */
static enum cb_err check_dup_keys(struct cb_in *in, uint32_t map)
{
	struct cb_tree *t = in->t;
	struct key_sort ctx = { t, in->buf, in->base };
	uint32_t *keys, k, n = 0, i;
	enum cb_err err = CB_OK;

	if (t->n[map].val < 2)
		return CB_OK;
	keys = malloc(t->n[map].val * sizeof(*keys));
	if (!keys)
		return CB_ERR_NOMEM;
	for (k = t->n[map].first; k != CB_NONE; k = t->n[t->n[k].next].next)
		keys[n++] = k;
	/* qsort has no context argument in C11: pass it thread-locally */
	sort_ctx = &ctx;
	qsort(keys, n, sizeof(*keys), key_qcmp);
	for (i = 1; i < n; i++) {
		if (key_qcmp(&keys[i - 1], &keys[i]) == 0) {
			uint32_t later = keys[i] > keys[i - 1] ? keys[i] : keys[i - 1];

			t->err_off = t->n[later].off;
			t->err_msg = "duplicate map key";
			err = CB_ERR_DUPKEY;
			break;
		}
	}
	sort_ctx = NULL;
	free(keys);
	return err;
}

static enum cb_err parse_string(struct cb_in *in, uint32_t idx, uint8_t major,
				uint8_t ai, uint64_t arg)
{
	struct cb_tree *t = in->t;
	struct cb_node *n = &t->n[idx];
	size_t start = in->pos;
	uint8_t *cat = NULL, **bufs;
	size_t total = 0, cap = 0;

	if (ai != 31) {
		if (arg > in->len - in->pos)
			return fail(in, n->off - in->base, "truncated: string content");
		n->data = in->buf + in->pos;
		n->data_off = in->base + in->pos;
		n->dlen = (size_t)arg;
		n->data_span = (size_t)arg;
		in->pos += (size_t)arg;
		return CB_OK;
	}
	/*
	 * indefinite: definite chunks of the same type until a break. The
	 * concatenation grows geometrically (never past the bytes the chunks
	 * can still hold), so many small chunks cost linear time and memory.
	 */
	n->indef = true;
	for (;;) {
		uint8_t cm, cai;
		uint64_t clen;
		size_t cpos = in->pos;
		uint8_t *tmp;

		if (in->pos < in->len && in->buf[in->pos] == 0xff) {
			in->pos++;
			break;
		}
		if (read_head(in, &cm, &cai, &clen))
			goto malformed;
		if (cm != major || cai == 31) {
			fail(in, cpos, "bad chunk in an indefinite-length string");
			goto malformed;
		}
		if (clen > in->len - in->pos) {
			fail(in, cpos, "truncated: string chunk");
			goto malformed;
		}
		if (clen && total + (size_t)clen > cap) {
			size_t ncap = cap ? cap * 2 : 64;
			size_t most = total + (in->len - in->pos);

			if (ncap < total + (size_t)clen)
				ncap = total + (size_t)clen;
			if (ncap > most)
				ncap = most;
			tmp = realloc(cat, ncap);
			if (!tmp) {
				free(cat);
				return CB_ERR_NOMEM;
			}
			cat = tmp;
			cap = ncap;
		}
		if (clen) {
			memcpy(cat + total, in->buf + in->pos, (size_t)clen);
			total += (size_t)clen;
		}
		in->pos += (size_t)clen;
	}
	n = &t->n[idx];
	n->dlen = total;
	n->data_off = in->base + start;
	n->data_span = in->pos - start;
	if (!cat) {
		/* empty: nothing to keep */
		n->data = (const uint8_t *)"";
		return CB_OK;
	}
	if (t->nbufs == t->bufs_cap) {
		size_t ncap = t->bufs_cap ? t->bufs_cap * 2 : 8;

		bufs = realloc(t->bufs, ncap * sizeof(*bufs));
		if (!bufs) {
			free(cat);
			return CB_ERR_NOMEM;
		}
		t->bufs = bufs;
		t->bufs_cap = ncap;
	}
	t->bufs[t->nbufs++] = cat;
	n->data = cat;
	return CB_OK;
malformed:
	free(cat);
	return CB_ERR_MALFORMED;
}

static enum cb_err parse_children(struct cb_in *in, uint32_t idx, uint8_t ai,
				  uint64_t arg, unsigned int depth, bool is_map)
{
	struct cb_tree *t = in->t;
	uint32_t last = CB_NONE, child;
	uint64_t items = 0, want = is_map ? arg * 2 : arg;
	enum cb_err err;
	bool brk;

	if (ai != 31) {
		/* every item takes at least one byte: bound the count before
		 * looping so that a huge announced length fails fast */
		if (arg > in->len - in->pos || (is_map && want > in->len - in->pos))
			return fail(in, t->n[idx].off - in->base,
				    "truncated: container shorter than announced");
	} else {
		t->n[idx].indef = true;
	}
	for (;;) {
		if (ai != 31 && items == want)
			break;
		err = parse_item(in, depth + 1, &child, &brk);
		if (err)
			return err;
		if (brk) {
			if (ai != 31)
				return fail(in, in->pos - 1, "unexpected break");
			if (is_map && (items & 1))
				return fail(in, in->pos - 1, "map key without a value");
			break;
		}
		if (last == CB_NONE)
			t->n[idx].first = child;
		else
			t->n[last].next = child;
		last = child;
		items++;
	}
	t->n[idx].val = is_map ? items / 2 : items;
	if (is_map)
		return check_dup_keys(in, idx);
	return CB_OK;
}

static enum cb_err parse_item(struct cb_in *in, unsigned int depth,
			      uint32_t *out, bool *is_break)
{
	struct cb_tree *t = in->t;
	size_t start = in->pos;
	uint8_t major, ai;
	uint64_t arg;
	uint32_t idx, child;
	enum cb_err err;
	bool brk;

	*is_break = false;
	if (depth > CB_MAX_DEPTH)
		return fail(in, start, "nesting too deep");
	err = read_head(in, &major, &ai, &arg);
	if (err)
		return err;
	if (major == CB_SIMPLE && ai == 31) {
		*is_break = true;
		return CB_OK;
	}
	err = new_node(in, &idx);
	if (err)
		return err;
	t->n[idx].major = major;
	t->n[idx].off = in->base + start;
	t->n[idx].val = arg;
	t->n[idx].data_off = in->base + start;
	switch (major) {
	case CB_UINT:
	case CB_NINT:
		break;
	case CB_BYTES:
	case CB_TEXT:
		err = parse_string(in, idx, major, ai, arg);
		break;
	case CB_ARRAY:
		err = parse_children(in, idx, ai, arg, depth, false);
		break;
	case CB_MAP:
		err = parse_children(in, idx, ai, arg, depth, true);
		break;
	case CB_TAG:
		err = parse_item(in, depth + 1, &child, &brk);
		if (!err && brk)
			err = fail(in, in->pos - 1, "break after a tag");
		if (!err)
			t->n[idx].first = child;
		break;
	case CB_SIMPLE:
		if (ai == 24 && arg < 32)
			err = fail(in, start, "two-byte simple value below 32");
		else if (ai >= 25)
			t->n[idx].val = CB_FLOAT_VAL;
		break;
	}
	if (err)
		return err;
	t->n[idx].len = in->base + in->pos - t->n[idx].off;
	if (major != CB_BYTES && major != CB_TEXT) {
		t->n[idx].data_off = t->n[idx].off;
		t->n[idx].data_span = t->n[idx].len;
	}
	*out = idx;
	return CB_OK;
}

enum cb_err cb_parse(struct cb_tree *t, const uint8_t *buf, size_t len,
		     size_t base, uint32_t *root)
{
	struct cb_in in = { t, buf, len, 0, base };
	enum cb_err err;
	bool brk;

	/* node offsets are 32-bit */
	if (len > UINT32_MAX || base > UINT32_MAX - len)
		return fail(&in, 0, "input too large");
	err = parse_item(&in, 0, root, &brk);
	if (err)
		return err;
	if (brk)
		return fail(&in, 0, "break outside an indefinite-length item");
	if (in.pos != len) {
		t->err_off = base + in.pos;
		t->err_msg = "trailing bytes after the item";
		return CB_ERR_TRAILING;
	}
	return CB_OK;
}

uint32_t cb_map_get(const struct cb_tree *t, uint32_t map, const char *name,
		    uint32_t *key)
{
	size_t nl = strlen(name);
	uint32_t k;

	if (map == CB_NONE || t->n[map].major != CB_MAP)
		return CB_NONE;
	for (k = t->n[map].first; k != CB_NONE; k = t->n[t->n[k].next].next) {
		const struct cb_node *kn = &t->n[k];

		if (kn->major == CB_TEXT && kn->dlen == nl &&
		    memcmp(kn->data, name, nl) == 0) {
			if (key)
				*key = k;
			return kn->next;
		}
	}
	return CB_NONE;
}

uint32_t cb_map_get_int(const struct cb_tree *t, uint32_t map, int64_t want)
{
	uint32_t k;

	if (map == CB_NONE || t->n[map].major != CB_MAP)
		return CB_NONE;
	for (k = t->n[map].first; k != CB_NONE; k = t->n[t->n[k].next].next) {
		const struct cb_node *kn = &t->n[k];

		if (want >= 0 && kn->major == CB_UINT && kn->val == (uint64_t)want)
			return kn->next;
		if (want < 0 && kn->major == CB_NINT &&
		    kn->val == (uint64_t)(-1 - want))
			return kn->next;
	}
	return CB_NONE;
}
