// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation documents (COSE_Sign1, RFC 8152) signed under the test PKI.
 * See attest.h.
 *
 * The document is written straight into the caller's buffer. The payload is
 * built after room for its longest byte-string header and moved back when
 * the header turns out shorter; the Sig_structure is never materialised:
 * its fixed prefix and the payload byte string are hashed as two pieces.
 */
#include "attest.h"

/* COSE protected header {1: -35} (alg: ES384), as a byte string. */
static const u8 cose_protected[] = { 0x44, 0xa1, 0x01, 0x38, 0x22 };

/*
 * Sig_structure = ["Signature1", h'a1013822', h'', payload]: everything
 * before the payload byte string.
 */
static const u8 sig_structure_prefix[] = {
	0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1',
	0x44, 0xa1, 0x01, 0x38, 0x22, 0x40,
};

#define CBOR_UINT	0x00
#define CBOR_BYTES	0x40
#define CBOR_TEXT	0x60
#define CBOR_ARRAY	0x80
#define CBOR_MAP	0xa0
#define CBOR_TAG	0xc0
#define CBOR_NULL	0xf6
#define CBOR_MAP_INDEF	0xbf
#define CBOR_BREAK	0xff
#define COSE_SIGN1_TAG	18

/* Sticky-error CBOR writer over the caller's buffer. */
struct cbor_w {
	u8 *buf;
	size_t cap;
	size_t len;
	bool err;
};

static u8 *cbor_room(struct cbor_w *w, size_t n)
{
	u8 *p;

	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

static unsigned int cbor_head_size(u64 v)
{
	if (v < 24)
		return 1;
	if (v <= 0xff)
		return 2;
	if (v <= 0xffff)
		return 3;
	if (v <= 0xffffffff)
		return 5;
	return 9;
}

/* Shortest-form head of major type @mt (already shifted) with value @v. */
static void cbor_put_head(u8 *p, u8 mt, u64 v)
{
	unsigned int n = cbor_head_size(v), i;
	static const u8 ai[] = { 0, 0, 24, 25, 0, 26, 0, 0, 0, 27 };

	if (n == 1) {
		p[0] = mt | (u8)v;
		return;
	}
	p[0] = mt | ai[n];
	for (i = 1; i < n; i++)
		p[i] = (u8)(v >> (8 * (n - 1 - i)));
}

static void cbor_head(struct cbor_w *w, u8 mt, u64 v)
{
	u8 *p = cbor_room(w, cbor_head_size(v));

	if (p)
		cbor_put_head(p, mt, v);
}

static void cbor_raw(struct cbor_w *w, const void *data, size_t n)
{
	u8 *p = cbor_room(w, n);

	if (p)
		memcpy(p, data, n);
}

static void cbor_byte(struct cbor_w *w, u8 b)
{
	cbor_raw(w, &b, 1);
}

static void cbor_bytes(struct cbor_w *w, const void *data, size_t n)
{
	cbor_head(w, CBOR_BYTES, n);
	cbor_raw(w, data, n);
}

static void cbor_text(struct cbor_w *w, const char *s)
{
	size_t n = strlen(s);

	cbor_head(w, CBOR_TEXT, n);
	cbor_raw(w, s, n);
}

/* An optional request field: its bytes, or null when absent. */
static void cbor_opt_bytes(struct cbor_w *w, const struct nsm_bytes *b)
{
	if (b->present)
		cbor_bytes(w, b->ptr, b->len);
	else
		cbor_byte(w, CBOR_NULL);
}

static unsigned int popcount32(u32 v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* The locked PCRs, index -> value; PCR0..2 read as zeros in debug mode. */
static void cbor_pcrs(struct cbor_w *w, const struct nsm_attest_state *st)
{
	static const u8 zero[NSM_PCR_LEN];
	unsigned int i;

	cbor_head(w, CBOR_MAP, popcount32(st->locked));
	for (i = 0; i < NSM_PCR_COUNT; i++) {
		if (!(st->locked & (1u << i)))
			continue;
		cbor_head(w, CBOR_UINT, i);
		cbor_bytes(w, st->debug && i <= 2 ? zero : st->pcr[i],
			   NSM_PCR_LEN);
	}
}

static int cbor_payload(struct cbor_w *w, const struct nsm_attest_state *st,
			const struct nsm_request *req)
{
	unsigned int i, n = nsm_ca_len(st->ca);
	const u8 *der;
	size_t len;

	if (st->indefinite)
		cbor_byte(w, CBOR_MAP_INDEF);
	else
		cbor_head(w, CBOR_MAP, 9);
	cbor_text(w, "module_id");
	cbor_text(w, st->module_id);
	cbor_text(w, "digest");
	cbor_text(w, "SHA384");
	cbor_text(w, "timestamp");
	cbor_head(w, CBOR_UINT, st->timestamp_ms);
	cbor_text(w, "pcrs");
	cbor_pcrs(w, st);
	cbor_text(w, "certificate");
	nsm_leaf_cert(st->leaf, &der, &len);
	cbor_bytes(w, der, len);
	cbor_text(w, "cabundle");
	cbor_head(w, CBOR_ARRAY, n);
	for (i = 0; i < n; i++) {
		if (nsm_ca_cert(st->ca, i, &der, &len))
			return -1;
		cbor_bytes(w, der, len);
	}
	cbor_text(w, "public_key");
	cbor_opt_bytes(w, &req->public_key);
	cbor_text(w, "user_data");
	cbor_opt_bytes(w, &req->user_data);
	cbor_text(w, "nonce");
	cbor_opt_bytes(w, &req->nonce);
	if (st->indefinite)
		cbor_byte(w, CBOR_BREAK);
	return w->err ? -1 : 0;
}

u64 nsm_attest_timestamp(u64 now_ms, s64 offset_ms)
{
	if (offset_ms < 0 && (u64)-offset_ms >= now_ms)
		return 1;
	return now_ms + (u64)offset_ms;
}

int nsm_attest_sign(const struct nsm_attest_state *st,
		    const struct nsm_request *req, u8 *doc, size_t cap,
		    size_t *doc_len)
{
	struct cbor_w w = { .buf = doc, .cap = cap };
	u8 digest[NSM_SHA384_LEN];
	struct nsm_sg sg[2];
	size_t head_at, body_at, body_len;
	unsigned int head_len;
	u8 *sig;

	*doc_len = 0;
	if (!st->ca || !st->leaf)
		return -NSM_INTERNAL_ERROR;

	if (st->tagged)
		cbor_head(&w, CBOR_TAG, COSE_SIGN1_TAG);
	cbor_head(&w, CBOR_ARRAY, 4);
	cbor_raw(&w, cose_protected, sizeof(cose_protected));
	cbor_head(&w, CBOR_MAP, 0);

	/* payload, after room for a 3-byte byte-string head */
	head_at = w.len;
	cbor_room(&w, 3);
	body_at = w.len;
	if (cbor_payload(&w, st, req))
		return w.err ? -NSM_BUFFER_TOO_SMALL : -NSM_INTERNAL_ERROR;
	body_len = w.len - body_at;
	if (body_len > 0xffff)
		return -NSM_INTERNAL_ERROR;
	head_len = cbor_head_size(body_len);
	if (head_len < 3) {
		memmove(doc + head_at + head_len, doc + body_at, body_len);
		w.len -= 3 - head_len;
	}
	cbor_put_head(doc + head_at, CBOR_BYTES, body_len);

	sg[0].data = sig_structure_prefix;
	sg[0].len = sizeof(sig_structure_prefix);
	sg[1].data = doc + head_at;
	sg[1].len = head_len + body_len;
	if (nsm_plat_sha384(sg, 2, digest))
		return -NSM_INTERNAL_ERROR;

	cbor_head(&w, CBOR_BYTES, P384_SIG_LEN);
	sig = cbor_room(&w, P384_SIG_LEN);
	if (!sig)
		return -NSM_BUFFER_TOO_SMALL;
	if (p384_sign_digest(nsm_leaf_priv(st->leaf), digest, sig))
		return -NSM_INTERNAL_ERROR;
	*doc_len = w.len;
	return 0;
}

int nsm_attest_state_of(struct nsm_emu *emu, struct nsm_attest_state *st)
{
	struct nsm_pki_settings set;
	u64 now_ms;

	if (!emu->pki)
		return -NSM_INTERNAL_ERROR;
	nsm_pki_get_settings(emu->pki, &set);
	now_ms = nsm_plat_time_ms();
	if (nsm_pki_leaf(emu->pki, emu->module_id, now_ms, &st->leaf))
		return -NSM_INTERNAL_ERROR;
	st->pcr = emu->pcr;
	st->locked = emu->locked;
	st->module_id = emu->module_id;
	st->debug = emu->debug;
	st->tagged = set.tagged;
	st->indefinite = set.indefinite;
	st->timestamp_ms = nsm_attest_timestamp(now_ms, set.clock_offset_ms);
	st->ca = nsm_pki_ca(emu->pki);
	return 0;
}

int nsm_attest_document(struct nsm_emu *emu, const struct nsm_request *req,
			u8 *doc, size_t cap, size_t *doc_len)
{
	struct nsm_attest_state st;
	int ret;

	*doc_len = 0;
	ret = nsm_attest_state_of(emu, &st);
	if (ret)
		return ret;
	return nsm_attest_sign(&st, req, doc, cap, doc_len);
}
