// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * `make bench` part (d): one ECDSA P-384 verification, the library's
 * (verify/ec384.c: general, and with a trust anchor's table) against
 * OpenSSL's EVP_DigestVerify() on the same key, digest and signature, in
 * CPU time of this thread. Run it with NSM_EC384_NO_ADX=1 for the
 * portable multiplication.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "ec384.h"

static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
	static const uint8_t msg[] = "nsm-emu bench_ec384";
	EVP_PKEY *k = EVP_EC_gen("P-384");
	uint8_t pub[97], der[128], rs[96], md[48];
	size_t pl, dl = sizeof(der);
	const uint8_t *p = der;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	ECDSA_SIG *s;
	double t0, t_own, t_anchor, t_ossl;
	int i, n = 2000, ok = 0;

	if (!k || !m || !EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY,
							 pub, sizeof(pub), &pl) ||
	    EVP_DigestSignInit(m, NULL, EVP_sha384(), NULL, k) != 1 ||
	    EVP_DigestSign(m, der, &dl, msg, sizeof(msg)) != 1 ||
	    !(s = d2i_ECDSA_SIG(NULL, &p, (long)dl)) ||
	    !EVP_Digest(msg, sizeof(msg), md, NULL, EVP_sha384(), NULL)) {
		fprintf(stderr, "bench_ec384: OpenSSL set-up failed\n");
		return 1;
	}
	EVP_MD_CTX_free(m);
	BN_bn2binpad(ECDSA_SIG_get0_r(s), rs, 48);
	BN_bn2binpad(ECDSA_SIG_get0_s(s), rs + 48, 48);
	ECDSA_SIG_free(s);

	ok += nsm__p384_verify_anchor(pub, md, rs);	/* builds the table */
	t0 = cpu_s();
	for (i = 0; i < n; i++)
		ok += nsm__p384_verify(pub, md, rs);
	t_own = cpu_s() - t0;
	t0 = cpu_s();
	for (i = 0; i < n; i++)
		ok += nsm__p384_verify_anchor(pub, md, rs);
	t_anchor = cpu_s() - t0;
	t0 = cpu_s();
	for (i = 0; i < n; i++) {
		m = EVP_MD_CTX_new();
		ok += m && EVP_DigestVerifyInit(m, NULL, EVP_sha384(), NULL, k) == 1 &&
		      EVP_DigestVerify(m, der, dl, msg, sizeof(msg)) == 1;
		EVP_MD_CTX_free(m);
	}
	t_ossl = cpu_s() - t0;
	EVP_PKEY_free(k);
	printf("(d) one ECDSA P-384 verification, %d times, CPU time%s:\n", n,
	       getenv("NSM_EC384_NO_ADX") ? " (NSM_EC384_NO_ADX: portable C)" : "");
	printf("    OpenSSL %-32s %8.0f /s  %6.1f us\n", OpenSSL_version(OPENSSL_VERSION_STRING),
	       n / t_ossl, t_ossl / n * 1e6);
	printf("    libnsm-verify                            %8.0f /s  %6.1f us  (%.2fx)\n",
	       n / t_own, t_own / n * 1e6, t_ossl / t_own);
	printf("    libnsm-verify, a trust anchor's key      %8.0f /s  %6.1f us  (%.2fx)\n",
	       n / t_anchor, t_anchor / n * 1e6, t_ossl / t_anchor);
	if (ok != 3 * n + 1) {
		printf("bench_ec384: %d of %d verifications failed\n", 3 * n + 1 - ok, 3 * n + 1);
		return 1;
	}
	return 0;
}
