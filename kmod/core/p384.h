/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ECDSA over NIST P-384 with SHA-384 (FIPS 186-4, SEC 1), deterministic
 * nonces per RFC 6979 (HMAC-SHA-384). Signing and public-key derivation are
 * constant-time with respect to the private key and the nonce.
 *
 * Byte strings are big-endian. Public keys are uncompressed SEC 1 points
 * (0x04 || X || Y); signatures are raw r || s.
 */
#ifndef NSM_CORE_P384_H
#define NSM_CORE_P384_H

#include "platform.h"

#define P384_SCALAR_LEN	48
#define P384_PUB_LEN	97
#define P384_SIG_LEN	96

/**
 * p384_priv_valid() - is @priv a valid private key, 1 <= d < n?
 * @priv: the big-endian scalar d
 *
 * Return: true if it is.
 */
bool p384_priv_valid(const u8 priv[P384_SCALAR_LEN]);

/**
 * p384_keygen() - draw a fresh private key from nsm_plat_random()
 * @priv: receives the big-endian scalar d
 *
 * Return: 0, or a negative value if the platform RNG failed.
 */
int p384_keygen(u8 priv[P384_SCALAR_LEN]);

/**
 * p384_pubkey() - derive the public key Q = d*G
 * @priv: the big-endian scalar d
 * @pub:  receives Q, uncompressed (0x04 || x || y)
 *
 * Return: 0, or a negative value if @priv is not a valid key.
 */
int p384_pubkey(const u8 priv[P384_SCALAR_LEN], u8 pub[P384_PUB_LEN]);

/**
 * p384_sign_digest() - ECDSA-sign a SHA-384 digest
 * @priv:   private key
 * @digest: SHA-384 of the message
 * @sig:    receives r || s
 *
 * The nonce is derived per RFC 6979 section 3.2 from @priv and @digest, so
 * equal inputs give equal signatures.
 * Return: 0, or a negative value if @priv is invalid.
 */
int p384_sign_digest(const u8 priv[P384_SCALAR_LEN],
		     const u8 digest[NSM_SHA384_LEN], u8 sig[P384_SIG_LEN]);

/**
 * p384_verify_digest() - verify an ECDSA signature over a SHA-384 digest
 * @pub:    uncompressed public key, checked to be on the curve
 * @digest: SHA-384 of the message
 * @sig:    r || s
 *
 * For self-tests and checks of public data; not optimised for speed.
 * Return: 0 if the signature is valid, a negative value otherwise.
 */
int p384_verify_digest(const u8 pub[P384_PUB_LEN],
		       const u8 digest[NSM_SHA384_LEN],
		       const u8 sig[P384_SIG_LEN]);

/**
 * p384_selftest() - known-answer test of the signer (RFC 6979 A.2.6)
 *
 * Derives the RFC's public key, signs "sample", compares r || s with the
 * published values, verifies the signature and checks that a corrupted
 * one is rejected. Meant for module load (about 1 ms).
 * Return: 0, or a negative value if anything differs.
 */
int p384_selftest(void);

#endif /* NSM_CORE_P384_H */
