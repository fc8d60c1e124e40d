/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ECDSA P-384 verification of public data on the core's arithmetic
 * (ec384.c). Private to libnsm-verify.
 */
#ifndef NSM_VERIFY_EC384_H
#define NSM_VERIFY_EC384_H

#include <stdint.h>

#define NSM_P384_PUB_LEN	97

/**
 * nsm__p384_verify() - verify an ECDSA P-384 signature over a digest
 * @pub:    the public key, uncompressed (0x04 || X || Y)
 * @digest: the SHA-384 of the message
 * @sig:    r || s, big-endian, 48 bytes each
 *
 * Variable time: for public keys and signatures only.
 * Return: 1 if the signature is valid; 0 if it is not, or if @pub is not a
 * point on the curve.
 */
int nsm__p384_verify(const uint8_t pub[NSM_P384_PUB_LEN],
		     const uint8_t digest[48], const uint8_t sig[96]);

/**
 * nsm__p384_verify_anchor() - nsm__p384_verify() for a trust anchor's key
 * @pub:    the public key of a trusted root
 * @digest: the SHA-384 of the message
 * @sig:    r || s
 *
 * The first call for a key builds a table of its multiples (60 KB, about
 * 1 ms), kept for the life of the process, for up to 8 keys; later calls
 * take a third of the time. Only for keys the caller trusts, which are few.
 * Return: as nsm__p384_verify().
 */
int nsm__p384_verify_anchor(const uint8_t pub[NSM_P384_PUB_LEN],
			    const uint8_t digest[48], const uint8_t sig[96]);

#endif /* NSM_VERIFY_EC384_H */
