// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing the emulator's sysfs control attributes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "nsmctl.h"
#include "sysfs.h"

const char *sysfs_dir(const char *devname)
{
	static char path[PATH_MAX];
	const char *env = getenv("NSMCTL_SYSFS");
	const char *dev;

	if (env && *env && !devname)
		return env;
	if (!devname) {
		dev = getenv("NSM_DEVICE");
		if (dev && *dev) {
			const char *slash = strrchr(dev, '/');

			devname = slash ? slash + 1 : dev;
		} else {
			devname = "nsm";
		}
	}
	snprintf(path, sizeof(path), "/sys/class/misc/%s", devname);
	return path;
}

bool sysfs_has(const char *dir, const char *attr)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	return !stat(path, &st);
}

int sysfs_check(const char *dir)
{
	struct stat st;

	errno = 0;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		error("no emulator control directory %s: %s", dir,
		      strerror(errno ? errno : ENOTDIR));
		fprintf(stderr, "hint: load the nsm_emu module (a real NSM has "
			"no control interface); --dev NAME selects another "
			"device\n");
		return NSMCTL_DEVICE;
	}
	if (!sysfs_has(dir, "reset") || !sysfs_has(dir, "pcrs")) {
		error("%s is not an nsm_emu device (no reset/pcrs attributes; "
		      "the real NSM driver?)", dir);
		return NSMCTL_DEVICE;
	}
	return NSMCTL_OK;
}

static void explain(const char *op, const char *path, int err)
{
	if (err == EACCES || err == EPERM)
		error("cannot %s %s: %s (the control interface is root only)",
		      op, path, strerror(err));
	else if (err == EINVAL)
		error("cannot %s %s: the module refused the value (%s)", op,
		      path, strerror(err));
	else
		error("cannot %s %s: %s", op, path, strerror(err));
}

int sysfs_read(const char *dir, const char *attr, char **buf, size_t *len)
{
	char path[PATH_MAX];
	size_t cap = 4096, n = 0;
	char *b, *nb;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		explain("read", path, errno);
		return NSMCTL_DEVICE;
	}
	b = malloc(cap + 1);
	if (!b)
		die(NSMCTL_INTERNAL, "out of memory");
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= NSMCTL_MAX_FILE) {
				close(fd);
				free(b);
				error("%s: larger than %u bytes", path,
				      NSMCTL_MAX_FILE);
				return NSMCTL_DEVICE;
			}
			cap *= 2;
			nb = realloc(b, cap + 1);
			if (!nb)
				die(NSMCTL_INTERNAL, "out of memory");
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			close(fd);
			free(b);
			explain("read", path, err);
			return NSMCTL_DEVICE;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	if (len)
		*len = n;
	return NSMCTL_OK;
}

int sysfs_write(const char *dir, const char *attr, const void *buf,
		size_t len)
{
	char path[PATH_MAX];
	ssize_t w;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	/* O_TRUNC as a shell's ">" does: sysfs ignores it, files honour it. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		explain("write", path, errno);
		return NSMCTL_DEVICE;
	}
	do {
		w = write(fd, buf, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0 || (size_t)w != len) {
		int err = w < 0 ? errno : EIO;

		close(fd);
		explain("write", path, err);
		return NSMCTL_DEVICE;
	}
	if (close(fd)) {
		explain("write", path, errno);
		return NSMCTL_DEVICE;
	}
	return NSMCTL_OK;
}
