/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The chain's signature and validity step (sigcheck.c). Private. */
#ifndef NSM_VERIFY_SIGCHECK_H
#define NSM_VERIFY_SIGCHECK_H

#include <openssl/x509_vfy.h>

/**
 * nsm__verify_chain_signatures() - the final step of X509_verify_cert()
 * @ctx: the store context, its chain built and checked
 *
 * For X509_STORE_CTX_set_verify(): checks every signature of the chain
 * (ECDSA P-384 by ec384.c, anything else by X509_verify()) and every
 * validity period, reporting problems through the context's verify
 * callback as OpenSSL's own step does.
 * Return: 1 to go on, 0 when the callback asked to stop.
 */
int nsm__verify_chain_signatures(X509_STORE_CTX *ctx);

#endif /* NSM_VERIFY_SIGCHECK_H */
