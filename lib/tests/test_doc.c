// SPDX-License-Identifier: LGPL-2.1-or-later
/* Document decoding: getters, byte spans, input formats, strict CBOR. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "nsm_verify.h"
#include "helpers/input.h"
#include "../../tests/tap.h"
#include "util.h"

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *to_b64(const uint8_t *p, size_t n)
{
	char *out = malloc(n / 3 * 4 + 8 + n / 48), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*o++ = b64chars[v >> 18];
		*o++ = b64chars[(v >> 12) & 63];
		*o++ = b64chars[(v >> 6) & 63];
		*o++ = b64chars[v & 63];
		if (i % 57 == 54)
			*o++ = '\n';	/* line breaks are ignored */
	}
	if (n - i == 1) {
		*o++ = b64chars[p[i] >> 2];
		*o++ = b64chars[(p[i] & 3) << 4];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		*o++ = b64chars[p[i] >> 2];
		*o++ = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64chars[(p[i + 1] & 15) << 2];
		*o++ = '=';
	}
	*o = 0;
	return out;
}

static void test_inputs(void)
{
	struct blob b = load_emu("indefinite");
	char *b64 = to_b64(b.p, b.len), *hx = malloc(2 * b.len + 8);
	enum input_format fmt;
	uint8_t *out;
	size_t len, i;

	tap_ok(input_decode(&out, &len, &fmt, b.p, b.len, INPUT_AUTO) == 0 &&
	       fmt == INPUT_CBOR && len == b.len && !memcmp(out, b.p, len),
	       "raw CBOR detected");
	free(out);
	tap_ok(input_decode(&out, &len, &fmt, (uint8_t *)b64, strlen(b64),
				INPUT_AUTO) == 0 &&
	       fmt == INPUT_BASE64 && len == b.len && !memcmp(out, b.p, len),
	       "base64 with line breaks detected and decoded");
	free(out);
	strcpy(hx, "0x");
	for (i = 0; i < b.len; i++)
		sprintf(hx + 2 + 2 * i, "%02X", b.p[i]);
	strcat(hx, "\n");
	tap_ok(input_decode(&out, &len, &fmt, (uint8_t *)hx, strlen(hx),
				INPUT_AUTO) == 0 &&
	       fmt == INPUT_HEX && len == b.len && !memcmp(out, b.p, len),
	       "hex with 0x prefix and newline detected and decoded");
	free(out);
	tap_ok(input_decode(&out, &len, &fmt, (const uint8_t *)"abc!", 4,
				INPUT_BASE64) == -EINVAL, "forced base64 on junk: -EINVAL");
	tap_ok(input_decode(&out, &len, &fmt, (const uint8_t *)"", 0,
				INPUT_AUTO) == -EINVAL, "empty input: -EINVAL");
	tap_ok(input_read_file(&out, &len, &fmt, "/nonexistent", INPUT_AUTO) == -ENOENT,
	       "missing file: -ENOENT");
	free(b64);
	free(hx);
	free(b.p);
}

/* SHA-256 of the DER certificate in the PEM file @path into @md */
static int pem_sha256(const char *path, uint8_t md[32])
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	unsigned char *der = NULL;
	unsigned int ml = 0;
	int l = x ? i2d_X509(x, &der) : -1;

	if (f)
		fclose(f);
	X509_free(x);
	if (l <= 0)
		return -1;
	EVP_Digest(der, (size_t)l, md, &ml, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ml == 32 ? 0 : -1;
}

#define SPANS_TESTS 7

/*
 * Every span points at the bytes the getters return. @b is the document
 * @name; its leaf's issuer contains @issuer and cabundle[0] has the
 * SHA-256 @root.
 */
static void test_spans(const char *name, struct blob b, const char *issuer,
		       const uint8_t root[32])
{
	struct nsm_doc *d = NULL;
	const uint8_t *raw, *p;
	struct nsm_span s;
	size_t len, i, bad = 0;
	const char *key;

	if (!tap_ok(nsm_doc_parse(&d, NULL, b.p, b.len) == 0, "%s parses", name)) {
		int k;

		for (k = 1; k < SPANS_TESTS; k++)
			tap_ok(0, "%s: span test %d (not run: no parse)", name, k);
		free(b.p);
		return;
	}
	raw = nsm_doc_raw(d, &len);
	tap_ok(len == b.len && !memcmp(raw, b.p, len), "%s: raw copy", name);
	p = nsm_doc_certificate(d, &len);
	nsm_doc_field_span(d, NSM_FIELD_CERTIFICATE, &s);
	bad += !(p == raw + s.data_off && len == s.data_len);
	bad += !(raw[s.key_off] == 0x6b && !memcmp(raw + s.key_off + 1, "certificate", 11));
	for (i = 0; i < nsm_doc_cabundle_count(d); i++) {
		p = nsm_doc_cabundle(d, i, &len);
		nsm_doc_cabundle_span(d, i, &s);
		bad += !(p == raw + s.data_off && len == s.data_len);
	}
	for (i = 0; i < nsm_doc_pcr_count(d); i++) {
		uint32_t idx;

		nsm_doc_pcr_at(d, i, &idx, &p, &len);
		nsm_doc_pcr_span(d, i, &s);
		bad += !(p == raw + s.data_off && len == 48 && raw[s.key_off] == idx);
	}
	p = nsm_doc_signature(d, &len);
	nsm_doc_field_span(d, NSM_FIELD_COSE_SIGNATURE, &s);
	bad += !(p == raw + s.data_off && len == 96 && s.off + s.len == b.len);
	nsm_doc_field_span(d, NSM_FIELD_MODULE_ID, &s);
	bad += memcmp(raw + s.data_off, nsm_doc_module_id(d), s.data_len) != 0;
	nsm_doc_field_span(d, NSM_FIELD_TIMESTAMP, &s);
	bad += !(s.len == 9 && raw[s.off] == 0x1b);
	for (i = 0; i < nsm_doc_key_count(d); i++) {
		nsm_doc_key_at(d, i, &key, &s);
		bad += strcmp(key, nsm_field_name((enum nsm_field)i)) != 0;
	}
	tap_ok(bad == 0 && nsm_doc_key_count(d) == 9,
	       "%s: spans of every field match the getters (%zu mismatches)", name, bad);
	tap_ok(nsm_doc_field_span(d, NSM_FIELD_COUNT, &s) == -EINVAL &&
	       nsm_doc_pcr_span(d, 99, &s) == -ENOENT, "%s: span errors", name);
	{
		struct nsm_cert_info ci;

		p = nsm_doc_certificate(d, &len);
		tap_ok(nsm_cert_info(&ci, p, len) == 0 && !ci.is_ca &&
		       (ci.key_usage & 0x80) && ci.not_after_ms - ci.not_before_ms > 3600000 &&
		       strstr(ci.issuer, issuer),
		       "%s: leaf %s, issued by %s", name, ci.subject, issuer);
		p = nsm_doc_cabundle(d, 0, &len);
		tap_ok(nsm_cert_info(&ci, p, len) == 0 && ci.is_ca && ci.path_len == -1 &&
		       !memcmp(ci.sha256, root, 32),
		       "%s: cabundle[0] is its root", name);
		tap_ok(nsm_cert_info(&ci, p, len - 1) == -EINVAL, "truncated DER: -EINVAL");
	}
	nsm_doc_free(&d);
	free(b.p);
}

static void test_strict(void)
{
	/* {1: null, 1: null} inside a payload */
	static const uint8_t dup_int[] = { 0x84, 0x40, 0xa0, 0x45, 0xa2, 0x01, 0xf6, 0x01, 0xf6, 0x40 };
	/* 1 and 0x1801 are the same key in different encodings */
	static const uint8_t dup_enc[] = { 0x84, 0x40, 0xa0, 0x46, 0xa2, 0x01, 0xf6, 0x18, 0x01, 0xf6, 0x40 };
	/* indefinite text "a" "b" as key twice: equal after concatenation */
	static const uint8_t dup_indef[] = { 0x84, 0x40, 0xa0, 0x4c, 0xa2, 0x62, 'a', 'b', 0xf6,
					     0x7f, 0x61, 'a', 0x61, 'b', 0xff, 0xf6, 0x40 };
	static const uint8_t reserved[] = { 0x84, 0x40, 0xa0, 0x42, 0xa1, 0x1c, 0x40 };
	static const uint8_t deep_hdr[] = { 0x84, 0x40, 0xa0, 0x41, 0xa0, 0x40 };
	static const uint8_t not_map[] = { 0x84, 0x40, 0xa0, 0x41, 0x80, 0x40 };
	static const uint8_t three[] = { 0x83, 0x40, 0xa0, 0x41 };
	static const uint8_t stray_break[] = { 0x84, 0x40, 0xa0, 0x41, 0xa0, 0xff };
	static const uint8_t bad_simple[] = { 0x84, 0x40, 0xa0, 0x41, 0xa0, 0xf8, 0x10 };
	struct nsm_error e = { 0 };
	struct nsm_doc *d = NULL;
	uint8_t *deep;
	size_t i;

	tap_ok(nsm_doc_parse(&d, &e, dup_int, sizeof(dup_int)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR_DUPLICATE_KEY && e.offset == 7,
	       "duplicate integer key found at byte %zu", e.offset);
	tap_ok(nsm_doc_parse(&d, &e, dup_enc, sizeof(dup_enc)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR_DUPLICATE_KEY, "same key in two encodings is a duplicate");
	tap_ok(nsm_doc_parse(&d, &e, dup_indef, sizeof(dup_indef)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR_DUPLICATE_KEY,
	       "definite and indefinite text keys with equal content are duplicates");
	tap_ok(nsm_doc_parse(&d, &e, reserved, sizeof(reserved)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR, "reserved additional information 28 refused");
	tap_ok(nsm_doc_parse(&d, &e, deep_hdr, sizeof(deep_hdr)) == 0 &&
	       nsm_doc_key_count(d) == 0, "minimal COSE shape with an empty map decodes");
	nsm_doc_free(&d);
	tap_ok(nsm_doc_parse(&d, &e, not_map, sizeof(not_map)) == -EBADMSG &&
	       e.code == NSM_CHECK_PAYLOAD_MAP, "payload that is an array: payload.map");
	tap_ok(nsm_doc_parse(&d, &e, three, sizeof(three)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR, "truncated 3-array: cbor.wellformed");
	tap_ok(nsm_doc_parse(&d, &e, stray_break, sizeof(stray_break)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR, "stray break byte refused");
	tap_ok(nsm_doc_parse(&d, &e, bad_simple, sizeof(bad_simple)) == -EBADMSG &&
	       e.code == NSM_CHECK_CBOR, "two-byte simple value below 32 refused");
	/* 10000 nested arrays in the payload */
	deep = malloc(10010);
	deep[0] = 0x84;
	deep[1] = 0x40;
	deep[2] = 0xa0;
	deep[3] = 0x59;
	deep[4] = 10000 >> 8;
	deep[5] = 10000 & 0xff;
	for (i = 0; i < 10000; i++)
		deep[6 + i] = 0x81;
	deep[6 + 10000] = 0x40;
	tap_ok(nsm_doc_parse(&d, &e, deep, 10007) == -EBADMSG && e.code == NSM_CHECK_CBOR,
	       "10000 nested arrays refused without exhausting the stack");
	free(deep);
	{
		/* a huge announced length fails fast */
		static const uint8_t huge[] = { 0x84, 0x40, 0xa0, 0x45, 0x9b, 0xff, 0xff, 0xff, 0xff, 0x40 };

		tap_ok(nsm_doc_parse(&d, &e, huge, sizeof(huge)) == -EBADMSG,
		       "array announcing 2^32 items in 4 bytes refused");
	}
	tap_ok(nsm_doc_parse(NULL, &e, three, 3) == -EINVAL, "NULL docp: -EINVAL");
}

static const uint8_t aws_root_sha256[32] = {
	0x64, 0x1a, 0x03, 0x21, 0xa3, 0xe2, 0x44, 0xef, 0xe4, 0x56, 0x46, 0x31,
	0x95, 0xd6, 0x06, 0x31, 0x7e, 0xd7, 0xcd, 0xcc, 0x3c, 0x17, 0x56, 0xe0,
	0x98, 0x93, 0xf3, 0xc6, 0x8f, 0x79, 0xbb, 0x5b,
};

int main(void)
{
	static const char *const emu[] = { "doc", "indefinite", "fill" };
	static const char *const aws[] = {
		"aws/signal_svr2_valid_bytes.cbor",	/* definite map */
		"aws/base_hinted_2026.cbor",		/* indefinite map */
		"aws/blocky_2024_prod.cbor",		/* 1024-byte fields */
	};
	char path[600], name[64];
	uint8_t root[32];
	size_t i;

	tap_start();
	test_inputs();
	/* the emulator's documents: always */
	for (i = 0; i < sizeof(emu) / sizeof(emu[0]); i++) {
		struct blob b = load_emu(emu[i]);

		snprintf(name, sizeof(name), "emulator %s", emu[i]);
		if (pem_sha256(emu_root(path, sizeof(path), emu[i]), root)) {
			printf("Bail out! cannot read %s\n", path);
			return 2;
		}
		test_spans(name, b, "nsm-emu", root);
	}
	/* real AWS documents: when the test data is there */
	for (i = 0; i < sizeof(aws) / sizeof(aws[0]); i++) {
		if (td_dir())
			test_spans(aws[i], load(aws[i]), "aws.nitro-enclaves", aws_root_sha256);
		else
			td_skip(SPANS_TESTS, aws[i]);
	}
	test_strict();
	return tap_end(50);
}
