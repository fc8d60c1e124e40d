/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of a test PKI directory, written by `nsmctl ca init DIR` and
 * read by `nsmctl emu provision DIR`:
 *
 *   chain.pem      root, regional, zonal, instance CA certificates, in
 *                  that order (the cabundle order: root first)
 *   root.pem       the root alone: what verifiers pin (nsmctl verify --root)
 *   instance.key   the instance CA's private key (PKCS #8 PEM, mode 0600)
 *
 * The root, regional and zonal keys are used once, to sign, and never
 * written: the directory holds the one key the emulator needs.
 */
#ifndef NSMCTL_PKIDIR_H
#define NSMCTL_PKIDIR_H

#define PKIDIR_CHAIN	"chain.pem"
#define PKIDIR_ROOT	"root.pem"
#define PKIDIR_KEY	"instance.key"

/* Certificates of the chain (AWS's shape) and the emulator's limits. */
#define PKIDIR_CHAIN_LEN	4
#define PKIDIR_CERT_MAX		1024	/* AWS's rule for cabundle entries */

#endif /* NSMCTL_PKIDIR_H */
