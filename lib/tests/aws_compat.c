// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program written against AWS's nsm.h (aws-nitro-enclaves-nsm-api's
 * nsm-lib), using every function and both spellings of the types
 * (`ErrorCode` / `enum ErrorCode`, `NsmDescription` / `struct
 * NsmDescription`). It must compile as C99 and as C++ and link against
 * libnsm unchanged; it includes nothing but nsm.h, the C library and the
 * tests' TAP helper (tests/tap.h, itself C library only).
 *
 * Without a device (NSM_DEVICE pointing nowhere) it checks that
 * nsm_lib_init() fails and that argument errors are reported; built with
 * -DAWS_COMPAT_RUN against the fake device it runs every call for real.
 */
#include <stdio.h>
#include <string.h>

#include "nsm.h"
#include "../../tests/tap.h"

int main(void)
{
	uint8_t pcr[48], doc[0x3000], rnd[32];
	uint32_t pcr_len = sizeof(pcr), doc_len = sizeof(doc);
	uintptr_t rnd_len = sizeof(rnd);
	bool lock = false;
	NsmDescription desc;
	struct NsmDescription desc2;
	ErrorCode rc;
	enum ErrorCode rc2;
	Digest dg = DIGEST_SHA384;
	enum Digest dg2 = DIGEST_SHA512;
	int32_t fd;

	tap_start();
	tap_ok(sizeof(NsmDescription) == 252 || sizeof(void *) != 8,
	       "aws_compat: NsmDescription is 252 bytes on LP64");
	tap_ok(ERROR_CODE_SUCCESS == 0 && ERROR_CODE_INVALID_RESPONSE == 3 &&
	       ERROR_CODE_INTERNAL_ERROR == 8 && dg == 1 && dg2 == 2,
	       "aws_compat: ErrorCode and Digest values");
	fd = nsm_lib_init();
#ifndef AWS_COMPAT_RUN
	tap_ok(fd < 0, "aws_compat: nsm_lib_init without a device returns -1");
	rc = nsm_get_random(fd, rnd, &rnd_len);
	tap_ok(rc == ERROR_CODE_INVALID_ARGUMENT,
	       "aws_compat: nsm_get_random(-1) is InvalidArgument");
	rc2 = nsm_extend_pcr(fd, 16, NULL, 0, pcr, &pcr_len);
	tap_ok(rc2 == ERROR_CODE_INVALID_ARGUMENT,
	       "aws_compat: nsm_extend_pcr(NULL data) is InvalidArgument");
	rc = nsm_describe_pcr(fd, 0, &lock, pcr, &pcr_len);
	tap_ok(rc == ERROR_CODE_INTERNAL_ERROR, "aws_compat: a call on fd -1 is InternalError");
	(void)desc;
	(void)desc2;
	(void)doc_len;
#else
	tap_ok(fd >= 0, "aws_compat: nsm_lib_init");
	rc = nsm_get_description(fd, &desc);
	rc2 = nsm_get_description(fd, &desc2);
	tap_ok(rc == ERROR_CODE_SUCCESS && rc2 == ERROR_CODE_SUCCESS &&
	       desc.max_pcrs == 32 && desc2.digest == DIGEST_SHA384,
	       "aws_compat: nsm_get_description, both spellings");
	rc = nsm_extend_pcr(fd, 16, (const uint8_t *)"hello", 5, pcr, &pcr_len);
	tap_ok(rc == ERROR_CODE_SUCCESS && pcr_len == 48, "aws_compat: nsm_extend_pcr");
	pcr_len = sizeof(pcr);
	rc2 = nsm_describe_pcr(fd, 16, &lock, pcr, &pcr_len);
	tap_ok(rc2 == ERROR_CODE_SUCCESS && !lock, "aws_compat: nsm_describe_pcr");
	tap_ok(nsm_lock_pcr(fd, 16) == ERROR_CODE_SUCCESS, "aws_compat: nsm_lock_pcr");
	tap_ok(nsm_lock_pcrs(fd, 16) == ERROR_CODE_SUCCESS, "aws_compat: nsm_lock_pcrs");
	rc = nsm_get_attestation_doc(fd, (const uint8_t *)"ud", 2, NULL, 0,
				     NULL, 0, doc, &doc_len);
	tap_ok(rc == ERROR_CODE_SUCCESS && doc_len > 1000 && doc[0] == 0x84,
	       "aws_compat: nsm_get_attestation_doc");
	rc = nsm_get_random(fd, rnd, &rnd_len);
	tap_ok(rc == ERROR_CODE_SUCCESS && rnd_len == sizeof(rnd), "aws_compat: nsm_get_random");
#endif
	nsm_lib_exit(fd);
	return tap_end(0);
}
