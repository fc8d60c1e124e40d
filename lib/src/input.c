// SPDX-License-Identifier: LGPL-2.1-or-later
/* Input format detection and decoding: raw CBOR, base64, hex. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* a document is at most NSM_DOC_MAX_SIZE bytes: room for it in hex or
 * base64 with generous whitespace, and no more */
#define NSM_INPUT_MAX	(1u << 20)

const char *nsm_input_format_name(enum nsm_input_format fmt)
{
	switch (fmt) {
	case NSM_INPUT_AUTO:
		return "auto";
	case NSM_INPUT_CBOR:
		return "cbor";
	case NSM_INPUT_BASE64:
		return "base64";
	case NSM_INPUT_HEX:
		return "hex";
	}
	return "unknown";
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int b64val(uint8_t c)
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

static bool is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Copy @in without whitespace; returns the compacted length. */
static size_t compact(uint8_t *dst, const uint8_t *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (!is_space(in[i]))
			dst[n++] = in[i];
	return n;
}

static int decode_hex(uint8_t *out, size_t *out_len, const uint8_t *s,
		      size_t n)
{
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (!n)
		return -EINVAL;
	return nsm__hex_decode(out, n / 2, out_len, (const char *)s, n);
}

static int decode_b64(uint8_t *out, size_t *out_len, const uint8_t *s,
		      size_t n)
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
		int v = b64val(s[i]);

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

static enum nsm_input_format detect(const uint8_t *raw, size_t rlen,
				    const uint8_t *s, size_t n)
{
	size_t i, start = 0;
	bool hex = true, b64 = true;

	if (rlen && (raw[0] == 0x84 || raw[0] == 0xd2))
		return NSM_INPUT_CBOR;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		start = 2;
	for (i = 0; i < n; i++) {
		if (i >= start && !is_hex(s[i]))
			hex = false;
		if (b64val(s[i]) < 0 && s[i] != '=')
			b64 = false;
	}
	if (hex && n > start && (n - start) % 2 == 0)
		return NSM_INPUT_HEX;
	if (b64 && n)
		return NSM_INPUT_BASE64;
	return NSM_INPUT_CBOR;
}

int nsm_input_decode(uint8_t **out, size_t *out_len,
		     enum nsm_input_format *detected,
		     const uint8_t *in, size_t len, enum nsm_input_format fmt)
{
	uint8_t *s, *res;
	size_t n, rlen = 0;
	int ret;

	if (!out || !out_len || (!in && len) ||
	    (unsigned int)fmt > NSM_INPUT_HEX)
		return -EINVAL;
	*out = NULL;
	*out_len = 0;
	if (!len)
		return -EINVAL;
	s = malloc(len);
	res = malloc(len);
	if (!s || !res) {
		free(s);
		free(res);
		return -ENOMEM;
	}
	n = compact(s, in, len);
	if (fmt == NSM_INPUT_AUTO)
		fmt = detect(in, len, s, n);
	switch (fmt) {
	case NSM_INPUT_HEX:
		ret = decode_hex(res, &rlen, s, n);
		break;
	case NSM_INPUT_BASE64:
		ret = decode_b64(res, &rlen, s, n);
		break;
	default:
		memcpy(res, in, len);
		rlen = len;
		ret = 0;
		break;
	}
	free(s);
	if (ret || !rlen) {
		free(res);
		return -EINVAL;
	}
	*out = res;
	*out_len = rlen;
	if (detected)
		*detected = fmt;
	return 0;
}

int nsm_read_input_file(uint8_t **out, size_t *out_len,
			enum nsm_input_format *detected, const char *path,
			enum nsm_input_format fmt)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (!out || !out_len || !path)
		return -EINVAL;
	ret = nsm__read_file(&buf, &len, path, NSM_INPUT_MAX);
	if (ret)
		return ret;
	ret = nsm_input_decode(out, out_len, detected, buf, len, fmt);
	free(buf);
	return ret;
}
