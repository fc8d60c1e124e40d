/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LIBNSM_CLIENT_H
#define LIBNSM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * nsm__dev_raw() - one NSM_IOCTL_RAW round trip
 * @resp_len: in: capacity of @resp; out: the length the device wrote back
 * Return: 0 or -errno of the ioctl.
 */
int nsm__dev_raw(int fd, const uint8_t *req, size_t req_len, uint8_t *resp,
		 size_t *resp_len);

#endif
