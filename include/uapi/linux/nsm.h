/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Nitro Security Module device ABI, as defined by Linux's
 * <linux/nsm.h> (Linux 6.8+). nsm-emu ships its own copy so that
 * userspace builds against kernels whose headers lack it. The layout, the
 * ioctl number and the limits must never differ from upstream's.
 */
#ifndef __UAPI_LINUX_NSM_H
#define __UAPI_LINUX_NSM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define NSM_MAGIC		0x0A

#define NSM_REQUEST_MAX_SIZE	0x1000
#define NSM_RESPONSE_MAX_SIZE	0x3000

/**
 * struct nsm_iovec - a user buffer
 * @addr: user address of the buffer
 * @len:  its length in bytes; for the response, written back with the
 *        number of bytes the device stored
 */
struct nsm_iovec {
	__u64 addr;
	__u64 len;
};

/**
 * struct nsm_raw - argument of %NSM_IOCTL_RAW
 * @request:  CBOR-encoded request
 * @response: buffer for the CBOR-encoded response
 */
struct nsm_raw {
	struct nsm_iovec request;
	struct nsm_iovec response;
};

#define NSM_IOCTL_RAW		_IOWR(NSM_MAGIC, 0x0, struct nsm_raw)

#endif /* __UAPI_LINUX_NSM_H */
