// SPDX-License-Identifier: GPL-2.0
/*
 * nsm_pki_root_pem() for userspace builds of the core: the module exports
 * DER and leaves PEM to userspace, so this lives with the tests.
 */
#include "../kmod/core/pki.h"
int nsm_pki_root_pem(const struct nsm_pki *pki, char *buf, size_t cap)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char head[] = "-----BEGIN CERTIFICATE-----\n";
	static const char tail[] = "-----END CERTIFICATE-----\n";
	size_t len, i, o = 0, col = 0;
	const u8 *der;
	int ret;

	ret = nsm_pki_cert(pki, 0, &der, &len);
	if (ret)
		return ret;
	/* head, 4 chars per 3 bytes, a newline per 64 chars, tail */
	if (cap < sizeof(head) - 1 + (len + 2) / 3 * 4 +
		  ((len + 2) / 3 * 4 + 63) / 64 + sizeof(tail) - 1)
		return -NSM_PKI_EINVAL;
	memcpy(buf, head, sizeof(head) - 1);
	o = sizeof(head) - 1;
	for (i = 0; i < len; i += 3) {
		u32 v = (u32)der[i] << 16;
		size_t k;

		if (i + 1 < len)
			v |= (u32)der[i + 1] << 8;
		if (i + 2 < len)
			v |= der[i + 2];
		for (k = 0; k < 4; k++) {
			buf[o++] = (k <= (len - i)) ?
				b64[(v >> (18 - 6 * k)) & 63] : '=';
			if (++col == 64) {
				buf[o++] = '\n';
				col = 0;
			}
		}
	}
	if (col)
		buf[o++] = '\n';
	memcpy(buf + o, tail, sizeof(tail) - 1);
	return (int)(o + sizeof(tail) - 1);
}
