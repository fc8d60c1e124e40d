/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzers ask of libnsm, behind plain C types (nsmv.c).
 *
 * nsmv.c is the only file that includes nsm_verify.h, so that the fuzzers
 * see the core's types and these few calls only. (The core's protocol
 * error enum was once named like libnsm's struct nsm_error; it is enum
 * nsm_errcode now, and the two headers can meet.)
 */
#ifndef NSM_FUZZ_NSMV_H
#define NSM_FUZZ_NSMV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nsm_verifier;

/* a verifier that trusts @root only (not AWS's root); aborts on failure */
struct nsm_verifier *nsmv_new(const uint8_t *root, size_t len);
/* trust one more root */
void nsmv_add_root(struct nsm_verifier *v, const uint8_t *root, size_t len);
void nsmv_free(struct nsm_verifier *v);

/*
 * The document parses, and verifies at @time_ms with no check failing;
 * else the checks go to stderr and the process aborts.
 */
void nsmv_must_verify(struct nsm_verifier *v, const uint8_t *doc, size_t len,
		      int64_t time_ms);

struct nsmv_bytes {
	const uint8_t *p;
	size_t len;
	bool present;
};

/**
 * struct nsmv_expect - what a document must say, and how it must verify
 * @tagged, @indefinite, @debug, @module_id, @ts, @locked: as put in
 * @pcr:          the value of each PCR in @locked, as the document must
 *                carry it (zeros for PCR0..2 in debug mode)
 * @user_data, @nonce, @public_key: the request's fields
 * @cert:         the leaf certificate
 * @cab:          the cabundle, root first; @ncab entries
 * @time_ms:      the pinned time to verify at
 * @reject_debug: ask for the "not debug" policy
 * @nb_max:       latest notBefore of the leaf and the chain, seconds
 * @na_min:       earliest notAfter, seconds
 */
struct nsmv_expect {
	bool tagged, indefinite, debug, reject_debug;
	const char *module_id;
	uint64_t ts;
	uint32_t locked;
	const uint8_t (*pcr)[48];
	struct nsmv_bytes user_data, nonce, public_key;
	const uint8_t *cert;
	size_t cert_len;
	const uint8_t *cab[4];
	size_t cab_len[4];
	unsigned int ncab;
	int64_t time_ms;
	uint64_t nb_max, na_min;
};

/*
 * The document parses, every getter reads back what @e says, and it
 * verifies at @e->time_ms with every policy the request allows, every
 * check passing but doc.timestamp for a timestamp before 2001 and
 * policy.not_debug for a debug document refused by it; verified at its
 * own timestamp, it fails exactly chain.not_yet_valid before @e->nb_max
 * and chain.not_expired after @e->na_min. Aborts on any difference.
 */
void nsmv_check(struct nsm_verifier *v, const uint8_t *doc, size_t len,
		const struct nsmv_expect *e);

#endif /* NSM_FUZZ_NSMV_H */
