// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one place that talks to the device. Kept apart so that tests can
 * link the client against a fake device (tests/fake_nsm/dev.c) that
 * answers with the emulator's portable core instead of a kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <linux/nsm.h>

#include "client.h"

int nsm__dev_raw(int fd, const uint8_t *req, size_t req_len, uint8_t *resp,
		 size_t *resp_len)
{
	struct nsm_raw raw = {
		.request = { .addr = (uintptr_t)req, .len = req_len },
		.response = { .addr = (uintptr_t)resp, .len = *resp_len },
	};

	if (ioctl(fd, NSM_IOCTL_RAW, &raw) < 0)
		return -errno;
	if (raw.response.len > *resp_len)
		return -EOVERFLOW;	/* a device must never claim more */
	*resp_len = (size_t)raw.response.len;
	return 0;
}
