// SPDX-License-Identifier: LGPL-2.1-or-later
/* Base64 encoding and decoding (see base64.h). */
#include <errno.h>
#include <stdlib.h>

#include "base64.h"

static const char alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_digit(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int base64_decode(uint8_t *out, size_t *out_len, const uint8_t *s, size_t n)
{
	uint32_t acc = 0;
	size_t i, o = 0, pad = 0;
	int bits = 0;

	while (n && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (!n || n % 4 == 1 || (pad && (n + pad) % 4))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int v = base64_digit(s[i]);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* leftover bits must be zero (canonical encoding) */
	if (acc & ((1u << bits) - 1))
		return -EINVAL;
	*out_len = o;
	return 0;
}

char *base64_encode(const uint8_t *buf, size_t len)
{
	char *s = malloc((len + 2) / 3 * 4 + 1), *p = s;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)buf[i] << 16 | buf[i + 1] << 8 | buf[i + 2];

		*p++ = alpha[v >> 18];
		*p++ = alpha[v >> 12 & 63];
		*p++ = alpha[v >> 6 & 63];
		*p++ = alpha[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)buf[i] << 16;

		if (i + 1 < len)
			v |= buf[i + 1] << 8;
		*p++ = alpha[v >> 18];
		*p++ = alpha[v >> 12 & 63];
		*p++ = i + 1 < len ? alpha[v >> 6 & 63] : '=';
		*p++ = '=';
	}
	*p = '\0';
	return s;
}
