// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The signature step of X509_verify_cert(), with ECDSA P-384 done by
 * ec384.c.
 *
 * OpenSSL's chain verification first builds the path and checks it (CA
 * flags, path lengths, key usage, trust, names), then hands the built
 * chain to a final "verify" function that checks every signature and every
 * validity period, reporting each problem through the verify callback.
 * X509_STORE_CTX_set_verify() lets a caller supply that function. This one
 * makes the same checks in the same order with the same error codes as
 * OpenSSL 3.0's internal one, with two differences:
 *  - a signature that is ecdsa-with-SHA384 under a named-curve P-384
 *    issuer key is checked by nsm__p384_verify() over the SHA-384 of the
 *    certificate's TBSCertificate bytes; any other (other algorithms,
 *    curves, explicit parameters, compressed keys) goes to X509_verify(),
 *    as before;
 *  - no DANE bare-key trust anchors (the library configures none).
 * The validity times are compared by X509_cmp_time() against the time set
 * in the context's parameters, as OpenSSL does.
 *
 * Both paths decide alike: the fast one accepts exactly the strict DER
 * ECDSA-Sig-Value that OpenSSL 3.0 accepts (it re-encodes and compares), with
 * 1 <= r, s < n, and the same signature algorithm in the certificate and in
 * its TBSCertificate. tests/test_verify.c checks the equivalence on
 * mutated certificates.
 */
#include <stdbool.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ec384.h"
#include "sigcheck.h"

/* AlgorithmIdentifier { ecdsa-with-SHA384 } (RFC 5758: no parameters) */
static const uint8_t alg_ecdsa_sha384[] = {
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
};

/*
 * One strict DER TLV at *p (below end): definite length in the fewest
 * bytes, at most 4 length bytes. Sets *v, *vlen to the contents and
 * advances *p past it. Return: the tag, or -1.
 */
static int der_tlv(const uint8_t **p, const uint8_t *end, const uint8_t **v,
		   size_t *vlen)
{
	const uint8_t *q = *p;
	size_t len, i, n;
	int tag;

	if (end - q < 2)
		return -1;
	tag = *q++;
	if ((tag & 0x1f) == 0x1f)
		return -1;		/* high tag numbers: not used here */
	len = *q++;
	if (len & 0x80) {
		n = len & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - q) < n || q[0] == 0)
			return -1;
		for (len = 0, i = 0; i < n; i++)
			len = len << 8 | q[i];
		q += n;
		if (len < 0x80)
			return -1;
	}
	if ((size_t)(end - q) < len)
		return -1;
	*v = q;
	*vlen = len;
	*p = q + len;
	return tag;
}

/* A positive DER INTEGER of at most 48 bytes, right-aligned into out. */
static bool der_uint48(const uint8_t **p, const uint8_t *end,
		       uint8_t out[48])
{
	const uint8_t *v;
	size_t n;

	if (der_tlv(p, end, &v, &n) != 0x02 || n == 0 || (v[0] & 0x80))
		return false;
	if (n > 1 && v[0] == 0 && !(v[1] & 0x80))
		return false;		/* not minimal */
	if (v[0] == 0) {
		v++;
		n--;
	}
	if (n > 48)
		return false;
	memset(out, 0, 48 - n);
	memcpy(out + 48 - n, v, n);
	return true;
}

/*
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, strict DER and
 * nothing after it, to r || s. The range 1..n-1 is nsm__p384_verify()'s.
 */
static bool ecdsa_sig_raw(const uint8_t *der, size_t len, uint8_t rs[96])
{
	const uint8_t *p = der, *end = der + len, *v;
	size_t n;

	if (der_tlv(&p, end, &v, &n) != 0x30 || p != end)
		return false;
	p = v;
	end = v + n;
	return der_uint48(&p, end, rs) && der_uint48(&p, end, rs + 48) &&
	       p == end;
}

/* Is @issuer's key a named-curve P-384 EC key, and if so its point. */
static const uint8_t *p384_point(X509 *issuer)
{
	X509_PUBKEY *xpk = X509_get_X509_PUBKEY(issuer);
	ASN1_OBJECT *kalg;
	const ASN1_OBJECT *curve;
	const unsigned char *pt;
	const void *pval;
	X509_ALGOR *alg;
	int len, ptype;

	if (!xpk || !X509_PUBKEY_get0_param(&kalg, &pt, &len, &alg, xpk))
		return NULL;
	if (OBJ_obj2nid(kalg) != NID_X9_62_id_ecPublicKey)
		return NULL;
	X509_ALGOR_get0(NULL, &ptype, &pval, alg);
	curve = pval;
	if (ptype != V_ASN1_OBJECT || OBJ_obj2nid(curve) != NID_secp384r1)
		return NULL;
	if (len != NSM_P384_PUB_LEN || pt[0] != 0x04)
		return NULL;
	return pt;
}

/*
 * The signature on @subject by @issuer's key: 1 valid, 0 not, and -1 when
 * this is not an ecdsa-with-SHA384/P-384 case (X509_verify() decides
 * those). @anchor: the issuer came from the trust store.
 */
static int fast_signature(X509 *subject, X509 *issuer, bool anchor)
{
	const X509_ALGOR *outer, *inner = X509_get0_tbs_sigalg(subject);
	const uint8_t *pub = p384_point(issuer), *p, *end, *tbs, *v, *a;
	unsigned char *der = NULL;
	uint8_t md[48], rs[96];
	size_t tbs_len, n;
	int der_len, ret;

	if (!pub || X509_get_signature_nid(subject) != NID_ecdsa_with_SHA384)
		return -1;
	X509_get0_signature(NULL, &outer, subject);
	if (X509_ALGOR_cmp(outer, inner))
		return 0;		/* OpenSSL: signature algorithm mismatch */
	der_len = i2d_X509(subject, &der);
	if (der_len <= 0)
		return -1;
	/*
	 * Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signature }.
	 * OpenSSL decoded it already; a shape this strict reader does not
	 * take (BER lengths, say) is left to X509_verify().
	 */
	ret = -1;
	p = der;
	end = der + der_len;
	if (der_tlv(&p, end, &v, &n) != 0x30 || p != end)
		goto out;
	p = v;
	end = v + n;
	tbs = p;
	if (der_tlv(&p, end, &v, &n) != 0x30)
		goto out;
	tbs_len = (size_t)(p - tbs);
	a = p;
	if (der_tlv(&p, end, &v, &n) != 0x30 ||
	    (size_t)(p - a) != sizeof(alg_ecdsa_sha384) ||
	    memcmp(a, alg_ecdsa_sha384, sizeof(alg_ecdsa_sha384)))
		goto out;		/* e.g. NULL parameters */
	if (der_tlv(&p, end, &v, &n) != 0x03 || p != end || n < 1)
		goto out;
	/*
	 * From here the verdict is this code's: OpenSSL refuses unused
	 * bits in the signature and any ECDSA-Sig-Value that is not
	 * strict DER too.
	 */
	ret = 0;
	if (v[0] || !ecdsa_sig_raw(v + 1, n - 1, rs))
		goto out;
	if (!EVP_Digest(tbs, tbs_len, md, NULL, EVP_sha384(), NULL)) {
		ret = -1;
		goto out;
	}
	ret = anchor ? nsm__p384_verify_anchor(pub, md, rs) :
		       nsm__p384_verify(pub, md, rs);
out:
	OPENSSL_free(der);
	return ret;
}

/* Report @err on @cert at @depth through the verify callback. */
static int fail(X509_STORE_CTX *ctx, X509 *cert, int depth, int err)
{
	X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(ctx);

	X509_STORE_CTX_set_error_depth(ctx, depth);
	X509_STORE_CTX_set_current_cert(ctx, cert);
	X509_STORE_CTX_set_error(ctx, err);
	return cb(0, ctx);
}

/* RFC 5280 validity of @x at the context's time, as OpenSSL checks it. */
static int check_time(X509_STORE_CTX *ctx, X509 *x, int depth)
{
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	unsigned long flags = X509_VERIFY_PARAM_get_flags(vp);
	time_t t, *pt = NULL;
	int i;

	if (flags & X509_V_FLAG_NO_CHECK_TIME)
		return 1;
	if (flags & X509_V_FLAG_USE_CHECK_TIME) {
		t = X509_VERIFY_PARAM_get_time(vp);
		pt = &t;
	}
	i = X509_cmp_time(X509_get0_notBefore(x), pt);
	if (i >= 0 && !fail(ctx, x, depth, i == 0 ?
			       X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD :
			       X509_V_ERR_CERT_NOT_YET_VALID))
		return 0;
	i = X509_cmp_time(X509_get0_notAfter(x), pt);
	if (i <= 0 && !fail(ctx, x, depth, i == 0 ?
			       X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD :
			       X509_V_ERR_CERT_HAS_EXPIRED))
		return 0;
	return 1;
}

/*
 * OpenSSL's "likely issued" test of @x by itself (names, key identifiers,
 * signature algorithm against key type). X509_check_issued() makes it and
 * then the key usage test, which reports only KEYUSAGE errors.
 */
static bool likely_self_issued(X509 *x)
{
	int r = X509_check_issued(x, x);

	return r == X509_V_OK || r == X509_V_ERR_KEYUSAGE_NO_CERTSIGN ||
	       r == X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE;
}

/*
 * RFC 5280 6.1.4 (n), OpenSSL's ossl_x509_signing_allowed(): may @issuer's
 * key sign @subject? A proxy certificate needs digitalSignature, any other
 * keyCertSign, when the issuer has a key usage extension at all.
 */
static int signing_allowed(X509 *issuer, X509 *subject)
{
	uint32_t ku = X509_get_key_usage(issuer);

	if (ku == UINT32_MAX)
		return X509_V_OK;
	if (X509_get_extension_flags(subject) & EXFLAG_PROXY)
		return ku & KU_DIGITAL_SIGNATURE ? X509_V_OK :
		       X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE;
	return ku & KU_KEY_CERT_SIGN ? X509_V_OK :
	       X509_V_ERR_KEYUSAGE_NO_CERTSIGN;
}

int nsm__verify_chain_signatures(X509_STORE_CTX *ctx)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(ctx);
	unsigned long flags =
		X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx));
	int n = sk_X509_num(chain) - 1;
	X509 *xi, *xs;

	if (n < 0)
		return 0;
	xi = xs = sk_X509_value(chain, n);
	X509_STORE_CTX_set_error_depth(ctx, n);
	/* a top certificate that is not self-issued (a partial chain) is
	 * checked by nothing above it */
	if (!likely_self_issued(xi) && !(flags & X509_V_FLAG_PARTIAL_CHAIN)) {
		if (n > 0) {
			xs = sk_X509_value(chain, --n);
			X509_STORE_CTX_set_error_depth(ctx, n);
		} else if (!fail(ctx, xi, 0,
				 X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)) {
			return 0;
		}
	}

	while (n >= 0) {
		/* the self-signature of the top certificate is checked only
		 * on request: it adds no security */
		if (xs != xi || ((flags & X509_V_FLAG_CHECK_SS_SIGNATURE) &&
				 (X509_get_extension_flags(xi) & EXFLAG_SS))) {
			int issuer_depth = n + (xs == xi ? 0 : 1);
			int err = X509_V_OK;
			EVP_PKEY *pkey;
			int ok;

			/* a self-issued end entity at the top is exempt */
			if (!(xs == xi &&
			      !(X509_get_extension_flags(xi) & EXFLAG_CA)))
				err = signing_allowed(xi, xs);
			if (err != X509_V_OK && !fail(ctx, xi, issuer_depth, err))
				return 0;
			pkey = X509_get0_pubkey(xi);
			if (!pkey) {
				if (!fail(ctx, xi, issuer_depth,
					  X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY))
					return 0;
			} else {
				/* the store's certificates sit above the
				 * untrusted ones in the chain */
				ok = fast_signature(xs, xi, issuer_depth >=
						    X509_STORE_CTX_get_num_untrusted(ctx));
				if (ok < 0)
					ok = X509_verify(xs, pkey) > 0;
				if (!ok && !fail(ctx, xs, n,
						 X509_V_ERR_CERT_SIGNATURE_FAILURE))
					return 0;
			}
		}
		if (!check_time(ctx, xs, n))
			return 0;
		/* success at this depth (an earlier error stays set) */
		X509_STORE_CTX_set_current_cert(ctx, xs);
		X509_STORE_CTX_set_error_depth(ctx, n);
		if (!cb(1, ctx))
			return 0;
		if (--n >= 0) {
			xi = xs;
			xs = sk_X509_value(chain, n);
		}
	}
	return 1;
}
