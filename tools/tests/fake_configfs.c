// SPDX-License-Identifier: GPL-2.0
/*
 * fake_configfs.so: preloaded (LD_PRELOAD) into nsmctl by t-emu.sh, it
 * gives a plain directory tree, $NSMCTL_CONFIGFS, the behaviours of the
 * module's configfs that plain files cannot have, so that nsmctl runs its
 * real code paths against it:
 *
 *  - mkdir of <root>/instances/<name> fills the new directory with the
 *    instance's attributes at their defaults, as the module's make_group
 *    does (a name the ABI refuses gets EINVAL); rmdir removes them first,
 *    as configfs does, and refuses the instance "default" with EPERM.
 *  - FAKE_CONFIGFS_FAIL="REL=ERRNO[,REL=ERRNO]..." makes write() to the
 *    file <root>/REL fail with ERRNO (EINVAL, EEXIST, ENODEV, ... or a
 *    number), as the module refusing a value does.
 *  - FAKE_CONFIGFS_LOG=FILE appends "REL LEN" for every write() under
 *    <root>, so the tests can tell how an attribute was written.
 *
 * The values nsmctl writes land in the files, where the tests read them.
 * Everything else passes through to libc.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EINVAL", EINVAL }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV },
	{ "EBUSY", EBUSY }, { "EPERM", EPERM }, { "EACCES", EACCES },
	{ "ENODATA", ENODATA }, { "EFBIG", EFBIG }, { "EIO", EIO },
	{ "ENOMEM", ENOMEM },
};

static const char *root(void)
{
	const char *r = getenv("NSMCTL_CONFIGFS");

	return r && *r ? r : NULL;
}

/* The instance name if @path is <root>/instances/<name>, else NULL. */
static const char *instance_of(const char *path)
{
	const char *r = root(), *name;
	size_t n;

	if (!r)
		return NULL;
	n = strlen(r);
	if (strncmp(path, r, n) || strncmp(path + n, "/instances/", 11))
		return NULL;
	name = path + n + 11;
	return *name && !strchr(name, '/') ? name : NULL;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 28 && strcmp(s, ".") && strcmp(s, "..") &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") == n;
}

static void put(const char *dir, const char *attr, const char *val)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "%s", val);
	if (fclose(f))
		abort();
}

/* The attributes of a new instance, at the ABI's defaults. */
static void populate(const char *dir, const char *name)
{
	char val[160];
	unsigned long h = 5381;
	const char *p;
	int i;

	for (p = name; *p; p++)
		h = h * 33 + (unsigned char)*p;
	put(dir, "enable", "0\n");
	snprintf(val, sizeof(val), "nsm-%s\n", name);
	put(dir, "devname", val);
	snprintf(val, sizeof(val), "i-0123456789abcdef0-enc%016lx\n", h);
	put(dir, "module_id", val);
	put(dir, "debug_mode", "0\n");
	for (i = 0; i <= 8; i++) {
		char attr[8];
		int d = i == 3 || i == 8 ? '0' : '1' + i;

		if (i > 4 && i < 8)
			continue;
		memset(val, d, 96);
		strcpy(val + 96, "\n");
		snprintf(attr, sizeof(attr), "pcr%d", i);
		put(dir, attr, val);
	}
	put(dir, "cose_tagged", "0\n");
	put(dir, "indefinite_map", "1\n");
	put(dir, "clock_offset_ms", "0\n");
	put(dir, "leaf_lifetime_s", "10800\n");
	put(dir, "reset", "");
	put(dir, "rotate", "");
}

int mkdir(const char *path, mode_t mode)
{
	int (*real)(const char *, mode_t) =
		(int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
	const char *name = instance_of(path);

	if (name && !valid_name(name)) {
		errno = EINVAL;
		return -1;
	}
	if (real(path, mode))
		return -1;
	if (name)
		populate(path, name);
	return 0;
}

int rmdir(const char *path)
{
	int (*real)(const char *) =
		(int (*)(const char *))dlsym(RTLD_NEXT, "rmdir");
	const char *name = instance_of(path);
	struct dirent *d;
	DIR *dir;

	if (name && !strcmp(name, "default")) {
		errno = EPERM;
		return -1;
	}
	if (name) {
		dir = opendir(path);
		if (!dir)
			return -1;
		while ((d = readdir(dir)))
			if (d->d_type == DT_REG)
				unlinkat(dirfd(dir), d->d_name, 0);
		closedir(dir);
	}
	return real(path);
}

/* Log a write of @count bytes to @rel (relative to the root). */
static void log_write(const char *rel, size_t count)
{
	const char *log = getenv("FAKE_CONFIGFS_LOG");
	FILE *f;

	if (!log || !*log)
		return;
	f = fopen(log, "a");
	if (!f)
		abort();
	fprintf(f, "%s %zu\n", rel, count);
	fclose(f);
}

/*
 * The errno FAKE_CONFIGFS_FAIL gives a write of @count bytes to @fd, or 0;
 * the write is logged if it goes to a file under the root.
 */
static int failure_for(int fd, size_t count)
{
	const char *rules = getenv("FAKE_CONFIGFS_FAIL"), *r = root();
	char link[64], path[PATH_MAX], want[2 * PATH_MAX], real_root[PATH_MAX];
	char *list, *rule, *save = NULL, *eq;
	size_t i, rlen;
	ssize_t n;
	int err = 0;

	if (!r || fd <= 2 || !realpath(r, real_root))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	rlen = strlen(real_root);
	if (strncmp(path, real_root, rlen) || path[rlen] != '/')
		return 0;
	log_write(path + rlen + 1, count);
	if (!rules || !*rules)
		return 0;
	list = strdup(rules);
	if (!list)
		abort();
	for (rule = strtok_r(list, ",", &save); rule && !err;
	     rule = strtok_r(NULL, ",", &save)) {
		eq = strchr(rule, '=');
		if (!eq)
			continue;
		*eq = '\0';
		snprintf(want, sizeof(want), "%s/%s", real_root, rule);
		if (strcmp(want, path))
			continue;
		err = atoi(eq + 1);
		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (!strcmp(eq + 1, errnos[i].name))
				err = errnos[i].err;
	}
	free(list);
	return err;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	ssize_t (*real)(int, const void *, size_t) =
		(ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
							       "write");
	int err = failure_for(fd, count);

	if (err) {
		errno = err;
		return -1;
	}
	return real(fd, buf, count);
}
