// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A fake device for the client tests (see fake_dev.h). It follows the
 * upstream driver's order: request larger than NSM_REQUEST_MAX_SIZE is
 * -EMSGSIZE, then the device answers, then response.len = min(capacity,
 * answer) (silent truncation).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nsm.h>

#include "attest.h"
#include "nsm_core.h"
#include "pki.h"
#include "client.h"
#include "fake_dev.h"

enum fake_mode fake_mode;
int fake_errno;
uint8_t fake_canned[512];
size_t fake_canned_len;
size_t fake_calls;
uint8_t fake_last_req[0x1000];
size_t fake_last_req_len;

static struct nsm_emu emu;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int ready;

static void setup_locked(void)
{
	if (ready)
		return;
	nsm_emu_init(&emu);
	emu.pki = nsm_pki_new();
	if (!emu.pki || nsm_pki_generate(emu.pki, emu.module_id,
					 nsm_plat_time_ms() / 1000)) {
		fprintf(stderr, "fake_dev: cannot set up the emulator's PKI\n");
		abort();
	}
	ready = 1;
}

const uint8_t *fake_root_der(size_t *len)
{
	const u8 *der = NULL;

	pthread_mutex_lock(&lock);
	setup_locked();
	if (nsm_pki_cert(emu.pki, 0, &der, len))
		der = NULL;
	pthread_mutex_unlock(&lock);
	return der;
}

int nsm__dev_raw(int fd, const uint8_t *req, size_t req_len, uint8_t *resp,
		 size_t *resp_len)
{
	static uint8_t answer[NSM_RESPONSE_MAX_SIZE];
	size_t n;

	if (fd < 0)
		return -EBADF;
	pthread_mutex_lock(&lock);
	fake_calls++;
	if (fake_mode == FAKE_ERRNO) {
		pthread_mutex_unlock(&lock);
		return -fake_errno;
	}
	if (req_len > NSM_REQUEST_MAX_SIZE) {
		pthread_mutex_unlock(&lock);
		return -EMSGSIZE;
	}
	memcpy(fake_last_req, req, req_len);
	fake_last_req_len = req_len;
	if (fake_mode == FAKE_CANNED) {
		n = fake_canned_len;
		memcpy(answer, fake_canned, n);
	} else {
		setup_locked();
		n = nsm_handle(&emu, req, req_len, answer, sizeof(answer));
	}
	n = n < *resp_len ? n : *resp_len;
	memcpy(resp, answer, n);
	*resp_len = n;
	pthread_mutex_unlock(&lock);
	return 0;
}
