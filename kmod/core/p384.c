// SPDX-License-Identifier: GPL-2.0
/*
 * ECDSA P-384 / SHA-384 signing with RFC 6979 deterministic nonces.
 *
 * Secrets (the private key d and the nonce k) only ever meet constant-time
 * code: the fixed-base comb (p384_point.c), Montgomery arithmetic and
 * Fermat inversions with fixed exponents (p384_mod.c), and HMAC-SHA-384.
 * The only branches that follow from secret-derived values are on facts
 * that are public by design: whether the key is valid at all, whether an
 * RFC 6979 candidate is out of range (probability < 2^-190, and a rejected
 * candidate says nothing about the accepted one), and whether r or s came
 * out zero (they are published). Those values pass through
 * p384_declassify(), which the ct-check build uses to tell valgrind so.
 */
#include "p384.h"
#include "p384_int.h"
#include "hmac_sha384.h"

/* Tests build the core with this hook poisoning the nonce for valgrind. */
#ifndef p384_ct_secret
#define p384_ct_secret(p, len) do { (void)(p); (void)(len); } while (0)
#endif

/* candidate nonces or signatures tried before giving up (never reached) */
#define P384_SIGN_TRIES	16

/* all-ones if 1 <= a < n */
static u64 scalar_valid_mask(const u64 a[P384_LIMBS])
{
	return ~p384_zero_mask(a) & p384_lt_mask(a, p384_n.m);
}

/* branch-safe boolean out of a mask that is public by design */
static bool declassified(u64 mask)
{
	u64 bit = mask & 1;

	p384_declassify(&bit, sizeof(bit));
	return bit != 0;
}

bool p384_priv_valid(const u8 priv[P384_SCALAR_LEN])
{
	u64 d[P384_LIMBS];
	u64 ok;

	p384_from_bytes(d, priv);
	ok = scalar_valid_mask(d);
	nsm_plat_wipe(d, sizeof(d));
	return declassified(ok);
}

int p384_keygen(u8 priv[P384_SCALAR_LEN])
{
	int i;

	for (i = 0; i < P384_SIGN_TRIES; i++) {
		if (nsm_plat_random(priv, P384_SCALAR_LEN))
			break;
		if (p384_priv_valid(priv))
			return 0;
	}
	nsm_plat_wipe(priv, P384_SCALAR_LEN);
	return -1;
}

/* 48-byte big-endian affine coordinates of a projective point */
static void encode_point(u8 out[P384_PUB_LEN], const struct p384_point *pt)
{
	u64 x[P384_LIMBS], y[P384_LIMBS];

	(void)p384_point_to_affine(x, y, pt);
	p384_from_mont(x, x, &p384_p);
	p384_from_mont(y, y, &p384_p);
	out[0] = 0x04;
	p384_to_bytes(out + 1, x);
	p384_to_bytes(out + 1 + P384_SCALAR_LEN, y);
}

int p384_pubkey(const u8 priv[P384_SCALAR_LEN], u8 pub[P384_PUB_LEN])
{
	struct p384_point q;
	u64 d[P384_LIMBS];

	if (!p384_priv_valid(priv))
		return -1;
	p384_from_bytes(d, priv);
	p384_scalar_mul_base(&q, d);
	encode_point(pub, &q);
	nsm_plat_wipe(d, sizeof(d));
	nsm_plat_wipe(&q, sizeof(q));
	return 0;
}

/**
 * p384_digest_to_scalar() - e = bits2int(digest) mod n (RFC 6979 2.3.2)
 * @e:      receives the scalar (plain form, < n)
 * @digest: SHA-384 digest, big-endian
 *
 * SHA-384 output and the order are both 384 bits long, so bits2int is the
 * plain big-endian conversion, and one conditional subtraction reduces it
 * (2^384 < 2n).
 */
void p384_digest_to_scalar(u64 e[P384_LIMBS], const u8 digest[48])
{
	u64 h[P384_LIMBS];

	p384_from_bytes(h, digest);
	p384_reduce_once(e, h, &p384_n);
}

/* RFC 6979 section 3.2 HMAC_DRBG state (K and V) */
struct rfc6979 {
	u8 k[NSM_SHA384_LEN];
	u8 v[NSM_SHA384_LEN];
	bool started;
};

/* K = HMAC_K(V || sep [|| x || h1]); V = HMAC_K(V) */
static int rfc6979_update(struct rfc6979 *st, u8 sep, const u8 *x,
			  const u8 *h1)
{
	struct nsm_sg sg[4] = {
		{ st->v, sizeof(st->v) }, { &sep, 1 },
		{ x, P384_SCALAR_LEN }, { h1, P384_SCALAR_LEN },
	};
	int ret;

	ret = hmac_sha384(st->k, sizeof(st->k), sg, x ? 4 : 2, st->k);
	if (!ret)
		ret = hmac_sha384(st->k, sizeof(st->k), sg, 1, st->v);
	return ret;
}

/* steps 3.2 a-f: seed the generator with int2octets(x), bits2octets(h1) */
static int rfc6979_init(struct rfc6979 *st, const u8 priv[P384_SCALAR_LEN],
			const u8 digest[NSM_SHA384_LEN])
{
	u64 e[P384_LIMBS];
	u8 h1[P384_SCALAR_LEN];
	int ret;

	p384_digest_to_scalar(e, digest);
	p384_to_bytes(h1, e);
	memset(st->v, 0x01, sizeof(st->v));
	memset(st->k, 0x00, sizeof(st->k));
	st->started = false;
	ret = rfc6979_update(st, 0x00, priv, h1);
	if (!ret)
		ret = rfc6979_update(st, 0x01, priv, h1);
	return ret;
}

/*
 * Step 3.2 h: the next candidate k with 1 <= k < n. qlen = hlen = 384, so
 * one HMAC output is one candidate, taken as is (bits2int, no reduction).
 * Later calls first advance the state as step h.3 prescribes, which is
 * also what section 3.4 asks when r or s turns out to be zero.
 */
static int rfc6979_next(struct rfc6979 *st, u64 k[P384_LIMBS])
{
	struct nsm_sg sg = { st->v, sizeof(st->v) };
	int i, ret;

	for (i = 0; i < P384_SIGN_TRIES; i++) {
		if (st->started) {
			ret = rfc6979_update(st, 0x00, NULL, NULL);
			if (ret)
				return ret;
		}
		st->started = true;
		ret = hmac_sha384(st->k, sizeof(st->k), &sg, 1, st->v);
		if (ret)
			return ret;
		p384_ct_secret(st->v, sizeof(st->v));
		p384_from_bytes(k, st->v);
		if (declassified(scalar_valid_mask(k)))
			return 0;
	}
	return -1;
}

/**
 * p384_rfc6979_nonce() - the first RFC 6979 nonce for @priv and @digest
 * @priv:   private key, big-endian
 * @digest: SHA-384 of the message
 * @k:      receives the nonce, big-endian
 *
 * For known-answer tests of the generator alone (RFC 6979 lists k).
 * Return: 0, or a negative value if hashing failed.
 */
int p384_rfc6979_nonce(const u8 priv[48], const u8 digest[NSM_SHA384_LEN],
		       u8 k[48])
{
	struct rfc6979 st;
	u64 kl[P384_LIMBS];
	int ret;

	ret = rfc6979_init(&st, priv, digest);
	if (!ret)
		ret = rfc6979_next(&st, kl);
	if (!ret)
		p384_to_bytes(k, kl);
	nsm_plat_wipe(&st, sizeof(st));
	nsm_plat_wipe(kl, sizeof(kl));
	return ret;
}

/* everything secret of one signature, wiped as a whole */
struct sign_state {
	struct rfc6979 drbg;
	struct p384_point kg;
	u64 d[P384_LIMBS];	/* d * R mod n */
	u64 k[P384_LIMBS];
	u64 kinv[P384_LIMBS];
	u64 t[P384_LIMBS];
	u64 x[P384_LIMBS], y[P384_LIMBS];
};

/*
 * One attempt with nonce st->k: r = x(kG) mod n, s = k^-1 (e + r d) mod n.
 * Return: true when neither r nor s is zero.
 */
static bool sign_with_nonce(struct sign_state *st, const u64 e[P384_LIMBS],
			    u64 r[P384_LIMBS], u64 s[P384_LIMBS])
{
	p384_scalar_mul_base(&st->kg, st->k);
	(void)p384_point_to_affine(st->x, st->y, &st->kg);
	p384_from_mont(st->x, st->x, &p384_p);
	p384_reduce_once(r, st->x, &p384_n);		/* x < p < 2n */

	p384_to_mont(st->kinv, st->k, &p384_n);
	p384_mod_inv(st->kinv, st->kinv, &p384_n);	/* k^-1 * R */
	p384_mod_mul(st->t, r, st->d, &p384_n);		/* r * d */
	p384_mod_add(st->t, st->t, e, &p384_n);
	p384_mod_mul(s, st->kinv, st->t, &p384_n);	/* k^-1 (e + r d) */

	/* r and s are the published signature */
	p384_declassify(r, P384_LIMBS * sizeof(u64));
	p384_declassify(s, P384_LIMBS * sizeof(u64));
	return !(p384_zero_mask(r) | p384_zero_mask(s));
}

int p384_sign_digest(const u8 priv[P384_SCALAR_LEN],
		     const u8 digest[NSM_SHA384_LEN], u8 sig[P384_SIG_LEN])
{
	struct sign_state st;
	u64 e[P384_LIMBS], r[P384_LIMBS], s[P384_LIMBS];
	int i, ret;

	if (!p384_priv_valid(priv))
		return -1;

	p384_digest_to_scalar(e, digest);
	p384_from_bytes(st.d, priv);
	p384_to_mont(st.d, st.d, &p384_n);
	ret = rfc6979_init(&st.drbg, priv, digest);
	for (i = 0; !ret && i < P384_SIGN_TRIES; i++) {
		ret = rfc6979_next(&st.drbg, st.k);
		if (ret)
			break;
		if (sign_with_nonce(&st, e, r, s)) {
			p384_to_bytes(sig, r);
			p384_to_bytes(sig + P384_SCALAR_LEN, s);
			goto out;
		}
	}
	ret = -1;
out:
	nsm_plat_wipe(&st, sizeof(st));
	return ret;
}

/* y^2 == x^3 - 3x + b for affine Montgomery-form x, y */
static bool on_curve(const u64 x[P384_LIMBS], const u64 y[P384_LIMBS])
{
	u64 lhs[P384_LIMBS], rhs[P384_LIMBS], t[P384_LIMBS];
	int i;

	p384_mod_mul(lhs, y, y, &p384_p);
	p384_mod_mul(rhs, x, x, &p384_p);
	p384_mod_mul(rhs, rhs, x, &p384_p);
	p384_mod_add(t, x, x, &p384_p);
	p384_mod_add(t, t, x, &p384_p);
	p384_mod_sub(rhs, rhs, t, &p384_p);
	p384_mod_add(rhs, rhs, p384_b_mont, &p384_p);
	for (i = 0; i < P384_LIMBS; i++)
		if (lhs[i] != rhs[i])
			return false;
	return true;
}

/**
 * p384_pub_decode() - parse and validate an uncompressed public key
 * @q:   receives the point
 * @pub: 0x04 || X || Y
 *
 * Return: 0 with @q set (Montgomery form, Z = 1), or -1 if @pub is not the
 * encoding of a point on the curve.
 */
static int p384_pub_decode(struct p384_point *q, const u8 pub[P384_PUB_LEN])
{
	u64 x[P384_LIMBS], y[P384_LIMBS];

	if (pub[0] != 0x04)
		return -1;
	p384_from_bytes(x, pub + 1);
	p384_from_bytes(y, pub + 1 + P384_SCALAR_LEN);
	if (!(p384_lt_mask(x, p384_p.m) & p384_lt_mask(y, p384_p.m)))
		return -1;
	p384_to_mont(q->x, x, &p384_p);
	p384_to_mont(q->y, y, &p384_p);
	memcpy(q->z, p384_p.one, sizeof(q->z));
	return on_curve(q->x, q->y) ? 0 : -1;
}

int p384_verify_digest(const u8 pub[P384_PUB_LEN],
		       const u8 digest[NSM_SHA384_LEN],
		       const u8 sig[P384_SIG_LEN])
{
	struct p384_point q, rp;
	u64 r[P384_LIMBS], s[P384_LIMBS], e[P384_LIMBS];
	u64 u1[P384_LIMBS], u2[P384_LIMBS], x[P384_LIMBS], y[P384_LIMBS];
	int i;

	if (p384_pub_decode(&q, pub))
		return -1;
	p384_from_bytes(r, sig);
	p384_from_bytes(s, sig + P384_SCALAR_LEN);
	if (!(scalar_valid_mask(r) & scalar_valid_mask(s)))
		return -1;
	p384_digest_to_scalar(e, digest);

	p384_to_mont(s, s, &p384_n);
	p384_mod_inv(s, s, &p384_n);		/* s^-1 * R */
	p384_mod_mul(u1, e, s, &p384_n);	/* e / s */
	p384_mod_mul(u2, r, s, &p384_n);	/* r / s */
	p384_double_scalar_mul(&rp, u1, u2, &q);
	if (p384_point_to_affine(x, y, &rp))
		return -1;
	p384_from_mont(x, x, &p384_p);
	p384_reduce_once(x, x, &p384_n);
	for (i = 0; i < P384_LIMBS; i++)
		if (x[i] != r[i])
			return -1;
	return 0;
}

/* RFC 6979 A.2.6: key and the signature of "sample" with SHA-384 */
static const u8 selftest_priv[P384_SCALAR_LEN] = {
	0x6b, 0x9d, 0x3d, 0xad, 0x2e, 0x1b, 0x8c, 0x1c, 0x05, 0xb1, 0x98, 0x75,
	0xb6, 0x65, 0x9f, 0x4d, 0xe2, 0x3c, 0x3b, 0x66, 0x7b, 0xf2, 0x97, 0xba,
	0x9a, 0xa4, 0x77, 0x40, 0x78, 0x71, 0x37, 0xd8, 0x96, 0xd5, 0x72, 0x4e,
	0x4c, 0x70, 0xa8, 0x25, 0xf8, 0x72, 0xc9, 0xea, 0x60, 0xd2, 0xed, 0xf5,
};

static const u8 selftest_sig[P384_SIG_LEN] = {
	0x94, 0xed, 0xbb, 0x92, 0xa5, 0xec, 0xb8, 0xaa, 0xd4, 0x73, 0x6e, 0x56,
	0xc6, 0x91, 0x91, 0x6b, 0x3f, 0x88, 0x14, 0x06, 0x66, 0xce, 0x9f, 0xa7,
	0x3d, 0x64, 0xc4, 0xea, 0x95, 0xad, 0x13, 0x3c, 0x81, 0xa6, 0x48, 0x15,
	0x2e, 0x44, 0xac, 0xf9, 0x6e, 0x36, 0xdd, 0x1e, 0x80, 0xfa, 0xbe, 0x46,
	0x99, 0xef, 0x4a, 0xeb, 0x15, 0xf1, 0x78, 0xce, 0xa1, 0xfe, 0x40, 0xdb,
	0x26, 0x03, 0x13, 0x8f, 0x13, 0x0e, 0x74, 0x0a, 0x19, 0x62, 0x45, 0x26,
	0x20, 0x3b, 0x63, 0x51, 0xd0, 0xa3, 0xa9, 0x4f, 0xa3, 0x29, 0xc1, 0x45,
	0x78, 0x6e, 0x67, 0x9e, 0x7b, 0x82, 0xc7, 0x1a, 0x38, 0x62, 0x8a, 0xc8,
};

int p384_selftest(void)
{
	static const char msg[] = "sample";
	struct nsm_sg sg = { msg, sizeof(msg) - 1 };
	u8 digest[NSM_SHA384_LEN], pub[P384_PUB_LEN], sig[P384_SIG_LEN];

	if (nsm_plat_sha384(&sg, 1, digest))
		return -1;
	if (p384_pubkey(selftest_priv, pub))
		return -1;
	if (p384_sign_digest(selftest_priv, digest, sig))
		return -1;
	if (memcmp(sig, selftest_sig, sizeof(sig)))
		return -1;
	if (p384_verify_digest(pub, digest, sig))
		return -1;
	sig[P384_SIG_LEN - 1] ^= 1;
	if (!p384_verify_digest(pub, digest, sig))
		return -1;
	return 0;
}
