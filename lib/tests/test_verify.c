// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verification against real AWS documents, foreign test CAs, mutated
 * documents, policies and the chain cache.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "nsm_verify.h"
#include "../../tests/tap.h"
#include "util.h"

static const char aws_fpr[] =
	"641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

static struct nsm_verify_opts at_doc(void)
{
	struct nsm_verify_opts o;

	nsm_verify_opts_init(&o);
	o.time_policy = NSM_TIME_DOCUMENT;
	return o;
}

/* Verify @b; return the result (caller frees), NULL on an error. */
static struct nsm_result *run(struct nsm_verifier *v, const struct blob *b,
			      const struct nsm_verify_opts *o)
{
	struct nsm_result *r = NULL;
	struct nsm_error err = { 0 };
	int ret = nsm_verify_bytes(&r, &err, v, b->p, b->len, o);

	if (ret)
		printf("# nsm_verify_bytes: %d %s\n", ret, err.message);
	return r;
}

static enum nsm_check_code first_fail(const struct nsm_result *r)
{
	const struct nsm_check *c = nsm_result_first_failure(r);

	return c ? c->code : NSM_CHECK_COUNT;
}

static const char *first_fail_msg(const struct nsm_result *r)
{
	const struct nsm_check *c = nsm_result_first_failure(r);

	return c ? c->message : "(none)";
}

static int count_fails(const struct nsm_result *r)
{
	size_t i;
	int n = 0;

	for (i = 0; i < nsm_result_count(r); i++)
		n += nsm_result_check(r, i)->status == NSM_CHECK_FAIL;
	return n;
}

/* what the current tests are about, printed before each name ("" or "doc: ") */
static char lbl[128];

/* expect the first failure to be @code */
static void expect_fail(struct nsm_verifier *v, const struct blob *b,
			const struct nsm_verify_opts *o,
			enum nsm_check_code code, const char *what)
{
	struct nsm_result *r = run(v, b, o);

	tap_ok(r && !nsm_result_ok(r) && first_fail(r) == code,
	       "%s%s: rejected with %s (got %s: %s)", lbl, what, nsm_check_name(code),
	       nsm_check_name(first_fail(r)), first_fail_msg(r));
	nsm_result_free(&r);
}

static void test_aws_root(void)
{
	size_t len;
	const uint8_t *der = nsm_aws_root_der(&len);
	uint8_t md[32];
	char h[65];
	unsigned int ml;
	struct blob pem;
	BIO *bio;
	X509 *x;
	unsigned char *d2 = NULL;
	int l2;

	EVP_Digest(der, len, md, &ml, EVP_sha256(), NULL);
	hex(h, md, 32);
	tap_ok(der && !strcmp(h, aws_fpr), "built-in AWS root G1 has fingerprint %s", h);
	if (!td_dir()) {
		td_skipf("built-in AWS root equals testdata/aws-nitro-root-g1.pem");
		return;
	}
	pem = load("aws-nitro-root-g1.pem");
	bio = BIO_new_mem_buf(pem.p, (int)pem.len);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	l2 = i2d_X509(x, &d2);
	tap_ok(l2 > 0 && (size_t)l2 == len && !memcmp(d2, der, len),
	       "built-in AWS root equals testdata/aws-nitro-root-g1.pem");
	OPENSSL_free(d2);
	X509_free(x);
	BIO_free(bio);
	free(pem.p);
}

/* Every real document: verifies at its time, fails now (expiry only),
 * fails without the AWS root; decoder agrees with expected.json. */
static void test_real_docs(void)
{
	struct nsm_verifier *v, *noaws;
	struct json_object *exp = NULL;
	char **names, path[600];
	size_t n, i;

	if (!td_dir()) {
		td_skipf("expected.json loads");
		td_skipf("the 16 real documents found");
		for (i = 0; i < AWS_DOC_COUNT; i++) {
			td_skipf("%s verifies against AWS root G1 at its own time",
				 aws_doc_names[i]);
			td_skipf("%s fails now with chain.not_expired only", aws_doc_names[i]);
			td_skipf("%s fails without the AWS root: chain.trusted_root",
				 aws_doc_names[i]);
			td_skipf("%s: decoder agrees with expected.json", aws_doc_names[i]);
		}
		return;
	}
	exp = json_object_from_file(td_path(path, sizeof(path), "aws/expected.json"));
	tap_ok(exp != NULL, "expected.json loads");
	n = aws_docs(&names);
	{
		bool same = n == AWS_DOC_COUNT;

		for (i = 0; same && i < n; i++)
			same = !strcmp(names[i], aws_doc_names[i]);
		tap_ok(same, "the 16 real documents found (%zu *.cbor)", n);
	}
	nsm_verifier_new(&v, NSM_VERIFIER_NO_CACHE);
	nsm_verifier_new(&noaws, NSM_VERIFIER_NO_AWS_ROOT);
	for (i = 0; i < n; i++) {
		char rel[300];
		struct blob b;
		struct nsm_verify_opts o = at_doc(), now;
		struct nsm_result *r;
		struct nsm_doc *d = NULL;
		struct json_object *e = NULL, *f;
		uint8_t root[32];
		char rh[65];
		bool ok;

		snprintf(rel, sizeof(rel), "aws/%s", names[i]);
		b = load(rel);
		r = run(v, &b, &o);
		ok = r && nsm_result_ok(r) && nsm_result_root_sha256(r, root);
		if (ok)
			hex(rh, root, 32);
		tap_ok(ok && !strcmp(rh, aws_fpr),
		       "%s verifies against AWS root G1 at its own time", names[i]);
		if (!ok)
			printf("#   first failure: %s: %s\n", nsm_check_name(first_fail(r)),
			       first_fail_msg(r));
		nsm_result_free(&r);

		nsm_verify_opts_init(&now);
		r = run(v, &b, &now);
		tap_ok(r && first_fail(r) == NSM_CHECK_CHAIN_NOT_EXPIRED && count_fails(r) == 1,
		       "%s fails now with chain.not_expired only (%s)", names[i],
		       first_fail_msg(r));
		nsm_result_free(&r);

		r = run(noaws, &b, &o);
		tap_ok(r && first_fail(r) == NSM_CHECK_CHAIN_TRUSTED_ROOT,
		       "%s fails without the AWS root: chain.trusted_root", names[i]);
		nsm_result_free(&r);

		/* decoder vs expected.json */
		if (nsm_doc_parse(&d, NULL, b.p, b.len) == 0 && exp &&
		    json_object_object_get_ex(exp, names[i], &e)) {
			const uint8_t *p;
			size_t l;
			uint64_t ts = 0;
			char want[32];
			static const char *const opt[] = { "public_key", "user_data", "nonce" };
			enum nsm_presence (*get[])(const struct nsm_doc *, const uint8_t **,
						   size_t *) = {
				nsm_doc_public_key, nsm_doc_user_data, nsm_doc_nonce,
			};
			bool same = true;
			int k;

			nsm_doc_timestamp(d, &ts);
			json_object_object_get_ex(e, "module_id", &f);
			same &= !strcmp(nsm_doc_module_id(d), json_object_get_string(f));
			json_object_object_get_ex(e, "timestamp_ms", &f);
			same &= ts == (uint64_t)json_object_get_int64(f);
			json_object_object_get_ex(e, "pcr_count", &f);
			same &= nsm_doc_pcr_count(d) == (size_t)json_object_get_int(f);
			json_object_object_get_ex(e, "cabundle_len", &f);
			same &= nsm_doc_cabundle_count(d) == (size_t)json_object_get_int(f);
			json_object_object_get_ex(e, "size", &f);
			same &= b.len == (size_t)json_object_get_int(f);
			json_object_object_get_ex(e, "debug_mode", &f);
			same &= nsm_doc_is_debug(d) == json_object_get_boolean(f);
			json_object_object_get_ex(e, "payload_map", &f);
			same &= nsm_doc_payload_indefinite(d) ==
				!strcmp(json_object_get_string(f), "indefinite");
			for (k = 0; k < 3; k++) {
				enum nsm_presence pr = get[k](d, &p, &l);

				if (pr == NSM_NULL)
					snprintf(want, sizeof(want), "null");
				else
					snprintf(want, sizeof(want), "%zu bytes", l);
				json_object_object_get_ex(e, opt[k], &f);
				if (strcmp(want, json_object_get_string(f))) {
					printf("#   %s: %s vs %s\n", opt[k], want,
					       json_object_get_string(f));
					same = false;
				}
			}
			tap_ok(same, "%s: decoder agrees with expected.json", names[i]);
		} else {
			tap_ok(0, "%s: parse and expected.json entry", names[i]);
		}
		nsm_doc_free(&d);
		free(b.p);
	}
	free_names(names, n);
	json_object_put(exp);
	nsm_verifier_free(&v);
	nsm_verifier_free(&noaws);
}

static void test_foreign(void)
{
	static const char *const docs[] = {
		"foreign-ca/marlin_sdk_custom.cbor",
		"foreign-ca/marlin_sdk_custom_pcr16.cbor",
	};
	struct nsm_verify_opts o = at_doc();
	struct nsm_verifier *aws, *marlin, *only;
	char path[600];
	size_t i;

	if (!td_dir()) {
		td_skipf("marlin mock root added from a PEM file");
		td_skipf("missing root file is -ENOENT");
		for (i = 0; i < 2; i++) {
			td_skipf("%s verifies with its own root (plus AWS)", docs[i]);
			td_skipf("%s verifies with its own root only", docs[i]);
			td_skipf("%s: rejected with chain.trusted_root", docs[i]);
		}
		return;
	}
	td_path(path, sizeof(path), "foreign-ca/marlin_mock_root.pem");
	nsm_verifier_new(&aws, 0);
	nsm_verifier_new(&marlin, 0);
	nsm_verifier_new(&only, NSM_VERIFIER_NO_AWS_ROOT);
	tap_ok(nsm_verifier_add_root_file(marlin, NULL, path, NULL) == 0 &&
	       nsm_verifier_add_root_file(only, NULL, path, NULL) == 0 &&
	       nsm_verifier_root_count(marlin) == 2 && nsm_verifier_root_count(only) == 1,
	       "marlin mock root added from a PEM file");
	tap_ok(nsm_verifier_add_root_file(only, NULL, "/nonexistent", NULL) == -ENOENT,
	       "missing root file is -ENOENT");
	for (i = 0; i < 2; i++) {
		struct blob b = load(docs[i]);
		struct nsm_result *r;

		r = run(marlin, &b, &o);
		tap_ok(r && nsm_result_ok(r), "%s verifies with its own root (plus AWS)", docs[i]);
		nsm_result_free(&r);
		r = run(only, &b, &o);
		tap_ok(r && nsm_result_ok(r), "%s verifies with its own root only", docs[i]);
		nsm_result_free(&r);
		expect_fail(aws, &b, &o, NSM_CHECK_CHAIN_TRUSTED_ROOT, docs[i]);
		free(b.p);
	}
	nsm_verifier_free(&aws);
	nsm_verifier_free(&marlin);
	nsm_verifier_free(&only);
}

static void test_blocky_selfsigned(void)
{
	struct blob b;
	struct nsm_verify_opts o = at_doc();
	struct nsm_verifier *v;
	struct nsm_result *r;
	const struct nsm_check *c;
	struct nsm_doc *d = NULL;
	char path[600];

	if (!td_dir()) {
		td_skipf("blocky_selfsigned decodes (32 PCRs, null cabundle) so tools can show it");
		td_skipf("blocky_selfsigned rejected");
		td_skipf("blocky_selfsigned: doc.cabundle fails");
		td_skipf("blocky_selfsigned: doc.timestamp fails");
		return;
	}
	b = load("foreign-ca/blocky_selfsigned_2024.cbor");
	td_path(path, sizeof(path), "foreign-ca/blocky_selfsigned_root.pem");
	nsm_verifier_new(&v, 0);
	nsm_verifier_add_root_file(v, NULL, path, NULL);
	tap_ok(nsm_doc_parse(&d, NULL, b.p, b.len) == 0 && nsm_doc_pcr_count(d) == 32 &&
	       nsm_doc_cabundle_count(d) == 0,
	       "blocky_selfsigned decodes (32 PCRs, null cabundle) so tools can show it");
	r = run(v, &b, &o);
	tap_ok(r && first_fail(r) == NSM_CHECK_COSE_STRUCTURE &&
	       strstr(first_fail_msg(r), "unprotected"),
	       "blocky_selfsigned rejected: %s", first_fail_msg(r));
	c = nsm_result_find(r, NSM_CHECK_CABUNDLE);
	tap_ok(c && c->status == NSM_CHECK_FAIL && strstr(c->message, "null"),
	       "blocky_selfsigned: doc.cabundle fails: %s", c ? c->message : "-");
	c = nsm_result_find(r, NSM_CHECK_TIMESTAMP);
	tap_ok(c && c->status == NSM_CHECK_FAIL && strstr(c->message, "seconds"),
	       "blocky_selfsigned: doc.timestamp fails: %s", c ? c->message : "-");
	nsm_result_free(&r);
	nsm_doc_free(&d);
	nsm_verifier_free(&v);
	free(b.p);
}

#define MUTATION_TESTS 21

/*
 * Mutations of the document @b (@name), which verifies against the AWS
 * root, or against the root in the PEM file @root.
 */
static void mutations(const char *name, struct blob b, const char *root)
{
	struct nsm_verify_opts o = at_doc();
	struct blob m;
	struct nsm_verifier *v;
	struct nsm_doc *d = NULL;
	struct nsm_result *r;
	struct nsm_span s;
	size_t i, bad = 0;
	int f;

	snprintf(lbl, sizeof(lbl), "%s: ", name);
	nsm_verifier_new(&v, 0);
	if (root && nsm_verifier_add_root_file(v, NULL, root, NULL))
		printf("# cannot add the root %s\n", root);
	nsm_doc_parse(&d, NULL, b.p, b.len);

	/* flip a signature bit */
	m.p = malloc(b.len + 1);
	m.len = b.len;
	memcpy(m.p, b.p, b.len);
	nsm_doc_field_span(d, NSM_FIELD_COSE_SIGNATURE, &s);
	m.p[s.data_off + 17] ^= 0x04;
	expect_fail(v, &m, &o, NSM_CHECK_COSE_SIGNATURE, "signature bit flipped");

	/* edit a PCR byte */
	memcpy(m.p, b.p, b.len);
	nsm_doc_pcr_span(d, 0, &s);
	m.p[s.data_off + 5] ^= 0xff;
	expect_fail(v, &m, &o, NSM_CHECK_COSE_SIGNATURE, "PCR0 byte edited");

	/* edit the timestamp: still signed */
	memcpy(m.p, b.p, b.len);
	nsm_doc_field_span(d, NSM_FIELD_TIMESTAMP, &s);
	m.p[s.off + s.len - 1] ^= 0x01;
	expect_fail(v, &m, &o, NSM_CHECK_COSE_SIGNATURE, "timestamp edited");

	/* change the alg: a1013822 -> a1013823 (-36) */
	memcpy(m.p, b.p, b.len);
	nsm_doc_field_span(d, NSM_FIELD_COSE_PROTECTED, &s);
	m.p[s.data_off + 3] = 0x23;
	expect_fail(v, &m, &o, NSM_CHECK_COSE_ALG, "alg changed to -36");

	/* protected header re-encoded non-minimally: {1: -35} as a1 01 38 22
	 * is minimal; a1 01 39 00 22 is not */
	/* append one byte */
	memcpy(m.p, b.p, b.len);
	m.p[b.len] = 0x00;
	m.len = b.len + 1;
	expect_fail(v, &m, &o, NSM_CHECK_CBOR_TRAILING, "one byte appended");
	m.len = b.len;

	/* every truncation */
	for (i = 0; i < b.len; i++) {
		struct blob t = { b.p, i };

		r = run(v, &t, &o);
		if (!r || first_fail(r) != NSM_CHECK_CBOR)
			bad++;
		nsm_result_free(&r);
	}
	tap_ok(bad == 0, "%sall %zu truncations rejected with cbor.wellformed (%zu wrong)",
	       lbl, b.len, bad);
	free(m.p);

	/* tag 18 stays valid */
	m.p = malloc(b.len + 1);
	m.p[0] = 0xd2;
	memcpy(m.p + 1, b.p, b.len);
	m.len = b.len + 1;
	r = run(v, &m, &o);
	tap_ok(r && nsm_result_ok(r), "%stagged with 18: still valid", lbl);
	nsm_result_free(&r);
	m.p[0] = 0xd1;
	expect_fail(v, &m, &o, NSM_CHECK_COSE_STRUCTURE, "tagged with 17");
	free(m.p);

	/* drop each field */
	for (f = NSM_FIELD_MODULE_ID; f <= NSM_FIELD_NONCE; f++) {
		static const enum nsm_check_code want[] = {
			NSM_CHECK_MODULE_ID, NSM_CHECK_DIGEST, NSM_CHECK_TIMESTAMP,
			NSM_CHECK_PCRS, NSM_CHECK_CERTIFICATE, NSM_CHECK_CABUNDLE,
			/* optional fields: only the signature breaks */
			NSM_CHECK_COSE_SIGNATURE, NSM_CHECK_COSE_SIGNATURE,
			NSM_CHECK_COSE_SIGNATURE,
		};
		char what[64];

		m = drop_field(d, (enum nsm_field)f);
		snprintf(what, sizeof(what), "%s dropped", nsm_field_name((enum nsm_field)f));
		expect_fail(v, &m, &o, want[f], what);
		free(m.p);
	}

	/* duplicate key: a second "nonce" */
	{
		static const uint8_t dup[] = { 0x65, 'n', 'o', 'n', 'c', 'e', 0xf6 };
		size_t end;

		nsm_doc_field_span(d, NSM_FIELD_COSE_PAYLOAD, &s);
		end = s.data_off + s.data_len - (nsm_doc_payload_indefinite(d) ? 1 : 0);
		m = splice_payload(d, end, end, dup, sizeof(dup), 1);
		expect_fail(v, &m, &o, NSM_CHECK_CBOR_DUPLICATE_KEY, "duplicate nonce key");
		free(m.p);
	}
	/* NitroTPM: pcrs renamed nitrotpm_pcrs */
	{
		static const uint8_t key[] = { 0x6d, 'n', 'i', 't', 'r', 'o', 't', 'p', 'm',
					       '_', 'p', 'c', 'r', 's' };

		nsm_doc_field_span(d, NSM_FIELD_PCRS, &s);
		m = splice_payload(d, s.key_off, s.off, key, sizeof(key), 0);
		expect_fail(v, &m, &o, NSM_CHECK_NOT_NITROTPM, "NitroTPM document");
		free(m.p);
	}
	/* unknown extra field: signature breaks, nothing else */
	{
		static const uint8_t extra[] = { 0x63, 'f', 'o', 'o', 0x01 };
		size_t end;

		nsm_doc_field_span(d, NSM_FIELD_COSE_PAYLOAD, &s);
		end = s.data_off + s.data_len - (nsm_doc_payload_indefinite(d) ? 1 : 0);
		m = splice_payload(d, end, end, extra, sizeof(extra), 1);
		r = run(v, &m, &o);
		tap_ok(r && count_fails(r) == 1 && first_fail(r) == NSM_CHECK_COSE_SIGNATURE,
		       "%sextra field: only cose.signature fails", lbl);
		nsm_result_free(&r);
		free(m.p);
	}
	/* a rewrap that changes nothing stays valid (the surgery is sound) */
	m = splice_payload(d, s.data_off + 1, s.data_off + 1, NULL, 0, 0);
	r = run(v, &m, &o);
	tap_ok(r && nsm_result_ok(r) && m.len == b.len && !memcmp(m.p, b.p, b.len),
	       "%sidentity rewrap is byte-identical and valid", lbl);
	nsm_result_free(&r);
	free(m.p);

	nsm_doc_free(&d);
	nsm_verifier_free(&v);
	free(b.p);
	lbl[0] = 0;
}

#define POLICY_TESTS 20

/*
 * Policies over a production document @prod with 1024-byte optional fields
 * and a debug document @dbg of another image, verified against the AWS
 * root and the PEM roots @roots (NULL-terminated).
 */
static void test_policy(const char *label, struct blob prod, struct blob dbg,
			const char *const *roots)
{
	struct nsm_verifier *v;
	struct nsm_doc *d = NULL;
	struct nsm_pcrset *set = NULL;
	struct nsm_verify_opts o = at_doc();
	struct nsm_result *r;
	struct nsm_error err = { 0 };
	const uint8_t *p;
	size_t l;
	uint64_t ts;
	char pcr0[97], policy[1024];
	int ret;

	snprintf(lbl, sizeof(lbl), "%s: ", label);
	nsm_verifier_new(&v, 0);
	for (; roots && *roots; roots++)
		if (nsm_verifier_add_root_file(v, NULL, *roots, NULL))
			printf("# cannot add the root %s\n", *roots);
	nsm_doc_parse(&d, NULL, prod.p, prod.len);

	o.reject_debug = true;
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_ok(r) && nsm_result_find(r, NSM_CHECK_POLICY_NOT_DEBUG),
	       "%s" "reject_debug: production document passes", lbl);
	nsm_result_free(&r);
	expect_fail(v, &dbg, &o, NSM_CHECK_POLICY_NOT_DEBUG, "reject_debug: debug document");

	o = at_doc();
	nsm_pcrset_from_doc(&set, d);
	o.expected_pcrs = set;
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_ok(r), "%s" "expected PCRs = the document's: pass", lbl);
	nsm_result_free(&r);
	p = nsm_pcrset_get(set, 2, &l);
	{
		uint8_t x[48];

		memcpy(x, p, 48);
		x[0] ^= 1;
		nsm_pcrset_set(set, 2, x, 48);
	}
	r = run(v, &prod, &o);
	tap_ok(r && first_fail(r) == NSM_CHECK_POLICY_PCRS &&
	       strstr(first_fail_msg(r), "PCR2 (application) differs"),
	       "%s" "changed PCR2 expectation fails: %s", lbl, first_fail_msg(r));
	nsm_result_free(&r);
	nsm_pcrset_free(&set);

	o = at_doc();
	nsm_doc_nonce(d, &p, &l);
	o.check_nonce = true;
	o.nonce = p;
	o.nonce_len = l;
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_ok(r), "%s" "expected nonce (1024 bytes) matches (%s)", lbl,
	       first_fail_msg(r));
	nsm_result_free(&r);
	o.nonce_len = l - 1;
	expect_fail(v, &prod, &o, NSM_CHECK_POLICY_NONCE, "shorter expected nonce");
	o = at_doc();
	o.check_user_data = true;
	o.user_data = (const uint8_t *)"x";
	o.user_data_len = 1;
	expect_fail(v, &prod, &o, NSM_CHECK_POLICY_USER_DATA, "other user_data");

	/* max age */
	nsm_doc_timestamp(d, &ts);
	o = at_doc();
	o.time_policy = NSM_TIME_GIVEN;
	o.time_ms = (int64_t)ts + 60000;
	o.max_age_ms = 120000;
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_ok(r), "%s" "given time 1 min after, max age 2 min: pass", lbl);
	nsm_result_free(&r);
	o.max_age_ms = 30000;
	expect_fail(v, &prod, &o, NSM_CHECK_POLICY_MAX_AGE, "max age 30 s, 1 min old");
	o.time_ms = (int64_t)ts - 120000;
	o.max_age_ms = 30000;
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_find(r, NSM_CHECK_POLICY_MAX_AGE)->status == NSM_CHECK_FAIL,
	       "%s" "document 2 min in the future fails max age", lbl);
	nsm_result_free(&r);
	o = at_doc();
	o.time_policy = NSM_TIME_GIVEN;
	o.time_ms = (int64_t)ts + 4 * 3600 * 1000LL;
	expect_fail(v, &prod, &o, NSM_CHECK_CHAIN_NOT_EXPIRED, "given time 4 h later");
	o.time_ms = (int64_t)ts - 3 * 86400 * 1000LL;
	expect_fail(v, &prod, &o, NSM_CHECK_CHAIN_NOT_YET_VALID, "given time 3 days earlier");

	/* KMS */
	hex(pcr0, nsm_doc_pcr(d, 0, &l), 48);
	{
		char up[97];
		size_t i;

		for (i = 0; i < 96; i++)
			up[i] = (char)(pcr0[i] >= 'a' ? pcr0[i] - 32 : pcr0[i]);
		up[96] = 0;
		snprintf(policy, sizeof(policy),
			 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"admin\",\"Effect\":\"Allow\","
			 "\"Action\":\"kms:*\"},{\"Sid\":\"enclave\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\","
			 "\"Condition\":{\"StringEqualsIgnoreCase\":{\"kms:RecipientAttestation:ImageSha384\":\"%s\"}}}]}",
			 up);
	}
	o = at_doc();
	o.kms_policy_json = policy;
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_ok(r), "%s" "KMS ImageSha384 (upper case, IgnoreCase) matches", lbl);
	nsm_result_free(&r);
	expect_fail(v, &dbg, &o, NSM_CHECK_POLICY_KMS, "KMS ImageSha384 vs another image");
	snprintf(policy, sizeof(policy),
		 "{\"Statement\":{\"Effect\":\"Allow\",\"Condition\":{\"StringEquals\":"
		 "{\"kms:RecipientAttestation:PCR0\":[\"00\",\"%s\"],"
		 "\"kms:recipientattestation:pcr1\":\"%s\"}}}}", pcr0, "11");
	expect_fail(v, &prod, &o, NSM_CHECK_POLICY_KMS, "KMS PCR1 condition fails");
	{
		char pcr1[97];

		hex(pcr1, nsm_doc_pcr(d, 1, &l), 48);
		snprintf(policy, sizeof(policy),
			 "{\"Statement\":{\"Effect\":\"Allow\",\"Condition\":{\"StringEquals\":"
			 "{\"kms:RecipientAttestation:PCR0\":[\"00\",\"%s\"],"
			 "\"kms:recipientattestation:pcr1\":\"%s\"}}}}", pcr0, pcr1);
	}
	r = run(v, &prod, &o);
	tap_ok(r && nsm_result_ok(r), "%s" "KMS PCR0 (list) and PCR1 under StringEquals match", lbl);
	nsm_result_free(&r);
	o.kms_policy_json = "{\"Statement\": [ {";
	ret = nsm_verify_bytes(&r, &err, v, prod.p, prod.len, &o);
	tap_ok(ret == -EINVAL && !r && strstr(err.message, "JSON"),
	       "%s" "malformed KMS policy is -EINVAL (%s)", lbl, err.message);
	o.kms_policy_json = "{\"Statement\":[{\"Effect\":\"Allow\"}]}";
	expect_fail(v, &prod, &o, NSM_CHECK_POLICY_KMS, "KMS policy without attestation conditions");

	o = at_doc();
	o.time_policy = NSM_TIME_GIVEN;
	o.time_ms = -1;
	tap_ok(nsm_verify_bytes(&r, NULL, v, prod.p, prod.len, &o) == -EINVAL && !r,
	       "%s" "negative given time is -EINVAL", lbl);
	o = at_doc();
	o.version = 99;
	tap_ok(nsm_verify_bytes(&r, NULL, v, prod.p, prod.len, &o) == -EINVAL,
	       "%s" "unknown opts version is -EINVAL", lbl);

	nsm_doc_free(&d);
	nsm_verifier_free(&v);
	free(prod.p);
	free(dbg.p);
	lbl[0] = 0;
}

#define CACHE_TESTS 7

/* The chain cache, with the document @b verified against the AWS root
 * or the root in the PEM file @root. */
static void test_cache(const char *label, struct blob b, const char *root)
{
	struct nsm_verify_opts o = at_doc(), later;
	struct nsm_verifier *v;
	struct nsm_result *r;
	struct nsm_doc *d = NULL;
	struct nsm_span s;
	uint64_t hits, misses, ts = 0;

	snprintf(lbl, sizeof(lbl), "%s: ", label);
	nsm_verifier_new(&v, 0);
	if (root && nsm_verifier_add_root_file(v, NULL, root, NULL))
		printf("# cannot add the root %s\n", root);
	nsm_doc_parse(&d, NULL, b.p, b.len);
	nsm_doc_timestamp(d, &ts);
	r = run(v, &b, &o);
	nsm_result_free(&r);
	r = run(v, &b, &o);
	nsm_verifier_cache_stats(v, &hits, &misses);
	tap_ok(r && nsm_result_ok(r) && hits == 1 && misses == 1,
	       "%s" "second verification is a cache hit (hits %llu, misses %llu)", lbl,
	       (unsigned long long)hits, (unsigned long long)misses);
	tap_ok(strstr(nsm_result_find(r, NSM_CHECK_CHAIN_TRUSTED_ROOT)->message, "cached") != NULL,
	       "%s" "cached checks say so", lbl);
	nsm_result_free(&r);
	/* 4 hours after the document: its 3-hour leaf has expired */
	later = at_doc();
	later.time_policy = NSM_TIME_GIVEN;
	later.time_ms = (int64_t)ts + 4 * 3600 * 1000LL;
	r = run(v, &b, &later);
	tap_ok(r && first_fail(r) == NSM_CHECK_CHAIN_NOT_EXPIRED,
	       "%s" "a cached chain still fails outside its window", lbl);
	nsm_result_free(&r);
	nsm_doc_field_span(d, NSM_FIELD_COSE_SIGNATURE, &s);
	b.p[s.data_off + 40] ^= 0x80;
	expect_fail(v, &b, &o, NSM_CHECK_COSE_SIGNATURE, "cached chain, bad signature");
	nsm_verifier_cache_stats(v, &hits, &misses);
	tap_ok(hits == 2, "%s" "the bad signature was checked on a cache hit", lbl);
	{
		struct nsm_verifier *other;

		nsm_verifier_new(&other, NSM_VERIFIER_NO_AWS_ROOT);
		b.p[s.data_off + 40] ^= 0x80;
		expect_fail(other, &b, &o, NSM_CHECK_CHAIN_TRUSTED_ROOT,
			    "another verifier without the root shares no cache");
		nsm_verifier_free(&other);
	}
	/* an undecodable extra cabundle entry: reported, and never cached */
	{
		struct nsm_verifier *v2;
		struct nsm_span cs, last;
		static const uint8_t junk_cert[] = { 0x84, 0x41, 0x00 };	/* 5 entries, h'00' */
		struct blob m;
		uint64_t h0, m0;
		const struct nsm_check *c;

		b.p[s.data_off + 40] ^= 0x80;
		nsm_doc_free(&d);
		nsm_doc_parse(&d, NULL, b.p, b.len);
		nsm_doc_field_span(d, NSM_FIELD_CABUNDLE, &cs);
		nsm_doc_cabundle_span(d, nsm_doc_cabundle_count(d) - 1, &last);
		/* replace the array head (0x84) by 0x85 and append h'00' */
		{
			const uint8_t *raw = nsm_doc_raw(d, NULL);
			size_t body = last.off + last.len - (cs.off + 1);
			uint8_t *ins = malloc(body + 3);

			ins[0] = 0x85;
			memcpy(ins + 1, raw + cs.off + 1, body);
			memcpy(ins + 1 + body, junk_cert + 1, 2);
			m = splice_payload(d, cs.off, cs.off + cs.len, ins, body + 3, 0);
			free(ins);
		}
		nsm_verifier_new(&v2, 0);
		r = run(v2, &m, &o);
		nsm_result_free(&r);
		r = run(v2, &m, &o);
		nsm_verifier_cache_stats(v2, &h0, &m0);
		c = nsm_result_find(r, NSM_CHECK_CERT_DECODE);
		tap_ok(c && c->status == NSM_CHECK_FAIL && strstr(c->message, "cabundle[4]") &&
		       h0 == 0 && m0 == 2,
		       "%s" "undecodable cabundle entry: chain.decode fails, chain not cached (%s)", lbl,
		       c ? c->message : "-");
		nsm_result_free(&r);
		nsm_verifier_free(&v2);
		free(m.p);
	}
	nsm_doc_free(&d);
	nsm_verifier_free(&v);
	free(b.p);
	lbl[0] = 0;
}

static void test_api_errors(void)
{
	struct nsm_verifier *v = NULL;
	struct nsm_result *r = NULL;
	struct nsm_doc *d = NULL;
	struct nsm_error pe;
	static const uint8_t junk[] = { 0x84, 0x40, 0xa0, 0x41, 0xff, 0x40 };

	tap_ok(nsm_verifier_new(&v, 0x80) == -EINVAL && !v, "unknown verifier flag is -EINVAL");
	tap_ok(nsm_verify(&r, NULL, NULL, NULL, NULL) == -EINVAL, "NULL arguments are -EINVAL");
	tap_ok(nsm_doc_parse(&d, &pe, junk, sizeof(junk)) == -EBADMSG &&
	       pe.code == NSM_CHECK_CBOR, "payload that is not CBOR: -EBADMSG, cbor.wellformed");
	tap_ok(nsm_verifier_new(&v, 0) == 0 && nsm_verifier_root_count(v) == 1,
	       "default verifier trusts exactly one root");
	tap_ok(nsm_verifier_add_root_pem(v, NULL, "junk", 4, NULL) == -EINVAL, "PEM without certificate: -EINVAL");
	tap_ok(nsm_check_code_from_name("chain.not_expired") == NSM_CHECK_CHAIN_NOT_EXPIRED &&
	       nsm_check_code_from_name("nope") == -1, "check names round-trip");
	{
		int i, ok = 1;

		for (i = 0; i < NSM_CHECK_COUNT; i++)
			ok &= strcmp(nsm_check_name((enum nsm_check_code)i), "unknown") != 0 &&
			      nsm_check_code_from_name(nsm_check_name((enum nsm_check_code)i)) == i;
		tap_ok(ok, "every check code has a unique name");
	}
	nsm_verifier_free(&v);
	nsm_verifier_free(&v);	/* NULL-safe */
	nsm_result_free(&r);
	nsm_doc_free(&d);
}

/*
 * A trust store of several roots: a document is valid when its chain ends
 * in any of them, and the result names which.
 */
static void test_roots(void)
{
	struct nsm_verify_opts o = at_doc();
	struct nsm_verifier *v;
	struct nsm_error err = { 0 };
	struct nsm_result *r;
	const struct nsm_check *c;
	struct blob doc = load_emu("doc"), dbg = load_emu("debug"),
		    tagged = load_emu("tagged");
	char r1[600], r2[600];
	uint8_t fp[NSM_SHA256_LEN], rfp[NSM_SHA256_LEN];

	if (nsm_verifier_new(&v, 0))
		abort();
	tap_ok(nsm_verifier_root_count(v) == 1 &&
	       !strcmp(nsm_verifier_root_name(v, 0), "AWS root G1") &&
	       !nsm_verifier_root_name(v, 1),
	       "roots: the AWS root alone, named \"AWS root G1\"");
	tap_ok(nsm_verifier_add_root_file(v, &err, emu_root(r1, sizeof(r1), "doc"),
					  "doc-root.pem") == 0 &&
	       nsm_verifier_add_root_file(v, &err, emu_root(r2, sizeof(r2), "debug"),
					  NULL) == 0 &&
	       nsm_verifier_root_count(v) == 3, "roots: two more added");
	tap_ok(!strcmp(nsm_verifier_root_name(v, 1), "doc-root.pem") &&
	       nsm_verifier_root_name(v, 2)[0] &&
	       strcmp(nsm_verifier_root_name(v, 2), "doc-root.pem"),
	       "roots: a given name, or the subject's CN (%s)",
	       nsm_verifier_root_name(v, 2));
	tap_ok(nsm_verifier_add_root_file(v, &err, r1, "again") == 0 &&
	       nsm_verifier_root_count(v) == 3 &&
	       !strcmp(nsm_verifier_root_name(v, 1), "doc-root.pem"),
	       "roots: adding one again keeps its first name");
	r = run(v, &doc, &o);
	c = r ? nsm_result_find(r, NSM_CHECK_CHAIN_TRUSTED_ROOT) : NULL;
	tap_ok(r && nsm_result_ok(r) && nsm_result_root(r) == 1 &&
	       !strcmp(nsm_result_root_name(r), "doc-root.pem") &&
	       nsm_result_root_sha256(r, rfp) &&
	       nsm_verifier_root_sha256(v, 1, fp) && !memcmp(fp, rfp, sizeof(fp)) &&
	       c && strstr(c->message, "\"doc-root.pem\""),
	       "roots: doc ends in root 1, named in the result and in chain.trusted_root (%s)",
	       c ? c->message : "-");
	nsm_result_free(&r);
	r = run(v, &dbg, &o);
	tap_ok(r && nsm_result_ok(r) && nsm_result_root(r) == 2,
	       "roots: debug ends in root 2 of the same verifier");
	nsm_result_free(&r);
	/* again, from the chain cache: the root is still named */
	r = run(v, &doc, &o);
	tap_ok(r && nsm_result_ok(r) && nsm_result_root(r) == 1 &&
	       !strcmp(nsm_result_root_name(r), "doc-root.pem"),
	       "roots: a cached chain names its root too");
	nsm_result_free(&r);
	r = run(v, &tagged, &o);
	tap_ok(r && !nsm_result_ok(r) && nsm_result_root(r) == -1 &&
	       !nsm_result_root_name(r) &&
	       first_fail(r) == NSM_CHECK_CHAIN_TRUSTED_ROOT,
	       "roots: a document of none of them fails chain.trusted_root, no root named");
	nsm_result_free(&r);
	tap_ok(!nsm_verifier_root_sha256(v, 3, fp) && nsm_result_root(NULL) == -1,
	       "roots: out of range and NULL");
	nsm_verifier_free(&v);
	free(doc.p);
	free(dbg.p);
	free(tagged.p);
}

int main(void)
{
	static const char *const aws_mut[] = {
		"aws/signal_svr2_valid_bytes.cbor",	/* definite map */
		"aws/base_hinted_2026.cbor",		/* indefinite map */
		"aws/blocky_2024_prod.cbor",		/* 1024-byte fields */
	};
	static const char *const emu_mut[] = { "doc", "indefinite", "fill" };
	char r1[600], r2[600], name[64];
	size_t i;

	tap_start();
	test_aws_root();
	test_real_docs();
	test_foreign();
	test_blocky_selfsigned();
	/* the emulator's documents, made for this run: always */
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "emulator %s", emu_mut[i]);
		mutations(name, load_emu(emu_mut[i]), emu_root(r1, sizeof(r1), emu_mut[i]));
	}
	{
		const char *roots[] = { emu_root(r1, sizeof(r1), "fill"),
					emu_root(r2, sizeof(r2), "debug"), NULL };

		test_policy("emulator fill/debug", load_emu("fill"), load_emu("debug"), roots);
	}
	test_cache("emulator doc", load_emu("doc"), emu_root(r1, sizeof(r1), "doc"));
	/* the real AWS documents, when the test data is there */
	for (i = 0; i < 3; i++) {
		if (td_dir())
			mutations(aws_mut[i], load(aws_mut[i]), NULL);
		else
			td_skip(MUTATION_TESTS, aws_mut[i]);
	}
	if (td_dir())
		test_policy("blocky 2024 prod/debug", load("aws/blocky_2024_prod.cbor"),
			    load("aws/blocky_2024_debug.cbor"), NULL);
	else
		td_skip(POLICY_TESTS, "policies over blocky 2024 prod/debug");
	if (td_dir())
		test_cache("signal_svr2_valid_bytes", load("aws/signal_svr2_valid_bytes.cbor"), NULL);
	else
		td_skip(CACHE_TESTS, "chain cache over signal_svr2_valid_bytes");
	test_roots();
	test_api_errors();
	return tap_end(159);
}
