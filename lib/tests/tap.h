/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal TAP producer for libnsm's tests. */
#ifndef LIBNSM_TAP_H
#define LIBNSM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
}

static int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), unused));

static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

static void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), unused));

static void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* exit status: 0 when every planned test ran and passed */
static int tap_done(int planned)
{
	if (tap_n != planned) {
		printf("# planned %d tests, ran %d\n", planned, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
