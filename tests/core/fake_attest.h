/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for kmod/core/attest.c in the protocol tests and the fuzzer:
 * the protocol core is tested on its own, with a hook whose answer the test
 * controls and which records what it was given.
 */
#ifndef NSM_TEST_FAKE_ATTEST_H
#define NSM_TEST_FAKE_ATTEST_H

#include "../../kmod/core/attest.h"

/**
 * struct fake_attest - behaviour and record of the fake hook
 * @ret:      value to return (0 = build a document)
 * @len:      document length when @fixed_len; else the document is
 *            0xd0 || user_data || nonce || public_key (present fields only)
 * @fixed_len: use @len and fill with the pattern (i * 7 + 1) & 0xff
 * @bad_len:  report a length of cap + 1 (a broken hook)
 * @calls:    times called
 * @last_cap: @cap of the last call
 * @last:     the request of the last call
 */
struct fake_attest {
	int ret;
	size_t len;
	bool fixed_len;
	bool bad_len;
	unsigned int calls;
	size_t last_cap;
	struct nsm_request last;
};

extern struct fake_attest fake_attest;

#endif /* NSM_TEST_FAKE_ATTEST_H */
