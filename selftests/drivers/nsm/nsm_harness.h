/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NSM selftests' harness: the kernel's kselftest_harness.h inside a
 * kernel tree, and otherwise this project's own implementation of the part
 * of its API the tests use. The tests are written to that API only:
 *
 *   TEST(name) { ASSERT_EQ(expected, seen); EXPECT_TRUE(x);
 *                if (...) SKIP(return, "why %d", n); TH_LOG("..."); }
 *   static void helper(struct __test_metadata *_metadata, ...)
 *                { ASSERT_NE(NULL, p); }     (asserts need _metadata)
 *   int main(int argc, char **argv)
 *   { return nsm_harness_main(argc, argv, precheck); }
 *
 * In a kernel tree (tools/testing/selftests/drivers/nsm/, where
 * ../../kselftest_harness.h exists) that header is used as is; define
 * NSM_OWN_HARNESS to use this file's implementation there too. Both give
 * the macros the same meaning:
 *
 *   ASSERT_*(expected, seen)  compares the two in their own C types (no
 *       conversion but C's usual arithmetic ones), logs "Expected ..." and
 *       ends the test (longjmp out of it, then abort(): a failure);
 *       ASSERT_TRUE/FALSE compare with 0, ASSERT_NULL with NULL, ASSERT_STREQ
 *       and ASSERT_STRNE with strcmp(). Assertions are for the test's own
 *       thread (a longjmp from another thread is undefined in both).
 *   EXPECT_*  the same comparisons; a failure marks the test failed and it
 *       goes on. Both take an optional statement run on failure:
 *       ASSERT_EQ(a, b) TH_LOG("more");
 *   SKIP(statement, fmt, ...)  records the reason, marks the test skipped
 *       (whatever it recorded before) and runs statement, usually return.
 *   TH_LOG(fmt, ...)  "# file:line:test:message" on TH_LOG_STREAM (stdout
 *       here; the kernel's default is stderr).
 *   ksft_print_msg(fmt, ...)  "# message" on stdout.
 *
 * Each test runs in a forked child, so a crash fails that test only. Not
 * provided by this file (the tests do not use them; a test that did would
 * not compile out of a kernel tree): FIXTURE*, TEST_F*, variants,
 * XFAIL_ADD, TEST_SIGNAL, TEST_HARNESS_MAIN (nsm_harness_main() instead).
 *
 * What differs is the program around the tests, nsm_harness_main():
 *
 *   out of a tree: "ok N name"; options -l (list), -t NAME (run only NAME,
 *       repeatable, a trailing '*' matches a prefix), -T SECONDS (per-test
 *       timeout, default 120 or $NSM_TEST_TIMEOUT); exit 0, 1 on a failure,
 *       4 (KSFT_SKIP) when every test skipped.
 *   in a tree: the kernel harness's "ok N global.name" and its options (-t
 *       exact name, -T excludes a test, -l, -h...); exit 0 or 1. Its per-test
 *       timeout (30 s for TEST()) is raised to $NSM_TEST_TIMEOUT, default
 *       120 s, as out of a tree: the tests' many threads and signatures
 *       take longer than 30 s under qemu's TCG.
 *
 * Both: "TAP version 13", then "1..0 # SKIP reason" and exit 4 when the
 * precheck finds no device to test; stdout is line buffered.
 */
#ifndef NSM_HARNESS_H
#define NSM_HARNESS_H

#include <errno.h>
#include <string.h>

#ifndef TH_LOG_STREAM
#define TH_LOG_STREAM	stdout
#endif

#define NSM_TEST_TIMEOUT_DEFAULT	120

#if !defined(NSM_OWN_HARNESS) && defined(__has_include)
#if __has_include("../../kselftest_harness.h")
#define NSM_KERNEL_HARNESS	1
#endif
#endif

#ifdef NSM_KERNEL_HARNESS

#include "../../kselftest_harness.h"

static inline unsigned int nsm_test_timeout(void)
{
	const char *env = getenv("NSM_TEST_TIMEOUT");

	if (env && atoi(env) > 0)
		return (unsigned int)atoi(env);
	return NSM_TEST_TIMEOUT_DEFAULT;
}

static inline int nsm_harness_main(int argc, char **argv,
				   const char *(*precheck)(void))
{
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	const char *why;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	why = precheck ? precheck() : NULL;
	if (why) {
		ksft_print_header();
		ksft_exit_skip("%s\n", why);
	}
	/* The one step into the harness' internals: the per-test timeout. */
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout = (int)nsm_test_timeout();
	return test_harness_run(argc, argv);
}

#else /* !NSM_KERNEL_HARNESS: this project's implementation */

#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_XFAIL	2
#define KSFT_XPASS	3
#define KSFT_SKIP	4

/* Shared with the test's child: the reason it skipped. */
struct __test_results {
	char reason[1024];
};

struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *_metadata);
	int exit_code;		/* KSFT_PASS, KSFT_FAIL or KSFT_SKIP */
	int trigger;		/* a check failed: run its optional statement */
	bool aborted;		/* an ASSERT failed */
	jmp_buf env;		/* where a failed ASSERT leaves the test */
	struct __test_results *results;
	struct __test_metadata *next;
};

static struct __test_metadata *nsm_tests_head, **nsm_tests_tail = &nsm_tests_head;

static inline void nsm_register_test(struct __test_metadata *t)
{
	*nsm_tests_tail = t;
	nsm_tests_tail = &t->next;
}

#define TEST(test_name)							\
	static void test_name(struct __test_metadata *_metadata);	\
	static struct __test_metadata nsm_test_##test_name = {		\
		.name = #test_name, .fn = test_name,			\
	};								\
	__attribute__((constructor)) static void nsm_reg_##test_name(void) \
	{								\
		nsm_register_test(&nsm_test_##test_name);		\
	}								\
	static void test_name(struct __test_metadata			\
			      __attribute__((unused)) *_metadata)

__attribute__((format(printf, 1, 2)))
static inline void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

#define TH_LOG(fmt, ...)						\
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:" fmt "\n", __FILE__,	\
		__LINE__, _metadata->name, ##__VA_ARGS__)

#define SKIP(statement, fmt, ...) do {					\
	snprintf(_metadata->results->reason,				\
		 sizeof(_metadata->results->reason), fmt, ##__VA_ARGS__); \
	fprintf(TH_LOG_STREAM, "#      SKIP      %s\n",			\
		_metadata->results->reason);				\
	_metadata->exit_code = KSFT_SKIP;				\
	_metadata->trigger = 0;						\
	statement;							\
} while (0)

/* After a failed check: 0 to end the optional statement's loop, or leave. */
static inline int nsm_bail(int is_assert, struct __test_metadata *t)
{
	if (is_assert) {
		t->aborted = true;
		longjmp(t->env, 1);
	}
	return 0;
}

/* The statement after a check runs once when it failed; ASSERT leaves. */
#define NSM_ON_FAILURE(is_assert)					\
	for (; _metadata->trigger;					\
	     _metadata->trigger = nsm_bail(is_assert, _metadata))

#define NSM_IS_SIGNED(v)	((__typeof__(v))-1 < (__typeof__(v))1)

/* The value of an integer or pointer of @size bytes at @p, for the log. */
static inline void nsm_fmt_value(char *buf, size_t cap, const void *p,
				 size_t size, bool is_signed)
{
	uint64_t u = 0;
	int64_t s = 0;

	switch (size) {
	case 1: { uint8_t v; memcpy(&v, p, 1); u = v; s = (int8_t)v; break; }
	case 2: { uint16_t v; memcpy(&v, p, 2); u = v; s = (int16_t)v; break; }
	case 4: { uint32_t v; memcpy(&v, p, 4); u = v; s = (int32_t)v; break; }
	case 8: { uint64_t v; memcpy(&v, p, 8); u = v; s = (int64_t)v; break; }
	default: snprintf(buf, cap, "?"); return;
	}
	if (is_signed)
		snprintf(buf, cap, "%" PRId64, s);
	else
		snprintf(buf, cap, "%" PRIu64, u);
}

static inline void nsm_log_cmp(struct __test_metadata *t, const char *file,
			       int line, const char *es, const void *e,
			       size_t esize, bool esigned, const char *op,
			       const char *ss, const void *s, size_t ssize,
			       bool ssigned)
{
	char ebuf[24], sbuf[24];

	nsm_fmt_value(ebuf, sizeof(ebuf), e, esize, esigned);
	nsm_fmt_value(sbuf, sizeof(sbuf), s, ssize, ssigned);
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (%s) %s %s (%s)\n",
		file, line, t->name, es, ebuf, op, ss, sbuf);
}

/*
 * Both sides keep their own types, so the comparison is C's (a pointer
 * with a pointer, a signed with an unsigned after the usual conversions).
 * A constant such as 32 is an int variable here, so -Wsign-compare (of
 * -Wextra, which the kernel's selftests do not use) would flag every
 * comparison of a size_t with a literal; it is off for this line only.
 */
#define NSM_EXPECT(expected, seen, op, is_assert) do {			\
	__typeof__(expected) nsm_e_ = (expected);			\
	__typeof__(seen) nsm_s_ = (seen);				\
	bool nsm_ok_;							\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wsign-compare\"")		\
	nsm_ok_ = nsm_e_ op nsm_s_;					\
	_Pragma("GCC diagnostic pop")					\
	if (!nsm_ok_) {							\
		nsm_log_cmp(_metadata, __FILE__, __LINE__, #expected,	\
			    &nsm_e_, sizeof(nsm_e_), NSM_IS_SIGNED(nsm_e_), \
			    #op, #seen, &nsm_s_, sizeof(nsm_s_),	\
			    NSM_IS_SIGNED(nsm_s_));			\
		_metadata->exit_code = KSFT_FAIL;			\
		_metadata->trigger = 1;					\
	}								\
} while (0); NSM_ON_FAILURE(is_assert)

#define NSM_EXPECT_STR(expected, seen, op, is_assert) do {		\
	const char *nsm_e_ = (expected), *nsm_s_ = (seen);		\
	if (!(strcmp(nsm_e_, nsm_s_) op 0)) {				\
		fprintf(TH_LOG_STREAM,					\
			"# %s:%d:%s:Expected '%s' %s '%s'.\n", __FILE__, \
			__LINE__, _metadata->name, nsm_e_, #op, nsm_s_);\
		_metadata->exit_code = KSFT_FAIL;			\
		_metadata->trigger = 1;					\
	}								\
} while (0); NSM_ON_FAILURE(is_assert)

#define ASSERT_EQ(expected, seen)	NSM_EXPECT(expected, seen, ==, 1)
#define ASSERT_NE(expected, seen)	NSM_EXPECT(expected, seen, !=, 1)
#define ASSERT_LT(expected, seen)	NSM_EXPECT(expected, seen, <, 1)
#define ASSERT_LE(expected, seen)	NSM_EXPECT(expected, seen, <=, 1)
#define ASSERT_GT(expected, seen)	NSM_EXPECT(expected, seen, >, 1)
#define ASSERT_GE(expected, seen)	NSM_EXPECT(expected, seen, >=, 1)
#define ASSERT_NULL(seen)		NSM_EXPECT(NULL, seen, ==, 1)
#define ASSERT_TRUE(seen)		NSM_EXPECT(0, seen, !=, 1)
#define ASSERT_FALSE(seen)		NSM_EXPECT(0, seen, ==, 1)
#define ASSERT_STREQ(expected, seen)	NSM_EXPECT_STR(expected, seen, ==, 1)
#define ASSERT_STRNE(expected, seen)	NSM_EXPECT_STR(expected, seen, !=, 1)
#define EXPECT_EQ(expected, seen)	NSM_EXPECT(expected, seen, ==, 0)
#define EXPECT_NE(expected, seen)	NSM_EXPECT(expected, seen, !=, 0)
#define EXPECT_LT(expected, seen)	NSM_EXPECT(expected, seen, <, 0)
#define EXPECT_LE(expected, seen)	NSM_EXPECT(expected, seen, <=, 0)
#define EXPECT_GT(expected, seen)	NSM_EXPECT(expected, seen, >, 0)
#define EXPECT_GE(expected, seen)	NSM_EXPECT(expected, seen, >=, 0)
#define EXPECT_NULL(seen)		NSM_EXPECT(NULL, seen, ==, 0)
#define EXPECT_TRUE(seen)		NSM_EXPECT(0, seen, !=, 0)
#define EXPECT_FALSE(seen)		NSM_EXPECT(0, seen, ==, 0)
#define EXPECT_STREQ(expected, seen)	NSM_EXPECT_STR(expected, seen, ==, 0)
#define EXPECT_STRNE(expected, seen)	NSM_EXPECT_STR(expected, seen, !=, 0)

static inline bool nsm_name_selected(const char *name, char **sel, int nsel)
{
	size_t n;
	int i;

	if (!nsel)
		return true;
	for (i = 0; i < nsel; i++) {
		n = strlen(sel[i]);
		if (n && sel[i][n - 1] == '*' && !strncmp(name, sel[i], n - 1))
			return true;
		if (!strcmp(name, sel[i]))
			return true;
	}
	return false;
}

/* Run one test in a child; KSFT_PASS, KSFT_FAIL or KSFT_SKIP. */
static inline int nsm_run_one(struct __test_metadata *t, unsigned int timeout)
{
	int status;
	pid_t pid;

	t->exit_code = KSFT_PASS;
	t->trigger = 0;
	t->aborted = false;
	memset(t->results, 0, sizeof(*t->results));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	if (pid == 0) {
		alarm(timeout);
		if (setjmp(t->env) == 0)
			t->fn(t);
		if (t->aborted)
			abort();	/* a failed ASSERT */
		fflush(stdout);
		_exit(t->exit_code);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ksft_print_msg("waitpid: %s\n", strerror(errno));
			return KSFT_FAIL;
		}
	}
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) == SIGALRM)
			ksft_print_msg("%s: timed out after %u s\n", t->name,
				       timeout);
		else if (WTERMSIG(status) == SIGABRT)
			ksft_print_msg("%s: Test terminated by assertion\n",
				       t->name);
		else
			ksft_print_msg("%s: killed by signal %d\n", t->name,
				       WTERMSIG(status));
		return KSFT_FAIL;
	}
	switch (WEXITSTATUS(status)) {
	case KSFT_PASS:
		return KSFT_PASS;
	case KSFT_SKIP:
		return KSFT_SKIP;
	default:
		return KSFT_FAIL;
	}
}

/**
 * nsm_harness_main() - parse options, run the selected tests, print KTAP
 * @precheck: NULL, or a function returning NULL when the tests can run and
 *            otherwise the reason to skip them all (exit 4)
 */
static inline int nsm_harness_main(int argc, char **argv,
				   const char *(*precheck)(void))
{
	unsigned int timeout = NSM_TEST_TIMEOUT_DEFAULT, n = 0, i = 0;
	unsigned int pass = 0, fail = 0, skip = 0;
	struct __test_results *results;
	struct __test_metadata *t;
	const char *why, *env;
	char **sel;
	int nsel = 0, opt;

	env = getenv("NSM_TEST_TIMEOUT");
	if (env && atoi(env) > 0)
		timeout = (unsigned int)atoi(env);
	sel = calloc((size_t)argc + 1, sizeof(*sel));
	if (!sel)
		return KSFT_FAIL;
	while ((opt = getopt(argc, argv, "lt:T:h")) != -1) {
		switch (opt) {
		case 'l':
			for (t = nsm_tests_head; t; t = t->next)
				printf("%s\n", t->name);
			return KSFT_PASS;
		case 't':
			sel[nsel++] = optarg;
			break;
		case 'T':
			timeout = (unsigned int)atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-l] [-t test]... [-T seconds]\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}
	results = mmap(NULL, sizeof(*results), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED) {
		perror("mmap");
		return KSFT_FAIL;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (t = nsm_tests_head; t; t = t->next)
		n += nsm_name_selected(t->name, sel, nsel);

	printf("TAP version 13\n");
	why = precheck ? precheck() : NULL;
	if (why) {
		printf("1..0 # SKIP %s\n", why);
		return KSFT_SKIP;
	}
	printf("1..%u\n", n);
	for (t = nsm_tests_head; t; t = t->next) {
		if (!nsm_name_selected(t->name, sel, nsel))
			continue;
		i++;
		printf("# RUN %s\n", t->name);
		t->results = results;
		switch (nsm_run_one(t, timeout)) {
		case KSFT_PASS:
			pass++;
			printf("ok %u %s\n", i, t->name);
			break;
		case KSFT_SKIP:
			skip++;
			printf("ok %u %s # SKIP %s\n", i, t->name,
			       results->reason);
			break;
		default:
			fail++;
			printf("not ok %u %s\n", i, t->name);
			break;
		}
	}
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       pass, fail, skip);
	free(sel);
	if (fail)
		return KSFT_FAIL;
	if (n && skip == n)
		return KSFT_SKIP;
	return KSFT_PASS;
}

#endif /* NSM_KERNEL_HARNESS */

/*
 * The suite's own checks, on top of either harness' API (so with the same
 * meaning in both): a call that must fail with errno @err, and @n equal
 * bytes at @a and @b.
 */
#define ASSERT_ERRNO(call, err) do {					\
	long nsm_r_;							\
	int nsm_errno_;							\
	errno = 0;							\
	nsm_r_ = (long)(call);						\
	nsm_errno_ = errno;						\
	if (nsm_r_ != -1 || nsm_errno_ != (err))			\
		TH_LOG("%s: expected -1, errno %d (%s); got %ld, errno %d (%s)", \
		       #call, (err), strerror(err), nsm_r_, nsm_errno_,	\
		       strerror(nsm_errno_));				\
	ASSERT_TRUE(nsm_r_ == -1 && nsm_errno_ == (err));		\
} while (0)

#define ASSERT_MEM_EQ(a, b, n) do {					\
	if (memcmp((a), (b), (n)) != 0)					\
		TH_LOG("%s and %s differ (%zu bytes)", #a, #b,		\
		       (size_t)(n));					\
	ASSERT_EQ(0, memcmp((a), (b), (n)));				\
} while (0)

/* Fail with a message: NSM_FAIL() ends the test, NSM_FAIL_EXPECT() goes on. */
#define NSM_FAIL(fmt, ...) do {						\
	TH_LOG(fmt, ##__VA_ARGS__);					\
	ASSERT_TRUE(false);						\
} while (0)

#define NSM_FAIL_EXPECT(fmt, ...) do {					\
	TH_LOG(fmt, ##__VA_ARGS__);					\
	EXPECT_TRUE(false);						\
} while (0)

#endif /* NSM_HARNESS_H */
