// SPDX-License-Identifier: GPL-2.0
/*
 * Recipient: the attestation document a request carries so that the secret
 * comes back encrypted to the enclave's key. The document is verified by
 * libnsm-verify against the configured roots (the emulator's, --root
 * files, AWS's only with --aws-root) with a freshness window; its
 * public_key must be an RSA-2048 SubjectPublicKeyInfo.
 *
 * Refusals: ValidationException for a Recipient that is malformed (wrong
 * algorithm, not base64, not a document, no usable public key);
 * AccessDeniedException for one that is well formed but not trusted
 * (chain, signature, freshness). Each message names the check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <nsm_verify.h>

#include "kmsd.h"

#define LOCAL_ROOT "/sys/kernel/config/nsm_emu/pki/root"

struct root {
	uint8_t *der;
	size_t len;
	char name[128];
};

/*
 * The local emulator's root is followed, not read once: `nsmctl emu
 * new-chain` (or any write of configfs pki/) replaces it, and documents
 * from then on chain to the new one. Each Recipient check reads the file
 * (about 600 bytes of configfs, a few microseconds beside the 2 ms of a
 * verification); a change bumps @local_gen, and each thread rebuilds its
 * verifier when its generation is behind. The previous local root is not
 * trusted any more, as on a real enclave's new chain.
 */
struct kms_trust {
	struct root *roots;		/* --root files, fixed */
	size_t nroots;
	bool aws;
	uint64_t max_age_ms;
	const char *local_path;		/* NULL: no local root */
	pthread_mutex_t local_lock;
	struct root local;		/* der NULL while there is none */
	uint64_t local_gen;
	pthread_key_t tls;		/* one struct tls_verifier per thread */
};

struct tls_verifier {
	struct nsm_verifier *v;
	uint64_t gen;			/* of the local root it trusts */
};

static int add_root(struct kms_trust *t, const uint8_t *der, size_t len,
		    const char *name)
{
	struct root *n = realloc(t->roots, (t->nroots + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	t->roots = n;
	n = &t->roots[t->nroots];
	n->der = malloc(len);
	if (!n->der)
		return -ENOMEM;
	memcpy(n->der, der, len);
	n->len = len;
	snprintf(n->name, sizeof(n->name), "%s", name);
	t->nroots++;
	return 0;
}

/* Every certificate of a PEM file, or the one of a DER file. */
static int load_root_file(struct kms_trust *t, const char *path, char *err,
			  size_t err_len)
{
	uint8_t *buf, *der;
	size_t len;
	int ret, n = 0, dlen;
	BIO *bio;
	X509 *x;

	ret = kms_read_file(path, &buf, &len, 1 << 20);
	if (ret) {
		snprintf(err, err_len, "cannot read root %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		der = NULL;
		dlen = i2d_X509(x, &der);
		X509_free(x);
		if (dlen <= 0 || add_root(t, der, (size_t)dlen, path)) {
			OPENSSL_free(der);
			ret = -ENOMEM;
			break;
		}
		OPENSSL_free(der);
		n++;
	}
	BIO_free(bio);
	if (!ret && !n) {
		const uint8_t *p = buf;

		x = d2i_X509(NULL, &p, (long)len);
		if (x && p == buf + len)
			ret = add_root(t, buf, len, path);
		else
			ret = -EINVAL;
		X509_free(x);
		if (ret)
			snprintf(err, err_len,
				 "root %s: no certificate (PEM or DER) in it",
				 path);
	}
	free(buf);
	return ret;
}

static void verifier_destroy(void *p)
{
	struct tls_verifier *tv = p;

	if (tv) {
		nsm_verifier_free(&tv->v);
		free(tv);
	}
}

/*
 * Read the local root again; when it differs from the one held (or came
 * or went), hold the new one under a new generation. Return: the
 * generation now held.
 */
static uint64_t local_refresh(struct kms_trust *t)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t gen;

	if (kms_read_file(t->local_path, &buf, &len, 1 << 16) || !len) {
		free(buf);
		buf = NULL;
		len = 0;
	}
	pthread_mutex_lock(&t->local_lock);
	if (len != t->local.len ||
	    (len && memcmp(buf, t->local.der, len))) {
		free(t->local.der);
		t->local.der = buf;
		t->local.len = len;
		t->local_gen++;
		buf = NULL;
	}
	gen = t->local_gen;
	pthread_mutex_unlock(&t->local_lock);
	free(buf);
	return gen;
}

int kms_trust_new(struct kms_trust **out, const struct kms_trust_opts *o,
		  char *err, size_t err_len)
{
	struct kms_trust *t = calloc(1, sizeof(*t));
	const char *const *f;
	int ret = 0;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->aws = o->aws_root;
	t->max_age_ms = o->max_age_ms;
	snprintf(t->local.name, sizeof(t->local.name), "the local emulator's root");
	if (pthread_mutex_init(&t->local_lock, NULL)) {
		free(t);
		return -ENOMEM;
	}
	if (pthread_key_create(&t->tls, verifier_destroy)) {
		pthread_mutex_destroy(&t->local_lock);
		free(t);
		return -ENOMEM;
	}
	if (o->local_root) {
		t->local_path = o->local_root_path ? o->local_root_path :
						     LOCAL_ROOT;
		local_refresh(t);
	}
	for (f = o->root_files; !ret && f && *f; f++)
		ret = load_root_file(t, *f, err, err_len);
	if (ret) {
		kms_trust_free(&t);
		return ret;
	}
	*out = t;
	return 0;
}

void kms_trust_free(struct kms_trust **tp)
{
	struct kms_trust *t = tp ? *tp : NULL;
	size_t i;

	if (!t)
		return;
	verifier_destroy(pthread_getspecific(t->tls));
	pthread_setspecific(t->tls, NULL);
	pthread_key_delete(t->tls);
	pthread_mutex_destroy(&t->local_lock);
	for (i = 0; i < t->nroots; i++)
		free(t->roots[i].der);
	free(t->roots);
	free(t->local.der);
	free(t);
	*tp = NULL;
}

size_t kms_trust_root_count(const struct kms_trust *t)
{
	return t->nroots + (t->aws ? 1 : 0) + (t->local.der ? 1 : 0);
}

/*
 * This thread's verifier (nsm_verifier is not for two threads at once),
 * made again when the local root has changed since it was made.
 */
static struct nsm_verifier *verifier(struct kms_trust *t)
{
	struct tls_verifier *tv = pthread_getspecific(t->tls);
	uint64_t gen = t->local_path ? local_refresh(t) : 0;
	struct nsm_verifier *v = NULL;
	size_t i;

	if (tv && tv->v && tv->gen == gen)
		return tv->v;
	if (!tv) {
		tv = calloc(1, sizeof(*tv));
		if (!tv || pthread_setspecific(t->tls, tv)) {
			free(tv);
			return NULL;
		}
	}
	nsm_verifier_free(&tv->v);
	if (nsm_verifier_new(&v, t->aws ? 0 : NSM_VERIFIER_NO_AWS_ROOT))
		return NULL;
	for (i = 0; i < t->nroots; i++)
		if (nsm_verifier_add_root_der(v, NULL, t->roots[i].der,
					      t->roots[i].len, t->roots[i].name))
			goto fail;
	if (t->local_path) {
		pthread_mutex_lock(&t->local_lock);
		gen = t->local_gen;
		if (t->local.der &&
		    nsm_verifier_add_root_der(v, NULL, t->local.der, t->local.len,
					      t->local.name)) {
			pthread_mutex_unlock(&t->local_lock);
			goto fail;
		}
		pthread_mutex_unlock(&t->local_lock);
	}
	tv->v = v;
	tv->gen = gen;
	return v;
fail:
	nsm_verifier_free(&v);
	return NULL;
}

void kms_recipient_release(struct kms_recipient *r)
{
	size_t i;

	EVP_PKEY_free(r->pkey);
	r->pkey = NULL;
	for (i = 0; i < 32; i++) {
		free(r->pcr_hex[i]);
		r->pcr_hex[i] = NULL;
	}
}

static int check_public_key(struct kms_recipient *r, struct kms_status *st,
			    const struct nsm_doc *doc)
{
	const uint8_t *pk, *p;
	EVP_PKEY *key;
	size_t len;

	if (nsm_doc_public_key(doc, &pk, &len) != NSM_PRESENT || !len)
		return kms_fail(st, KMS_E_VALIDATION,
				"Recipient.AttestationDocument has no public_key: the document must carry the RSA-2048 key (DER SubjectPublicKeyInfo) the secret is encrypted to");
	p = pk;
	key = d2i_PUBKEY(NULL, &p, (long)len);
	if (!key || p != pk + len) {
		EVP_PKEY_free(key);
		return kms_fail(st, KMS_E_VALIDATION,
				"Recipient.AttestationDocument's public_key is not a DER SubjectPublicKeyInfo");
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(key) != 2048) {
		if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
			kms_fail(st, KMS_E_VALIDATION,
				 "Recipient.AttestationDocument's public_key is RSA-%d; RSAES_OAEP_SHA_256 needs an RSA-2048 key",
				 EVP_PKEY_get_bits(key));
		else
			kms_fail(st, KMS_E_VALIDATION,
				 "Recipient.AttestationDocument's public_key is an %s key of %d bits; RSAES_OAEP_SHA_256 needs an RSA-2048 key",
				 EVP_PKEY_get0_type_name(key), EVP_PKEY_get_bits(key));
		EVP_PKEY_free(key);
		return -1;
	}
	SHA256(pk, len, r->ski);
	r->pkey = key;
	return 0;
}

int kms_recipient_check(struct kms_recipient *r, struct kms_status *st,
			struct kms_trust *t, json_object *recipient)
{
	struct nsm_verify_opts opts;
	struct nsm_result *res = NULL;
	const struct nsm_check *fail;
	struct nsm_doc *doc = NULL;
	struct nsm_error perr = { 0 };
	struct nsm_verifier *v;
	json_object *alg, *att;
	uint8_t *bytes = NULL;
	size_t len, i, n;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(recipient, json_type_object))
		return kms_fail(st, KMS_E_SERIALIZATION,
				"Recipient must be an object");
	if (!json_object_object_get_ex(recipient, "KeyEncryptionAlgorithm", &alg) ||
	    !json_object_is_type(alg, json_type_string))
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value null at 'recipient.keyEncryptionAlgorithm' failed to satisfy constraint: Member must not be null (RSAES_OAEP_SHA_256 is the one value)");
	if (strcmp(json_object_get_string(alg), "RSAES_OAEP_SHA_256"))
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value '%.64s' at 'recipient.keyEncryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RSAES_OAEP_SHA_256]",
				json_object_get_string(alg));
	if (!json_object_object_get_ex(recipient, "AttestationDocument", &att) ||
	    !json_object_is_type(att, json_type_string))
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value null at 'recipient.attestationDocument' failed to satisfy constraint: Member must not be null");
	if (kms_b64_decode(&bytes, &len, json_object_get_string(att),
			   (size_t)json_object_get_string_len(att)))
		return kms_fail(st, KMS_E_SERIALIZATION,
				"Recipient.AttestationDocument is not base64");
	if (!len || len > KMS_ATTESTATION_MAX) {
		kms_fail(st, KMS_E_VALIDATION,
			 "1 validation error detected: Value at 'recipient.attestationDocument' failed to satisfy constraint: Member must have length between 1 and %d",
			 KMS_ATTESTATION_MAX);
		goto out;
	}
	if (nsm_doc_parse(&doc, &perr, bytes, len)) {
		kms_fail(st, KMS_E_VALIDATION,
			 "Recipient.AttestationDocument is not an attestation document: check %s failed: %s",
			 nsm_check_name((enum nsm_check_code)perr.code),
			 perr.message[0] ? perr.message : "not COSE_Sign1");
		goto out;
	}
	v = verifier(t);
	if (!v) {
		kms_fail(st, KMS_E_INTERNAL, "cannot set up the verifier");
		goto out;
	}
	nsm_verify_opts_init(&opts);
	opts.max_age_ms = t->max_age_ms;
	if (nsm_verify(&res, &perr, v, doc, &opts)) {
		kms_fail(st, KMS_E_INTERNAL, "the verifier failed: %s", perr.message);
		goto out;
	}
	fail = nsm_result_first_failure(res);
	if (fail) {
		bool shape = fail->step == NSM_STEP_SYNTAX ||
			     fail->step == NSM_STEP_SEMANTIC;

		if (!t->nroots && !t->aws && fail->code == NSM_CHECK_CHAIN_TRUSTED_ROOT)
			kms_fail(st, KMS_E_ACCESS_DENIED,
				 "Recipient attestation document rejected: check %s failed: nsm-kmsd trusts no root (no local emulator root, no --root, no --aws-root)",
				 nsm_check_name(fail->code));
		else
			kms_fail(st, shape ? KMS_E_VALIDATION : KMS_E_ACCESS_DENIED,
				 "Recipient attestation document rejected: check %s failed: %s%s",
				 nsm_check_name(fail->code), fail->message,
				 fail->code == NSM_CHECK_POLICY_MAX_AGE ?
				 " (nsm-kmsd's freshness window, --max-age)" : "");
		goto out;
	}
	if (check_public_key(r, st, doc))
		goto out;
	n = nsm_doc_pcr_count(doc);
	for (i = 0; i < n; i++) {
		const uint8_t *val;
		uint32_t idx;
		size_t vlen;

		if (nsm_doc_pcr_at(doc, i, &idx, &val, &vlen) || idx >= 32 ||
		    !val || r->pcr_hex[idx])
			continue;
		r->pcr_hex[idx] = malloc(2 * vlen + 1);
		if (!r->pcr_hex[idx]) {
			kms_fail(st, KMS_E_INTERNAL, "out of memory");
			goto out;
		}
		kms_hex(r->pcr_hex[idx], val, vlen);
	}
	ret = 0;
out:
	if (ret)
		kms_recipient_release(r);
	nsm_result_free(&res);
	nsm_doc_free(&doc);
	free(bytes);
	return ret;
}
