// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of nsm-kmsd's logic, linked directly: the CMS envelope byte by
 * byte (the shape AWS's C SDK parser needs) and through OpenSSL's CMS
 * decryption, ciphertext blobs, key policies, base64, and the request
 * layer's refusals. TAP on stdout.
 *
 *   test_unit            run the tests
 *   test_unit pcr DOC N  print PCR N of document DOC in hex (for the
 *                        scripts' policies)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <nsm_verify.h>

#include "kmsd.h"
#include "tap.h"

static EVP_PKEY *rsa_key(int bits)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

static int spki(EVP_PKEY *k, uint8_t **der)
{
	*der = NULL;
	return i2d_PUBKEY(k, der);
}

/* ---- CMS --------------------------------------------------------- */

static const uint8_t expect_head[] = {
	0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07,
	0x03, 0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x02, 0x31, 0x82, 0x01, 0x6b,
	0x30, 0x82, 0x01, 0x67, 0x02, 0x01, 0x02, 0x80, 0x20,
};
static const uint8_t expect_oaep[] = {
	0x30, 0x3c, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x07, 0x30, 0x2f, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00, 0x04, 0x82, 0x01, 0x00,
};
static const uint8_t expect_eci[] = {
	0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07,
	0x01, 0x30, 0x1d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
	0x01, 0x2a, 0x04, 0x10,
};

/* Decrypt with OpenSSL's CMS code: the key, no certificate. */
static int cms_open(EVP_PKEY *k, const uint8_t *env, size_t len,
		    uint8_t *out, size_t *out_len)
{
	BIO *in = BIO_new_mem_buf(env, (int)len), *o = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = d2i_CMS_bio(in, NULL);
	int ok = cms && CMS_decrypt(cms, k, NULL, NULL, o, CMS_BINARY) == 1;
	char *p;

	if (ok) {
		*out_len = (size_t)BIO_get_mem_data(o, &p);
		memcpy(out, p, *out_len);
	}
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(o);
	return ok ? 0 : -1;
}

static void test_cms_one(EVP_PKEY *k, const uint8_t ski[32], size_t n)
{
	uint8_t secret[KMS_PLAINTEXT_MAX], got[KMS_PLAINTEXT_MAX + 16], *env;
	size_t len, got_len = 0, ct_len = (n / 16 + 1) * 16, o, i;
	bool zeros = true;

	for (i = 0; i < n; i++)
		secret[i] = (uint8_t)(i * 7 + 1);
	if (!tap_ok(!kms_cms_envelope(&env, &len, k, ski, secret, n),
		    "cms: envelope of %zu bytes made", n))
		return;
	o = sizeof(expect_head);
	tap_ok(len > o + 32 && !memcmp(env, expect_head, o),
	       "cms %zu: ContentInfo, [0], EnvelopedData indefinite; version 2; SET and KTRI definite (01 6b, 01 67); KTRI version 2, [0] SKI of 32 bytes",
	       n);
	tap_ok(!memcmp(env + o, ski, 32), "cms %zu: SKI is SHA-256 of the SPKI", n);
	o += 32;
	tap_ok(!memcmp(env + o, expect_oaep, sizeof(expect_oaep)),
	       "cms %zu: RSAES-OAEP, SHA-256 with NULL, MGF1-SHA-256, no label; encryptedKey 256 bytes",
	       n);
	o += sizeof(expect_oaep) + 256;
	tap_ok(!memcmp(env + o, expect_eci, sizeof(expect_eci)),
	       "cms %zu: EncryptedContentInfo indefinite, id-data, aes256-CBC with a 16-byte IV",
	       n);
	o += sizeof(expect_eci) + 16;
	tap_ok(env[o] == 0xa0 && env[o + 1] == 0x80 && env[o + 2] == 0x04,
	       "cms %zu: encryptedContent [0] constructed indefinite, one OCTET STRING", n);
	o += 3;
	if (ct_len < 0x80) {
		tap_ok(env[o] == ct_len, "cms %zu: chunk length %zu", n, ct_len);
		o += 1;
	} else if (ct_len < 0x100) {
		tap_ok(env[o] == 0x81 && env[o + 1] == ct_len,
		       "cms %zu: chunk length %zu", n, ct_len);
		o += 2;
	} else {
		tap_ok(env[o] == 0x82 && (size_t)(env[o + 1] << 8 | env[o + 2]) == ct_len,
		       "cms %zu: chunk length %zu", n, ct_len);
		o += 3;
	}
	o += ct_len;
	for (i = 0; i < 10 && o + i < len; i++)
		zeros = zeros && !env[o + i];
	tap_ok(o + 10 == len && zeros,
	       "cms %zu: five end-of-contents pairs close it, nothing after", n);
	tap_ok(!cms_open(k, env, len, got, &got_len) && got_len == n &&
	       !memcmp(got, secret, n),
	       "cms %zu: OpenSSL's CMS_decrypt recovers the secret", n);
	free(env);
}

static void test_cms(void)
{
	EVP_PKEY *k = rsa_key(2048);
	uint8_t *der, ski[32];
	int len = spki(k, &der);

	SHA256(der, (size_t)len, ski);
	test_cms_one(k, ski, 32);
	test_cms_one(k, ski, 1);
	test_cms_one(k, ski, 200);
	test_cms_one(k, ski, KMS_PLAINTEXT_MAX);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
}

/* ---- blobs ------------------------------------------------------- */

static void test_blob(void)
{
	struct kms_key k = { .id = "0b6a4f9e-2f5c-4c1e-9a55-0d1f2e3c4b5a" };
	struct kms_key other = k;
	json_object *ctx = json_tokener_parse("{\"a\":\"1\",\"b\":\"2\"}");
	json_object *ctx2 = json_tokener_parse("{\"b\":\"2\",\"a\":\"1\"}");
	json_object *ctx3 = json_tokener_parse("{\"a\":\"1\",\"b\":\"3\"}");
	json_object *ctx4 = json_tokener_parse("{\"a\":\"12\",\"b\":\"\"}");
	uint8_t *blob, *pt;
	size_t len, pt_len, i, bad = 0;
	char id[KMSD_UUID_LEN + 1];

	memset(k.material, 0x42, sizeof(k.material));
	memset(other.material, 0x43, sizeof(other.material));
	tap_ok(!kms_blob_seal(&blob, &len, &k, ctx, (const uint8_t *)"secret", 6) &&
	       len == KMSD_BLOB_OVERHEAD + 6, "blob: sealed, %d bytes of overhead",
	       KMSD_BLOB_OVERHEAD);
	tap_ok(!kms_blob_key_id(blob, len, id) && !strcmp(id, k.id),
	       "blob: names its key");
	tap_ok(!kms_blob_open(&pt, &pt_len, &k, ctx2, blob, len) && pt_len == 6 &&
	       !memcmp(pt, "secret", 6), "blob: opens with the same context in another order");
	free(pt);
	tap_ok(kms_blob_open(&pt, &pt_len, &k, ctx3, blob, len),
	       "blob: another context value fails");
	tap_ok(kms_blob_open(&pt, &pt_len, &k, ctx4, blob, len),
	       "blob: the same bytes split differently fail (length-prefixed)");
	tap_ok(kms_blob_open(&pt, &pt_len, &k, NULL, blob, len),
	       "blob: no context fails");
	tap_ok(kms_blob_open(&pt, &pt_len, &other, ctx, blob, len),
	       "blob: another key's material fails");
	for (i = 0; i < len; i++) {
		blob[i] ^= 0x01;
		if (!kms_blob_open(&pt, &pt_len, &k, ctx, blob, len)) {
			bad++;
			free(pt);
		}
		blob[i] ^= 0x01;
	}
	tap_ok(!bad, "blob: every one-bit change of the %zu bytes fails", len);
	tap_ok(kms_blob_open(&pt, &pt_len, &k, ctx, blob, len - 1),
	       "blob: a truncated blob fails");
	free(blob);
	json_object_put(ctx);
	json_object_put(ctx2);
	json_object_put(ctx3);
	json_object_put(ctx4);
}

/* ---- policies ---------------------------------------------------- */

#define PCR0 "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11"
#define ARN "arn:aws:kms:us-east-1:111122223333:key/0b6a4f9e-2f5c-4c1e-9a55-0d1f2e3c4b5a"

static const char good_policy[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":["
	"{\"Sid\":\"admin\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
	" \"Action\":[\"kms:Create*\",\"kms:Describe*\",\"kms:Put*\",\"kms:Get*\",\"kms:Encrypt\",\"kms:GenerateDataKey\"],\"Resource\":\"*\"},"
	"{\"Sid\":\"enclave\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"kms:Decrypt\",\"kms:GenerateRandom\"],\"Resource\":\"*\","
	" \"Condition\":{\"StringEqualsIgnoreCase\":{\"kms:RecipientAttestation:ImageSha384\":\"" PCR0 "\"}}},"
	"{\"Sid\":\"nodebug\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
	" \"Condition\":{\"StringEquals\":{\"kms:RecipientAttestation:PCR1\":[\"00\",\"0000\"]}}}]}";

static enum kms_decision eval(struct kms_policy *p, const char *action,
			      bool recipient, const char *pcr0,
			      const char *pcr1, char *why)
{
	struct kms_policy_req r = { .action = action, .key_arn = ARN,
				    .has_recipient = recipient };

	r.pcr_hex[0] = pcr0;
	r.pcr_hex[1] = pcr1;
	return kms_policy_eval(p, &r, why, 512);
}

static void refused(const char *policy, const char *needle, const char *what)
{
	struct kms_status st = { 0 };
	struct kms_policy *p = NULL;
	int ret = kms_policy_parse(&p, &st, policy, strlen(policy));

	tap_ok(ret && st.err == KMS_E_MALFORMED_POLICY && strstr(st.msg, needle),
	       "policy: %s refused, naming it (%s)", what, st.msg);
	kms_policy_free(&p);
}

static void test_policy(void)
{
	struct kms_status st = { 0 };
	struct kms_policy *p = NULL;
	char why[512], upper[sizeof(PCR0)];
	char *def = kms_default_policy("111122223333");
	size_t i;

	for (i = 0; i < sizeof(PCR0); i++)
		upper[i] = (char)(PCR0[i] >= 'a' ? PCR0[i] - 32 : PCR0[i]);
	tap_ok(!kms_policy_parse(&p, &st, def, strlen(def)),
	       "policy: the default policy parses");
	tap_ok(eval(p, "kms:Decrypt", false, NULL, NULL, why) == KMS_POLICY_ALLOW,
	       "policy: the default policy allows Decrypt without attestation, as KMS's does");
	kms_policy_free(&p);
	free(def);
	if (!tap_ok(!kms_policy_parse(&p, &st, good_policy, strlen(good_policy)),
		    "policy: a PCR0-pinned policy parses (%s)", st.msg))
		return;
	tap_ok(eval(p, "kms:Decrypt", true, PCR0, "11", why) == KMS_POLICY_ALLOW,
	       "policy: Decrypt with the right PCR0 is allowed");
	tap_ok(eval(p, "kms:decrypt", true, upper, "11", why) == KMS_POLICY_ALLOW,
	       "policy: action names and StringEqualsIgnoreCase values ignore case");
	tap_ok(eval(p, "kms:Decrypt", true, "bb", "11", why) == KMS_POLICY_IMPLICIT_DENY &&
	       strstr(why, "PCR0 is bb"),
	       "policy: another PCR0 is denied, the message says which (%s)", why);
	tap_ok(eval(p, "kms:Decrypt", false, NULL, NULL, why) == KMS_POLICY_IMPLICIT_DENY &&
	       strstr(why, "requires a Recipient"),
	       "policy: no Recipient, no grant (%s)", why);
	tap_ok(eval(p, "kms:Decrypt", true, NULL, "11", why) == KMS_POLICY_IMPLICIT_DENY &&
	       strstr(why, "no PCR0"),
	       "policy: a document without the PCR is denied (%s)", why);
	tap_ok(eval(p, "kms:Decrypt", true, PCR0, "0000", why) == KMS_POLICY_EXPLICIT_DENY &&
	       strstr(why, "nodebug"),
	       "policy: an explicit Deny wins over an Allow (%s)", why);
	tap_ok(eval(p, "kms:CreateAlias", false, NULL, NULL, why) == KMS_POLICY_ALLOW,
	       "policy: wildcard actions match (kms:Create*)");
	tap_ok(eval(p, "kms:ListAliases", false, NULL, NULL, why) ==
	       KMS_POLICY_IMPLICIT_DENY, "policy: an action no statement names is denied");
	kms_policy_free(&p);

	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}}",
		"NotAction", "NotAction");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"kms:RecipientAttestation:PCR0\":\"a*\"}}}}",
		"StringLike", "the StringLike operator");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIfExists\":{\"kms:RecipientAttestation:PCR0\":\"a\"}}}}",
		"StringEqualsIfExists", "an ...IfExists operator");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:EncryptionContext:a\":\"b\"}}}}",
		"kms:EncryptionContext:a", "another condition key");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:RecipientAttestation:PCR32\":\"b\"}}}}",
		"PCR32", "PCR32");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}",
		"s3:GetObject", "a non-KMS action");
	refused("{\"Statement\":{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}}",
		"Effect", "a bad Effect");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}}",
		"Principal is missing", "a statement without Principal");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"x\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}}",
		"Service", "a Service principal");
	refused("{\"Version\":\"2012-10-17\",\"Statement\":[],\"Extra\":1}",
		"Extra", "an unknown top-level element");
	refused("{\"Version\":\"2099-01-01\",\"Statement\":[]}", "Version",
		"an unknown Version");
	refused("{\"Statement\":[]}", "empty", "an empty Statement");
	refused("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:s3:::b\"}}",
		"Resource", "a non-KMS resource");
	refused("{\"Statement\":", "not JSON", "text that is not JSON");
	refused("{\"Statement\":[]} x", "not JSON", "text after the policy");
}

/* ---- base64 ------------------------------------------------------ */

static void test_b64(void)
{
	static const char *const bad[] = { "a", "abc", "ab=c", "a===", "ab c",
					   "ab-_", "====", "YQ==YQ==" };
	uint8_t *out;
	size_t len, i, rejected = 0;
	char *enc;

	tap_ok(!kms_b64_decode(&out, &len, "aGVsbG8=", 8) && len == 5 &&
	       !memcmp(out, "hello", 5), "base64: decodes");
	free(out);
	tap_ok(!kms_b64_decode(&out, &len, "", 0) && len == 0, "base64: empty");
	free(out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rejected += kms_b64_decode(&out, &len, bad[i], strlen(bad[i])) != 0;
	tap_ok(rejected == sizeof(bad) / sizeof(bad[0]),
	       "base64: %zu malformed strings refused", rejected);
	enc = kms_b64_encode((const uint8_t *)"hello", 5);
	tap_ok(enc && !strcmp(enc, "aGVsbG8="), "base64: encodes");
	free(enc);
}

/* ---- the request layer -------------------------------------------- */

static void expect(struct kms_ctx *ctx, const char *target, const char *ct,
		   const char *body, size_t len, int status, const char *type,
		   const char *what)
{
	struct kms_reply r;

	if (!len)
		len = strlen(body);
	kms_handle(ctx, target, ct, (const uint8_t *)body, len, &r);
	tap_ok(r.status == status && (!type || (r.body && strstr(r.body, type))),
	       "request: %s -> %d %s (%.200s)", what, status, type ? type : "",
	       r.body ? r.body : "");
	kms_reply_free(&r);
}

static void test_api(void)
{
	static const char ct[] = "application/x-amz-json-1.1";
	struct kms_trust_opts to = { .max_age_ms = 300000 };
	struct kms_ctx ctx = { .region = "us-east-1", .account = "111122223333" };
	char err[256] = "", deep[200];
	size_t i;

	kms_log_quiet = true;
	if (!tap_ok(!kms_store_open(&ctx.store, NULL, err, sizeof(err)) &&
		    !kms_trust_new(&ctx.trust, &to, err, sizeof(err)),
		    "request: a memory-only store (%s)", err))
		return;
	expect(&ctx, NULL, ct, "{}", 2, 400, "UnknownOperationException",
	       "no X-Amz-Target");
	expect(&ctx, "TrentService.Nope", ct, "{}", 2, 400,
	       "UnknownOperationException", "an unknown operation");
	expect(&ctx, "Other.ListKeys", ct, "{}", 2, 400,
	       "UnknownOperationException", "another service's prefix");
	expect(&ctx, "TrentService.ListKeys", "application/json", "{}", 2, 415,
	       "UnsupportedMediaTypeException", "application/json");
	expect(&ctx, "TrentService.ListKeys", NULL, "{}", 2, 415,
	       "UnsupportedMediaTypeException", "no Content-Type");
	expect(&ctx, "TrentService.ListKeys", "application/x-amz-json-1.1; charset=utf-8",
	       "{}", 2, 200, "Keys", "a Content-Type with a parameter");
	expect(&ctx, "TrentService.ListKeys", ct, " ", 1, 200, "Keys",
	       "an empty body is {}");
	expect(&ctx, "TrentService.ListKeys", ct, "{\"Limit\":", 9, 400,
	       "SerializationException", "truncated JSON");
	expect(&ctx, "TrentService.ListKeys", ct, "[]", 2, 400,
	       "SerializationException", "a JSON array");
	expect(&ctx, "TrentService.ListKeys", ct, "{} {}", 5, 400,
	       "SerializationException", "two JSON objects");
	expect(&ctx, "TrentService.ListKeys", ct, "{\"a\":\"\0\"}", 8, 400,
	       "SerializationException", "a NUL byte");
	for (i = 0; i < 40; i++)
		deep[i] = '[';
	memcpy(deep, "{\"a\":", 5);
	expect(&ctx, "TrentService.ListKeys", ct, deep, 40, 400,
	       "SerializationException", "nesting beyond 32 levels");
	expect(&ctx, "TrentService.ListKeys", ct, "{\"Limit\":\"5\"}", 13, 400,
	       "SerializationException", "a member of the wrong type");
	expect(&ctx, "TrentService.ListKeys", ct, "{\"Limit\":1001}", 14, 400,
	       "ValidationException", "a member out of range");
	expect(&ctx, "TrentService.Encrypt", ct, "{\"Plaintext\":\"YQ==\"}", 20,
	       400, "ValidationException", "a required member missing");
	expect(&ctx, "TrentService.Encrypt", ct,
	       "{\"KeyId\":\"alias/none\",\"Plaintext\":\"YQ==\"}", 0, 400,
	       "NotFoundException", "an alias that does not exist");
	expect(&ctx, "TrentService.Decrypt", ct, "{\"CiphertextBlob\":\"YWJj\"}",
	       25, 400, "InvalidCiphertextException", "a blob nsm-kmsd did not make");
	expect(&ctx, "TrentService.GenerateRandom", ct, "{\"NumberOfBytes\":1025}",
	       22, 400, "ValidationException", "1025 random bytes");
	expect(&ctx, "TrentService.GenerateRandom", ct,
	       "{\"NumberOfBytes\":8,\"Recipient\":{\"KeyEncryptionAlgorithm\":\"RSAES_OAEP_SHA_1\",\"AttestationDocument\":\"YQ==\"}}",
	       0, 400, "ValidationException", "a Recipient algorithm other than RSAES_OAEP_SHA_256");
	expect(&ctx, "TrentService.GenerateRandom", ct,
	       "{\"NumberOfBytes\":8,\"Recipient\":{\"KeyEncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\",\"AttestationDocument\":\"YWJj\"}}",
	       0, 400, "not an attestation document", "a Recipient that is no document");
	kms_trust_free(&ctx.trust);
	kms_store_close(&ctx.store);
}

static int print_pcr(const char *path, const char *idx)
{
	struct nsm_doc *doc = NULL;
	const uint8_t *v;
	uint8_t *buf;
	size_t len, vlen;
	char hex[2 * NSM_PCR_MAX_LEN + 1];

	if (kms_read_file(path, &buf, &len, NSM_DOC_MAX_SIZE) ||
	    nsm_doc_parse(&doc, NULL, buf, len) ||
	    !(v = nsm_doc_pcr(doc, (uint32_t)atoi(idx), &vlen)) ||
	    vlen > NSM_PCR_MAX_LEN) {
		fprintf(stderr, "test_unit: %s: no PCR%s\n", path, idx);
		return 1;
	}
	kms_hex(hex, v, vlen);
	printf("%s\n", hex);
	nsm_doc_free(&doc);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "pcr"))
		return print_pcr(argv[2], argv[3]);
	tap_start();
	test_cms();
	test_blob();
	test_policy();
	test_b64();
	test_api();
	return tap_end(60);
}
