/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (-include) into every file of the ct-check build. Maps
 * the core's constant-time hooks onto valgrind's memcheck client requests
 * (the "ctgrind" technique, Adam Langley 2010):
 *
 *  - p384_ct_secret(p, len) marks the RFC 6979 nonce undefined as soon as
 *    it is generated, so every use of it is tracked even if some earlier
 *    step had laundered the private key's undefinedness;
 *  - p384_declassify(p, len) marks values that are public by design as
 *    defined before the code branches on them (the signature, whether a
 *    key or nonce candidate is in range).
 *
 * Memcheck then reports every conditional branch ("Conditional jump or
 * move depends on uninitialised value(s)") and every memory address ("Use
 * of uninitialised value of size N") computed from the secrets.
 */
#ifndef NSM_TESTS_CTGRIND_H
#define NSM_TESTS_CTGRIND_H

#include <valgrind/memcheck.h>

#define p384_ct_secret(p, len) \
	do { (void)VALGRIND_MAKE_MEM_UNDEFINED((p), (len)); } while (0)
#define p384_declassify(p, len) \
	do { (void)VALGRIND_MAKE_MEM_DEFINED((p), (len)); } while (0)

#endif /* NSM_TESTS_CTGRIND_H */
