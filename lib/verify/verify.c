// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verification of attestation documents: syntax, semantic rules (AWS
 * "Verifying the root of trust", NSM-FACTS.md section 4), the X.509 chain
 * with OpenSSL at an explicit time, the COSE ES384 signature, and the
 * caller's policy.
 *
 * The verifier caches chains it has proven: key = SHA-256 over the leaf and
 * cabundle DERs; value = the trust anchor's fingerprint, the leaf's public
 * key and the intersection of the validity periods of every certificate of
 * the built path. A later document carrying byte-identical certificates
 * whose verification time lies inside that window is accepted without
 * re-running X509_verify_cert(): every check it would make is a pure
 * function of those bytes, the (only ever growing) trust store and the
 * time. Each document's own signature is always verified.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "ec384.h"
#include "sigcheck.h"

#define CACHE_SLOTS	64
#define TS_PLAUSIBLE_MS	1000000000000ULL	/* 2001-09-09 in ms */

static const char *const check_names[NSM_CHECK_COUNT] = {
	[NSM_CHECK_CBOR] = "cbor.wellformed",
	[NSM_CHECK_CBOR_TRAILING] = "cbor.trailing",
	[NSM_CHECK_CBOR_DUPLICATE_KEY] = "cbor.duplicate_key",
	[NSM_CHECK_COSE_STRUCTURE] = "cose.structure",
	[NSM_CHECK_COSE_PROTECTED] = "cose.protected",
	[NSM_CHECK_COSE_ALG] = "cose.alg",
	[NSM_CHECK_COSE_UNPROTECTED] = "cose.unprotected",
	[NSM_CHECK_COSE_SIGNATURE_LEN] = "cose.signature_len",
	[NSM_CHECK_PAYLOAD_MAP] = "payload.map",
	[NSM_CHECK_PAYLOAD_TYPES] = "payload.types",
	[NSM_CHECK_NOT_NITROTPM] = "doc.not_nitrotpm",
	[NSM_CHECK_MODULE_ID] = "doc.module_id",
	[NSM_CHECK_DIGEST] = "doc.digest",
	[NSM_CHECK_TIMESTAMP] = "doc.timestamp",
	[NSM_CHECK_PCRS] = "doc.pcrs",
	[NSM_CHECK_CERTIFICATE] = "doc.certificate",
	[NSM_CHECK_CABUNDLE] = "doc.cabundle",
	[NSM_CHECK_OPTIONAL_FIELDS] = "doc.optional",
	[NSM_CHECK_CERT_DECODE] = "chain.decode",
	[NSM_CHECK_CHAIN_TRUSTED_ROOT] = "chain.trusted_root",
	[NSM_CHECK_CHAIN_SIGNATURES] = "chain.signatures",
	[NSM_CHECK_CHAIN_NOT_EXPIRED] = "chain.not_expired",
	[NSM_CHECK_CHAIN_NOT_YET_VALID] = "chain.not_yet_valid",
	[NSM_CHECK_CHAIN_CA] = "chain.ca_constraints",
	[NSM_CHECK_CHAIN_LEAF] = "chain.leaf",
	[NSM_CHECK_CHAIN_OTHER] = "chain.other",
	[NSM_CHECK_COSE_SIGNATURE] = "cose.signature",
	[NSM_CHECK_POLICY_PCRS] = "policy.pcrs",
	[NSM_CHECK_POLICY_NONCE] = "policy.nonce",
	[NSM_CHECK_POLICY_USER_DATA] = "policy.user_data",
	[NSM_CHECK_POLICY_PUBLIC_KEY] = "policy.public_key",
	[NSM_CHECK_POLICY_MAX_AGE] = "policy.max_age",
	[NSM_CHECK_POLICY_NOT_DEBUG] = "policy.not_debug",
	[NSM_CHECK_POLICY_KMS] = "policy.kms",
};

const char *nsm_check_name(enum nsm_check_code code)
{
	if ((unsigned int)code >= NSM_CHECK_COUNT)
		return "unknown";
	return check_names[code];
}

int nsm_check_code_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < NSM_CHECK_COUNT; i++)
		if (!strcmp(check_names[i], name))
			return i;
	return -1;
}

static enum nsm_step step_of(enum nsm_check_code code)
{
	if (code <= NSM_CHECK_PAYLOAD_TYPES)
		return NSM_STEP_SYNTAX;
	if (code <= NSM_CHECK_OPTIONAL_FIELDS)
		return NSM_STEP_SEMANTIC;
	if (code <= NSM_CHECK_CHAIN_OTHER)
		return NSM_STEP_CHAIN;
	if (code == NSM_CHECK_COSE_SIGNATURE)
		return NSM_STEP_SIGNATURE;
	return NSM_STEP_POLICY;
}

const char *nsm_step_name(enum nsm_step step)
{
	static const char *const names[] = {
		"syntax", "semantic", "chain", "signature", "policy",
	};

	if ((unsigned int)step >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[step];
}

const char *nsm_check_status_name(enum nsm_check_status status)
{
	switch (status) {
	case NSM_CHECK_PASS:
		return "pass";
	case NSM_CHECK_FAIL:
		return "fail";
	case NSM_CHECK_SKIP:
		return "skip";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

struct nsm_result {
	struct nsm_check checks[NSM_CHECK_COUNT];
	size_t n;
	int64_t time_ms;
	bool have_root;
	uint8_t root_sha256[NSM_SHA256_LEN];
	int root;			/* index in the verifier, -1: none */
	char root_name[128];
	bool oom;
};

static void add_check(struct nsm_result *r, enum nsm_check_code code,
		      enum nsm_check_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_check(struct nsm_result *r, enum nsm_check_code code,
		      enum nsm_check_status st, const char *fmt, ...)
{
	struct nsm_check *c;
	char *msg = NULL;
	va_list ap;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->checks[i].code == code)
			return;	/* each code at most once */
	if (r->n >= NSM_CHECK_COUNT)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0) {
		msg = NULL;
		r->oom = true;
	}
	va_end(ap);
	c = &r->checks[r->n++];
	c->code = code;
	c->step = step_of(code);
	c->status = st;
	c->message = msg ? msg : "";
}

void nsm_result_free(struct nsm_result **rp)
{
	size_t i;

	if (!rp || !*rp)
		return;
	for (i = 0; i < (*rp)->n; i++)
		if ((*rp)->checks[i].message[0])
			free((char *)(*rp)->checks[i].message);
	free(*rp);
	*rp = NULL;
}

bool nsm_result_ok(const struct nsm_result *r)
{
	size_t i;

	if (!r || !r->n)
		return false;
	for (i = 0; i < r->n; i++)
		if (r->checks[i].status != NSM_CHECK_PASS)
			return false;
	return true;
}

size_t nsm_result_count(const struct nsm_result *r)
{
	return r ? r->n : 0;
}

const struct nsm_check *nsm_result_check(const struct nsm_result *r, size_t i)
{
	return r && i < r->n ? &r->checks[i] : NULL;
}

const struct nsm_check *nsm_result_find(const struct nsm_result *r,
					enum nsm_check_code code)
{
	size_t i;

	for (i = 0; r && i < r->n; i++)
		if (r->checks[i].code == code)
			return &r->checks[i];
	return NULL;
}

const struct nsm_check *nsm_result_first_failure(const struct nsm_result *r)
{
	size_t i;

	for (i = 0; r && i < r->n; i++)
		if (r->checks[i].status == NSM_CHECK_FAIL)
			return &r->checks[i];
	return NULL;
}

int64_t nsm_result_time_ms(const struct nsm_result *r)
{
	return r ? r->time_ms : 0;
}

bool nsm_result_root_sha256(const struct nsm_result *r,
			    uint8_t out[NSM_SHA256_LEN])
{
	if (!r || !r->have_root)
		return false;
	memcpy(out, r->root_sha256, NSM_SHA256_LEN);
	return true;
}

int nsm_result_root(const struct nsm_result *r)
{
	return r && r->have_root ? r->root : -1;
}

const char *nsm_result_root_name(const struct nsm_result *r)
{
	return r && r->have_root && r->root >= 0 ? r->root_name : NULL;
}

/* ------------------------------------------------------------------ */
/* Verifier: trust store and chain cache                               */
/* ------------------------------------------------------------------ */

struct chain_entry {
	bool used;
	uint8_t key[NSM_SHA256_LEN];
	int64_t not_before_ms;	/* window in which the proof holds */
	int64_t not_after_ms;
	uint8_t root_sha256[NSM_SHA256_LEN];
	EVP_PKEY *leaf_key;
	uint64_t last_use;
};

struct trusted_root {
	X509 *x;
	char *name;
	uint8_t sha256[NSM_SHA256_LEN];
	uint8_t *der;		/* its encoding, to know it in a cabundle */
	size_t der_len;
};

struct nsm_verifier {
	X509_STORE *store;
	struct trusted_root *roots;
	size_t nroots;
	unsigned int flags;
	struct chain_entry cache[CACHE_SLOTS];
	uint64_t tick;
	uint64_t hits;
	uint64_t misses;
};

/* The CN of @x's subject, else its one-line subject, as a new string. */
static char *subject_name(X509 *x)
{
	X509_NAME *subj = X509_get_subject_name(x);
	char buf[128];
	int n = X509_NAME_get_text_by_NID(subj, NID_commonName, buf,
					  sizeof(buf));

	if (n <= 0) {
		ERR_clear_error();
		X509_NAME_oneline(subj, buf, sizeof(buf));
	}
	return strdup(buf);
}

static int add_root_x509(struct nsm_verifier *v, X509 *x, const char *name)
{
	struct trusted_root *t, r = { .x = x };
	unsigned int dl;
	int der_len;
	size_t i;

	if (!X509_digest(x, EVP_sha256(), r.sha256, &dl)) {
		ERR_clear_error();
		return -ENOMEM;
	}
	/* a duplicate is not an error, and keeps its first name */
	for (i = 0; i < v->nroots; i++)
		if (!memcmp(v->roots[i].sha256, r.sha256, sizeof(r.sha256)))
			return 0;
	if (!X509_STORE_add_cert(v->store, x)) {
		unsigned long e = ERR_peek_last_error();

		ERR_clear_error();
		if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
			return -ENOMEM;
	}
	r.name = name ? strdup(name) : subject_name(x);
	der_len = i2d_X509(x, &r.der);
	r.der_len = der_len > 0 ? (size_t)der_len : 0;
	t = realloc(v->roots, (v->nroots + 1) * sizeof(*t));
	if (!r.name || !r.der || !t || !X509_up_ref(x)) {
		free(r.name);
		OPENSSL_free(r.der);
		if (t)
			v->roots = t;
		return -ENOMEM;
	}
	v->roots = t;
	v->roots[v->nroots++] = r;
	return 0;
}

int nsm_verifier_add_root_pem(struct nsm_verifier *v, struct nsm_error *err,
			      const char *pem, size_t len, const char *name)
{
	BIO *bio;
	X509 *x;
	int n = 0, ret = 0;

	if (!v || !pem || len > INT32_MAX)
		return nsm__errno(err, -EINVAL);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return nsm__errno(err, -ENOMEM);
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		ret = add_root_x509(v, x, name);
		X509_free(x);
		if (ret)
			break;
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (ret)
		return nsm__errno(err, ret);
	if (!n) {
		nsm__error(err, 0, 0, "no PEM certificate found");
		return -EINVAL;
	}
	return 0;
}

int nsm_verifier_add_root_der(struct nsm_verifier *v, struct nsm_error *err,
			      const uint8_t *der, size_t len,
			      const char *name)
{
	const unsigned char *p = der;
	X509 *x;
	int ret;

	if (!v || !der || len > INT32_MAX)
		return nsm__errno(err, -EINVAL);
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		nsm__error(err, 0, 0, "not one DER certificate");
		return -EINVAL;
	}
	ret = add_root_x509(v, x, name);
	X509_free(x);
	return ret ? nsm__errno(err, ret) : 0;
}

int nsm_verifier_add_root_file(struct nsm_verifier *v, struct nsm_error *err,
			       const char *path, const char *name)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (!v || !path)
		return nsm__errno(err, -EINVAL);
	ret = file_read(&buf, &len, path, 1u << 20);
	if (ret) {
		nsm__error(err, 0, 0, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (memmem(buf, len, "-----BEGIN", 10))
		ret = nsm_verifier_add_root_pem(v, err, (const char *)buf, len,
						name);
	else
		ret = nsm_verifier_add_root_der(v, err, buf, len, name);
	if (ret == -EINVAL)
		nsm__error(err, 0, 0, "%s: no certificate (PEM or DER) found",
			   path);
	free(buf);
	return ret;
}

size_t nsm_verifier_root_count(const struct nsm_verifier *v)
{
	return v ? v->nroots : 0;
}

const char *nsm_verifier_root_name(const struct nsm_verifier *v, size_t i)
{
	return v && i < v->nroots ? v->roots[i].name : NULL;
}

bool nsm_verifier_root_sha256(const struct nsm_verifier *v, size_t i,
			      uint8_t out[NSM_SHA256_LEN])
{
	if (!v || i >= v->nroots)
		return false;
	memcpy(out, v->roots[i].sha256, NSM_SHA256_LEN);
	return true;
}

/* Which root has @sha256: its index, or -1. */
static int root_index(const struct nsm_verifier *v,
		      const uint8_t sha256[NSM_SHA256_LEN])
{
	size_t i;

	for (i = 0; i < v->nroots; i++)
		if (!memcmp(v->roots[i].sha256, sha256, NSM_SHA256_LEN))
			return (int)i;
	return -1;
}

void nsm_verifier_cache_stats(const struct nsm_verifier *v, uint64_t *hits,
			      uint64_t *misses)
{
	if (hits)
		*hits = v ? v->hits : 0;
	if (misses)
		*misses = v ? v->misses : 0;
}

int nsm_verifier_new(struct nsm_verifier **vp, unsigned int flags)
{
	struct nsm_verifier *v;
	int ret;

	if (!vp)
		return -EINVAL;
	*vp = NULL;
	if (flags & ~(NSM_VERIFIER_NO_AWS_ROOT | NSM_VERIFIER_NO_CACHE |
		      NSM_VERIFIER_OPENSSL_ONLY))
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->flags = flags;
	v->store = X509_STORE_new();
	if (!v->store) {
		nsm_verifier_free(&v);
		return -ENOMEM;
	}
	if (!(flags & NSM_VERIFIER_NO_AWS_ROOT)) {
		ret = nsm_verifier_add_root_pem(v, NULL, nsm__aws_root_pem,
						strlen(nsm__aws_root_pem),
						"AWS root G1");
		if (ret) {
			nsm_verifier_free(&v);
			return ret;
		}
	}
	*vp = v;
	return 0;
}

void nsm_verifier_free(struct nsm_verifier **vp)
{
	struct nsm_verifier *v;
	int i;

	if (!vp || !*vp)
		return;
	v = *vp;
	for (i = 0; i < CACHE_SLOTS; i++)
		EVP_PKEY_free(v->cache[i].leaf_key);
	for (i = 0; i < (int)v->nroots; i++) {
		X509_free(v->roots[i].x);
		free(v->roots[i].name);
		OPENSSL_free(v->roots[i].der);
	}
	free(v->roots);
	X509_STORE_free(v->store);
	free(v);
	*vp = NULL;
}

static uint8_t aws_root_der[1024];
static size_t aws_root_der_len;
static pthread_once_t aws_root_once = PTHREAD_ONCE_INIT;

static void aws_root_init(void)
{
	BIO *bio = BIO_new_mem_buf(nsm__aws_root_pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	unsigned char *p = aws_root_der;
	int n = x ? i2d_X509(x, NULL) : -1;

	if (n > 0 && (size_t)n <= sizeof(aws_root_der) && i2d_X509(x, &p) == n)
		aws_root_der_len = (size_t)n;
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
}

const uint8_t *nsm_aws_root_der(size_t *len)
{
	pthread_once(&aws_root_once, aws_root_init);
	if (len)
		*len = aws_root_der_len;
	return aws_root_der_len ? aws_root_der : NULL;
}

/* ------------------------------------------------------------------ */
/* Verification                                                        */
/* ------------------------------------------------------------------ */

void nsm_verify_opts_init(struct nsm_verify_opts *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->version = NSM_VERIFY_OPTS_VERSION;
	opts->time_policy = NSM_TIME_NOW;
	opts->max_future_ms = 60000;
}

/* Everything one verification needs, passed between the steps. */
struct vctx {
	struct nsm_verifier *v;
	struct nsm_error *err;
	const struct nsm_doc *doc;
	const struct nsm_verify_opts *o;
	struct nsm_result *r;
	int64_t now_ms;
	bool syntax_ok;		/* COSE parts have the right types */
	bool types_ok;
	EVP_PKEY *leaf_key;	/* reference held */
	/* first X.509 error per chain check code, from the verify callback */
	char chain_msg[NSM_CHECK_COUNT][480];
	bool chain_fail[NSM_CHECK_COUNT];
};

static const struct cb_node *node(const struct nsm_doc *d, uint32_t i)
{
	return cb_at(&d->t, i);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fmt_time(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%lld ms", (long long)ms);
}

/* Shortest CBOR head length of an integer argument. */
static size_t head_len(uint64_t v)
{
	return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 :
	       v < 0x100000000ULL ? 5 : 9;
}

/* Drop the "; " separator after the last item of a list message. */
static void trim_list(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[n - 2] == ';' && s[n - 1] == ' ')
		s[n - 2] = '\0';
}

static void check_syntax(struct vctx *c)
{
	const struct nsm_doc *d = c->doc;
	const struct cb_node *prot = node(d, d->part[0]);
	const struct cb_node *unprot = node(d, d->part[1]);
	const struct cb_node *sig = node(d, d->part[3]);
	struct nsm_result *r = c->r;
	char bad[256] = "";
	size_t i, bl = 0;

	add_check(r, NSM_CHECK_CBOR, NSM_CHECK_PASS, "%zu bytes of well-formed CBOR%s",
		  d->len, d->tagged ? ", tag 18" : "");
	add_check(r, NSM_CHECK_CBOR_TRAILING, NSM_CHECK_PASS, "no trailing bytes");
	add_check(r, NSM_CHECK_CBOR_DUPLICATE_KEY, NSM_CHECK_PASS, "no duplicate map keys");

	if (prot->major != CB_BYTES)
		bl += (size_t)snprintf(bad + bl, sizeof(bad) - bl, "protected header is not a byte string; ");
	if (unprot->major != CB_MAP)
		bl += (size_t)snprintf(bad + bl, sizeof(bad) - bl, "unprotected header is not a map; ");
	if (sig->major != CB_BYTES)
		snprintf(bad + bl, sizeof(bad) - bl, "signature is not a byte string; ");
	c->syntax_ok = !bad[0];
	trim_list(bad);
	if (bad[0])
		add_check(r, NSM_CHECK_COSE_STRUCTURE, NSM_CHECK_FAIL, "%s", bad);
	else
		add_check(r, NSM_CHECK_COSE_STRUCTURE, NSM_CHECK_PASS,
			  "COSE_Sign1 [protected, unprotected, payload, signature]%s",
			  d->tagged ? " with tag 18" : ", untagged");

	/* protected header: exactly {1: alg}, minimally encoded */
	if (prot->major == CB_BYTES) {
		struct cb_tree t;
		uint32_t root, alg = CB_NONE;
		const struct cb_node *a = NULL, *m;

		cb_tree_init(&t);
		if (cb_parse(&t, prot->data, prot->dlen, 0, &root) == CB_OK &&
		    (m = cb_at(&t, root))->major == CB_MAP) {
			alg = cb_map_get_int(&t, root, 1);
			a = cb_at(&t, alg);
			if (a && (a->major == CB_UINT || a->major == CB_NINT) &&
			    m->val == 1 && !m->indef &&
			    prot->dlen == 2 + head_len(a->val) && prot->data[1] == 0x01)
				add_check(r, NSM_CHECK_COSE_PROTECTED, NSM_CHECK_PASS,
					  "protected header is {1: alg}");
			else
				add_check(r, NSM_CHECK_COSE_PROTECTED, NSM_CHECK_FAIL,
					  "protected header must be exactly {1: alg}, minimally encoded (got %zu bytes)",
					  (size_t)prot->dlen);
		} else {
			add_check(r, NSM_CHECK_COSE_PROTECTED, NSM_CHECK_FAIL,
				  "protected header is not one CBOR map");
		}
		if (a && a->major == CB_NINT && a->val == 34)
			add_check(r, NSM_CHECK_COSE_ALG, NSM_CHECK_PASS, "alg -35 (ES384)");
		else if (a && a->major == CB_NINT)
			add_check(r, NSM_CHECK_COSE_ALG, NSM_CHECK_FAIL,
				  "alg is -%llu, expected -35 (ES384)",
				  (unsigned long long)a->val + 1);
		else if (a && a->major == CB_UINT)
			add_check(r, NSM_CHECK_COSE_ALG, NSM_CHECK_FAIL,
				  "alg is %llu, expected -35 (ES384)",
				  (unsigned long long)a->val);
		else
			add_check(r, NSM_CHECK_COSE_ALG, NSM_CHECK_FAIL,
				  "no integer alg in the protected header");
		cb_tree_release(&t);
	} else {
		add_check(r, NSM_CHECK_COSE_PROTECTED, NSM_CHECK_SKIP, "no protected header");
		add_check(r, NSM_CHECK_COSE_ALG, NSM_CHECK_SKIP, "no protected header");
	}

	if (unprot->major == CB_MAP && unprot->val == 0)
		add_check(r, NSM_CHECK_COSE_UNPROTECTED, NSM_CHECK_PASS, "empty");
	else if (unprot->major == CB_MAP)
		add_check(r, NSM_CHECK_COSE_UNPROTECTED, NSM_CHECK_FAIL,
			  "unprotected header has %llu entries, expected none",
			  (unsigned long long)unprot->val);
	else
		add_check(r, NSM_CHECK_COSE_UNPROTECTED, NSM_CHECK_SKIP, "not a map");

	if (sig->major == CB_BYTES && sig->dlen == 96)
		add_check(r, NSM_CHECK_COSE_SIGNATURE_LEN, NSM_CHECK_PASS, "96 bytes (r || s)");
	else if (sig->major == CB_BYTES)
		add_check(r, NSM_CHECK_COSE_SIGNATURE_LEN, NSM_CHECK_FAIL,
			  "signature is %zu bytes, expected 96 (P-384 r || s)", (size_t)sig->dlen);
	else
		add_check(r, NSM_CHECK_COSE_SIGNATURE_LEN, NSM_CHECK_SKIP, "no signature");

	for (i = 0; i < d->nkeys; i++)
		if (node(d, d->keys[i].key)->major != CB_TEXT)
			break;
	if (i < d->nkeys)
		add_check(r, NSM_CHECK_PAYLOAD_MAP, NSM_CHECK_FAIL,
			  "payload key %zu is not a text string", i);
	else
		add_check(r, NSM_CHECK_PAYLOAD_MAP, NSM_CHECK_PASS, "%s map of %zu fields",
			  nsm_doc_payload_indefinite(d) ? "indefinite-length" : "definite-length",
			  d->nkeys);

	/* types of the known fields that are present */
	{
		static const uint8_t want[NSM_PAYLOAD_FIELDS] = {
			CB_TEXT, CB_TEXT, CB_UINT, CB_MAP, CB_BYTES, CB_ARRAY,
			CB_BYTES, CB_BYTES, CB_BYTES,
		};
		static const char *const tname[] = {
			"unsigned integer", "negative integer", "byte string",
			"text string", "array", "map", "tagged item", "simple/float",
		};
		int f;

		bl = 0;
		bad[0] = '\0';
		for (f = 0; f < NSM_PAYLOAD_FIELDS; f++) {
			const struct cb_node *n = node(d, d->fval[f]);

			if (!n || n->major == want[f])
				continue;
			if (f >= NSM_FIELD_PUBLIC_KEY && cb_is_null(n))
				continue;
			if (bl < sizeof(bad))
				bl += (size_t)snprintf(bad + bl, sizeof(bad) - bl,
					"%s is %s, expected %s; ", nsm_field_name(f),
					cb_is_null(n) ? "null" : tname[n->major],
					tname[want[f]]);
		}
		/* containers' elements */
		for (i = 0; i < d->npcrs && bl < sizeof(bad); i++)
			if (node(d, d->pcrs[i].key)->major != CB_UINT ||
			    node(d, d->pcrs[i].val)->major != CB_BYTES) {
				bl += (size_t)snprintf(bad + bl, sizeof(bad) - bl,
					"pcrs entry %zu is not uint -> byte string; ", i);
				break;
			}
		for (i = 0; i < d->ncab && bl < sizeof(bad); i++)
			if (node(d, d->cab[i])->major != CB_BYTES) {
				bl += (size_t)snprintf(bad + bl, sizeof(bad) - bl,
					"cabundle[%zu] is not a byte string; ", i);
				break;
			}
		c->types_ok = !bad[0];
		trim_list(bad);
		if (bad[0])
			add_check(r, NSM_CHECK_PAYLOAD_TYPES, NSM_CHECK_FAIL, "%s", bad);
		else
			add_check(r, NSM_CHECK_PAYLOAD_TYPES, NSM_CHECK_PASS,
				  "every field has its CBOR type");
	}
}

static enum nsm_presence opt_presence(const struct nsm_doc *d, int f,
					size_t *len)
{
	if (f == NSM_FIELD_PUBLIC_KEY)
		return nsm_doc_public_key(d, NULL, len);
	if (f == NSM_FIELD_USER_DATA)
		return nsm_doc_user_data(d, NULL, len);
	return nsm_doc_nonce(d, NULL, len);
}

static void check_semantic(struct vctx *c)
{
	const struct nsm_doc *d = c->doc;
	struct nsm_result *r = c->r;
	const struct cb_node *n;
	uint64_t ts;
	size_t i, len;
	int f;

	if (d->nitrotpm)
		add_check(r, NSM_CHECK_NOT_NITROTPM, NSM_CHECK_FAIL,
			  "NitroTPM document (nitrotpm_pcrs), not an enclave attestation");
	else
		add_check(r, NSM_CHECK_NOT_NITROTPM, NSM_CHECK_PASS, "enclave document");

	n = node(d, d->fval[NSM_FIELD_MODULE_ID]);
	if (!n)
		add_check(r, NSM_CHECK_MODULE_ID, NSM_CHECK_FAIL, "module_id is missing");
	else if (n->major != CB_TEXT || !n->dlen)
		add_check(r, NSM_CHECK_MODULE_ID, NSM_CHECK_FAIL, "module_id is not a non-empty text string");
	else if (memchr(n->data, 0, n->dlen))
		add_check(r, NSM_CHECK_MODULE_ID, NSM_CHECK_FAIL, "module_id contains a NUL byte");
	else
		add_check(r, NSM_CHECK_MODULE_ID, NSM_CHECK_PASS, "%s", d->module_id);

	if (!d->fval[NSM_FIELD_DIGEST])
		add_check(r, NSM_CHECK_DIGEST, NSM_CHECK_FAIL, "digest is missing");
	else if (!d->digest || strcmp(d->digest, "SHA384") ||
		 node(d, d->fval[NSM_FIELD_DIGEST])->dlen != 6)
		add_check(r, NSM_CHECK_DIGEST, NSM_CHECK_FAIL, "digest is not \"SHA384\"");
	else
		add_check(r, NSM_CHECK_DIGEST, NSM_CHECK_PASS, "SHA384");

	if (!nsm_doc_timestamp(d, &ts))
		add_check(r, NSM_CHECK_TIMESTAMP, NSM_CHECK_FAIL,
			  d->fval[NSM_FIELD_TIMESTAMP] ? "timestamp is not an unsigned integer"
						       : "timestamp is missing");
	else if (ts == 0)
		add_check(r, NSM_CHECK_TIMESTAMP, NSM_CHECK_FAIL, "timestamp is 0");
	else if (ts < TS_PLAUSIBLE_MS)
		add_check(r, NSM_CHECK_TIMESTAMP, NSM_CHECK_FAIL,
			  "timestamp %llu is before 2001 in milliseconds: seconds instead of milliseconds?",
			  (unsigned long long)ts);
	else if (ts > (uint64_t)INT64_MAX)
		add_check(r, NSM_CHECK_TIMESTAMP, NSM_CHECK_FAIL, "timestamp out of range");
	else {
		char tb[40];

		fmt_time(tb, sizeof(tb), (int64_t)ts);
		add_check(r, NSM_CHECK_TIMESTAMP, NSM_CHECK_PASS, "%llu (%s)",
			  (unsigned long long)ts, tb);
	}

	n = node(d, d->fval[NSM_FIELD_PCRS]);
	if (!n)
		add_check(r, NSM_CHECK_PCRS, NSM_CHECK_FAIL, "pcrs is missing");
	else if (n->major != CB_MAP)
		add_check(r, NSM_CHECK_PCRS, NSM_CHECK_FAIL, "pcrs is not a map");
	else if (d->npcrs < 1 || d->npcrs > NSM_MAX_PCRS)
		add_check(r, NSM_CHECK_PCRS, NSM_CHECK_FAIL,
			  "pcrs has %zu entries, expected 1..32", d->npcrs);
	else {
		for (i = 0; i < d->npcrs; i++) {
			const struct cb_node *k = node(d, d->pcrs[i].key);
			const struct cb_node *val = node(d, d->pcrs[i].val);

			if (k->major != CB_UINT || k->val >= NSM_MAX_PCRS) {
				add_check(r, NSM_CHECK_PCRS, NSM_CHECK_FAIL,
					  "pcrs entry %zu: index is not 0..31", i);
				break;
			}
			if (val->major != CB_BYTES ||
			    (val->dlen != 32 && val->dlen != 48 && val->dlen != 64)) {
				add_check(r, NSM_CHECK_PCRS, NSM_CHECK_FAIL,
					  "PCR%llu: value is not 32, 48 or 64 bytes",
					  (unsigned long long)k->val);
				break;
			}
		}
		if (i == d->npcrs)
			add_check(r, NSM_CHECK_PCRS, NSM_CHECK_PASS, "%zu PCRs", d->npcrs);
	}

	n = node(d, d->fval[NSM_FIELD_CERTIFICATE]);
	if (!n)
		add_check(r, NSM_CHECK_CERTIFICATE, NSM_CHECK_FAIL, "certificate is missing");
	else if (n->major != CB_BYTES || n->dlen < 1 || n->dlen > 1024)
		add_check(r, NSM_CHECK_CERTIFICATE, NSM_CHECK_FAIL,
			  "certificate is not a byte string of 1..1024 bytes");
	else
		add_check(r, NSM_CHECK_CERTIFICATE, NSM_CHECK_PASS, "%zu bytes", (size_t)n->dlen);

	n = node(d, d->fval[NSM_FIELD_CABUNDLE]);
	if (!n)
		add_check(r, NSM_CHECK_CABUNDLE, NSM_CHECK_FAIL, "cabundle is missing");
	else if (cb_is_null(n))
		add_check(r, NSM_CHECK_CABUNDLE, NSM_CHECK_FAIL,
			  "cabundle is null: no certificate chain");
	else if (n->major != CB_ARRAY || d->ncab == 0)
		add_check(r, NSM_CHECK_CABUNDLE, NSM_CHECK_FAIL,
			  "cabundle is not a non-empty array");
	else {
		for (i = 0; i < d->ncab; i++) {
			n = node(d, d->cab[i]);
			if (n->major != CB_BYTES || n->dlen < 1 || n->dlen > 1024)
				break;
		}
		if (i < d->ncab)
			add_check(r, NSM_CHECK_CABUNDLE, NSM_CHECK_FAIL,
				  "cabundle[%zu] is not a byte string of 1..1024 bytes", i);
		else
			add_check(r, NSM_CHECK_CABUNDLE, NSM_CHECK_PASS,
				  "%zu certificates", d->ncab);
	}

	for (f = NSM_FIELD_PUBLIC_KEY; f <= NSM_FIELD_NONCE; f++) {
		n = node(d, d->fval[f]);
		if (n && !cb_is_null(n) && n->major != CB_BYTES)
			break;
	}
	if (f <= NSM_FIELD_NONCE) {
		add_check(r, NSM_CHECK_OPTIONAL_FIELDS, NSM_CHECK_FAIL,
			  "%s is neither a byte string nor null", nsm_field_name(f));
	} else {
		char msg[160];
		size_t ml = 0;

		for (f = NSM_FIELD_PUBLIC_KEY; f <= NSM_FIELD_NONCE; f++) {
			enum nsm_presence p = opt_presence(d, f, &len);

			ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml, "%s%s: ",
					       ml ? ", " : "", nsm_field_name(f));
			if (p == NSM_PRESENT)
				ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml, "%zu bytes", len);
			else
				ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml, "%s",
						       p == NSM_NULL ? "null" : "absent");
		}
		add_check(r, NSM_CHECK_OPTIONAL_FIELDS, NSM_CHECK_PASS, "%s", msg);
	}
}

/* ---- chain --------------------------------------------------------- */

static int64_t asn1_ms(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm) * 1000;
}

static enum nsm_check_code x509_err_code(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return NSM_CHECK_CHAIN_NOT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return NSM_CHECK_CHAIN_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		return NSM_CHECK_CHAIN_TRUSTED_ROOT;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		return NSM_CHECK_CHAIN_SIGNATURES;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		return NSM_CHECK_CHAIN_CA;
	default:
		return NSM_CHECK_CHAIN_OTHER;
	}
}

static void cert_name(char *buf, size_t len, X509 *x)
{
	X509_NAME *nm = x ? X509_get_subject_name(x) : NULL;
	int i = nm ? X509_NAME_get_index_by_NID(nm, NID_commonName, -1) : -1;
	ASN1_STRING *s;

	buf[0] = '\0';
	if (i < 0) {
		snprintf(buf, len, "(no CN)");
		return;
	}
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
	snprintf(buf, len, "%.*s", ASN1_STRING_length(s),
		 (const char *)ASN1_STRING_get0_data(s));
}

static void chain_fail(struct vctx *c, enum nsm_check_code code,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void chain_fail(struct vctx *c, enum nsm_check_code code,
		       const char *fmt, ...)
{
	va_list ap;

	if (c->chain_fail[code])
		return;
	c->chain_fail[code] = true;
	va_start(ap, fmt);
	vsnprintf(c->chain_msg[code], sizeof(c->chain_msg[code]), fmt, ap);
	va_end(ap);
}

static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct vctx *c = X509_STORE_CTX_get_app_data(ctx);
	int err = X509_STORE_CTX_get_error(ctx);
	enum nsm_check_code code = x509_err_code(err);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	char cn[96];

	if (ok)
		return ok;
	cert_name(cn, sizeof(cn), X509_STORE_CTX_get_current_cert(ctx));
	if (c->chain_fail[code]) {
		/* the same problem on another certificate (typically several
		 * expired ones): name it too, while there is room */
		char *m = c->chain_msg[code];
		size_t l = strlen(m);

		if (l + strlen(cn) + 24 < sizeof(c->chain_msg[code]))
			snprintf(m + l, sizeof(c->chain_msg[code]) - l,
				 "; also certificate %d (%s)", depth, cn);
		return 1;
	}
	chain_fail(c, code, "certificate %d (%s): %s", depth, cn,
		   X509_verify_cert_error_string(err));
	return 1;	/* continue, to report every problem */
}

static bool bc_critical(X509 *x)
{
	int i = X509_get_ext_by_NID(x, NID_basic_constraints, -1);

	return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* Our own checks on the built path: [0] leaf ... [n-1] anchor. */
static void path_checks(struct vctx *c, STACK_OF(X509) *path)
{
	int i, n = sk_X509_num(path);
	X509 *leaf = sk_X509_value(path, 0);
	EVP_PKEY *pk = X509_get0_pubkey(leaf);
	char cn[96], grp[32] = "";
	size_t gl;

	for (i = 1; i < n; i++) {
		X509 *x = sk_X509_value(path, i);
		uint32_t flags = X509_get_extension_flags(x);

		cert_name(cn, sizeof(cn), x);
		if (!(flags & EXFLAG_CA) || !bc_critical(x))
			chain_fail(c, NSM_CHECK_CHAIN_CA,
				   "certificate %d (%s): no critical BasicConstraints CA:TRUE", i, cn);
		else if (!(X509_get_key_usage(x) & KU_KEY_CERT_SIGN) ||
			 X509_get_key_usage(x) == UINT32_MAX)
			chain_fail(c, NSM_CHECK_CHAIN_CA,
				   "certificate %d (%s): KeyUsage lacks keyCertSign", i, cn);
	}
	cert_name(cn, sizeof(cn), leaf);
	if (X509_get_extension_flags(leaf) & EXFLAG_CA)
		chain_fail(c, NSM_CHECK_CHAIN_LEAF, "leaf (%s) is a CA certificate", cn);
	else if (X509_get_key_usage(leaf) == UINT32_MAX ||
		 !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
		chain_fail(c, NSM_CHECK_CHAIN_LEAF, "leaf (%s) lacks KeyUsage digitalSignature", cn);
	else if (!pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC ||
		 !EVP_PKEY_get_group_name(pk, grp, sizeof(grp), &gl) ||
		 strcmp(grp, "secp384r1"))
		chain_fail(c, NSM_CHECK_CHAIN_LEAF, "leaf (%s) key is not EC P-384", cn);
}

static bool is_root_copy(const struct nsm_verifier *v, const struct cb_node *n)
{
	size_t i;

	if (n->major != CB_BYTES)
		return false;
	for (i = 0; i < v->nroots; i++)
		if (v->roots[i].der_len == n->dlen &&
		    !memcmp(v->roots[i].der, n->data, n->dlen))
			return true;
	return false;
}

static X509 *decode_cert(const struct cb_node *n)
{
	const unsigned char *p;
	X509 *x;

	if (!n || n->major != CB_BYTES || !n->dlen || n->dlen > INT32_MAX)
		return NULL;
	p = n->data;
	x = d2i_X509(NULL, &p, (long)n->dlen);
	if (x && p != n->data + n->dlen) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static int chain_key(const struct nsm_doc *d, uint8_t key[NSM_SHA256_LEN])
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	const struct cb_node *n = node(d, d->fval[NSM_FIELD_CERTIFICATE]);
	uint8_t lenb[8];
	unsigned int ol;
	size_t i;
	int ok;

	if (!m)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(m, EVP_sha256(), NULL);
	for (i = 0; ok && i <= d->ncab; i++) {
		const struct cb_node *x = i < d->ncab ? node(d, d->cab[i]) : n;
		uint64_t l = x->dlen;
		int b;

		/* type and length prefix every element: equal keys mean equal
		 * inputs to X509_verify_cert() */
		lenb[0] = x->major;
		ok = EVP_DigestUpdate(m, lenb, 1);
		for (b = 0; b < 8; b++)
			lenb[b] = (uint8_t)(l >> (56 - 8 * b));
		ok = ok && EVP_DigestUpdate(m, lenb, 8) &&
		     (!x->dlen || EVP_DigestUpdate(m, x->data, x->dlen));
	}
	ok = ok && EVP_DigestFinal_ex(m, key, &ol);
	EVP_MD_CTX_free(m);
	return ok ? 0 : -ENOMEM;
}

static const enum nsm_check_code chain_codes[] = {
	NSM_CHECK_CHAIN_TRUSTED_ROOT, NSM_CHECK_CHAIN_SIGNATURES,
	NSM_CHECK_CHAIN_NOT_EXPIRED, NSM_CHECK_CHAIN_NOT_YET_VALID,
	NSM_CHECK_CHAIN_CA, NSM_CHECK_CHAIN_LEAF, NSM_CHECK_CHAIN_OTHER,
};

static const char *chain_pass_msg(enum nsm_check_code code)
{
	switch (code) {
	case NSM_CHECK_CHAIN_TRUSTED_ROOT:
		return "chain ends at a trusted root";
	case NSM_CHECK_CHAIN_SIGNATURES:
		return "every certificate is signed by its issuer";
	case NSM_CHECK_CHAIN_NOT_EXPIRED:
		return "no certificate expired";
	case NSM_CHECK_CHAIN_NOT_YET_VALID:
		return "every certificate is already valid";
	case NSM_CHECK_CHAIN_CA:
		return "CA certificates: critical CA:TRUE, keyCertSign, path length respected";
	case NSM_CHECK_CHAIN_LEAF:
		return "leaf: CA:FALSE, digitalSignature, P-384 key";
	default:
		return "no other X.509 error";
	}
}

/* The chain reached the trusted root whose SHA-256 @r holds: name it. */
static void set_root(struct nsm_result *r, const struct nsm_verifier *v)
{
	r->have_root = true;
	r->root = root_index(v, r->root_sha256);
	if (r->root >= 0)
		snprintf(r->root_name, sizeof(r->root_name), "%s",
			 v->roots[r->root].name);
}

/* chain.trusted_root's message names the root: ' "AWS root G1"' */
static const char *root_suffix(const struct nsm_result *r,
			       enum nsm_check_code code, char *buf, size_t size)
{
	if (code != NSM_CHECK_CHAIN_TRUSTED_ROOT || r->root < 0)
		return "";
	snprintf(buf, size, " \"%s\"", r->root_name);
	return buf;
}

static int check_chain(struct vctx *c, int64_t at_ms)
{
	const struct nsm_doc *d = c->doc;
	struct nsm_verifier *v = c->v;
	struct nsm_result *r = c->r;
	const struct cb_node *leafn = node(d, d->fval[NSM_FIELD_CERTIFICATE]);
	struct chain_entry *e = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *leaf = NULL;
	uint8_t key[NSM_SHA256_LEN];
	const char *suffix = "";
	char tb[40], rs[sizeof(((struct nsm_result *)0)->root_name) + 4];
	bool any_fail = false;
	size_t i;
	int ret = -ENOMEM;

	if (!leafn || leafn->major != CB_BYTES) {
		add_check(r, NSM_CHECK_CERT_DECODE, NSM_CHECK_SKIP, "no certificate");
		for (i = 0; i < sizeof(chain_codes) / sizeof(chain_codes[0]); i++)
			add_check(r, chain_codes[i], NSM_CHECK_SKIP, "no certificate");
		return 0;
	}

	fmt_time(tb, sizeof(tb), at_ms);
	if (!(v->flags & NSM_VERIFIER_NO_CACHE)) {
		if (chain_key(d, key))
			return -ENOMEM;
		for (i = 0; i < CACHE_SLOTS; i++)
			if (v->cache[i].used && !memcmp(v->cache[i].key, key, sizeof(key))) {
				e = &v->cache[i];
				break;
			}
		if (e && at_ms >= e->not_before_ms && at_ms <= e->not_after_ms) {
			v->hits++;
			e->last_use = ++v->tick;
			memcpy(r->root_sha256, e->root_sha256, NSM_SHA256_LEN);
			set_root(r, v);
			add_check(r, NSM_CHECK_CERT_DECODE, NSM_CHECK_PASS,
				  "leaf and %zu cabundle certificates (cached)", d->ncab);
			for (i = 0; i < sizeof(chain_codes) / sizeof(chain_codes[0]); i++)
				add_check(r, chain_codes[i], NSM_CHECK_PASS, "%s%s at %s (cached)",
					  chain_pass_msg(chain_codes[i]),
					  root_suffix(r, chain_codes[i], rs, sizeof(rs)), tb);
			if (!EVP_PKEY_up_ref(e->leaf_key))
				return -ENOMEM;
			c->leaf_key = e->leaf_key;
			return 0;
		}
	}
	v->misses++;

	leaf = decode_cert(leafn);
	if (!leaf) {
		ERR_clear_error();
		add_check(r, NSM_CHECK_CERT_DECODE, NSM_CHECK_FAIL,
			  "certificate is not one DER X.509 certificate");
		for (i = 0; i < sizeof(chain_codes) / sizeof(chain_codes[0]); i++)
			add_check(r, chain_codes[i], NSM_CHECK_SKIP, "certificate does not decode");
		return 0;
	}
	untrusted = sk_X509_new_null();
	if (!untrusted)
		goto out;
	for (i = 0; i < d->ncab; i++) {
		const struct cb_node *cn = node(d, d->cab[i]);
		X509 *x;

		/* a copy of a trusted root (AWS documents carry theirs first):
		 * the store has it decoded, and path building takes the
		 * store's first, so it is not decoded again (in OpenSSL 3.0 a
		 * certificate's decoding costs about two signature checks) */
		if (is_root_copy(v, cn))
			continue;
		x = decode_cert(cn);
		if (!x) {
			ERR_clear_error();
			add_check(r, NSM_CHECK_CERT_DECODE, NSM_CHECK_FAIL,
				  "cabundle[%zu] is not one DER X.509 certificate", i);
			any_fail = true;	/* never cached */
			continue;
		}
		if (!sk_X509_push(untrusted, x)) {
			X509_free(x);
			goto out;
		}
	}
	add_check(r, NSM_CHECK_CERT_DECODE, NSM_CHECK_PASS,
		  "leaf and %zu cabundle certificates", d->ncab);
	/* the leaf key is usable for the signature check whatever the chain */
	c->leaf_key = X509_get_pubkey(leaf);

	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, v->store, leaf, untrusted))
		goto out;
	X509_STORE_CTX_set_app_data(ctx, c);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	if (!(v->flags & NSM_VERIFIER_OPENSSL_ONLY))
		X509_STORE_CTX_set_verify(ctx, nsm__verify_chain_signatures);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx),
				   (time_t)(at_ms / 1000));
	/* The callback lets verification continue past errors to report
	 * them all, so the recorded errors decide; a failure reported without
	 * any callback (an internal error) still fails the chain. */
	if (X509_verify_cert(ctx) != 1) {
		int err = X509_STORE_CTX_get_error(ctx);
		bool recorded = false;

		for (i = 0; i < sizeof(chain_codes) / sizeof(chain_codes[0]); i++)
			recorded |= c->chain_fail[chain_codes[i]];
		if (!recorded)
			chain_fail(c, err == X509_V_OK ? NSM_CHECK_CHAIN_OTHER :
				   x509_err_code(err), "X509_verify_cert: %s",
				   X509_verify_cert_error_string(err));
	}
	{
		STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
		int n = path ? sk_X509_num(path) : 0;

		if (n > 0)
			path_checks(c, path);
		if (n > 0 && !c->chain_fail[NSM_CHECK_CHAIN_TRUSTED_ROOT]) {
			unsigned int dl;

			if (X509_digest(sk_X509_value(path, n - 1), EVP_sha256(),
					r->root_sha256, &dl))
				set_root(r, v);
		}
		for (i = 0; i < sizeof(chain_codes) / sizeof(chain_codes[0]); i++) {
			enum nsm_check_code code = chain_codes[i];

			if (c->chain_fail[code]) {
				any_fail = true;
				add_check(r, code, NSM_CHECK_FAIL, "%s (verified at %s)",
					  c->chain_msg[code], tb);
			} else {
				add_check(r, code, NSM_CHECK_PASS, "%s%s at %s%s",
					  chain_pass_msg(code),
					  root_suffix(r, code, rs, sizeof(rs)),
					  tb, suffix);
			}
		}
		/* remember a fully verified chain with its validity window */
		if (!any_fail && n > 0 && r->have_root && c->leaf_key &&
		    !(v->flags & NSM_VERIFIER_NO_CACHE)) {
			int64_t nb = INT64_MIN, na = INT64_MAX;
			int j;

			for (j = 0; j < n; j++) {
				X509 *x = sk_X509_value(path, j);
				int64_t b = asn1_ms(X509_get0_notBefore(x));
				int64_t a = asn1_ms(X509_get0_notAfter(x));

				nb = b > nb ? b : nb;
				na = a < na ? a : na;
			}
			if (!e) {
				for (j = 0, e = &v->cache[0]; j < CACHE_SLOTS; j++) {
					if (!v->cache[j].used) {
						e = &v->cache[j];
						break;
					}
					if (v->cache[j].last_use < e->last_use)
						e = &v->cache[j];
				}
			}
			if (nb <= at_ms && at_ms <= na && EVP_PKEY_up_ref(c->leaf_key)) {
				EVP_PKEY_free(e->leaf_key);
				e->used = true;
				memcpy(e->key, key, sizeof(key));
				e->not_before_ms = nb;
				e->not_after_ms = na + 999;	/* OpenSSL compares in seconds */
				memcpy(e->root_sha256, r->root_sha256, NSM_SHA256_LEN);
				e->leaf_key = c->leaf_key;
				e->last_use = ++v->tick;
			}
		}
	}
	ret = 0;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(leaf);
	return ret;
}

/* ---- COSE signature ------------------------------------------------ */

static size_t put_head(uint8_t *p, uint8_t major, uint64_t v)
{
	size_t n = head_len(v), i;

	if (n == 1) {
		p[0] = (uint8_t)(major << 5 | v);
		return 1;
	}
	p[0] = (uint8_t)(major << 5 | (n == 2 ? 24 : n == 3 ? 25 : n == 5 ? 26 : 27));
	for (i = 1; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return n;
}

/*
 * The SHA-384 of Sig_structure = ["Signature1", protected, external_aad =
 * h'', payload] (RFC 8152 section 4.4), encoded definite-length, hashed
 * piece by piece.
 */
static int sig_structure_sha384(const uint8_t *prot, size_t prot_len,
				const uint8_t *payload, size_t payload_len,
				uint8_t md[48])
{
	static const uint8_t start[] = { 0x84, 0x6a, 'S', 'i', 'g', 'n', 'a',
					 't', 'u', 'r', 'e', '1' };
	static const uint8_t empty_aad = 0x40;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t head[9];
	int ok;

	ok = m && EVP_DigestInit_ex(m, EVP_sha384(), NULL) &&
	     EVP_DigestUpdate(m, start, sizeof(start)) &&
	     EVP_DigestUpdate(m, head, put_head(head, CB_BYTES, prot_len)) &&
	     EVP_DigestUpdate(m, prot, prot_len) &&
	     EVP_DigestUpdate(m, &empty_aad, 1) &&
	     EVP_DigestUpdate(m, head, put_head(head, CB_BYTES, payload_len)) &&
	     EVP_DigestUpdate(m, payload, payload_len) &&
	     EVP_DigestFinal_ex(m, md, NULL);
	EVP_MD_CTX_free(m);
	return ok ? 0 : -ENOMEM;
}

/* The digest-and-DER route of OpenSSL's providers. */
static int cose_verify_openssl(EVP_PKEY *key, const uint8_t md[48],
			       const uint8_t sig[96])
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(sig, 48, NULL), *bs = BN_bin2bn(sig + 48, 48, NULL);
	EVP_PKEY_CTX *pc = NULL;
	unsigned char *der = NULL;
	int der_len, ret = -ENOMEM;

	if (!es || !br || !bs || !ECDSA_SIG_set0(es, br, bs))
		goto out;
	br = bs = NULL;		/* owned by es */
	der_len = i2d_ECDSA_SIG(es, &der);
	pc = EVP_PKEY_CTX_new(key, NULL);
	if (der_len <= 0 || !pc || EVP_PKEY_verify_init(pc) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(pc, EVP_sha384()) != 1)
		goto out;
	ret = EVP_PKEY_verify(pc, der, (size_t)der_len, md, 48) == 1;
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(pc);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(br);
	BN_free(bs);
	return ret;
}

int nsm__cose_es384_verify(struct evp_pkey_st *key, const uint8_t *prot,
			   size_t prot_len, const uint8_t *payload,
			   size_t payload_len, const uint8_t sig[96],
			   bool openssl_only)
{
	uint8_t md[48], pub[NSM_P384_PUB_LEN];
	size_t pub_len = 0;

	if (sig_structure_sha384(prot, prot_len, payload, payload_len, md))
		return -ENOMEM;
	/* the caller has checked that the key is EC P-384; a compressed
	 * point is left to OpenSSL */
	if (openssl_only ||
	    !EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					     pub, sizeof(pub), &pub_len) ||
	    pub_len != sizeof(pub) || pub[0] != 0x04) {
		ERR_clear_error();
		return cose_verify_openssl(key, md, sig);
	}
	return nsm__p384_verify(pub, md, sig);
}

static int check_signature(struct vctx *c)
{
	const struct nsm_doc *d = c->doc;
	const struct cb_node *sig = node(d, d->part[3]);
	const struct cb_node *prot = node(d, d->part[0]);
	const struct cb_node *pl = node(d, d->part[2]);
	char grp[32] = "";
	size_t gl;
	int ok;

	if (!c->leaf_key) {
		add_check(c->r, NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_SKIP,
			  "no usable leaf certificate key");
		return 0;
	}
	if (sig->major != CB_BYTES || sig->dlen != 96 || prot->major != CB_BYTES) {
		add_check(c->r, NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_SKIP,
			  "no 96-byte signature");
		return 0;
	}
	if (EVP_PKEY_get_base_id(c->leaf_key) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_group_name(c->leaf_key, grp, sizeof(grp), &gl) ||
	    strcmp(grp, "secp384r1")) {
		ERR_clear_error();
		add_check(c->r, NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_FAIL,
			  "leaf key is not EC P-384, cannot be ES384");
		return 0;
	}
	ok = nsm__cose_es384_verify(c->leaf_key, prot->data, prot->dlen,
				    pl->data, pl->dlen, sig->data,
				    c->v->flags & NSM_VERIFIER_OPENSSL_ONLY);
	if (ok < 0)
		return ok;
	if (ok)
		add_check(c->r, NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_PASS,
			  "ES384 signature by the leaf key is valid");
	else
		add_check(c->r, NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_FAIL,
			  "ES384 signature does not verify with the leaf key");
	return 0;
}

/* ---- policy -------------------------------------------------------- */

static void check_bytes_policy(struct vctx *c, enum nsm_check_code code,
			       enum nsm_presence p, const uint8_t *have,
			       size_t have_len, const uint8_t *want,
			       size_t want_len, const char *what)
{
	if (p != NSM_PRESENT)
		add_check(c->r, code, NSM_CHECK_FAIL, "document %s is %s", what,
			  p == NSM_NULL ? "null" : p == NSM_ABSENT ? "absent" : "not bytes");
	else if (have_len != want_len || (want_len && memcmp(have, want, want_len)))
		add_check(c->r, code, NSM_CHECK_FAIL,
			  "document %s (%zu bytes) differs from the expected one (%zu bytes)",
			  what, have_len, want_len);
	else
		add_check(c->r, code, NSM_CHECK_PASS, "%s matches (%zu bytes)", what, want_len);
}

static int check_policy(struct vctx *c)
{
	const struct nsm_verify_opts *o = c->o;
	const struct nsm_doc *d = c->doc;
	const uint8_t *p;
	size_t len;
	int ret;

	if (o->expected_pcrs) {
		char msg[512];
		size_t ml = 0, bad = 0;
		uint32_t i;

		msg[0] = '\0';
		for (i = 0; i < NSM_MAX_PCRS; i++) {
			size_t wl, hl;
			const uint8_t *w = nsm_pcrset_get(o->expected_pcrs, i, &wl);
			const uint8_t *h;
			const char *label = pcr_label(i);

			if (!w)
				continue;
			h = nsm_doc_pcr(d, i, &hl);
			if (h && hl == wl && !memcmp(h, w, wl))
				continue;
			bad++;
			if (ml < sizeof(msg))
				ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml,
					"%sPCR%u%s%s%s %s", bad > 1 ? "; " : "", i,
					label ? " (" : "", label ? label : "",
					label ? ")" : "", h ? "differs" : "is missing");
		}
		if (bad)
			add_check(c->r, NSM_CHECK_POLICY_PCRS, NSM_CHECK_FAIL, "%s", msg);
		else
			add_check(c->r, NSM_CHECK_POLICY_PCRS, NSM_CHECK_PASS,
				  "%zu expected PCRs match", nsm_pcrset_count(o->expected_pcrs));
	}
	if (o->check_nonce) {
		enum nsm_presence pr = nsm_doc_nonce(d, &p, &len);

		check_bytes_policy(c, NSM_CHECK_POLICY_NONCE, pr, p, len, o->nonce,
				   o->nonce_len, "nonce");
	}
	if (o->check_user_data) {
		enum nsm_presence pr = nsm_doc_user_data(d, &p, &len);

		check_bytes_policy(c, NSM_CHECK_POLICY_USER_DATA, pr, p, len,
				   o->user_data, o->user_data_len, "user_data");
	}
	if (o->check_public_key) {
		enum nsm_presence pr = nsm_doc_public_key(d, &p, &len);

		check_bytes_policy(c, NSM_CHECK_POLICY_PUBLIC_KEY, pr, p, len,
				   o->public_key, o->public_key_len, "public_key");
	}
	if (o->max_age_ms) {
		int64_t ref = o->time_policy == NSM_TIME_GIVEN ? o->time_ms : c->now_ms;
		uint64_t ts;

		if (!nsm_doc_timestamp(d, &ts) || ts > (uint64_t)INT64_MAX)
			add_check(c->r, NSM_CHECK_POLICY_MAX_AGE, NSM_CHECK_SKIP, "no timestamp");
		else if ((int64_t)ts > ref && (uint64_t)((int64_t)ts - ref) > o->max_future_ms)
			add_check(c->r, NSM_CHECK_POLICY_MAX_AGE, NSM_CHECK_FAIL,
				  "document is %lld ms in the future (tolerance %llu ms)",
				  (long long)((int64_t)ts - ref),
				  (unsigned long long)o->max_future_ms);
		else if ((int64_t)ts < ref && (uint64_t)(ref - (int64_t)ts) > o->max_age_ms)
			add_check(c->r, NSM_CHECK_POLICY_MAX_AGE, NSM_CHECK_FAIL,
				  "document is %lld ms old, limit %llu ms",
				  (long long)(ref - (int64_t)ts),
				  (unsigned long long)o->max_age_ms);
		else
			add_check(c->r, NSM_CHECK_POLICY_MAX_AGE, NSM_CHECK_PASS,
				  "document age %lld ms within %llu ms",
				  (long long)(ref - (int64_t)ts),
				  (unsigned long long)o->max_age_ms);
	}
	if (o->reject_debug) {
		if (nsm_doc_is_debug(d))
			add_check(c->r, NSM_CHECK_POLICY_NOT_DEBUG, NSM_CHECK_FAIL,
				  "debug-mode enclave: PCR0, PCR1 and PCR2 are zero");
		else
			add_check(c->r, NSM_CHECK_POLICY_NOT_DEBUG, NSM_CHECK_PASS,
				  "not a debug-mode enclave");
	}
	if (o->kms_policy_json) {
		char msg[512];
		bool ok;

		ret = nsm__kms_eval(o->kms_policy_json, d, &ok, msg, sizeof(msg));
		if (ret == -EINVAL)
			nsm__error(c->err, 0, 0, "KMS policy: %s", msg);
		if (ret)
			return ret;
		add_check(c->r, NSM_CHECK_POLICY_KMS, ok ? NSM_CHECK_PASS : NSM_CHECK_FAIL,
			  "%s", msg);
	}
	return 0;
}

/* ---- entry points -------------------------------------------------- */

static struct nsm_result *result_new(void)
{
	struct nsm_result *r = calloc(1, sizeof(struct nsm_result));

	if (r)
		r->root = -1;
	return r;
}

int nsm_verify(struct nsm_result **resultp, struct nsm_error *err,
	       struct nsm_verifier *v, const struct nsm_doc *doc,
	       const struct nsm_verify_opts *opts)
{
	struct nsm_verify_opts defaults;
	struct vctx *c;
	uint64_t ts = 0;
	int64_t at;
	int ret;

	if (!resultp)
		return nsm__errno(err, -EINVAL);
	*resultp = NULL;
	if (!v || !doc)
		return nsm__errno(err, -EINVAL);
	if (!opts) {
		nsm_verify_opts_init(&defaults);
		opts = &defaults;
	}
	if (opts->version != NSM_VERIFY_OPTS_VERSION) {
		nsm__error(err, 0, 0, "unsupported nsm_verify_opts version %u",
			   opts->version);
		return -EINVAL;
	}
	if ((unsigned int)opts->time_policy > NSM_TIME_GIVEN) {
		nsm__error(err, 0, 0, "unknown time policy %d",
			   (int)opts->time_policy);
		return -EINVAL;
	}
	if (opts->time_policy == NSM_TIME_GIVEN && opts->time_ms < 0) {
		nsm__error(err, 0, 0, "verification time before 1970");
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return nsm__errno(err, -ENOMEM);
	c->v = v;
	c->err = err;
	c->doc = doc;
	c->o = opts;
	c->now_ms = now_ms();
	c->r = result_new();
	if (!c->r) {
		free(c);
		return nsm__errno(err, -ENOMEM);
	}

	check_syntax(c);
	check_semantic(c);

	switch (opts->time_policy) {
	case NSM_TIME_DOCUMENT:
		at = nsm_doc_timestamp(doc, &ts) && ts <= (uint64_t)INT64_MAX ?
		     (int64_t)ts : -1;
		break;
	case NSM_TIME_GIVEN:
		at = opts->time_ms;
		break;
	default:
		at = c->now_ms;
		break;
	}
	c->r->time_ms = at;
	if (at < 0) {
		size_t i;

		add_check(c->r, NSM_CHECK_CERT_DECODE, NSM_CHECK_SKIP,
			  "no document timestamp to verify at");
		for (i = 0; i < sizeof(chain_codes) / sizeof(chain_codes[0]); i++)
			add_check(c->r, chain_codes[i], NSM_CHECK_SKIP,
				  "no document timestamp to verify at");
		ret = 0;
	} else {
		ret = check_chain(c, at);
	}
	if (!ret && c->syntax_ok)
		ret = check_signature(c);
	else if (!ret)
		add_check(c->r, NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_SKIP,
			  "COSE structure is broken");
	if (!ret)
		ret = check_policy(c);
	if (!ret && c->r->oom)
		ret = -ENOMEM;

	EVP_PKEY_free(c->leaf_key);
	if (ret) {
		if (ret == -ENOMEM)
			nsm__errno(err, ret);
		nsm_result_free(&c->r);
	}
	*resultp = c->r;
	free(c);
	return ret;
}

int nsm_verify_bytes(struct nsm_result **resultp, struct nsm_error *err,
		     struct nsm_verifier *v, const uint8_t *buf, size_t len,
		     const struct nsm_verify_opts *opts)
{
	struct nsm_error perr;
	struct nsm_doc *doc = NULL;
	struct nsm_result *r;
	int ret;

	if (!resultp)
		return nsm__errno(err, -EINVAL);
	*resultp = NULL;
	if (!v || (!buf && len))
		return nsm__errno(err, -EINVAL);
	ret = nsm_doc_parse(&doc, &perr, buf, len);
	if (ret == -EBADMSG) {
		r = result_new();
		if (!r)
			return nsm__errno(err, -ENOMEM);
		add_check(r, (enum nsm_check_code)perr.code, NSM_CHECK_FAIL,
			  "%s", perr.message);
		if (r->oom) {
			nsm_result_free(&r);
			return nsm__errno(err, -ENOMEM);
		}
		*resultp = r;
		return 0;
	}
	if (ret)
		return nsm__errno(err, ret);
	ret = nsm_verify(resultp, err, v, doc, opts);
	nsm_doc_free(&doc);
	return ret;
}

/* ---- certificate summaries ------------------------------------------ */

static void name_line(char *buf, size_t len, const X509_NAME *nm)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	buf[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_read(b, buf, (int)len - 1);
		buf[n > 0 ? n : 0] = '\0';
	}
	BIO_free(b);
}

int nsm_cert_info(struct nsm_cert_info *info, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	unsigned int dl;
	X509 *x;
	long pl;

	if (!info || !der || len > INT32_MAX)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		return -EINVAL;
	}
	name_line(info->subject, sizeof(info->subject), X509_get_subject_name(x));
	name_line(info->issuer, sizeof(info->issuer), X509_get_issuer_name(x));
	info->not_before_ms = asn1_ms(X509_get0_notBefore(x));
	info->not_after_ms = asn1_ms(X509_get0_notAfter(x));
	info->is_ca = X509_get_extension_flags(x) & EXFLAG_CA;
	pl = X509_get_pathlen(x);
	info->path_len = pl < 0 || pl > INT32_MAX ? -1 : (int)pl;
	info->key_usage = X509_get_key_usage(x);
	X509_digest(x, EVP_sha256(), info->sha256, &dl);
	X509_free(x);
	ERR_clear_error();
	return 0;
}
