// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The AWS-compatible client (client/client.c, unchanged) against the
 * tests' fake device (tests/fake_nsm), served by the emulator's portable
 * core: exact request bytes, answers, the in/out length rules, error
 * mapping, and documents that verify with libnsm under the emulator's root
 * (and not under AWS's).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "nsm.h"
#include "nsm_verify.h"
#include "../../tests/fake_nsm/fake_nsm.h"
#include "../../tests/tap.h"

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

static int last_req_is(const char *want)
{
	char h[2 * sizeof(fake_last_req) + 1];

	hex(h, fake_last_req, fake_last_req_len);
	if (strcmp(h, want))
		printf("#   sent %s\n#   want %s\n", h, want);
	return !strcmp(h, want);
}

static void canned(const char *hexs)
{
	size_t i, n = strlen(hexs) / 2;

	for (i = 0; i < n; i++)
		sscanf(hexs + 2 * i, "%2hhx", &fake_canned[i]);
	fake_canned_len = n;
	fake_mode = FAKE_CANNED;
}

/* The request bytes of NSM-FACTS.md section 2 (serde_cbor's encoding). */
static void test_request_bytes(int fd)
{
	uint8_t buf[64], doc[64];
	uint32_t len;
	uintptr_t rlen;
	bool lock;
	NsmDescription d;

	canned("a1654572726f726f496e76616c6964417267756d656e74");	/* Error */
	nsm_get_description(fd, &d);
	tap_ok(last_req_is("6b44657363726962654e534d"), "DescribeNSM request bytes");
	len = sizeof(buf);
	nsm_describe_pcr(fd, 0, &lock, buf, &len);
	tap_ok(last_req_is("a16b4465736372696265504352a165696e64657800"),
	       "DescribePCR{0} request bytes");
	len = sizeof(buf);
	nsm_describe_pcr(fd, 300, &lock, buf, &len);
	tap_ok(last_req_is("a16b4465736372696265504352a165696e64657819012c"),
	       "DescribePCR{300} request bytes (shortest integer)");
	len = sizeof(buf);
	nsm_extend_pcr(fd, 16, (const uint8_t *)"\x01\x02\x03", 3, buf, &len);
	tap_ok(last_req_is("a169457874656e64504352a265696e64657810646461746143010203"),
	       "ExtendPCR{16, 010203} request bytes");
	nsm_lock_pcr(fd, 16);
	tap_ok(last_req_is("a1674c6f636b504352a165696e64657810"), "LockPCR{16} request bytes");
	nsm_lock_pcrs(fd, 32);
	tap_ok(last_req_is("a1684c6f636b50435273a16572616e67651820"), "LockPCRs{32} request bytes");
	nsm_lock_pcrs(fd, 0);
	tap_ok(last_req_is("a1684c6f636b50435273a16572616e676500"), "LockPCRs{0} request bytes");
	len = sizeof(doc);
	nsm_get_attestation_doc(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len);
	tap_ok(last_req_is("a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f66a7075626c69635f6b6579f6"),
	       "Attestation{null, null, null} request bytes");
	len = sizeof(doc);
	nsm_get_attestation_doc(fd, (const uint8_t *)"\x01", 1, (const uint8_t *)"\x02", 1,
				NULL, 0, doc, &len);
	tap_ok(last_req_is("a16b4174746573746174696f6ea369757365725f646174614101656e6f6e636541026a7075626c69635f6b6579f6"),
	       "Attestation{01, 02, null} request bytes");
	len = sizeof(doc);
	nsm_get_attestation_doc(fd, buf, 0, NULL, 0, NULL, 0, doc, &len);
	tap_ok(fake_last_req_len > 20 &&
	       !memcmp(fake_last_req + 14, "\x69user_data\x40", 11),
	       "non-NULL pointer with length 0 sends an empty byte string");
	rlen = sizeof(buf);
	nsm_get_random(fd, buf, &rlen);
	tap_ok(last_req_is("6947657452616e646f6d"), "GetRandom request bytes");
	fake_mode = FAKE_CORE;
}

static void test_answers(int fd)
{
	uint8_t v[64], before[48], after[48], small[10], rnd[3][300];
	uint32_t len;
	uintptr_t rl[3];
	bool lock = false;
	NsmDescription d;
	enum ErrorCode rc;
	unsigned int md_len;
	EVP_MD_CTX *m;
	uint32_t i;
	bool seq = true;

	rc = nsm_get_description(fd, &d);
	for (i = 0; i < d.locked_pcrs_len; i++)
		seq &= d.locked_pcrs[i] == i;
	tap_ok(rc == ERROR_CODE_SUCCESS && d.max_pcrs == 32 && d.digest == DIGEST_SHA384 &&
	       d.locked_pcrs_len == 16 && seq && d.module_id_len > 0 &&
	       d.module_id[d.module_id_len] == 0 && d.version_major == 1,
	       "DescribeNSM: v%u.%u.%u, 32 PCRs, 0..15 locked, SHA384, %s",
	       d.version_major, d.version_minor, d.version_patch, (char *)d.module_id);

	len = sizeof(v);
	rc = nsm_describe_pcr(fd, 0, &lock, v, &len);
	tap_ok(rc == ERROR_CODE_SUCCESS && lock && len == 48, "DescribePCR 0: locked, 48 bytes");

	len = sizeof(before);
	nsm_describe_pcr(fd, 17, &lock, before, &len);
	len = sizeof(after);
	rc = nsm_extend_pcr(fd, 17, (const uint8_t *)"abc", 3, after, &len);
	m = EVP_MD_CTX_new();
	EVP_DigestInit_ex(m, EVP_sha384(), NULL);
	EVP_DigestUpdate(m, before, 48);
	EVP_DigestUpdate(m, "abc", 3);
	EVP_DigestFinal_ex(m, v, &md_len);
	EVP_MD_CTX_free(m);
	tap_ok(rc == ERROR_CODE_SUCCESS && len == 48 && !memcmp(v, after, 48),
	       "ExtendPCR 17 returns SHA384(old || data)");
	len = sizeof(v);
	nsm_describe_pcr(fd, 17, &lock, v, &len);
	tap_ok(!lock && !memcmp(v, after, 48), "DescribePCR 17 shows the new value, unlocked");

	len = 0;
	rc = nsm_extend_pcr(fd, 17, (const uint8_t *)"x", 1, NULL, &len);
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && len == 0, "NULL output: BufferTooSmall, len 0");
	len = sizeof(small);
	rc = nsm_describe_pcr(fd, 17, &lock, small, &len);
	nsm_describe_pcr(fd, 17, &lock, after, &(uint32_t){ 48 });
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && len == sizeof(small) &&
	       !memcmp(small, after, sizeof(small)),
	       "small output: BufferTooSmall, first 10 bytes copied");
	tap_ok(nsm_extend_pcr(fd, 17, NULL, 0, v, &len) == ERROR_CODE_INVALID_ARGUMENT,
	       "ExtendPCR with NULL data: InvalidArgument");

	tap_ok(nsm_lock_pcr(fd, 17) == ERROR_CODE_SUCCESS, "LockPCR 17");
	len = sizeof(v);
	tap_ok(nsm_extend_pcr(fd, 17, (const uint8_t *)"x", 1, v, &len) ==
	       ERROR_CODE_READ_ONLY_INDEX, "ExtendPCR on a locked PCR: ReadOnlyIndex");
	len = sizeof(v);
	tap_ok(nsm_describe_pcr(fd, 32, &lock, v, &len) == ERROR_CODE_INVALID_INDEX,
	       "DescribePCR 32: InvalidIndex");
	tap_ok(nsm_lock_pcrs(fd, 32) == ERROR_CODE_SUCCESS, "LockPCRs(32) with locked PCRs succeeds");
	tap_ok(nsm_lock_pcrs(fd, 33) == ERROR_CODE_INVALID_INDEX, "LockPCRs(33): InvalidIndex");

	for (i = 0; i < 3; i++) {
		rl[i] = sizeof(rnd[i]);
		rc = nsm_get_random(fd, rnd[i], &rl[i]);
		if (rc)
			break;
	}
	tap_ok(i == 3 && rl[0] > 0 && rl[0] <= sizeof(rnd[0]) &&
	       memcmp(rnd[0], rnd[1], rl[0]) && memcmp(rnd[1], rnd[2], rl[0]),
	       "GetRandom: non-empty, different each time (%zu bytes)", (size_t)rl[0]);
	rl[0] = 7;
	tap_ok(nsm_get_random(fd, rnd[0], &rl[0]) == ERROR_CODE_SUCCESS && rl[0] == 7,
	       "GetRandom into 7 bytes: 7 bytes");
	rl[0] = 0;
	tap_ok(nsm_get_random(fd, rnd[0], &rl[0]) == ERROR_CODE_INVALID_ARGUMENT &&
	       nsm_get_random(fd, NULL, &rl[1]) == ERROR_CODE_INVALID_ARGUMENT &&
	       nsm_get_random(-1, rnd[0], &rl[2]) == ERROR_CODE_INVALID_ARGUMENT,
	       "GetRandom: len 0, NULL buffer, fd -1 are InvalidArgument");
}

static void test_attestation(int fd)
{
	static uint8_t doc[0x3000], big[4097];
	uint8_t fill[1024];
	uint32_t len = sizeof(doc);
	size_t calls, rlen, i;
	const uint8_t *root;
	struct nsm_verifier *emu_v, *aws_v;
	struct nsm_verify_opts o;
	struct nsm_result *r = NULL;
	enum ErrorCode rc;
	const struct nsm_check *c;

	for (i = 0; i < sizeof(fill); i++)
		fill[i] = (uint8_t)i;
	rc = nsm_get_attestation_doc(fd, fill, 1024, fill, 1024, fill, 1024, doc, &len);
	tap_ok(rc == ERROR_CODE_SUCCESS && len > 7000,
	       "Attestation with three 1024-byte fields: %u-byte document", len);

	root = fake_root_der(&rlen);
	nsm_verifier_new(&emu_v, NSM_VERIFIER_NO_AWS_ROOT);
	nsm_verifier_new(&aws_v, 0);
	tap_ok(root && nsm_verifier_add_root_der(emu_v, NULL, root, rlen, NULL) == 0,
	       "emulator root added to a verifier");
	nsm_verify_opts_init(&o);
	o.check_nonce = true;
	o.nonce = fill;
	o.nonce_len = 1024;
	o.reject_debug = true;
	o.max_age_ms = 60000;
	nsm_verify_bytes(&r, NULL, emu_v, doc, len, &o);
	c = nsm_result_first_failure(r);
	tap_ok(r && nsm_result_ok(r), "the emulator's document verifies with the emulator's root now%s%s",
	       c ? ": " : "", c ? c->message : "");
	nsm_result_free(&r);
	nsm_verify_bytes(&r, NULL, aws_v, doc, len, &o);
	c = nsm_result_first_failure(r);
	tap_ok(c && c->code == NSM_CHECK_CHAIN_TRUSTED_ROOT,
	       "the emulator's document fails with AWS's root: chain.trusted_root");
	nsm_result_free(&r);
	nsm_verifier_free(&emu_v);
	nsm_verifier_free(&aws_v);

	len = 100;
	rc = nsm_get_attestation_doc(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len);
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && len == 100,
	       "document into 100 bytes: BufferTooSmall");

	calls = fake_calls;
	len = sizeof(doc);
	rc = nsm_get_attestation_doc(fd, big, sizeof(big), NULL, 0, NULL, 0, doc, &len);
	tap_ok(rc == ERROR_CODE_INPUT_TOO_LARGE && fake_calls == calls,
	       "4097-byte user_data: InputTooLarge without calling the device");
	rc = nsm_get_attestation_doc(fd, big, 4070, NULL, 0, NULL, 0, doc, &len);
	tap_ok(rc == ERROR_CODE_INPUT_TOO_LARGE && fake_calls == calls,
	       "request of just over 0x1000 bytes once encoded: InputTooLarge, no call");
	len = sizeof(doc);
	rc = nsm_get_attestation_doc(fd, NULL, 99999, NULL, 99999, NULL, 99999, doc, &len);
	tap_ok(rc == ERROR_CODE_SUCCESS && fake_calls == calls + 1,
	       "NULL inputs with large lengths are nulls, not too large");
	calls = fake_calls;
	len = sizeof(doc);
	rc = nsm_get_attestation_doc(fd, big, 4040, NULL, 0, NULL, 0, doc, &len);
	tap_ok(rc == ERROR_CODE_SUCCESS && fake_calls == calls + 1,
	       "request just under 0x1000 bytes goes through");
}

static void test_faults(int fd)
{
	uint8_t v[64];
	uint32_t len = sizeof(v);
	bool lock;
	NsmDescription d;
	uintptr_t rl = 8;

	fake_mode = FAKE_ERRNO;
	fake_errno = EMSGSIZE;
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_INPUT_TOO_LARGE, "ioctl EMSGSIZE: InputTooLarge");
	fake_errno = EIO;
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_INTERNAL_ERROR, "ioctl EIO: InternalError");
	fake_errno = ENOTTY;
	tap_ok(nsm_get_random(fd, v, &rl) == ERROR_CODE_INTERNAL_ERROR, "ioctl ENOTTY: InternalError");

	canned("a1654572726f726d526561644f6e6c79496e646578");
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_READ_ONLY_INDEX, "Error(ReadOnlyIndex) answer");
	canned("a1654572726f726d526561644f6e6c79496e64657800");
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_INTERNAL_ERROR,
	       "answer with a trailing byte: InternalError");
	canned("a1654572726f726d526561644f6e6c79496e6465");
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_INTERNAL_ERROR, "truncated answer: InternalError");
	canned("a1654572726f72674e6f537563684e");
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_INTERNAL_ERROR,
	       "unknown error name: InternalError");
	canned("674c6f636b504352");
	tap_ok(nsm_lock_pcr(fd, 20) == ERROR_CODE_SUCCESS, "\"LockPCR\" answer: Success");
	tap_ok(nsm_lock_pcrs(fd, 20) == ERROR_CODE_INVALID_RESPONSE,
	       "\"LockPCR\" answer to LockPCRs: InvalidResponse");
	canned("a16947657452616e646f6da16672616e646f6d4400000000");
	tap_ok(nsm_describe_pcr(fd, 1, &lock, v, &len) == ERROR_CODE_INVALID_RESPONSE,
	       "GetRandom answer to DescribePCR: InvalidResponse");
	canned("a16b4465736372696265504352a2646c6f636bf5646461746101");
	tap_ok(nsm_describe_pcr(fd, 1, &lock, v, &len) == ERROR_CODE_INTERNAL_ERROR,
	       "DescribePCR answer with a wrong field type: InternalError");
	/* DescribeNSM with fields in QEMU's order and a 110-byte module id */
	{
		char h[1024];
		int n = 0, i;

		n += sprintf(h + n, "a16b44657363726962654e534da7");
		n += sprintf(h + n, "6664696765737466534841333834");	/* digest */
		n += sprintf(h + n, "6b6c6f636b65645f7063727382000f");	/* [0, 15] */
		n += sprintf(h + n, "686d61785f706372731820");		/* max_pcrs */
		n += sprintf(h + n, "696d6f64756c655f6964786e");		/* 110 chars */
		for (i = 0; i < 110; i++)
			n += sprintf(h + n, "%02x", 'a' + i % 26);
		n += sprintf(h + n, "6d76657273696f6e5f6d616a6f7201");
		n += sprintf(h + n, "6d76657273696f6e5f6d696e6f7202");
		sprintf(h + n, "6d76657273696f6e5f706174636803");
		canned(h);
	}
	memset(&d, 0xcc, sizeof(d));
	tap_ok(nsm_get_description(fd, &d) == ERROR_CODE_SUCCESS && d.module_id_len == 99 &&
	       d.module_id[99] == 0 && d.module_id[98] == 'a' + 98 % 26 &&
	       d.locked_pcrs_len == 2 && d.locked_pcrs[1] == 15 && d.version_minor == 2,
	       "DescribeNSM in another field order, 110-byte module id truncated to 99 + NUL");
	fake_mode = FAKE_CORE;
}

struct worker {
	int fd;
	int fails;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t v[48], doc[0x3000];
	uint32_t len;
	int i;

	for (i = 0; i < 10; i++) {
		bool lock;

		/* every PCR is locked by now (LockPCRs(32) above) */
		len = sizeof(v);
		w->fails += nsm_extend_pcr(w->fd, 24, (const uint8_t *)&i, sizeof(i), v,
					   &len) != ERROR_CODE_READ_ONLY_INDEX;
		len = sizeof(v);
		w->fails += nsm_describe_pcr(w->fd, 24, &lock, v, &len) != 0 || !lock;
		len = sizeof(doc);
		w->fails += nsm_get_attestation_doc(w->fd, NULL, 0, (const uint8_t *)&i,
						    sizeof(i), NULL, 0, doc, &len) != 0;
	}
	return NULL;
}

static void test_threads(int fd)
{
	pthread_t t[8];
	struct worker w[8];
	int i, fails = 0;

	for (i = 0; i < 8; i++) {
		w[i].fd = fd;
		w[i].fails = 0;
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		fails += w[i].fails;
	}
	tap_ok(fails == 0, "8 threads x 10 extends, describes, attestations: all answered");
}

int main(void)
{
	int fd;

	tap_start();
	setenv("NSM_DEVICE", "/nonexistent/nsm", 1);
	tap_ok(nsm_lib_init() == -1 && errno == ENOENT,
	       "nsm_lib_init with a missing $NSM_DEVICE: -1, ENOENT");
	setenv("NSM_DEVICE", "/dev/null", 1);
	fd = nsm_lib_init();
	tap_ok(fd >= 0, "nsm_lib_init opens $NSM_DEVICE");
	test_request_bytes(fd);
	test_answers(fd);
	test_attestation(fd);
	test_faults(fd);
	test_threads(fd);
	nsm_lib_exit(fd);
	nsm_lib_exit(-1);
	return tap_end(40);
}
