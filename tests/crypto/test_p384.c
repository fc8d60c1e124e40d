// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the core's ECDSA P-384 signer (kmod/core/p384*.c), TAP
 * output. OpenSSL is the reference: it verifies the core's signatures and
 * computes the public keys the core's must equal.
 *
 * Usage: test_p384 [RANDOM_ITERATIONS]   (default 10000)
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kmod/core/p384.h"
#include "../../kmod/core/p384_int.h"
#include "../../kmod/core/hmac_sha384.h"
#include "../tap.h"

/* hmac 2, bits2int 5, rfc 10, mod 2, points 4, edge 16, invalid 2,
 * keygen 1, verify 2, random 3 */
#define PLANNED 47

static void diag_hex(const char *what, const u8 *p, size_t len)
{
	size_t i;

	printf("# %s: ", what);
	for (i = 0; i < len; i++)
		printf("%02X", p[i]);
	printf("\n");
}

static void unhex(u8 *out, size_t len, const char *hex)
{
	size_t i;

	if (strlen(hex) != 2 * len) {
		fprintf(stderr, "bad hex constant %s\n", hex);
		exit(2);
	}
	for (i = 0; i < len; i++) {
		unsigned int v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (u8)v;
	}
}

static void sha384(const void *msg, size_t len, u8 out[48])
{
	struct nsm_sg sg = { msg, len };

	if (nsm_plat_sha384(&sg, 1, out)) {
		fprintf(stderr, "sha384 failed\n");
		exit(2);
	}
}

/* ------------------------------------------------------------------ */
/* OpenSSL reference                                                    */

static EC_GROUP *group;
static BN_CTX *bnctx;

/*
 * Q = d*G by OpenSSL's EC_POINT_mul, uncompressed. Asked as d*G + 0*G so
 * that OpenSSL takes its wNAF path with the generator table precomputed in
 * main() (7x faster than the constant-time ladder it uses for a lone
 * scalar; same point).
 */
static int ossl_pubkey(const u8 priv[48], u8 pub[97])
{
	BIGNUM *d = BN_bin2bn(priv, 48, NULL);
	BIGNUM *zero = BN_new();
	EC_POINT *q = EC_POINT_new(group);
	int ok_ = d && zero && q &&
		  EC_POINT_mul(group, q, d, EC_GROUP_get0_generator(group),
			       zero, bnctx) &&
		  EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED,
				     pub, 97, bnctx) == 97;

	BN_free(d);
	BN_free(zero);
	EC_POINT_free(q);
	return ok_ ? 0 : -1;
}

/*
 * The generator table for ossl_pubkey(). Deprecated in OpenSSL 3.0 along
 * with the rest of the low-level EC API, but still the only way to get it;
 * it only speeds up the reference, 10,000 times.
 */
static int precompute_generator(void)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	return EC_GROUP_precompute_mult(group, bnctx);
#pragma GCC diagnostic pop
}

static EVP_PKEY *ossl_pkey(const u8 pub[97], const u8 *priv)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *d = priv ? BN_bin2bn(priv, 48, NULL) : NULL;

	if (!bld || !ctx ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     "P-384", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      pub, 97) ||
	    (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey,
			      priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			      params) <= 0)
		pkey = NULL;
out:
	BN_free(d);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* 1 if OpenSSL accepts r || s over digest for pub, 0 if not, -1 on error */
static int ossl_verify(const u8 pub[97], const u8 digest[48],
		       const u8 sig[96])
{
	EVP_PKEY *pkey = ossl_pkey(pub, NULL);
	EVP_PKEY_CTX *ctx = NULL;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 48, NULL), *s = BN_bin2bn(sig + 48, 48, NULL);
	unsigned char *der = NULL;
	int der_len, ret = -1;

	if (!pkey || !es || !r || !s || !ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL;
	der_len = i2d_ECDSA_SIG(es, &der);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (der_len <= 0 || !ctx || EVP_PKEY_verify_init(ctx) <= 0)
		goto out;
	ret = EVP_PKEY_verify(ctx, der, (size_t)der_len, digest, 48) == 1;
out:
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ret;
}

/* an OpenSSL (random-nonce) signature, as r || s */
static int ossl_sign(const u8 priv[48], const u8 pub[97], const u8 digest[48],
		     u8 sig[96])
{
	EVP_PKEY *pkey = ossl_pkey(pub, priv);
	EVP_PKEY_CTX *ctx = pkey ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)
				 : NULL;
	unsigned char der[128];
	const unsigned char *p = der;
	size_t len = sizeof(der);
	ECDSA_SIG *es = NULL;
	int ret = -1;

	if (!ctx || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_sign(ctx, der, &len, digest, 48) <= 0)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!es || BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 48) != 48 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 48, 48) != 48)
		goto out;
	ret = 0;
out:
	ECDSA_SIG_free(es);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ret;
}

/* ------------------------------------------------------------------ */

static const char rfc_priv[] =
	"6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA"
	"9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";
static const char rfc_ux[] =
	"EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E"
	"06AAE5286B300C64DEF8F0EA9055866064A254515480BC13";
static const char rfc_uy[] =
	"8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9"
	"F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720";
static const char order_hex[] =
	"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
	"C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973";

/*
 * RFC 6979 (Pornin, "Deterministic Usage of the Digital Signature
 * Algorithm (DSA) and Elliptic Curve Digital Signature Algorithm (ECDSA)",
 * August 2013), appendix A.2.6: ECDSA, 384 bits (prime field), With
 * SHA-384, messages "sample" and "test".
 */
static const struct {
	const char *msg, *k, *r, *s;
} rfc_vectors[] = {
	{ "sample",
	  "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA8"
	  "7A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
	  "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA7"
	  "3D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
	  "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526"
	  "203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8" },
	{ "test",
	  "015EE46A5BF88773ED9123A5AB0807962D193719503C527B"
	  "031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
	  "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36"
	  "AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
	  "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B"
	  "827C2F13173923E06A739F040649A667BF3B828246BAA5A5" },
};

static void test_rfc6979(void)
{
	u8 priv[48], pub[97], want_pub[97], digest[48], k[48], want[48];
	u8 sig[96], want_sig[96];
	size_t i;

	unhex(priv, 48, rfc_priv);
	want_pub[0] = 4;
	unhex(want_pub + 1, 48, rfc_ux);
	unhex(want_pub + 49, 48, rfc_uy);
	tap_ok(p384_pubkey(priv, pub) == 0 && !memcmp(pub, want_pub, 97),
	       "RFC 6979 A.2.6 public key (Ux, Uy)");

	for (i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		const char *m = rfc_vectors[i].msg;

		sha384(m, strlen(m), digest);
		unhex(want, 48, rfc_vectors[i].k);
		tap_ok(p384_rfc6979_nonce(priv, digest, k) == 0 &&
		       !memcmp(k, want, 48),
		       "RFC 6979 A.2.6 SHA-384 \"%s\": k", m);
		unhex(want_sig, 48, rfc_vectors[i].r);
		unhex(want_sig + 48, 48, rfc_vectors[i].s);
		memset(sig, 0, sizeof(sig));
		tap_ok(p384_sign_digest(priv, digest, sig) == 0 &&
		       !memcmp(sig, want_sig, 48),
		       "RFC 6979 A.2.6 SHA-384 \"%s\": r", m);
		tap_ok(!memcmp(sig + 48, want_sig + 48, 48),
		       "RFC 6979 A.2.6 SHA-384 \"%s\": s", m);
		if (memcmp(sig, want_sig, 96))
			diag_hex("got r||s", sig, 96);
		tap_ok(ossl_verify(pub, digest, sig) == 1 &&
		       p384_verify_digest(pub, digest, sig) == 0,
		       "RFC 6979 \"%s\" signature verifies (OpenSSL and core)", m);
	}
	tap_ok(p384_selftest() == 0, "p384_selftest() passes");
}

/* RFC 4231 test case 7 (HMAC-SHA-384, 131-byte key, long message) */
static void test_hmac(void)
{
	static const char data[] =
		"This is a test using a larger than block-size key and a "
		"larger than block-size data. The key needs to be hashed "
		"before being used by the HMAC algorithm.";
	u8 key[131], out[48], want[48];
	struct nsm_sg sg[3] = {
		{ data, 20 }, { data + 20, 0 }, { data + 20, sizeof(data) - 21 },
	};

	memset(key, 0xaa, sizeof(key));
	unhex(want, 48,
	      "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	      "a678cc31e799176d3860e6110c46523e");
	tap_ok(hmac_sha384(key, sizeof(key), sg, 3, out) == 0 &&
	       !memcmp(out, want, 48), "HMAC-SHA-384 RFC 4231 case 7 (3 pieces)");
	tap_ok(hmac_sha384(key, 4, sg, HMAC_SHA384_MAX_SG + 1, out) < 0,
	       "HMAC-SHA-384 rejects too many pieces");
}

static void test_digest_conversion(void)
{
	u8 n[48], d[48], out[48], priv[48], sig1[96], sig2[96], pub[97];
	u64 e[6];
	int i, good = 1;

	unhex(n, 48, order_hex);

	/* digest < n: unchanged */
	memcpy(d, n, 48);
	d[47] -= 1;
	p384_digest_to_scalar(e, d);
	p384_to_bytes(out, e);
	tap_ok(!memcmp(out, d, 48), "bits2int: digest n-1 is kept as is");

	/* digest == n: 0 */
	p384_digest_to_scalar(e, n);
	tap_ok(p384_zero_mask(e) == ~0ULL, "bits2int: digest n reduces to 0");

	/* digest == n + 5: 5 */
	memcpy(d, n, 48);
	d[47] += 5;	/* n ends in 0x73: no carry */
	p384_digest_to_scalar(e, d);
	tap_ok(e[0] == 5 && !(e[1] | e[2] | e[3] | e[4] | e[5]),
	       "bits2int: digest n+5 reduces to 5");

	/* all-ones digest: 2^384 - 1 - n */
	memset(d, 0xff, 48);
	p384_digest_to_scalar(e, d);
	p384_to_bytes(out, e);
	{
		u8 want[48];
		int borrow = 0;

		for (i = 47; i >= 0; i--) {
			int v = 0xff - n[i] - borrow;

			borrow = v < 0;
			want[i] = (u8)(v + (borrow ? 256 : 0));
		}
		tap_ok(!memcmp(out, want, 48),
		       "bits2int: digest 2^384-1 reduces to 2^384-1-n");
	}

	/*
	 * End to end: a digest h >= n and h - n give the same signature (both
	 * e and RFC 6979's bits2octets reduce mod n), and OpenSSL (which
	 * reduces too) accepts it.
	 */
	unhex(priv, 48, rfc_priv);
	p384_pubkey(priv, pub);
	memset(d, 0xff, 48);
	good &= p384_sign_digest(priv, d, sig1) == 0;
	good &= p384_sign_digest(priv, out, sig2) == 0;
	tap_ok(good && !memcmp(sig1, sig2, 96) && ossl_verify(pub, d, sig1) == 1,
	       "digest 2^384-1 signs like 2^384-1-n; OpenSSL verifies it");
}

static void test_mod_arith(void)
{
	const struct p384_modulus *mods[2] = { &p384_p, &p384_n };
	const char *names[2] = { "p", "n" };
	int mi, i, good;

	for (mi = 0; mi < 2; mi++) {
		const struct p384_modulus *m = mods[mi];
		BIGNUM *bm = BN_new(), *ba = BN_new(), *bb = BN_new();
		BIGNUM *br = BN_new(), *bx = BN_new();
		u8 mb[48], ab[48], bbytes[48], want[48], got[48];
		u64 a[6], b[6], r[6], am[6];

		p384_to_bytes(mb, m->m);
		BN_bin2bn(mb, 48, bm);
		good = 1;
		for (i = 0; i < 2000; i++) {
			RAND_bytes(ab, 48);
			RAND_bytes(bbytes, 48);
			/* edge operands now and then */
			if (i == 0)
				memset(ab, 0, 48);
			if (i == 1 || i == 2) {
				memcpy(ab, mb, 48);
				ab[47] -= (u8)i;	/* m-1, m-2 */
			}
			if (i == 3)
				memcpy(bbytes, ab, 48);
			p384_from_bytes(a, ab);
			p384_from_bytes(b, bbytes);
			p384_reduce_once(a, a, m);	/* < 2^384 < 2m */
			p384_reduce_once(b, b, m);
			p384_to_bytes(ab, a);
			p384_to_bytes(bbytes, b);
			BN_bin2bn(ab, 48, ba);
			BN_bin2bn(bbytes, 48, bb);

			/* a*b via Montgomery form round trip */
			p384_to_mont(am, a, m);
			p384_to_mont(r, b, m);
			p384_mod_mul(r, am, r, m);
			p384_from_mont(r, r, m);
			p384_to_bytes(got, r);
			BN_mod_mul(br, ba, bb, bm, bnctx);
			BN_bn2binpad(br, want, 48);
			good &= !memcmp(got, want, 48);

			p384_mod_add(r, a, b, m);
			p384_to_bytes(got, r);
			BN_mod_add(br, ba, bb, bm, bnctx);
			BN_bn2binpad(br, want, 48);
			good &= !memcmp(got, want, 48);

			p384_mod_sub(r, a, b, m);
			p384_to_bytes(got, r);
			BN_mod_sub(br, ba, bb, bm, bnctx);
			BN_bn2binpad(br, want, 48);
			good &= !memcmp(got, want, 48);

			if (i < 200) {
				p384_mod_inv(r, am, m);
				p384_from_mont(r, r, m);
				p384_to_bytes(got, r);
				if (BN_is_zero(ba))
					BN_zero(bx);
				else
					BN_mod_inverse(bx, ba, bm, bnctx);
				BN_bn2binpad(bx, want, 48);
				good &= !memcmp(got, want, 48);
			}
		}
		tap_ok(good, "mod %s: mul, add, sub (2000) and inv (200) match BN",
		       names[mi]);
		BN_free(bm);
		BN_free(ba);
		BN_free(bb);
		BN_free(br);
		BN_free(bx);
	}
}

static int point_eq_affine(const struct p384_point *a,
			   const struct p384_point *b)
{
	u64 ax[6], ay[6], bx[6], by[6];
	int ia = p384_point_to_affine(ax, ay, a);
	int ib = p384_point_to_affine(bx, by, b);

	if (ia || ib)
		return ia == ib;
	return !memcmp(ax, bx, sizeof(ax)) && !memcmp(ay, by, sizeof(ay));
}

static void test_points(void)
{
	struct p384_point g, p2, q, r, inf, neg;
	u64 k[6] = { 0 };
	int good;

	memcpy(g.x, p384_comb_table[0][0].x, 48);
	memcpy(g.y, p384_comb_table[0][0].y, 48);
	memcpy(g.z, p384_p.one, 48);
	p384_point_set_infinity(&inf);

	p384_point_double(&p2, &g);
	p384_point_add(&q, &g, &g);
	good = point_eq_affine(&p2, &q);
	p384_point_add_affine(&r, &g, &p384_comb_table[0][0]);
	good &= point_eq_affine(&p2, &r);
	k[0] = 2;
	p384_scalar_mul_base(&r, k);
	good &= point_eq_affine(&p2, &r);
	tap_ok(good, "2G: double, complete add, mixed add and comb agree");

	p384_point_add(&r, &inf, &g);
	good = point_eq_affine(&r, &g);
	p384_point_add(&r, &g, &inf);
	good &= point_eq_affine(&r, &g);
	p384_point_add_affine(&r, &inf, &p384_comb_table[0][0]);
	good &= point_eq_affine(&r, &g);
	p384_point_double(&r, &inf);
	good &= p384_point_to_affine(k, k, &r) == -1;
	tap_ok(good, "O + G = G + O = G, 2O = O (complete formulas)");

	neg = g;
	p384_mod_sub(neg.y, (u64[6]){ 0 }, g.y, &p384_p);
	p384_point_add(&r, &g, &neg);
	good = p384_point_to_affine(k, k, &r) == -1;
	p384_point_add_affine(&r, &neg, &p384_comb_table[0][0]);
	good &= p384_point_to_affine(k, k, &r) == -1;
	tap_ok(good, "G + (-G) = O (complete and mixed formulas)");

	memset(k, 0, sizeof(k));
	p384_scalar_mul_base(&r, k);
	tap_ok(p384_point_to_affine(k, k, &r) == -1, "comb: 0 * G = O");
}

/* core pubkey == OpenSSL pubkey, and a core signature OpenSSL accepts */
static int check_key(const u8 priv[48], const u8 digest[48], int *pub_ok)
{
	u8 pub[97], ref[97], sig[96];

	if (p384_pubkey(priv, pub) || ossl_pubkey(priv, ref))
		return 0;
	*pub_ok = !memcmp(pub, ref, 97);
	if (p384_sign_digest(priv, digest, sig))
		return 0;
	return ossl_verify(ref, digest, sig) == 1;
}

static void test_edge_scalars(void)
{
	u8 n[48], priv[48], digest[48];
	const char *desc;
	int i, pub_ok;

	unhex(n, 48, order_hex);
	sha384("edge", 4, digest);
	for (i = 0; i < 16; i++) {
		memset(priv, 0, 48);
		switch (i) {
		case 0: priv[47] = 1; desc = "1"; break;
		case 1: priv[47] = 2; desc = "2"; break;
		case 2: priv[47] = 3; desc = "3"; break;
		case 3: memcpy(priv, n, 48); priv[47] -= 1; desc = "n-1"; break;
		case 4: memcpy(priv, n, 48); priv[47] -= 2; desc = "n-2"; break;
		case 5: memcpy(priv, n, 48); priv[47] -= 8; desc = "n-8"; break;
		case 6: priv[0] = 0x80; desc = "2^383"; break;
		case 7: memset(priv, 0xff, 24); desc = "ones(192) zeros(192)"; break;
		case 8: memset(priv + 1, 0xff, 47); desc = "2^376-1"; break;
		case 9: priv[47] = 0x80; priv[0] = 0x01; desc = "2^376+128"; break;
		case 10: memset(priv, 0x88, 48); desc = "0x88..88 (digits -8)"; break;
		case 11: memset(priv, 0x55, 48); desc = "0x55..55"; break;
		case 12: memset(priv, 0xaa, 48); desc = "0xaa..aa"; break;
		case 13: memset(priv, 0xff, 24); memset(priv + 24, 0x77, 24);
			desc = "ones(192) 0x77.."; break;
		case 14: priv[23] = 1; desc = "2^192"; break;
		default: memset(priv + 40, 0xff, 8); desc = "2^64-1"; break;
		}
		pub_ok = 0;
		tap_ok(check_key(priv, digest, &pub_ok) && pub_ok,
		       "edge scalar %s: pubkey equals OpenSSL's, OpenSSL verifies", desc);
	}
}

static void test_invalid_keys(void)
{
	u8 n[48], priv[48], pub[97], sig[96], digest[48];
	int good = 1, i;

	unhex(n, 48, order_hex);
	memset(digest, 0x42, 48);
	for (i = 0; i < 4; i++) {
		switch (i) {
		case 0: memset(priv, 0, 48); break;
		case 1: memcpy(priv, n, 48); break;
		case 2: memcpy(priv, n, 48); priv[47] += 1; break;
		default: memset(priv, 0xff, 48); break;
		}
		memset(sig, 0x5a, sizeof(sig));
		good &= !p384_priv_valid(priv);
		good &= p384_pubkey(priv, pub) < 0;
		good &= p384_sign_digest(priv, digest, sig) < 0;
	}
	tap_ok(good, "invalid keys 0, n, n+1, 2^384-1 rejected by priv_valid, "
	       "pubkey and sign");
	memcpy(priv, n, 48);
	priv[47] -= 1;
	tap_ok(p384_priv_valid(priv), "n-1 is a valid key");
}

static void test_keygen(void)
{
	u8 a[48], b[48];

	tap_ok(p384_keygen(a) == 0 && p384_keygen(b) == 0 && p384_priv_valid(a) &&
	       p384_priv_valid(b) && memcmp(a, b, 48),
	       "keygen: two valid, different keys");
}

static void test_verify(void)
{
	u8 priv[48], pub[97], digest[48], sig[96], bad[96], badpub[97];
	u8 n[48];
	int i, good = 1;

	unhex(n, 48, order_hex);
	for (i = 0; i < 20; i++) {
		p384_keygen(priv);
		p384_pubkey(priv, pub);
		RAND_bytes(digest, 48);
		if (ossl_sign(priv, pub, digest, sig) ||
		    p384_verify_digest(pub, digest, sig))
			good = 0;
	}
	tap_ok(good, "core verify accepts 20 OpenSSL signatures");

	p384_sign_digest(priv, digest, sig);
	good = p384_verify_digest(pub, digest, sig) == 0;
	digest[0] ^= 1;
	good &= p384_verify_digest(pub, digest, sig) < 0;
	digest[0] ^= 1;
	memcpy(bad, sig, 96);
	bad[10] ^= 0x10;
	good &= p384_verify_digest(pub, digest, bad) < 0;
	memcpy(bad, sig, 96);
	memset(bad, 0, 48);
	good &= p384_verify_digest(pub, digest, bad) < 0;	/* r = 0 */
	memcpy(bad, sig, 96);
	memcpy(bad + 48, n, 48);
	good &= p384_verify_digest(pub, digest, bad) < 0;	/* s = n */
	memcpy(badpub, pub, 97);
	badpub[0] = 2;
	good &= p384_verify_digest(badpub, digest, sig) < 0;
	memcpy(badpub, pub, 97);
	badpub[96] ^= 1;					/* off curve */
	good &= p384_verify_digest(badpub, digest, sig) < 0;
	memcpy(badpub, pub, 97);
	memset(badpub + 1, 0xff, 48);				/* x >= p */
	good &= p384_verify_digest(badpub, digest, sig) < 0;
	tap_ok(good, "core verify rejects wrong digest, r, s, r=0, s=n, bad keys");
}

static void test_random(long iters)
{
	u8 priv[48], pub[97], ref[97], digest[48], sig[96], sig2[96];
	unsigned char msg[256];
	long i, pub_bad = 0, ver_bad = 0, det_bad = 0;

	for (i = 0; i < iters; i++) {
		size_t len;

		RAND_bytes(priv, 48);
		if (!p384_priv_valid(priv)) {
			i--;
			continue;
		}
		RAND_bytes(msg, sizeof(msg));
		len = msg[0];
		sha384(msg + 1, len, digest);
		if (p384_pubkey(priv, pub) || ossl_pubkey(priv, ref) ||
		    memcmp(pub, ref, 97))
			pub_bad++;
		if (p384_sign_digest(priv, digest, sig) ||
		    ossl_verify(ref, digest, sig) != 1)
			ver_bad++;
		/* deterministic: every 16th signature is made twice */
		if (!(i & 15) && (p384_sign_digest(priv, digest, sig2) ||
				  memcmp(sig, sig2, 96)))
			det_bad++;
		if ((pub_bad || ver_bad || det_bad) && i < 3)
			diag_hex("failing key", priv, 48);
	}
	tap_ok(!pub_bad, "%ld random keys: public key equals OpenSSL's "
	       "(%ld differ)", iters, pub_bad);
	tap_ok(!ver_bad, "%ld random keys and messages: OpenSSL verifies the "
	       "signature (%ld rejected)", iters, ver_bad);
	tap_ok(!det_bad, "signing is deterministic (%ld differ)", det_bad);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;

	group = EC_GROUP_new_by_curve_name(NID_secp384r1);
	bnctx = BN_CTX_new();
	if (!group || !bnctx || !precompute_generator())
		return 2;

	tap_start();
	tap_plan(PLANNED);
	test_hmac();
	test_digest_conversion();
	test_rfc6979();
	test_mod_arith();
	test_points();
	test_edge_scalars();
	test_invalid_keys();
	test_keygen();
	test_verify();
	test_random(iters);

	EC_GROUP_free(group);
	BN_CTX_free(bnctx);
	if (tap_n != PLANNED)
		tap_diag("planned %d tests, ran %d", PLANNED, tap_n);
	return tap_failed || tap_n != PLANNED ? 1 : 0;
}
