// SPDX-License-Identifier: GPL-2.0
/*
 * Constant-time check of the P-384 signer under valgrind (ctgrind).
 *
 * Built with ctgrind.h force-included and run under
 * `valgrind --error-exitcode=1`. The private key, scalars and inversion
 * inputs are marked undefined (VALGRIND_MAKE_MEM_UNDEFINED) before they go
 * into the core; the core marks its nonce undefined itself. Memcheck then
 * reports any branch or memory index that depends on them. Outputs are
 * marked defined before they are compared with a reference computed
 * beforehand, so the comparison itself is not reported.
 *
 *   ct_p384 clean            everything the signer does with secrets;
 *                            valgrind must report nothing
 *   ct_p384 control-branch   negative control: a double-and-add that
 *                            branches on the secret scalar's bits
 *   ct_p384 control-index    negative control: a table lookup indexed by
 *                            a secret nibble
 *   ct_p384 kat              known answers, not for valgrind: SHA-384 of
 *                            "abc" (FIPS 180-2) through the platform and
 *                            RFC 6979's P-384 signatures, so that a build
 *                            whose references are its own (the 32-bit one,
 *                            with its own SHA-384) is known to be right
 * The controls use the core's own primitives and must be reported, which
 * shows that the harness can fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "../../kmod/core/hmac_sha384.h"
#include "../../kmod/core/p384.h"
#include "../../kmod/core/p384_int.h"

#define SECRET(p, len) (void)VALGRIND_MAKE_MEM_UNDEFINED((p), (len))
#define PUBLIC(p, len) (void)VALGRIND_MAKE_MEM_DEFINED((p), (len))

static int failures;

static void check(int cond, const char *what)
{
	printf("# %s: %s\n", what, cond ? "output matches" : "OUTPUT DIFFERS");
	if (!cond)
		failures++;
}

static void fill(u8 *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (u8)(seed >> 16);
	}
}

/* one key through every secret-handling entry point */
static void run_key(const u8 key[48], const u8 digest[48])
{
	u8 priv[48], pub[97], ref_pub[97], sig[96], ref_sig[96];
	u8 k[48], ref_k[48], mac[48], ref_mac[48];
	struct nsm_sg sg = { digest, 48 };
	struct p384_point pt;
	u64 s[6], x[6], y[6], ref_x[6], inv[6], ref_inv[6];
	int v;

	/* references, computed on defined data */
	memcpy(priv, key, 48);
	if (p384_pubkey(priv, ref_pub) || p384_sign_digest(priv, digest, ref_sig) ||
	    p384_rfc6979_nonce(priv, digest, ref_k) ||
	    hmac_sha384(priv, 48, &sg, 1, ref_mac)) {
		check(0, "reference computation");
		return;
	}
	/* the core poisons every nonce it makes, the reference one too */
	PUBLIC(ref_k, sizeof(ref_k));

	SECRET(priv, 48);
	v = p384_priv_valid(priv);
	check(v, "p384_priv_valid");

	SECRET(priv, 48);
	v = p384_pubkey(priv, pub);
	PUBLIC(pub, sizeof(pub));
	check(!v && !memcmp(pub, ref_pub, 97), "p384_pubkey");

	SECRET(priv, 48);
	v = p384_sign_digest(priv, digest, sig);
	PUBLIC(sig, sizeof(sig));
	check(!v && !memcmp(sig, ref_sig, 96), "p384_sign_digest");

	SECRET(priv, 48);
	v = p384_rfc6979_nonce(priv, digest, k);
	PUBLIC(k, sizeof(k));
	check(!v && !memcmp(k, ref_k, 48), "p384_rfc6979_nonce");

	SECRET(priv, 48);
	v = hmac_sha384(priv, 48, &sg, 1, mac);
	PUBLIC(mac, sizeof(mac));
	check(!v && !memcmp(mac, ref_mac, 48), "hmac_sha384 (secret key)");

	/* the primitives on their own: k*G and both inversions */
	p384_from_bytes(s, ref_k);
	p384_scalar_mul_base(&pt, s);
	p384_point_to_affine(ref_x, y, &pt);
	SECRET(s, sizeof(s));
	p384_scalar_mul_base(&pt, s);
	p384_point_to_affine(x, y, &pt);
	PUBLIC(x, sizeof(x));
	check(!memcmp(x, ref_x, sizeof(x)), "p384_scalar_mul_base + to_affine");

	p384_to_mont(s, s, &p384_n);
	PUBLIC(s, sizeof(s));
	p384_mod_inv(ref_inv, s, &p384_n);
	SECRET(s, sizeof(s));
	p384_mod_inv(inv, s, &p384_n);
	PUBLIC(inv, sizeof(inv));
	check(!memcmp(inv, ref_inv, sizeof(inv)), "p384_mod_inv mod n");

	PUBLIC(s, sizeof(s));
	p384_reduce_once(s, s, &p384_p);
	p384_mod_inv(ref_inv, s, &p384_p);
	SECRET(s, sizeof(s));
	p384_mod_inv(inv, s, &p384_p);
	PUBLIC(inv, sizeof(inv));
	check(!memcmp(inv, ref_inv, sizeof(inv)), "p384_mod_inv mod p");
}

static int clean(void)
{
	static const char *const fixed[] = {
		/* RFC 6979 A.2.6 */
		"6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA"
		"9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
		/* n - 1 */
		"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
		"C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52972",
		/* 1 */
		"000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000001",
	};
	u8 key[48], digest[48];
	unsigned int i, j;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < 48; j++) {
			unsigned int b;

			sscanf(fixed[i] + 2 * j, "%2x", &b);
			key[j] = (u8)b;
		}
		fill(digest, 48, i);
		printf("# key %u\n", i);
		run_key(key, digest);
	}
	for (i = 0; i < 3; i++) {
		fill(key, 48, 100 + i);
		key[0] &= 0x7f;
		fill(digest, 48, 200 + i);
		printf("# random key %u\n", i);
		run_key(key, digest);
	}
	return failures ? 1 : 0;
}

/* the textbook leak: add only when the secret bit is set */
static int control_branch(void)
{
	struct p384_point r, g;
	u64 k[6];
	u64 x[6], y[6];
	int i;

	fill((u8 *)k, sizeof(k), 7);
	SECRET(k, sizeof(k));
	memcpy(g.x, p384_comb_table[0][0].x, sizeof(g.x));
	memcpy(g.y, p384_comb_table[0][0].y, sizeof(g.y));
	memcpy(g.z, p384_p.one, sizeof(g.z));
	p384_point_set_infinity(&r);
	for (i = 383; i >= 0; i--) {
		p384_point_double(&r, &r);
		if ((k[i / 64] >> (i % 64)) & 1)
			p384_point_add(&r, &r, &g);
	}
	p384_point_to_affine(x, y, &r);
	PUBLIC(x, sizeof(x));
	printf("# control-branch done (x[0] = %llx)\n", (unsigned long long)x[0]);
	return 0;
}

/* a cache-timing leak: the table entry is addressed by a secret nibble */
static int control_index(void)
{
	struct p384_point r;
	u64 k[6], x[6], y[6];
	int i;

	fill((u8 *)k, sizeof(k), 9);
	SECRET(k, sizeof(k));
	p384_point_set_infinity(&r);
	for (i = 0; i < P384_COMB_ROWS - 1; i++) {
		unsigned int d = (unsigned int)(k[i / 8] >> (8 * (i % 8))) & 7;

		p384_point_add_affine(&r, &r, &p384_comb_table[i][d]);
	}
	p384_point_to_affine(x, y, &r);
	PUBLIC(x, sizeof(x));
	printf("# control-index done (x[0] = %llx)\n", (unsigned long long)x[0]);
	return 0;
}

static void unhex(u8 *out, size_t len, const char *hex)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned int b;

		sscanf(hex + 2 * i, "%2x", &b);
		out[i] = (u8)b;
	}
}

static int kat(void)
{
	/* RFC 6979 A.2.6: P-384 with SHA-384 */
	static const char priv_hex[] =
		"6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA"
		"9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";
	static const struct {
		const char *msg, *sig;
	} v[] = {
		{ "sample",
		  "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA7"
		  "3D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46"
		  "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526"
		  "203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8" },
		{ "test",
		  "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36"
		  "AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB"
		  "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B"
		  "827C2F13173923E06A739F040649A667BF3B828246BAA5A5" },
	};
	static const char abc_hex[] =
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
		"1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
	u8 priv[48], pub[97], digest[48], want[96], sig[96];
	struct nsm_sg sg = { "abc", 3 };
	unsigned int i;

	unhex(want, 48, abc_hex);
	check(!nsm_plat_sha384(&sg, 1, digest) && !memcmp(digest, want, 48),
	      "SHA-384(\"abc\") (FIPS 180-2)");
	unhex(priv, 48, priv_hex);
	for (i = 0; i < 2; i++) {
		sg.data = v[i].msg;
		sg.len = strlen(v[i].msg);
		unhex(want, 96, v[i].sig);
		check(!nsm_plat_sha384(&sg, 1, digest) &&
		      !p384_sign_digest(priv, digest, sig) &&
		      !memcmp(sig, want, 96) && !p384_pubkey(priv, pub) &&
		      !p384_verify_digest(pub, digest, sig),
		      v[i].msg);
	}
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "clean";

	if (!strcmp(mode, "clean"))
		return clean();
	if (!strcmp(mode, "control-branch"))
		return control_branch();
	if (!strcmp(mode, "control-index"))
		return control_index();
	if (!strcmp(mode, "kat"))
		return kat();
	fprintf(stderr, "usage: ct_p384 [clean|control-branch|control-index|kat]\n");
	return 2;
}
