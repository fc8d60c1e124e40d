// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AWS's API against a real device, in the spirit of nsm-check/nsm-test of
 * aws-nitro-enclaves-nsm-api: every function of nsm.h through libnsm.so
 * on /dev/nsm (or $NSM_DEVICE), asserting the semantics of a freshly
 * booted enclave (NSM-FACTS.md section 2): PCR0/1/2/4 non-zero, PCR3 zero,
 * PCRs 0-15 locked and 16-31 open, ReadOnlyIndex/InvalidIndex, the output
 * buffer rules, GetRandom, attestation with 1024-byte fields, 90 threads
 * extending and attesting at once, LockPCRs(32). TAP on stdout.
 *
 * It changes the device (extends and locks PCRs 16-31): run it on a device
 * just booted, e.g. after `echo 1 > /sys/class/misc/nsm/reset`. Run by
 * tests/vm (make -C tests/vm check-vm) inside the VM runner's guest.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/sha.h>

#include "nsm.h"
#include "../../tests/tap.h"

#define NTHREADS	90

static int is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* Describe PCR @i into @v (48 bytes); -1 if the call fails. */
static int pcr_get(int32_t fd, uint16_t i, bool *lock, uint8_t v[48])
{
	uint32_t len = 48;

	if (nsm_describe_pcr(fd, i, lock, v, &len) != ERROR_CODE_SUCCESS ||
	    len != 48)
		return -1;
	return 0;
}

struct worker {
	pthread_t tid;
	int32_t fd;		/* shared by even workers, own for odd ones */
	int idx;
	enum ErrorCode ext, att;
	uint32_t doc_len;
	uint8_t nonce_back;	/* a byte of the document: the nonce echoed */
	int nonce_found;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t data[4] = { 0xa5, (uint8_t)w->idx, 0, 1 }, out[48], nonce[8];
	uint8_t *doc = malloc(0x4000);
	uint32_t out_len = sizeof(out);
	int32_t fd = w->fd;

	if (!doc)
		return NULL;
	if (fd < 0)
		fd = nsm_lib_init();
	w->ext = nsm_extend_pcr(fd, (uint16_t)(16 + w->idx % 8), data,
				sizeof(data), out, &out_len);
	memset(nonce, 0, sizeof(nonce));
	memcpy(nonce, "thrd", 4);
	nonce[7] = (uint8_t)w->idx;
	w->doc_len = 0x4000;
	w->att = nsm_get_attestation_doc(fd, NULL, 0, nonce, sizeof(nonce),
					 NULL, 0, doc, &w->doc_len);
	/* the document names our nonce: its 8 bytes appear in it */
	for (uint32_t i = 0; w->att == ERROR_CODE_SUCCESS &&
	     i + sizeof(nonce) <= w->doc_len; i++)
		if (!memcmp(doc + i, nonce, sizeof(nonce))) {
			w->nonce_found = 1;
			break;
		}
	if (w->fd < 0)
		nsm_lib_exit(fd);
	free(doc);
	return NULL;
}

static void threads(int32_t fd)
{
	static struct worker w[NTHREADS];
	int started = 0, ext = 0, att = 0, echo = 0;

	for (int i = 0; i < NTHREADS; i++) {
		w[i].idx = i;
		w[i].fd = i % 2 ? -1 : fd;
		if (!pthread_create(&w[i].tid, NULL, work, &w[i]))
			started++;
		else
			w[i].tid = 0;
	}
	for (int i = 0; i < NTHREADS; i++)
		if (w[i].tid)
			pthread_join(w[i].tid, NULL);
	for (int i = 0; i < NTHREADS; i++) {
		ext += w[i].ext == ERROR_CODE_SUCCESS;
		att += w[i].att == ERROR_CODE_SUCCESS;
		echo += w[i].nonce_found;
	}
	tap_ok(started == NTHREADS, "%d threads started", started);
	tap_ok(ext == NTHREADS, "threads: %d/%d extends answered Success",
	       ext, NTHREADS);
	tap_ok(att == NTHREADS, "threads: %d/%d attestations answered Success",
	       att, NTHREADS);
	tap_ok(echo == NTHREADS, "threads: %d/%d documents carry their own nonce",
	       echo, NTHREADS);
}

int main(void)
{
	static uint8_t doc[0x4000], big[3][1024], huge[4096];
	uint8_t v[32][48], out[48], rnd1[256], rnd2[256], want[48], cat[48 + 5];
	uint32_t len, doc_len;
	uintptr_t rlen1 = sizeof(rnd1), rlen2 = sizeof(rnd2), rlen;
	bool lock[32], l;
	NsmDescription d;
	enum ErrorCode rc;
	int32_t fd;
	int ok, n;

	tap_start();
	fd = nsm_lib_init();
	if (!tap_ok(fd >= 0, "nsm_lib_init opens the device")) {
		tap_diag("NSM_DEVICE=%s", getenv("NSM_DEVICE") ?
			 getenv("NSM_DEVICE") : "(unset: /dev/nsm)");
		return tap_end(1);
	}

	/* DescribeNSM */
	memset(&d, 0xee, sizeof(d));
	rc = nsm_get_description(fd, &d);
	tap_ok(rc == ERROR_CODE_SUCCESS, "nsm_get_description: Success (%d)", rc);
	tap_ok(d.max_pcrs == 32 && d.digest == DIGEST_SHA384,
	       "description: max_pcrs 32, digest SHA384");
	tap_ok(d.module_id_len > 0 && d.module_id_len < 100 &&
	       d.module_id[d.module_id_len] == 0 &&
	       !strncmp((char *)d.module_id, "i-", 2),
	       "description: module_id \"%.99s\" (%u bytes), NUL-terminated",
	       d.module_id_len < 100 ? (char *)d.module_id : "?",
	       d.module_id_len);
	ok = d.locked_pcrs_len == 16;
	for (uint32_t i = 0; ok && i < 16; i++)
		ok = d.locked_pcrs[i] == i;
	tap_ok(ok, "description: locked_pcrs is exactly 0-15 (%u entries)",
	       d.locked_pcrs_len);

	/* DescribePCR of the whole bank */
	ok = 1;
	for (uint16_t i = 0; i < 32; i++)
		ok &= pcr_get(fd, i, &lock[i], v[i]) == 0;
	tap_ok(ok, "nsm_describe_pcr 0-31: Success, 48 bytes each");
	n = 0;
	for (int i = 0; i < 32; i++)
		n += lock[i] == (i < 16);
	tap_ok(n == 32, "PCRs 0-15 locked, 16-31 open (%d/32 as expected)", n);
	tap_ok(!is_zero(v[0], 48) && !is_zero(v[1], 48) && !is_zero(v[2], 48) &&
	       !is_zero(v[4], 48), "PCR0, 1, 2 and 4 are non-zero");
	tap_ok(is_zero(v[3], 48), "PCR3 is zero (no IAM role)");
	ok = 1;
	for (int i = 5; i < 32; i++)
		ok &= is_zero(v[i], 48);
	tap_ok(ok, "PCR5-31 are zero");

	/* ExtendPCR: SHA384(old || data) */
	len = sizeof(out);
	rc = nsm_extend_pcr(fd, 16, (const uint8_t *)"hello", 5, out, &len);
	memcpy(cat, v[16], 48);
	memcpy(cat + 48, "hello", 5);
	SHA384(cat, sizeof(cat), want);
	tap_ok(rc == ERROR_CODE_SUCCESS && len == 48 && !memcmp(out, want, 48),
	       "nsm_extend_pcr(16, \"hello\") = SHA384(PCR16 || \"hello\")");
	tap_ok(pcr_get(fd, 16, &l, v[16]) == 0 && !memcmp(v[16], want, 48) && !l,
	       "nsm_describe_pcr(16) shows the extended value, still open");
	len = sizeof(out);
	rc = nsm_extend_pcr(fd, 0, (const uint8_t *)"x", 1, out, &len);
	tap_ok(rc == ERROR_CODE_READ_ONLY_INDEX,
	       "extend of locked PCR0: ReadOnlyIndex (%d)", rc);
	tap_ok(pcr_get(fd, 0, &l, out) == 0 && !memcmp(out, v[0], 48),
	       "PCR0 unchanged by the refused extend");
	len = sizeof(out);
	rc = nsm_extend_pcr(fd, 32, (const uint8_t *)"x", 1, out, &len);
	tap_ok(rc == ERROR_CODE_INVALID_INDEX, "extend of PCR32: InvalidIndex (%d)", rc);
	len = sizeof(out);
	rc = nsm_describe_pcr(fd, 32, &l, out, &len);
	tap_ok(rc == ERROR_CODE_INVALID_INDEX, "describe of PCR32: InvalidIndex (%d)", rc);
	rc = nsm_lock_pcr(fd, 32);
	tap_ok(rc == ERROR_CODE_INVALID_INDEX, "lock of PCR32: InvalidIndex (%d)", rc);
	len = sizeof(out);
	rc = nsm_extend_pcr(fd, 16, NULL, 0, out, &len);
	tap_ok(rc == ERROR_CODE_INVALID_ARGUMENT, "extend with NULL data: InvalidArgument (%d)", rc);

	/* the output buffer rules */
	len = 10;
	memset(out, 0, sizeof(out));
	rc = nsm_describe_pcr(fd, 0, &l, out, &len);
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && len == 10 &&
	       !memcmp(out, v[0], 10) && is_zero(out + 10, 38),
	       "describe_pcr into 10 bytes: BufferTooSmall, the first 10 copied");
	len = 48;
	rc = nsm_describe_pcr(fd, 0, &l, NULL, &len);
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && len == 0,
	       "describe_pcr into NULL: BufferTooSmall, length 0");
	len = 20;
	rc = nsm_extend_pcr(fd, 17, (const uint8_t *)"y", 1, out, &len);
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && len == 20,
	       "extend_pcr into 20 bytes: BufferTooSmall");
	tap_ok(pcr_get(fd, 17, &l, v[17]) == 0 && !memcmp(out, v[17], 20),
	       "... but the extend happened: its first 20 bytes are PCR17's");
	doc_len = 100;
	rc = nsm_get_attestation_doc(fd, NULL, 0, NULL, 0, NULL, 0, doc, &doc_len);
	tap_ok(rc == ERROR_CODE_BUFFER_TOO_SMALL && doc_len == 100 && doc[0] == 0x84,
	       "attestation into 100 bytes: BufferTooSmall, the document's start copied");
	doc_len = sizeof(doc);
	rc = nsm_get_attestation_doc(fd, huge, sizeof(huge), NULL, 0, NULL, 0,
				     doc, &doc_len);
	tap_ok(rc == ERROR_CODE_INPUT_TOO_LARGE,
	       "attestation with 4096-byte user data: InputTooLarge (%d)", rc);

	/* GetRandom */
	rc = nsm_get_random(fd, rnd1, &rlen1);
	tap_ok(rc == ERROR_CODE_SUCCESS && rlen1 > 0 && rlen1 <= sizeof(rnd1),
	       "nsm_get_random: Success, %lu bytes", (unsigned long)rlen1);
	rc = nsm_get_random(fd, rnd2, &rlen2);
	tap_ok(rc == ERROR_CODE_SUCCESS && rlen2 > 0 &&
	       (rlen1 != rlen2 || memcmp(rnd1, rnd2, rlen1)) &&
	       !is_zero(rnd2, rlen2), "nsm_get_random again: different bytes");
	rlen = 0;
	tap_ok(nsm_get_random(fd, rnd1, &rlen) == ERROR_CODE_INVALID_ARGUMENT,
	       "nsm_get_random of 0 bytes: InvalidArgument");
	rlen = 16;
	tap_ok(nsm_get_random(fd, NULL, &rlen) == ERROR_CODE_INVALID_ARGUMENT,
	       "nsm_get_random into NULL: InvalidArgument");

	/* Attestation with every field at 1024 bytes */
	for (int i = 0; i < 3; i++)
		memset(big[i], 'u' + i, sizeof(big[i]));
	doc_len = sizeof(doc);
	rc = nsm_get_attestation_doc(fd, big[0], 1024, big[1], 1024, big[2], 1024,
				     doc, &doc_len);
	tap_ok(rc == ERROR_CODE_SUCCESS && doc_len > 3 * 1024 && doc[0] == 0x84,
	       "attestation with 1024-byte user_data, nonce and public_key: "
	       "Success (%d), %u bytes", rc, doc_len);
	ok = 0;
	for (uint32_t i = 0; rc == ERROR_CODE_SUCCESS && i + 1024 <= doc_len; i++)
		if (doc[i] == 'v' && !memcmp(doc + i, big[1], 1024)) {
			ok = 1;
			break;
		}
	tap_ok(ok, "the document carries the 1024-byte nonce");

	/* 90 threads at once, half of them on their own descriptor */
	threads(fd);

	/* LockPCR, LockPCRs */
	tap_ok(nsm_lock_pcr(fd, 16) == ERROR_CODE_SUCCESS, "nsm_lock_pcr(16)");
	tap_ok(pcr_get(fd, 16, &l, out) == 0 && l, "PCR16 is now locked");
	len = sizeof(out);
	rc = nsm_extend_pcr(fd, 16, (const uint8_t *)"x", 1, out, &len);
	tap_ok(rc == ERROR_CODE_READ_ONLY_INDEX, "extend of PCR16 once locked: "
	       "ReadOnlyIndex (%d)", rc);
	rc = nsm_lock_pcr(fd, 16);
	tap_ok(rc == ERROR_CODE_READ_ONLY_INDEX,
	       "nsm_lock_pcr(16) again: ReadOnlyIndex (%d)", rc);
	rc = nsm_lock_pcrs(fd, 33);
	tap_ok(rc == ERROR_CODE_INVALID_INDEX, "nsm_lock_pcrs(33): InvalidIndex (%d)", rc);
	rc = nsm_lock_pcrs(fd, 32);
	tap_ok(rc == ERROR_CODE_SUCCESS, "nsm_lock_pcrs(32): Success (%d)", rc);
	n = 0;
	for (uint16_t i = 0; i < 32; i++)
		n += pcr_get(fd, i, &l, out) == 0 && l;
	tap_ok(n == 32, "all 32 PCRs locked (%d)", n);
	rc = nsm_get_description(fd, &d);
	tap_ok(rc == ERROR_CODE_SUCCESS && d.locked_pcrs_len == 32 &&
	       d.locked_pcrs[31] == 31, "description: locked_pcrs 0-31 (%u)",
	       d.locked_pcrs_len);
	tap_ok(nsm_lock_pcrs(fd, 32) == ERROR_CODE_SUCCESS,
	       "nsm_lock_pcrs(32) with everything locked: Success");
	len = sizeof(out);
	rc = nsm_extend_pcr(fd, 31, (const uint8_t *)"x", 1, out, &len);
	tap_ok(rc == ERROR_CODE_READ_ONLY_INDEX, "extend of PCR31: ReadOnlyIndex (%d)", rc);
	doc_len = sizeof(doc);
	rc = nsm_get_attestation_doc(fd, NULL, 0, NULL, 0, NULL, 0, doc, &doc_len);
	tap_ok(rc == ERROR_CODE_SUCCESS, "attestation with every PCR locked");

	nsm_lib_exit(fd);
	return tap_end(40);
}
