// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whole-file reads (see file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

/* Read all of @path ("-" = stdin) into a malloc()ed buffer with a NUL
 * after the data (not counted in *len). -EFBIG above @max bytes. The
 * buffer doubles as it fills, and never grows past @max + 1 bytes of data
 * (the one byte that shows the input is too long), so memory is at most
 * twice the input, and bounded by @max whatever the input. */
int file_read(uint8_t **out, size_t *len, const char *path, size_t max)
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
