// SPDX-License-Identifier: GPL-2.0
/*
 * The harness API the NSM selftests use, each feature in one test whose
 * outcome is known. selftests/kernel-tree/run.sh builds this file twice,
 * against nsm_harness.h out of a kernel tree (this project's harness) and
 * inside one (the kernel's kselftest_harness.h), runs both with
 * NSM_TEST_TIMEOUT=1 and checks that each test ends as its name says and
 * that the "marker" lines show up exactly where stated.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nsm_harness.h"

static int marker_count;

static void helper_asserts(struct __test_metadata *_metadata, const void *p)
{
	ASSERT_NE(NULL, p);
	ksft_print_msg("marker: helper returned\n");
}

TEST(pass_all_checks)
{
	int x = 1;

	ASSERT_EQ(1, x);
	ASSERT_NE(2, x);
	ASSERT_LT(0, x);
	ASSERT_LE(1, x);
	ASSERT_GT(2, x);
	ASSERT_GE(1, x);
	ASSERT_TRUE(x);
	ASSERT_FALSE(x - 1);
	ASSERT_NE(NULL, &x);
	ASSERT_STREQ("nsm", "nsm");
	ASSERT_STRNE("nsm", "emu");
	EXPECT_EQ(1, x);
	helper_asserts(_metadata, &x);
}

/* C's conversions, as in both harnesses: -1 becomes SIZE_MAX. */
TEST(pass_c_conversions)
{
	size_t big = (size_t)-1;
	uint8_t b = 200;

	ASSERT_EQ(-1, big);
	ASSERT_GT(b, 100);
	ASSERT_EQ(0xffffffffu, (unsigned int)-1);
}

TEST(fail_expect_goes_on)
{
	EXPECT_EQ(1, 2);
	ksft_print_msg("marker: after a failed EXPECT\n");
}

TEST(fail_assert_ends_test)
{
	ASSERT_EQ(1, 2);
	ksft_print_msg("marker: after a failed ASSERT (never printed)\n");
}

TEST(fail_assert_in_helper)
{
	helper_asserts(_metadata, NULL);
	ksft_print_msg("marker: after a helper's failed ASSERT (never printed)\n");
}

TEST(fail_optional_statement)
{
	EXPECT_EQ(1, 2) {
		marker_count++;
		TH_LOG("marker: the statement after a failed check ran");
	}
	EXPECT_EQ(1, 1) {
		TH_LOG("marker: the statement after a passing check ran (never printed)");
	}
	ASSERT_EQ(1, marker_count);
}

TEST(fail_nsm_fail)
{
	NSM_FAIL_EXPECT("marker: NSM_FAIL_EXPECT %d", 1);
	NSM_FAIL("marker: NSM_FAIL %d", 2);
	ksft_print_msg("marker: after NSM_FAIL (never printed)\n");
}

TEST(fail_assert_errno)
{
	ASSERT_ERRNO(close(-1), EBADF);
	ASSERT_ERRNO(close(-1), ENOENT);
}

TEST(fail_assert_mem_eq)
{
	ASSERT_MEM_EQ("abc", "abc", 3);
	ASSERT_MEM_EQ("abc", "abd", 3);
}

TEST(skip_with_reason)
{
	SKIP(return, "marker reason %d", 42);
	ksft_print_msg("marker: after SKIP (never printed)\n");
}

/* SKIP marks the test skipped whatever it recorded before. */
TEST(skip_after_failed_expect)
{
	EXPECT_EQ(1, 2);
	SKIP(return, "after a failed EXPECT");
}

TEST(fail_crash)
{
	raise(SIGSEGV);
}

TEST(fail_timeout)
{
	sleep(4);
}

/* A crash or a timeout ends only its own test. */
TEST(pass_after_crash_and_timeout)
{
	ASSERT_EQ(0, 0);
}

int main(int argc, char **argv)
{
	return nsm_harness_main(argc, argv, NULL);
}
