/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake /dev/nsm for the client tests: nsm__dev_raw() answered by the
 * emulator's portable core (kmod/core) in-process, with fault injection.
 */
#ifndef LIBNSM_FAKE_DEV_H
#define LIBNSM_FAKE_DEV_H

#include <stddef.h>
#include <stdint.h>

enum fake_mode {
	FAKE_CORE = 0,		/* the core answers */
	FAKE_ERRNO,		/* the ioctl fails with fake_errno */
	FAKE_CANNED,		/* answer with fake_canned bytes */
};

extern enum fake_mode fake_mode;
extern int fake_errno;
extern uint8_t fake_canned[512];
extern size_t fake_canned_len;
extern size_t fake_calls;		/* ioctls issued */
extern uint8_t fake_last_req[0x1000];	/* last request bytes */
extern size_t fake_last_req_len;

/* The root of the emulator's ephemeral chain, DER (borrowed). */
const uint8_t *fake_root_der(size_t *len);

#endif
