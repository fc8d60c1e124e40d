// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing the emulator's configfs and sysfs attributes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ctl.h"
#include "input.h"
#include "nsmctl.h"

#define CONFIGFS_MOUNT		"/sys/kernel/config"
#define CONFIGFS_ROOT		CONFIGFS_MOUNT "/nsm_emu"
#define SYSFS_CLASS		"/sys/class/misc"
#define CONFIGFS_MAGIC		0x62656570	/* include/uapi/linux/magic.h */

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

const char *ctl_configfs(void)
{
	return env_or("NSMCTL_CONFIGFS", CONFIGFS_ROOT);
}

const char *ctl_sysfs(void)
{
	return env_or("NSMCTL_SYSFS", SYSFS_CLASS);
}

/* Whether the directory holding @root is a mounted configfs. */
static bool parent_is_configfs(const char *root)
{
	char parent[PATH_MAX];
	struct statfs sfs;
	char *slash;

	snprintf(parent, sizeof(parent), "%s", root);
	slash = strrchr(parent, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return !statfs(*parent ? parent : "/", &sfs) &&
	       sfs.f_type == CONFIGFS_MAGIC;
}

int ctl_check(void)
{
	const char *root = ctl_configfs();
	struct stat st;

	errno = 0;
	if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
		int err = errno ? errno : ENOTDIR;

		error("no emulator control directory %s: %s", root,
		      strerror(err));
		if (err == EACCES)
			fprintf(stderr, "hint: the control interface is root "
				"only\n");
		else if (!parent_is_configfs(root))
			fprintf(stderr, "hint: is configfs mounted? mount -t "
				"configfs none " CONFIGFS_MOUNT "; then load the "
				"module: modprobe nsm_emu\n");
		else
			fprintf(stderr, "hint: load the module: modprobe "
				"nsm_emu (a real NSM has no control "
				"interface)\n");
		return NSMCTL_DEVICE;
	}
	if (!ctl_has(root, "instances") || !ctl_has(root, "pki")) {
		error("%s is not an nsm_emu control directory (no instances/ "
		      "and pki/)", root);
		return NSMCTL_DEVICE;
	}
	return NSMCTL_OK;
}

bool ctl_valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n > max || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") == n;
}

void ctl_instance_dir(char *dir, const char *name)
{
	snprintf(dir, PATH_MAX, "%s/instances/%s", ctl_configfs(), name);
}

void ctl_pki_dir(char *dir)
{
	snprintf(dir, PATH_MAX, "%s/pki", ctl_configfs());
}

void ctl_device_dir(char *dir, const char *devname)
{
	snprintf(dir, PATH_MAX, "%s/%s", ctl_sysfs(), devname);
}

int ctl_instance(const char *name, char *dir)
{
	struct stat st;
	int ret;

	if (!ctl_valid_name(name, CTL_NAME_MAX)) {
		error("'%s' is not an instance name: 1 to %d characters from "
		      "A-Z a-z 0-9 _ . -", name, CTL_NAME_MAX);
		return NSMCTL_USAGE;
	}
	ret = ctl_check();
	if (ret)
		return ret;
	ctl_instance_dir(dir, name);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		error("no instance '%s' (%s)", name, dir);
		fprintf(stderr, "hint: 'nsmctl emu list' shows the instances; "
			"'nsmctl emu create %s' makes one\n", name);
		return NSMCTL_DEVICE;
	}
	return NSMCTL_OK;
}

bool ctl_has(const char *dir, const char *attr)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	return !stat(path, &st);
}

/* What an errno of the control interface means (the ABI's errors). */
static const char *meaning(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return "the control interface is root only";
	case EINVAL:
		return "the module refused the value";
	case EBUSY:
		return "not while the instance is enabled";
	case EEXIST:
		return "the name is already in use";
	case ENODEV:
		return "the instance is disabled";
	case EFBIG:
		return "too large for the attribute";
	case ENODATA:
		return "nothing is staged";
	case ENOENT:
		return "no such attribute: another nsm_emu version?";
	default:
		return NULL;
	}
}

static int report(const char *op, const char *dir, const char *attr, int err)
{
	/* A missing file to read is the caller's to explain. */
	const char *why = err == ENOENT && *op == 'r' ? NULL : meaning(err);

	error("cannot %s %s/%s: %s%s%s%s", op, dir, attr, strerror(err),
	      why ? " (" : "", why ? why : "", why ? ")" : "");
	return NSMCTL_DEVICE;
}

int ctl_fail(const char *dir, const char *attr, int err)
{
	return report("write", dir, attr, err);
}

int ctl_read(const char *dir, const char *attr, char **buf, size_t *len)
{
	char path[PATH_MAX];
	size_t cap = 4096, n = 0;
	char *b, *nb;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report("read", dir, attr, errno);
	b = malloc(cap + 1);
	if (!b)
		die(NSMCTL_INTERNAL, "out of memory");
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= NSMCTL_MAX_FILE) {
				err = EFBIG;
				goto fail;
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
			err = errno;
			goto fail;
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
fail:
	close(fd);
	free(b);
	return report("read", dir, attr, err);
}

int ctl_get(const char *dir, const char *attr, char **val)
{
	size_t len;
	int ret;

	ret = ctl_read(dir, attr, val, &len);
	if (!ret && len && (*val)[len - 1] == '\n')
		(*val)[len - 1] = '\0';
	return ret;
}

int ctl_write(const char *dir, const char *attr, const void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t w;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	/* O_TRUNC as a shell's ">" does: configfs ignores it, files need it. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	do {
		w = write(fd, buf, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0 || (size_t)w != len) {
		err = w < 0 ? errno : EIO;
		close(fd);
		return err;
	}
	if (close(fd))
		return errno;
	return 0;
}

int ctl_set(const char *dir, const char *attr, const char *val)
{
	size_t n = strlen(val);
	char *line = malloc(n + 2);
	int err;

	if (!line)
		die(NSMCTL_INTERNAL, "out of memory");
	memcpy(line, val, n);
	line[n] = '\n';
	err = ctl_write(dir, attr, line, n + 1);
	free(line);
	return err ? ctl_fail(dir, attr, err) : NSMCTL_OK;
}
