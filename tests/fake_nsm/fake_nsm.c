// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' fake /dev/nsm (fake_nsm.h): the emulator's portable core,
 * answering in-process.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nsm.h>

#include <openssl/evp.h>

#include "../../kmod/core/attest.h"
#include "../../kmod/core/nsm_core.h"
#include "../../kmod/core/pki.h"
#include "fake_nsm.h"

/*
 * The platform is tests/plat_user.c's, its randomness renamed so that the
 * one below can stand in front of it (platform.h was read above, so only
 * the definition is renamed).
 */
int nsm_plat_random_os(void *buf, size_t len);
#define nsm_plat_random nsm_plat_random_os
#include "../plat_user.c"
#undef nsm_plat_random

/* Called with the lock held: by the core, from setup and requests only. */
int nsm_plat_random(void *buf, size_t len)
{
	static unsigned long long counter;
	const char *seed = getenv("NSM_FAKE_SEED");
	u8 block[48], *p = buf;

	if (!seed || !*seed)
		return nsm_plat_random_os(buf, len);
	while (len) {
		size_t n = len < sizeof(block) ? len : sizeof(block);
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		unsigned int out = 0;
		int ok;

		counter++;
		ok = md && EVP_DigestInit_ex(md, EVP_sha384(), NULL) &&
		     EVP_DigestUpdate(md, seed, strlen(seed)) &&
		     EVP_DigestUpdate(md, &counter, sizeof(counter)) &&
		     EVP_DigestFinal_ex(md, block, &out);
		EVP_MD_CTX_free(md);
		if (!ok)
			return -1;
		memcpy(p, block, n);
		p += n;
		len -= n;
	}
	return 0;
}

enum fake_mode fake_mode;
int fake_errno;
uint8_t fake_canned[512];
size_t fake_canned_len;
size_t fake_calls;
/* any request the device takes: the header's size must agree */
uint8_t fake_last_req[NSM_REQUEST_MAX_SIZE];
size_t fake_last_req_len;

static struct nsm_emu emu;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int state;		/* 0 not yet, 1 ready, -1 failed */

static void write_root_pem(void)
{
	const char *path = getenv("NSM_FAKE_ROOT_PEM");
	static char pem[NSM_PKI_PEM_MAX];
	FILE *f;
	int len, ok;

	if (!path || !*path)
		return;
	len = nsm_pki_root_pem(emu.pki, pem, sizeof(pem));
	f = len > 0 ? fopen(path, "w") : NULL;
	if (!f) {
		fprintf(stderr, "fake_nsm: cannot write %s\n", path);
		return;
	}
	ok = fwrite(pem, 1, (size_t)len, f) == (size_t)len;
	if (fclose(f) || !ok)
		fprintf(stderr, "fake_nsm: cannot write %s\n", path);
}

static int setup_locked(void)
{
	if (state)
		return state > 0 ? 0 : -EIO;
	nsm_emu_init(&emu);
	emu.pki = nsm_pki_new();
	if (!emu.pki ||
	    nsm_pki_generate(emu.pki, emu.module_id, nsm_plat_time_ms() / 1000)) {
		fputs("fake_nsm: cannot set up the emulator's PKI\n", stderr);
		state = -1;
		return -EIO;
	}
	state = 1;
	write_root_pem();
	return 0;
}

int fake_nsm_setup(void)
{
	int ret;

	pthread_mutex_lock(&lock);
	ret = setup_locked();
	pthread_mutex_unlock(&lock);
	return ret;
}

const uint8_t *fake_root_der(size_t *len)
{
	const u8 *der = NULL;

	pthread_mutex_lock(&lock);
	if (setup_locked() || nsm_pki_cert(emu.pki, 0, &der, len))
		der = NULL;
	pthread_mutex_unlock(&lock);
	return der;
}

int fake_nsm_answer(const uint8_t *req, size_t req_len, uint8_t *resp,
		    size_t *resp_len)
{
	static uint8_t answer[NSM_RESPONSE_MAX_SIZE];
	size_t n;
	int ret = 0;

	pthread_mutex_lock(&lock);
	fake_calls++;
	if (fake_mode == FAKE_ERRNO) {
		ret = -fake_errno;
		goto out;
	}
	if (req_len > NSM_REQUEST_MAX_SIZE) {
		ret = -EMSGSIZE;
		goto out;
	}
	memcpy(fake_last_req, req, req_len);
	fake_last_req_len = req_len;
	if (fake_mode == FAKE_CANNED) {
		n = fake_canned_len;
		memcpy(answer, fake_canned, n);
	} else {
		ret = setup_locked();
		if (ret)
			goto out;
		n = nsm_handle(&emu, req, req_len, answer, sizeof(answer));
	}
	if (n > *resp_len)
		n = *resp_len;
	memcpy(resp, answer, n);
	*resp_len = n;
out:
	pthread_mutex_unlock(&lock);
	return ret;
}
