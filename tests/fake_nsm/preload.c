// SPDX-License-Identifier: GPL-2.0
/*
 * The fake device (fake_nsm.h) behind an unchanged program: preloaded
 * (LD_PRELOAD), it answers every NSM_IOCTL_RAW of the process; any other
 * ioctl goes to the C library. Point NSM_DEVICE at any file that opens
 * (/dev/null). The device is set up when the object is loaded, so that
 * NSM_FAKE_ROOT_PEM is there before the program reads its arguments.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#include <linux/nsm.h>

#include "fake_nsm.h"

int ioctl(int fd, unsigned long request, ...);

__attribute__((constructor))
static void fake_nsm_preload(void)
{
	fake_nsm_setup();
}

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real)(int, unsigned long, void *);
	struct nsm_raw *raw;
	size_t len;
	va_list ap;
	void *arg;
	int ret;

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
	if (!raw) {
		errno = EFAULT;
		return -1;
	}
	len = raw->response.len;
	ret = fake_nsm_answer((const uint8_t *)(uintptr_t)raw->request.addr,
			      raw->request.len,
			      (uint8_t *)(uintptr_t)raw->response.addr, &len);
	if (ret) {
		errno = -ret;
		return -1;
	}
	raw->response.len = len;
	return 0;
}
