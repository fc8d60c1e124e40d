// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the core's DER and X.509 code (kmod/core/der.c,
 * x509.c), reader and writer. The first input byte picks a mode, the rest
 * is its input:
 *
 * 0 parse   nsm_x509_parse() on the bytes. Everything it returns points
 *           inside them, the fields agree with themselves (the TBS is the
 *           first element, the names lie inside it), a second parse gives
 *           the same; when OpenSSL decodes the same bytes, every field both
 *           read (key, validity, names, cA, pathLen, keyUsage, subject key
 *           id, signature) has the same value in both.
 * 1 walk    every element, nested to DER_MAX_DEPTH, through der_next(),
 *           der_expect(), der_peek(), der_first_elem_len(): each read stays
 *           inside its slice and accounts for every byte; der_well_formed()
 *           says yes exactly when the walk met no error; each time element
 *           der_parse_time() takes has the value timegm(3) gives its
 *           fields, and der_time() writes a time that reads back the same.
 * 2 write   a program of writer calls (der_begin/end, der_tlv, der_uint,
 *           der_small_uint, der_bool, der_named_bits, der_time) into a
 *           buffer of a size the input gives; the result is byte for byte
 *           what an independent encoder here computes, or refused exactly
 *           when that does not fit or the calls do not nest.
 * 3 issue   nsm_x509_issue() on a template from the input (names of
 *           printable text as the module makes them, validity, serial,
 *           cA, pathLen, keyUsage, key ids, one of the test keys);
 *           refused only for a time past 9999, else parsed back by
 *           nsm_x509_parse() and by OpenSSL with every field as given and
 *           a signature that verifies under the issuer's key.
 */
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <time.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *pkeys[TP_NKEYS];

static const u8 oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const u8 oid_secp384r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	u8 spki[256];
	const unsigned char *p;
	struct der_w w;
	unsigned int i;
	size_t len;

	(void)argc;
	(void)argv;
	for (i = 0; i < TP_NKEYS; i++) {
		der_w_init(&w, spki, sizeof(spki));
		der_begin(&w, DER_SEQUENCE);
		der_begin(&w, DER_SEQUENCE);
		der_tlv(&w, DER_OID, oid_ec_public_key, sizeof(oid_ec_public_key));
		der_tlv(&w, DER_OID, oid_secp384r1, sizeof(oid_secp384r1));
		der_end(&w);
		der_bits(&w, tp_key(i)->pub, P384_PUB_LEN);
		der_end(&w);
		len = der_w_done(&w);
		p = spki;
		pkeys[i] = d2i_PUBKEY(NULL, &p, (long)len);
		FUZZ_ASSERT(pkeys[i]);
	}
	return 0;
}

/* ---- helpers over OpenSSL ------------------------------------------- */

static bool ossl_time(const ASN1_TIME *t, u64 *secs)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*secs = (u64)timegm(&tm);
	return true;
}

static bool same(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool ossl_pub(X509 *x, u8 out[P384_PUB_LEN])
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	size_t len = 0;

	if (!pk || EVP_PKEY_get_octet_string_param(pk, "encoded-pub-key", out,
						   P384_PUB_LEN, &len) != 1)
		return false;
	return len == P384_PUB_LEN;
}

/* r and s of the signature, when OpenSSL reads them */
static bool ossl_sig(X509 *x, u8 r[48], u8 s[48])
{
	const ASN1_BIT_STRING *bits;
	const X509_ALGOR *alg;
	const unsigned char *p;
	const BIGNUM *br, *bs;
	ECDSA_SIG *sig;
	bool ok;

	X509_get0_signature(&bits, &alg, x);
	p = ASN1_STRING_get0_data(bits);
	sig = d2i_ECDSA_SIG(NULL, &p, ASN1_STRING_length(bits));
	if (!sig)
		return false;
	ECDSA_SIG_get0(sig, &br, &bs);
	ok = BN_bn2binpad(br, r, 48) == 48 && BN_bn2binpad(bs, s, 48) == 48;
	ECDSA_SIG_free(sig);
	return ok;
}

/* Fields both the core and OpenSSL read must agree. */
static void compare_with_openssl(const u8 *der, size_t len,
				 const struct nsm_x509_info *info, bool ours)
{
	const unsigned char *p = der;
	const ASN1_OCTET_STRING *skid;
	const unsigned char *nd;
	u8 pub[P384_PUB_LEN], r[48], s[48];
	uint32_t flags, ku;
	size_t nlen;
	u64 t;
	X509 *x;

	x = d2i_X509(NULL, &p, (long)len);
	if (ours)
		FUZZ_ASSERT(x && p == der + len);
	if (!x)
		return;
	if (p != der + len)
		goto out;
	if (ossl_pub(x, pub))
		FUZZ_ASSERT(!memcmp(pub, info->pub, P384_PUB_LEN));
	else
		FUZZ_ASSERT(!ours);
	if (ossl_time(X509_get0_notBefore(x), &t))
		FUZZ_ASSERT(t == info->not_before);
	else
		FUZZ_ASSERT(!ours);
	if (ossl_time(X509_get0_notAfter(x), &t))
		FUZZ_ASSERT(t == info->not_after);
	else
		FUZZ_ASSERT(!ours);
	FUZZ_ASSERT(X509_NAME_get0_der(X509_get_issuer_name(x), &nd, &nlen));
	FUZZ_ASSERT(same(nd, nlen, info->issuer, info->issuer_len));
	FUZZ_ASSERT(X509_NAME_get0_der(X509_get_subject_name(x), &nd, &nlen));
	FUZZ_ASSERT(same(nd, nlen, info->subject, info->subject_len));
	if (ossl_sig(x, r, s))
		FUZZ_ASSERT(!memcmp(r, info->sig_r, 48) &&
			    !memcmp(s, info->sig_s, 48));
	else
		FUZZ_ASSERT(!ours);

	/* extensions: only where OpenSSL found them well-formed */
	flags = X509_get_extension_flags(x);
	if (ours)
		FUZZ_ASSERT(!(flags & EXFLAG_INVALID));
	if (flags & EXFLAG_INVALID)
		goto out;
	FUZZ_ASSERT(!!(flags & EXFLAG_CA) == info->ca);
	if (info->ca)
		FUZZ_ASSERT(X509_get_pathlen(x) == info->pathlen);
	ku = X509_get_key_usage(x);
	if (ku == UINT32_MAX)
		FUZZ_ASSERT(info->key_usage == 0xff);
	else
		FUZZ_ASSERT((ku & 0xff) == info->key_usage);
	skid = X509_get0_subject_key_id(x);
	if (skid)
		FUZZ_ASSERT(same(ASN1_STRING_get0_data(skid),
				 (size_t)ASN1_STRING_length(skid),
				 info->skid, info->skid_len));
	else
		FUZZ_ASSERT(!info->skid);
out:
	X509_free(x);
}

static bool inside(const u8 *p, size_t n, const u8 *base, size_t len)
{
	return p >= base && p <= base + len && n <= (size_t)(base + len - p);
}

/* ---- 0: parse --------------------------------------------------------- */

static void mode_parse(const u8 *p, size_t len)
{
	struct nsm_x509_info info, again;

	if (nsm_x509_parse(p, len, &info))
		return;
	FUZZ_ASSERT(der_first_elem_len(p, len) == len);
	FUZZ_ASSERT(der_well_formed(p, len));
	FUZZ_ASSERT(inside(info.tbs, info.tbs_len, p, len));
	FUZZ_ASSERT(der_first_elem_len(info.tbs, info.tbs_len) == info.tbs_len);
	FUZZ_ASSERT(info.tbs[0] == DER_SEQUENCE);
	FUZZ_ASSERT(inside(info.issuer, info.issuer_len, info.tbs, info.tbs_len));
	FUZZ_ASSERT(inside(info.subject, info.subject_len, info.tbs, info.tbs_len));
	FUZZ_ASSERT(info.issuer[0] == DER_SEQUENCE && info.subject[0] == DER_SEQUENCE);
	FUZZ_ASSERT(info.subject > info.issuer);
	FUZZ_ASSERT(!info.skid || (info.skid_len &&
		    inside(info.skid, info.skid_len, info.tbs, info.tbs_len)));
	FUZZ_ASSERT(info.pathlen >= -1 && info.pathlen <= 0x7fffff);
	FUZZ_ASSERT(info.pub[0] == 0x04);
	FUZZ_ASSERT(!nsm_x509_parse(p, len, &again));
	FUZZ_ASSERT(!memcmp(&info, &again, sizeof(info)));
	compare_with_openssl(p, len, &info, false);
}

/* ---- 1: walk ---------------------------------------------------------- */

/* The value timegm(3) gives the fields of a time element, or false. */
static bool time_by_libc(const struct der_tlv *t, u64 *secs)
{
	char s[16];
	struct tm tm = { 0 };
	size_t yl = t->tag == DER_UTC_TIME ? 2 : 4, i;
	int y = 0;

	if (t->len != yl + 11)
		return false;
	memcpy(s, t->val, t->len);
	for (i = 0; i < t->len - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	for (i = 0; i < yl; i++)
		y = y * 10 + s[i] - '0';
	if (yl == 2)
		y += y < 50 ? 2000 : 1900;
#define F(k) ((s[yl + 2 * (k)] - '0') * 10 + s[yl + 2 * (k) + 1] - '0')
	tm.tm_year = y - 1900;
	tm.tm_mon = F(0) - 1;
	tm.tm_mday = F(1);
	tm.tm_hour = F(2);
	tm.tm_min = F(3);
	tm.tm_sec = F(4);
#undef F
	*secs = (u64)timegm(&tm);
	return true;
}

static void check_time(const struct der_tlv *t)
{
	u8 buf[32];
	struct der_w w;
	struct der_r r;
	struct der_tlv back;
	u64 secs, libc, again;
	size_t n;

	if (der_parse_time(t, &secs))
		return;
	FUZZ_ASSERT(time_by_libc(t, &libc) && libc == secs);
	der_w_init(&w, buf, sizeof(buf));
	der_time(&w, secs);
	n = der_w_done(&w);
	FUZZ_ASSERT(n);
	r.p = buf;
	r.len = n;
	FUZZ_ASSERT(!der_next(&r, &back) && !r.len);
	FUZZ_ASSERT(!der_parse_time(&back, &again) && again == secs);
	/* what the writer makes is canonical: UTCTime exactly for 1950..2049 */
	FUZZ_ASSERT((back.tag == DER_UTC_TIME) ==
		    (secs < 2524608000ULL /* 2050-01-01 */));
}

static void mode_walk(const u8 *p, size_t len)
{
	struct der_r stack[DER_MAX_DEPTH];
	unsigned int depth = 0;
	bool wf = true;		/* what der_well_formed() must say */
	struct der_tlv t, u;
	struct der_r before;
	size_t first;
	int peek;

	stack[0].p = p;
	stack[0].len = len;
	first = der_first_elem_len(p, len);
	for (;;) {
		struct der_r *r = &stack[depth];

		if (!r->len) {
			if (!depth)
				break;
			depth--;
			continue;
		}
		before = *r;
		peek = der_peek(r);
		FUZZ_ASSERT(peek == r->p[0]);
		/* der_expect() with another tag reads nothing */
		FUZZ_ASSERT(der_expect(r, (u8)(peek ^ 1), &u) == -1);
		FUZZ_ASSERT(r->p == before.p && r->len == before.len);
		if (der_next(r, &t)) {
			FUZZ_ASSERT(r->p == before.p && r->len == before.len);
			if (before.p == p)
				FUZZ_ASSERT(!first);
			wf = false;
			if (!depth)
				break;
			depth--;
			continue;
		}
		if (before.p == p)
			FUZZ_ASSERT(first == t.tlen);
		FUZZ_ASSERT(t.tag == peek && t.hdr == before.p);
		FUZZ_ASSERT(t.tlen <= before.len && t.tlen == (size_t)(t.val - t.hdr) + t.len);
		FUZZ_ASSERT(t.val - t.hdr >= 2 && t.val - t.hdr <= 5);
		FUZZ_ASSERT(r->p == before.p + t.tlen && r->len == before.len - t.tlen);
		FUZZ_ASSERT(der_first_elem_len(before.p, before.len) == t.tlen);
		/* the same element through der_expect() */
		{
			struct der_r again = before;

			FUZZ_ASSERT(!der_expect(&again, t.tag, &u));
			FUZZ_ASSERT(u.hdr == t.hdr && u.len == t.len &&
				    again.p == r->p);
		}
		if (t.tag == DER_UTC_TIME || t.tag == DER_GENERALIZED_TIME)
			check_time(&t);
		else
			FUZZ_ASSERT(der_parse_time(&t, &(u64){ 0 }) == -1);
		if ((t.tag & 0x20) && depth + 1 < DER_MAX_DEPTH)
			stack[++depth] = der_enter(&t);
		else if (t.tag & 0x20)
			wf = false;	/* nested too deep */
	}
	FUZZ_ASSERT(der_well_formed(p, len) == wf);
}

/* ---- 2: write --------------------------------------------------------- */

#define W_OPS	64
#define W_BUF	8192

enum w_kind { W_BEGIN, W_END, W_TLV, W_UINT, W_SMALL, W_BOOL, W_BITS, W_TIME,
	      W_NKIND };

struct w_op {
	enum w_kind kind;
	u8 tag;
	const u8 *p;
	size_t n;
	u64 v;
};

static u8 filler[W_BUF];

static const u8 cons_tags[] = { DER_SEQUENCE, DER_SET, DER_CTX_CONS(0),
				DER_CTX_CONS(3), DER_OCTET_STRING, DER_BIT_STRING };
static const u8 prim_tags[] = { DER_OID, DER_OCTET_STRING, DER_UTF8_STRING,
				DER_CTX(0), DER_NULL, DER_INTEGER };

/* An independent DER encoder of the same program. */
struct enc {
	u8 *buf;
	size_t len;
	bool err;
};

static void e_put(struct enc *e, const void *p, size_t n)
{
	if (e->len + n > W_BUF) {
		e->err = true;
		return;
	}
	if (n)
		memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void e_head(struct enc *e, u8 tag, size_t n)
{
	u8 h[5] = { tag };
	size_t hl = 2;

	if (n < 0x80) {
		h[1] = (u8)n;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (u8)n;
		hl = 3;
	} else if (n < 0x10000) {
		h[1] = 0x82;
		h[2] = (u8)(n >> 8);
		h[3] = (u8)n;
		hl = 4;
	} else {
		h[1] = 0x83;
		h[2] = (u8)(n >> 16);
		h[3] = (u8)(n >> 8);
		h[4] = (u8)n;
		hl = 5;
	}
	e_put(e, h, hl);
}

static void e_uint(struct enc *e, const u8 *be, size_t n)
{
	while (n && !be[0]) {
		be++;
		n--;
	}
	if (!n) {
		e_head(e, DER_INTEGER, 1);
		e_put(e, "", 1);
	} else if (be[0] & 0x80) {
		e_head(e, DER_INTEGER, n + 1);
		e_put(e, "", 1);
		e_put(e, be, n);
	} else {
		e_head(e, DER_INTEGER, n);
		e_put(e, be, n);
	}
}

/* Encodes ops[*i..] up to the matching W_END; false when they do not nest. */
static bool e_run(struct enc *e, const struct w_op *ops, size_t nops,
		  size_t *i, unsigned int depth)
{
	while (*i < nops) {
		const struct w_op *op = &ops[(*i)++];

		switch (op->kind) {
		case W_BEGIN: {
			u8 tmp_buf[W_BUF];
			struct enc sub = { tmp_buf, 0, false };

			if (depth >= DER_MAX_DEPTH)
				return false;
			if (!e_run(&sub, ops, nops, i, depth + 1))
				return false;
			if (sub.err) {
				e->err = true;
				break;
			}
			e_head(e, op->tag, sub.len);
			e_put(e, sub.buf, sub.len);
			break;
		}
		case W_END:
			return depth > 0;
		case W_TLV:
			e_head(e, op->tag, op->n);
			e_put(e, op->p, op->n);
			break;
		case W_UINT:
			e_uint(e, op->p, op->n);
			break;
		case W_SMALL: {
			u8 be[4] = { op->v >> 24, op->v >> 16, op->v >> 8, op->v };

			e_uint(e, be, 4);
			break;
		}
		case W_BOOL:
			e_head(e, DER_BOOLEAN, 1);
			e_put(e, op->v ? "\xff" : "", 1);
			break;
		case W_BITS: {
			u8 b = (u8)op->v, unused = 0;

			if (!b) {
				e_head(e, DER_BIT_STRING, 1);
				e_put(e, "", 1);
				break;
			}
			while (!(b & (1u << unused)))
				unused++;
			e_head(e, DER_BIT_STRING, 2);
			e_put(e, &unused, 1);
			e_put(e, &b, 1);
			break;
		}
		case W_TIME: {
			time_t secs = (time_t)op->v;
			struct tm tm;
			char s[20];
			int y;

			FUZZ_ASSERT(gmtime_r(&secs, &tm));
			y = tm.tm_year + 1900;
			if (y > 9999)
				return false;
			if (y >= 1950 && y <= 2049) {
				snprintf(s, sizeof(s), "%02d%02d%02d%02d%02d%02dZ",
					 y % 100, tm.tm_mon + 1, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
				e_head(e, DER_UTC_TIME, 13);
				e_put(e, s, 13);
			} else {
				snprintf(s, sizeof(s), "%04d%02d%02d%02d%02d%02dZ",
					 y, tm.tm_mon + 1, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
				e_head(e, DER_GENERALIZED_TIME, 15);
				e_put(e, s, 15);
			}
			break;
		}
		default:
			FUZZ_ASSERT(0);
		}
	}
	return depth == 0;
}

static void mode_write(struct fuzz_in *in)
{
	static u8 out[W_BUF], want[W_BUF];
	struct w_op ops[W_OPS];
	struct der_w w;
	struct enc e = { want, 0, false };
	size_t nops = 0, i = 0, cap, got;
	bool ok;

	cap = fuzz_u16(in) % W_BUF;
	while (in->len && nops < W_OPS) {
		struct w_op *op = &ops[nops++];
		u8 b = fuzz_u8(in);

		memset(op, 0, sizeof(*op));
		op->kind = (enum w_kind)(b % W_NKIND);
		switch (op->kind) {
		case W_BEGIN:
			op->tag = cons_tags[(b >> 3) % sizeof(cons_tags)];
			break;
		case W_TLV:
			op->tag = prim_tags[(b >> 3) % sizeof(prim_tags)];
			op->n = fuzz_u16(in) % 1500;
			op->p = filler;
			break;
		case W_UINT:
			op->p = fuzz_bytes(in, fuzz_u8(in) % 64, &op->n);
			break;
		case W_SMALL:
			op->v = fuzz_u32(in);
			break;
		case W_BOOL:
		case W_BITS:
			op->v = fuzz_u8(in);
			break;
		case W_TIME:
			op->v = fuzz_u64(in) % (1ULL << 39);
			break;
		default:
			break;
		}
	}

	der_w_init(&w, out, cap);
	for (i = 0; i < nops; i++) {
		const struct w_op *op = &ops[i];

		switch (op->kind) {
		case W_BEGIN: der_begin(&w, op->tag); break;
		case W_END: der_end(&w); break;
		case W_TLV: der_tlv(&w, op->tag, op->p, op->n); break;
		case W_UINT: der_uint(&w, op->p, op->n); break;
		case W_SMALL: der_small_uint(&w, (u32)op->v); break;
		case W_BOOL: der_bool(&w, op->v & 1); break;
		case W_BITS: der_named_bits(&w, (u8)op->v); break;
		case W_TIME: der_time(&w, op->v); break;
		default: FUZZ_ASSERT(0);
		}
		FUZZ_ASSERT(w.len <= cap && w.depth <= DER_MAX_DEPTH);
	}
	got = der_w_done(&w);

	for (i = 0; i < nops; i++)
		if (ops[i].kind == W_BOOL)
			ops[i].v &= 1;
	i = 0;
	ok = e_run(&e, ops, nops, &i, 0) && i == nops && !e.err;
	if (!ok || e.len > cap) {
		FUZZ_ASSERT(!got);
		return;
	}
	FUZZ_ASSERT(got == e.len);
	FUZZ_ASSERT(!got || !memcmp(out, want, got));
	/* and the reader walks it */
	mode_walk(out, got);
}

/* ---- 3: issue --------------------------------------------------------- */

static void text(struct fuzz_in *in, char *s, size_t max)
{
	size_t n = fuzz_u8(in) % max, i;

	for (i = 0; i < n; i++)
		s[i] = (char)(0x20 + fuzz_u8(in) % 0x5f);
	s[n] = '\0';
}

static size_t name(struct fuzz_in *in, u8 *out)
{
	char o[80], ou[80], cn[80];
	bool with_ou;

	text(in, o, sizeof(o));
	with_ou = fuzz_u8(in) & 1;
	text(in, ou, sizeof(ou));
	text(in, cn, sizeof(cn));
	return nsm_x509_name(out, NSM_NAME_MAX, o, with_ou ? ou : NULL, cn);
}

/* 1970..10680: the writer refuses years past 9999 */
static u64 when(struct fuzz_in *in)
{
	return fuzz_u64(in) % (1ULL << 38);
}

static int year_of(u64 secs)
{
	time_t t = (time_t)secs;
	struct tm tm;

	FUZZ_ASSERT(gmtime_r(&t, &tm));
	return tm.tm_year + 1900;
}

static void mode_issue(struct fuzz_in *in)
{
	static u8 cert[2048];
	u8 subject[NSM_NAME_MAX], issuer[NSM_NAME_MAX], skid[NSM_KEYID_LEN];
	u8 digest[NSM_SHA384_LEN], sig[P384_SIG_LEN], akid[64];
	struct nsm_x509_tmpl t = { 0 };
	struct nsm_x509_info info;
	const struct tp_key *subj, *signer;
	const ASN1_OCTET_STRING *aki;
	const unsigned char *p;
	const u8 *src;
	struct nsm_sg sg;
	BIGNUM *serial;
	u8 flags, want_serial[NSM_SERIAL_LEN];
	unsigned int si;
	size_t len, got;
	X509 *x;

	flags = fuzz_u8(in);
	subj = tp_key(fuzz_u8(in) % TP_NKEYS);
	si = fuzz_u8(in) % TP_NKEYS;
	signer = tp_key(si);
	t.subject = subject;
	t.subject_len = name(in, subject);
	if (flags & 1) {
		t.issuer = subject;
		t.issuer_len = t.subject_len;
	} else {
		t.issuer = issuer;
		t.issuer_len = name(in, issuer);
	}
	if (!t.subject_len || !t.issuer_len)
		return;		/* over NSM_NAME_MAX: never made so */
	t.not_before = when(in);
	t.not_after = when(in);
	src = fuzz_bytes(in, NSM_SERIAL_LEN, &got);
	memcpy(t.serial, src, got);
	t.pub = subj->pub;
	t.ca = flags & 2;
	t.pathlen = (flags & 4) ? -1 : (int)(fuzz_u32(in) % 0x800000);
	/* the core's certificates always have a usage (RFC 5280 4.2.1.3) */
	t.key_usage = fuzz_u8(in) ?: X509_KU_DIGITAL_SIGNATURE;
	FUZZ_ASSERT(!nsm_x509_key_id(subj->pub, skid));
	if (flags & 8)
		t.skid = skid;
	if (flags & 16) {
		/* an issuer's key id: 1..64 bytes (pki.c, PKI_KEYID_MAX) */
		src = fuzz_bytes(in, fuzz_u8(in) % sizeof(akid) + 1, &got);
		memcpy(akid, src, got);
		t.akid = akid;
		t.akid_len = got ?: 1;
	}

	len = nsm_x509_issue(&t, signer->priv, cert, sizeof(cert));
	if (len && getenv("NSM_FUZZ_DUMP")) {	/* for a look with openssl(1) */
		FILE *f = fopen(getenv("NSM_FUZZ_DUMP"), "wb");

		if (f) {
			fwrite(cert, 1, len, f);
			fclose(f);
		}
	}
	if (year_of(t.not_before) > 9999 || year_of(t.not_after) > 9999) {
		FUZZ_ASSERT(!len);
		return;
	}
	FUZZ_ASSERT(len);
	FUZZ_ASSERT(!nsm_x509_parse(cert, len, &info));
	FUZZ_ASSERT(same(info.issuer, info.issuer_len, t.issuer, t.issuer_len));
	FUZZ_ASSERT(same(info.subject, info.subject_len, t.subject, t.subject_len));
	FUZZ_ASSERT(info.not_before == t.not_before &&
		    info.not_after == t.not_after);
	FUZZ_ASSERT(!memcmp(info.pub, subj->pub, P384_PUB_LEN));
	FUZZ_ASSERT(info.ca == t.ca);
	FUZZ_ASSERT(info.pathlen == (t.ca ? t.pathlen : -1));
	FUZZ_ASSERT(info.key_usage == t.key_usage);
	FUZZ_ASSERT(t.skid ? same(info.skid, info.skid_len, skid, sizeof(skid)) :
		    !info.skid);
	sg.data = info.tbs;
	sg.len = info.tbs_len;
	FUZZ_ASSERT(!nsm_plat_sha384(&sg, 1, digest));
	memcpy(sig, info.sig_r, 48);
	memcpy(sig + 48, info.sig_s, 48);
	FUZZ_ASSERT(!p384_verify_digest(signer->pub, digest, sig));

	compare_with_openssl(cert, len, &info, true);
	p = cert;
	x = d2i_X509(NULL, &p, (long)len);
	FUZZ_ASSERT(x);
	FUZZ_ASSERT(X509_get_version(x) == X509_VERSION_3);
	FUZZ_ASSERT(X509_verify(x, pkeys[si]) == 1);
	memcpy(want_serial, t.serial, sizeof(want_serial));
	want_serial[0] = (want_serial[0] & 0x7f) | 0x40;
	serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	FUZZ_ASSERT(serial && BN_num_bytes(serial) == NSM_SERIAL_LEN);
	{
		u8 s[NSM_SERIAL_LEN];

		BN_bn2bin(serial, s);
		FUZZ_ASSERT(!memcmp(s, want_serial, sizeof(s)));
	}
	BN_free(serial);
	aki = X509_get0_authority_key_id(x);
	if (t.akid)
		FUZZ_ASSERT(aki && same(ASN1_STRING_get0_data(aki),
					(size_t)ASN1_STRING_length(aki),
					t.akid, t.akid_len));
	else
		FUZZ_ASSERT(!aki);
	X509_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u8 mode = fuzz_u8(&in);

	fuzz_rng_reset("x509-input", 0);
	switch (mode % 4) {
	case 0:
		mode_parse(in.p, in.len);
		break;
	case 1:
		mode_walk(in.p, in.len);
		break;
	case 2:
		mode_write(&in);
		break;
	default:
		mode_issue(&in);
		break;
	}
	return 0;
}
