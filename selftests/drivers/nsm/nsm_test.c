// SPDX-License-Identifier: GPL-2.0
/*
 * Conformance tests for /dev/nsm, the Nitro Security Module device: the
 * ioctl ABI of Linux's drivers/misc/nsm.c, every request and error of the
 * NSM protocol with the exact bytes serde_cbor produces, PCR semantics and
 * concurrent use. They hold for nsm-emu's emulator and are meant to hold for
 * a real enclave's device (upstream's -EINVAL for unknown ioctls aside).
 *
 * The tests share one device and run in order. They expect a freshly
 * booted device (PCRs 16-31 zero and unlocked): set NSM_RESET=1 to reset an
 * emulator through its control interface first. Tests that change state
 * use PCRs deliberately: 16 (extend), 17 (request size limit), 18
 * (concurrency), 20 (LockPCR); the last tests lock 16-23 and then all PCRs.
 * NSM_DEV selects another device node (default /dev/nsm).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "nsm_harness.h"
#include "nsm_util.h"

/* The module_id of NSM-FACTS's reference DescribeNSM response. */
#define NSM_REFERENCE_ID	"i-0123456789abcdef0-enc0123456789abcdef"

#define PCR_EXTEND	16
#define PCR_LIMIT	17
#define PCR_THREADS	18
#define PCR_LOCK	20

/* NSM-FACTS.md section 2: serde_cbor's bytes of DescribePCR{true, 0...}. */
static const char describe_pcr_locked_zero[] =
	"a16b4465736372696265504352a2646c6f636bf56464617461"
	"5830000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000";

static int open_dev(struct __test_metadata *_metadata)
{
	int fd = nsm_open();

	if (fd < 0)
		TH_LOG("open %s: %s", nsm_dev_path(), strerror(errno));
	ASSERT_GE(fd, 0);
	return fd;
}

/* The exact response bytes for @req_hex, compared with @want_hex. */
static void expect_exchange_hex(struct __test_metadata *_metadata, int fd,
				const char *req_hex, const char *want_hex)
{
	uint8_t req[256], want[512], resp[NSM_RESPONSE_MAX_SIZE];
	long rl, wl;
	size_t n = sizeof(resp);
	char got[2 * 512 + 1];

	rl = hex_decode(req_hex, req, sizeof(req));
	wl = hex_decode(want_hex, want, sizeof(want));
	ASSERT_GT(rl, 0);
	ASSERT_GT(wl, 0);
	ASSERT_EQ(nsm_raw(fd, req, (size_t)rl, resp, &n), 0);
	if (n != (size_t)wl || memcmp(resp, want, n)) {
		hex_encode(resp, n < 512 ? n : 512, got);
		TH_LOG("request  %s", req_hex);
		TH_LOG("expected %s", want_hex);
		TH_LOG("got      %s", got);
		ASSERT_TRUE(0);
	}
}

/* The request must be answered with exactly the Error(@e) bytes. */
static void expect_error(struct __test_metadata *_metadata, int fd,
			 const void *req, size_t len, enum nsm_err e)
{
	uint8_t want[64], resp[NSM_RESPONSE_MAX_SIZE];
	size_t wl, n = sizeof(resp);
	char hex[2 * 64 + 1];
	int rc;

	wl = resp_error(want, sizeof(want), e);
	rc = nsm_raw(fd, req, len, resp, &n);
	if (rc) {
		TH_LOG("ioctl failed: %s", strerror(-rc));
		ASSERT_EQ(rc, 0);
	}
	if (n != wl || memcmp(resp, want, wl)) {
		hex_encode(req, len < 64 ? len : 64, hex);
		TH_LOG("request %s%s: expected Error %s", hex,
		       len > 64 ? "..." : "", nsm_err_names[e]);
		hex_encode(resp, n < 64 ? n : 64, hex);
		TH_LOG("got %s%s", hex, n > 64 ? "..." : "");
		ASSERT_TRUE(0);
	}
}

static void read_pcr(struct __test_metadata *_metadata, int fd, unsigned int i,
		     bool *lock, uint8_t v[NSM_PCR_LEN])
{
	int rc = nsm_describe_pcr(fd, i, lock, v);

	if (rc)
		TH_LOG("DescribePCR(%u) failed: %d", i, rc);
	ASSERT_EQ(rc, 0);
}

/* ------------------------------------------------------------------ */
/* The helper SHA-384 (PCR arithmetic depends on it).                  */

TEST(sha384_known_vectors)
{
	static const struct { const char *msg, *hex; } v[] = {
		{ "", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
		      "274edebfe76f65fbd51ad2f14898b95b" },
		{ "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
			 "8086072ba1e7cc2358baeca134c825a7" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
		  "fcc7c71a557e2db966c3e9fa91746039" },
	};
	uint8_t want[SHA384_LEN], got[SHA384_LEN];
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ASSERT_EQ(hex_decode(v[i].hex, want, sizeof(want)), SHA384_LEN);
		sha384(v[i].msg, strlen(v[i].msg), got);
		ASSERT_MEM_EQ(got, want, SHA384_LEN);
	}
	/* A million 'a's, fed unevenly: exercises the block boundaries. */
	{
		struct sha384_ctx c;
		char a[1001];
		int k;

		memset(a, 'a', sizeof(a));
		sha384_init(&c);
		for (k = 0; k < 1000; k++)
			sha384_update(&c, a, k & 1 ? 999 : 1001);
		sha384_final(&c, got);
		ASSERT_EQ(hex_decode("9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
				     "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
				     want, sizeof(want)), SHA384_LEN);
		ASSERT_MEM_EQ(got, want, SHA384_LEN);
	}
}

/*
 * The suite's own encoders against NSM-FACTS.md section 2, so that every
 * comparison built on them compares with serde_cbor's bytes.
 */
TEST(encoders_match_reference)
{
	static const struct { enum nsm_err e; const char *hex; } errs[] = {
		{ NSM_E_INVALID_ARGUMENT, "a1654572726f726f496e76616c6964417267756d656e74" },
		{ NSM_E_INVALID_INDEX, "a1654572726f726c496e76616c6964496e646578" },
		{ NSM_E_READ_ONLY_INDEX, "a1654572726f726d526561644f6e6c79496e646578" },
		{ NSM_E_INVALID_OPERATION, "a1654572726f7270496e76616c69644f7065726174696f6e" },
		{ NSM_E_INPUT_TOO_LARGE, "a1654572726f726d496e707574546f6f4c61726765" },
		{ NSM_E_INTERNAL_ERROR, "a1654572726f726d496e7465726e616c4572726f72" },
	};
	uint8_t got[128], want[128], zero[NSM_PCR_LEN] = { 0 };
	size_t gl;
	long wl;
	unsigned int i;

#define CHECK_HEX(expr, hex) do {					\
	gl = (expr);							\
	wl = hex_decode(hex, want, sizeof(want));			\
	ASSERT_GT(wl, 0);						\
	ASSERT_EQ(gl, (size_t)wl);					\
	ASSERT_MEM_EQ(got, want, gl);					\
} while (0)

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		CHECK_HEX(resp_error(got, sizeof(got), errs[i].e), errs[i].hex);
		ASSERT_EQ(resp_is_error(got, gl), errs[i].e);
	}
	CHECK_HEX(req_describe_nsm(got, sizeof(got)), "6b44657363726962654e534d");
	CHECK_HEX(req_describe_pcr(got, sizeof(got), 0),
		  "a16b4465736372696265504352a165696e64657800");
	CHECK_HEX(req_describe_pcr(got, sizeof(got), 300),
		  "a16b4465736372696265504352a165696e64657819012c");
	CHECK_HEX(req_extend_pcr(got, sizeof(got), 16, "\x01\x02\x03", 3),
		  "a169457874656e64504352a265696e64657810646461746143010203");
	CHECK_HEX(req_lock_pcr(got, sizeof(got), 16),
		  "a1674c6f636b504352a165696e64657810");
	CHECK_HEX(req_lock_pcrs(got, sizeof(got), 32),
		  "a1684c6f636b50435273a16572616e67651820");
	CHECK_HEX(req_lock_pcrs(got, sizeof(got), 0),
		  "a1684c6f636b50435273a16572616e676500");
	CHECK_HEX(req_attestation(got, sizeof(got), NULL, 0, NULL, 0, NULL, 0),
		  "a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f6"
		  "6a7075626c69635f6b6579f6");
	CHECK_HEX(req_attestation(got, sizeof(got), "\x01", 1, "\x02", 1, NULL, 0),
		  "a16b4174746573746174696f6ea369757365725f646174614101656e6f6e6365"
		  "41026a7075626c69635f6b6579f6");
	CHECK_HEX(req_get_random(got, sizeof(got)), "6947657452616e646f6d");
	CHECK_HEX(resp_describe_pcr(got, sizeof(got), true, zero),
		  describe_pcr_locked_zero);
	CHECK_HEX(resp_extend_pcr(got, sizeof(got), zero),
		  "a169457874656e64504352a164646174615830"
		  "000000000000000000000000000000000000000000000000"
		  "000000000000000000000000000000000000000000000000");
	{
		struct nsm_description d = {
			.version = { 1, 0, 0 },
			.module_id = "i-0123456789abcdef0-enc0123456789abcdef",
			.max_pcrs = 32, .nlocked = 16, .digest = "SHA384",
		};
		uint8_t enc[256], ref[256];
		struct nsm_description back;

		for (i = 0; i < 16; i++)
			d.locked[i] = (uint16_t)i;
		gl = resp_describe_nsm(enc, sizeof(enc), &d);
		wl = hex_decode(nsm_describe_nsm_reference, ref, sizeof(ref));
		ASSERT_EQ(gl, (size_t)wl);
		ASSERT_MEM_EQ(enc, ref, gl);
		ASSERT_EQ(parse_describe_nsm(ref, gl, &back), 0);
		ASSERT_TRUE(!strcmp(back.module_id, d.module_id));
	}
#undef CHECK_HEX
}

/* ------------------------------------------------------------------ */
/* Boot state: first, before any test changes the device.              */

TEST(boot_state)
{
	uint8_t v[NSM_PCR_LEN];
	unsigned int i;
	bool lock;
	int fd = open_dev(_metadata);

	for (i = 0; i < NSM_PCRS; i++) {
		read_pcr(_metadata, fd, i, &lock, v);
		if (lock != (i < 16))
			TH_LOG("PCR%u: lock %d", i, lock);
		EXPECT_EQ(lock, i < 16);
		switch (i) {
		case 0: case 1: case 2: case 4:
			if (all_zero(v, sizeof(v)))
				TH_LOG("PCR%u is zero (debug-mode enclave?)", i);
			EXPECT_FALSE(all_zero(v, sizeof(v)));
			break;
		default:
			if (!all_zero(v, sizeof(v)))
				TH_LOG("PCR%u is not zero (fresh device? NSM_RESET=1)", i);
			EXPECT_TRUE(all_zero(v, sizeof(v)));
			break;
		}
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* The ioctl ABI                                                       */

TEST(abi_struct_layout)
{
	ASSERT_EQ(sizeof(struct nsm_iovec), 16);
	ASSERT_EQ(sizeof(struct nsm_raw), 32);
	ASSERT_EQ(__builtin_offsetof(struct nsm_raw, request.addr), 0);
	ASSERT_EQ(__builtin_offsetof(struct nsm_raw, request.len), 8);
	ASSERT_EQ(__builtin_offsetof(struct nsm_raw, response.addr), 16);
	ASSERT_EQ(__builtin_offsetof(struct nsm_raw, response.len), 24);
	ASSERT_EQ((unsigned long)NSM_IOCTL_RAW, 0xc0200a00UL);
	ASSERT_EQ(_IOC_TYPE(NSM_IOCTL_RAW), 0x0a);
	ASSERT_EQ(_IOC_NR(NSM_IOCTL_RAW), 0);
	ASSERT_EQ(_IOC_SIZE(NSM_IOCTL_RAW), 32);
	ASSERT_EQ(_IOC_DIR(NSM_IOCTL_RAW), _IOC_READ | _IOC_WRITE);
	ASSERT_EQ(NSM_REQUEST_MAX_SIZE, 0x1000);
	ASSERT_EQ(NSM_RESPONSE_MAX_SIZE, 0x3000);
}

TEST(abi_device_node)
{
	struct stat st;
	int fd, fd2;

	ASSERT_EQ(stat(nsm_dev_path(), &st), 0);
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(major(st.st_rdev), 10);	/* a misc device */
	fd = open_dev(_metadata);
	fd2 = open_dev(_metadata);	/* any number of openers */
	ASSERT_NE(fd, fd2);
	close(fd2);
	close(fd);
}

/* Fill @raw with 0xcc, then set the fields a test cares about. */
static void raw_fill(struct nsm_raw *raw, const void *req, uint64_t req_len,
		     void *resp, uint64_t resp_len)
{
	memset(raw, 0xcc, sizeof(*raw));
	raw->request.addr = (uintptr_t)req;
	raw->request.len = req_len;
	raw->response.addr = (uintptr_t)resp;
	raw->response.len = resp_len;
}

/*
 * The ioctl must fail with @err and leave the struct as it was: the
 * device writes response.len back only on success.
 */
static void expect_cmd_errno(struct __test_metadata *_metadata, int fd,
			     unsigned long cmd, struct nsm_raw *raw, int err)
{
	struct nsm_raw copy = *raw;

	ASSERT_ERRNO(ioctl(fd, cmd, raw), err);
	ASSERT_MEM_EQ(raw, &copy, sizeof(copy));
}

static void expect_raw_errno(struct __test_metadata *_metadata, int fd,
			     struct nsm_raw *raw, int err)
{
	expect_cmd_errno(_metadata, fd, NSM_IOCTL_RAW, raw, err);
}

/* Two pages: the first read-write, the second inaccessible. */
static uint8_t *guarded_page(struct __test_metadata *_metadata)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *p;

	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_EQ(mprotect(p + pg, pg, PROT_NONE), 0);
	memset(p, 0xcc, pg);
	return p;
}

TEST(abi_bad_struct_pointer)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *p = guarded_page(_metadata);
	struct nsm_raw *raw;
	int fd = open_dev(_metadata);

	ASSERT_ERRNO(ioctl(fd, NSM_IOCTL_RAW, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(fd, NSM_IOCTL_RAW, (void *)8), EFAULT);
	ASSERT_ERRNO(ioctl(fd, NSM_IOCTL_RAW, p + pg), EFAULT);
	ASSERT_ERRNO(ioctl(fd, NSM_IOCTL_RAW, (void *)-4096L), EFAULT);
	/* The struct's last byte lies in the inaccessible page. */
	raw = (struct nsm_raw *)(p + pg - sizeof(*raw) + 1);
	ASSERT_ERRNO(ioctl(fd, NSM_IOCTL_RAW, raw), EFAULT);
	close(fd);
}

TEST(abi_bad_request_pointer)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *p = guarded_page(_metadata), resp[256];
	struct nsm_raw raw;
	int fd = open_dev(_metadata);

	raw_fill(&raw, NULL, 12, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	raw_fill(&raw, NULL, 12, resp, sizeof(resp));
	raw.request.addr = 0xccccccccccccccccULL;	/* non-canonical */
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	raw_fill(&raw, p + pg, 12, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	/* "DescribeNSM" whose last byte is in the inaccessible page. */
	memcpy(p + pg - 11, "\x6b" "DescribeNS", 11);
	raw_fill(&raw, p + pg - 11, 12, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	/* The same 11 bytes alone are a (truncated) request: no fault. */
	raw_fill(&raw, p + pg - 11, 11, resp, sizeof(resp));
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(resp_is_error(resp, raw.response.len), NSM_E_INVALID_OPERATION);
	close(fd);
}

TEST(abi_bad_response_pointer)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t req[32], *p = guarded_page(_metadata), *ro;
	struct nsm_raw raw;
	size_t rl;
	int fd = open_dev(_metadata);

	rl = req_describe_nsm(req, sizeof(req));
	raw_fill(&raw, req, rl, NULL, 256);
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	raw_fill(&raw, req, rl, NULL, 256);
	raw.response.addr = 0xccccccccccccccccULL;
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	raw_fill(&raw, req, rl, p + pg, 256);
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	/* Crossing into the inaccessible page. */
	raw_fill(&raw, req, rl, p + pg - 16, 256);
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	/* Read-only memory. */
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	raw_fill(&raw, req, rl, ro, 256);
	expect_raw_errno(_metadata, fd, &raw, EFAULT);
	/* But a buffer that ends exactly at the guard page is fine. */
	raw_fill(&raw, req, rl, p + pg - 16, 16);
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(raw.response.len, 16);
	close(fd);
}

TEST(abi_request_len_limit)
{
	uint8_t *req, *data, resp[256], old[NSM_PCR_LEN], want[NSM_PCR_LEN];
	uint8_t got[NSM_PCR_LEN];
	size_t head, dlen, n;
	struct nsm_raw raw;
	bool lock;
	int fd = open_dev(_metadata);

	req = malloc(2 * NSM_REQUEST_MAX_SIZE);
	data = malloc(NSM_REQUEST_MAX_SIZE);
	ASSERT_TRUE(req && data);
	memset(req, 0xcc, 2 * NSM_REQUEST_MAX_SIZE);
	/* An ExtendPCR of exactly 0x1000 bytes: 3-byte bstr head. */
	head = req_extend_pcr(req, NSM_REQUEST_MAX_SIZE, PCR_LIMIT, "", 0) - 1;
	dlen = NSM_REQUEST_MAX_SIZE - head - 3;
	for (n = 0; n < dlen; n++)
		data[n] = (uint8_t)(n * 7);
	n = req_extend_pcr(req, 2 * NSM_REQUEST_MAX_SIZE, PCR_LIMIT, data, dlen);
	ASSERT_EQ(n, NSM_REQUEST_MAX_SIZE);

	read_pcr(_metadata, fd, PCR_LIMIT, &lock, old);
	sha384_extend(old, data, dlen, want);
	raw_fill(&raw, req, NSM_REQUEST_MAX_SIZE, resp, sizeof(resp));
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(parse_extend_pcr(resp, raw.response.len, got), 0);
	ASSERT_MEM_EQ(got, want, NSM_PCR_LEN);

	/* One byte more: -EMSGSIZE, and the PCR does not move. */
	raw_fill(&raw, req, NSM_REQUEST_MAX_SIZE + 1, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EMSGSIZE);
	/* The size is checked before the request is read. */
	raw_fill(&raw, NULL, NSM_REQUEST_MAX_SIZE + 1, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EMSGSIZE);
	raw_fill(&raw, req, ~0ULL, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EMSGSIZE);
	/* No truncation of the 64-bit length. */
	raw_fill(&raw, req, (1ULL << 32) + 12, resp, sizeof(resp));
	expect_raw_errno(_metadata, fd, &raw, EMSGSIZE);
	read_pcr(_metadata, fd, PCR_LIMIT, &lock, got);
	ASSERT_MEM_EQ(got, want, NSM_PCR_LEN);
	free(req);
	free(data);
	close(fd);
}

TEST(abi_request_len_zero)
{
	uint8_t req[16], resp[64];
	struct nsm_raw raw;
	int fd = open_dev(_metadata);

	memset(req, 0xcc, sizeof(req));
	raw_fill(&raw, req, 0, resp, sizeof(resp));
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(resp_is_error(resp, raw.response.len), NSM_E_INVALID_OPERATION);
	/* Zero bytes from NULL is no fault (copy_from_user of nothing). */
	raw_fill(&raw, NULL, 0, resp, sizeof(resp));
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(resp_is_error(resp, raw.response.len), NSM_E_INVALID_OPERATION);
	close(fd);
}

TEST(abi_response_len_written_back)
{
	uint8_t req[32], *resp;
	struct nsm_description d;
	struct nsm_raw raw, copy;
	size_t rl, i;
	int fd = open_dev(_metadata);

	resp = malloc(2 * NSM_RESPONSE_MAX_SIZE);
	ASSERT_TRUE(resp != NULL);
	rl = req_describe_nsm(req, sizeof(req));
	for (i = 0; i < 3; i++) {
		/* Buffer sizes: the maximum, larger, and absurdly large. */
		static const uint64_t sizes[3] = {
			NSM_RESPONSE_MAX_SIZE, 2 * NSM_RESPONSE_MAX_SIZE, ~0ULL,
		};

		memset(resp, 0xcc, 2 * NSM_RESPONSE_MAX_SIZE);
		raw_fill(&raw, req, rl, resp, sizes[i]);
		copy = raw;
		ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
		ASSERT_GT(raw.response.len, 0);
		ASSERT_LT(raw.response.len, 1024);
		ASSERT_EQ(parse_describe_nsm(resp, raw.response.len, &d), 0);
		/* Not a byte written past the response. */
		ASSERT_TRUE(resp[raw.response.len] == 0xcc);
		/* Everything but response.len untouched. */
		copy.response.len = raw.response.len;
		ASSERT_MEM_EQ(&raw, &copy, sizeof(raw));
	}
	free(resp);
	close(fd);
}

TEST(abi_response_truncated)
{
	uint8_t req[32], full[1024], resp[1024 + 1];
	static const size_t cut[] = { 0, 1, 10, 63, 64 };
	struct nsm_raw raw;
	size_t rl, n = sizeof(full), i, want;
	int fd = open_dev(_metadata);

	/* DescribePCR of a locked, zero PCR: 75 bytes, always the same. */
	rl = req_describe_pcr(req, sizeof(req), 5);
	ASSERT_EQ(nsm_raw(fd, req, rl, full, &n), 0);
	ASSERT_EQ(n, 75);
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]) + 1; i++) {
		want = i < sizeof(cut) / sizeof(cut[0]) ? cut[i] : n - 1;
		memset(resp, 0xcc, sizeof(resp));
		raw_fill(&raw, req, rl, resp, want);
		ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
		ASSERT_EQ(raw.response.len, want);
		ASSERT_MEM_EQ(resp, full, want);
		ASSERT_TRUE(resp[want] == 0xcc);
	}
	/* Exactly the right size: complete, no truncation. */
	raw_fill(&raw, req, rl, resp, n);
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(raw.response.len, n);
	/* A truncated response of an unknown length needs no valid buffer. */
	raw_fill(&raw, req, rl, NULL, 0);
	ASSERT_EQ(ioctl(fd, NSM_IOCTL_RAW, &raw), 0);
	ASSERT_EQ(raw.response.len, 0);
	close(fd);
}

TEST(abi_unknown_ioctl)
{
	static const unsigned long cmds[] = {
		_IOWR(NSM_MAGIC, 1, struct nsm_raw),	/* other number */
		_IOWR(NSM_MAGIC, 0, struct nsm_iovec),	/* wrong size */
		_IOWR(NSM_MAGIC, 0, char[33]),
		_IOR(NSM_MAGIC, 0, struct nsm_raw),	/* wrong direction */
		_IOW(NSM_MAGIC, 0, struct nsm_raw),
		_IO(NSM_MAGIC, 0),
		_IOWR(0x0b, 0, struct nsm_raw),		/* other magic */
		0, 0xffffffffUL,
	};
	uint8_t req[32], resp[64];
	struct nsm_raw raw;
	unsigned int i;
	int fd = open_dev(_metadata);

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(resp, 0xcc, sizeof(resp));
		raw_fill(&raw, req, req_describe_nsm(req, sizeof(req)), resp,
			 sizeof(resp));
		/* Fails with ENOTTY and touches neither struct nor buffer. */
		expect_cmd_errno(_metadata, fd, cmds[i], &raw, ENOTTY);
		ASSERT_TRUE(resp[0] == 0xcc &&
			    !memcmp(resp, resp + 1, sizeof(resp) - 1));
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Requests and their exact answers (NSM-FACTS.md section 2)           */

TEST(describe_pcr_exact_bytes)
{
	int fd = open_dev(_metadata);

	/* PCR5 is locked and zero at boot: serde_cbor's bytes, verbatim. */
	expect_exchange_hex(_metadata, fd, "a16b4465736372696265504352a165696e64657805",
			    describe_pcr_locked_zero);
	close(fd);
}

TEST(describe_pcr_all)
{
	uint8_t req[32], resp[256], want[256], v[NSM_PCR_LEN];
	size_t n, wl;
	unsigned int i;
	bool lock;
	int fd = open_dev(_metadata);

	for (i = 0; i < NSM_PCRS; i++) {
		n = sizeof(resp);
		ASSERT_EQ(nsm_raw(fd, req, req_describe_pcr(req, sizeof(req), i),
				  resp, &n), 0);
		ASSERT_EQ(parse_describe_pcr(resp, n, &lock, v), 0);
		wl = resp_describe_pcr(want, sizeof(want), lock, v);
		ASSERT_EQ(n, wl);
		ASSERT_MEM_EQ(resp, want, n);
	}
	/* Index 0 from the FACTS request bytes. */
	n = sizeof(resp);
	ASSERT_EQ(hex_decode("a16b4465736372696265504352a165696e64657800", req,
			     sizeof(req)), 21);
	ASSERT_EQ(nsm_raw(fd, req, 21, resp, &n), 0);
	ASSERT_EQ(parse_describe_pcr(resp, n, &lock, v), 0);
	ASSERT_TRUE(lock);
	close(fd);
}

TEST(describe_nsm)
{
	struct nsm_description d;
	unsigned int i, k;
	uint16_t want[NSM_PCRS];
	uint8_t v[NSM_PCR_LEN];
	size_t nwant = 0;
	const char *id;
	bool lock;
	int fd = open_dev(_metadata);

	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	EXPECT_EQ(d.max_pcrs, 32);
	EXPECT_TRUE(!strcmp(d.digest, "SHA384"));
	EXPECT_GE(d.version[0], 1);
	/* locked_pcrs: ascending, exactly the PCRs DescribePCR says locked. */
	for (i = 0; i < NSM_PCRS; i++) {
		read_pcr(_metadata, fd, i, &lock, v);
		if (lock)
			want[nwant++] = (uint16_t)i;
	}
	ASSERT_EQ(d.nlocked, nwant);
	for (i = 0; i < nwant; i++)
		EXPECT_EQ(d.locked[i], want[i]);
	/* module_id: i-<17 hex>-enc<16 hex>, the format of real hardware. */
	id = d.module_id;
	TH_LOG("module_id %s, version %ju.%ju.%ju", id, d.version[0],
	       d.version[1], d.version[2]);
	ASSERT_EQ(strlen(id), 2 + 17 + 4 + 16);
	ASSERT_TRUE(!strncmp(id, "i-", 2) && !strncmp(id + 19, "-enc", 4));
	for (k = 0; k < strlen(id); k++) {
		if (k < 2 || (k >= 19 && k < 23))
			continue;
		EXPECT_TRUE(strchr("0123456789abcdef", id[k]) != NULL);
	}
	close(fd);
}

static bool describe_is_reference(const struct nsm_description *d)
{
	return !strcmp(d->module_id, NSM_REFERENCE_ID) && d->version[0] == 1 &&
	       !d->version[1] && !d->version[2] && d->nlocked == 16;
}

/*
 * NSM-FACTS's DescribeNSM bytes. They need the reference state: module_id
 * NSM_REFERENCE_ID, version 1.0.0, PCRs 0-15 locked. nsm_emu is put in it
 * (module_id written, a reset if more PCRs are locked; the module_id is
 * restored afterwards); another device not in it is skipped.
 */
TEST(describe_nsm_reference_bytes)
{
	uint8_t req[32], resp[NSM_RESPONSE_MAX_SIZE], want[512];
	char old_id[256] = "", got[2 * 512 + 1];
	struct nsm_description d;
	size_t n = sizeof(resp);
	const char *path;
	long wl;
	int fd = open_dev(_metadata), rc = 0;

	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	if (!describe_is_reference(&d) && !nsm_is_emulator())
		SKIP(return, "needs module_id " NSM_REFERENCE_ID
		     ", v1.0.0, PCRs 0-15 locked");
	if (strcmp(d.module_id, NSM_REFERENCE_ID)) {
		path = nsm_inst_path(NULL, "module_id");
		ASSERT_GT(nsm_read_file(path, old_id, sizeof(old_id)), 1);
		old_id[strcspn(old_id, "\n")] = '\0';
		rc = nsm_puts_file(path, NSM_REFERENCE_ID);
		if (rc)
			TH_LOG("%s: %s", path, strerror(-rc));
		ASSERT_EQ(rc, 0);
	}
	if (d.nlocked != 16) {
		path = nsm_inst_path(NULL, "reset");
		rc = nsm_puts_file(path, "1");
		if (rc)
			TH_LOG("%s: %s", path, strerror(-rc));
	}
	if (!rc)
		rc = nsm_raw(fd, req, req_describe_nsm(req, sizeof(req)), resp,
			     &n);
	if (old_id[0])
		ASSERT_EQ(nsm_puts_file(nsm_inst_path(NULL, "module_id"),
					old_id), 0);
	ASSERT_EQ(rc, 0);
	wl = hex_decode(nsm_describe_nsm_reference, want, sizeof(want));
	ASSERT_GT(wl, 0);
	if (n != (size_t)wl || memcmp(resp, want, n)) {
		hex_encode(resp, n < 512 ? n : 512, got);
		TH_LOG("expected %s", nsm_describe_nsm_reference);
		TH_LOG("got      %s", got);
		ASSERT_TRUE(0);
	}
	close(fd);
}

TEST(extend_pcr_exact_bytes)
{
	uint8_t req[64], resp[256], want[256], old[NSM_PCR_LEN];
	uint8_t val[NSM_PCR_LEN], now[NSM_PCR_LEN];
	size_t n = sizeof(resp), wl;
	long rl;
	bool lock;
	int fd = open_dev(_metadata);

	read_pcr(_metadata, fd, PCR_EXTEND, &lock, old);
	ASSERT_FALSE(lock);
	/* The FACTS request: ExtendPCR{index: 16, data: h'010203'}. */
	rl = hex_decode("a169457874656e64504352a265696e64657810646461746143010203",
			req, sizeof(req));
	ASSERT_EQ(rl, 28);
	ASSERT_EQ(nsm_raw(fd, req, (size_t)rl, resp, &n), 0);
	sha384_extend(old, "\x01\x02\x03", 3, val);
	wl = resp_extend_pcr(want, sizeof(want), val);
	ASSERT_EQ(n, wl);
	ASSERT_MEM_EQ(resp, want, wl);
	/* And the response shape itself, from FACTS: ExtendPCR{data} head. */
	ASSERT_EQ(hex_decode("a169457874656e64504352a164646174615830", want,
			     sizeof(want)), 19);
	ASSERT_MEM_EQ(resp, want, 19);
	read_pcr(_metadata, fd, PCR_EXTEND, &lock, now);
	ASSERT_FALSE(lock);
	ASSERT_MEM_EQ(now, val, NSM_PCR_LEN);
	close(fd);
}

TEST(extend_pcr_chain)
{
	static const size_t lens[] = { 1, 47, 48, 111, 112, 127, 128, 129, 1000,
				       4000 };
	uint8_t cur[NSM_PCR_LEN], got[NSM_PCR_LEN], data[4000];
	unsigned int i;
	size_t k;
	bool lock;
	int fd = open_dev(_metadata);

	read_pcr(_metadata, fd, PCR_EXTEND, &lock, cur);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (k = 0; k < lens[i]; k++)
			data[k] = (uint8_t)(k + i);
		sha384_extend(cur, data, lens[i], cur);
		ASSERT_EQ(nsm_extend_pcr(fd, PCR_EXTEND, data, lens[i], got), 0);
		ASSERT_MEM_EQ(got, cur, NSM_PCR_LEN);
	}
	read_pcr(_metadata, fd, PCR_EXTEND, &lock, got);
	ASSERT_MEM_EQ(got, cur, NSM_PCR_LEN);
	/* Other unlocked PCRs did not move. */
	read_pcr(_metadata, fd, PCR_EXTEND + 3, &lock, got);
	ASSERT_TRUE(all_zero(got, NSM_PCR_LEN));
	close(fd);
}

TEST(extend_pcr_request_forms)
{
	uint8_t req[128], resp[256], cur[NSM_PCR_LEN], got[NSM_PCR_LEN];
	struct cbw w;
	size_t n;
	bool lock;
	int fd = open_dev(_metadata);

	read_pcr(_metadata, fd, PCR_EXTEND, &lock, cur);
	/* Fields in the other order, an unknown field, text data (QEMU). */
	cbw_init(&w, req, sizeof(req));
	cbw_map(&w, 1);
	cbw_text(&w, "ExtendPCR");
	cbw_map(&w, 3);
	cbw_text(&w, "data");
	cbw_text(&w, "abc");
	cbw_text(&w, "comment");
	cbw_array(&w, 2);
	cbw_uint(&w, 1);
	cbw_bytes(&w, "xy", 2);
	cbw_text(&w, "index");
	cbw_uint(&w, PCR_EXTEND);
	ASSERT_FALSE(w.err);
	n = sizeof(resp);
	ASSERT_EQ(nsm_raw(fd, req, w.len, resp, &n), 0);
	ASSERT_EQ(parse_extend_pcr(resp, n, got), 0);
	sha384_extend(cur, "abc", 3, cur);
	ASSERT_MEM_EQ(got, cur, NSM_PCR_LEN);
	/* Indefinite-length maps decode like definite ones (serde_cbor). */
	ASSERT_EQ(hex_decode("bf69457874656e64504352bf65696e646578106464617461"
			     "4101ffff", req, sizeof(req)), 28);
	n = sizeof(resp);
	ASSERT_EQ(nsm_raw(fd, req, 28, resp, &n), 0);
	ASSERT_EQ(parse_extend_pcr(resp, n, got), 0);
	sha384_extend(cur, "\x01", 1, cur);
	ASSERT_MEM_EQ(got, cur, NSM_PCR_LEN);
	close(fd);
}

TEST(extend_pcr_locked)
{
	uint8_t req[64], before[NSM_PCR_LEN], after[NSM_PCR_LEN];
	unsigned int i;
	bool lock;
	int fd = open_dev(_metadata);

	for (i = 0; i < 16; i++) {
		read_pcr(_metadata, fd, i, &lock, before);
		expect_error(_metadata, fd, req, req_extend_pcr(req, sizeof(req), i, "x", 1),
			     NSM_E_READ_ONLY_INDEX);
		read_pcr(_metadata, fd, i, &lock, after);
		ASSERT_TRUE(lock);
		ASSERT_MEM_EQ(before, after, NSM_PCR_LEN);
	}
	/* The exact bytes. */
	expect_exchange_hex(_metadata, fd, "a169457874656e64504352a265696e64657800646461746143010203",
			    "a1654572726f726d526561644f6e6c79496e646578");
	close(fd);
}

TEST(invalid_index)
{
	static const unsigned int idx[] = { 32, 33, 300, 65535 };
	uint8_t req[64];
	unsigned int i;
	int fd = open_dev(_metadata);

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		expect_error(_metadata, fd, req, req_describe_pcr(req, sizeof(req), idx[i]),
			     NSM_E_INVALID_INDEX);
		expect_error(_metadata, fd, req, req_extend_pcr(req, sizeof(req), idx[i], "x", 1),
			     NSM_E_INVALID_INDEX);
		expect_error(_metadata, fd, req, req_lock_pcr(req, sizeof(req), idx[i]),
			     NSM_E_INVALID_INDEX);
	}
	/* FACTS: DescribePCR{index: 300}, 3-byte integer; exact error bytes. */
	expect_exchange_hex(_metadata, fd, "a16b4465736372696265504352a165696e64657819012c",
			    "a1654572726f726c496e76616c6964496e646578");
	close(fd);
}

TEST(get_random)
{
	uint8_t r[8][NSM_RANDOM_LEN], req[16], resp[512];
	size_t n, len, i, j;
	const uint8_t *p;
	int fd = open_dev(_metadata);

	for (i = 0; i < 8; i++) {
		ASSERT_EQ(nsm_get_random(fd, r[i], &len), 0);
		ASSERT_EQ(len, NSM_RANDOM_LEN);
		ASSERT_FALSE(all_zero(r[i], len));
		for (j = 0; j < i; j++)
			ASSERT_TRUE(memcmp(r[i], r[j], NSM_RANDOM_LEN) != 0);
	}
	/* Exact shape: {"GetRandom": {"random": bstr(256)}}, 2-byte length. */
	ASSERT_EQ(hex_decode("6947657452616e646f6d", req, sizeof(req)), 10);
	n = sizeof(resp);
	ASSERT_EQ(nsm_raw(fd, req, 10, resp, &n), 0);
	ASSERT_EQ(n, 19 + 3 + NSM_RANDOM_LEN);
	ASSERT_EQ(hex_decode("a16947657452616e646f6da16672616e646f6d590100", r[0],
			     sizeof(r[0])), 22);
	ASSERT_MEM_EQ(resp, r[0], 22);
	ASSERT_EQ(parse_get_random(resp, n, &p, &len), 0);
	close(fd);
}

/* Requests the device must answer {"Error": "InvalidOperation"}. */
static const char *const invalid_requests[] = {
	"ff",						/* break, no item */
	"00",						/* an integer */
	"f6",						/* null */
	"80",						/* empty array */
	"a0",						/* empty map */
	"63466f6f",					/* "Foo" */
	"6b64657363726962654e534d",			/* "describeNSM" */
	"6c44657363726962654e534d78",			/* "DescribeNSMx" */
	"6b44657363726962654e53",			/* text head says 11, 10 bytes */
	"6b44657363726962654e534d00",			/* trailing byte */
	"6b44657363726962654e534d6b44657363726962654e534d", /* two requests */
	"4b44657363726962654e534d",			/* bytes, not text */
	"6b4465736372696265504352",			/* "DescribePCR", no fields */
	"69457874656e64504352",				/* "ExtendPCR" as unit */
	"a16b4465736372696265504352a0",			/* no index */
	"a16b4465736372696265504352a165696e64657820",	/* index -1 */
	"a16b4465736372696265504352a165696e6465786130",	/* index "0" */
	"a16b4465736372696265504352a165696e646578f90000",	/* index 0.0 */
	"a16b4465736372696265504352a165696e6465781a00010000",	/* index 65536 */
	"a16b4465736372696265504352a165696e646578f6",	/* index null */
	"a16b446573637269626550435200",			/* fields not a map */
	"a16b4465736372696265504352f6",			/* fields null */
	"a16b4465736372696265504352a265696e6465780065696e64657801", /* index twice */
	"a16b4465736372696265504352a165696e646578",	/* truncated */
	"a26b4465736372696265504352a165696e646578006474657374a0", /* two variants */
	"a163466f6fa165696e64657800",			/* {"Foo": {...}} */
	"a169457874656e64504352a165696e64657810",	/* ExtendPCR, no data */
	"a169457874656e64504352a16464617461430102",	/* ExtendPCR, no index */
	"a169457874656e64504352a265696e646578106464617461",	/* no data value */
	"a169457874656e64504352a265696e6465781064646174610a",	/* data 10 */
	"a169457874656e64504352a265696e646578106464617461f6",	/* data null */
	"a169457874656e64504352a265696e6465781064646174615aff000000ff", /* huge bstr */
	"a1684c6f636b50435273a165696e64657810",		/* LockPCRs{index} */
	"a1674c6f636b504352a16572616e67651820",		/* LockPCR{range} */
	"a16b4174746573746174696f6ea369757365725f6461746105656e6f6e6365f6"
	"6a7075626c69635f6b6579f6",			/* user_data: 5 */
	"a16b4174746573746174696f6ea369757365725f6461746180656e6f6e6365f6"
	"6a7075626c69635f6b6579f6",			/* user_data: [] */
	"c06b44657363726962654e534d",			/* tagged (QEMU: refused) */
	"7f6b44657363726962654e534dff",			/* indefinite text */
	"bf6b4465736372696265504352a165696e64657800",	/* unterminated map */
};

TEST(invalid_operation)
{
	uint8_t req[128];
	unsigned int i;
	long n;
	int fd = open_dev(_metadata);

	for (i = 0; i < sizeof(invalid_requests) / sizeof(invalid_requests[0]); i++) {
		n = hex_decode(invalid_requests[i], req, sizeof(req));
		ASSERT_GT(n, 0);
		expect_error(_metadata, fd, req, (size_t)n, NSM_E_INVALID_OPERATION);
	}
	/* The exact bytes, once. */
	expect_exchange_hex(_metadata, fd, "63466f6f",
			    "a1654572726f7270496e76616c69644f7065726174696f6e");
	close(fd);
}

TEST(invalid_operation_deep_nesting)
{
	uint8_t req[NSM_REQUEST_MAX_SIZE];
	size_t n;
	int fd = open_dev(_metadata);

	/* [[[[...]]]] 4095 deep: a recursive decoder would blow its stack. */
	memset(req, 0x81, sizeof(req));
	req[sizeof(req) - 1] = 0x00;
	expect_error(_metadata, fd, req, sizeof(req), NSM_E_INVALID_OPERATION);
	/* The same nesting as the value of an unknown field. */
	n = req_describe_pcr(req, sizeof(req), 0);
	ASSERT_GT(n, 0);
	ASSERT_EQ(n, 21);
	req[13] = 0xa2;				/* the fields map: 2 pairs */
	req[n++] = 0x61;
	req[n++] = 'x';
	memset(req + n, 0x81, sizeof(req) - n - 1);
	req[sizeof(req) - 1] = 0x00;
	n = sizeof(req);
	{
		uint8_t resp[256], v[NSM_PCR_LEN];
		size_t rl = sizeof(resp);
		bool lock;
		int e;

		ASSERT_EQ(nsm_raw(fd, req, n, resp, &rl), 0);
		/* Skipped as an unknown field, or refused as too deep. */
		e = resp_is_error(resp, rl);
		if (e < 0) {
			ASSERT_EQ(parse_describe_pcr(resp, rl, &lock, v), 0);
		} else {
			ASSERT_EQ(e, NSM_E_INVALID_OPERATION);
		}
	}
	/* Huge declared counts with no data behind them. */
	expect_error(_metadata, fd, "\x9b\xff\xff\xff\xff\xff\xff\xff\xff", 9,
		     NSM_E_INVALID_OPERATION);
	expect_error(_metadata, fd, "\xbb\xff\xff\xff\xff\xff\xff\xff\xff", 9,
		     NSM_E_INVALID_OPERATION);
	expect_error(_metadata, fd, "\xa1\x6b" "DescribePCR" "\xbb\x00\x00\x00\x00\xff\xff\xff\xff",
		     22, NSM_E_INVALID_OPERATION);
	close(fd);
}

/* Send @req, require {"Attestation": {"document": COSE_Sign1}}. */
static size_t expect_document(struct __test_metadata *_metadata, int fd,
			      const void *req, size_t n)
{
	uint8_t *resp = malloc(NSM_RESPONSE_MAX_SIZE);
	size_t rl = NSM_RESPONSE_MAX_SIZE, dl;
	const uint8_t *doc;
	int e;

	ASSERT_TRUE(resp != NULL);
	ASSERT_EQ(nsm_raw(fd, req, n, resp, &rl), 0);
	e = resp_is_error(resp, rl);
	if (e >= 0)
		TH_LOG("Attestation answered Error %s", nsm_err_names[e]);
	ASSERT_LT(e, 0);
	ASSERT_EQ(parse_attestation(resp, rl, &doc, &dl), 0);
	/* COSE_Sign1: an array of 4, untagged (real hardware) or tag 18. */
	ASSERT_TRUE(dl > 100 && (doc[0] == 0x84 || (doc[0] == 0xd2 && doc[1] == 0x84)));
	free(resp);
	return dl;
}

TEST(attestation_requests)
{
	uint8_t req[4096], big[1024];
	struct cbw w;
	long n;
	int fd = open_dev(_metadata);

	/* The nsm-test case: three 1024-byte fields at once (~3.1 KB). */
	memset(big, 0xa5, sizeof(big));
	n = (long)req_attestation(req, sizeof(req), big, 1024, big, 1024, big, 1024);
	ASSERT_GT(n, 3072);
	ASSERT_LE(n, NSM_REQUEST_MAX_SIZE);
	ASSERT_GT(expect_document(_metadata, fd, req, (size_t)n), 3 * 1024);
	/* NSM-FACTS.md's requests: all null, and user_data 01, nonce 02. */
	n = hex_decode("a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f6"
		       "6a7075626c69635f6b6579f6", req, sizeof(req));
	ASSERT_GT(n, 0);
	expect_document(_metadata, fd, req, (size_t)n);
	n = hex_decode("a16b4174746573746174696f6ea369757365725f646174614101656e6f6e6365"
		       "41026a7075626c69635f6b6579f6", req, sizeof(req));
	ASSERT_GT(n, 0);
	expect_document(_metadata, fd, req, (size_t)n);
	/* Text fields (QEMU accepts them), fields left out, another order. */
	cbw_init(&w, req, sizeof(req));
	cbw_map(&w, 1);
	cbw_text(&w, "Attestation");
	cbw_map(&w, 2);
	cbw_text(&w, "nonce");
	cbw_text(&w, "a text nonce");
	cbw_text(&w, "user_data");
	cbw_bytes(&w, "", 0);
	ASSERT_FALSE(w.err);
	expect_document(_metadata, fd, req, w.len);
	close(fd);
}

TEST(lock_pcr)
{
	uint8_t v[NSM_PCR_LEN], w[NSM_PCR_LEN], req[64];
	bool lock;
	int fd = open_dev(_metadata);

	ASSERT_EQ(nsm_extend_pcr(fd, PCR_LOCK, "lock me", 7, v), 0);
	/* The FACTS bytes of LockPCR{index: 16}, adapted to PCR 20. */
	expect_exchange_hex(_metadata, fd, "a1674c6f636b504352a165696e64657814", "674c6f636b504352");
	read_pcr(_metadata, fd, PCR_LOCK, &lock, w);
	ASSERT_TRUE(lock);
	ASSERT_MEM_EQ(v, w, NSM_PCR_LEN);
	expect_error(_metadata, fd, req, req_extend_pcr(req, sizeof(req), PCR_LOCK, "x", 1),
		     NSM_E_READ_ONLY_INDEX);
	expect_error(_metadata, fd, req, req_lock_pcr(req, sizeof(req), PCR_LOCK),
		     NSM_E_READ_ONLY_INDEX);
	read_pcr(_metadata, fd, PCR_LOCK, &lock, w);
	ASSERT_MEM_EQ(v, w, NSM_PCR_LEN);
	/* Neighbours stay unlocked. */
	read_pcr(_metadata, fd, PCR_LOCK - 1, &lock, w);
	ASSERT_FALSE(lock);
	read_pcr(_metadata, fd, PCR_LOCK + 1, &lock, w);
	ASSERT_FALSE(lock);
	/* Boot-locked PCRs cannot be locked again. */
	expect_error(_metadata, fd, req, req_lock_pcr(req, sizeof(req), 0),
		     NSM_E_READ_ONLY_INDEX);
	expect_error(_metadata, fd, req, req_lock_pcr(req, sizeof(req), 15),
		     NSM_E_READ_ONLY_INDEX);
	close(fd);
}

TEST(lock_pcrs_no_change)
{
	uint8_t v[NSM_PCR_LEN], req[64];
	unsigned int i;
	bool lock;
	int fd = open_dev(_metadata);

	/* LockPCRs(0) locks nothing (FACTS request bytes). */
	expect_exchange_hex(_metadata, fd, "a1684c6f636b50435273a16572616e676500",
			    "684c6f636b50435273");
	/* Already locked PCRs are no error. */
	ASSERT_EQ(nsm_lock_pcrs(fd, 1), 0);
	ASSERT_EQ(nsm_lock_pcrs(fd, 16), 0);
	for (i = 16; i < NSM_PCRS; i++) {
		read_pcr(_metadata, fd, i, &lock, v);
		ASSERT_EQ(lock, i == PCR_LOCK);
	}
	expect_error(_metadata, fd, req, req_lock_pcrs(req, sizeof(req), 33),
		     NSM_E_INVALID_INDEX);
	expect_error(_metadata, fd, req, req_lock_pcrs(req, sizeof(req), 65535),
		     NSM_E_INVALID_INDEX);
	for (i = 16; i < NSM_PCRS; i++) {
		read_pcr(_metadata, fd, i, &lock, v);
		ASSERT_EQ(lock, i == PCR_LOCK);
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Concurrency                                                         */

#define THREADS		96
#define THREAD_OPS	24

struct extend_rec {
	uint8_t data[8];		/* thread, op */
	uint8_t value[NSM_PCR_LEN];	/* the device's answer */
};

struct thread_ctx {
	int fd;				/* shared, or -1: open one */
	unsigned int id;
	bool attest;
	struct extend_rec rec[THREAD_OPS];
	unsigned int nrec;
	uint8_t first_random[16];
	int failed;
	char why[128];
};

static pthread_barrier_t start_barrier;
static atomic_uint answered;

static void *worker(void *arg)
{
	struct thread_ctx *t = arg;
	uint8_t v[NSM_PCR_LEN], rnd[NSM_RANDOM_LEN];
	uint8_t req[512], *resp;
	unsigned int op, kind;
	size_t len, n;
	const uint8_t *doc;
	int fd = t->fd, rc;
	bool lock;

	resp = malloc(NSM_RESPONSE_MAX_SIZE);
	if (!resp)
		return NULL;
	if (fd < 0)
		fd = nsm_open();
	if (fd < 0) {
		t->failed = 1;
		snprintf(t->why, sizeof(t->why), "open: %s", strerror(errno));
		free(resp);
		return NULL;
	}
	pthread_barrier_wait(&start_barrier);
	for (op = 0; op < THREAD_OPS && !t->failed; op++) {
		kind = (t->id + op) % (t->attest ? 4 : 3);
		switch (kind) {
		case 0:
			rc = nsm_describe_pcr(fd, (t->id + op) % NSM_PCRS, &lock, v);
			if (rc)
				snprintf(t->why, sizeof(t->why), "DescribePCR: %d", rc);
			break;
		case 1: {
			struct extend_rec *r = &t->rec[t->nrec];

			memcpy(r->data, &t->id, 4);
			memcpy(r->data + 4, &op, 4);
			rc = nsm_extend_pcr(fd, PCR_THREADS, r->data, 8, r->value);
			if (rc)
				snprintf(t->why, sizeof(t->why), "ExtendPCR: %d", rc);
			else
				t->nrec++;
			break;
		}
		case 2:
			rc = nsm_get_random(fd, rnd, &len);
			if (rc || len != NSM_RANDOM_LEN) {
				snprintf(t->why, sizeof(t->why), "GetRandom: %d", rc);
				rc = rc ? rc : -1;
			} else if (op < 3) {
				memcpy(t->first_random, rnd, 16);
			}
			break;
		default:
			n = NSM_RESPONSE_MAX_SIZE;
			rc = nsm_raw(fd, req, req_attestation(req, sizeof(req),
					"u", 1, &op, 4, NULL, 0), resp, &n);
			if (!rc && parse_attestation(resp, n, &doc, &len))
				rc = -1;
			if (rc)
				snprintf(t->why, sizeof(t->why), "Attestation: %d", rc);
			break;
		}
		if (rc)
			t->failed = 1;
		else
			atomic_fetch_add(&answered, 1);
	}
	if (t->fd < 0)
		close(fd);
	free(resp);
	return NULL;
}

/* Does Attestation give documents? Then the threads ask for them too. */
static bool attestation_works(int fd)
{
	uint8_t req[64], *resp = malloc(NSM_RESPONSE_MAX_SIZE);
	const uint8_t *doc;
	size_t n = NSM_RESPONSE_MAX_SIZE, dl;
	bool ok;

	if (!resp)
		return false;
	ok = !nsm_raw(fd, req, req_attestation(req, sizeof(req), NULL, 0, NULL,
					       0, NULL, 0), resp, &n) &&
	     !parse_attestation(resp, n, &doc, &dl);
	free(resp);
	return ok;
}

TEST(concurrent_96_threads)
{
	static struct thread_ctx ctx[THREADS];
	unsigned int i, total = 0, steps = 0, *head;
	uint8_t cur[NSM_PCR_LEN], next[NSM_PCR_LEN], final[NSM_PCR_LEN];
	pthread_t tid[THREADS];
	bool lock, attest, found;
	int fd = open_dev(_metadata);

	attest = attestation_works(fd);
	TH_LOG("%d threads x %d requests: DescribePCR, ExtendPCR, GetRandom%s",
	       THREADS, THREAD_OPS, attest ? ", Attestation" : "");
	read_pcr(_metadata, fd, PCR_THREADS, &lock, cur);
	ASSERT_FALSE(lock);
	ASSERT_EQ(pthread_barrier_init(&start_barrier, NULL, THREADS), 0);
	for (i = 0; i < THREADS; i++) {
		ctx[i].id = i;
		ctx[i].fd = i % 2 ? fd : -1;	/* half share one open file */
		ctx[i].attest = attest;
		ASSERT_EQ(pthread_create(&tid[i], NULL, worker, &ctx[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < THREADS; i++) {
		if (ctx[i].failed)
			TH_LOG("thread %u: %s", i, ctx[i].why);
		ASSERT_FALSE(ctx[i].failed);
		total += ctx[i].nrec;
	}
	ASSERT_EQ(atomic_load(&answered), THREADS * THREAD_OPS);

	/*
	 * Replay the extends in the order the device applied them: each
	 * thread's own extends are in program order, so the next one in the
	 * chain is the next pending extend of one of the threads, and only
	 * one of them hashes to the value the device answered.
	 */
	head = calloc(THREADS, sizeof(*head));
	ASSERT_TRUE(head != NULL);
	while (steps < total) {
		found = false;
		for (i = 0; i < THREADS && !found; i++) {
			struct extend_rec *r;

			if (head[i] >= ctx[i].nrec)
				continue;
			r = &ctx[i].rec[head[i]];
			sha384_extend(cur, r->data, sizeof(r->data), next);
			if (!memcmp(next, r->value, NSM_PCR_LEN)) {
				memcpy(cur, next, NSM_PCR_LEN);
				head[i]++;
				found = true;
			}
		}
		if (!found)
			TH_LOG("no extend continues the chain after %u of %u", steps, total);
		ASSERT_TRUE(found);
		steps++;
	}
	read_pcr(_metadata, fd, PCR_THREADS, &lock, final);
	ASSERT_MEM_EQ(final, cur, NSM_PCR_LEN);
	/* Random answers differ between threads. */
	for (i = 1; i < THREADS; i++)
		if (!all_zero(ctx[i].first_random, 16))
			ASSERT_TRUE(memcmp(ctx[i].first_random,
					   ctx[i - 1].first_random, 16) != 0);
	free(head);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Last: lock the remaining PCRs.                                      */

TEST(lock_pcrs_range)
{
	struct nsm_description d;
	uint8_t v[NSM_PCR_LEN], req[64];
	unsigned int i;
	bool lock;
	int fd = open_dev(_metadata);

	ASSERT_EQ(nsm_lock_pcrs(fd, 24), 0);
	for (i = 0; i < NSM_PCRS; i++) {
		read_pcr(_metadata, fd, i, &lock, v);
		ASSERT_EQ(lock, i < 24);
	}
	expect_error(_metadata, fd, req, req_extend_pcr(req, sizeof(req), 23, "x", 1),
		     NSM_E_READ_ONLY_INDEX);
	ASSERT_EQ(nsm_extend_pcr(fd, 24, "x", 1, v), 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(d.nlocked, 24);
	for (i = 0; i < 24; i++)
		ASSERT_EQ(d.locked[i], i);
	close(fd);
}

TEST(lock_pcrs_all)
{
	struct nsm_description d;
	uint8_t v[NSM_PCR_LEN], req[64];
	unsigned int i;
	bool lock;
	int fd = open_dev(_metadata);

	/* The FACTS request LockPCRs{range: 32}, twice: no error either time. */
	expect_exchange_hex(_metadata, fd, "a1684c6f636b50435273a16572616e67651820",
			    "684c6f636b50435273");
	expect_exchange_hex(_metadata, fd, "a1684c6f636b50435273a16572616e67651820",
			    "684c6f636b50435273");
	for (i = 0; i < NSM_PCRS; i++) {
		read_pcr(_metadata, fd, i, &lock, v);
		ASSERT_TRUE(lock);
		expect_error(_metadata, fd, req, req_extend_pcr(req, sizeof(req), i, "x", 1),
			     NSM_E_READ_ONLY_INDEX);
		expect_error(_metadata, fd, req, req_lock_pcr(req, sizeof(req), i),
			     NSM_E_READ_ONLY_INDEX);
	}
	ASSERT_EQ(nsm_describe_nsm(fd, &d), 0);
	ASSERT_EQ(d.nlocked, 32);
	for (i = 0; i < 32; i++)
		ASSERT_EQ(d.locked[i], i);
	expect_error(_metadata, fd, req, req_lock_pcrs(req, sizeof(req), 33),
		     NSM_E_INVALID_INDEX);
	close(fd);
}

/* NSM_RESET=1: boot the emulator afresh through its control interface. */
static const char *precheck(void)
{
	const char *why = nsm_precheck(), *env = getenv("NSM_RESET");
	const char *path;
	int rc;

	if (why || !env || strcmp(env, "1"))
		return why;
	path = nsm_inst_path(NULL, "reset");
	rc = nsm_puts_file(path, "1");
	if (rc)
		ksft_print_msg("NSM_RESET: cannot write %s: %s\n", path,
			       strerror(-rc));
	return NULL;
}

int main(int argc, char **argv)
{
	return nsm_harness_main(argc, argv, precheck);
}
