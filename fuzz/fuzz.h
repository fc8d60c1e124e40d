/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the core's deep fuzzers (fuzz_pki, fuzz_x509, fuzz_attest) and
 * their seed writer (mkseeds): the pinned clock, a deterministic random
 * stream, an input reader, and a small test PKI made with the core's own
 * certificate builder.
 *
 * Everything random the core asks for (keys, serials, nonces of key
 * generation) comes from fuzz_plat.c's stream, which each input restarts:
 * a finding reproduces from its input file alone, and the seed writer
 * writes the same files on every run.
 */
#ifndef NSM_FUZZ_H
#define NSM_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include "../kmod/core/attest.h"
#include "../kmod/core/der.h"

/* The fuzzers' "now": 2025-06-15 15:06:40 UTC. Every chain is valid then. */
#define FUZZ_NOW_S	1750000000ULL
#define FUZZ_NOW_MS	(FUZZ_NOW_S * 1000)

#define FUZZ_ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "invariant failed: %s (%s:%d)\n",	\
				#c, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

/* fuzz_plat.c: restart the random stream (a label per purpose). */
void fuzz_rng_reset(const char *label, unsigned int n);

/* Reading an input front to back; past its end every read gives zeros. */
struct fuzz_in {
	const u8 *p;
	size_t len;
};

u8 fuzz_u8(struct fuzz_in *in);
u16 fuzz_u16(struct fuzz_in *in);
u32 fuzz_u32(struct fuzz_in *in);
u64 fuzz_u64(struct fuzz_in *in);
/* up to @n bytes (fewer at the end of the input), borrowed */
const u8 *fuzz_bytes(struct fuzz_in *in, size_t n, size_t *got);

/* ---- the test PKI (testpki.c) ---------------------------------------- */

#define TP_NKEYS	6

/* Key @i of a fixed set: the same on every run and in every program. */
struct tp_key {
	u8 priv[P384_SCALAR_LEN];
	u8 pub[P384_PUB_LEN];
};

const struct tp_key *tp_key(unsigned int i);
/* the key whose public half is @pub, or NULL */
const struct tp_key *tp_key_by_pub(const u8 pub[P384_PUB_LEN]);

/* Encodings of a private key that provisioning accepts. */
enum tp_key_fmt {
	TP_KEY_RAW,		/* 48 big-endian bytes */
	TP_KEY_SEC1,		/* ECPrivateKey with [0] curve and [1] public key */
	TP_KEY_SEC1_BARE,	/* ECPrivateKey, neither optional field */
	TP_KEY_PKCS8,		/* PrivateKeyInfo around SEC1 with [1] (OpenSSL's) */
	TP_KEY_NFMT
};

/* Return: the encoding's length, 0 if it does not fit @cap. */
size_t tp_key_der(u8 *out, size_t cap, const struct tp_key *k,
		  enum tp_key_fmt fmt);

/**
 * struct tp_chain_opts - shape of a test chain
 * @n:          certificates, root first (1..NSM_PKI_CHAIN_MAX)
 * @key:        key index (tp_key()) of each certificate
 * @not_before: validity of every certificate
 * @not_after:  ditto
 * @name_pad:   characters added to each subject's OU (0: short names);
 *              tp_chain_max() picks the largest that keeps certs in 1 KiB
 * @pathlen:    pathLenConstraint of each certificate, -1 for none
 * @key_usage:  X509_KU_* bits of each
 * @no_ca:      index of a certificate issued with cA FALSE, or -1
 * @key_ids:    add SubjectKeyIdentifier and AuthorityKeyIdentifier
 */
struct tp_chain_opts {
	unsigned int n;
	unsigned int key[NSM_PKI_CHAIN_MAX];
	u64 not_before;
	u64 not_after;
	unsigned int name_pad;
	int pathlen[NSM_PKI_CHAIN_MAX];
	u8 key_usage[NSM_PKI_CHAIN_MAX];
	int no_ca;
	bool key_ids;
};

/* A chain for @n certificates that provisioning accepts at FUZZ_NOW_S. */
void tp_chain_default(struct tp_chain_opts *o, unsigned int n);
/*
 * The concatenated DER chain; @len receives each certificate's length
 * (may be NULL). Return: the total, 0 if it does not fit @cap.
 */
size_t tp_chain(u8 *out, size_t cap, const struct tp_chain_opts *o,
		size_t len[NSM_PKI_CHAIN_MAX]);
/* tp_chain() with the longest names that keep each certificate in 1 KiB */
size_t tp_chain_max(u8 *out, size_t cap, struct tp_chain_opts *o,
		    size_t len[NSM_PKI_CHAIN_MAX]);

/*
 * Re-sign one certificate: keep its first element (the TBSCertificate, as
 * given), sign it with @priv. Return: the new length, 0 when @cert has no
 * outer SEQUENCE or the result does not fit @cap.
 */
size_t tp_resign(u8 *out, size_t cap, const u8 *cert, size_t len,
		 const u8 priv[P384_SCALAR_LEN]);

#endif /* NSM_FUZZ_H */
