/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnsm internals shared between source files; nothing here is exported. */
#ifndef LIBNSM_INTERNAL_H
#define LIBNSM_INTERNAL_H

#include <stdint.h>
#include <stddef.h>

#include "nsm_verify.h"
#include "cborp.h"
#include "helpers/file.h"	/* compiled in */
#include "helpers/hex.h"
#include "helpers/pcr.h"	/* labels.c compiled in */

/* The payload fields, in the order real hardware emits them. */
#define NSM_PAYLOAD_FIELDS	9

struct nsm_pcr_entry {
	uint32_t key;	/* node of the key */
	uint32_t val;	/* node of the value */
};

struct nsm_doc_key {
	uint32_t key;
	uint32_t val;
	char *name;
};

struct nsm_doc {
	uint8_t *raw;
	size_t len;
	struct cb_tree t;
	bool tagged;
	uint32_t cose;			/* the 4-element array */
	uint32_t part[4];		/* protected, unprotected, payload, sig */
	uint32_t map;			/* the payload map */
	uint32_t fkey[NSM_PAYLOAD_FIELDS];	/* key node of each field */
	uint32_t fval[NSM_PAYLOAD_FIELDS];	/* value node of each field */
	char *module_id;		/* NUL-terminated copies */
	char *digest;
	struct nsm_pcr_entry *pcrs;
	size_t npcrs;
	uint32_t *cab;			/* cabundle element nodes */
	size_t ncab;
	struct nsm_doc_key *keys;
	size_t nkeys;
	bool nitrotpm;
};

/*
 * nsm__error() - fill @err (when not NULL) with @code, @off and the
 * formatted message (error.c). Every function of nsm_verify.h that takes
 * a struct nsm_error fills it through this.
 */
void nsm__error(struct nsm_error *err, int code, uint64_t off,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* nsm__errno() - nsm__error() with code 0 and strerror(-@ret) as the
 * message; returns @ret */
int nsm__errno(struct nsm_error *err, int ret);

/* The AWS root in PEM (awsroot.c) */
extern const char nsm__aws_root_pem[];

/* KMS policy evaluation (kms.c). Returns 0 and sets *ok/msg, or -EINVAL
 * when the policy is not usable JSON (msg says why), -ENOMEM. */
int nsm__kms_eval(const char *json, const struct nsm_doc *doc, bool *ok,
		  char *msg, size_t msglen);

/*
 * COSE_Sign1 ES384 check (verify.c): the raw r||s @sig over the
 * Sig_structure of the protected header bytes and the payload bytes, with
 * @key (an EVP_PKEY, EC P-384), by ec384.c or, with @openssl_only or a
 * compressed key, by OpenSSL. Return: 1 valid, 0 invalid, -ENOMEM.
 */
struct evp_pkey_st;
int nsm__cose_es384_verify(struct evp_pkey_st *key, const uint8_t *prot,
			   size_t prot_len, const uint8_t *payload,
			   size_t payload_len, const uint8_t sig[96],
			   bool openssl_only);

#endif /* LIBNSM_INTERNAL_H */
