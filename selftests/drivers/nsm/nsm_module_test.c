// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime and parameter tests of nsm-emu's kernel module: load, unload,
 * unload while in use, parameters (pcrN, module_id, debug, devname), a
 * device name collision and the control interface's reset. They load and
 * unload the module themselves with finit_module(2)/delete_module(2), so
 * they need root and the module file: NSM_KO=/path/to/nsm_emu.ko (its
 * crypto dependencies loaded already). Without it they skip (exit 4).
 * NSM_KO_TWIN names a copy of the module renamed nsm_emv (the VM runner
 * makes one) for the tests of two NSM devices at once.
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
static void reload(const char *params)
{
	if (mod_loaded())
		ASSERT_UNLOAD();
	ASSERT_LOAD(params);
}

/* Read PCR @i of @dev into @v. */
static void dev_pcr(const char *dev, unsigned int i, bool *lock,
		    uint8_t v[NSM_PCR_LEN])
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
static int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	ASSERT_GE(fd, 0);
	ASSERT_GE(lseek(fd, 0, SEEK_END), 0);
	return fd;
}

/*
 * Collect the messages logged since kmsg_mark() into @out (one per line)
 * and return how many come from module @name ("<name>: " prefix); fail on
 * any warning or bug.
 */
static int kmsg_from(int fd, const char *name, char *out, size_t cap)
{
	char rec[2048], *msg;
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
		if (strstr(msg, "WARNING:") || strstr(msg, "BUG:") ||
		    strstr(msg, "Call Trace") || strstr(msg, "cut here"))
			TH_LOG("kernel: %s", msg);
		EXPECT_FALSE(strstr(msg, "WARNING:") || strstr(msg, "BUG:") ||
			     strstr(msg, "Call Trace"));
		if (used + strlen(msg) + 2 < cap)
			used += (size_t)snprintf(out + used, cap - used, "%s\n", msg);
	}
	close(fd);
	return ours;
}

static int kmsg_since(int fd, char *out, size_t cap)
{
	return kmsg_from(fd, MOD_NAME, out, cap);
}

/* ---- tests ---- */

TEST(module_unload_clean)
{
	if (!mod_loaded())
		ASSERT_LOAD("");
	ASSERT_TRUE(exists("/dev/nsm"));
	ASSERT_UNLOAD();
	ASSERT_FALSE(mod_loaded());
	ASSERT_FALSE(exists("/sys/module/" MOD_NAME));
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_FALSE(exists("/sys/class/misc/nsm"));
	ASSERT_EQ(mod_unload(), -ENOENT);
}

TEST(module_load_default)
{
	struct nsm_description d;
	uint8_t v[NSM_PCR_LEN];
	bool lock;
	int fd;

	reload("");
	ASSERT_TRUE(exists("/dev/nsm"));
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(d.nlocked, 16);
	close(fd);
	dev_pcr("/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
	/* A second copy of the module is refused. */
	ASSERT_EQ(mod_load(""), -EEXIST);
	ASSERT_TRUE(exists("/dev/nsm"));
}

TEST(module_unload_busy)
{
	uint8_t v[NSM_PCR_LEN];
	char buf[64];
	int fd, attr;
	bool lock;

	reload("");
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	/* An open /dev/nsm pins the module: rmmod fails, nothing changes. */
	ASSERT_EQ(mod_unload(), -EWOULDBLOCK);
	ASSERT_TRUE(mod_loaded());
	ASSERT_EQ(nsm_describe_pcr(fd, 16, &lock, v), 0);
	close(fd);
	/* An open sysfs attribute does not pin it; it goes stale. */
	attr = open("/sys/class/misc/nsm/pcrs", O_RDONLY);
	ASSERT_UNLOAD();
	if (attr >= 0) {
		ASSERT_EQ(read(attr, buf, sizeof(buf)), -1);
		close(attr);
	}
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
	reload(params);
	dev_pcr("/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, want_a, NSM_PCR_LEN);
	dev_pcr("/dev/nsm", 3, &lock, v);
	ASSERT_MEM_EQ(v, want_b, NSM_PCR_LEN);
	dev_pcr("/dev/nsm", 8, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, want_a, NSM_PCR_LEN);
	/* The others keep their defaults. */
	dev_pcr("/dev/nsm", 1, &lock, v);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
	dev_pcr("/dev/nsm", 5, &lock, v);
	ASSERT_TRUE(all_zero(v, sizeof(v)));
	reload("");
	dev_pcr("/dev/nsm", 3, &lock, v);
	ASSERT_TRUE(all_zero(v, sizeof(v)));
}

TEST(module_param_invalid)
{
	static const char *const bad[] = {
		"pcr0=xyz", "pcr1=0011", "pcr4=", "devname=a/b", "devname=",
		"module_id=", "module_id=\"has space\"",
	};
	char log[4096];
	unsigned int i;
	int k;

	if (mod_loaded())
		ASSERT_UNLOAD();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k = kmsg_mark();
		ASSERT_EQ(mod_load(bad[i]), -EINVAL);
		ASSERT_FALSE(mod_loaded());
		/* A clear line says what is wrong. */
		if (kmsg_since(k, log, sizeof(log)) != 1) {
			TH_LOG("\"%s\": expected one log line from " MOD_NAME
			       ", got:\n%s", bad[i], log);
			EXPECT_TRUE(0);
		}
	}
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_LOAD("");
}

TEST(module_param_debug)
{
	uint8_t v[NSM_PCR_LEN];
	unsigned int i;
	bool lock;

	reload("debug=1");
	/* A debug-mode enclave reads PCR0-2 as zeros, PCR4 stays. */
	for (i = 0; i < 3; i++) {
		dev_pcr("/dev/nsm", i, &lock, v);
		ASSERT_TRUE(lock);
		ASSERT_TRUE(all_zero(v, sizeof(v)));
	}
	dev_pcr("/dev/nsm", 4, &lock, v);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
	reload("debug=0");
	dev_pcr("/dev/nsm", 0, &lock, v);
	ASSERT_FALSE(all_zero(v, sizeof(v)));
}

TEST(module_param_module_id)
{
	uint8_t req[32], resp[1024], want[512];
	size_t n = sizeof(resp);
	long wl;
	int fd;

	reload("module_id=i-0123456789abcdef0-enc0123456789abcdef");
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	wl = hex_decode(nsm_describe_nsm_reference, want, sizeof(want));
	ASSERT_GT(wl, 0);
	ASSERT_EQ(nsm_raw(fd, req, req_describe_nsm(req, sizeof(req)), resp, &n), 0);
	ASSERT_EQ(n, (size_t)wl);
	ASSERT_MEM_EQ(resp, want, n);
	close(fd);
	reload("");
}

TEST(module_param_devname)
{
	uint8_t v[NSM_PCR_LEN];
	bool lock;

	reload("devname=nsm2");
	ASSERT_TRUE(exists("/dev/nsm2"));
	ASSERT_FALSE(exists("/dev/nsm"));
	ASSERT_TRUE(exists("/sys/class/misc/nsm2"));
	dev_pcr("/dev/nsm2", 0, &lock, v);
	ASSERT_TRUE(lock);
	ASSERT_UNLOAD();
	ASSERT_FALSE(exists("/dev/nsm2"));
	ASSERT_LOAD("");
}

/*
 * A misc device of the requested name exists already (on an enclave: the
 * real NSM driver's /dev/nsm). The only way to make one here is to pick
 * another misc device's name, which exercises the same check: the load
 * fails with EEXIST and one log line, no warning, the other device intact.
 */
TEST(module_devname_collision)
{
	char other[128] = "", path[256], params[160], log[4096];
	struct stat before, after;
	struct dirent *de;
	DIR *dir;
	int k, ours;

	if (mod_loaded())
		ASSERT_UNLOAD();
	dir = opendir("/sys/class/misc");
	ASSERT_TRUE(dir != NULL);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > 32)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (!exists(path))
			continue;
		snprintf(other, sizeof(other), "%s", de->d_name);
		if (!strcmp(other, "cpu_dma_latency"))
			break;
	}
	closedir(dir);
	if (!other[0])
		SKIP("no misc device to collide with");
	TH_LOG("colliding with /dev/%s", other);
	snprintf(path, sizeof(path), "/dev/%s", other);
	ASSERT_EQ(stat(path, &before), 0);
	snprintf(params, sizeof(params), "devname=%s", other);

	k = kmsg_mark();
	ASSERT_EQ(mod_load(params), -EEXIST);
	ours = kmsg_since(k, log, sizeof(log));
	if (ours != 1)
		TH_LOG("kernel log:\n%s", log);
	ASSERT_EQ(ours, 1);
	ASSERT_TRUE(strstr(log, other) != NULL);
	ASSERT_FALSE(mod_loaded());
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
		SKIP("NSM_KO_TWIN (nsm_emu.ko renamed nsm_emv) not set");
	reload("");
	/* /dev/nsm exists: a second NSM must not take it over. */
	k = kmsg_mark();
	rc = mod_load_file(twin_path(), "");
	ours = kmsg_from(k, TWIN_NAME, log, sizeof(log));
	if (rc == 0)
		mod_unload_name(TWIN_NAME);
	ASSERT_EQ(rc, -EEXIST);
	/* One line, from the module that refused to load, naming the device. */
	if (ours != 1 || !strstr(log, "\"nsm\""))
		TH_LOG("kernel log:\n%s", log);
	ASSERT_EQ(ours, 1);
	ASSERT_TRUE(strstr(log, "\"nsm\"") != NULL);
	ASSERT_FALSE(exists("/sys/module/" TWIN_NAME));
	dev_pcr("/dev/nsm", 0, &lock, v);
	ASSERT_TRUE(lock);
}

TEST(module_side_by_side)
{
	uint8_t a[NSM_PCR_LEN], b[NSM_PCR_LEN], v[NSM_PCR_LEN];
	int fd1, fd2;
	bool lock;

	if (!twin_path())
		SKIP("NSM_KO_TWIN (nsm_emu.ko renamed nsm_emv) not set");
	reload("");
	ASSERT_EQ(mod_load_file(twin_path(), "devname=nsm2 debug=1"), 0);
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

static void write_attr(const char *path, const char *val, int want_errno)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		TH_LOG("open %s: %s", path, strerror(errno));
	ASSERT_GE(fd, 0);
	n = write(fd, val, strlen(val));
	if (want_errno) {
		ASSERT_EQ(n, -1);
		ASSERT_EQ(errno, want_errno);
	} else {
		ASSERT_EQ(n, (ssize_t)strlen(val));
	}
	close(fd);
}

TEST(control_reset)
{
	uint8_t boot0[NSM_PCR_LEN], v[NSM_PCR_LEN];
	unsigned int i;
	bool lock;
	int fd;

	reload("");
	if (!exists("/sys/class/misc/nsm/reset"))
		SKIP("no control interface");
	dev_pcr("/dev/nsm", 0, &lock, boot0);
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_extend_pcr(fd, 16, "x", 1, v), 0);
	ASSERT_EQ(nsm_lock_pcrs(fd, 32), 0);
	write_attr("/sys/class/misc/nsm/reset", "0", EINVAL);
	write_attr("/sys/class/misc/nsm/reset", "1", 0);
	/* Booted afresh: the same measurements, 16-31 zero and unlocked. */
	for (i = 0; i < NSM_PCRS; i++) {
		ASSERT_EQ(nsm_describe_pcr(fd, i, &lock, v), 0);
		ASSERT_EQ(lock, i < 16);
		if (i == 0)
			ASSERT_MEM_EQ(v, boot0, NSM_PCR_LEN);
		if (i >= 16)
			ASSERT_TRUE(all_zero(v, sizeof(v)));
	}
	close(fd);
}

TEST(module_final_state)
{
	reload("");
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
	return NULL;
}

int main(int argc, char **argv)
{
	return nsm_harness_main(argc, argv, precheck);
}
