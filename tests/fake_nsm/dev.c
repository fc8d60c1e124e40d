// SPDX-License-Identifier: GPL-2.0
/*
 * The fake device (fake_nsm.h) as the client's device layer: linked
 * instead of lib/client/dev.c, nsm__dev_raw() never reaches a kernel.
 */
#include <errno.h>

#include "../../lib/client/client.h"
#include "fake_nsm.h"

int nsm__dev_raw(int fd, const uint8_t *req, size_t req_len, uint8_t *resp,
		 size_t *resp_len)
{
	if (fd < 0)
		return -EBADF;
	return fake_nsm_answer(req, req_len, resp, resp_len);
}
