// SPDX-License-Identifier: GPL-2.0
/* Input format detection and decoding: raw CBOR, base64, hex. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "file.h"
#include "hex.h"
#include "input.h"

const char *input_format_name(enum input_format fmt)
{
	switch (fmt) {
	case INPUT_AUTO:
		return "auto";
	case INPUT_CBOR:
		return "cbor";
	case INPUT_BASE64:
		return "base64";
	case INPUT_HEX:
		return "hex";
	}
	return "unknown";
}

int input_format_parse(const char *s, enum input_format *fmt)
{
	if (!strcmp(s, "auto"))
		*fmt = INPUT_AUTO;
	else if (!strcmp(s, "raw") || !strcmp(s, "cbor"))
		*fmt = INPUT_CBOR;
	else if (!strcmp(s, "base64") || !strcmp(s, "b64"))
		*fmt = INPUT_BASE64;
	else if (!strcmp(s, "hex"))
		*fmt = INPUT_HEX;
	else
		return -EINVAL;
	return 0;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
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

static size_t hex_prefix(const uint8_t *s, size_t n)
{
	return n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
}

static enum input_format detect(const uint8_t *raw, size_t rlen,
				const uint8_t *s, size_t n)
{
	size_t i, start = hex_prefix(s, n);
	bool hex = true, b64 = true;

	if (rlen && (raw[0] == 0x84 || raw[0] == 0xd2))
		return INPUT_CBOR;
	for (i = 0; i < n; i++) {
		if (i >= start && hex_digit(s[i]) < 0)
			hex = false;
		if (base64_digit(s[i]) < 0 && s[i] != '=')
			b64 = false;
	}
	if (hex && n > start && (n - start) % 2 == 0)
		return INPUT_HEX;
	if (b64 && n)
		return INPUT_BASE64;
	return INPUT_CBOR;
}

int input_decode(uint8_t **out, size_t *out_len, enum input_format *detected,
		 const uint8_t *in, size_t len, enum input_format fmt)
{
	uint8_t *s, *res;
	size_t n, skip, rlen = 0;
	int ret;

	if (!out || !out_len || (!in && len) ||
	    (unsigned int)fmt > INPUT_HEX)
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
	if (fmt == INPUT_AUTO)
		fmt = detect(in, len, s, n);
	switch (fmt) {
	case INPUT_HEX:
		skip = hex_prefix(s, n);
		ret = n > skip ? hex_decode(res, len, &rlen,
					    (const char *)s + skip, n - skip) :
				 -EINVAL;
		break;
	case INPUT_BASE64:
		ret = base64_decode(res, &rlen, s, n);
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

int input_read_file(uint8_t **out, size_t *out_len,
		    enum input_format *detected, const char *path,
		    enum input_format fmt)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (!out || !out_len || !path)
		return -EINVAL;
	ret = file_read(&buf, &len, path, INPUT_MAX_FILE);
	if (ret)
		return ret;
	ret = input_decode(out, out_len, detected, buf, len, fmt);
	free(buf);
	return ret;
}
