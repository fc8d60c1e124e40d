// SPDX-License-Identifier: GPL-2.0
/*
 * The core's platform services for userspace builds (unit tests, fuzzers,
 * benchmarks): SHA-384 from OpenSSL, randomness from getrandom(2), the
 * wall clock from clock_gettime(2).
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "../kmod/core/platform.h"

int nsm_plat_sha384(const struct nsm_sg *sg, unsigned int n,
		    u8 out[NSM_SHA384_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int i;
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha384(), NULL);
	for (i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, sg[i].data, sg[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int nsm_plat_random(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t got = getrandom(p, len, 0);

		if (got < 0)
			return -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/* Tests may pin the clock: NSM_TEST_TIME_MS overrides the wall clock. */
u64 nsm_plat_time_ms(void)
{
	const char *fixed = getenv("NSM_TEST_TIME_MS");
	struct timespec ts;

	if (fixed && *fixed)
		return strtoull(fixed, NULL, 10);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

void *nsm_plat_alloc(size_t len)
{
	return calloc(1, len ? len : 1);
}

void nsm_plat_wipe(void *p, size_t len)
{
	if (p)
		explicit_bzero(p, len);
}

void nsm_plat_free(void *p, size_t len)
{
	nsm_plat_wipe(p, len);
	free(p);
}

