// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the NSM protocol core (kmod/core/cbor.c, proto.c, emu.c),
 * built from the module's own sources with the userspace platform
 * (tests/plat_user.c) and a controllable attestation hook (fake_attest.c).
 *
 * Byte-exact expectations come from NSM-FACTS.md section 2 (serde_cbor
 * encodings of the Rust nsm-api crate); PCR values are recomputed here with
 * OpenSSL, independently of the core.
 *
 * Output is TAP. Options (used by check.sh to merge runs into one stream):
 *   --count       print the number of tests and exit
 *   --offset N    number tests from N + 1
 *   --suffix S    append S to every test name
 *   --no-plan     print neither "TAP version" nor the plan
 */
#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kmod/core/cbor.h"
#include "../../kmod/core/nsm_core.h"
#include "../tap.h"
#include "fake_attest.h"

#define RESP_CAP	0x3000

static unsigned int fails;
static u8 resp[RESP_CAP];
static size_t resp_len;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: check failed: %s\n", __FILE__,	\
			       __LINE__, #cond);			\
			fails++;					\
		}							\
	} while (0)

/* ---- helpers ------------------------------------------------------------ */

static size_t unhex(const char *hex, u8 *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (sscanf(hex, "%2x", &v) != 1 || n >= cap) {
			printf("# bad hex in test\n");
			exit(2);
		}
		out[n++] = (u8)v;
		hex += 2;
	}
	return n;
}

static void hexdump(const char *what, const u8 *p, size_t len)
{
	size_t i;

	printf("# %s (%zu bytes): ", what, len);
	for (i = 0; i < len && i < 96; i++)
		printf("%02x", p[i]);
	printf("%s\n", len > 96 ? "..." : "");
}

static bool same(const u8 *got, size_t got_len, const u8 *want,
		 size_t want_len)
{
	if (got_len == want_len && !memcmp(got, want, want_len))
		return true;
	hexdump("got ", got, got_len);
	hexdump("want", want, want_len);
	return false;
}

static bool same_hex(const u8 *got, size_t got_len, const char *want_hex)
{
	u8 want[1024];
	size_t n = unhex(want_hex, want, sizeof(want));

	return same(got, got_len, want, n);
}

static void sha384(const void *a, size_t alen, const void *b, size_t blen,
		   u8 out[48])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) ||
	    !EVP_DigestUpdate(ctx, a, alen) ||
	    !EVP_DigestUpdate(ctx, b, blen) ||
	    !EVP_DigestFinal_ex(ctx, out, NULL)) {
		printf("# OpenSSL SHA-384 failed\n");
		exit(2);
	}
	EVP_MD_CTX_free(ctx);
}

/* nitro-cli: ext(x) = SHA384(48 zero bytes || SHA384(x)) */
static void pcr_ext(const void *x, size_t len, u8 out[48])
{
	static const u8 zero[48];
	u8 h[48];

	sha384(x, len, "", 0, h);
	sha384(zero, 48, h, 48, out);
}

/* PCR3/PCR4: SHA384(48 zero bytes || x) */
static void pcr_raw(const void *x, size_t len, u8 out[48])
{
	static const u8 zero[48];

	sha384(zero, 48, x, len, out);
}

static size_t run(struct nsm_emu *emu, const u8 *req, size_t len)
{
	resp_len = nsm_handle(emu, req, len, resp, sizeof(resp));
	return resp_len;
}

static size_t run_hex(struct nsm_emu *emu, const char *req_hex)
{
	u8 req[4200];

	return run(emu, req, unhex(req_hex, req, sizeof(req)));
}

/* The encoding of {"Error": name} built by hand, not by the core. */
static size_t error_bytes(const char *name, u8 *out)
{
	size_t n = strlen(name);

	out[0] = 0xa1;
	memcpy(out + 1, "\x65" "Error", 6);
	out[7] = (u8)(0x60 | n);
	memcpy(out + 8, name, n);
	return 8 + n;
}

static bool is_error(const char *name)
{
	u8 want[32];

	return same(resp, resp_len, want, error_bytes(name, want));
}

static bool decodes(const char *hex, enum nsm_req_type type,
		    struct nsm_request *req)
{
	static u8 buf[4200];
	size_t n = unhex(hex, buf, sizeof(buf));
	int ret = nsm_request_decode(buf, n, req);

	if (type == NSM_REQ_INVALID)
		return ret == -1 && req->type == NSM_REQ_INVALID;
	return ret == 0 && req->type == type;
}

/* {"ExtendPCR": {"index": idx, "data": bstr(data)}} */
static size_t extend_req(u8 *out, unsigned int idx, const u8 *data,
			 size_t len)
{
	struct nsm_cbor_wr w;

	nsm_cbor_wr_init(&w, out, 4200);
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "ExtendPCR");
	nsm_cbor_put_map(&w, 2);
	nsm_cbor_put_str(&w, "index");
	nsm_cbor_put_uint(&w, idx);
	nsm_cbor_put_str(&w, "data");
	nsm_cbor_put_bytes(&w, data, len);
	return w.len;
}

static size_t one_field_req(u8 *out, const char *name, const char *field,
			    unsigned int v)
{
	struct nsm_cbor_wr w;

	nsm_cbor_wr_init(&w, out, 64);
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, name);
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, field);
	nsm_cbor_put_uint(&w, v);
	return w.len;
}

static size_t describe_pcr(struct nsm_emu *emu, unsigned int idx)
{
	u8 req[64];

	return run(emu, req, one_field_req(req, "DescribePCR", "index", idx));
}

static size_t lock_pcr(struct nsm_emu *emu, unsigned int idx)
{
	u8 req[64];

	return run(emu, req, one_field_req(req, "LockPCR", "index", idx));
}

static size_t lock_pcrs(struct nsm_emu *emu, unsigned int range)
{
	u8 req[64];

	return run(emu, req, one_field_req(req, "LockPCRs", "range", range));
}

static size_t extend(struct nsm_emu *emu, unsigned int idx, const u8 *data,
		     size_t len)
{
	static u8 req[4200];

	return run(emu, req, extend_req(req, idx, data, len));
}

/* Data of a DescribePCR response: the last 48 bytes, after checks. */
static const u8 *pcr_of_resp(bool *lock)
{
	static const u8 head[] = "\xa1\x6b" "DescribePCR" "\xa2\x64" "lock";

	if (resp_len != 75 || memcmp(resp, head, sizeof(head) - 1) ||
	    (resp[19] != 0xf4 && resp[19] != 0xf5) ||
	    memcmp(resp + 20, "\x64" "data" "\x58\x30", 7))
		return NULL;
	*lock = resp[19] == 0xf5;
	return resp + resp_len - 48;
}

static const u8 *read_pcr(struct nsm_emu *emu, unsigned int idx, bool *lock)
{
	describe_pcr(emu, idx);
	return pcr_of_resp(lock);
}

/* The valid request examples of NSM-FACTS.md section 2. */
static const char *const valid_reqs[] = {
	"6b44657363726962654e534d",
	"a16b4465736372696265504352a165696e64657800",
	"a169457874656e64504352a265696e64657810646461746143010203",
	"a1674c6f636b504352a165696e64657810",
	"a1684c6f636b50435273a16572616e67651820",
	"a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f6"
	"6a7075626c69635f6b6579f6",
	"6947657452616e646f6d",
	"a16b4174746573746174696f6ea369757365725f646174614101656e6f6e6365"
	"41026a7075626c69635f6b6579f6",
	"a1684c6f636b50435273a16572616e676500",
	"a16b4465736372696265504352a165696e64657819012c",
};

/* ---- tests -------------------------------------------------------------- */

static void test_describe_nsm_bytes(void)
{
	struct nsm_emu emu;

	nsm_emu_init(&emu);
	run_hex(&emu, "6b44657363726962654e534d");
	/* NSM-FACTS.md section 2, verbatim */
	CHECK(same_hex(resp, resp_len,
		"a16b44657363726962654e534da76d76657273696f6e5f6d616a6f72016d"
		"76657273696f6e5f6d696e6f72006d76657273696f6e5f70617463680069"
		"6d6f64756c655f69647827692d3031323334353637383961626364656630"
		"2d656e6330313233343536373839616263646566686d61785f7063727318"
		"206b6c6f636b65645f7063727390000102030405060708090a0b0c0d0e0f"
		"6664696765737466534841333834"));
	CHECK(emu.requests[NSM_REQ_DESCRIBE_NSM] == 1 && emu.errors == 0);
}

static void test_describe_pcr_bytes(void)
{
	struct nsm_emu emu;
	char want[512];
	int i;

	nsm_emu_init(&emu);
	/* PCR3 is zero and locked at boot: exactly the NSM-FACTS bytes. */
	describe_pcr(&emu, 3);
	strcpy(want, "a16b4465736372696265504352a2646c6f636bf564646174615830");
	for (i = 0; i < 48; i++)
		strcat(want, "00");
	CHECK(same_hex(resp, resp_len, want));
	/* PCR16: unlocked, false is f4. */
	describe_pcr(&emu, 16);
	want[39] = '4';
	CHECK(same_hex(resp, resp_len, want));
	CHECK(emu.requests[NSM_REQ_DESCRIBE_PCR] == 2);
}

static void test_lock_bytes(void)
{
	struct nsm_emu emu;

	nsm_emu_init(&emu);
	run_hex(&emu, "a1674c6f636b504352a165696e64657810");
	CHECK(same_hex(resp, resp_len, "674c6f636b504352"));
	run_hex(&emu, "a1684c6f636b50435273a16572616e67651820");
	CHECK(same_hex(resp, resp_len, "684c6f636b50435273"));
	CHECK(emu.locked == 0xffffffffu);
}

static void test_error_bytes(void)
{
	struct nsm_emu emu;
	u8 big[NSM_CORE_REQUEST_MAX + 1];

	nsm_emu_init(&emu);
	run_hex(&emu, "a16b4465736372696265504352a165696e6465781820");
	CHECK(same_hex(resp, resp_len,
		       "a1654572726f726c496e76616c6964496e646578"));
	run_hex(&emu, "a169457874656e64504352a265696e64657800646461746143010203");
	CHECK(same_hex(resp, resp_len,
		       "a1654572726f726d526561644f6e6c79496e646578"));
	run_hex(&emu, "ff");
	CHECK(same_hex(resp, resp_len,
		       "a1654572726f7270496e76616c69644f7065726174696f6e"));
	memset(big, 0x60, sizeof(big));
	run(&emu, big, sizeof(big));
	CHECK(same_hex(resp, resp_len,
		       "a1654572726f726d496e707574546f6f4c61726765"));
	memset(&fake_attest, 0, sizeof(fake_attest));
	fake_attest.ret = -NSM_INTERNAL_ERROR;
	run_hex(&emu, valid_reqs[5]);
	CHECK(same_hex(resp, resp_len,
		       "a1654572726f726d496e7465726e616c4572726f72"));
	fake_attest.ret = -NSM_INVALID_ARGUMENT;
	run_hex(&emu, valid_reqs[5]);
	CHECK(same_hex(resp, resp_len,
		       "a1654572726f726f496e76616c6964417267756d656e74"));
	memset(&fake_attest, 0, sizeof(fake_attest));
	CHECK(emu.errors == 6);
	CHECK(emu.requests[NSM_REQ_INVALID] == 2);
	CHECK(emu.requests[NSM_REQ_ATTESTATION] == 2);
}

static void test_error_names(void)
{
	static const char *const names[] = {
		"Success", "InvalidArgument", "InvalidIndex", "InvalidResponse",
		"ReadOnlyIndex", "InvalidOperation", "BufferTooSmall",
		"InputTooLarge", "InternalError",
	};
	u8 buf[32];
	int i;

	for (i = 0; i <= NSM_INTERNAL_ERROR; i++) {
		CHECK(!strcmp(nsm_errcode_name((enum nsm_errcode)i), names[i]));
		CHECK(error_bytes(names[i], buf) <= NSM_CORE_RESPONSE_MIN);
	}
	CHECK(!strcmp(nsm_errcode_name((enum nsm_errcode)99), "InternalError"));
	CHECK(!strcmp(nsm_errcode_name((enum nsm_errcode)-1), "InternalError"));
}

/* Response shapes the handler cannot produce with fixed content. */
static void test_writer_bytes(void)
{
	static const u8 zero[48];
	struct nsm_cbor_wr w;
	u8 buf[128];

	nsm_cbor_wr_init(&w, buf, sizeof(buf));
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "ExtendPCR");
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "data");
	nsm_cbor_put_bytes(&w, zero, 48);
	CHECK(!nsm_cbor_wr_overflow(&w));
	CHECK(same_hex(buf, 17, "a169457874656e64504352a16464617461"));
	CHECK(same_hex(buf + 17, 2, "5830") && w.len == 67 &&
	      !memcmp(buf + 19, zero, 48));

	nsm_cbor_wr_init(&w, buf, sizeof(buf));
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "GetRandom");
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "random");
	nsm_cbor_put_bytes(&w, zero, 4);
	CHECK(same_hex(buf, w.len,
		       "a16947657452616e646f6da16672616e646f6d4400000000"));
}

static void test_writer_heads(void)
{
	static const struct {
		u64 v;
		const char *hex;
	} cases[] = {
		{ 0, "00" }, { 23, "17" }, { 24, "1818" }, { 255, "18ff" },
		{ 256, "190100" }, { 65535, "19ffff" },
		{ 65536, "1a00010000" }, { 0xffffffffULL, "1affffffff" },
		{ 0x100000000ULL, "1b0000000100000000" },
		{ ~0ULL, "1bffffffffffffffff" },
	};
	struct nsm_cbor_wr w;
	u8 buf[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nsm_cbor_wr_init(&w, buf, sizeof(buf));
		nsm_cbor_put_uint(&w, cases[i].v);
		CHECK(same_hex(buf, w.len, cases[i].hex));
		CHECK(nsm_cbor_head_len(cases[i].v) == w.len);
	}
	nsm_cbor_wr_init(&w, buf, sizeof(buf));
	nsm_cbor_put_head(&w, NSM_CBOR_ARRAY, 32);
	nsm_cbor_put_bool(&w, false);
	nsm_cbor_put_text(&w, "ab", 2);
	CHECK(same_hex(buf, w.len, "9820f4626162"));
	/* Overflow is sticky and writes nothing past the end. */
	memset(buf, 0xee, sizeof(buf));
	nsm_cbor_wr_init(&w, buf, 4);
	nsm_cbor_put_text(&w, "abcd", 4);
	CHECK(nsm_cbor_wr_overflow(&w) && buf[4] == 0xee);
	nsm_cbor_put_uint(&w, 1);
	CHECK(nsm_cbor_wr_overflow(&w) && buf[0] == 0x64 && buf[1] == 0xee);
	CHECK(nsm_cbor_reserve(&w, 0) == NULL);
}

static void test_decode_examples(void)
{
	struct nsm_request r;

	CHECK(decodes(valid_reqs[0], NSM_REQ_DESCRIBE_NSM, &r));
	CHECK(decodes(valid_reqs[1], NSM_REQ_DESCRIBE_PCR, &r) && !r.index);
	CHECK(decodes(valid_reqs[2], NSM_REQ_EXTEND_PCR, &r) &&
	      r.index == 16 && r.data.present && r.data.len == 3 &&
	      !memcmp(r.data.ptr, "\x01\x02\x03", 3));
	CHECK(decodes(valid_reqs[3], NSM_REQ_LOCK_PCR, &r) && r.index == 16);
	CHECK(decodes(valid_reqs[4], NSM_REQ_LOCK_PCRS, &r) && r.range == 32);
	CHECK(decodes(valid_reqs[5], NSM_REQ_ATTESTATION, &r) &&
	      !r.user_data.present && !r.nonce.present &&
	      !r.public_key.present);
	CHECK(decodes(valid_reqs[6], NSM_REQ_GET_RANDOM, &r));
	CHECK(decodes(valid_reqs[7], NSM_REQ_ATTESTATION, &r) &&
	      r.user_data.present && r.user_data.len == 1 &&
	      r.user_data.ptr[0] == 1 && r.nonce.present &&
	      r.nonce.len == 1 && r.nonce.ptr[0] == 2 &&
	      !r.public_key.present);
	CHECK(decodes(valid_reqs[8], NSM_REQ_LOCK_PCRS, &r) && !r.range);
	CHECK(decodes(valid_reqs[9], NSM_REQ_DESCRIBE_PCR, &r) &&
	      r.index == 300);
}

static void test_decode_int_widths(void)
{
	static const char *const idx16[] = {
		"10", "1810", "190010", "1a00000010", "1b0000000000000010",
	};
	struct nsm_request r;
	char hex[128];
	size_t i;

	for (i = 0; i < 5; i++) {
		snprintf(hex, sizeof(hex), "a1674c6f636b504352a165696e646578%s",
			 idx16[i]);
		CHECK(decodes(hex, NSM_REQ_LOCK_PCR, &r) && r.index == 16);
		snprintf(hex, sizeof(hex),
			 "a1684c6f636b50435273a16572616e6765%s", idx16[i]);
		CHECK(decodes(hex, NSM_REQ_LOCK_PCRS, &r) && r.range == 16);
	}
	CHECK(decodes("a1674c6f636b504352a165696e64657819ffff",
		      NSM_REQ_LOCK_PCR, &r) && r.index == 65535);
	CHECK(decodes("a1674c6f636b504352a165696e6465781b000000000000ffff",
		      NSM_REQ_LOCK_PCR, &r) && r.index == 65535);
	/* Over u16, negative, float, bool, text: wrong type. */
	CHECK(decodes("a1674c6f636b504352a165696e6465781a00010000",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a165696e6465781b0100000000000010",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a165696e64657820", NSM_REQ_INVALID,
		      &r));
	CHECK(decodes("a1674c6f636b504352a165696e646578f94000",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a165696e646578f5", NSM_REQ_INVALID,
		      &r));
	CHECK(decodes("a1674c6f636b504352a165696e6465786131",
		      NSM_REQ_INVALID, &r));
	/* A tag in front of the index: not an integer. */
	CHECK(decodes("a1674c6f636b504352a165696e646578c210", NSM_REQ_INVALID,
		      &r));
}

static void test_decode_field_order_unknown(void)
{
	struct nsm_request r;

	/* data before index */
	CHECK(decodes("a169457874656e64504352a2646461746142aabb65696e64657811",
		      NSM_REQ_EXTEND_PCR, &r) && r.index == 17 &&
	      r.data.len == 2 && r.data.ptr[0] == 0xaa);
	/* unknown text key with a nested map/array value, first */
	CHECK(decodes("a16b4465736372696265504352a2"
		      "63666f6fa16161820180" "65696e64657805",
		      NSM_REQ_DESCRIBE_PCR, &r) && r.index == 5);
	/* integer, byte-string, array and map keys; tagged and float values */
	CHECK(decodes("a1674c6f636b504352a5"
		      "01c11a5f000000" "4161fb3ff0000000000000"
		      "8100f6" "a0f7" "65696e64657807",
		      NSM_REQ_LOCK_PCR, &r) && r.index == 7);
	/* unknown field with indefinite string and containers inside */
	CHECK(decodes("a1674c6f636b504352a2"
		      "6178" "9f5f4101420203ff7f6161ffbf0102ffff"
		      "65696e64657807",
		      NSM_REQ_LOCK_PCR, &r) && r.index == 7);
	/* a field of another request is unknown here */
	CHECK(decodes("a16b4465736372696265504352a26464617461410165696e64657801",
		      NSM_REQ_DESCRIBE_PCR, &r) && r.index == 1 &&
	      !r.data.present);
	/* "range" is not "index": DescribePCR without index */
	CHECK(decodes("a16b4465736372696265504352a16572616e676501",
		      NSM_REQ_INVALID, &r));
	/* key prefixes and case do not match */
	CHECK(decodes("a16b4465736372696265504352a164696e646501",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a16b4465736372696265504352a165496e64657801",
		      NSM_REQ_INVALID, &r));
}

static void test_decode_shapes(void)
{
	struct nsm_request r;

	/* duplicate field */
	CHECK(decodes("a1674c6f636b504352a265696e6465780165696e64657802",
		      NSM_REQ_INVALID, &r));
	/* missing required fields */
	CHECK(decodes("a16b4465736372696265504352a0", NSM_REQ_INVALID, &r));
	CHECK(decodes("a169457874656e64504352a165696e64657810",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a169457874656e64504352a16464617461420102",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1684c6f636b50435273a0", NSM_REQ_INVALID, &r));
	/* Attestation: every field optional */
	CHECK(decodes("a16b4174746573746174696f6ea0", NSM_REQ_ATTESTATION,
		      &r) && !r.nonce.present);
	/* text accepted for data and attestation fields, empty bstr present */
	CHECK(decodes("a169457874656e64504352a265696e646578106464617461626869",
		      NSM_REQ_EXTEND_PCR, &r) && r.data.len == 2 &&
	      !memcmp(r.data.ptr, "hi", 2));
	CHECK(decodes("a16b4174746573746174696f6ea2656e6f6e6365617a"
		      "6a7075626c69635f6b657940", NSM_REQ_ATTESTATION, &r) &&
	      r.nonce.present && r.nonce.len == 1 && r.public_key.present &&
	      r.public_key.len == 0 && !r.user_data.present);
	/* wrong value types */
	CHECK(decodes("a16b4174746573746174696f6ea1656e6f6e636501",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a16b4174746573746174696f6ea1656e6f6e6365f7",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a16b4174746573746174696f6ea1656e6f6e636580",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a169457874656e64504352a265696e646578106464617461f6",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a169457874656e64504352a265696e6465781064646174618101",
		      NSM_REQ_INVALID, &r));
	/* field map is not a map */
	CHECK(decodes("a16b446573637269626550435280", NSM_REQ_INVALID, &r));
	CHECK(decodes("a16b4465736372696265504352f6", NSM_REQ_INVALID, &r));
	CHECK(decodes("a16b4174746573746174696f6ef6", NSM_REQ_INVALID, &r));
	/* unit variants only as text, struct variants only as maps */
	CHECK(decodes("a16b44657363726962654e534da0", NSM_REQ_INVALID, &r));
	CHECK(decodes("a16b44657363726962654e534df6", NSM_REQ_INVALID, &r));
	CHECK(decodes("6b4465736372696265504352", NSM_REQ_INVALID, &r));
	CHECK(decodes("6b4174746573746174696f6e", NSM_REQ_INVALID, &r));
	/* names: unknown, wrong case, as bytes, with NUL */
	CHECK(decodes("6b64657363726962654e534d", NSM_REQ_INVALID, &r));
	CHECK(decodes("4b44657363726962654e534d", NSM_REQ_INVALID, &r));
	CHECK(decodes("6c44657363726962654e534d00", NSM_REQ_INVALID, &r));
	CHECK(decodes("6a44657363726962654e53", NSM_REQ_INVALID, &r));
	CHECK(decodes("60", NSM_REQ_INVALID, &r));
	/* outer map with 0 or 2 pairs; non-text outer key; array */
	CHECK(decodes("a0", NSM_REQ_INVALID, &r));
	CHECK(decodes("a2674c6f636b504352a165696e64657810"
		      "674c6f636b504352a165696e64657810", NSM_REQ_INVALID, &r));
	CHECK(decodes("a101a165696e64657810", NSM_REQ_INVALID, &r));
	CHECK(decodes("816b44657363726962654e534d", NSM_REQ_INVALID, &r));
	/* a tagged request */
	CHECK(decodes("d8186b44657363726962654e534d", NSM_REQ_INVALID, &r));
	/* nothing at all */
	CHECK(decodes("", NSM_REQ_INVALID, &r));
}

static void test_decode_trailing(void)
{
	struct nsm_request r;
	char hex[256];
	size_t i;

	for (i = 0; i < sizeof(valid_reqs) / sizeof(valid_reqs[0]); i++) {
		snprintf(hex, sizeof(hex), "%s00", valid_reqs[i]);
		CHECK(decodes(hex, NSM_REQ_INVALID, &r));
		snprintf(hex, sizeof(hex), "%sff", valid_reqs[i]);
		CHECK(decodes(hex, NSM_REQ_INVALID, &r));
		snprintf(hex, sizeof(hex), "%s%s", valid_reqs[i],
			 valid_reqs[i]);
		CHECK(decodes(hex, NSM_REQ_INVALID, &r));
	}
}

/* Every proper prefix of every valid request is InvalidOperation. */
static void test_truncations(void)
{
	struct nsm_emu emu;
	struct nsm_request r;
	u8 req[256];
	size_t i, n, len;

	nsm_emu_init(&emu);
	for (i = 0; i < sizeof(valid_reqs) / sizeof(valid_reqs[0]); i++) {
		n = unhex(valid_reqs[i], req, sizeof(req));
		CHECK(nsm_request_decode(req, n, &r) == 0);
		for (len = 0; len < n; len++) {
			u8 *copy = malloc(len ? len : 1);

			/* exact-size heap copy: ASan sees any overread */
			memcpy(copy, req, len);
			if (nsm_request_decode(copy, len, &r) != -1 ||
			    r.type != NSM_REQ_INVALID) {
				printf("# request %zu accepted at %zu bytes\n",
				       i, len);
				fails++;
			}
			run(&emu, copy, len);
			if (!is_error("InvalidOperation"))
				fails++;
			free(copy);
		}
	}
}

static void test_deep_nesting(void)
{
	static u8 req[4096];
	const char *pre = "a1674c6f636b504352a2" "6178";
	struct nsm_request r;
	struct nsm_emu emu;
	size_t n, i, depth;

	nsm_emu_init(&emu);
	/* 4000 nested definite arrays inside an unknown field: one frame. */
	n = unhex(pre, req, sizeof(req));
	for (i = 0; i < 4000; i++)
		req[n++] = 0x81;
	req[n++] = 0x00;
	n += unhex("65696e64657811", req + n, sizeof(req) - n);
	CHECK(nsm_request_decode(req, n, &r) == 0 && r.index == 17);

	/* Indefinite nesting: 16 levels (the limit) accepted, 17 not. */
	for (depth = 15; depth <= 17; depth++) {
		n = unhex(pre, req, sizeof(req));
		for (i = 0; i < depth; i++)
			req[n++] = 0x9f;
		for (i = 0; i < depth; i++)
			req[n++] = 0xff;
		n += unhex("65696e64657811", req + n, sizeof(req) - n);
		CHECK((nsm_request_decode(req, n, &r) == 0) ==
		      (depth <= NSM_CBOR_MAX_DEPTH));
	}

	/* 4000 indefinite levels never closed, and a tag chain: no crash. */
	n = unhex(pre, req, sizeof(req));
	memset(req + n, 0x9f, 4000);
	run(&emu, req, n + 4000);
	CHECK(is_error("InvalidOperation"));
	n = unhex(pre, req, sizeof(req));
	memset(req + n, 0xc6, 3000);
	n += 3000;
	req[n++] = 0x00;
	n += unhex("65696e64657811", req + n, sizeof(req) - n);
	CHECK(nsm_request_decode(req, n, &r) == 0 && r.index == 17);
	/* alternating definite/indefinite maps as deep as allowed */
	n = unhex(pre, req, sizeof(req));
	for (i = 0; i < 8; i++) {
		req[n++] = 0xbf;
		req[n++] = 0x00;
		req[n++] = 0xa1;
		req[n++] = 0x00;
	}
	req[n++] = 0x00;
	for (i = 0; i < 8; i++)
		req[n++] = 0xff;
	n += unhex("65696e64657811", req + n, sizeof(req) - n);
	CHECK(nsm_request_decode(req, n, &r) == 0 && r.index == 17);
}

static void test_huge_lengths(void)
{
	struct nsm_request r;

	/* data claims 2^64-1, 2^32, 65536 bytes */
	CHECK(decodes("a169457874656e64504352a265696e646578106464617461"
		      "5bffffffffffffffff00", NSM_REQ_INVALID, &r));
	CHECK(decodes("a169457874656e64504352a265696e646578106464617461"
		      "5b000000010000000000", NSM_REQ_INVALID, &r));
	CHECK(decodes("a169457874656e64504352a265696e646578106464617461"
		      "5a0001000000", NSM_REQ_INVALID, &r));
	/* field map and outer map claim huge pair counts */
	CHECK(decodes("a1674c6f636b504352bbffffffffffffffff65696e64657810",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("bbffffffffffffffff674c6f636b504352a165696e64657810",
		      NSM_REQ_INVALID, &r));
	/* unknown fields with huge arrays, maps and strings */
	CHECK(decodes("a1674c6f636b504352a261789bffffffffffffffff"
		      "65696e64657810", NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a26178bb7fffffffffffffff"
		      "65696e64657810", NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a261787b00000000ffffffff"
		      "65696e64657810", NSM_REQ_INVALID, &r));
	/* nested counts that add up past the input */
	CHECK(decodes("a1674c6f636b504352a2617883990fff990fff990fff"
		      "65696e64657810", NSM_REQ_INVALID, &r));
	/* a name longer than the buffer */
	CHECK(decodes("7bffffffffffffffff", NSM_REQ_INVALID, &r));
}

static void test_indefinite(void)
{
	struct nsm_request r;

	/* indefinite outer and field maps are accepted */
	CHECK(decodes("bf674c6f636b504352a165696e64657810ff",
		      NSM_REQ_LOCK_PCR, &r) && r.index == 16);
	CHECK(decodes("a1674c6f636b504352bf65696e64657810ff",
		      NSM_REQ_LOCK_PCR, &r) && r.index == 16);
	CHECK(decodes("bf6b4174746573746174696f6ebfff" "ff",
		      NSM_REQ_ATTESTATION, &r));
	/* indefinite outer map: missing break, two pairs, odd break */
	CHECK(decodes("bf674c6f636b504352a165696e64657810", NSM_REQ_INVALID,
		      &r));
	CHECK(decodes("bf674c6f636b504352a165696e64657810"
		      "674c6f636b504352a165696e64657810ff", NSM_REQ_INVALID,
		      &r));
	CHECK(decodes("a1674c6f636b504352bf65696e646578ff", NSM_REQ_INVALID,
		      &r));
	CHECK(decodes("bfff", NSM_REQ_INVALID, &r));
	/* indefinite strings where the core reads bytes: rejected */
	CHECK(decodes("a169457874656e64504352a265696e646578106464617461"
		      "5f4101ff", NSM_REQ_INVALID, &r));
	CHECK(decodes("7f6b44657363726962654e534dff", NSM_REQ_INVALID, &r));
	CHECK(decodes("a17f674c6f636b504352ffa165696e64657810",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a17f65696e646578ff10",
		      NSM_REQ_INVALID, &r));
	/* malformed indefinite strings inside an unknown field */
	CHECK(decodes("a1674c6f636b504352a261785f6161ff65696e64657810",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a261785f5f41ffff65696e64657810",
		      NSM_REQ_INVALID, &r));
	CHECK(decodes("a1674c6f636b504352a261785f410165696e64657810",
		      NSM_REQ_INVALID, &r));
}

static void test_malformed(void)
{
	static const char *const bad_values[] = {
		"1c", "1d", "1e", "1f", "3f", "df", "5c", "7d", "9e", "be", "fc",
		"fd", "fe", "ff", "f800", "f81f", "c1", "d8", "f9", "fa0000",
		"fb00000000000000", "9f", "8201", "a101", "bf01ff", "c6ff",
		"9fc6ff",
	};
	struct nsm_request r;
	char hex[128];
	size_t i;

	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		snprintf(hex, sizeof(hex),
			 "a1674c6f636b504352a261%02x%s65696e64657810",
			 0x78, bad_values[i]);
		if (!decodes(hex, NSM_REQ_INVALID, &r)) {
			printf("# accepted unknown value %s\n", bad_values[i]);
			fails++;
		}
	}
	/* well-formed simple values and floats are skipped */
	CHECK(decodes("a1674c6f636b504352a46178f8206179f93c00617afb400921fb"
		      "54442d1865696e64657810", NSM_REQ_LOCK_PCR, &r) &&
	      r.index == 16);
	CHECK(nsm_cbor_well_formed((const u8 *)"\xf7", 1));
	CHECK(nsm_cbor_well_formed((const u8 *)"\xd9\xd9\xf7\x80", 4));
	CHECK(!nsm_cbor_well_formed((const u8 *)"\x80\x80", 2));
	CHECK(!nsm_cbor_well_formed((const u8 *)"", 0));
	CHECK(!nsm_cbor_well_formed((const u8 *)"\xc6", 1));
	CHECK(!nsm_cbor_well_formed((const u8 *)"\x9f\xc6\xff", 3));
}

static void test_extend_arithmetic(void)
{
	static u8 big[1024];
	struct nsm_emu emu;
	u8 want[48] = { 0 }, next[48];
	const u8 *got;
	bool lock;
	int i;

	nsm_emu_init(&emu);
	/* SHA384(PCR || data), chained ten times as nsm-test does */
	for (i = 0; i < 10; i++) {
		extend(&emu, 16, (const u8 *)"\x01\x02\x03", 3);
		sha384(want, 48, "\x01\x02\x03", 3, next);
		memcpy(want, next, 48);
		CHECK(resp_len == 67 &&
		      same_hex(resp, 19,
			       "a169457874656e64504352a164646174615830") &&
		      same(resp + 19, 48, want, 48));
	}
	got = read_pcr(&emu, 16, &lock);
	CHECK(got && !lock && same(got, 48, want, 48));
	CHECK(!memcmp(emu.pcr[16], want, 48));

	/* empty data, text data, 1024-byte data on other PCRs */
	extend(&emu, 31, NULL, 0);
	memset(want, 0, 48);
	sha384(want, 48, "", 0, next);
	CHECK(resp_len == 67 && same(resp + 19, 48, next, 48));
	run_hex(&emu, "a169457874656e64504352a265696e6465781764646174616261"
		      "62");
	sha384(want, 48, "ab", 2, next);
	CHECK(resp_len == 67 && same(resp + 19, 48, next, 48));
	for (i = 0; i < 1024; i++)
		big[i] = (u8)i;
	extend(&emu, 24, big, sizeof(big));
	sha384(want, 48, big, sizeof(big), next);
	CHECK(resp_len == 67 && same(resp + 19, 48, next, 48));
	/* untouched PCRs stay zero */
	got = read_pcr(&emu, 17, &lock);
	CHECK(got && same(got, 48, want, 48));
	CHECK(emu.requests[NSM_REQ_EXTEND_PCR] == 13 && emu.errors == 0);
}

static void test_extend_errors(void)
{
	struct nsm_emu emu;
	u8 before[NSM_PCR_COUNT][NSM_PCR_LEN];
	int i;

	nsm_emu_init(&emu);
	memcpy(before, emu.pcr, sizeof(before));
	for (i = 0; i < 16; i++) {
		extend(&emu, i, (const u8 *)"x", 1);
		CHECK(is_error("ReadOnlyIndex"));
	}
	extend(&emu, 32, (const u8 *)"x", 1);
	CHECK(is_error("InvalidIndex"));
	extend(&emu, 65535, (const u8 *)"x", 1);
	CHECK(is_error("InvalidIndex"));
	CHECK(!memcmp(before, emu.pcr, sizeof(before)));
	CHECK(emu.errors == 18);
}

static void test_locks(void)
{
	struct nsm_emu emu;
	const u8 *got;
	bool lock;
	int i;

	nsm_emu_init(&emu);
	for (i = 0; i < 16; i++) {
		lock_pcr(&emu, i);
		CHECK(is_error("ReadOnlyIndex"));
	}
	lock_pcr(&emu, 32);
	CHECK(is_error("InvalidIndex"));
	lock_pcr(&emu, 300);
	CHECK(is_error("InvalidIndex"));
	extend(&emu, 16, (const u8 *)"a", 1);
	lock_pcr(&emu, 16);
	CHECK(same_hex(resp, resp_len, "674c6f636b504352"));
	got = read_pcr(&emu, 16, &lock);
	CHECK(got && lock);
	/* locking again, extending a locked PCR: ReadOnlyIndex (QEMU) */
	lock_pcr(&emu, 16);
	CHECK(is_error("ReadOnlyIndex"));
	extend(&emu, 16, (const u8 *)"a", 1);
	CHECK(is_error("ReadOnlyIndex"));

	lock_pcrs(&emu, 33);
	CHECK(is_error("InvalidIndex"));
	lock_pcrs(&emu, 65535);
	CHECK(is_error("InvalidIndex"));
	lock_pcrs(&emu, 0);
	CHECK(same_hex(resp, resp_len, "684c6f636b50435273"));
	CHECK(emu.locked == 0x1ffff);
	lock_pcrs(&emu, 20);
	CHECK(emu.locked == 0xfffff);
	run_hex(&emu, "6b44657363726962654e534d");
	CHECK(resp_len > 30 && same_hex(resp + resp_len - 35, 35,
		"94000102030405060708090a0b0c0d0e0f10111213"
		"6664696765737466534841333834"));
	lock_pcrs(&emu, 32);
	CHECK(emu.locked == 0xffffffffu);
	lock_pcrs(&emu, 32);	/* all locked already: still success */
	CHECK(same_hex(resp, resp_len, "684c6f636b50435273"));
	lock_pcrs(&emu, 33);
	CHECK(is_error("InvalidIndex"));
	run_hex(&emu, "6b44657363726962654e534d");
	/* the array of 32: 98 20, then 0..23 as 00..17, 24..31 as 18 xx */
	{
		u8 want[64];
		size_t n = 0;

		want[n++] = 0x98;
		want[n++] = 0x20;
		for (i = 0; i < 32; i++) {
			if (i >= 24)
				want[n++] = 0x18;
			want[n++] = (u8)i;
		}
		memcpy(want + n, "\x66" "digest" "\x66" "SHA384", 14);
		n += 14;
		CHECK(resp_len > n && same(resp + resp_len - n, n, want, n));
	}
	for (i = 0; i < 32; i++) {
		extend(&emu, i, (const u8 *)"a", 1);
		CHECK(is_error("ReadOnlyIndex"));
	}
}

static void test_defaults(void)
{
	static const char *const kernel = "nsm-emu fake kernel";
	static const char *const cmdline = "console=ttyS0 nsm-emu=fake";
	static const char *const rd1 = "nsm-emu fake bootstrap ramdisk";
	static const char *const rd2 = "nsm-emu fake application ramdisk";
	static const u8 zero[48];
	struct nsm_emu emu;
	u8 want[48], img[256];
	const u8 *got;
	size_t n;
	bool lock;
	int i;

	/* the formulas themselves, against AWS's documented examples */
	pcr_raw("i-1234567890abcdef0", 19, want);
	CHECK(same_hex(want, 4, "08f996b5"));
	pcr_raw("arn:aws:iam::123456789012:role/Webserver", 40, want);
	CHECK(same_hex(want, 4, "78fce75d"));

	nsm_emu_init(&emu);
	CHECK(!strcmp(emu.module_id, "i-0123456789abcdef0-enc0123456789abcdef"));
	CHECK(emu.version[0] == 1 && emu.version[1] == 0 &&
	      emu.version[2] == 0 && !emu.debug && !emu.pki);
	CHECK(emu.locked == 0xffff);

	n = 0;
	memcpy(img + n, kernel, strlen(kernel));
	n += strlen(kernel);
	memcpy(img + n, cmdline, strlen(cmdline));
	n += strlen(cmdline);
	memcpy(img + n, rd1, strlen(rd1));
	n += strlen(rd1);
	pcr_ext(img, n, want);		/* PCR1: kernel, cmdline, ramdisk 1 */
	got = read_pcr(&emu, 1, &lock);
	CHECK(got && lock && same(got, 48, want, 48));
	memcpy(img + n, rd2, strlen(rd2));
	n += strlen(rd2);
	pcr_ext(img, n, want);		/* PCR0: the whole image */
	got = read_pcr(&emu, 0, &lock);
	CHECK(got && lock && same(got, 48, want, 48));
	pcr_ext(rd2, strlen(rd2), want);
	got = read_pcr(&emu, 2, &lock);
	CHECK(got && lock && same(got, 48, want, 48));
	pcr_raw(NSM_DEFAULT_INSTANCE_ID, strlen(NSM_DEFAULT_INSTANCE_ID), want);
	got = read_pcr(&emu, 4, &lock);
	CHECK(got && lock && same(got, 48, want, 48));
	CHECK(!strncmp(emu.module_id, NSM_DEFAULT_INSTANCE_ID, 19));

	/* nsm-test: PCR3 and 5..31 zero; 0..15 locked, 16..31 not */
	for (i = 0; i < 32; i++) {
		got = read_pcr(&emu, i, &lock);
		CHECK(got && lock == (i < 16));
		if (got && (i == 3 || i > 4))
			CHECK(!memcmp(got, zero, 48));
		if (got && i != 3 && i <= 4)
			CHECK(memcmp(got, zero, 48));
	}
}

static void test_reset_measurements(void)
{
	static const u8 zero[48];
	struct nsm_measurements m;
	struct nsm_emu emu;
	u64 before;

	nsm_emu_init(&emu);
	extend(&emu, 20, (const u8 *)"a", 1);
	lock_pcrs(&emu, 32);
	before = emu.requests[NSM_REQ_EXTEND_PCR];

	memset(&m, 0, sizeof(m));
	memset(m.pcr[0], 0xaa, 48);
	memset(m.pcr[3], 0x33, 48);
	memset(m.pcr[8], 0x88, 48);
	memset(m.pcr[9], 0x99, 48);	/* not in the mask: ignored */
	m.mask = 1u << 0 | 1u << 3 | 1u << 8;
	nsm_emu_reset(&emu, &m);
	CHECK(emu.locked == 0xffff);
	CHECK(emu.pcr[0][0] == 0xaa && emu.pcr[0][47] == 0xaa);
	CHECK(emu.pcr[3][0] == 0x33 && emu.pcr[8][47] == 0x88);
	CHECK(!memcmp(emu.pcr[9], zero, 48) && !memcmp(emu.pcr[20], zero, 48));
	/* not given: defaults */
	CHECK(!memcmp(emu.pcr[1], nsm_default_measurements.pcr[1], 48));
	CHECK(!memcmp(emu.pcr[4], nsm_default_measurements.pcr[4], 48));
	/* counters and identity are kept */
	CHECK(emu.requests[NSM_REQ_EXTEND_PCR] == before);
	CHECK(!strcmp(emu.module_id, NSM_DEFAULT_MODULE_ID));
	nsm_emu_reset(&emu, NULL);
	CHECK(!memcmp(emu.pcr[0], nsm_default_measurements.pcr[0], 48));
	CHECK(!memcmp(emu.pcr[3], zero, 48) && !memcmp(emu.pcr[8], zero, 48));
	extend(&emu, 20, (const u8 *)"a", 1);
	CHECK(resp_len == 67);
}

static void test_debug_mode(void)
{
	static const u8 zero[48];
	struct nsm_emu emu;
	const u8 *got;
	bool lock;
	int i;

	nsm_emu_init(&emu);
	emu.debug = true;
	for (i = 0; i <= 4; i++) {
		got = read_pcr(&emu, i, &lock);
		CHECK(got && lock);
		if (got && i < 3)
			CHECK(!memcmp(got, zero, 48));
	}
	got = read_pcr(&emu, 4, &lock);
	CHECK(got && memcmp(got, zero, 48));
	/* the bank itself is untouched */
	CHECK(!memcmp(emu.pcr[0], nsm_default_measurements.pcr[0], 48));
}

static void test_get_random(void)
{
	static const char head[] = "a16947657452616e646f6da16672616e646f6d590100";
	struct nsm_emu emu;
	u8 first[256];

	nsm_emu_init(&emu);
	run_hex(&emu, "6947657452616e646f6d");
	CHECK(resp_len == 22 + 256 && same_hex(resp, 22, head));
	memcpy(first, resp + 22, 256);
	run_hex(&emu, "6947657452616e646f6d");
	CHECK(resp_len == 22 + 256 && same_hex(resp, 22, head));
	CHECK(memcmp(first, resp + 22, 256));
	CHECK(emu.requests[NSM_REQ_GET_RANDOM] == 2 && emu.errors == 0);
}

static void test_attestation_wrap(void)
{
	static const size_t lens[] = {
		0, 1, 23, 24, 255, 256, 1000, 4500, 7600, 12000,
	};
	static u8 big[70000 + 64];
	struct nsm_emu emu;
	size_t i, h, len;
	bool ok;

	nsm_emu_init(&emu);
	memset(&fake_attest, 0, sizeof(fake_attest));
	run_hex(&emu, valid_reqs[7]);	/* user_data 01, nonce 02 */
	CHECK(same_hex(resp, resp_len,
		"a16b4174746573746174696f6ea168646f63756d656e7443d00102"));
	CHECK(fake_attest.calls == 1 &&
	      fake_attest.last.type == NSM_REQ_ATTESTATION &&
	      fake_attest.last_cap == RESP_CAP - 23 - 3);

	fake_attest.fixed_len = true;
	fake_attest.len = 3;
	run_hex(&emu, valid_reqs[5]);
	/* the NSM-FACTS example, document 010203... well, 01 08 0f */
	CHECK(same_hex(resp, resp_len,
		"a16b4174746573746174696f6ea168646f63756d656e744301080f"));

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		fake_attest.len = lens[i];
		run_hex(&emu, valid_reqs[5]);
		h = nsm_cbor_head_len(lens[i]);
		ok = resp_len == 23 + h + lens[i] &&
		     same_hex(resp, 23, "a16b4174746573746174696f6ea168646f63"
				       "756d656e74") &&
		     (resp[23] >> 5) == NSM_CBOR_BYTES &&
		     nsm_cbor_well_formed(resp, resp_len);
		for (len = 0; ok && len < lens[i]; len++)
			ok = resp[23 + h + len] == (u8)(len * 7 + 1);
		if (!ok) {
			printf("# document of %zu bytes wrapped wrongly\n",
			       lens[i]);
			fails++;
		}
	}
	/* 5-byte head: a document over 64 KiB in a large buffer */
	fake_attest.len = 65536 + 10;
	{
		u8 req[64];
		size_t n = unhex(valid_reqs[5], req, sizeof(req));

		len = nsm_handle(&emu, req, n, big, sizeof(big));
		CHECK(len == 23 + 5 + 65546 && big[23] == 0x5a &&
		      big[24] == 0 && big[25] == 1 && big[26] == 0 &&
		      big[27] == 10 && big[28] == 1 && big[29] == 8 &&
		      big[len - 1] == (u8)(65545 * 7 + 1));
		/* the largest document that fits exactly */
		fake_attest.len = sizeof(big) - 23 - 5;
		len = nsm_handle(&emu, req, n, big, sizeof(big));
		CHECK(len == sizeof(big) && nsm_cbor_well_formed(big, len));
		/* one byte more: the document does not fit, BufferTooSmall */
		fake_attest.len++;
		len = nsm_handle(&emu, req, n, big, sizeof(big));
		CHECK(same_hex(big, len,
			       "a1654572726f726e427566666572546f6f536d616c6c"));
	}
	memset(&fake_attest, 0, sizeof(fake_attest));
}

static void test_attestation_errors(void)
{
	struct nsm_emu emu;
	u8 req[64];
	size_t n;

	nsm_emu_init(&emu);
	memset(&fake_attest, 0, sizeof(fake_attest));
	fake_attest.ret = -NSM_INVALID_INDEX;
	run_hex(&emu, valid_reqs[5]);
	CHECK(is_error("InvalidIndex"));
	fake_attest.ret = -100;
	run_hex(&emu, valid_reqs[5]);
	CHECK(is_error("InternalError"));
	fake_attest.ret = 1;
	run_hex(&emu, valid_reqs[5]);
	CHECK(is_error("InternalError"));
	fake_attest.ret = 0;
	fake_attest.bad_len = true;
	run_hex(&emu, valid_reqs[5]);
	CHECK(is_error("InternalError"));
	fake_attest.bad_len = false;
	/* too little room for any document */
	n = unhex(valid_reqs[5], req, sizeof(req));
	resp_len = nsm_handle(&emu, req, n, resp, 24);
	CHECK(is_error("BufferTooSmall"));
	resp_len = nsm_handle(&emu, req, n, resp, 25);
	CHECK(same_hex(resp, resp_len,
		       "a16b4174746573746174696f6ea168646f63756d656e7441d0"));
	/* malformed attestation never reaches the hook */
	fake_attest.calls = 0;
	run_hex(&emu, "a16b4174746573746174696f6ea1656e6f6e636501");
	CHECK(is_error("InvalidOperation") && fake_attest.calls == 0);
	CHECK(emu.errors == 6);
	memset(&fake_attest, 0, sizeof(fake_attest));
}

static void test_small_buffers(void)
{
	struct nsm_emu emu;
	u8 req[128], small[80], want[32];
	size_t n, len, cap, wlen;

	nsm_emu_init(&emu);
	n = unhex("6b44657363726962654e534d", req, sizeof(req));
	len = nsm_handle(&emu, req, n, small, sizeof(small));
	CHECK(same(small, len, want, error_bytes("BufferTooSmall", want)));

	/* extend whose response does not fit leaves the PCR alone */
	n = extend_req(req, 16, (const u8 *)"a", 1);
	len = nsm_handle(&emu, req, n, small, 66);
	CHECK(same(small, len, want, error_bytes("BufferTooSmall", want)));
	CHECK(!memcmp(emu.pcr[16], emu.pcr[17], 48));
	len = nsm_handle(&emu, req, n, small, 67);
	CHECK(len == 67 && memcmp(emu.pcr[16], emu.pcr[17], 48));

	/* lock whose response does not fit stays unlocked */
	n = one_field_req(req, "LockPCR", "index", 17);
	len = nsm_handle(&emu, req, n, small, 7);
	CHECK(len == 7 && !(emu.locked & (1u << 17)));
	n = one_field_req(req, "LockPCRs", "range", 20);
	len = nsm_handle(&emu, req, n, small, 8);
	CHECK(len == 8 && !(emu.locked & (1u << 17)));
	len = nsm_handle(&emu, req, n, small, 9);
	CHECK(len == 9 && (emu.locked & (1u << 19)));

	/* below NSM_CORE_RESPONSE_MIN the error itself is truncated */
	n = unhex("ff", req, sizeof(req));
	wlen = error_bytes("InvalidOperation", want);
	CHECK(wlen == NSM_CORE_RESPONSE_MIN);
	for (cap = 0; cap <= wlen; cap++) {
		memset(small, 0xee, sizeof(small));
		len = nsm_handle(&emu, req, n, small, cap);
		CHECK(len == cap && !memcmp(small, want, cap) &&
		      small[cap] == 0xee);
	}
	len = nsm_handle(&emu, req, n, NULL, 0);
	CHECK(len == 0);
	/* no request at all */
	len = nsm_handle(&emu, NULL, 0, small, sizeof(small));
	CHECK(same(small, len, want, wlen));
}

static void test_counters(void)
{
	struct nsm_emu emu;
	u8 big[NSM_CORE_REQUEST_MAX + 1] = { 0 };
	int i;

	nsm_emu_init(&emu);
	memset(&fake_attest, 0, sizeof(fake_attest));
	for (i = 0; i < 10; i++)
		run_hex(&emu, valid_reqs[i]);
	run_hex(&emu, "00");
	run(&emu, big, sizeof(big));
	/* request limit is inclusive */
	run(&emu, big, NSM_CORE_REQUEST_MAX);
	CHECK(is_error("InvalidOperation"));
	CHECK(emu.requests[NSM_REQ_DESCRIBE_NSM] == 1);
	CHECK(emu.requests[NSM_REQ_DESCRIBE_PCR] == 2);
	CHECK(emu.requests[NSM_REQ_EXTEND_PCR] == 1);
	CHECK(emu.requests[NSM_REQ_LOCK_PCR] == 1);
	CHECK(emu.requests[NSM_REQ_LOCK_PCRS] == 2);
	CHECK(emu.requests[NSM_REQ_ATTESTATION] == 2);
	CHECK(emu.requests[NSM_REQ_GET_RANDOM] == 1);
	CHECK(emu.requests[NSM_REQ_INVALID] == 3);
	/* DescribePCR 300 and the three invalid ones */
	CHECK(emu.errors == 4);
	nsm_emu_reset(&emu, NULL);
	CHECK(emu.errors == 4 && emu.requests[NSM_REQ_INVALID] == 3);
}

/* A full nsm-check session (AWS nsm-test), minus attestation content. */
static void test_nsm_check_flow(void)
{
	static const u8 zero[48];
	struct nsm_emu emu;
	const u8 *got;
	bool lock;
	int i, loop;

	nsm_emu_init(&emu);
	memset(&fake_attest, 0, sizeof(fake_attest));
	for (i = 0; i < 16; i++) {
		lock_pcr(&emu, i);
		CHECK(resp[0] == 0xa1 && resp[1] == 0x65);	/* Error */
	}
	for (loop = 0; loop < 10; loop++)
		for (i = 16; i < 32; i++) {
			extend(&emu, i, (const u8 *)"\x01\x02\x03", 3);
			CHECK(resp_len == 67 && memcmp(resp + 19, zero, 48));
		}
	for (i = 16; i < 32; i++) {
		lock_pcr(&emu, i);
		CHECK(same_hex(resp, resp_len, "674c6f636b504352"));
	}
	lock_pcrs(&emu, 32);
	CHECK(same_hex(resp, resp_len, "684c6f636b50435273"));
	lock_pcrs(&emu, 33);
	CHECK(is_error("InvalidIndex"));
	for (i = 0; i < 32; i++) {
		extend(&emu, i, (const u8 *)"\x01\x02\x03", 3);
		CHECK(is_error("ReadOnlyIndex"));
		got = read_pcr(&emu, i, &lock);
		CHECK(got && lock);
		if (got)
			CHECK(!memcmp(got, zero, 48) == (i == 3 ||
							(i >= 5 && i <= 15)));
	}
	run_hex(&emu, valid_reqs[5]);
	CHECK(resp_len > 23 && resp[0] == 0xa1 && resp[1] == 0x6b);
}

/* The fuzzer's seeds: "bad-*" must be rejected, all others accepted. */
static void test_corpus(void)
{
	static u8 buf[8192];
	char path[4096];
	struct nsm_request r;
	struct dirent *de;
	unsigned int seen = 0;
	bool bad;
	size_t n;
	DIR *d;
	FILE *f;

	d = opendir(CORPUS_DIR);
	CHECK(d);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, de->d_name);
		f = fopen(path, "rb");
		CHECK(f);
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		bad = !strncmp(de->d_name, "bad-", 4);
		if ((nsm_request_decode(buf, n, &r) == 0) == bad) {
			printf("# seed %s: wrong verdict\n", de->d_name);
			fails++;
		}
		seen++;
	}
	closedir(d);
	CHECK(seen >= 20);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "DescribeNSM response bytes", test_describe_nsm_bytes },
	{ "DescribePCR response bytes", test_describe_pcr_bytes },
	{ "LockPCR/LockPCRs response bytes", test_lock_bytes },
	{ "Error response bytes", test_error_bytes },
	{ "error names", test_error_names },
	{ "ExtendPCR/GetRandom encodings", test_writer_bytes },
	{ "CBOR writer heads", test_writer_heads },
	{ "decode NSM-FACTS request examples", test_decode_examples },
	{ "decode integer widths and ranges", test_decode_int_widths },
	{ "decode field order and unknown fields",
	  test_decode_field_order_unknown },
	{ "decode wrong shapes and types", test_decode_shapes },
	{ "decode rejects trailing bytes", test_decode_trailing },
	{ "every truncation is InvalidOperation", test_truncations },
	{ "deep nesting", test_deep_nesting },
	{ "huge declared lengths", test_huge_lengths },
	{ "indefinite-length items", test_indefinite },
	{ "malformed CBOR", test_malformed },
	{ "ExtendPCR arithmetic vs OpenSSL", test_extend_arithmetic },
	{ "ExtendPCR errors", test_extend_errors },
	{ "LockPCR/LockPCRs semantics", test_locks },
	{ "default boot measurements vs OpenSSL", test_defaults },
	{ "reset with measurements", test_reset_measurements },
	{ "debug mode zeroes PCR0..2", test_debug_mode },
	{ "GetRandom", test_get_random },
	{ "Attestation document wrapping", test_attestation_wrap },
	{ "Attestation errors", test_attestation_errors },
	{ "small response buffers", test_small_buffers },
	{ "request and error counters", test_counters },
	{ "nsm-check flow", test_nsm_check_flow },
	{ "seed corpus verdicts", test_corpus },
};

int main(int argc, char **argv)
{
	const char *suffix = "";
	bool plan = true;
	size_t i, n = sizeof(tests) / sizeof(tests[0]);
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--count")) {
			printf("%zu\n", n);
			return 0;
		} else if (!strcmp(argv[a], "--offset") && a + 1 < argc) {
			tap_n = atoi(argv[++a]);	/* numbers start at N + 1 */
		} else if (!strcmp(argv[a], "--suffix") && a + 1 < argc) {
			suffix = argv[++a];
		} else if (!strcmp(argv[a], "--no-plan")) {
			plan = false;
		} else {
			fprintf(stderr, "usage: %s [--count] [--offset N] "
				"[--suffix S] [--no-plan]\n", argv[0]);
			return 2;
		}
	}
	/* pin the clock for anything that reads it */
	setenv("NSM_TEST_TIME_MS", "1767225600000", 1);
	if (plan) {
		tap_start();
		tap_plan((int)n);
	}
	for (i = 0; i < n; i++) {
		fails = 0;
		tests[i].fn();
		tap_ok(!fails, "%s%s", tests[i].name, suffix);
	}
	return tap_failed ? 1 : 0;
}
