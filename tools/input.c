// SPDX-License-Identifier: GPL-2.0
/*
 * File and argument input of nsmctl, with format auto-detection.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "nsm_verify.h"
#include "nsmctl.h"

int parse_in_format(const char *s, enum in_format *f)
{
	if (!strcmp(s, "auto"))
		*f = IN_AUTO;
	else if (!strcmp(s, "raw") || !strcmp(s, "cbor"))
		*f = IN_RAW;
	else if (!strcmp(s, "base64") || !strcmp(s, "b64"))
		*f = IN_BASE64;
	else if (!strcmp(s, "hex"))
		*f = IN_HEX;
	else
		return -1;
	return 0;
}

const char *in_format_name(enum in_format f)
{
	switch (f) {
	case IN_RAW:
		return "raw";
	case IN_BASE64:
		return "base64";
	case IN_HEX:
		return "hex";
	default:
		return "auto";
	}
}

static const char *display_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

int read_file(const char *path, uint8_t **data, size_t *len)
{
	size_t cap = 8192, n = 0;
	uint8_t *buf, *nbuf;
	bool is_stdin = !strcmp(path, "-");
	int fd;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error("cannot open '%s': %s", path, strerror(errno));
		return NSMCTL_DEVICE;
	}
	buf = malloc(cap + 1);
	if (!buf)
		goto nomem;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= NSMCTL_MAX_FILE) {
				error("'%s' is larger than %u bytes",
				      display_name(path), NSMCTL_MAX_FILE);
				free(buf);
				if (!is_stdin)
					close(fd);
				return NSMCTL_INPUT;
			}
			cap *= 2;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf)
				goto nomem;
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			error("cannot read '%s': %s", display_name(path),
			      strerror(errno));
			free(buf);
			if (!is_stdin)
				close(fd);
			return NSMCTL_DEVICE;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!is_stdin)
		close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return NSMCTL_OK;
nomem:
	free(buf);
	if (!is_stdin)
		close(fd);
	error("out of memory");
	return NSMCTL_INTERNAL;
}

char *base64_encode(const uint8_t *buf, size_t len)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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

static bool all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

int parse_bytes_arg(const char *opt, const char *arg, uint8_t **out,
		    size_t *out_len)
{
	const char *whole = arg;
	size_t len;
	int ret;

	if (arg[0] == '@' || !strcmp(arg, "-")) {
		ret = read_file(arg[0] == '@' ? arg + 1 : "-", out, out_len);
		if (ret)
			error("(while reading the value of %s)", opt);
		return ret;
	}
	len = strlen(arg);
	if (len >= 2 && arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		arg += 2;
		len -= 2;
	}
	if (!len) {
		*out = malloc(1);
		if (!*out) {
			error("out of memory");
			return NSMCTL_INTERNAL;
		}
		*out_len = 0;
		return NSMCTL_OK;
	}
	/* libnsm's decoder (shared with documents) skips whitespace; a byte
	 * option must be hex digits only. */
	if (!all_hex(arg, len)) {
		error("%s: '%s' is not hex: use the digits 0-9 and a-f "
		      "(@FILE for a file, - for stdin)", opt, whole);
		return NSMCTL_USAGE;
	}
	ret = nsm_input_decode(out, out_len, NULL, (const uint8_t *)arg, len,
			       NSM_INPUT_HEX);
	if (ret == -ENOMEM) {
		error("out of memory");
		return NSMCTL_INTERNAL;
	}
	if (ret) {
		error("%s: '%s' has an odd number of hex digits", opt, whole);
		return NSMCTL_USAGE;
	}
	return NSMCTL_OK;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int write_output_mode(const char *path, const uint8_t *buf, size_t len,
		      mode_t mode)
{
	struct stat st;
	char *tmp;
	int fd;

	if (!strcmp(path, "-")) {
		if (write_all(STDOUT_FILENO, buf, len)) {
			error("cannot write to stdout: %s", strerror(errno));
			return NSMCTL_DEVICE;
		}
		return NSMCTL_OK;
	}
	/* Devices, FIFOs and the like are written in place. */
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write_all(fd, buf, len)) {
			error("cannot write '%s': %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return NSMCTL_DEVICE;
		}
		close(fd);
		return NSMCTL_OK;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0) {
		error("out of memory");
		return NSMCTL_INTERNAL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		error("cannot create '%s': %s", path, strerror(errno));
		free(tmp);
		return NSMCTL_DEVICE;
	}
	/* mkstemp() makes 0600: give the file @mode less the umask, as open()
	 * would, before it holds anything. */
	if (fchmod(fd, mode & ~umask(umask(0))) || write_all(fd, buf, len) ||
	    fsync(fd)) {
		error("cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return NSMCTL_DEVICE;
	}
	if (close(fd)) {
		error("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return NSMCTL_DEVICE;
	}
	if (rename(tmp, path)) {
		error("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return NSMCTL_DEVICE;
	}
	free(tmp);
	return NSMCTL_OK;
}
