/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' one fake /dev/nsm: requests answered in-process by the
 * emulator's portable core (kmod/core, on tests/plat_user.c), one device
 * per process behind one lock, so that any thread may call it. It is
 * reached through either of two doors, both thin:
 *
 *   dev.c      the client's device layer: nsm__dev_raw(), linked instead
 *              of lib/client/dev.c (lib's client tests, tools' fake-device
 *              nsmctl), with the fault injection below
 *   preload.c  ioctl(NSM_IOCTL_RAW) of an unchanged program, preloaded
 *              (LD_PRELOAD; nsm-tui's live device screens)
 *
 * fake_nsm.mk lists the sources of each for the Makefiles.
 *
 * Environment:
 *   NSM_FAKE_SEED      the platform's random bytes come from a SHA-384
 *                      stream seeded with it: with the clock pinned too
 *                      (NSM_TEST_TIME_MS, tests/plat_user.c) and RFC 6979
 *                      signatures, every key, certificate and document is
 *                      the same on every run
 *   NSM_FAKE_ROOT_PEM  the ephemeral chain's root is written there, as
 *                      PEM, when the device is set up
 */
#ifndef NSM_TESTS_FAKE_NSM_H
#define NSM_TESTS_FAKE_NSM_H

#include <stddef.h>
#include <stdint.h>

/*
 * fake_nsm_answer() - one NSM_IOCTL_RAW round trip, as the upstream driver
 * does it: a request larger than NSM_REQUEST_MAX_SIZE is -EMSGSIZE; then
 * the device answers; then the answer is cut to the caller's buffer
 * without a word (response.len = min(capacity, answer)).
 * @resp_len: in: capacity of @resp; out: the length written
 * Return: 0 or -errno (-EIO when the device could not be set up).
 */
int fake_nsm_answer(const uint8_t *req, size_t req_len, uint8_t *resp,
		    size_t *resp_len);

/* Set the device up now rather than at the first request. 0 or -EIO. */
int fake_nsm_setup(void);

/* The root of the emulator's ephemeral chain, DER (borrowed), or NULL. */
const uint8_t *fake_root_der(size_t *len);

/* Fault injection, for the in-process door (set them between requests). */
enum fake_mode {
	FAKE_CORE = 0,		/* the core answers */
	FAKE_ERRNO,		/* the request fails with -fake_errno */
	FAKE_CANNED,		/* answer with fake_canned bytes */
};

extern enum fake_mode fake_mode;
extern int fake_errno;
extern uint8_t fake_canned[512];
extern size_t fake_canned_len;
extern size_t fake_calls;		/* requests made, failed ones too */
extern uint8_t fake_last_req[0x1000];	/* the last request's bytes */
extern size_t fake_last_req_len;

#endif
