/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsm-kmsd: a local endpoint speaking AWS KMS's JSON protocol that honours
 * Nitro attestation documents (Recipient) signed under the emulator's test
 * roots. Documentation/kms.rst describes it; nsm-kmsd(8) its options.
 *
 * Layers, each in its own file:
 *   http.c      libmicrohttpd: bodies, limits, timeouts, SigV4, dispatch
 *   api.c       one request (target, content type, body) -> one reply; no
 *               I/O of its own, so the fuzzer drives it directly
 *   ops.c       the KMS operations
 *   store.c     keys, aliases, policies: memory + a state directory
 *   blob.c      the ciphertext blob (AES-256-GCM, key id + context bound)
 *   policy.c    key policies: the grammar subset, evaluation
 *   recipient.c Recipient: attestation documents via libnsm-verify
 *   cms.c       CiphertextForRecipient, the CMS EnvelopedData KMS sends
 *   sigv4.c     optional SigV4 verification
 *   util.c      base64, hex, ids, time, atomic file writes
 */
#ifndef KMSD_H
#define KMSD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#define KMSD_VERSION		"0.2.0"

/* KMS limits (the API model) */
#define KMS_PLAINTEXT_MAX	4096
#define KMS_CIPHERTEXT_MAX	6144
#define KMS_RANDOM_MAX		1024
#define KMS_DESCRIPTION_MAX	8192
#define KMS_POLICY_MAX		131072
#define KMS_KEYID_MAX		2048
#define KMS_ATTESTATION_MAX	262144
#define KMS_ALIAS_MAX		256

/* Largest request body accepted: room for a maximal base64 Recipient. */
#define KMSD_BODY_MAX		(512u * 1024)

#define KMSD_KEY_LEN		32	/* AES-256 key material */
#define KMSD_UUID_LEN		36

/* ------------------------------------------------------------------ */
/* Errors: one KMS error type, its HTTP status, a message              */
/* ------------------------------------------------------------------ */

enum kms_err {
	KMS_OK = 0,
	KMS_E_VALIDATION,		/* ValidationException */
	KMS_E_SERIALIZATION,		/* SerializationException */
	KMS_E_UNKNOWN_OPERATION,	/* UnknownOperationException */
	KMS_E_NOT_FOUND,		/* NotFoundException */
	KMS_E_ALREADY_EXISTS,		/* AlreadyExistsException */
	KMS_E_INVALID_ALIAS,		/* InvalidAliasNameException */
	KMS_E_INVALID_CIPHERTEXT,	/* InvalidCiphertextException */
	KMS_E_INCORRECT_KEY,		/* IncorrectKeyException */
	KMS_E_ACCESS_DENIED,		/* AccessDeniedException */
	KMS_E_MALFORMED_POLICY,		/* MalformedPolicyDocumentException */
	KMS_E_UNSUPPORTED,		/* UnsupportedOperationException */
	KMS_E_INVALID_GRANT_TOKEN,	/* InvalidGrantTokenException */
	KMS_E_INVALID_MARKER,		/* InvalidMarkerException */
	KMS_E_DRY_RUN,			/* DryRunOperationException */
	KMS_E_INVALID_SIGNATURE,	/* InvalidSignatureException */
	KMS_E_MISSING_AUTH,		/* MissingAuthenticationTokenException */
	KMS_E_TOO_LARGE,		/* RequestEntityTooLargeException */
	KMS_E_UNSUPPORTED_MEDIA,	/* UnsupportedMediaTypeException */
	KMS_E_INTERNAL,			/* KMSInternalException */
	KMS_E_COUNT
};

const char *kms_err_type(enum kms_err e);
int kms_err_status(enum kms_err e);

/*
 * struct kms_status - the outcome of an operation: KMS_OK, or an error type
 * and its message (the text a client shows; it names the check that failed).
 */
struct kms_status {
	enum kms_err err;
	char msg[1024];
};

/* Set @st to @e with a printf-style message; returns -1 for tail calls. */
int kms_fail(struct kms_status *st, enum kms_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------ */
/* Policies (policy.c)                                                 */
/* ------------------------------------------------------------------ */

struct kms_policy;

/* What a request looks like to the policy evaluator. */
struct kms_policy_req {
	const char *action;		/* "kms:Decrypt" */
	const char *key_arn;		/* the key's ARN */
	/* attestation condition values, lower-case hex; NULL = no Recipient */
	bool has_recipient;
	const char *pcr_hex[32];	/* NULL when the document lacks the PCR */
};

enum kms_decision {
	KMS_POLICY_IMPLICIT_DENY = 0,
	KMS_POLICY_ALLOW,
	KMS_POLICY_EXPLICIT_DENY,
};

/*
 * kms_policy_parse() - check a key policy against the supported grammar
 * @out: receives the parsed policy (kms_policy_free())
 * @st:  on failure MalformedPolicyDocumentException naming what is wrong
 *       or unsupported
 * Return: 0 or -1.
 */
int kms_policy_parse(struct kms_policy **out, struct kms_status *st,
		     const char *text, size_t len);
void kms_policy_free(struct kms_policy **p);

/*
 * kms_policy_eval() - evaluate @req; @why receives the statement or
 * condition that decided (for the message of an AccessDeniedException)
 */
enum kms_decision kms_policy_eval(const struct kms_policy *p,
				  const struct kms_policy_req *req,
				  char *why, size_t why_len);

/* The policy CreateKey gives a key when the request has none. */
char *kms_default_policy(const char *account);

/* ------------------------------------------------------------------ */
/* State (store.c)                                                     */
/* ------------------------------------------------------------------ */

struct kms_key {
	char id[KMSD_UUID_LEN + 1];
	double created;			/* epoch seconds */
	char *description;
	uint8_t material[KMSD_KEY_LEN];
	char *policy_text;
	struct kms_policy *policy;
};

struct kms_alias {
	char *name;			/* alias/... */
	char target[KMSD_UUID_LEN + 1];
	double created;
	double updated;
};

struct kms_store;

/*
 * kms_store_open() - load (or create) the state directory @dir; NULL keeps
 * everything in memory (the fuzzer)
 */
int kms_store_open(struct kms_store **out, const char *dir, char *err,
		   size_t err_len);
void kms_store_close(struct kms_store **s);

/*
 * Every accessor copies out what the caller needs under the store's lock:
 * a key found by kms_store_get_key() is a snapshot the caller frees with
 * kms_key_free().
 */
int kms_store_add_key(struct kms_store *s, struct kms_status *st,
		      const char *description, const char *policy_text,
		      struct kms_policy *policy, struct kms_key **out);
int kms_store_get_key(struct kms_store *s, const char *id,
		      struct kms_key **out);
int kms_store_set_policy(struct kms_store *s, struct kms_status *st,
			 const char *id, const char *text,
			 struct kms_policy *policy);
/* Key ids in id order starting after @after (NULL: from the first). */
size_t kms_store_list_keys(struct kms_store *s, const char *after,
			   size_t limit, char (*ids)[KMSD_UUID_LEN + 1],
			   bool *more);
size_t kms_store_key_count(struct kms_store *s);
int kms_store_add_alias(struct kms_store *s, struct kms_status *st,
			const char *name, const char *target);
/* Target key id of alias @name; -1 when there is none. */
int kms_store_alias_target(struct kms_store *s, const char *name,
			   char target[KMSD_UUID_LEN + 1]);
/* Snapshot of every alias (sorted by name), freed with kms_aliases_free(). */
size_t kms_store_aliases(struct kms_store *s, struct kms_alias **out);
void kms_aliases_free(struct kms_alias *a, size_t n);
void kms_key_free(struct kms_key **k);

/* ------------------------------------------------------------------ */
/* Ciphertext blobs (blob.c)                                           */
/* ------------------------------------------------------------------ */

/*
 * Blob: "NKM1" | key id (36) | IV (12) | AES-256-GCM(plaintext) | tag (16).
 * The additional data is the header followed by the encryption context,
 * canonical (keys sorted, each key and value length-prefixed).
 */
#define KMSD_BLOB_OVERHEAD	(4 + KMSD_UUID_LEN + 12 + 16)

int kms_blob_seal(uint8_t **out, size_t *out_len, const struct kms_key *k,
		  json_object *context, const uint8_t *pt, size_t pt_len);
/* The key id a blob names; -1 when @blob cannot be one. */
int kms_blob_key_id(const uint8_t *blob, size_t len,
		    char id[KMSD_UUID_LEN + 1]);
/* -1 when the tag does not verify (tampered blob or wrong context). */
int kms_blob_open(uint8_t **out, size_t *out_len, const struct kms_key *k,
		  json_object *context, const uint8_t *blob, size_t len);

/* AES-256-GCM helpers for the store's wrapped key material */
int kms_gcm_seal(uint8_t *out, const uint8_t key[32], const uint8_t *aad,
		 size_t aad_len, const uint8_t *pt, size_t pt_len);
int kms_gcm_open(uint8_t *out, const uint8_t key[32], const uint8_t *aad,
		 size_t aad_len, const uint8_t *in, size_t in_len);

/* ------------------------------------------------------------------ */
/* Recipient (recipient.c) and the CMS envelope (cms.c)                */
/* ------------------------------------------------------------------ */

struct kms_trust;

struct kms_trust_opts {
	const char *const *root_files;	/* --root, NULL-terminated */
	bool aws_root;			/* --aws-root */
	bool local_root;		/* the emulator's root, if present */
	const char *local_root_path;	/* default: configfs pki/root */
	uint64_t max_age_ms;		/* freshness window */
};

int kms_trust_new(struct kms_trust **out, const struct kms_trust_opts *o,
		  char *err, size_t err_len);
void kms_trust_free(struct kms_trust **t);
size_t kms_trust_root_count(const struct kms_trust *t);

/* A verified Recipient: what the policy and the envelope need. */
struct kms_recipient {
	void *pkey;			/* EVP_PKEY *, RSA-2048 */
	uint8_t ski[32];		/* SHA-256 of the SPKI DER */
	char *pcr_hex[32];		/* lower-case hex, NULL when absent */
};

/*
 * kms_recipient_check() - decode and verify a Recipient member
 * @st: on failure ValidationException (shape: algorithm, base64, public
 *      key) or AccessDeniedException (trust: chain, signature, freshness),
 *      the message naming the check
 */
int kms_recipient_check(struct kms_recipient *r, struct kms_status *st,
			struct kms_trust *t, json_object *recipient);
void kms_recipient_release(struct kms_recipient *r);

/*
 * kms_cms_envelope() - ContentInfo(EnvelopedData) holding @secret for the
 * RSA key @pkey: the byte shape KMS sends (Documentation/kms.rst)
 */
int kms_cms_envelope(uint8_t **out, size_t *out_len, void *pkey,
		     const uint8_t ski[32], const uint8_t *secret,
		     size_t secret_len);

/* ------------------------------------------------------------------ */
/* Server context and the request API (api.c, ops.c)                   */
/* ------------------------------------------------------------------ */

struct kms_ctx {
	struct kms_store *store;
	struct kms_trust *trust;
	const char *region;
	const char *account;
	bool quiet;
	/* counters (atomics) */
	uint64_t requests;
	uint64_t errors;
};

struct kms_reply {
	int status;
	char *body;			/* malloc()ed JSON text, may be "" */
	size_t len;
	enum kms_err err;		/* KMS_OK on success */
};

/*
 * kms_handle() - answer one request
 * @target:       the X-Amz-Target header (NULL when absent)
 * @content_type: the Content-Type header (NULL when absent)
 * @body, @len:   the body (need not be NUL-terminated)
 * Never fails: every problem becomes a KMS-shaped error reply.
 */
void kms_handle(struct kms_ctx *ctx, const char *target,
		const char *content_type, const uint8_t *body, size_t len,
		struct kms_reply *out);
/* An error reply with no operation (HTTP layer, SigV4). */
void kms_error_reply(struct kms_reply *out, enum kms_err e, const char *msg);
void kms_reply_free(struct kms_reply *r);

/* one operation: request object in, response object out */
typedef int (*kms_op_fn)(struct kms_ctx *ctx, struct kms_status *st,
			 json_object *req, json_object *resp);

struct kms_op {
	const char *name;		/* "Decrypt" */
	kms_op_fn fn;
};

const struct kms_op *kms_op_find(const char *name);

/* ------------------------------------------------------------------ */
/* SigV4 (sigv4.c)                                                     */
/* ------------------------------------------------------------------ */

struct kms_sigv4_header {
	const char *name;
	const char *value;
};

/*
 * kms_sigv4_verify() - check a request's AWS Signature Version 4
 * @hdrs: every request header, in any order and case
 * @now:  the current time (epoch seconds)
 * Return: 0, or -1 with @st set (MissingAuthenticationToken,
 * InvalidSignature) naming what did not match.
 */
int kms_sigv4_verify(struct kms_status *st, const char *access_key,
		     const char *secret, const char *method, const char *url,
		     const struct kms_sigv4_header *hdrs, size_t nhdrs,
		     const uint8_t *body, size_t len, time_t now);

/* ------------------------------------------------------------------ */
/* util.c                                                              */
/* ------------------------------------------------------------------ */

char *kms_b64_encode(const uint8_t *in, size_t len);
/* Strict standard base64 (padding required); -1 on anything else. */
int kms_b64_decode(uint8_t **out, size_t *out_len, const char *in,
		   size_t len);
void kms_hex(char *out, const uint8_t *in, size_t len);
void kms_uuid4(char out[KMSD_UUID_LEN + 1]);
bool kms_is_uuid(const char *s);
double kms_now(void);
/* a KMS timestamp: epoch seconds, a JSON number with milliseconds */
json_object *kms_json_date(double t);
/* write @data to @path via @path.tmp, fsync and rename; mode 0600 */
int kms_write_atomic(const char *path, const void *data, size_t len);
int kms_read_file(const char *path, uint8_t **out, size_t *len,
		  size_t max);
void kms_wipe(void *p, size_t len);
void kms_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool kms_log_quiet;

#endif /* KMSD_H */
