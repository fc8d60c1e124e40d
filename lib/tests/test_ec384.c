// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The verifier's own ECDSA P-384 (verify/ec384.c) and its chain step
 * (verify/sigcheck.c) against OpenSSL, which they stand in for: every
 * verdict must be OpenSSL's.
 *
 *  1. Signatures: random keys and messages, every kind of corruption, and
 *     the edge scalars (0, 1, n - 1, n, 2^384 - 1, a digest that is 0 or
 *     n mod n), off-curve and out-of-range keys; nsm__p384_verify() and
 *     nsm__p384_verify_anchor() each give ECDSA_do_verify()'s answer.
 *  2. Chains: a root, an intermediate and a leaf made here, then
 *     certificates rebuilt with each signature mutation (bit flips,
 *     unused bits, non-minimal and negative integers, trailing bytes,
 *     long-form lengths, NULL algorithm parameters, ecdsa-with-SHA256, a
 *     P-256 issuer) and checked at times inside and outside their
 *     validity: X509_verify_cert() with nsm__verify_chain_signatures() as
 *     its final step reports the same result and the same (error, depth)
 *     sequence as with OpenSSL's own step.
 *
 * Links ec384.c, sigcheck.c and the core's arithmetic directly: their
 * symbols are internal to libnsm-verify.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tap.h"
#include "ec384.h"
#include "sigcheck.h"

/* ---- 1. signatures --------------------------------------------------- */

static const uint8_t n_be[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2,
	0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
};

struct key {
	EVP_PKEY *pk;
	uint8_t pub[97];
};

static void key_new(struct key *k)
{
	size_t len;

	k->pk = EVP_EC_gen("P-384");
	if (!k->pk ||
	    !EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_PUB_KEY,
					     k->pub, sizeof(k->pub), &len) ||
	    len != 97) {
		printf("Bail out! cannot make a P-384 key\n");
		exit(1);
	}
}

static void key_free(struct key *k)
{
	EVP_PKEY_free(k->pk);
}

/* an EVP_PKEY of the point @pub, or NULL when OpenSSL refuses it */
static EVP_PKEY *pub_key(const uint8_t pub[97])
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "P-384", 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, 97),
		OSSL_PARAM_END
	};
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL;

	if (!c || EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, p) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(c);
	return k;
}

/* ECDSA over the digest @md by @k, as r || s */
static void sign_raw(const struct key *k, const uint8_t md[48], uint8_t rs[96])
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k->pk, NULL);
	uint8_t der[128];
	size_t len = sizeof(der);
	const uint8_t *p = der;
	ECDSA_SIG *s;

	if (!c || EVP_PKEY_sign_init(c) != 1 ||
	    EVP_PKEY_sign(c, der, &len, md, 48) != 1 ||
	    !(s = d2i_ECDSA_SIG(NULL, &p, (long)len))) {
		printf("Bail out! cannot sign\n");
		exit(1);
	}
	BN_bn2binpad(ECDSA_SIG_get0_r(s), rs, 48);
	BN_bn2binpad(ECDSA_SIG_get0_s(s), rs + 48, 48);
	ECDSA_SIG_free(s);
	EVP_PKEY_CTX_free(c);
}

/* OpenSSL's verdict on r || s over @md with @pub (1 valid, 0 not) */
static int openssl_verdict(const uint8_t pub[97], const uint8_t md[48],
			   const uint8_t rs[96])
{
	EVP_PKEY *k = pub_key(pub);
	EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, 48, NULL), *sv = BN_bin2bn(rs + 48, 48, NULL);
	uint8_t *der = NULL;
	int ok = 0, len;

	if (c && s && r && sv && ECDSA_SIG_set0(s, r, sv)) {
		r = sv = NULL;
		len = i2d_ECDSA_SIG(s, &der);
		ok = len > 0 && EVP_PKEY_verify_init(c) == 1 &&
		     EVP_PKEY_verify(c, der, (size_t)len, md, 48) == 1;
	}
	ERR_clear_error();
	OPENSSL_free(der);
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(k);
	return ok;
}

static int disagree;

static void compare(const uint8_t pub[97], const uint8_t md[48],
		    const uint8_t rs[96], int want, const char *what)
{
	int o = openssl_verdict(pub, md, rs);
	int a = nsm__p384_verify(pub, md, rs);
	int b = nsm__p384_verify_anchor(pub, md, rs);

	if (a != o || b != o || (want >= 0 && o != want)) {
		if (disagree++ < 10)
			printf("# %s: openssl %d, ec384 %d, anchor %d (want %d)\n",
			       what, o, a, b, want);
	}
}

static void test_signatures(void)
{
	struct key k[4];
	uint8_t md[48], rs[96], m2[48], r2[96], pub[97];
	int i, j, valid = 0;

	for (i = 0; i < 4; i++)
		key_new(&k[i]);
	/* random messages: valid, and each single-bit corruption of the
	 * signature, the digest and the key */
	for (i = 0; i < 200; i++) {
		const struct key *kk = &k[i % 4];

		RAND_bytes(md, sizeof(md));
		sign_raw(kk, md, rs);
		compare(kk->pub, md, rs, 1, "valid");
		valid += nsm__p384_verify(kk->pub, md, rs);
		memcpy(r2, rs, 96);
		r2[i % 96] ^= (uint8_t)(1u << (i % 8));
		compare(kk->pub, md, r2, 0, "signature bit");
		memcpy(m2, md, 48);
		m2[i % 48] ^= (uint8_t)(1u << (i % 8));
		compare(kk->pub, m2, rs, 0, "digest bit");
		memcpy(pub, kk->pub, 97);
		pub[1 + i % 96] ^= (uint8_t)(1u << (i % 8));
		compare(pub, md, rs, 0, "key bit (off the curve)");
		compare(k[(i + 1) % 4].pub, md, rs, 0, "another key");
	}
	tap_ok(valid == 200, "ec384: 200 signatures by OpenSSL verify (%d)", valid);

	/* edge scalars in r and in s */
	{
		uint8_t edge[5][48];

		memset(edge[0], 0, 48);			/* 0 */
		memset(edge[1], 0, 48);
		edge[1][47] = 1;			/* 1 */
		memcpy(edge[2], n_be, 48);
		edge[2][47] -= 1;			/* n - 1 */
		memcpy(edge[3], n_be, 48);		/* n */
		memset(edge[4], 0xff, 48);		/* 2^384 - 1 */
		RAND_bytes(md, sizeof(md));
		sign_raw(&k[0], md, rs);
		for (i = 0; i < 5; i++) {
			memcpy(r2, rs, 96);
			memcpy(r2, edge[i], 48);
			compare(k[0].pub, md, r2, 0, "edge r");
			memcpy(r2, rs, 96);
			memcpy(r2 + 48, edge[i], 48);
			compare(k[0].pub, md, r2, 0, "edge s");
		}
	}
	/* digests that are 0 and n mod n: u1 = 0 */
	memset(md, 0, 48);
	sign_raw(&k[1], md, rs);
	compare(k[1].pub, md, rs, 1, "digest 0");
	memcpy(md, n_be, 48);
	sign_raw(&k[1], md, rs);
	compare(k[1].pub, md, rs, 1, "digest n");
	/* keys: not uncompressed, x or y >= p, the point at infinity */
	RAND_bytes(md, sizeof(md));
	sign_raw(&k[2], md, rs);
	memcpy(pub, k[2].pub, 97);
	pub[0] = 0x02;
	tap_ok(nsm__p384_verify(pub, md, rs) == 0 &&
	       nsm__p384_verify_anchor(pub, md, rs) == 0,
	       "ec384: a key not in uncompressed form is refused");
	memset(pub + 1, 0xff, 48);
	tap_ok(nsm__p384_verify(pub, md, rs) == 0, "ec384: x >= p is refused");
	memset(pub, 0, 97);
	pub[0] = 0x04;
	tap_ok(nsm__p384_verify(pub, md, rs) == 0, "ec384: (0, 0) is refused");
	/* x(R) >= n: r is x(R) - n, the rare second comparison */
	{
		EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
		EC_POINT *R = EC_POINT_new(g), *Q = EC_POINT_new(g);
		BN_CTX *bc = BN_CTX_new();
		BIGNUM *n = BN_bin2bn(n_be, 48, NULL), *x = BN_new(), *u1 = BN_new(),
		       *u2 = BN_new(), *w = BN_new(), *a = BN_new(), *r = BN_new(),
		       *sv = BN_new(), *e = BN_new();
		int t, found = 0, v1 = 0, v2 = 0;

		for (t = 1; t < 64 && !found; t++) {
			BN_copy(x, n);
			BN_add_word(x, (BN_ULONG)t);
			found = EC_POINT_set_compressed_coordinates(g, R, x, 0, bc);
		}
		ERR_clear_error();
		/* Q = u2^-1 (R - u1 G); then u1 G + u2 Q = R */
		BN_rand_range(u1, n);
		BN_rand_range(u2, n);
		BN_mod_inverse(w, u2, n, bc);
		BN_mod_mul(a, u1, w, n, bc);
		BN_sub(a, n, a);
		EC_POINT_mul(g, Q, a, R, w, bc);
		BN_mod_sub(r, x, n, n, bc);		/* x(R) mod n */
		BN_mod_mul(sv, r, w, n, bc);		/* s = r / u2 */
		BN_mod_mul(e, u1, sv, n, bc);		/* e = u1 s */
		EC_POINT_point2oct(g, Q, POINT_CONVERSION_UNCOMPRESSED, pub, 97, bc);
		BN_bn2binpad(r, rs, 48);
		BN_bn2binpad(sv, rs + 48, 48);
		BN_bn2binpad(e, md, 48);
		if (found) {
			v1 = nsm__p384_verify(pub, md, rs);
			v2 = nsm__p384_verify_anchor(pub, md, rs);
			compare(pub, md, rs, 1, "x(R) >= n");
		}
		tap_ok(found && v1 == 1 && v2 == 1,
		       "ec384: a signature whose x(R) exceeds n verifies (r = x(R) - n)");
		BN_free(n); BN_free(x); BN_free(u1); BN_free(u2); BN_free(w);
		BN_free(a); BN_free(r); BN_free(sv); BN_free(e);
		BN_CTX_free(bc);
		EC_POINT_free(R);
		EC_POINT_free(Q);
		EC_GROUP_free(g);
	}
	/* many signatures by one anchor key: the table path */
	for (j = 0, i = 0; i < 50; i++) {
		RAND_bytes(md, sizeof(md));
		sign_raw(&k[3], md, rs);
		j += nsm__p384_verify_anchor(k[3].pub, md, rs);
		rs[95] ^= 1;
		j += nsm__p384_verify_anchor(k[3].pub, md, rs) ? 100 : 0;
	}
	tap_ok(j == 50, "ec384: an anchor's table verifies 50 signatures, refuses 50 forgeries");
	tap_ok(disagree == 0, "ec384: OpenSSL's verdict on all %d cases of every kind (%d differ)",
	       200 * 5 + 10 + 3, disagree);
	for (i = 0; i < 4; i++)
		key_free(&k[i]);
}

/* ---- 2. chains --------------------------------------------------------- */

static EVP_PKEY *root_key, *int_key, *leaf_key, *p256_key;
static X509 *root;

static X509 *make_cert(const char *cn, const char *issuer_cn, EVP_PKEY *key,
		       EVP_PKEY *signer, bool ca, const EVP_MD *md)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new(), *in = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1 + (long)(cn[0]));
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const uint8_t *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_ASC, (const uint8_t *)issuer_cn,
				   -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, in);
	/* valid from 2020-01-01 to 2030-01-01 */
	ASN1_TIME_set(X509_getm_notBefore(x), 1577836800);
	ASN1_TIME_set(X509_getm_notAfter(x), 1893456000);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
				  ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
				  ca ? "critical,keyCertSign" : "critical,digitalSignature");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!X509_sign(x, signer, md)) {
		printf("Bail out! cannot sign a certificate\n");
		exit(1);
	}
	X509_NAME_free(n);
	X509_NAME_free(in);
	return x;
}

/* DER helpers for rebuilding certificates */
struct buf {
	uint8_t p[4096];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > sizeof(b->p)) {
		printf("Bail out! buffer\n");
		exit(1);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* tag, minimal length, contents */
static void put_tlv(struct buf *b, uint8_t tag, const void *p, size_t n)
{
	uint8_t h[4] = { tag };
	size_t hl;

	if (n < 0x80) {
		h[1] = (uint8_t)n;
		hl = 2;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)n;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		hl = 4;
	}
	put(b, h, hl);
	put(b, p, n);
}

/* the next TLV of [*p, end): its whole length, and its contents */
static size_t tlv(const uint8_t **p, const uint8_t **v, size_t *vn)
{
	const uint8_t *q = *p;
	size_t len = q[1], hl = 2, i;

	if (len & 0x80) {
		hl += len & 0x7f;
		for (len = 0, i = 2; i < hl; i++)
			len = len << 8 | q[i];
	}
	*v = q + hl;
	*vn = len;
	*p = q + hl + len;
	return hl + len;
}

/* the parts of a DER certificate */
struct parts {
	struct buf tbs, alg, sig;	/* TLVs; sig: the BIT STRING's contents */
};

static void split(X509 *x, struct parts *pt)
{
	uint8_t *der = NULL;
	const uint8_t *p, *v;
	size_t vn, l;

	i2d_X509(x, &der);
	p = der;
	memset(pt, 0, sizeof(*pt));
	tlv(&p, &v, &vn);
	p = v;
	l = tlv(&p, &v, &vn);
	put(&pt->tbs, p - l, l);
	l = tlv(&p, &v, &vn);
	put(&pt->alg, p - l, l);
	tlv(&p, &v, &vn);
	put(&pt->sig, v, vn);
	OPENSSL_free(der);
}

static X509 *join(const struct buf *tbs, const struct buf *alg,
		  const struct buf *sig)
{
	struct buf in = { .n = 0 }, out = { .n = 0 };
	const uint8_t *p;

	put(&in, tbs->p, tbs->n);
	put(&in, alg->p, alg->n);
	put_tlv(&in, 0x03, sig->p, sig->n);
	put_tlv(&out, 0x30, in.p, in.n);
	p = out.p;
	return d2i_X509(NULL, &p, (long)out.n);
}

/* BIT STRING contents: 0x00, ECDSA-Sig-Value of the signature on @tbs */
static void resign(struct buf *sig, const struct buf *tbs, EVP_PKEY *key,
		   const EVP_MD *md)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t s[160];
	size_t n = sizeof(s);

	if (!m || EVP_DigestSignInit(m, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(m, s, &n, tbs->p, tbs->n) != 1) {
		printf("Bail out! cannot sign\n");
		exit(1);
	}
	EVP_MD_CTX_free(m);
	sig->n = 0;
	put(sig, "", 1);
	put(sig, s, n);
}

struct report {
	int err[16], depth[16], n;
};

static int record(int ok, X509_STORE_CTX *ctx)
{
	struct report *r = X509_STORE_CTX_get_app_data(ctx);

	if (!ok && r->n < 16) {
		r->err[r->n] = X509_STORE_CTX_get_error(ctx);
		r->depth[r->n++] = X509_STORE_CTX_get_error_depth(ctx);
	}
	return 1;	/* go on, as the library's callback does */
}

/* X509_verify_cert() of @leaf over @inter at @t, with or without the hook */
static int chain_verdict(X509 *leaf, X509 *inter, time_t t, bool hook,
			 struct report *r)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *un = sk_X509_new_null();
	int ret;

	memset(r, 0, sizeof(*r));
	X509_STORE_add_cert(st, root);
	if (inter)
		sk_X509_push(un, inter);
	X509_STORE_CTX_init(ctx, st, leaf, un);
	X509_STORE_CTX_set_app_data(ctx, r);
	X509_STORE_CTX_set_verify_cb(ctx, record);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), t);
	if (hook)
		X509_STORE_CTX_set_verify(ctx, nsm__verify_chain_signatures);
	ret = X509_verify_cert(ctx);
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(un);
	X509_STORE_free(st);
	return ret;
}

static int chains, chain_diff, chain_valid;

static void compare_chain(X509 *leaf, X509 *inter, const char *what)
{
	static const time_t times[] = { 1700000000, 1500000000, 1900000000 };
	struct report a, b;
	size_t i;
	int ra, rb;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ra = chain_verdict(leaf, inter, times[i], false, &a);
		rb = chain_verdict(leaf, inter, times[i], true, &b);
		chains++;
		if (ra == 1 && a.n == 0)
			chain_valid++;
		if (ra != rb || a.n != b.n ||
		    memcmp(a.err, b.err, sizeof(int) * (size_t)a.n) ||
		    memcmp(a.depth, b.depth, sizeof(int) * (size_t)a.n)) {
			if (chain_diff++ < 10)
				printf("# %s at %lld: openssl %d/%d errors (first %d), hook %d/%d (first %d)\n",
				       what, (long long)times[i], ra, a.n, a.n ? a.err[0] : 0,
				       rb, b.n, b.n ? b.err[0] : 0);
		}
	}
}

/* BIT STRING contents: 0x00, then SEQUENCE { INTEGER @r, INTEGER @s } */
static struct buf sig_value(const uint8_t *r, size_t rn, const uint8_t *s,
			    size_t sn)
{
	struct buf ints = { .n = 0 }, seq = { .n = 0 };

	put_tlv(&ints, 0x02, r, rn);
	put_tlv(&ints, 0x02, s, sn);
	put(&seq, "", 1);
	put_tlv(&seq, 0x30, ints.p, ints.n);
	return seq;
}

/* the ECDSA-Sig-Value variants of one signature */
static int sig_variants(const struct buf *sig, struct buf out[16])
{
	const uint8_t *p = sig->p + 1, *v, *rv, *sv;
	uint8_t z[64] = { 0 }, l;
	size_t vn, rn, sn;
	int k = 0;

	tlv(&p, &v, &vn);
	p = v;
	tlv(&p, &rv, &rn);
	tlv(&p, &sv, &sn);
	/* 0: unused bits */
	out[k] = *sig;
	out[k++].p[0] = 0x01;
	/* 1: r with a needless leading zero */
	memcpy(z + 1, rv, rn);
	out[k++] = sig_value(z, rn + 1, sv, sn);
	/* 2: trailing byte after the SEQUENCE */
	out[k] = *sig;
	put(&out[k++], "", 1);
	/* 3: long-form SEQUENCE length */
	out[k].n = 0;
	put(&out[k], "\x00\x30\x81", 3);
	l = (uint8_t)vn;
	put(&out[k], &l, 1);
	put(&out[k++], v, vn);
	/* 4: r negative (its top bit set, no zero pad): drop a leading 00 */
	if (rv[0] == 0 && rn > 1 && (rv[1] & 0x80))
		out[k++] = sig_value(rv + 1, rn - 1, sv, sn);
	/* 5: r and s swapped */
	out[k++] = sig_value(sv, sn, rv, rn);
	/* 6: s = 0 */
	out[k++] = sig_value(rv, rn, (const uint8_t *)"", 1);
	/* 7: INTEGER tag changed */
	out[k] = *sig;
	out[k++].p[3] = 0x03;
	return k;
}

/*
 * @tbs: @orig with its signature AlgorithmIdentifier (the third element,
 * after version and serial) replaced by @a; @alg: @a alone.
 */
static void with_alg(struct buf *tbs, struct buf *alg, const struct buf *orig,
		     const uint8_t *a, size_t alen)
{
	const uint8_t *p = orig->p, *v, *q;
	struct buf in = { .n = 0 };
	size_t vn, l;
	int i;

	tlv(&p, &v, &vn);
	q = v;
	for (i = 0; i < 2; i++) {
		l = tlv(&q, &v, &vn);
		put(&in, q - l, l);
	}
	tlv(&q, &v, &vn);
	put(&in, a, alen);
	put(&in, q, (size_t)(orig->p + orig->n - q));
	tbs->n = 0;
	put_tlv(tbs, 0x30, in.p, in.n);
	alg->n = 0;
	put(alg, a, alen);
}

static void mutate(X509 *x, EVP_PKEY *issuer, bool is_leaf,
		   X509 *other)
{
	static const uint8_t alg_null[] = { 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48,
					    0xce, 0x3d, 0x04, 0x03, 0x03, 0x05, 0x00 };
	static const uint8_t alg_sha256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
					      0xce, 0x3d, 0x04, 0x03, 0x02 };
	struct parts pt;
	struct buf var[16], tbs, alg;
	X509 *m;
	size_t i;
	int k, nv;
	char what[64];

	split(x, &pt);
#define CHECK(cert, label) do {						\
		m = (cert);						\
		if (m) {						\
			if (is_leaf)					\
				compare_chain(m, other, label);	\
			else						\
				compare_chain(other, m, label);	\
			X509_free(m);					\
		}							\
	} while (0)
	CHECK(join(&pt.tbs, &pt.alg, &pt.sig), "unchanged");
	/* every byte of the signature, one bit each */
	for (i = 0; i < pt.sig.n; i++) {
		struct buf s = pt.sig;

		s.p[i] ^= (uint8_t)(1u << (i % 8));
		snprintf(what, sizeof(what), "signature byte %zu", i);
		CHECK(join(&pt.tbs, &pt.alg, &s), what);
	}
	/* a few bytes of the TBSCertificate (its serial, its key) */
	for (i = 8; i < pt.tbs.n; i += 37) {
		struct buf t = pt.tbs;

		t.p[i] ^= 0x01;
		snprintf(what, sizeof(what), "tbs byte %zu", i);
		CHECK(join(&t, &pt.alg, &pt.sig), what);
	}
	nv = sig_variants(&pt.sig, var);
	for (k = 0; k < nv; k++) {
		snprintf(what, sizeof(what), "ECDSA-Sig-Value variant %d", k);
		CHECK(join(&pt.tbs, &pt.alg, &var[k]), what);
	}
	/* the outer algorithm differs from the TBS's */
	alg.n = 0;
	put(&alg, alg_sha256, sizeof(alg_sha256));
	CHECK(join(&pt.tbs, &alg, &pt.sig), "outer algorithm ecdsa-with-SHA256");
	/* NULL parameters in both places, signed again: valid */
	with_alg(&tbs, &alg, &pt.tbs, alg_null, sizeof(alg_null));
	{
		struct buf s;

		resign(&s, &tbs, issuer, EVP_sha384());
		CHECK(join(&tbs, &alg, &s), "NULL parameters, signed again");
	}
	/* ecdsa-with-SHA256 in both places, signed again: valid */
	with_alg(&tbs, &alg, &pt.tbs, alg_sha256, sizeof(alg_sha256));
	{
		struct buf s;

		resign(&s, &tbs, issuer, EVP_sha256());
		CHECK(join(&tbs, &alg, &s), "ecdsa-with-SHA256, signed again");
	}
	/* signed by a P-256 key instead */
	{
		struct buf s;

		resign(&s, &pt.tbs, p256_key, EVP_sha384());
		CHECK(join(&pt.tbs, &pt.alg, &s), "signed by a P-256 key");
	}
#undef CHECK
}

static void test_chains(void)
{
	X509 *inter, *leaf;

	root_key = EVP_EC_gen("P-384");
	int_key = EVP_EC_gen("P-384");
	leaf_key = EVP_EC_gen("P-384");
	p256_key = EVP_EC_gen("P-256");
	root = make_cert("root", "root", root_key, root_key, true, EVP_sha384());
	inter = make_cert("inter", "root", int_key, root_key, true, EVP_sha384());
	leaf = make_cert("leaf", "inter", leaf_key, int_key, false, EVP_sha384());

	mutate(leaf, int_key, true, inter);
	mutate(inter, root_key, false, leaf);
	/* no intermediate at all: path building fails the same way */
	compare_chain(leaf, NULL, "no intermediate");

	tap_ok(chains > 300, "chains: %d verifications compared", chains);
	tap_ok(chain_valid >= 4, "chains: the untouched and re-signed chains verify (%d)",
	       chain_valid);
	tap_ok(chain_diff == 0,
	       "chains: the same result and (error, depth) reports as OpenSSL's own step (%d differ)",
	       chain_diff);
	X509_free(leaf);
	X509_free(inter);
	X509_free(root);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(int_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(p256_key);
}

int main(void)
{
	tap_start();
	test_signatures();
	test_chains();
	return tap_end(10);
}
