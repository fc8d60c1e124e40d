// SPDX-License-Identifier: GPL-2.0
/*
 * Signing speed of the core's P-384 signer next to OpenSSL's, one thread.
 *
 * Both sign SHA-384 digests with the same key for about SECONDS seconds
 * each: the core through p384_sign_digest() (RFC 6979 nonce, k*G, inversion,
 * everything included), OpenSSL through EVP_PKEY_sign() on the digest.
 * Time is the thread's CPU time (as `openssl speed` counts it), and the two
 * alternate in short rounds, so that load from other processes on a shared
 * machine skews neither side of the ratio.
 *
 * Usage: bench_p384 [SECONDS] [OPENSSL_SPEED_SIGNS_PER_S]
 * The optional second argument is the figure `openssl speed ecdsap384`
 * printed in the same run; the ratio against it is printed too.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../kmod/core/p384.h"

#define ROUNDS 10

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static EVP_PKEY *ossl_key(const u8 priv[48], const u8 pub[97])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	BIGNUM *d = BN_bin2bn(priv, 48, NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if (bld && ctx && d &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    "P-384", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					     pub, 97) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) &&
	    EVP_PKEY_fromdata_init(ctx) > 0 &&
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
		pkey = NULL;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(d);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	double speed = argc > 2 ? atof(argv[2]) : 0.0;
	u8 priv[48], pub[97], digest[48], sig[96];
	unsigned char der[128];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey;
	double t0, t, core, ossl, core_t = 0, ossl_t = 0;
	long n, core_n = 0, ossl_n = 0;
	int round;

	if (p384_keygen(priv) || p384_pubkey(priv, pub) ||
	    nsm_plat_random(digest, sizeof(digest))) {
		fprintf(stderr, "bench: key setup failed\n");
		return 1;
	}

	pkey = ossl_key(priv, pub);
	ctx = pkey ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL) : NULL;
	if (!ctx || EVP_PKEY_sign_init(ctx) <= 0) {
		fprintf(stderr, "bench: OpenSSL key setup failed\n");
		return 1;
	}

	/* warm up, then alternate rounds of each */
	for (n = 0; n < 50; n++)
		p384_sign_digest(priv, digest, sig);
	for (round = 0; round < ROUNDS; round++) {
		t0 = now();
		do {
			for (int i = 0; i < 20; i++, core_n++) {
				digest[core_n % 48] ^= (u8)core_n;
				if (p384_sign_digest(priv, digest, sig))
					return 1;
			}
			t = now() - t0;
		} while (t < seconds / ROUNDS);
		core_t += t;

		t0 = now();
		do {
			for (int i = 0; i < 5; i++, ossl_n++) {
				size_t len = sizeof(der);

				digest[ossl_n % 48] ^= (u8)ossl_n;
				if (EVP_PKEY_sign(ctx, der, &len, digest, 48) <= 0)
					return 1;
			}
			t = now() - t0;
		} while (t < seconds / ROUNDS);
		ossl_t += t;
	}
	core = (double)core_n / core_t;
	ossl = (double)ossl_n / ossl_t;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);

	printf("p384 core sign (RFC 6979, constant time): %.0f sig/s "
	       "(%.1f us/sig)\n", core, 1e6 / core);
	printf("p384 OpenSSL %s EVP_PKEY_sign: %.0f sig/s\n",
	       OpenSSL_version(OPENSSL_VERSION_STRING), ossl);
	printf("p384 ratio core/OpenSSL EVP: %.2fx\n", core / ossl);
	if (speed > 0) {
		printf("p384 OpenSSL speed ecdsap384 sign: %.0f sig/s\n", speed);
		printf("p384 ratio core/OpenSSL speed: %.2fx (target >= 3x: %s)\n",
		       core / speed, core >= 3 * speed ? "met" : "NOT met");
	}
	return 0;
}
