// SPDX-License-Identifier: GPL-2.0
/*
 * A fake /dev/nsm for the live-device screen test, preloaded into nsm-tui
 * (LD_PRELOAD). It answers NSM_IOCTL_RAW with the emulator's own portable
 * core (kmod/core, compiled for userspace with tests/plat_user.c), so the
 * TUI's device view, PCR table and "request a document" run end to end
 * through libnsm's real client code without a kernel module.
 *
 * Point NSM_DEVICE at any openable file (/dev/null): every NSM_IOCTL_RAW
 * ioctl of the process is answered here, any other ioctl goes to libc.
 * At load time the ephemeral chain's root is written to $NSM_FAKE_ROOT_PEM
 * (when set), so the test can pass it to nsm-tui --root. With
 * NSM_FAKE_SEED set, the platform's random bytes come from a seeded
 * SHA-384 stream: with the clock pinned (NSM_TEST_TIME_MS) and RFC 6979
 * signatures, every key, certificate and document is the same on every
 * run, so the screens can be compared with golden files.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nsm.h>

#include <openssl/evp.h>

#include "../../kmod/core/attest.h"

int ioctl(int fd, unsigned long request, ...);
int nsm_plat_random_os(void *buf, size_t len);	/* plat_user.c, renamed */

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

static struct nsm_emu emu;
static int ready;

__attribute__((constructor))
static void fake_nsm_init(void)
{
	const char *pem_path = getenv("NSM_FAKE_ROOT_PEM");
	static char pem[NSM_PKI_PEM_MAX];
	int len;

	nsm_emu_init(&emu);
	emu.pki = nsm_pki_new();
	if (!emu.pki ||
	    nsm_pki_generate(emu.pki, emu.module_id, nsm_plat_time_ms() / 1000)) {
		fputs("fake_nsm: cannot create the test PKI\n", stderr);
		return;
	}
	ready = 1;
	len = nsm_pki_root_pem(emu.pki, pem, sizeof(pem));
	if (pem_path && len > 0) {
		FILE *f = fopen(pem_path, "w");

		if (!f || fwrite(pem, 1, (size_t)len, f) != (size_t)len ||
		    fclose(f))
			fprintf(stderr, "fake_nsm: cannot write %s\n", pem_path);
	}
}

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real)(int, unsigned long, void *);
	static u8 resp[NSM_RESPONSE_MAX_SIZE];
	struct nsm_raw *raw;
	va_list ap;
	void *arg;
	size_t n;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request != NSM_IOCTL_RAW) {
		if (!real)
			real = (int (*)(int, unsigned long, void *))
			       dlsym(RTLD_NEXT, "ioctl");
		return real(fd, request, arg);
	}
	raw = arg;
	if (!ready || !raw) {
		errno = EIO;
		return -1;
	}
	if (raw->request.len > NSM_REQUEST_MAX_SIZE) {
		errno = EMSGSIZE;
		return -1;
	}
	/* as the driver: answer, then truncate silently to the user's buffer */
	n = nsm_handle(&emu, (const u8 *)(uintptr_t)raw->request.addr,
		       raw->request.len, resp, sizeof(resp));
	if (n > raw->response.len)
		n = raw->response.len;
	memcpy((void *)(uintptr_t)raw->response.addr, resp, n);
	raw->response.len = n;
	return 0;
}
