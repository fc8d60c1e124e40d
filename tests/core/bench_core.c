// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace throughput of nsm_handle() (decode + execute + encode) for
 * DescribePCR and ExtendPCR, and of nsm_request_decode() alone. SHA-384
 * comes from OpenSSL here; in the module it is the kernel crypto API.
 */
#include <stdio.h>
#include <time.h>

#include "../../kmod/core/nsm_core.h"
#include "fake_attest.h"

static u8 resp[0x3000];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(const char *name, const u8 *req, size_t len, bool decode)
{
	struct nsm_request r;
	struct nsm_emu emu;
	unsigned long n = 0, batch = 10000;
	double t0, t;
	size_t i;

	nsm_emu_init(&emu);
	t0 = now();
	do {
		for (i = 0; i < batch; i++) {
			if (decode)
				nsm_request_decode(req, len, &r);
			else
				nsm_handle(&emu, req, len, resp, sizeof(resp));
		}
		n += batch;
		t = now() - t0;
	} while (t < 1.0);
	printf("%-28s %10.0f req/s  %7.0f ns/req\n", name, (double)n / t,
	       t * 1e9 / (double)n);
}

int main(void)
{
	static const u8 describe[] =
		"\xa1\x6b" "DescribePCR" "\xa1\x65" "index" "\x10";
	static const u8 extend[] =
		"\xa1\x69" "ExtendPCR" "\xa2\x65" "index" "\x10"
		"\x64" "data" "\x43\x01\x02\x03";

	printf("# nsm_handle() in userspace, one thread\n");
	bench("decode DescribePCR", describe, sizeof(describe) - 1, true);
	bench("handle DescribePCR", describe, sizeof(describe) - 1, false);
	bench("decode ExtendPCR", extend, sizeof(extend) - 1, true);
	bench("handle ExtendPCR", extend, sizeof(extend) - 1, false);
	return 0;
}
