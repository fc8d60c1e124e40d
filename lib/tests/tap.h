/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal TAP producer for libnsm's tests. */
#ifndef LIBNSM_TAP_H
#define LIBNSM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

/* The plan is printed at the end (allowed by TAP 13): the number of
 * cases depends on the test data found. */
static void tap_start(void)
{
	printf("TAP version 13\n");
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

/* Print the plan; exit status 0 when at least @min_tests ran and all
 * passed. */
static int tap_end(int min_tests)
{
	printf("1..%d\n", tap_n);
	if (tap_n < min_tests) {
		printf("# expected at least %d tests, ran %d\n", min_tests, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
