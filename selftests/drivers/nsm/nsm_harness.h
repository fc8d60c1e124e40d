/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal KTAP test harness for the NSM selftests, used both inside a
 * kernel tree and out of tree (it needs nothing but libc).
 *
 * Tests run in the order they are defined, each in a forked child so that
 * a crash or an ASSERT in one test cannot take the others down. The device
 * state the tests share lives in the kernel, so forking loses nothing.
 *
 *   TEST(name) { ASSERT_EQ(a, b); EXPECT_TRUE(x); if (...) SKIP("why"); }
 *   int main(int argc, char **argv)
 *   { return nsm_harness_main(argc, argv, precheck); }
 *
 * Output is KTAP: "TAP version 13", "1..N", "ok N name", "not ok N name",
 * "ok N name # SKIP reason", diagnostics on "# " lines. Exit status follows
 * kselftest: 0 all passed, 1 something failed, 4 (KSFT_SKIP) everything
 * skipped or the precondition (the device) is missing.
 *
 * Options: -t NAME runs only the named tests (repeatable, a trailing '*'
 * matches a prefix), -l lists the tests, -T SECONDS sets the per-test
 * timeout (default 120, or $NSM_TEST_TIMEOUT).
 */
#ifndef NSM_HARNESS_H
#define NSM_HARNESS_H

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

struct nsm_test {
	const char *name;
	void (*fn)(void);
	struct nsm_test *next;
};

/* Shared with the forked child: why a test skipped. */
struct nsm_harness_shared {
	char skip_reason[160];
	int expect_failed;
};

static struct nsm_test *nsm_tests_head, **nsm_tests_tail = &nsm_tests_head;
static struct nsm_harness_shared *nsm_shared;

static inline void nsm_register_test(struct nsm_test *t)
{
	*nsm_tests_tail = t;
	nsm_tests_tail = &t->next;
}

#define TEST(tname)							\
	static void nsm_test_fn_##tname(void);				\
	static struct nsm_test nsm_test_##tname = {			\
		.name = #tname, .fn = nsm_test_fn_##tname,		\
	};								\
	__attribute__((constructor)) static void nsm_reg_##tname(void)	\
	{								\
		nsm_register_test(&nsm_test_##tname);			\
	}								\
	static void nsm_test_fn_##tname(void)

/* Diagnostics go to stdout, prefixed "# ", so that they stay in the KTAP. */
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
	ksft_print_msg("%s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__)

#define NSM_FAIL_(is_assert, fmt, ...) do {				\
	TH_LOG(fmt, ##__VA_ARGS__);					\
	if (is_assert)							\
		_exit(KSFT_FAIL);					\
	nsm_shared->expect_failed = 1;					\
} while (0)

/* Integers are compared as intmax_t (or uintmax_t for _U variants). */
#define NSM_CMP_(is_assert, a, op, b) do {				\
	intmax_t _a = (intmax_t)(a), _b = (intmax_t)(b);		\
	if (!(_a op _b))						\
		NSM_FAIL_(is_assert, "expected %s %s %s (%jd %s %jd)",	\
			  #a, #op, #b, _a, #op, _b);			\
} while (0)

#define ASSERT_EQ(a, b)		NSM_CMP_(1, a, ==, b)
#define ASSERT_NE(a, b)		NSM_CMP_(1, a, !=, b)
#define ASSERT_LT(a, b)		NSM_CMP_(1, a, <, b)
#define ASSERT_LE(a, b)		NSM_CMP_(1, a, <=, b)
#define ASSERT_GT(a, b)		NSM_CMP_(1, a, >, b)
#define ASSERT_GE(a, b)		NSM_CMP_(1, a, >=, b)
#define EXPECT_EQ(a, b)		NSM_CMP_(0, a, ==, b)
#define EXPECT_NE(a, b)		NSM_CMP_(0, a, !=, b)
#define EXPECT_LE(a, b)		NSM_CMP_(0, a, <=, b)
#define EXPECT_GE(a, b)		NSM_CMP_(0, a, >=, b)

#define ASSERT_TRUE(x) do {						\
	if (!(x))							\
		NSM_FAIL_(1, "expected %s", #x);			\
} while (0)
#define EXPECT_TRUE(x) do {						\
	if (!(x))							\
		NSM_FAIL_(0, "expected %s", #x);			\
} while (0)
#define ASSERT_FALSE(x)		ASSERT_TRUE(!(x))
#define EXPECT_FALSE(x)		EXPECT_TRUE(!(x))

/* A system call that must fail with errno @err. */
#define ASSERT_ERRNO(call, err) do {					\
	long _r;							\
	errno = 0;							\
	_r = (long)(call);						\
	if (_r != -1 || errno != (err))					\
		NSM_FAIL_(1, "%s: expected -1, errno %d (%s); got %ld, errno %d (%s)", \
			  #call, (err), strerror(err), _r, errno,	\
			  strerror(errno));				\
} while (0)

#define ASSERT_MEM_EQ(a, b, n) do {					\
	if (memcmp((a), (b), (n)) != 0)					\
		NSM_FAIL_(1, "%s and %s differ (%zu bytes)", #a, #b,	\
			  (size_t)(n));					\
} while (0)

#define SKIP(fmt, ...) do {						\
	snprintf(nsm_shared->skip_reason,				\
		 sizeof(nsm_shared->skip_reason), fmt, ##__VA_ARGS__);	\
	_exit(KSFT_SKIP);						\
} while (0)

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

/*
 * Run one test in a child; return KSFT_PASS, KSFT_FAIL or KSFT_SKIP and
 * leave a skip reason in nsm_shared.
 */
static inline int nsm_run_one(const struct nsm_test *t, unsigned int timeout)
{
	int status;
	pid_t pid;

	memset(nsm_shared, 0, sizeof(*nsm_shared));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	if (pid == 0) {
		alarm(timeout);
		t->fn();
		fflush(stdout);
		_exit(nsm_shared->expect_failed ? KSFT_FAIL : KSFT_PASS);
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
	unsigned int timeout = 120, n = 0, i = 0;
	unsigned int pass = 0, fail = 0, skip = 0;
	const struct nsm_test *t;
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
	nsm_shared = mmap(NULL, sizeof(*nsm_shared), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (nsm_shared == MAP_FAILED) {
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
		switch (nsm_run_one(t, timeout)) {
		case KSFT_PASS:
			pass++;
			printf("ok %u %s\n", i, t->name);
			break;
		case KSFT_SKIP:
			skip++;
			printf("ok %u %s # SKIP %s\n", i, t->name,
			       nsm_shared->skip_reason);
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

#endif /* NSM_HARNESS_H */
