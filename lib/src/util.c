// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small helpers: hex, whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode @len hex characters (no separators); -EINVAL on odd length, a
 * non-hex character or more than @cap bytes. */
int nsm__hex_decode(uint8_t *out, size_t cap, size_t *out_len,
		    const char *hex, size_t len)
{
	size_t i;

	if (len % 2 || len / 2 > cap)
		return -EINVAL;
	for (i = 0; i < len; i += 2) {
		int hi = hexval((unsigned char)hex[i]);
		int lo = hexval((unsigned char)hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = len / 2;
	return 0;
}

/* Lower-case hex of @len bytes into @out (2 * len + 1 bytes). */
void nsm__hex_encode(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Read all of @path ("-" = stdin) into a malloc()ed buffer with a NUL
 * after the data (not counted in *len). -EFBIG above @max bytes. The
 * buffer doubles as it fills, and never grows past @max + 1 bytes of data
 * (the one byte that shows the input is too long), so memory is at most
 * twice the input, and bounded by @max whatever the input. */
int nsm__read_file(uint8_t **out, size_t *len, const char *path, size_t max)
{
	uint8_t *buf = NULL, *tmp;
	size_t used = 0, cap = 0;
	int fd, ret = 0;
	ssize_t n;

	if (!out || !len || !path)
		return -EINVAL;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return -errno;
	for (;;) {
		if (used == cap) {
			size_t ncap = cap ? cap * 2 : 8192;

			if (ncap >= max)
				ncap = max + 1;
			tmp = realloc(buf, ncap + 1);
			if (!tmp) {
				ret = -ENOMEM;
				break;
			}
			buf = tmp;
			cap = ncap;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			ret = -EFBIG;
			break;
		}
	}
	if (fd > 0)
		close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}
