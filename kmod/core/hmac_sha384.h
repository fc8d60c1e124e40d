/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HMAC-SHA-384 (RFC 2104, FIPS 198-1) over the platform's SHA-384.
 */
#ifndef NSM_CORE_HMAC_SHA384_H
#define NSM_CORE_HMAC_SHA384_H

#include "platform.h"

#define HMAC_SHA384_BLOCK	128
/* most message pieces hmac_sha384() accepts */
#define HMAC_SHA384_MAX_SG	6

int hmac_sha384(const u8 *key, size_t key_len, const struct nsm_sg *msg,
		unsigned int n, u8 out[NSM_SHA384_LEN]);

#endif /* NSM_CORE_HMAC_SHA384_H */
