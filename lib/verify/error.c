// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error detail: the one way the library explains a failed call. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void nsm__error(struct nsm_error *err, int code, uint64_t off,
		const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->code = code;
	err->offset = off;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

int nsm__errno(struct nsm_error *err, int ret)
{
	nsm__error(err, 0, 0, "%s", strerror(ret < 0 ? -ret : ret));
	return ret;
}
