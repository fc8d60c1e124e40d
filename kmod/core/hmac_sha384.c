// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA-384 (RFC 2104, FIPS 198-1) built on nsm_plat_sha384(), for the
 * RFC 6979 nonce generator. The key schedule is computed with plain XORs
 * (no branch on key bytes); the padded key blocks are wiped after use.
 */
#include "hmac_sha384.h"

/**
 * hmac_sha384() - HMAC-SHA-384 of the concatenation of @n pieces
 * @key:     the key; keys longer than the block size are hashed first
 * @key_len: its length
 * @msg:     message pieces
 * @n:       their number, at most HMAC_SHA384_MAX_SG
 * @out:     receives the 48-byte tag (may alias a message piece)
 *
 * Return: 0, or a negative value if @n is too large or the platform could
 * not hash.
 */
int hmac_sha384(const u8 *key, size_t key_len, const struct nsm_sg *msg,
		unsigned int n, u8 out[NSM_SHA384_LEN])
{
	u8 pad[HMAC_SHA384_BLOCK];
	u8 inner[NSM_SHA384_LEN];
	struct nsm_sg sg[HMAC_SHA384_MAX_SG + 1];
	unsigned int i;
	int ret;

	if (n > HMAC_SHA384_MAX_SG)
		return -1;

	memset(pad, 0, sizeof(pad));
	if (key_len > HMAC_SHA384_BLOCK) {
		struct nsm_sg k = { key, key_len };

		ret = nsm_plat_sha384(&k, 1, pad);
		if (ret)
			goto out;
	} else if (key_len) {
		memcpy(pad, key, key_len);
	}

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	sg[0].data = pad;
	sg[0].len = sizeof(pad);
	for (i = 0; i < n; i++)
		sg[i + 1] = msg[i];
	ret = nsm_plat_sha384(sg, n + 1, inner);
	if (ret)
		goto out;

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	sg[1].data = inner;
	sg[1].len = sizeof(inner);
	ret = nsm_plat_sha384(sg, 2, out);
out:
	nsm_plat_wipe(pad, sizeof(pad));
	nsm_plat_wipe(inner, sizeof(inner));
	return ret;
}
