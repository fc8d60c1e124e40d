// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime and parameter tests of nsm-emu's kernel module: load, unload,
 * unload while in use, the parameters of the default instance (pcrN,
 * module_id, debug, devname, default_instance), device name collisions
 * and the instance's reset in configfs. They load and unload the module
 * themselves with finit_module(2)/delete_module(2), so they need root, the
 * module file, NSM_KO=/path/to/nsm_emu.ko (its crypto dependencies and
 * configfs loaded already) and configfs mounted on /sys/kernel/config.
 * Without NSM_KO they skip (exit 4). NSM_KO_TWIN names a copy of the
 * module renamed nsm_emv (the VM runner makes one; its configfs subsystem
 * is nsm_emv) for the tests of two NSM drivers at once.
 *
 * Every test leaves the module loaded with default parameters, or not
 * loaded when it says so; the last test loads it with defaults again.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nsm_harness.h"
#include "nsm_util.h"

#define MOD_NAME	"nsm_emu"
#define DEFAULT_ID	"i-0123456789abcdef0-enc0123456789abcdef"

static const char *ko_path(void)
{
	return getenv("NSM_KO");
}

/* finit_module(2) of the module file @path with @params; 0 or -errno. */
static int mod_load_file(const char *path, const char *params)
{
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int mod_load(const char *params)
{
	return mod_load_file(ko_path(), params);
}

/* delete_module(2) without waiting, as rmmod does; 0 or -errno. */
static int mod_unload_name(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int mod_unload(void)
{
	return mod_unload_name(MOD_NAME);
}

static bool mod_loaded(void)
{
	return access("/sys/module/" MOD_NAME "/initstate", F_OK) == 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* An attribute of configfs instance @inst, without its newline. */
static void inst_read(struct __test_metadata *_metadata, const char *inst,
		      const char *attr, char *buf, size_t cap)
{
	long n = nsm_read_file(nsm_inst_path(inst, attr), buf, cap);

	if (n < 0)
		TH_LOG("read %s: %s", nsm_inst_path(inst, attr), strerror((int)-n));
	ASSERT_GE(n, 0);
	buf[strcspn(buf, "\n")] = '\0';
}

static int inst_write(const char *inst, const char *attr, const char *val)
{
	return nsm_puts_file(nsm_inst_path(inst, attr), val);
}

/* mkdir instances/@inst; 0 or -errno. */
static int inst_mkdir(const char *inst)
{
	char path[256];

	snprintf(path, sizeof(path), NSM_CONFIGFS "/instances/%s", inst);
	return mkdir(path, 0755) ? -errno : 0;
}

static int inst_rmdir(const char *inst)
{
	char path[256];

	snprintf(path, sizeof(path), NSM_CONFIGFS "/instances/%s", inst);
	return rmdir(path) ? -errno : 0;
}

/* The default instance is @dev's, its attribute @attr reads @want. */
static void expect_default_attr(struct __test_metadata *_metadata,
				const char *attr, const char *want)
{
	char buf[256];

	inst_read(_metadata, "default", attr, buf, sizeof(buf));
	if (strcmp(buf, want))
		TH_LOG("instances/default/%s: \"%s\", expected \"%s\"", attr,
		       buf, want);
	ASSERT_EQ(strcmp(buf, want), 0);
}

#define ASSERT_LOAD(params) do {					\
	int _rc = mod_load(params);					\
	if (_rc)							\
		TH_LOG("load \"%s\": %s", params, strerror(-_rc));	\
	ASSERT_EQ(_rc, 0);						\
} while (0)

#define ASSERT_UNLOAD() do {						\
	int _rc = mod_unload();						\
	if (_rc)							\
		TH_LOG("unload: %s", strerror(-_rc));			\
	ASSERT_EQ(_rc, 0);						\
} while (0)

/* Reload with @params (unloading first if needed). */
static void reload(struct __test_metadata *_metadata, const char *params)
{
	if (mod_loaded())
		ASSERT_UNLOAD();
	ASSERT_LOAD(params);
}

/* Read PCR @i of @dev into @v. */
static void dev_pcr(struct __test_metadata *_metadata, const char *dev,
		    unsigned int i, bool *lock, uint8_t v[NSM_PCR_LEN])
{
	int fd = open(dev, O_RDWR), rc;

	if (fd < 0)
		TH_LOG("open %s: %s", dev, strerror(errno));
	ASSERT_GE(fd, 0);
	rc = nsm_describe_pcr(fd, i, lock, v);
	if (rc)
		TH_LOG("DescribePCR(%u) on %s: %d", i, dev, rc);
	ASSERT_EQ(rc, 0);
	close(fd);
}

/* ---- kernel log ---- */

/* Open /dev/kmsg positioned after the last record. */
static int kmsg_mark(struct __test_metadata *_metadata)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	ASSERT_GE(fd, 0);
	ASSERT_GE(lseek(fd, 0, SEEK_END), 0);
	return fd;
}

/*
 * Collect the messages logged since kmsg_mark(_metadata) into @out (one per line)
 * and return how many come from module @name ("<name>: " prefix); fail on
 * any warning or bug.
 *
 * @dup: a module's first misc_register() cannot be checked for a name
 * clash beforehand (nsm_emu learns the misc class from its first device),
 * so a clash at load is refused by the misc core, and the sysfs core
 * reports the duplicate name with a stack dump. With @dup that report
 * (and only it) must be there and its stack dump is no failure; without,
 * it is one.
 */
static int kmsg_from_dup(struct __test_metadata *_metadata, int fd,
			 const char *name, char *out, size_t cap, bool dup)
{
	char rec[2048], *msg;
	bool in_dup = false, saw_dup = false;
	size_t used = 0;
	ssize_t n;
	int ours = 0;

	out[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!strncmp(msg, name, strlen(name)) &&
		    !strncmp(msg + strlen(name), ": ", 2))
			ours++;
		if (strstr(msg, "sysfs: cannot create duplicate filename '/devices/virtual/misc/")) {
			saw_dup = in_dup = true;
			EXPECT_TRUE(dup);
		} else if (in_dup) {
			in_dup = !strstr(msg, "</TASK>");
			continue;
		}
		if (strstr(msg, "WARNING:") || strstr(msg, "BUG:") ||
		    strstr(msg, "Call Trace") || strstr(msg, "cut here"))
			TH_LOG("kernel: %s", msg);
		EXPECT_FALSE(strstr(msg, "WARNING:") || strstr(msg, "BUG:") ||
			     strstr(msg, "Call Trace"));
		if (used + strlen(msg) + 2 < cap)
			used += (size_t)snprintf(out + used, cap - used, "%s\n", msg);
	}
	close(fd);
	if (dup)
		EXPECT_TRUE(saw_dup);
	return ours;
}

static int kmsg_from(struct __test_metadata *_metadata, int fd,
		     const char *name, char *out, size_t cap)
{
	return kmsg_from_dup(_metadata, fd, name, out, cap, false);
}

static int kmsg_since(struct __test_metadata *_metadata, int fd, char *out,
		      size_t cap)
{
	return kmsg_from(_metadata, fd, MOD_NAME, out, cap);
}

/* ---- tests ---- */

TEST(module_unload_clean)
{
	if (!mod_loaded())
		ASSERT_LOAD("");
	ASSERT_TRUE(exists("/dev/nsm"));
	ASSERT_TRUE(exists(NSM_CONFIGFS "/instances/default"));
	ASSERT_UNLOAD();
	ASSERT_FALSE(mod_loaded());
	ASSERT_FALSE(exists("/sys/module/" MOD_NAME));
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_FALSE(exists("/sys/class/misc/nsm"));
	ASSERT_FALSE(exists(NSM_CONFIGFS));
	ASSERT_EQ(mod_unload(), -ENOENT);
}

TEST(module_load_default)
{
	struct nsm_description d;
	uint8_t v[NSM_PCR_LEN];
	char buf[64];
	bool lock;
	int fd;

	reload(_metadata, "");
	ASSERT_TRUE(exists("/dev/nsm"));
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(d.nlocked, 16);
	ASSERT_EQ(strcmp(d.module_id, DEFAULT_ID), 0);
	close(fd);
	dev_pcr(_metadata, "/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
	/* The default instance: "default", enabled, devname nsm. */
	ASSERT_EQ(nsm_read_file(nsm_state_path("nsm", "instance"), buf,
				sizeof(buf)), 8);
	ASSERT_EQ(strcmp(buf, "default\n"), 0);
	expect_default_attr(_metadata, "enable", "1");
	expect_default_attr(_metadata, "devname", "nsm");
	expect_default_attr(_metadata, "module_id", DEFAULT_ID);
	expect_default_attr(_metadata, "debug_mode", "0");
	ASSERT_TRUE(exists(NSM_CONFIGFS "/pki/root"));
	/* It cannot be removed. */
	ASSERT_EQ(inst_rmdir("default"), -EPERM);
	/* A second copy of the module is refused. */
	ASSERT_EQ(mod_load(""), -EEXIST);
	ASSERT_TRUE(exists("/dev/nsm"));
}

/* default_instance=0: the control plane alone, no device. */
TEST(module_param_default_instance)
{
	struct dirent *de;
	int entries = 0;
	DIR *dir;

	reload(_metadata, "default_instance=0");
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_FALSE(exists("/sys/class/misc/nsm"));
	ASSERT_TRUE(exists(NSM_CONFIGFS "/pki/root"));
	dir = opendir(NSM_CONFIGFS "/instances");
	ASSERT_TRUE(dir != NULL);
	while ((de = readdir(dir)))
		entries += de->d_name[0] != '.';
	closedir(dir);
	ASSERT_EQ(entries, 0);
	/* An instance made then can take the name nsm. */
	ASSERT_EQ(inst_mkdir("mine"), 0);
	ASSERT_EQ(inst_write("mine", "devname", "nsm"), 0);
	ASSERT_EQ(inst_write("mine", "enable", "1"), 0);
	ASSERT_TRUE(exists("/dev/nsm"));
	/* It pins the module. */
	ASSERT_EQ(mod_unload(), -EWOULDBLOCK);
	ASSERT_EQ(inst_rmdir("mine"), 0);
	ASSERT_FALSE(exists("/dev/nsm"));
	reload(_metadata, "");
	ASSERT_TRUE(exists("/dev/nsm"));
}

TEST(module_unload_busy)
{
	uint8_t v[NSM_PCR_LEN];
	char buf[128];
	int fd, attr;
	bool lock;

	reload(_metadata, "");
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	/* An open /dev/nsm pins the module: rmmod fails, nothing changes. */
	ASSERT_EQ(mod_unload(), -EWOULDBLOCK);
	ASSERT_TRUE(mod_loaded());
	ASSERT_EQ(nsm_describe_pcr(fd, 16, &lock, v), 0);
	close(fd);
	/* So does an open configfs attribute. */
	attr = open(nsm_inst_path("default", "module_id"), O_RDONLY);
	ASSERT_GE(attr, 0);
	ASSERT_EQ(mod_unload(), -EWOULDBLOCK);
	close(attr);
	/* An open sysfs attribute does not pin it; it goes stale. */
	attr = open("/sys/class/misc/nsm/pcrs/0", O_RDONLY);
	if (attr < 0)
		TH_LOG("open /sys/class/misc/nsm/pcrs/0: %s", strerror(errno));
	ASSERT_GE(attr, 0);
	ASSERT_UNLOAD();
	ASSERT_EQ(read(attr, buf, sizeof(buf)), -1);
	close(attr);
	ASSERT_LOAD("");
}

static const char pcr_a[] =
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	"00112233445566778899aabbccddeeff";
static const char pcr_b[] =
	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
	"ffeeddccbbaa99887766554433221100";

TEST(module_param_pcrs)
{
	uint8_t want_a[NSM_PCR_LEN], want_b[NSM_PCR_LEN], v[NSM_PCR_LEN];
	char params[512];
	bool lock;

	ASSERT_EQ(hex_decode(pcr_a, want_a, sizeof(want_a)), NSM_PCR_LEN);
	ASSERT_EQ(hex_decode(pcr_b, want_b, sizeof(want_b)), NSM_PCR_LEN);
	snprintf(params, sizeof(params), "pcr0=%s pcr3=%s pcr8=%s", pcr_a,
		 pcr_b, pcr_a);
	reload(_metadata, params);
	dev_pcr(_metadata, "/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, want_a, NSM_PCR_LEN);
	dev_pcr(_metadata, "/dev/nsm", 3, &lock, v);
	ASSERT_MEM_EQ(v, want_b, NSM_PCR_LEN);
	dev_pcr(_metadata, "/dev/nsm", 8, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, want_a, NSM_PCR_LEN);
	/* The others keep their defaults. */
	dev_pcr(_metadata, "/dev/nsm", 1, &lock, v);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
	dev_pcr(_metadata, "/dev/nsm", 5, &lock, v);
	ASSERT_TRUE(all_zero(v, sizeof(v)));
	/* They are the default instance's boot measurements. */
	expect_default_attr(_metadata, "pcr0", pcr_a);
	expect_default_attr(_metadata, "pcr3", pcr_b);
	expect_default_attr(_metadata, "pcr8", pcr_a);
	reload(_metadata, "");
	dev_pcr(_metadata, "/dev/nsm", 3, &lock, v);
	ASSERT_TRUE(all_zero(v, sizeof(v)));
}

TEST(module_param_invalid)
{
	static const char *const bad[] = {
		"pcr0=xyz", "pcr1=0011", "pcr4=", "devname=a/b", "devname=",
		"devname=..", "module_id=", "module_id=\"has space\"",
		"default_instance=maybe",
	};
	char log[4096];
	unsigned int i;
	int k;

	if (mod_loaded())
		ASSERT_UNLOAD();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k = kmsg_mark(_metadata);
		ASSERT_EQ(mod_load(bad[i]), -EINVAL);
		ASSERT_FALSE(mod_loaded());
		/* A clear line says what is wrong. */
		if (kmsg_since(_metadata, k, log, sizeof(log)) != 1) {
			TH_LOG("\"%s\": expected one log line from " MOD_NAME
			       ", got:\n%s", bad[i], log);
			EXPECT_TRUE(0);
		}
	}
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_FALSE(exists(NSM_CONFIGFS));
	ASSERT_LOAD("");
}

TEST(module_param_debug)
{
	uint8_t v[NSM_PCR_LEN];
	char buf[128];
	unsigned int i;
	bool lock;

	reload(_metadata, "debug=1");
	expect_default_attr(_metadata, "debug_mode", "1");
	/* A debug-mode enclave reads PCR0-2 as zeros, PCR4 stays. */
	for (i = 0; i < 3; i++) {
		dev_pcr(_metadata, "/dev/nsm", i, &lock, v);
		ASSERT_TRUE(lock);
		ASSERT_TRUE(all_zero(v, sizeof(v)));
	}
	dev_pcr(_metadata, "/dev/nsm", 4, &lock, v);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
	/* sysfs shows the true PCR0. */
	ASSERT_EQ(nsm_read_file(nsm_state_path("nsm", "pcrs/0"), buf,
				sizeof(buf)), 2 * NSM_PCR_LEN + 1);
	ASSERT_LT(strspn(buf, "0"), 2 * NSM_PCR_LEN);
	reload(_metadata, "debug=0");
	expect_default_attr(_metadata, "debug_mode", "0");
	dev_pcr(_metadata, "/dev/nsm", 0, &lock, v);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
}

TEST(module_param_module_id)
{
	static const char other[] = "i-0fedcba9876543210-enc0000000000000001";
	uint8_t req[32], resp[1024], want[512];
	struct nsm_description d;
	size_t n = sizeof(resp);
	long wl;
	int fd;

	reload(_metadata, "module_id=" DEFAULT_ID);
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	wl = hex_decode(nsm_describe_nsm_reference, want, sizeof(want));
	ASSERT_GT(wl, 0);
	ASSERT_EQ(nsm_raw(fd, req, req_describe_nsm(req, sizeof(req)), resp, &n), 0);
	ASSERT_EQ(n, (size_t)wl);
	ASSERT_MEM_EQ(resp, want, n);
	close(fd);
	reload(_metadata, "module_id=i-0fedcba9876543210-enc0000000000000001");
	expect_default_attr(_metadata, "module_id", other);
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(strcmp(d.module_id, other), 0);
	close(fd);
	reload(_metadata, "");
}

TEST(module_param_devname)
{
	uint8_t v[NSM_PCR_LEN];
	char buf[64];
	bool lock;

	reload(_metadata, "devname=nsm2");
	ASSERT_TRUE(exists("/dev/nsm2"));
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_TRUE(exists("/sys/class/misc/nsm2"));
	expect_default_attr(_metadata, "devname", "nsm2");
	ASSERT_GT(nsm_read_file(nsm_state_path("nsm2", "instance"), buf,
				sizeof(buf)), 0);
	ASSERT_EQ(strcmp(buf, "default\n"), 0);
	dev_pcr(_metadata, "/dev/nsm2", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_UNLOAD();
	ASSERT_FALSE(exists("/dev/nsm2"));
	ASSERT_LOAD("");
}

/* A misc device that is not ours, to collide with; "" if none. */
static void foreign_misc(struct __test_metadata *_metadata, char *out,
			 size_t cap)
{
	char path[300];
	struct dirent *de;
	DIR *dir;

	out[0] = '\0';
	dir = opendir("/sys/class/misc");
	ASSERT_TRUE(dir != NULL);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > 32 ||
		    !strncmp(de->d_name, "nsm", 3))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (!exists(path))
			continue;
		snprintf(out, cap, "%s", de->d_name);
		if (!strcmp(out, "cpu_dma_latency"))
			break;
	}
	closedir(dir);
}

/*
 * Device names among instances are checked by the module: a second
 * instance cannot take a name another instance has (EEXIST at mkdir, for
 * the default "nsm-<name>", or at the devname write), enabled or not.
 */
TEST(module_devname_collision_instances)
{
	reload(_metadata, "");
	/* The default instance's "nsm". */
	ASSERT_EQ(inst_mkdir("c1"), 0);
	ASSERT_EQ(inst_write("c1", "devname", "nsm"), -EEXIST);
	/* A disabled instance's name is reserved as well. */
	ASSERT_EQ(inst_write("c1", "devname", "nsm-c2"), 0);
	ASSERT_EQ(inst_mkdir("c2"), -EEXIST);
	ASSERT_FALSE(exists(NSM_CONFIGFS "/instances/c2"));
	ASSERT_EQ(inst_write("c1", "devname", "nsm-c1"), 0);
	ASSERT_EQ(inst_mkdir("c2"), 0);
	ASSERT_EQ(inst_write("c2", "devname", "nsm-c1"), -EEXIST);
	ASSERT_EQ(inst_write("c2", "enable", "1"), 0);
	ASSERT_TRUE(exists("/dev/nsm-c2"));
	/* Renaming an enabled instance: EBUSY. */
	ASSERT_EQ(inst_write("c2", "devname", "nsm-c3"), -EBUSY);
	ASSERT_EQ(inst_rmdir("c2"), 0);
	ASSERT_FALSE(exists("/dev/nsm-c2"));
	ASSERT_EQ(inst_rmdir("c1"), 0);
	ASSERT_TRUE(exists("/dev/nsm"));
}

/*
 * A misc device of the requested name exists already, not ours (on an
 * enclave: the real NSM driver's /dev/nsm). The only way to make one here
 * is to pick another misc device's name, which exercises the same check:
 * misc_register() refuses it, the enable write or the load fails with
 * EEXIST, the log says so, no kernel warning, the other device intact.
 */
TEST(module_devname_collision)
{
	char other[64], path[300], params[160], log[4096];
	struct stat before, after;
	int k, ours;

	reload(_metadata, "");
	foreign_misc(_metadata, other, sizeof(other));
	if (!other[0])
		SKIP(return, "no misc device to collide with");
	TH_LOG("colliding with /dev/%s", other);
	snprintf(path, sizeof(path), "/dev/%s", other);
	ASSERT_EQ(stat(path, &before), 0);

	/* An instance of ours: refused at enable. */
	ASSERT_EQ(inst_mkdir("coll"), 0);
	ASSERT_EQ(inst_write("coll", "devname", other), 0);
	k = kmsg_mark(_metadata);
	ASSERT_EQ(inst_write("coll", "enable", "1"), -EEXIST);
	ours = kmsg_since(_metadata, k, log, sizeof(log));
	if (ours != 1 || !strstr(log, other))
		TH_LOG("kernel log:\n%s", log);
	EXPECT_EQ(ours, 1);
	EXPECT_TRUE(strstr(log, other) != NULL);
	inst_read(_metadata, "coll", "enable", params, sizeof(params));
	EXPECT_EQ(strcmp(params, "0"), 0);
	ASSERT_EQ(inst_rmdir("coll"), 0);
	ASSERT_EQ(stat(path, &after), 0);
	ASSERT_EQ(after.st_rdev, before.st_rdev);

	/* The default instance: the load fails. */
	ASSERT_UNLOAD();
	snprintf(params, sizeof(params), "devname=%s", other);
	k = kmsg_mark(_metadata);
	ASSERT_EQ(mod_load(params), -EEXIST);
	ours = kmsg_from_dup(_metadata, k, MOD_NAME, log, sizeof(log), true);
	if (ours < 1 || !strstr(log, other))
		TH_LOG("kernel log:\n%s", log);
	ASSERT_GE(ours, 1);
	ASSERT_TRUE(strstr(log, other) != NULL);
	ASSERT_FALSE(mod_loaded());
	ASSERT_FALSE(exists(NSM_CONFIGFS));
	ASSERT_EQ(stat(path, &after), 0);
	ASSERT_EQ(after.st_rdev, before.st_rdev);
	ASSERT_LOAD("");
}

/*
 * The twin: the same module with its name patched to "nsm_emv" (the VM
 * runner makes it), a second, independent module that can be loaded next
 * to nsm_emu - the stand-in for a real NSM driver owning /dev/nsm.
 */
#define TWIN_NAME	"nsm_emv"

static const char *twin_path(void)
{
	const char *p = getenv("NSM_KO_TWIN");

	return p && *p && !access(p, R_OK) ? p : NULL;
}

TEST(module_collision_with_nsm)
{
	char log[4096];
	uint8_t v[NSM_PCR_LEN];
	int k, ours, rc;
	bool lock;

	if (!twin_path())
		SKIP(return, "NSM_KO_TWIN (nsm_emu.ko renamed nsm_emv) not set");
	reload(_metadata, "");
	/* /dev/nsm exists: a second NSM must not take it over. */
	k = kmsg_mark(_metadata);
	rc = mod_load_file(twin_path(), "");
	ours = kmsg_from_dup(_metadata, k, TWIN_NAME, log, sizeof(log), true);
	if (rc == 0)
		mod_unload_name(TWIN_NAME);
	ASSERT_EQ(rc, -EEXIST);
	/* The module that refused to load says why, naming the device. */
	if (ours < 1 || !strstr(log, "\"nsm\""))
		TH_LOG("kernel log:\n%s", log);
	ASSERT_GE(ours, 1);
	ASSERT_TRUE(strstr(log, "\"nsm\"") != NULL);
	ASSERT_FALSE(exists("/sys/module/" TWIN_NAME));
	ASSERT_FALSE(exists("/sys/kernel/config/" TWIN_NAME));
	dev_pcr(_metadata, "/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
}

TEST(module_side_by_side)
{
	uint8_t a[NSM_PCR_LEN], b[NSM_PCR_LEN], v[NSM_PCR_LEN];
	char log[4096];
	int fd1, fd2, k;
	bool lock;

	if (!twin_path())
		SKIP(return, "NSM_KO_TWIN (nsm_emu.ko renamed nsm_emv) not set");
	reload(_metadata, "");
	ASSERT_EQ(mod_load_file(twin_path(), "devname=nsm2 debug=1"), 0);
	ASSERT_TRUE(exists("/sys/kernel/config/" TWIN_NAME "/instances/default"));
	fd1 = open("/dev/nsm", O_RDWR);
	fd2 = open("/dev/nsm2", O_RDWR);
	ASSERT_GE(fd1, 0);
	ASSERT_GE(fd2, 0);
	/* Two devices, two states. */
	ASSERT_EQ(nsm_extend_pcr(fd2, 16, "two", 3, b), 0);
	ASSERT_EQ(nsm_describe_pcr(fd1, 16, &lock, a), 0);
	ASSERT_TRUE(all_zero(a, sizeof(a)));
	ASSERT_EQ(nsm_describe_pcr(fd1, 0, &lock, a), 0);
	ASSERT_FALSE(all_zero(a, sizeof(a)));
	ASSERT_EQ(nsm_describe_pcr(fd2, 0, &lock, v), 0);
	ASSERT_TRUE(all_zero(v, sizeof(v)));		/* debug=1 there only */
	/* The other driver's nsm2 is foreign to us: enable refuses it. */
	ASSERT_EQ(inst_mkdir("twin"), 0);
	ASSERT_EQ(inst_write("twin", "devname", "nsm2"), 0);
	k = kmsg_mark(_metadata);
	ASSERT_EQ(inst_write("twin", "enable", "1"), -EEXIST);
	EXPECT_EQ(kmsg_since(_metadata, k, log, sizeof(log)), 1);
	ASSERT_EQ(inst_rmdir("twin"), 0);
	ASSERT_EQ(nsm_describe_pcr(fd2, 16, &lock, v), 0);
	ASSERT_MEM_EQ(v, b, NSM_PCR_LEN);
	/* Each open file pins its own module only. */
	close(fd1);
	ASSERT_EQ(mod_unload_name(TWIN_NAME), -EWOULDBLOCK);
	ASSERT_UNLOAD();
	ASSERT_EQ(nsm_describe_pcr(fd2, 16, &lock, v), 0);
	ASSERT_MEM_EQ(v, b, NSM_PCR_LEN);
	close(fd2);
	ASSERT_EQ(mod_unload_name(TWIN_NAME), 0);
	ASSERT_FALSE(exists("/dev/nsm2"));
	ASSERT_LOAD("");
}

/* instances/<i>/reset boots the enclave again; ENODEV when disabled. */
TEST(control_reset)
{
	uint8_t boot0[NSM_PCR_LEN], v[NSM_PCR_LEN];
	long long resets;
	char reset[256];
	unsigned int i;
	bool lock;
	int fd;

	reload(_metadata, "");
	/* A copy: the helper's buffer is reused by the next call. */
	snprintf(reset, sizeof(reset), "%s", nsm_inst_path("default", "reset"));
	if (!exists(reset))
		TH_LOG("%s: %s", reset, strerror(errno));
	ASSERT_TRUE(exists(reset));
	dev_pcr(_metadata, "/dev/nsm", 0, &lock, boot0);
	resets = nsm_read_num(nsm_state_path("nsm", "statistics/resets"));
	ASSERT_GE(resets, 0);
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_extend_pcr(fd, 16, "x", 1, v), 0);
	ASSERT_EQ(nsm_lock_pcrs(fd, 32), 0);
	ASSERT_EQ(nsm_puts_file(reset, "0"), -EINVAL);
	ASSERT_EQ(nsm_puts_file(reset, "1"), 0);
	ASSERT_EQ(nsm_read_num(nsm_state_path("nsm", "statistics/resets")),
		  resets + 1);
	/* Booted afresh: the same measurements, 16-31 zero and unlocked. */
	for (i = 0; i < NSM_PCRS; i++) {
		ASSERT_EQ(nsm_describe_pcr(fd, i, &lock, v), 0);
		ASSERT_EQ(lock, i < 16);
		if (i == 0)
			ASSERT_MEM_EQ(v, boot0, NSM_PCR_LEN);
		if (i >= 16)
			ASSERT_TRUE(all_zero(v, sizeof(v)));
	}
	/* Disabled: no device, no reset; open files get ENODEV. */
	ASSERT_EQ(inst_write("default", "enable", "0"), 0);
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_EQ(nsm_puts_file(reset, "1"), -ENODEV);
	ASSERT_EQ(nsm_describe_pcr(fd, 0, &lock, v), -ENODEV);
	close(fd);
	ASSERT_EQ(inst_write("default", "enable", "1"), 0);
	ASSERT_TRUE(exists("/dev/nsm"));
	dev_pcr(_metadata, "/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, boot0, NSM_PCR_LEN);
}

TEST(module_final_state)
{
	reload(_metadata, "");
	ASSERT_TRUE(exists("/dev/nsm"));
}

static const char *precheck(void)
{
	static char why[160];

	if (!ko_path() || !*ko_path())
		return "NSM_KO (path of nsm_emu.ko) not set";
	if (access(ko_path(), R_OK)) {
		snprintf(why, sizeof(why), "%s: %s", ko_path(), strerror(errno));
		return why;
	}
	if (geteuid() != 0)
		return "needs root to load modules";
	if (access("/sys/kernel/config", F_OK))
		return "no /sys/kernel/config (configfs)";
	return NULL;
}

int main(int argc, char **argv)
{
	return nsm_harness_main(argc, argv, precheck);
}
