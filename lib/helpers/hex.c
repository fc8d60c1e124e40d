// SPDX-License-Identifier: LGPL-2.1-or-later
/* Hex encoding and decoding (see hex.h). */
#include <errno.h>
#include <stdlib.h>

#include "hex.h"

static const char digits[] = "0123456789abcdef";

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *hex,
	       size_t len)
{
	size_t i;

	if (len % 2 || len / 2 > cap)
		return -EINVAL;
	for (i = 0; i < len; i += 2) {
		int hi = hex_digit((unsigned char)hex[i]);
		int lo = hex_digit((unsigned char)hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = len / 2;
	return 0;
}

void hex_encode_trunc(char *out, size_t cap, const uint8_t *in, size_t len)
{
	size_t i, o = 0;

	if (!cap)
		return;
	for (i = 0; i < len && o + 2 < cap; i++) {
		out[o++] = digits[in[i] >> 4];
		out[o++] = digits[in[i] & 15];
	}
	out[o] = '\0';
}

void hex_encode(char *out, const uint8_t *in, size_t len)
{
	hex_encode_trunc(out, 2 * len + 1, in, len);
}

char *hex_string(const uint8_t *in, size_t len)
{
	char *s = malloc(2 * len + 1);

	if (s)
		hex_encode(s, in, len);
	return s;
}
