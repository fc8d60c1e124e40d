// SPDX-License-Identifier: GPL-2.0
/*
 * nsm_fault - the fault-injection pass of `make check-debug`, run in the
 * guest of a debug kernel (selftests/vm/fault.sh, through run.sh --exec).
 *
 * For each ioctl request type and each configfs write of nsm_emu, make the
 * module's allocations fail one at a time: fail-nth
 * (/proc/thread-self/fail-nth) = 1, 2, ... until the operation runs with
 * no failure left to inject. failslab and fail_page_alloc count only
 * allocations with nsm_emu's code on the stack (their require-start/end
 * filter, set here from /proc/kallsyms), so the Nth failure is the
 * module's Nth allocation (or one it asked the kernel for: misc_register,
 * configfs). Each injected failure must end cleanly: an errno, or an NSM
 * response of the right shape (an Error, or success if the module could do
 * without the memory); after each one the device must still answer a
 * DescribePCR. Crashes, leaks and splats are judged by fault.sh from the
 * kernel log and kmemleak.
 *
 * Output, one line per case: "@@T ok <case> - <N> failures: <results>"
 * or "@@T not ok <case> - <why>".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../drivers/nsm/nsm_util.h"

#define MAX_NTH		400
#define DBG		"/sys/kernel/debug"
#define INST		"flt"		/* the instance the cases work on */

static int nth_fd = -1;
static int dev_fd = -1;
static char dev_path[64];
static uint8_t chain_der[8192], key_der[2048];
static long chain_len = -1, key_len = -1;

static int put(const char *path, const char *val)
{
	return nsm_puts_file(path, val);
}

static void nth_set(unsigned int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, l, 0) != l) {
		perror("fail-nth");
		exit(1);
	}
}

/* After an operation: was the failure injected? (fail-nth reads 0.) */
static int nth_injected(void)
{
	char b[16] = "";
	int injected;

	if (pread(nth_fd, b, sizeof(b) - 1, 0) <= 0) {
		perror("fail-nth read");
		exit(1);
	}
	injected = atoi(b) == 0;
	nth_set(0);
	return injected;
}

/* failslab + fail_page_alloc: fail-nth only, nsm_emu's allocations only. */
static int setup_injection(void)
{
	static const char *const attrs[] = { "failslab", "fail_page_alloc" };
	unsigned long long lo = ~0ULL, a;
	char line[512], start[32], path[128];
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned int i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char type, name[256], mod[64] = "";

		if (sscanf(line, "%llx %c %255s %63s", &a, &type, name, mod) < 4)
			continue;
		if ((type == 't' || type == 'T') && !strcmp(mod, "[nsm_emu]") &&
		    a && a < lo)
			lo = a;
	}
	fclose(f);
	if (lo == ~0ULL)
		return -1;
	snprintf(start, sizeof(start), "%llu", lo);
	for (i = 0; i < 2; i++) {
#define SET(file, val) do {						\
		snprintf(path, sizeof(path), DBG "/%s/" file, attrs[i]);	\
		if (put(path, val)) {					\
			fprintf(stderr, "cannot write %s\n", path);	\
			return -1;					\
		}							\
	} while (0)
		/* GFP_KERNEL allocations too, and order 0 pages. */
		SET("ignore-gfp-wait", "N");
		if (i == 1) {
			SET("ignore-gfp-highmem", "N");
			SET("min-order", "0");
		}
		SET("stacktrace-depth", "32");
		SET("require-start", start);
		/* Nothing but nsm_emu is loaded: the module area's end. */
		SET("require-end", "18446744073692774400");	/* 0xffffffffff000000 */
		SET("verbose", "1");
		SET("probability", "0");
#undef SET
	}
	printf("# failures limited to stacks with code at or above 0x%llx (nsm_emu)\n", lo);
	return 0;
}

/* The results of one case, counted by kind. */
struct tally {
	char what[32][48];
	unsigned int count[32], n;
	int bad;
	char why[256];
};

static void tally(struct tally *t, const char *fmt, ...)
{
	char k[48];
	unsigned int i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k, sizeof(k), fmt, ap);
	va_end(ap);
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->what[i], k))
			break;
	if (i == t->n) {
		if (t->n == 32)
			return;
		snprintf(t->what[t->n++], sizeof(t->what[0]), "%s", k);
	}
	t->count[i]++;
}

static void bad(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	if (t->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

/*
 * A case: @pre (no injection) prepares, @op runs under fail-nth and
 * returns 0, a positive NSM error, -errno, or NSM_BAD_SHAPE; @post (no
 * injection) undoes what a successful @op did.
 */
struct fcase {
	const char *name;
	int (*pre)(void);
	int (*op)(void);
	void (*post)(int rc);
};

/* ---- the device ---- */

static int health(void)
{
	uint8_t pcr[NSM_PCR_LEN];
	bool lock;

	return nsm_describe_pcr(dev_fd, 0, &lock, pcr);
}

static int op_describe_nsm(void)
{
	struct nsm_description d;

	return nsm_describe_nsm(dev_fd, &d);
}

static int op_describe_pcr(void)
{
	return health();
}

static int op_extend_pcr(void)
{
	uint8_t data[48] = { 1, 2, 3 }, out[NSM_PCR_LEN];

	return nsm_extend_pcr(dev_fd, 16, data, sizeof(data), out);
}

static int op_lock_pcr(void)
{
	return nsm_lock_pcr(dev_fd, 20);
}

static int op_lock_pcrs(void)
{
	return nsm_lock_pcrs(dev_fd, 18);
}

static int op_get_random(void)
{
	uint8_t out[NSM_RANDOM_LEN];
	size_t len;

	return nsm_get_random(dev_fd, out, &len);
}

static int attest(bool nulls)
{
	static uint8_t req[1024], resp[16384];
	uint8_t ud[64], nonce[64], pk[97];
	const uint8_t *doc;
	size_t rl = sizeof(resp), dl, len;
	int rc;

	memset(ud, 0xa5, sizeof(ud));
	memset(nonce, 0x5a, sizeof(nonce));
	memset(pk, 0x04, sizeof(pk));
	len = nulls ? req_attestation(req, sizeof(req), NULL, 0, NULL, 0, NULL, 0) :
		      req_attestation(req, sizeof(req), ud, sizeof(ud), nonce,
				      sizeof(nonce), pk, sizeof(pk));
	rc = nsm_raw(dev_fd, req, len, resp, &rl);
	if (rc)
		return rc;
	rc = resp_is_error(resp, rl);
	if (rc >= 0)
		return rc ? rc : NSM_BAD_SHAPE;
	return parse_attestation(resp, rl, &doc, &dl) ? NSM_BAD_SHAPE : 0;
}

static int op_attestation(void)
{
	return attest(false);
}

static int op_attestation_nulls(void)
{
	return attest(true);
}

/* A new leaf is minted for the next document after a rotate. */
static int pre_rotate(void)
{
	return nsm_puts_file(nsm_inst_path(INST, "rotate"), "1");
}

/* An unknown request: its expected answer, an Error response, is 0. */
static int op_invalid(void)
{
	static const uint8_t req[] = { 0xa1, 0x63, 'F', 'o', 'o', 0xf6 };
	uint8_t resp[256];
	size_t rl = sizeof(resp);
	int rc = nsm_raw(dev_fd, req, sizeof(req), resp, &rl);

	if (rc)
		return rc;
	return resp_is_error(resp, rl) > 0 ? 0 : NSM_BAD_SHAPE;
}

/* A fresh boot of the enclave: PCRs 16.. unlocked again. */
static int pre_reset(void)
{
	return nsm_puts_file(nsm_inst_path(INST, "reset"), "1");
}

static int op_open(void)
{
	int fd = open(dev_path, O_RDWR);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* ---- configfs ---- */

static const char *inst_attr(const char *attr)
{
	return nsm_inst_path(INST, attr);
}

static int op_mkdir(void)
{
	return mkdir(NSM_CONFIGFS "/instances/flt2", 0755) ? -errno : 0;
}

static void post_mkdir(int rc)
{
	(void)rc;
	rmdir(NSM_CONFIGFS "/instances/flt2");
}

static int pre_mkdir2(void)
{
	return mkdir(NSM_CONFIGFS "/instances/flt2", 0755) ? -errno : 0;
}

static int op_rmdir(void)
{
	return rmdir(NSM_CONFIGFS "/instances/flt2") ? -errno : 0;
}

static int pre_disable(void)
{
	return put(inst_attr("enable"), "0");
}

static int op_enable(void)
{
	return put(inst_attr("enable"), "1");
}

static int pre_enable(void)
{
	return put(inst_attr("enable"), "1");
}

static int op_disable(void)
{
	return put(inst_attr("enable"), "0");
}

static int op_devname(void)
{
	return put(inst_attr("devname"), "nsm-fltx");
}

static void post_devname(int rc)
{
	(void)rc;
	put(inst_attr("devname"), "nsm-" INST);
}

#define OP_PUT(fn, attr, val)						\
static int fn(void)							\
{									\
	return put(inst_attr(attr), val);				\
}
OP_PUT(op_module_id, "module_id", "i-0123456789abcdef0-enc0123456789abcdef")
OP_PUT(op_debug_mode, "debug_mode", "1")
OP_PUT(op_pcr0, "pcr0",
       "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f"
       "000102030405060708090a0b0c0d0e0f")
OP_PUT(op_cose_tagged, "cose_tagged", "1")
OP_PUT(op_indefinite_map, "indefinite_map", "1")
OP_PUT(op_clock_offset, "clock_offset_ms", "-5000")
OP_PUT(op_leaf_lifetime, "leaf_lifetime_s", "3600")
OP_PUT(op_reset, "reset", "1")
OP_PUT(op_rotate, "rotate", "1")

static void post_switches(int rc)
{
	(void)rc;
	put(inst_attr("debug_mode"), "0");
	put(inst_attr("cose_tagged"), "0");
	put(inst_attr("indefinite_map"), "0");
	put(inst_attr("clock_offset_ms"), "0");
}

static int op_pki_generate(void)
{
	return put(nsm_pki_path("generate"), "1");
}

static int op_pki_chain(void)
{
	return nsm_write_file(nsm_pki_path("chain"), chain_der, chain_len);
}

static int op_pki_key(void)
{
	return nsm_write_file(nsm_pki_path("key"), key_der, key_len);
}

static int pre_stage(void)
{
	int rc = nsm_write_file(nsm_pki_path("chain"), chain_der, chain_len);

	return rc ? rc : nsm_write_file(nsm_pki_path("key"), key_der, key_len);
}

static int op_pki_commit(void)
{
	return put(nsm_pki_path("commit"), "1");
}

static const struct fcase cases[] = {
	{ "open", NULL, op_open, NULL },
	{ "ioctl_describe_nsm", NULL, op_describe_nsm, NULL },
	{ "ioctl_describe_pcr", NULL, op_describe_pcr, NULL },
	{ "ioctl_extend_pcr", pre_reset, op_extend_pcr, NULL },
	{ "ioctl_lock_pcr", pre_reset, op_lock_pcr, NULL },
	{ "ioctl_lock_pcrs", pre_reset, op_lock_pcrs, NULL },
	{ "ioctl_get_random", NULL, op_get_random, NULL },
	{ "ioctl_attestation", NULL, op_attestation, NULL },
	{ "ioctl_attestation_nulls", NULL, op_attestation_nulls, NULL },
	{ "ioctl_attestation_new_leaf", pre_rotate, op_attestation, NULL },
	{ "ioctl_invalid_request", NULL, op_invalid, NULL },
	{ "configfs_mkdir_instance", NULL, op_mkdir, post_mkdir },
	{ "configfs_rmdir_instance", pre_mkdir2, op_rmdir, post_mkdir },
	{ "configfs_module_id", NULL, op_module_id, NULL },
	{ "configfs_debug_mode", NULL, op_debug_mode, post_switches },
	{ "configfs_pcr0", NULL, op_pcr0, NULL },
	{ "configfs_cose_tagged", NULL, op_cose_tagged, post_switches },
	{ "configfs_indefinite_map", NULL, op_indefinite_map, post_switches },
	{ "configfs_clock_offset_ms", NULL, op_clock_offset, post_switches },
	{ "configfs_leaf_lifetime_s", NULL, op_leaf_lifetime, NULL },
	{ "configfs_reset", NULL, op_reset, NULL },
	{ "configfs_rotate", NULL, op_rotate, NULL },
	{ "configfs_disable", pre_enable, op_disable, NULL },
	{ "configfs_devname", pre_disable, op_devname, post_devname },
	{ "configfs_enable", pre_disable, op_enable, NULL },
	{ "configfs_pki_generate", NULL, op_pki_generate, NULL },
	{ "configfs_pki_chain", NULL, op_pki_chain, NULL },
	{ "configfs_pki_key", NULL, op_pki_key, NULL },
	{ "configfs_pki_commit", pre_stage, op_pki_commit, NULL },
};

/* The instance and its device, enabled, open in dev_fd. */
static int ensure_device(void)
{
	if (dev_fd >= 0)
		close(dev_fd);
	dev_fd = -1;
	put(inst_attr("enable"), "1");
	dev_fd = open(dev_path, O_RDWR);
	return dev_fd < 0 ? -errno : 0;
}

static void run_case(const struct fcase *c)
{
	struct tally t = { .n = 0 };
	unsigned int n, i;
	int rc, h, clean_ok = 0;
	char res[512] = "";
	size_t o = 0;

	if (!strncmp(c->name, "configfs_pki_", 13) && strcmp(c->name, "configfs_pki_generate") &&
	    (chain_len < 0 || key_len < 0)) {
		printf("@@T ok %s # SKIP no test PKI in /extra/pki\n", c->name);
		return;
	}
	for (n = 1; n <= MAX_NTH; n++) {
		if (ensure_device()) {
			bad(&t, "no device before fail-nth %u", n);
			break;
		}
		if (c->pre && (rc = c->pre())) {
			bad(&t, "preparation failed before fail-nth %u: %d", n, rc);
			break;
		}
		nth_set(n);
		rc = c->op();
		if (!nth_injected()) {
			/* Ran with nothing left to fail: must succeed. */
			if (rc)
				bad(&t, "fails with no failure injected: %d", rc);
			else
				clean_ok = 1;
			if (c->post)
				c->post(rc);
			break;
		}
		if (rc == NSM_BAD_SHAPE)
			bad(&t, "fail-nth %u: a response of the wrong shape", n);
		else if (rc < 0)
			tally(&t, "%s", strerror(-rc));
		else if (rc > 0)
			tally(&t, "NSM %s", rc < NSM_E_COUNT ? nsm_err_names[rc] : "?");
		else
			tally(&t, "success");
		if (c->post)
			c->post(rc);
		/* The emulator still answers. */
		if (ensure_device() || (h = health()) != 0) {
			bad(&t, "fail-nth %u: device unusable afterwards", n);
			break;
		}
	}
	if (n > MAX_NTH)
		bad(&t, "still injecting after %u failures", MAX_NTH);
	for (i = 0; i < t.n && o < sizeof(res) - 64; i++)
		o += snprintf(res + o, sizeof(res) - o, "%s%u x %s", i ? ", " : "",
			      t.count[i], t.what[i]);
	if (t.bad || !clean_ok)
		printf("@@T not ok %s - %s\n", c->name, t.why[0] ? t.why : "did not complete");
	else
		printf("@@T ok %s - %u failures: %s\n", c->name, n - 1,
		       n > 1 ? res : "none (no allocation)");
	fflush(stdout);
}

static long read_bin(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n ? (long)n : -1;
}

int main(int argc, char **argv)
{
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1) {
		chain_len = read_bin(argv[1], chain_der, sizeof(chain_der));
		key_len = argc > 2 ? read_bin(argv[2], key_der, sizeof(key_der)) : -1;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0 || setup_injection()) {
		printf("@@T not ok setup - no fail-nth or failslab (a debug kernel with nsm_emu loaded?)\n");
		return 1;
	}
	if (mkdir(NSM_CONFIGFS "/instances/" INST, 0755) && errno != EEXIST) {
		printf("@@T not ok setup - mkdir instance: %s\n", strerror(errno));
		return 1;
	}
	snprintf(dev_path, sizeof(dev_path), "/dev/nsm-" INST);
	if (ensure_device()) {
		printf("@@T not ok setup - %s: %s\n", dev_path, strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	close(dev_fd);
	put(inst_attr("enable"), "0");
	rmdir(NSM_CONFIGFS "/instances/" INST);
	return 0;
}
