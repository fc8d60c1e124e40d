/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minimal TAP 13 producer, the one of every userspace C test (tests/core,
 * tests/crypto, tests/attest, lib/tests, kmsd/tests, tui/tests); the shell
 * tests have tests/tap.sh. The kselftests (selftests/) keep their own, so
 * that they stay self-contained for the kernel tree.
 *
 * Each test program includes it once; the counters are per program. Only
 * the C library is needed, and it compiles as C99 and as C++ (lib/tests/
 * aws_compat.c, a program written against AWS's nsm.h, uses it both ways).
 */
#ifndef NSM_TESTS_TAP_H
#define NSM_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Number of the last test printed, and how many of them failed. A program
 * whose output is merged into another stream may start tap_n at an offset. */
static int tap_n, tap_failed;

static inline void tap_start(void)
{
	printf("TAP version 13\n");
}

/* The plan, printed first when the number of tests is known up front. */
static inline void tap_plan(int n)
{
	printf("1..%d\n", n);
}

/* Print "ok N - name" or "not ok N - name"; return @cond. */
static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int cond, const char *fmt, ...)
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

/* "ok N - name # SKIP @reason": a test that could not run here. */
static inline __attribute__((format(printf, 2, 0)))
void tap_vskip(const char *reason, const char *fmt, va_list ap)
{
	printf("ok %d - ", ++tap_n);
	vprintf(fmt, ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

static inline __attribute__((format(printf, 2, 3)))
void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vskip(reason, fmt, ap);
	va_end(ap);
}

/* A diagnostic line ("# ..."). */
static inline __attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Print the plan at the end (allowed by TAP 13, for when the number of
 * cases depends on the test data found); exit status 0 when at least
 * @min_tests ran and all passed. */
static inline int tap_end(int min_tests)
{
	tap_plan(tap_n);
	if (tap_n < min_tests) {
		printf("# expected at least %d tests, ran %d\n", min_tests, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
