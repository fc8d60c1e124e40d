/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small SHA-384 (FIPS 180-4) for the selftests, so that the suite links
 * statically without OpenSSL and can recompute PCR values itself.
 */
#ifndef NSM_SELFTEST_SHA384_H
#define NSM_SELFTEST_SHA384_H

#include <stddef.h>
#include <stdint.h>

#define SHA384_LEN	48

struct sha384_ctx {
	uint64_t h[8];
	uint64_t total;		/* bytes hashed so far */
	uint8_t buf[128];
	size_t used;		/* bytes waiting in buf */
};

void sha384_init(struct sha384_ctx *c);
void sha384_update(struct sha384_ctx *c, const void *data, size_t len);
void sha384_final(struct sha384_ctx *c, uint8_t out[SHA384_LEN]);
void sha384(const void *data, size_t len, uint8_t out[SHA384_LEN]);

/* PCR extend: out = SHA384(old || data). */
void sha384_extend(const uint8_t old[SHA384_LEN], const void *data, size_t len,
		   uint8_t out[SHA384_LEN]);

#endif
