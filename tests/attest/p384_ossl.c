// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY stand-in for the core's P-384 signer (kmod/core/p384*.c), backed
 * by OpenSSL, so the attestation tests can run before the real signer lands.
 * Signatures use OpenSSL's random nonces, not RFC 6979. Remove this file from
 * the build once kmod/core/p384.c is committed.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>

#include "../../kmod/core/p384.h"

static EC_GROUP *group(void)
{
	static EC_GROUP *g;

	if (!g)
		g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	return g;
}

bool p384_priv_valid(const u8 priv[P384_SCALAR_LEN])
{
	BIGNUM *d = BN_bin2bn(priv, P384_SCALAR_LEN, NULL);
	bool ok = d && !BN_is_zero(d) &&
		  BN_cmp(d, EC_GROUP_get0_order(group())) < 0;

	BN_clear_free(d);
	return ok;
}

int p384_keygen(u8 priv[P384_SCALAR_LEN])
{
	do {
		if (nsm_plat_random(priv, P384_SCALAR_LEN))
			return -1;
	} while (!p384_priv_valid(priv));
	return 0;
}

int p384_pubkey(const u8 priv[P384_SCALAR_LEN], u8 pub[P384_PUB_LEN])
{
	BIGNUM *d = BN_bin2bn(priv, P384_SCALAR_LEN, NULL);
	EC_POINT *q = EC_POINT_new(group());
	int ret = -1;

	if (d && q && p384_priv_valid(priv) &&
	    EC_POINT_mul(group(), q, d, NULL, NULL, NULL) &&
	    EC_POINT_point2oct(group(), q, POINT_CONVERSION_UNCOMPRESSED, pub,
			       P384_PUB_LEN, NULL) == P384_PUB_LEN)
		ret = 0;
	EC_POINT_free(q);
	BN_clear_free(d);
	return ret;
}

int p384_sign_digest(const u8 priv[P384_SCALAR_LEN],
		     const u8 digest[NSM_SHA384_LEN], u8 sig[P384_SIG_LEN])
{
	EC_KEY *key = EC_KEY_new_by_curve_name(NID_secp384r1);
	BIGNUM *d = BN_bin2bn(priv, P384_SCALAR_LEN, NULL);
	ECDSA_SIG *s = NULL;
	int ret = -1;

	if (!key || !d || !p384_priv_valid(priv) ||
	    !EC_KEY_set_private_key(key, d))
		goto out;
	s = ECDSA_do_sign(digest, NSM_SHA384_LEN, key);
	if (s &&
	    BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, P384_SCALAR_LEN) == P384_SCALAR_LEN &&
	    BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + P384_SCALAR_LEN,
			 P384_SCALAR_LEN) == P384_SCALAR_LEN)
		ret = 0;
out:
	ECDSA_SIG_free(s);
	BN_clear_free(d);
	EC_KEY_free(key);
	return ret;
}
