/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsm-verify: parse, inspect and verify Nitro attestation documents
 * (COSE_Sign1 signed by the NSM), compare PCRs, load expected
 * measurements, read enclave images. A library of its own (SONAME
 * libnsm-verify.so.0, pkg-config libnsm-verify) on OpenSSL and json-c;
 * the AWS-compatible client API is libnsm (nsm.h), which needs neither.
 *
 * Conventions (libgit2/libfido2 style):
 * - Output parameters come first. Functions returning int return 0 on
 *   success or a negative errno value on an *operational* failure:
 *   -EINVAL (bad argument, unusable input such as a malformed policy or
 *   PEM), -ENOMEM, -EIO/-ENOENT/... (file access), -EBADMSG (bytes that are
 *   not a document at all, nsm_doc_parse() only). "The document is invalid,
 *   and why" is never an error code: verification returns 0 and a
 *   struct nsm_result listing checks that passed, failed or were skipped.
 * - Error detail has one form: every function that can fail for a reason
 *   worth telling takes a struct nsm_error * (NULL allowed) right after
 *   its output parameters, or after the object it works on, and fills it
 *   whenever it returns an error.
 * - Objects are opaque; x_new()/x_parse() allocate, x_free(&p) releases
 *   and sets p to NULL (NULL and *p == NULL are no-ops).
 * - Getters returning pointers *borrow* from the object they are called on:
 *   the pointer is valid until that object is freed. Nothing returned by a
 *   getter may be freed by the caller.
 * - Thread safety: distinct objects may be used from distinct threads. A
 *   struct nsm_verifier must not be used by two threads at once (it holds a
 *   cache); a parsed struct nsm_doc is read-only and may be shared.
 * - Times are int64_t milliseconds since the Unix epoch (the unit of the
 *   document's timestamp field).
 */
#ifndef NSM_VERIFY_H
#define NSM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NSM_VERIFY_API_VERSION	1

#define NSM_MAX_PCRS		32	/* PCR indexes are 0..31 */
#define NSM_PCR_MAX_LEN		64	/* SHA-512; real documents use 48 */
#define NSM_SHA256_LEN		32

/*
 * NSM_DOC_MAX_SIZE - the largest document nsm_doc_parse() (and so
 * nsm_verify_bytes()) accepts, in bytes: 64 KiB, well above the 12 KiB the
 * NSM can return. Larger input is refused before any of it is parsed
 * (-EBADMSG, check NSM_CHECK_COSE_STRUCTURE, "document larger than ...").
 * Below it, parsing memory is linear in the input (Documentation/libnsm.rst
 * states the bound; lib/tests/test_mem.c checks it on worst-case shapes).
 */
#define NSM_DOC_MAX_SIZE	(64u * 1024)

/* ------------------------------------------------------------------ */
/* Check codes                                                         */
/* ------------------------------------------------------------------ */

/**
 * enum nsm_step - the verification stage a check belongs to
 */
enum nsm_step {
	NSM_STEP_SYNTAX = 0,	/* CBOR and COSE_Sign1 structure */
	NSM_STEP_SEMANTIC,	/* payload fields (AWS's rules) */
	NSM_STEP_CHAIN,		/* X.509 chain to a trusted root */
	NSM_STEP_SIGNATURE,	/* COSE ES384 signature */
	NSM_STEP_POLICY,	/* caller's expectations */
};

/**
 * enum nsm_check_code - stable identifiers of every check.
 *
 * Values and names (nsm_check_name()) never change once released; new
 * codes are appended. A result lists checks in the order below; each
 * appears at most once. Documentation/verification.rst describes each.
 */
enum nsm_check_code {
	/* syntax */
	NSM_CHECK_CBOR = 0,		/* "cbor.wellformed": complete, valid CBOR */
	NSM_CHECK_CBOR_TRAILING,	/* "cbor.trailing": no bytes after the item */
	NSM_CHECK_CBOR_DUPLICATE_KEY,	/* "cbor.duplicate_key" */
	NSM_CHECK_COSE_STRUCTURE,	/* "cose.structure": [bstr, map, bstr, bstr],
					   untagged or tag 18 */
	NSM_CHECK_COSE_PROTECTED,	/* "cose.protected": exactly a1013822 */
	NSM_CHECK_COSE_ALG,		/* "cose.alg": alg is -35 (ES384) */
	NSM_CHECK_COSE_UNPROTECTED,	/* "cose.unprotected": empty map */
	NSM_CHECK_COSE_SIGNATURE_LEN,	/* "cose.signature_len": 96 bytes */
	NSM_CHECK_PAYLOAD_MAP,		/* "payload.map": payload is one CBOR map
					   with text keys */
	NSM_CHECK_PAYLOAD_TYPES,	/* "payload.types": every known field has
					   its CBOR type */
	/* semantic */
	NSM_CHECK_NOT_NITROTPM,		/* "doc.not_nitrotpm": not a NitroTPM doc */
	NSM_CHECK_MODULE_ID,		/* "doc.module_id": non-empty text */
	NSM_CHECK_DIGEST,		/* "doc.digest": "SHA384" */
	NSM_CHECK_TIMESTAMP,		/* "doc.timestamp": > 0, plausible ms */
	NSM_CHECK_PCRS,			/* "doc.pcrs": 1..32, keys 0..31, 32/48/64 B */
	NSM_CHECK_CERTIFICATE,		/* "doc.certificate": 1..1024 bytes */
	NSM_CHECK_CABUNDLE,		/* "doc.cabundle": non-empty, 1..1024 B each */
	NSM_CHECK_OPTIONAL_FIELDS,	/* "doc.optional": public_key, user_data,
					   nonce are bstr or null when present */
	/* chain */
	NSM_CHECK_CERT_DECODE,		/* "chain.decode": every DER parses */
	NSM_CHECK_CHAIN_TRUSTED_ROOT,	/* "chain.trusted_root": chain ends at a
					   root in the verifier's trust store */
	NSM_CHECK_CHAIN_SIGNATURES,	/* "chain.signatures": each cert signed
					   by the next */
	NSM_CHECK_CHAIN_NOT_EXPIRED,	/* "chain.not_expired": no cert expired at
					   the verification time */
	NSM_CHECK_CHAIN_NOT_YET_VALID,	/* "chain.not_yet_valid": no cert starts
					   after the verification time */
	NSM_CHECK_CHAIN_CA,		/* "chain.ca_constraints": CA certs have
					   critical CA:TRUE, keyCertSign, and
					   pathLen is respected */
	NSM_CHECK_CHAIN_LEAF,		/* "chain.leaf": leaf is CA:FALSE, has
					   digitalSignature, P-384 key */
	NSM_CHECK_CHAIN_OTHER,		/* "chain.other": any other X.509 error */
	/* signature */
	NSM_CHECK_COSE_SIGNATURE,	/* "cose.signature": ES384 over
					   Sig_structure with the leaf key */
	/* policy (only present when requested) */
	NSM_CHECK_POLICY_PCRS,		/* "policy.pcrs" */
	NSM_CHECK_POLICY_NONCE,		/* "policy.nonce" */
	NSM_CHECK_POLICY_USER_DATA,	/* "policy.user_data" */
	NSM_CHECK_POLICY_PUBLIC_KEY,	/* "policy.public_key" */
	NSM_CHECK_POLICY_MAX_AGE,	/* "policy.max_age": not older than the
					   limit, not in the future */
	NSM_CHECK_POLICY_NOT_DEBUG,	/* "policy.not_debug": PCR0-2 not zero */
	NSM_CHECK_POLICY_KMS,		/* "policy.kms": kms:RecipientAttestation
					   conditions of a key policy hold */
	NSM_CHECK_COUNT
};

/** enum nsm_check_status - outcome of one check */
enum nsm_check_status {
	NSM_CHECK_PASS = 0,
	NSM_CHECK_FAIL,
	NSM_CHECK_SKIP,		/* not run: a prerequisite failed */
};

/**
 * struct nsm_check - one entry of a result
 * @code:    what was checked (stable)
 * @step:    its stage
 * @status:  pass, fail or skip
 * @message: human-readable detail (never NULL; owned by the result)
 */
struct nsm_check {
	enum nsm_check_code code;
	enum nsm_step step;
	enum nsm_check_status status;
	const char *message;
};

/** nsm_check_name() - stable name of @code ("cose.signature"), or
 * "unknown"; a static string, like every *_name() result of this header */
const char *nsm_check_name(enum nsm_check_code code);
/** nsm_check_code_from_name() - inverse of nsm_check_name(); -1 if unknown */
int nsm_check_code_from_name(const char *name);
/** nsm_step_name() - "syntax", "semantic", "chain", "signature", "policy" */
const char *nsm_step_name(enum nsm_step step);
/** nsm_check_status_name() - "pass", "fail", "skip" */
const char *nsm_check_status_name(enum nsm_check_status status);

/* ------------------------------------------------------------------ */
/* Error detail                                                        */
/* ------------------------------------------------------------------ */

/**
 * struct nsm_error - why a call failed: the one form of error detail of
 * this library. Filled by the function it is passed to whenever that
 * function returns a negative errno (the return value stays the errno).
 * @code:    what is wrong, in the code space the function names: an enum
 *           nsm_check_code (nsm_doc_parse()), an enum nsm_eif_status (EIF
 *           functions), else 0
 * @offset:  byte offset in the input where it was found (0 when none)
 * @message: human-readable, NUL-terminated, never empty when filled
 */
struct nsm_error {
	int code;
	uint64_t offset;
	char message[200];
};

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

struct nsm_doc;

/**
 * nsm_doc_parse() - decode a COSE_Sign1 attestation document
 * @docp: receives the document (free with nsm_doc_free())
 * @err:  filled on error (may be NULL); on -EBADMSG its code is
 *        NSM_CHECK_CBOR, _CBOR_TRAILING, _CBOR_DUPLICATE_KEY,
 *        _COSE_STRUCTURE or _PAYLOAD_MAP and its offset where the
 *        problem was found
 * @buf:  document bytes; copied, the caller keeps ownership
 * @len:  their number
 *
 * Accepts tagged (18) or untagged COSE_Sign1, definite or indefinite maps
 * and strings, all integer widths. Requires exactly one CBOR item (no
 * trailing bytes), no duplicate map keys anywhere, a 4-element array whose
 * payload element is a byte string holding exactly one CBOR map.
 * Everything else (wrong field types, missing fields, bad sizes, wrong
 * header) is NOT a parse error: the document is decoded as far as possible
 * so that tools can show it, and nsm_verify() reports the problems.
 *
 * Input longer than NSM_DOC_MAX_SIZE is refused before it is parsed or
 * copied (-EBADMSG, code NSM_CHECK_COSE_STRUCTURE, offset 0).
 *
 * Return: 0, -EBADMSG (not a document; @err says why), -EINVAL (NULL
 * argument), -ENOMEM.
 */
int nsm_doc_parse(struct nsm_doc **docp, struct nsm_error *err,
		  const uint8_t *buf, size_t len);

/** nsm_doc_free() - release *@docp and set it to NULL; NULL-safe */
void nsm_doc_free(struct nsm_doc **docp);

/** nsm_doc_raw() - the document bytes (the library's copy); @len receives
 * their number. Offsets in struct nsm_span index this buffer. */
const uint8_t *nsm_doc_raw(const struct nsm_doc *doc, size_t *len);

/** nsm_doc_is_tagged() - true when the COSE_Sign1 carried tag 18 */
bool nsm_doc_is_tagged(const struct nsm_doc *doc);
/** nsm_doc_payload_indefinite() - true when the payload map header is
 * indefinite-length (0xbf, current hardware) */
bool nsm_doc_payload_indefinite(const struct nsm_doc *doc);

/**
 * enum nsm_presence - state of a payload field
 * @NSM_ABSENT:     the key is not in the map
 * @NSM_NULL:       the value is CBOR null
 * @NSM_PRESENT:    the value has the expected type (getter returns it)
 * @NSM_WRONG_TYPE: the value has another type (getter returns nothing)
 */
enum nsm_presence {
	NSM_ABSENT = 0,
	NSM_NULL,
	NSM_PRESENT,
	NSM_WRONG_TYPE,
};

/**
 * nsm_doc_module_id() - module_id, NUL-terminated (borrowed)
 * Return: NULL unless the field is a text string. A module id containing a
 * NUL byte is returned truncated; verification rejects it.
 */
const char *nsm_doc_module_id(const struct nsm_doc *doc);
/** nsm_doc_digest() - digest text ("SHA384"), borrowed; NULL if not text */
const char *nsm_doc_digest(const struct nsm_doc *doc);
/** nsm_doc_timestamp() - timestamp (ms); false if absent or not a uint */
bool nsm_doc_timestamp(const struct nsm_doc *doc, uint64_t *ms);

/** nsm_doc_pcr_count() - entries of the pcrs map (0 if not a map) */
size_t nsm_doc_pcr_count(const struct nsm_doc *doc);
/**
 * nsm_doc_pcr_at() - the @i-th PCR entry, in document order
 * @index: receives the PCR index (entries whose key is not an unsigned
 *         integer below 2^32 are reported with index UINT32_MAX)
 * @val:   receives the value (borrowed; NULL if it is not a byte string)
 * @len:   receives its length
 * Return: 0, or -ENOENT when @i >= nsm_doc_pcr_count().
 */
int nsm_doc_pcr_at(const struct nsm_doc *doc, size_t i, uint32_t *index,
		   const uint8_t **val, size_t *len);
/** nsm_doc_pcr() - value of PCR @index (borrowed), NULL when absent */
const uint8_t *nsm_doc_pcr(const struct nsm_doc *doc, uint32_t index,
			   size_t *len);

/** nsm_doc_certificate() - leaf certificate DER (borrowed), NULL if absent
 * or not a byte string */
const uint8_t *nsm_doc_certificate(const struct nsm_doc *doc, size_t *len);
/** nsm_doc_cabundle_count() - cabundle entries (0 if absent, null, or not
 * an array) */
size_t nsm_doc_cabundle_count(const struct nsm_doc *doc);
/** nsm_doc_cabundle() - DER of cabundle[@i] (root first; borrowed); NULL
 * when out of range or not a byte string */
const uint8_t *nsm_doc_cabundle(const struct nsm_doc *doc, size_t i,
				size_t *len);

/**
 * nsm_doc_public_key(), nsm_doc_user_data(), nsm_doc_nonce() - optional
 * byte fields. @val/@len receive the bytes (borrowed) when the result is
 * NSM_PRESENT (an empty byte string is PRESENT with @len 0), else NULL/0.
 */
enum nsm_presence nsm_doc_public_key(const struct nsm_doc *doc,
				     const uint8_t **val, size_t *len);
enum nsm_presence nsm_doc_user_data(const struct nsm_doc *doc,
				    const uint8_t **val, size_t *len);
enum nsm_presence nsm_doc_nonce(const struct nsm_doc *doc,
				const uint8_t **val, size_t *len);

/** nsm_doc_is_debug() - true when PCR0, PCR1 and PCR2 are present and all
 * zero bytes (a debug-mode enclave) */
bool nsm_doc_is_debug(const struct nsm_doc *doc);
/** nsm_doc_is_nitrotpm() - true for a NitroTPM document (nitrotpm_pcrs) */
bool nsm_doc_is_nitrotpm(const struct nsm_doc *doc);

/** nsm_doc_signature() - the 4th COSE element's bytes (borrowed) */
const uint8_t *nsm_doc_signature(const struct nsm_doc *doc, size_t *len);
/** nsm_doc_payload() - the payload bytes (the encoded map; borrowed) */
const uint8_t *nsm_doc_payload(const struct nsm_doc *doc, size_t *len);
/** nsm_doc_protected() - protected header bytes (borrowed) */
const uint8_t *nsm_doc_protected(const struct nsm_doc *doc, size_t *len);

/* --- byte offsets, for hex views ------------------------------------ */

/**
 * enum nsm_field - addressable parts of a document
 * The COSE_* parts are elements of the outer array; the others are payload
 * fields.
 */
enum nsm_field {
	NSM_FIELD_MODULE_ID = 0,
	NSM_FIELD_DIGEST,
	NSM_FIELD_TIMESTAMP,
	NSM_FIELD_PCRS,
	NSM_FIELD_CERTIFICATE,
	NSM_FIELD_CABUNDLE,
	NSM_FIELD_PUBLIC_KEY,
	NSM_FIELD_USER_DATA,
	NSM_FIELD_NONCE,
	NSM_FIELD_COSE_PROTECTED,
	NSM_FIELD_COSE_UNPROTECTED,
	NSM_FIELD_COSE_PAYLOAD,
	NSM_FIELD_COSE_SIGNATURE,
	NSM_FIELD_COUNT
};

/** nsm_field_name() - "module_id", ..., "cose.protected", ... */
const char *nsm_field_name(enum nsm_field field);

/**
 * struct nsm_span - where an item lies in nsm_doc_raw()
 * @key_off:  offset of the map key item (payload fields and PCR entries;
 *            equals @off for array elements)
 * @off:      offset of the value item, CBOR header included
 * @len:      length of the value item, header included
 * @data_off: offset of the content (string bytes; for other types == @off)
 * @data_len: length of the content (for indefinite strings: from the
 *            first chunk to the break byte)
 */
struct nsm_span {
	size_t key_off;
	size_t off;
	size_t len;
	size_t data_off;
	size_t data_len;
};

/**
 * nsm_doc_field_span() - position of @field's value in nsm_doc_raw()
 * Return: 0, -ENOENT when the field is absent, -EINVAL for a bad @field.
 */
int nsm_doc_field_span(const struct nsm_doc *doc, enum nsm_field field,
		       struct nsm_span *span);
/** nsm_doc_pcr_span() - position of the @i-th PCR entry (document order);
 * -ENOENT when out of range */
int nsm_doc_pcr_span(const struct nsm_doc *doc, size_t i,
		     struct nsm_span *span);
/** nsm_doc_cabundle_span() - position of cabundle[@i]; -ENOENT when out of
 * range */
int nsm_doc_cabundle_span(const struct nsm_doc *doc, size_t i,
			  struct nsm_span *span);

/** nsm_doc_key_count() - number of keys of the payload map, known or not */
size_t nsm_doc_key_count(const struct nsm_doc *doc);
/**
 * nsm_doc_key_at() - the @i-th payload key in document order
 * @name: receives the key text, NUL-terminated (borrowed); "<non-text key>"
 *        when the key is not a text string
 * @span: receives the value's position (may be NULL)
 * Return: 0, or -ENOENT when out of range.
 */
int nsm_doc_key_at(const struct nsm_doc *doc, size_t i, const char **name,
		   struct nsm_span *span);

/* ------------------------------------------------------------------ */
/* Certificates                                                        */
/* ------------------------------------------------------------------ */

/**
 * struct nsm_cert_info - summary of one X.509 certificate
 * @subject:       one-line subject (OpenSSL RFC 2253 form)
 * @issuer:        one-line issuer
 * @not_before_ms: validity start
 * @not_after_ms:  validity end
 * @is_ca:         BasicConstraints CA:TRUE
 * @path_len:      pathLenConstraint, -1 when none
 * @key_usage:     X.509 KeyUsage bits (digitalSignature = 0x80,
 *                 keyCertSign = 0x04, ...); UINT32_MAX when absent
 * @sha256:        SHA-256 of the DER (the usual fingerprint)
 */
struct nsm_cert_info {
	char subject[256];
	char issuer[256];
	int64_t not_before_ms;
	int64_t not_after_ms;
	bool is_ca;
	int path_len;
	uint32_t key_usage;
	uint8_t sha256[NSM_SHA256_LEN];
};

/**
 * nsm_cert_info() - decode @der into @info
 * Return: 0, -EINVAL when @der is not one DER certificate, -ENOMEM.
 */
int nsm_cert_info(struct nsm_cert_info *info, const uint8_t *der, size_t len);

/** nsm_aws_root_der() - the built-in AWS Nitro Enclaves Root-G1 (static
 * storage); SHA-256 641a0321...79bb5b */
const uint8_t *nsm_aws_root_der(size_t *len);

/* ------------------------------------------------------------------ */
/* PCR sets: expected measurements, diffs, labels                      */
/* ------------------------------------------------------------------ */

/** struct nsm_pcrset - values for any subset of PCRs 0..31 */
struct nsm_pcrset;

/** nsm_pcrset_new() - an empty set; -ENOMEM */
int nsm_pcrset_new(struct nsm_pcrset **setp);
/** nsm_pcrset_free() - release *@setp, set it to NULL; NULL-safe */
void nsm_pcrset_free(struct nsm_pcrset **setp);
/**
 * nsm_pcrset_set() - set PCR @index to @val (copied)
 * Return: 0, -EINVAL (@index >= 32, or @len not 32, 48 or 64).
 */
int nsm_pcrset_set(struct nsm_pcrset *set, uint32_t index, const uint8_t *val,
		   size_t len);
/** nsm_pcrset_set_hex() - same, from hex text; -EINVAL on bad hex */
int nsm_pcrset_set_hex(struct nsm_pcrset *set, uint32_t index,
		       const char *hex);
/** nsm_pcrset_get() - value of PCR @index (borrowed); NULL when unset */
const uint8_t *nsm_pcrset_get(const struct nsm_pcrset *set, uint32_t index,
			      size_t *len);
/** nsm_pcrset_count() - number of PCRs set */
size_t nsm_pcrset_count(const struct nsm_pcrset *set);

/**
 * nsm_pcrset_load() - parse expected measurements from text
 * @setp:   receives a new set (free with nsm_pcrset_free())
 * @err:    filled on error (may be NULL): on -EINVAL, where and why
 * @text:   the contents (need not be NUL-terminated)
 * @len:    their length
 *
 * Formats, detected from the contents:
 * - lines "PCR<n> <hex>" or "<n> <hex>" ('=' or ':' also separate; blank
 *   lines and '#' comments ignored);
 * - a JSON object {"PCR0": "hex", ...} (keys "PCR<n>" or "<n>");
 * - `nitro-cli describe-eif` / `build-enclave` JSON: an object with a
 *   "Measurements" object holding "HashAlgorithm" (ignored) and "PCR<n>".
 * Return: 0, -EINVAL (malformed; @err says where), -ENOMEM.
 */
int nsm_pcrset_load(struct nsm_pcrset **setp, struct nsm_error *err,
		    const char *text, size_t len);
/** nsm_pcrset_load_file() - nsm_pcrset_load() on a file ("-" = stdin);
 * also -errno from reading. A file starting with ".eif" is an enclave
 * image: its measurements (nsm_eif_file_pcrs()) are the set; an image
 * that does not open, or whose CRC or signature fails, is -EINVAL with
 * @err naming the nsm_eif_status (and @err->code holding it). */
int nsm_pcrset_load_file(struct nsm_pcrset **setp, struct nsm_error *err,
			 const char *path);
/** nsm_pcrset_from_doc() - the PCRs of a document (values copied); PCR
 * entries with bad keys or values are left out */
int nsm_pcrset_from_doc(struct nsm_pcrset **setp, const struct nsm_doc *doc);

enum nsm_pcr_diff_state {
	NSM_PCR_UNCHANGED = 0,	/* in both, equal */
	NSM_PCR_CHANGED,	/* in both, different */
	NSM_PCR_MISSING_A,	/* only in B */
	NSM_PCR_MISSING_B,	/* only in A */
};

/**
 * struct nsm_pcr_diff - one PCR index of a comparison
 * @index: the PCR
 * @state: how A and B relate
 * @a:     A's value (borrowed from A), NULL when missing
 * @a_len: its length
 * @b:     B's value (borrowed from B), NULL when missing
 * @b_len: its length
 */
struct nsm_pcr_diff {
	uint32_t index;
	enum nsm_pcr_diff_state state;
	const uint8_t *a;
	size_t a_len;
	const uint8_t *b;
	size_t b_len;
};

/**
 * nsm_pcr_diff() - compare two PCR sets index by index
 * @out: receives one entry per index present in A or B, ascending
 * @a:   first set (e.g. from a document)
 * @b:   second set (e.g. expected measurements)
 * Return: the number of entries written (0..32). Pointers in @out borrow
 * from @a and @b.
 */
size_t nsm_pcr_diff(struct nsm_pcr_diff out[NSM_MAX_PCRS],
		    const struct nsm_pcrset *a, const struct nsm_pcrset *b);
/** nsm_pcr_diff_docs() - nsm_pcr_diff() of two documents' pcrs; pointers
 * borrow from the documents. Return: entries written (0..32), or -EINVAL /
 * -ENOMEM */
int nsm_pcr_diff_docs(struct nsm_pcr_diff out[NSM_MAX_PCRS],
		      const struct nsm_doc *a, const struct nsm_doc *b);
/** nsm_pcr_diff_doc() - a document (A) against expected values (B);
 * returns as nsm_pcr_diff_docs() */
int nsm_pcr_diff_doc(struct nsm_pcr_diff out[NSM_MAX_PCRS],
		     const struct nsm_doc *a, const struct nsm_pcrset *b);
/** nsm_pcr_diff_state_name() - "unchanged", "changed", "missing-a",
 * "missing-b" */
const char *nsm_pcr_diff_state_name(enum nsm_pcr_diff_state state);

/* ------------------------------------------------------------------ */
/* Enclave Image Format (EIF) files                                    */
/* ------------------------------------------------------------------ */

/*
 * An EIF is what `nitro-cli build-enclave` writes: a 548-byte header, then
 * sections (kernel, cmdline, metadata, ramdisks, signature). Opening one
 * reads it in one streaming pass with bounded memory (about 64 KiB plus
 * the small sections it keeps: cmdline, metadata, signature), checks its
 * structure and CRC-32, computes the measurements PCR0, PCR1, PCR2 and,
 * for a signed image, PCR8 exactly as AWS's tools do, and verifies the
 * signature. Documentation/eif.rst describes the format and the checks.
 */
struct nsm_eif;

#define NSM_EIF_PCR_LEN		48	/* SHA-384 measurements */
#define NSM_EIF_MAX_SECTIONS	32	/* the header's table size */

/**
 * enum nsm_eif_status - why an EIF was refused, or what failed in it.
 * Values and names (nsm_eif_status_name()) never change once released;
 * new codes are appended. nsm_eif_strerror() gives a sentence.
 */
enum nsm_eif_status {
	NSM_EIF_OK = 0,
	NSM_EIF_ERR_MAGIC,		/* "eif.magic": not ".eif" */
	NSM_EIF_ERR_VERSION,		/* "eif.version": not 2, 3 or 4 */
	NSM_EIF_ERR_TRUNCATED,		/* "eif.truncated": the file ends inside
					   the header or a section */
	NSM_EIF_ERR_SECTION_COUNT,	/* "eif.section_count": more than 32 */
	NSM_EIF_ERR_SECTION_BOUNDS,	/* "eif.section_bounds": a section
					   starts past the end of the file, or
					   its end is past 2^64 */
	NSM_EIF_ERR_SECTION_OVERLAP,	/* "eif.section_overlap": a section
					   starts inside the header or the
					   previous section */
	NSM_EIF_ERR_SECTION_TABLE,	/* "eif.section_table": the offset table
					   leaves a gap, or a section header's
					   size disagrees with the table's */
	NSM_EIF_ERR_SECTION_TYPE,	/* "eif.section_type": type not 1..5 */
	NSM_EIF_ERR_TRAILING,		/* "eif.trailing": bytes after the last
					   section */
	NSM_EIF_ERR_NO_KERNEL,		/* "eif.no_kernel" */
	NSM_EIF_ERR_NO_CMDLINE,		/* "eif.no_cmdline" */
	NSM_EIF_ERR_NO_RAMDISK,		/* "eif.no_ramdisk" */
	NSM_EIF_ERR_DUPLICATE,		/* "eif.duplicate_section": two kernel,
					   cmdline, metadata or signature
					   sections */
	NSM_EIF_ERR_SECTION_ORDER,	/* "eif.section_order": not kernel,
					   cmdline, [metadata], ramdisks,
					   [signature] */
	NSM_EIF_ERR_SECTION_SIZE,	/* "eif.section_size": a section the
					   reader keeps is over its limit
					   (cmdline 64 KiB, metadata 1 MiB,
					   signature 64 KiB) */
	NSM_EIF_ERR_CRC,		/* "eif.crc": CRC-32 does not match */
	NSM_EIF_ERR_METADATA,		/* "eif.metadata": not a JSON object */
	NSM_EIF_ERR_SIGNATURE_DECODE,	/* "eif.signature_decode": the section
					   is not [{signing_certificate,
					   signature}] around a COSE_Sign1 */
	NSM_EIF_ERR_SIGNATURE_CERT,	/* "eif.signature_cert": no PEM X.509
					   certificate with a P-384 key */
	NSM_EIF_ERR_SIGNATURE_INVALID,	/* "eif.signature_invalid": ES384 does
					   not verify with the certificate */
	NSM_EIF_ERR_SIGNATURE_PCR0,	/* "eif.signature_pcr0": the signed
					   payload is not {register_index: 0,
					   register_value: the image's PCR0} */
	NSM_EIF_STATUS_COUNT
};

/** nsm_eif_status_name() - stable name ("eif.crc"), "unknown" if none */
const char *nsm_eif_status_name(enum nsm_eif_status status);
/** nsm_eif_strerror() - one sentence for @status (static) */
const char *nsm_eif_strerror(enum nsm_eif_status status);

/* nsm_eif_open() flags */
#define NSM_EIF_KEEP_INVALID	(1u << 0)	/* open also when the CRC or
						   the signature fails; the
						   status getters tell */

/**
 * nsm_eif_open() - read an EIF from memory
 * @eifp:  receives the image (free with nsm_eif_free()); NULL on failure
 * @err:   filled on error (may be NULL); on -EBADMSG its code is the
 *         enum nsm_eif_status and its offset the file offset
 * @buf:   the file's bytes; not kept, the caller keeps ownership
 * @len:   their number
 * @flags: NSM_EIF_* bits
 *
 * Checks, in order: the header, the section table against the file, each
 * section header, the set and order of sections, the CRC-32, the metadata
 * JSON, then the signature (decoding, certificate, ES384, signed PCR0).
 * The first failure is reported. With NSM_EIF_KEEP_INVALID a CRC or
 * signature failure does not refuse the image (nsm_eif_status() returns
 * it); structural failures always do.
 * Return: 0, -EBADMSG (the image is malformed; @err says why), -EINVAL
 * (NULL argument, unknown flag), -ENOMEM.
 */
int nsm_eif_open(struct nsm_eif **eifp, struct nsm_error *err,
		 const uint8_t *buf, size_t len, unsigned int flags);

/**
 * nsm_eif_open_file() - nsm_eif_open() on a file ("-" = stdin), read in
 * one sequential pass without holding the file in memory
 * Return: as nsm_eif_open(), or -errno of open/read.
 */
int nsm_eif_open_file(struct nsm_eif **eifp, struct nsm_error *err,
		      const char *path, unsigned int flags);

/** nsm_eif_free() - release *@eifp and set it to NULL; NULL-safe */
void nsm_eif_free(struct nsm_eif **eifp);

/**
 * nsm_eif_file_pcrs() - the boot measurements of an EIF file, for an
 * emulated enclave: PCR0, PCR1, PCR2 and, when signed, PCR8
 * @setp: receives a new set (free with nsm_pcrset_free())
 * @err:  filled when -EBADMSG is returned (may be NULL)
 * @path: the file
 * Refuses images whose CRC or signature fails.
 * Return: as nsm_eif_open_file().
 */
int nsm_eif_file_pcrs(struct nsm_pcrset **setp, struct nsm_error *err,
		      const char *path);

/**
 * nsm_eif_status() - the first failed check of an image opened with
 * NSM_EIF_KEEP_INVALID (NSM_EIF_ERR_CRC or a signature code), else
 * NSM_EIF_OK
 */
enum nsm_eif_status nsm_eif_status(const struct nsm_eif *eif);

/* --- header ---------------------------------------------------------- */

/** nsm_eif_version() - the header's format version (2, 3 or 4) */
uint16_t nsm_eif_version(const struct nsm_eif *eif);
/** nsm_eif_flags() - the header's flags (bit 0: aarch64) */
uint16_t nsm_eif_flags(const struct nsm_eif *eif);
/** nsm_eif_arch() - "aarch64" when flag bit 0 is set, else "x86_64" */
const char *nsm_eif_arch(const struct nsm_eif *eif);
/** nsm_eif_default_mem() - default enclave memory in bytes */
uint64_t nsm_eif_default_mem(const struct nsm_eif *eif);
/** nsm_eif_default_cpus() - default number of enclave vCPUs */
uint64_t nsm_eif_default_cpus(const struct nsm_eif *eif);
/** nsm_eif_file_size() - bytes in the image */
uint64_t nsm_eif_file_size(const struct nsm_eif *eif);
/** nsm_eif_header_crc32() - the CRC-32 the header records */
uint32_t nsm_eif_header_crc32(const struct nsm_eif *eif);
/** nsm_eif_computed_crc32() - the CRC-32 of the image's bytes */
uint32_t nsm_eif_computed_crc32(const struct nsm_eif *eif);
/** nsm_eif_crc_ok() - the two are equal */
bool nsm_eif_crc_ok(const struct nsm_eif *eif);

/* --- sections -------------------------------------------------------- */

enum nsm_eif_section_type {
	NSM_EIF_SECTION_INVALID = 0,
	NSM_EIF_SECTION_KERNEL,
	NSM_EIF_SECTION_CMDLINE,
	NSM_EIF_SECTION_RAMDISK,
	NSM_EIF_SECTION_SIGNATURE,
	NSM_EIF_SECTION_METADATA,
};

/**
 * struct nsm_eif_section - one entry of the section table
 * @type:   what it holds
 * @flags:  the section header's flags
 * @offset: file offset of its 12-byte section header
 * @size:   bytes of data after that header
 */
struct nsm_eif_section {
	enum nsm_eif_section_type type;
	uint16_t flags;
	uint64_t offset;
	uint64_t size;
};

/** nsm_eif_section_count() - number of sections (1..32) */
size_t nsm_eif_section_count(const struct nsm_eif *eif);
/** nsm_eif_section_at() - section @i in file order; -ENOENT when out of
 * range */
int nsm_eif_section_at(const struct nsm_eif *eif, size_t i,
		       struct nsm_eif_section *section);
/** nsm_eif_section_type_name() - "kernel", "cmdline", "ramdisk",
 * "signature", "metadata", "invalid" */
const char *nsm_eif_section_type_name(enum nsm_eif_section_type type);
/** nsm_eif_cmdline() - the kernel command line, NUL-terminated (borrowed;
 * a NUL byte inside truncates it); @len (may be NULL) receives the
 * section's size */
const char *nsm_eif_cmdline(const struct nsm_eif *eif, size_t *len);

/* --- metadata (EIF version 4) ------------------------------------------ */

/**
 * nsm_eif_metadata() - the metadata section, NUL-terminated JSON
 * (borrowed); NULL when the image has none
 */
const char *nsm_eif_metadata(const struct nsm_eif *eif, size_t *len);

/** enum nsm_eif_meta - the text fields of the metadata */
enum nsm_eif_meta {
	NSM_EIF_META_IMAGE_NAME = 0,	/* ImageName */
	NSM_EIF_META_IMAGE_VERSION,	/* ImageVersion */
	NSM_EIF_META_BUILD_TIME,	/* BuildMetadata.BuildTime */
	NSM_EIF_META_BUILD_TOOL,	/* BuildMetadata.BuildTool */
	NSM_EIF_META_BUILD_TOOL_VERSION,/* BuildMetadata.BuildToolVersion */
	NSM_EIF_META_OPERATING_SYSTEM,	/* BuildMetadata.OperatingSystem */
	NSM_EIF_META_KERNEL_VERSION,	/* BuildMetadata.KernelVersion */
	NSM_EIF_META_COUNT
};

/** nsm_eif_meta_name() - the JSON key ("ImageName", "BuildTime", ...) */
const char *nsm_eif_meta_name(enum nsm_eif_meta field);
/** nsm_eif_meta() - a text field of the metadata (borrowed); NULL when
 * absent or not a string */
const char *nsm_eif_meta(const struct nsm_eif *eif, enum nsm_eif_meta field);
/**
 * nsm_eif_meta_json() - a top-level metadata member as compact JSON text
 * (borrowed): "DockerInfo", "CustomMetadata", "BuildMetadata", ...;
 * "null" for a JSON null, NULL when the key is absent
 */
const char *nsm_eif_meta_json(const struct nsm_eif *eif, const char *key);

/* --- measurements and signature ---------------------------------------- */

/**
 * nsm_eif_pcr() - measurement PCR @index (borrowed, NSM_EIF_PCR_LEN
 * bytes): 0 (kernel, cmdline, every ramdisk), 1 (kernel, cmdline, first
 * ramdisk), 2 (the other ramdisks), 8 (signing certificate; signed images
 * only). NULL for any other index.
 */
const uint8_t *nsm_eif_pcr(const struct nsm_eif *eif, uint32_t index);
/** nsm_eif_pcrset() - the measurements as a new PCR set (free with
 * nsm_pcrset_free()); -ENOMEM */
int nsm_eif_pcrset(struct nsm_pcrset **setp, const struct nsm_eif *eif);

/** nsm_eif_is_signed() - the image has a signature section */
bool nsm_eif_is_signed(const struct nsm_eif *eif);
/**
 * nsm_eif_signature_status() - NSM_EIF_OK when the image is unsigned or
 * its signature verifies; else the signature failure (images opened with
 * NSM_EIF_KEEP_INVALID)
 */
enum nsm_eif_status nsm_eif_signature_status(const struct nsm_eif *eif);
/** nsm_eif_signing_cert() - DER of the signing certificate (borrowed);
 * NULL when unsigned or undecodable */
const uint8_t *nsm_eif_signing_cert(const struct nsm_eif *eif, size_t *len);

/* ------------------------------------------------------------------ */
/* Verification                                                        */
/* ------------------------------------------------------------------ */

/**
 * struct nsm_verifier - trust store plus a cache of verified chains. Reuse
 * one for many documents: chains proven once are not re-proven (the cache
 * remembers the validity window in which the proof holds; every document
 * still gets its time check and its own signature check).
 */
struct nsm_verifier;

/* nsm_verifier_new() flags */
#define NSM_VERIFIER_NO_AWS_ROOT	(1u << 0)	/* do not trust AWS root G1 */
#define NSM_VERIFIER_NO_CACHE		(1u << 1)	/* full X509 path per doc */
/*
 * Every signature by OpenSSL's providers (a FIPS provider, say). By
 * default ECDSA P-384 signatures, on certificates and documents, are
 * checked by the library's own verifier, 2-3x faster than OpenSSL 3.0's;
 * OpenSSL still builds and checks the chain either way.
 */
#define NSM_VERIFIER_OPENSSL_ONLY	(1u << 2)

/**
 * nsm_verifier_new() - a verifier trusting AWS root G1 (unless
 * NSM_VERIFIER_NO_AWS_ROOT) and nothing else
 * @vp:    receives it (free with nsm_verifier_free())
 * @flags: NSM_VERIFIER_* bits
 * Return: 0, -EINVAL (unknown flag), -ENOMEM.
 */
int nsm_verifier_new(struct nsm_verifier **vp, unsigned int flags);
/** nsm_verifier_free() - release *@vp, set it to NULL; NULL-safe */
void nsm_verifier_free(struct nsm_verifier **vp);

/*
 * A verifier's trust store holds any number of roots; a document is valid
 * when its chain ends in any of them, and its result names which
 * (nsm_result_root()). Each root has a name for people: the one given
 * when it was added, else the CN of its subject (the built-in AWS root is
 * "AWS root G1"). Roots keep the order they were added in; adding a root
 * that is already there is not an error and keeps its first name.
 */

/**
 * nsm_verifier_add_root_pem() - trust every certificate in PEM text
 * @v:    the verifier
 * @err:  filled on error (may be NULL)
 * @pem:  the text (copied; need not be NUL-terminated)
 * @len:  its length
 * @name: name of the roots (copied); NULL: each one's subject CN
 * Return: 0, -EINVAL (NULL argument, or no certificate in the text),
 * -ENOMEM.
 */
int nsm_verifier_add_root_pem(struct nsm_verifier *v, struct nsm_error *err,
			      const char *pem, size_t len, const char *name);
/** nsm_verifier_add_root_der() - trust one DER certificate (copied), named
 * as with nsm_verifier_add_root_pem(); -EINVAL if it is not exactly one
 * certificate, -ENOMEM */
int nsm_verifier_add_root_der(struct nsm_verifier *v, struct nsm_error *err,
			      const uint8_t *der, size_t len,
			      const char *name);
/** nsm_verifier_add_root_file() - every certificate of a PEM file, or the
 * one of a DER file, named as with nsm_verifier_add_root_pem(); -errno
 * from reading, -EINVAL when it holds no certificate */
int nsm_verifier_add_root_file(struct nsm_verifier *v, struct nsm_error *err,
			       const char *path, const char *name);
/** nsm_verifier_root_count() - number of trusted roots */
size_t nsm_verifier_root_count(const struct nsm_verifier *v);
/** nsm_verifier_root_name() - name of root @i (borrowed), NULL when out of
 * range */
const char *nsm_verifier_root_name(const struct nsm_verifier *v, size_t i);
/** nsm_verifier_root_sha256() - SHA-256 of root @i's DER; false when out
 * of range */
bool nsm_verifier_root_sha256(const struct nsm_verifier *v, size_t i,
			      uint8_t out[NSM_SHA256_LEN]);
/**
 * nsm_verifier_cache_stats() - chain cache counters since creation
 * @hits:   chains accepted from the cache (may be NULL)
 * @misses: chains verified with X509_verify_cert (may be NULL)
 */
void nsm_verifier_cache_stats(const struct nsm_verifier *v, uint64_t *hits,
			      uint64_t *misses);

/** enum nsm_time_policy - the instant at which certificates must be valid */
enum nsm_time_policy {
	NSM_TIME_NOW = 0,	/* the current clock */
	NSM_TIME_DOCUMENT,	/* the document's timestamp (stored documents) */
	NSM_TIME_GIVEN,		/* opts->time_ms */
};

#define NSM_VERIFY_OPTS_VERSION	1

/**
 * struct nsm_verify_opts - what to check beyond the document itself.
 * Initialise with nsm_verify_opts_init(); fields may be added in later
 * versions (the version field tells the library which layout it got).
 * Every pointer is borrowed for the duration of nsm_verify() only.
 *
 * @version:          NSM_VERIFY_OPTS_VERSION
 * @time_policy:      which instant certificates are checked at
 * @time_ms:          that instant, for NSM_TIME_GIVEN
 * @max_age_ms:       0: no limit; else the document's timestamp must be at
 *                    most this old relative to the reference instant (now
 *                    for NSM_TIME_NOW/DOCUMENT, @time_ms for GIVEN) and at
 *                    most @max_future_ms ahead of it
 * @max_future_ms:    clock skew tolerated with @max_age_ms (default 60 s)
 * @expected_pcrs:    every PCR in the set must be in the document with an
 *                    equal value (NULL: no check)
 * @check_nonce:      require the nonce to be present and equal @nonce
 *                    (@nonce_len 0: an empty byte string)
 * @nonce, @nonce_len
 * @check_user_data:  same for user_data
 * @user_data, @user_data_len
 * @check_public_key: same for public_key
 * @public_key, @public_key_len
 * @reject_debug:     fail debug-mode documents (PCR0-2 zero)
 * @kms_policy_json:  NUL-terminated AWS KMS key policy; its
 *                    kms:RecipientAttestation:ImageSha384 and :PCR<n>
 *                    conditions (StringEquals / StringEqualsIgnoreCase, a
 *                    string or a list of strings) must hold for at least
 *                    one statement that has them (NULL: no check). A
 *                    policy that is not JSON is -EINVAL from nsm_verify().
 */
struct nsm_verify_opts {
	unsigned int version;
	enum nsm_time_policy time_policy;
	int64_t time_ms;
	uint64_t max_age_ms;
	uint64_t max_future_ms;
	const struct nsm_pcrset *expected_pcrs;
	bool check_nonce;
	const uint8_t *nonce;
	size_t nonce_len;
	bool check_user_data;
	const uint8_t *user_data;
	size_t user_data_len;
	bool check_public_key;
	const uint8_t *public_key;
	size_t public_key_len;
	bool reject_debug;
	const char *kms_policy_json;
};

/** nsm_verify_opts_init() - zero @opts, set the version, NSM_TIME_NOW and
 * a 60 s max_future_ms */
void nsm_verify_opts_init(struct nsm_verify_opts *opts);

/** struct nsm_result - the list of checks of one verification */
struct nsm_result;

/**
 * nsm_verify() - run every verification step on @doc
 * @resultp: receives the result (free with nsm_result_free()), also when
 *           the document fails
 * @err:     filled on error (may be NULL)
 * @v:       verifier (trust store, cache)
 * @doc:     parsed document
 * @opts:    options; NULL means nsm_verify_opts_init() defaults
 *
 * Steps: syntax, semantic, chain, signature, then the policy checks the
 * options ask for. Later steps run when their inputs are available (the
 * signature is checked even when the chain fails, to explain more at
 * once); a check whose inputs are missing is NSM_CHECK_SKIP.
 * Return: 0 when the checks ran (see nsm_result_ok()); -EINVAL (NULL
 * argument, unknown opts version or time policy, negative given time,
 * malformed KMS policy), -ENOMEM. On error *@resultp is NULL and @err
 * explains.
 */
int nsm_verify(struct nsm_result **resultp, struct nsm_error *err,
	       struct nsm_verifier *v, const struct nsm_doc *doc,
	       const struct nsm_verify_opts *opts);

/**
 * nsm_verify_bytes() - nsm_doc_parse() then nsm_verify(); a parse failure
 * is a result with the failed syntax check (not an error)
 * Return: as nsm_verify().
 */
int nsm_verify_bytes(struct nsm_result **resultp, struct nsm_error *err,
		     struct nsm_verifier *v, const uint8_t *buf, size_t len,
		     const struct nsm_verify_opts *opts);

/** nsm_result_free() - release *@rp, set it to NULL; NULL-safe */
void nsm_result_free(struct nsm_result **rp);
/** nsm_result_ok() - true when no check failed (skips only follow fails,
 * so a passing result has no skip either) */
bool nsm_result_ok(const struct nsm_result *r);
/** nsm_result_count() - number of checks */
size_t nsm_result_count(const struct nsm_result *r);
/** nsm_result_check() - check @i (borrowed), NULL when out of range */
const struct nsm_check *nsm_result_check(const struct nsm_result *r,
					 size_t i);
/** nsm_result_find() - the check with @code (borrowed), NULL if not run */
const struct nsm_check *nsm_result_find(const struct nsm_result *r,
					enum nsm_check_code code);
/** nsm_result_first_failure() - first failed check (borrowed), NULL if none */
const struct nsm_check *nsm_result_first_failure(const struct nsm_result *r);
/** nsm_result_time_ms() - the instant the chain was checked at */
int64_t nsm_result_time_ms(const struct nsm_result *r);
/**
 * nsm_result_root_sha256() - fingerprint of the trusted root the chain
 * ended at
 * Return: true and @out filled when the chain reached a trusted root.
 */
bool nsm_result_root_sha256(const struct nsm_result *r,
			    uint8_t out[NSM_SHA256_LEN]);
/**
 * nsm_result_root() - which of the verifier's roots the chain ended in
 * Return: its index (nsm_verifier_root_name() names it), or -1 when the
 * chain reached no trusted root.
 */
int nsm_result_root(const struct nsm_result *r);
/** nsm_result_root_name() - the name of that root (borrowed from the
 * result), NULL when the chain reached no trusted root */
const char *nsm_result_root_name(const struct nsm_result *r);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NSM_VERIFY_H */
