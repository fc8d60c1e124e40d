// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated enclaves as configfs objects (nsm_emu): lifecycle, isolation
 * between instances, permissions, containers, and races between
 * attestation and every control operation.
 *
 * The suite needs the nsm_emu module and root; anywhere else it skips as
 * a whole (exit 4). Instances it creates are named "st-*" and removed
 * again. With $NSM_OUT_DIR set, documents go to
 * $NSM_OUT_DIR/attest/<set>/<name>.cose next to root.pem, the root they
 * must verify against, for the host's verifiers
 * (selftests/vm/verify-docs.sh). $NSM_RACE_SECONDS sets the length of
 * each race (default 30).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsm_harness.h"
#include "nsm_util.h"

#define DOC_MAX		NSM_RESPONSE_MAX_SIZE
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define CERT_MAX	1024

static const char pcr_a[] =
	"a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"
	"a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0";
static const char pcr_b[] =
	"b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1"
	"b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1";

/* ---- helpers ---- */

static const char *inst_dir(const char *name)
{
	static __thread char path[PATH_MAX];

	snprintf(path, sizeof(path), NSM_CONFIGFS "/instances/%s", name);
	return path;
}

static int mk(const char *name)
{
	return mkdir(inst_dir(name), 0755) ? -errno : 0;
}

static int rm(const char *name)
{
	return rmdir(inst_dir(name)) ? -errno : 0;
}

static int set(const char *name, const char *attr, const char *val)
{
	return nsm_puts_file(nsm_inst_path(name, attr), val);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Make instance @name with devname nsm-@name, enabled; 0 or -errno. */
static int mk_enabled(const char *name)
{
	int rc = mk(name);

	if (!rc)
		rc = set(name, "enable", "1");
	return rc;
}

static int open_inst(const char *name)
{
	char dev[64];

	snprintf(dev, sizeof(dev), "/dev/nsm-%s", name);
	return open(dev, O_RDWR | O_CLOEXEC);
}

static void read_attr(const char *name, const char *attr, char *buf,
		      size_t cap)
{
	long n = nsm_read_file(nsm_inst_path(name, attr), buf, cap);

	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (n < 0)
		buf[0] = '\0';
}

/* One Attestation request; the document's bounds in @resp, or -errno/err. */
static int attest(int fd, uint8_t *resp, size_t cap, const uint8_t **doc,
		  size_t *doc_len)
{
	uint8_t req[64];
	size_t len = cap, rl;
	int rc;

	rl = req_attestation(req, sizeof(req), NULL, 0, NULL, 0, NULL, 0);
	rc = nsm_raw(fd, req, rl, resp, &len);
	if (rc)
		return rc;
	if (parse_attestation(resp, len, doc, doc_len))
		return NSM_BAD_SHAPE;
	return 0;
}

/*
 * The byte string after text key @key in a document (the payload's keys
 * are unique and never occur inside the other fields' heads); NULL if
 * absent.
 */
static const uint8_t *doc_bstr(const uint8_t *doc, size_t len, const char *key,
			       size_t *out_len)
{
	uint8_t pat[32];
	size_t kl = strlen(key), i;
	const uint8_t *p, *end = doc + len;

	pat[0] = 0x60 | (uint8_t)kl;
	memcpy(pat + 1, key, kl);
	p = memmem(doc, len, pat, kl + 1);
	if (!p)
		return NULL;
	p += kl + 1;
	if (p >= end)
		return NULL;
	switch (*p) {
	case 0x58:
		if (end - p < 2)
			return NULL;
		*out_len = p[1];
		p += 2;
		break;
	case 0x59:
		if (end - p < 3)
			return NULL;
		*out_len = (size_t)p[1] << 8 | p[2];
		p += 3;
		break;
	default:
		if ((*p & 0xe0) != 0x40 || (*p & 0x1f) >= 24)
			return NULL;
		*out_len = *p & 0x1f;
		p += 1;
		break;
	}
	i = (size_t)(end - p);
	return *out_len <= i ? p : NULL;
}

/* Save a document for the host's verifiers under attest/@set/. */
static void save_doc(const char *set, const char *name, const uint8_t *doc,
		     size_t len)
{
	const char *out = getenv("NSM_OUT_DIR");
	char path[PATH_MAX];
	uint8_t root[CERT_MAX];
	long rl;
	FILE *f;

	if (!out || !*out)
		return;
	snprintf(path, sizeof(path), "%s/attest", out);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/attest/%s", out, set);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/attest/%s/root.pem", out, set);
	if (!exists(path)) {
		rl = nsm_root_der(root, sizeof(root));
		if (rl > 0)
			nsm_write_pem_cert(path, root, (size_t)rl);
	}
	snprintf(path, sizeof(path), "%s/attest/%s/%s.cose", out, set, name);
	f = fopen(path, "we");
	if (f) {
		fwrite(doc, 1, len, f);
		fclose(f);
	}
}

static const char *precheck(void)
{
	if (!nsm_is_emulator())
		return "the nsm_emu module is not loaded";
	if (geteuid() != 0)
		return "instances need root";
	if (!exists(NSM_CONFIGFS "/instances"))
		return "configfs is not mounted on /sys/kernel/config";
	return NULL;
}

/* ---- lifecycle ---- */

TEST(instance_lifecycle)
{
	struct nsm_description d;
	char buf[256];
	int fd;

	rm("st-life");
	ASSERT_EQ(mk("st-life"), 0);
	/* made disabled, with its defaults */
	read_attr("st-life", "enable", buf, sizeof(buf));
	ASSERT_EQ(strcmp(buf, "0"), 0);
	read_attr("st-life", "devname", buf, sizeof(buf));
	ASSERT_EQ(strcmp(buf, "nsm-st-life"), 0);
	read_attr("st-life", "indefinite_map", buf, sizeof(buf));
	ASSERT_EQ(strcmp(buf, "1"), 0);
	ASSERT_FALSE(exists("/dev/nsm-st-life"));
	ASSERT_EQ(set("st-life", "reset", "1"), -ENODEV);

	ASSERT_EQ(set("st-life", "enable", "1"), 0);
	ASSERT_TRUE(exists("/dev/nsm-st-life"));
	ASSERT_EQ(set("st-life", "enable", "1"), 0);	/* no change */
	read_attr("st-life", "module_id", buf, sizeof(buf));
	fd = open_inst("st-life");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(strcmp(d.module_id, buf), 0);
	ASSERT_EQ(d.nlocked, 16);
	close(fd);
	ASSERT_GT(nsm_read_file(nsm_state_path("nsm-st-life", "instance"),
				buf, sizeof(buf)), 0);
	ASSERT_EQ(strcmp(buf, "st-life\n"), 0);
	ASSERT_EQ(nsm_read_num(nsm_state_path("nsm-st-life",
					      "statistics/describe_nsm")), 1);

	ASSERT_EQ(set("st-life", "enable", "0"), 0);
	ASSERT_FALSE(exists("/dev/nsm-st-life"));
	ASSERT_FALSE(exists("/sys/class/misc/nsm-st-life"));
	ASSERT_EQ(set("st-life", "enable", "1"), 0);
	ASSERT_TRUE(exists("/dev/nsm-st-life"));
	ASSERT_EQ(rm("st-life"), 0);
	ASSERT_FALSE(exists("/dev/nsm-st-life"));
	ASSERT_FALSE(exists(inst_dir("st-life")));
	ASSERT_EQ(rm("st-life"), -ENOENT);
}

TEST(instance_64_at_once)
{
	char name[32], want[64][160];
	struct nsm_description d;
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "st-many%d", i);
		rm(name);
		ASSERT_EQ(mk_enabled(name), 0);
		read_attr(name, "module_id", want[i], sizeof(want[i]));
	}
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "st-many%d", i);
		fd = open_inst(name);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
		EXPECT_EQ(strcmp(d.module_id, want[i]), 0);
		/* every default module id is unique */
		if (i)
			EXPECT_NE(strcmp(want[i], want[i - 1]), 0);
		close(fd);
	}
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "st-many%d", i);
		ASSERT_EQ(rm(name), 0);
	}
}

/* rmdir with the device open: the node goes, the file gets ENODEV. */
TEST(instance_rmdir_while_open)
{
	struct nsm_description d;
	uint8_t resp[DOC_MAX];
	const uint8_t *doc;
	size_t dl;
	int fd;

	rm("st-open");
	ASSERT_EQ(mk_enabled("st-open"), 0);
	fd = open_inst("st-open");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(rm("st-open"), 0);
	ASSERT_FALSE(exists("/dev/nsm-st-open"));
	ASSERT_EQ(nsm_describe_nsm(fd, &d), -ENODEV);
	ASSERT_EQ(attest(fd, resp, sizeof(resp), &doc, &dl), -ENODEV);
	/* the name is free again at once, the old file stays dead */
	ASSERT_EQ(mk_enabled("st-open"), 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), -ENODEV);
	close(fd);
	ASSERT_EQ(rm("st-open"), 0);
}

/* Disabling with the device open; a re-enable does not revive old files. */
TEST(instance_disable_while_open)
{
	struct nsm_description d;
	int fd, fd2;

	rm("st-dis");
	ASSERT_EQ(mk_enabled("st-dis"), 0);
	fd = open_inst("st-dis");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(set("st-dis", "enable", "0"), 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), -ENODEV);
	ASSERT_EQ(set("st-dis", "enable", "1"), 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), -ENODEV);
	fd2 = open_inst("st-dis");
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(nsm_describe_nsm(fd2, &d), 0);
	close(fd);
	close(fd2);
	ASSERT_EQ(rm("st-dis"), 0);
}

TEST(instance_names_refused)
{
	static const char *const bad[] = {
		"bad!", "a b", "semi;colon", "x\n",
		"abcdefghijklmnopqrstuvwxyz123",	/* 29 characters */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(mk(bad[i]), -EINVAL);
		EXPECT_FALSE(exists(inst_dir(bad[i])));
	}
	rm("abcdefghijklmnopqrstuvwxyz12");
	ASSERT_EQ(mk("abcdefghijklmnopqrstuvwxyz12"), 0);	/* 28: fits */
	ASSERT_EQ(rm("abcdefghijklmnopqrstuvwxyz12"), 0);
	rm("st-dup");
	ASSERT_EQ(mk("st-dup"), 0);
	ASSERT_EQ(mk("st-dup"), -EEXIST);
	ASSERT_EQ(rm("st-dup"), 0);
	/* the module's own instance cannot be removed, only disabled */
	ASSERT_EQ(rmdir(inst_dir("default")) ? -errno : 0, -EPERM);
}

TEST(instance_devname_rules)
{
	char buf[64];

	rm("st-x");
	rm("st-y");
	ASSERT_EQ(mk_enabled("st-x"), 0);
	ASSERT_EQ(mk("st-y"), 0);
	/* another instance's name, ours or the default's */
	EXPECT_EQ(set("st-y", "devname", "nsm-st-x"), -EEXIST);
	EXPECT_EQ(set("st-y", "devname", "nsm"), -EEXIST);
	/* invalid names */
	EXPECT_EQ(set("st-y", "devname", "\n"), -EINVAL);
	EXPECT_EQ(set("st-y", "devname", "a/b"), -EINVAL);
	EXPECT_EQ(set("st-y", "devname", ".."), -EINVAL);
	EXPECT_EQ(set("st-y", "devname",
		      "abcdefghijklmnopqrstuvwxyz0123456"), -EINVAL);
	/* another driver's misc device (the kernel's own cpu_dma_latency) */
	if (exists("/sys/class/misc/cpu_dma_latency")) {
		ASSERT_EQ(set("st-y", "devname", "cpu_dma_latency"), 0);
		EXPECT_EQ(set("st-y", "enable", "1"), -EEXIST);
		read_attr("st-y", "enable", buf, sizeof(buf));
		EXPECT_EQ(strcmp(buf, "0"), 0);
	}
	/* renaming is for disabled instances */
	EXPECT_EQ(set("st-x", "devname", "st-x-renamed"), -EBUSY);
	ASSERT_EQ(set("st-y", "devname", "st-y-dev"), 0);
	ASSERT_EQ(set("st-y", "enable", "1"), 0);
	EXPECT_TRUE(exists("/dev/st-y-dev"));
	ASSERT_EQ(rm("st-x"), 0);
	ASSERT_EQ(rm("st-y"), 0);
	EXPECT_FALSE(exists("/dev/st-y-dev"));
}

TEST(instance_boot_measurements)
{
	uint8_t want[NSM_PCR_LEN], v[NSM_PCR_LEN];
	char buf[128], def[128];
	bool lock;
	int fd;

	rm("st-boot");
	ASSERT_EQ(mk("st-boot"), 0);
	read_attr("st-boot", "pcr0", def, sizeof(def));
	ASSERT_EQ(strlen(def), 96u);
	ASSERT_EQ(set("st-boot", "pcr0", pcr_a), 0);
	ASSERT_EQ(set("st-boot", "pcr3", pcr_b), 0);
	EXPECT_EQ(set("st-boot", "pcr0", "abcd"), -EINVAL);
	EXPECT_EQ(set("st-boot", "pcr0", "zz"), -EINVAL);
	read_attr("st-boot", "pcr0", buf, sizeof(buf));
	ASSERT_EQ(strcmp(buf, pcr_a), 0);
	ASSERT_EQ(set("st-boot", "enable", "1"), 0);
	fd = open_inst("st-boot");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(hex_decode(pcr_a, want, sizeof(want)), NSM_PCR_LEN);
	ASSERT_EQ(nsm_describe_pcr(fd, 0, &lock, v), 0);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, want, NSM_PCR_LEN);
	/* a new value applies at the next boot, not now */
	ASSERT_EQ(set("st-boot", "pcr0", pcr_b), 0);
	ASSERT_EQ(nsm_describe_pcr(fd, 0, &lock, v), 0);
	ASSERT_MEM_EQ(v, want, NSM_PCR_LEN);
	ASSERT_EQ(set("st-boot", "reset", "1"), 0);
	ASSERT_EQ(hex_decode(pcr_b, want, sizeof(want)), NSM_PCR_LEN);
	ASSERT_EQ(nsm_describe_pcr(fd, 0, &lock, v), 0);
	ASSERT_MEM_EQ(v, want, NSM_PCR_LEN);
	/* the true value in sysfs */
	ASSERT_GT(nsm_read_file(nsm_state_path("nsm-st-boot", "pcrs/0"), buf,
				sizeof(buf)), 0);
	ASSERT_EQ(strncmp(buf, pcr_b, 96), 0);
	/* an empty write restores the default */
	ASSERT_EQ(set("st-boot", "pcr0", "\n"), 0);
	read_attr("st-boot", "pcr0", buf, sizeof(buf));
	ASSERT_EQ(strcmp(buf, def), 0);
	EXPECT_EQ(set("st-boot", "reset", "0"), -EINVAL);
	close(fd);
	ASSERT_EQ(rm("st-boot"), 0);
}

/* ---- isolation ---- */

TEST(instance_isolation)
{
	uint8_t ra[DOC_MAX], rb[DOC_MAX], v[NSM_PCR_LEN], zero[NSM_PCR_LEN] = { 0 };
	const uint8_t *da, *db, *ca, *cb;
	struct nsm_description a, b;
	size_t dla, dlb, cla, clb;
	int fa, fb;
	bool lock;

	rm("st-iso-a");
	rm("st-iso-b");
	ASSERT_EQ(mk_enabled("st-iso-a"), 0);
	ASSERT_EQ(mk_enabled("st-iso-b"), 0);
	fa = open_inst("st-iso-a");
	fb = open_inst("st-iso-b");
	ASSERT_GE(fa, 0);
	ASSERT_GE(fb, 0);

	ASSERT_EQ(nsm_extend_pcr(fa, 16, "a", 1, v), 0);
	ASSERT_EQ(nsm_lock_pcr(fa, 17), 0);
	ASSERT_EQ(nsm_describe_pcr(fb, 16, &lock, v), 0);
	EXPECT_FALSE(lock);
	ASSERT_MEM_EQ(v, zero, NSM_PCR_LEN);
	ASSERT_EQ(nsm_describe_pcr(fb, 17, &lock, v), 0);
	EXPECT_FALSE(lock);
	ASSERT_EQ(nsm_extend_pcr(fb, 17, "b", 1, v), 0);

	ASSERT_EQ(nsm_describe_nsm(fa, &a), 0);
	ASSERT_EQ(nsm_describe_nsm(fb, &b), 0);
	EXPECT_NE(strcmp(a.module_id, b.module_id), 0);
	EXPECT_EQ(a.nlocked, 17);
	EXPECT_EQ(b.nlocked, 16);

	/* each signs with a leaf of its own, under one chain */
	ASSERT_EQ(attest(fa, ra, sizeof(ra), &da, &dla), 0);
	ASSERT_EQ(attest(fb, rb, sizeof(rb), &db, &dlb), 0);
	ca = doc_bstr(da, dla, "certificate", &cla);
	cb = doc_bstr(db, dlb, "certificate", &clb);
	ASSERT_TRUE(ca && cb);
	EXPECT_FALSE(cla == clb && !memcmp(ca, cb, cla));
	EXPECT_TRUE(memmem(da, dla, a.module_id, strlen(a.module_id)) != NULL);
	EXPECT_TRUE(memmem(db, dlb, b.module_id, strlen(b.module_id)) != NULL);
	save_doc("instances", "isolation-a", da, dla);
	save_doc("instances", "isolation-b", db, dlb);
	close(fa);
	close(fb);
	ASSERT_EQ(rm("st-iso-a"), 0);
	ASSERT_EQ(rm("st-iso-b"), 0);
}

/* ---- permissions ---- */

static const char *const inst_attrs[] = {
	"enable", "devname", "module_id", "debug_mode", "pcr0", "pcr1",
	"pcr2", "pcr3", "pcr4", "pcr8", "cose_tagged", "indefinite_map",
	"clock_offset_ms", "leaf_lifetime_s", "reset", "rotate",
};

static const char *const pki_attrs[] = {
	"chain", "key", "root", "commit", "generate", "mode", "chain_len",
	"ca_not_after", "generation", "last_error",
};

static const char *const state_files[] = {
	"instance", "pcrs/0", "pcrs/31", "pcr_locked/0", "statistics/attestation",
	"statistics/invalid", "statistics/resets", "leaf/not_before",
	"leaf/issued",
};

/* In a child as nobody: every control file refuses, the device works. */
TEST(instance_permissions)
{
	struct nsm_description d;
	unsigned int i;
	struct stat st;
	int status, fd;
	pid_t pid;

	rm("st-perm");
	ASSERT_EQ(mk_enabled("st-perm"), 0);
	ASSERT_EQ(stat("/dev/nsm-st-perm", &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0666);
	for (i = 0; i < ARRAY_SIZE(inst_attrs); i++) {
		ASSERT_EQ(stat(nsm_inst_path("st-perm", inst_attrs[i]), &st), 0);
		EXPECT_EQ(st.st_mode & 0077, 0);
	}
	for (i = 0; i < ARRAY_SIZE(pki_attrs); i++) {
		ASSERT_EQ(stat(nsm_pki_path(pki_attrs[i]), &st), 0);
		EXPECT_EQ(st.st_mode & 0077, 0);
	}
	for (i = 0; i < ARRAY_SIZE(state_files); i++) {
		ASSERT_EQ(stat(nsm_state_path("nsm-st-perm", state_files[i]), &st), 0);
		EXPECT_EQ(st.st_mode & 0777, 0400);
	}

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int bad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		for (i = 0; i < ARRAY_SIZE(inst_attrs); i++) {
			const char *p = nsm_inst_path("st-perm", inst_attrs[i]);

			if (open(p, O_RDONLY) >= 0 || errno != EACCES ||
			    open(p, O_WRONLY) >= 0 || errno != EACCES) {
				printf("# %s: not refused\n", p);
				bad = 1;
			}
		}
		for (i = 0; i < ARRAY_SIZE(pki_attrs); i++) {
			const char *p = nsm_pki_path(pki_attrs[i]);

			if (open(p, O_RDONLY) >= 0 || errno != EACCES ||
			    open(p, O_WRONLY) >= 0 || errno != EACCES) {
				printf("# %s: not refused\n", p);
				bad = 1;
			}
		}
		for (i = 0; i < ARRAY_SIZE(state_files); i++) {
			const char *p = nsm_state_path("nsm-st-perm", state_files[i]);

			if (open(p, O_RDONLY) >= 0 || errno != EACCES) {
				printf("# %s: not refused\n", p);
				bad = 1;
			}
		}
		if (mkdir(inst_dir("st-perm-nobody"), 0755) == 0 ||
		    errno != EACCES) {
			printf("# mkdir as nobody not refused\n");
			bad = 1;
		}
		if (rmdir(inst_dir("st-perm")) == 0 || errno != EACCES) {
			printf("# rmdir as nobody not refused\n");
			bad = 1;
		}
		fd = open_inst("st-perm");
		if (fd < 0 || nsm_describe_nsm(fd, &d)) {
			printf("# the device refuses nobody\n");
			bad = 1;
		}
		fflush(stdout);
		_exit(bad);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(rm("st-perm"), 0);
}

/* ---- containers ---- */

/*
 * What `docker run --device /dev/nsm-a:/dev/nsm` gives a container: its
 * own mount namespace with one instance's node at /dev/nsm. The child
 * reports its module id and PCR0 through a pipe and saves a document.
 */
static int contained(const char *inst, char *module_id, size_t cap,
		     uint8_t pcr0[NSM_PCR_LEN])
{
	struct nsm_description d;
	uint8_t resp[DOC_MAX];
	const uint8_t *doc;
	char node[64];
	int p[2], status;
	size_t dl;
	bool lock;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd;

		close(p[0]);
		snprintf(node, sizeof(node), "/dev/nsm-%s", inst);
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(node, "/dev/nsm", NULL, MS_BIND, NULL))
			_exit(2);
		fd = open("/dev/nsm", O_RDWR);
		if (fd < 0 || nsm_describe_nsm(fd, &d) ||
		    nsm_describe_pcr(fd, 0, &lock, pcr0) ||
		    attest(fd, resp, sizeof(resp), &doc, &dl))
			_exit(3);
		snprintf(node, sizeof(node), "container-%s", inst);
		save_doc("instances", node, doc, dl);
		if (write(p[1], d.module_id, sizeof(d.module_id)) !=
		    (ssize_t)sizeof(d.module_id) ||
		    write(p[1], pcr0, NSM_PCR_LEN) != NSM_PCR_LEN)
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], module_id, cap) != (ssize_t)cap ||
	    read(p[0], pcr0, NSM_PCR_LEN) != NSM_PCR_LEN)
		module_id[0] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

TEST(instance_container_isolation)
{
	uint8_t want_a[NSM_PCR_LEN], want_b[NSM_PCR_LEN];
	uint8_t got_a[NSM_PCR_LEN], got_b[NSM_PCR_LEN];
	char ida[256], idb[256], wa[160], wb[160];
	struct nsm_description d;
	int fd;

	if (!exists("/dev/nsm"))
		SKIP(return, "no /dev/nsm to bind over (default_instance=0)");
	rm("st-ct-a");
	rm("st-ct-b");
	ASSERT_EQ(mk("st-ct-a"), 0);
	ASSERT_EQ(mk("st-ct-b"), 0);
	ASSERT_EQ(set("st-ct-a", "pcr0", pcr_a), 0);
	ASSERT_EQ(set("st-ct-b", "pcr0", pcr_b), 0);
	ASSERT_EQ(set("st-ct-a", "enable", "1"), 0);
	ASSERT_EQ(set("st-ct-b", "enable", "1"), 0);
	read_attr("st-ct-a", "module_id", wa, sizeof(wa));
	read_attr("st-ct-b", "module_id", wb, sizeof(wb));
	ASSERT_EQ(hex_decode(pcr_a, want_a, sizeof(want_a)), NSM_PCR_LEN);
	ASSERT_EQ(hex_decode(pcr_b, want_b, sizeof(want_b)), NSM_PCR_LEN);

	ASSERT_EQ(contained("st-ct-a", ida, sizeof(ida), got_a), 0);
	ASSERT_EQ(contained("st-ct-b", idb, sizeof(idb), got_b), 0);
	EXPECT_EQ(strcmp(ida, wa), 0);
	EXPECT_EQ(strcmp(idb, wb), 0);
	ASSERT_MEM_EQ(got_a, want_a, NSM_PCR_LEN);
	ASSERT_MEM_EQ(got_b, want_b, NSM_PCR_LEN);
	/* outside, /dev/nsm is still the default instance */
	fd = nsm_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	EXPECT_NE(strcmp(d.module_id, wa), 0);
	EXPECT_NE(strcmp(d.module_id, wb), 0);
	close(fd);
	ASSERT_EQ(rm("st-ct-a"), 0);
	ASSERT_EQ(rm("st-ct-b"), 0);
}

/* ---- races ---- */

#define RACE_WORKERS	16
#define RACE_ROOTS	4096
#define RACE_SAVE_EVERY	64
/* Host verification costs seconds a document: a sample is enough. */
#define RACE_SAVE_MAX	6

/**
 * struct race - state shared by the race threads
 * @stop:       set when the time is up
 * @lock:       guards @roots and @nroots
 * @roots:      every root the chain had during the race (DER)
 * @root_len:   their lengths
 * @nroots:     their number
 * @docs:       documents checked
 * @bad:        answers that were not valid, with the first reason
 * @why:        that reason
 * @saved:      documents saved for the host
 * @ctl_ops:    control operations done
 * @pcr0:       each instance's expected PCR0
 */
struct race {
	volatile int stop;
	pthread_mutex_t lock;
	uint8_t (*roots)[CERT_MAX];
	size_t *root_len;
	unsigned int nroots;
	unsigned long docs;
	unsigned long bad;
	char why[160];
	unsigned long saved;
	unsigned long ctl_ops;
	uint8_t pcr0[2][NSM_PCR_LEN];
};

static struct race race;

static void race_fail(const char *what, const char *detail)
{
	pthread_mutex_lock(&race.lock);
	if (!race.bad++)
		snprintf(race.why, sizeof(race.why), "%s: %s", what, detail);
	pthread_mutex_unlock(&race.lock);
}

static void race_add_root(void)
{
	uint8_t der[CERT_MAX];
	unsigned int i;
	long n;

	n = nsm_root_der(der, sizeof(der));
	if (n <= 0)
		return;
	pthread_mutex_lock(&race.lock);
	for (i = 0; i < race.nroots; i++)
		if (race.root_len[i] == (size_t)n &&
		    !memcmp(race.roots[i], der, (size_t)n))
			break;
	if (i == race.nroots && race.nroots < RACE_ROOTS) {
		memcpy(race.roots[i], der, (size_t)n);
		race.root_len[i] = (size_t)n;
		race.nroots++;
	}
	pthread_mutex_unlock(&race.lock);
}

/* Index of the root @doc carries, or -1 when it is none seen so far. */
static int race_root_of(const uint8_t *doc, size_t len)
{
	unsigned int i;
	int found = -1;

	pthread_mutex_lock(&race.lock);
	for (i = 0; i < race.nroots && found < 0; i++)
		if (memmem(doc, len, race.roots[i], race.root_len[i]))
			found = (int)i;
	pthread_mutex_unlock(&race.lock);
	return found;
}

static const char *const race_inst[2] = { "st-race-a", "st-race-b" };

/*
 * A worker attests in a loop on one instance and checks every answer: an
 * Attestation response whose document carries the instance's PCR0 and a
 * root the chain really had. A document signed under a chain the control
 * thread has not read back yet waits for it (up to 5 s).
 */
static void *race_worker(void *arg)
{
	unsigned int w = (unsigned int)(uintptr_t)arg, k = w % 2;
	uint8_t *resp = malloc(DOC_MAX);
	const uint8_t *doc;
	unsigned long n = 0;
	char name[64];
	size_t dl;
	int fd, rc, root, tries;

	fd = open_inst(race_inst[k]);
	if (fd < 0 || !resp) {
		race_fail("worker cannot open", race_inst[k]);
		free(resp);
		return NULL;
	}
	while (!race.stop) {
		rc = attest(fd, resp, DOC_MAX, &doc, &dl);
		if (rc) {
			race_fail("an answer was not a document",
				  rc > 0 && rc < NSM_E_COUNT ? nsm_err_names[rc] :
				  rc < 0 ? strerror(-rc) : "bad shape");
			continue;
		}
		if (!memmem(doc, dl, race.pcr0[k], NSM_PCR_LEN))
			race_fail("a document lacks its PCR0", race_inst[k]);
		for (tries = 0; (root = race_root_of(doc, dl)) < 0 && tries < 500;
		     tries++)
			usleep(10000);
		if (root < 0)
			race_fail("a document has a root never seen", race_inst[k]);
		if (++n % RACE_SAVE_EVERY == 1 && root >= 0 &&
		    race.saved < RACE_SAVE_MAX) {
			char set_name[32];

			snprintf(set_name, sizeof(set_name), "race-%d", root);
			snprintf(name, sizeof(name), "w%02u-%06lu", w, n);
			save_doc(set_name, name, doc, dl);
			pthread_mutex_lock(&race.lock);
			race.saved++;
			pthread_mutex_unlock(&race.lock);
		}
		pthread_mutex_lock(&race.lock);
		race.docs++;
		pthread_mutex_unlock(&race.lock);
	}
	close(fd);
	free(resp);
	return NULL;
}

/* Root of the race set @i as PEM, for the saved documents of that set. */
static void race_save_roots(void)
{
	const char *out = getenv("NSM_OUT_DIR");
	char path[PATH_MAX];
	unsigned int i;

	if (!out || !*out)
		return;
	for (i = 0; i < race.nroots; i++) {
		snprintf(path, sizeof(path), "%s/attest/race-%u", out, i);
		if (!exists(path))
			continue;
		snprintf(path, sizeof(path), "%s/attest/race-%u/root.pem", out, i);
		nsm_write_pem_cert(path, race.roots[i], race.root_len[i]);
	}
}

/*
 * The control thread: every operation the control plane offers, in a
 * loop, on the raced instances and around them.
 */
static void *race_control(void *arg)
{
	static const char *const ids[] = {
		"i-0123456789abcdef0-enc00000000000race1",
		"i-0123456789abcdef0-enc00000000000race2",
	};
	unsigned long i;
	char other[32];
	int rc;

	(void)arg;
	for (i = 0; !race.stop; i++) {
		const char *inst = race_inst[i % 2];

		switch (i % 9) {
		case 0:
			rc = nsm_puts_file(nsm_pki_path("generate"), "1");
			race_add_root();
			break;
		case 1:
			rc = set(inst, "rotate", "1");
			break;
		case 2:
			rc = set(inst, "reset", "1");
			break;
		case 3:
			rc = set(inst, "module_id", ids[(i / 9) % 2]);
			break;
		case 4:
			rc = set(inst, "cose_tagged", (i / 9) % 2 ? "1" : "0");
			break;
		case 5:
			rc = set(inst, "indefinite_map", (i / 9) % 2 ? "0" : "1");
			break;
		case 6:
			rc = set(inst, "leaf_lifetime_s", (i / 9) % 2 ? "7200" : "10800");
			break;
		case 7:
			snprintf(other, sizeof(other), "st-race-o%lu", i % 4);
			rc = mk_enabled(other);
			break;
		default:
			snprintf(other, sizeof(other), "st-race-o%lu", (i - 1) % 4);
			rc = rm(other);
			break;
		}
		if (rc)
			race_fail("a control operation failed", strerror(-rc));
		race.ctl_ops++;
	}
	return NULL;
}

TEST(instance_race_attest_vs_control)
{
	pthread_t workers[RACE_WORKERS], ctl;
	const char *env = getenv("NSM_RACE_SECONDS");
	unsigned int secs = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 30;
	unsigned int i;
	char buf[128];

	memset(&race, 0, sizeof(race));
	pthread_mutex_init(&race.lock, NULL);
	race.roots = calloc(RACE_ROOTS, CERT_MAX);
	race.root_len = calloc(RACE_ROOTS, sizeof(*race.root_len));
	ASSERT_TRUE(race.roots && race.root_len);
	for (i = 0; i < 2; i++) {
		rm(race_inst[i]);
		ASSERT_EQ(mk(race_inst[i]), 0);
		ASSERT_EQ(set(race_inst[i], "pcr0", i ? pcr_b : pcr_a), 0);
		ASSERT_EQ(set(race_inst[i], "enable", "1"), 0);
		ASSERT_EQ(hex_decode(i ? pcr_b : pcr_a, race.pcr0[i],
				     NSM_PCR_LEN), NSM_PCR_LEN);
	}
	race_add_root();
	ASSERT_EQ(pthread_create(&ctl, NULL, race_control, NULL), 0);
	for (i = 0; i < RACE_WORKERS; i++)
		ASSERT_EQ(pthread_create(&workers[i], NULL, race_worker,
					 (void *)(uintptr_t)i), 0);
	sleep(secs);
	race.stop = 1;
	pthread_join(ctl, NULL);
	for (i = 0; i < RACE_WORKERS; i++)
		pthread_join(workers[i], NULL);
	race_save_roots();

	ksft_print_msg("race: %lu documents in %u s by %d threads on 2 instances, %lu control operations, %u chains, %lu documents saved for the host\n",
		       race.docs, secs, RACE_WORKERS, race.ctl_ops, race.nroots,
		       race.saved);
	if (race.bad)
		ksft_print_msg("race: %lu bad answers; first: %s\n", race.bad,
			       race.why);
	EXPECT_EQ(race.bad, 0);
	EXPECT_GE(race.docs, 1);
	EXPECT_GE(race.nroots, 2);
	for (i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), "st-race-o%u", i);
		rm(buf);
	}
	ASSERT_EQ(rm(race_inst[0]), 0);
	ASSERT_EQ(rm(race_inst[1]), 0);
	free(race.roots);
	free(race.root_len);
}

int main(int argc, char **argv)
{
	return nsm_harness_main(argc, argv, precheck);
}
