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

#include <nsm_verify.h>

#include "input.h"
#include "nsmctl.h"

static const char *display_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

int read_file(const char *path, uint8_t **data, size_t *len)
{
	int ret = file_read(data, len, path, NSMCTL_MAX_FILE);

	switch (ret) {
	case 0:
		return NSMCTL_OK;
	case -ENOMEM:
		error("out of memory");
		return NSMCTL_INTERNAL;
	case -EFBIG:
		error("'%s' is larger than %u bytes", display_name(path),
		      NSMCTL_MAX_FILE);
		return NSMCTL_INPUT;
	default:
		/* errors of read(2) itself; the others come from open(2) */
		error("cannot %s '%s': %s", ret == -EISDIR || ret == -EIO ?
		      "read" : "open", display_name(path), strerror(-ret));
		return NSMCTL_DEVICE;
	}
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
	if (!all_hex(arg, len)) {
		error("%s: '%s' is not hex: use the digits 0-9 and a-f "
		      "(@FILE for a file, - for stdin)", opt, whole);
		return NSMCTL_USAGE;
	}
	*out = malloc(len / 2 + 1);
	if (!*out) {
		error("out of memory");
		return NSMCTL_INTERNAL;
	}
	ret = hex_decode(*out, len / 2, out_len, arg, len);
	if (ret) {
		free(*out);
		*out = NULL;
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

int load_measurements(const char *what, const char *path,
		      struct nsm_pcrset **set)
{
	struct nsm_error err = { 0 };
	int ret = nsm_pcrset_load_file(set, &err, path);

	if (!ret)
		return NSMCTL_OK;
	if (ret == -EINVAL) {
		error("%s: %s", what, err.message[0] ? err.message :
		      "not a measurements file");
		return NSMCTL_INPUT;
	}
	error("%s: %s", what, strerror(-ret));
	return ret == -ENOMEM ? NSMCTL_INTERNAL : NSMCTL_DEVICE;
}
