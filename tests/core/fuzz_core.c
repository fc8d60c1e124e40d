// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the NSM protocol core: nsm_request_decode() and
 * nsm_handle() on a fresh emulator, with invariants checked on every input:
 *
 * - decode succeeds exactly when the type is not NSM_REQ_INVALID, and every
 *   borrowed byte field lies inside the input;
 * - a decoded request re-encoded canonically decodes to the same request;
 * - the response length is in (0, cap], the response is one well-formed CBOR
 *   item, of the shape its request calls for, and undecodable requests get
 *   exactly {"Error": "InvalidOperation"} (InputTooLarge over 4 KiB);
 * - exactly one request is counted, and an error is counted exactly when
 *   the response is an Error;
 * - on a fresh emulator the response equals, byte for byte, what a model
 *   built here predicts (PCR values from OpenSSL, locks, error names);
 * - with a small response buffer (taken from the input) on a debug-mode
 *   device with every PCR locked, the generic invariants hold and every
 *   extend or lock of a valid index is ReadOnlyIndex.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../kmod/core/cbor.h"
#include "../../kmod/core/nsm_core.h"
#include "fake_attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n",\
				#c, __LINE__);				\
			abort();					\
		}							\
	} while (0)

static u8 resp[0x3000];
static u8 enc[0x2000];

static void check_bytes(const struct nsm_bytes *b, const u8 *data,
			size_t size, bool may)
{
	if (!b->present) {
		FUZZ_ASSERT(!b->ptr && !b->len);
		return;
	}
	FUZZ_ASSERT(may);
	FUZZ_ASSERT(b->ptr >= data && b->ptr <= data + size);
	FUZZ_ASSERT(b->len <= (size_t)(data + size - b->ptr));
}

static void put_opt(struct nsm_cbor_wr *w, const char *k,
		    const struct nsm_bytes *b)
{
	nsm_cbor_put_str(w, k);
	if (b->present)
		nsm_cbor_put_bytes(w, b->ptr, b->len);
	else
		nsm_cbor_put_head(w, NSM_CBOR_SIMPLE, NSM_CBOR_NULL);
}

static const char *const names[] = {
	[NSM_REQ_DESCRIBE_NSM] = "DescribeNSM",
	[NSM_REQ_DESCRIBE_PCR] = "DescribePCR",
	[NSM_REQ_EXTEND_PCR] = "ExtendPCR",
	[NSM_REQ_LOCK_PCR] = "LockPCR",
	[NSM_REQ_LOCK_PCRS] = "LockPCRs",
	[NSM_REQ_ATTESTATION] = "Attestation",
	[NSM_REQ_GET_RANDOM] = "GetRandom",
};

/* Canonical serde_cbor-style encoding of a decoded request. */
static size_t encode(const struct nsm_request *r)
{
	struct nsm_cbor_wr w;

	nsm_cbor_wr_init(&w, enc, sizeof(enc));
	switch (r->type) {
	case NSM_REQ_DESCRIBE_NSM:
	case NSM_REQ_GET_RANDOM:
		nsm_cbor_put_str(&w, names[r->type]);
		break;
	case NSM_REQ_DESCRIBE_PCR:
	case NSM_REQ_LOCK_PCR:
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, names[r->type]);
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, "index");
		nsm_cbor_put_uint(&w, r->index);
		break;
	case NSM_REQ_LOCK_PCRS:
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, names[r->type]);
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, "range");
		nsm_cbor_put_uint(&w, r->range);
		break;
	case NSM_REQ_EXTEND_PCR:
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, names[r->type]);
		nsm_cbor_put_map(&w, 2);
		nsm_cbor_put_str(&w, "index");
		nsm_cbor_put_uint(&w, r->index);
		nsm_cbor_put_str(&w, "data");
		nsm_cbor_put_bytes(&w, r->data.ptr, r->data.len);
		break;
	case NSM_REQ_ATTESTATION:
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, names[r->type]);
		nsm_cbor_put_map(&w, 3);
		put_opt(&w, "user_data", &r->user_data);
		put_opt(&w, "nonce", &r->nonce);
		put_opt(&w, "public_key", &r->public_key);
		break;
	default:
		FUZZ_ASSERT(0);
	}
	FUZZ_ASSERT(!nsm_cbor_wr_overflow(&w));
	FUZZ_ASSERT(nsm_cbor_well_formed(enc, w.len));
	return w.len;
}

static u8 want[0x3000];

static size_t want_error(enum nsm_errcode e)
{
	struct nsm_cbor_wr w;

	nsm_cbor_wr_init(&w, want, sizeof(want));
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "Error");
	nsm_cbor_put_str(&w, nsm_errcode_name(e));
	return w.len;
}

static void want_variant(struct nsm_cbor_wr *w, const char *name,
			 const char *field)
{
	nsm_cbor_wr_init(w, want, sizeof(want));
	nsm_cbor_put_map(w, 1);
	nsm_cbor_put_str(w, name);
	nsm_cbor_put_map(w, 1);
	nsm_cbor_put_str(w, field);
}

/*
 * The response a fresh nsm_emu_init() device must give to @r, and checks
 * of the state it must leave. Returns the expected length, or 0 when the
 * content cannot be predicted (GetRandom: only its head is compared).
 */
static size_t model(const struct nsm_request *r, const struct nsm_emu *emu)
{
	static const u8 zero[48];
	struct nsm_cbor_wr w;
	u8 pcr[48];
	unsigned int len;
	u32 boot = 0xffff;

	switch (r->type) {
	case NSM_REQ_DESCRIBE_PCR:
		if (r->index >= 32)
			return want_error(NSM_INVALID_INDEX);
		nsm_cbor_wr_init(&w, want, sizeof(want));
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, "DescribePCR");
		nsm_cbor_put_map(&w, 2);
		nsm_cbor_put_str(&w, "lock");
		nsm_cbor_put_bool(&w, r->index < 16);
		nsm_cbor_put_str(&w, "data");
		nsm_cbor_put_bytes(&w, (nsm_default_measurements.mask >>
					r->index) & 1 && r->index < 16 ?
				   nsm_default_measurements.pcr[r->index] :
				   zero, 48);
		return w.len;
	case NSM_REQ_EXTEND_PCR:
		if (r->index >= 32)
			return want_error(NSM_INVALID_INDEX);
		if (r->index < 16)
			return want_error(NSM_READ_ONLY_INDEX);
		{
			EVP_MD_CTX *ctx = EVP_MD_CTX_new();

			FUZZ_ASSERT(ctx &&
				    EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) &&
				    EVP_DigestUpdate(ctx, zero, 48) &&
				    EVP_DigestUpdate(ctx, r->data.ptr,
						     r->data.len) &&
				    EVP_DigestFinal_ex(ctx, pcr, &len));
			EVP_MD_CTX_free(ctx);
		}
		FUZZ_ASSERT(!memcmp(emu->pcr[r->index], pcr, 48));
		want_variant(&w, "ExtendPCR", "data");
		nsm_cbor_put_bytes(&w, pcr, 48);
		return w.len;
	case NSM_REQ_LOCK_PCR:
		if (r->index >= 32)
			return want_error(NSM_INVALID_INDEX);
		if (r->index < 16)
			return want_error(NSM_READ_ONLY_INDEX);
		FUZZ_ASSERT(emu->locked == (boot | 1u << r->index));
		nsm_cbor_wr_init(&w, want, sizeof(want));
		nsm_cbor_put_str(&w, "LockPCR");
		return w.len;
	case NSM_REQ_LOCK_PCRS:
		if (r->range > 32)
			return want_error(NSM_INVALID_INDEX);
		FUZZ_ASSERT(emu->locked == (boot | (r->range == 32 ? ~0u :
					    (1u << r->range) - 1)));
		nsm_cbor_wr_init(&w, want, sizeof(want));
		nsm_cbor_put_str(&w, "LockPCRs");
		return w.len;
	case NSM_REQ_ATTESTATION:
		want_variant(&w, "Attestation", "document");
		nsm_cbor_put_head(&w, NSM_CBOR_BYTES, 1 +
				  r->user_data.len + r->nonce.len +
				  r->public_key.len);
		want[w.len++] = 0xd0;
		if (r->user_data.len)
			memcpy(want + w.len, r->user_data.ptr,
			       r->user_data.len);
		w.len += r->user_data.len;
		if (r->nonce.len)
			memcpy(want + w.len, r->nonce.ptr, r->nonce.len);
		w.len += r->nonce.len;
		if (r->public_key.len)
			memcpy(want + w.len, r->public_key.ptr,
			       r->public_key.len);
		w.len += r->public_key.len;
		return w.len;
	case NSM_REQ_DESCRIBE_NSM:
		nsm_cbor_wr_init(&w, want, sizeof(want));
		nsm_cbor_put_map(&w, 1);
		nsm_cbor_put_str(&w, "DescribeNSM");
		nsm_cbor_put_map(&w, 7);
		nsm_cbor_put_str(&w, "version_major");
		nsm_cbor_put_uint(&w, 1);
		nsm_cbor_put_str(&w, "version_minor");
		nsm_cbor_put_uint(&w, 0);
		nsm_cbor_put_str(&w, "version_patch");
		nsm_cbor_put_uint(&w, 0);
		nsm_cbor_put_str(&w, "module_id");
		nsm_cbor_put_str(&w, NSM_DEFAULT_MODULE_ID);
		nsm_cbor_put_str(&w, "max_pcrs");
		nsm_cbor_put_uint(&w, 32);
		nsm_cbor_put_str(&w, "locked_pcrs");
		nsm_cbor_put_array(&w, 16);
		for (len = 0; len < 16; len++)
			nsm_cbor_put_uint(&w, len);
		nsm_cbor_put_str(&w, "digest");
		nsm_cbor_put_str(&w, "SHA384");
		return w.len;
	case NSM_REQ_GET_RANDOM:
		want_variant(&w, "GetRandom", "random");
		nsm_cbor_put_head(&w, NSM_CBOR_BYTES, NSM_RANDOM_LEN);
		return 0;
	default:
		return want_error(NSM_INVALID_OPERATION);
	}
}

static bool same_bytes(const struct nsm_bytes *a, const struct nsm_bytes *b)
{
	return a->present == b->present && a->len == b->len &&
	       (!a->len || !memcmp(a->ptr, b->ptr, a->len));
}

static bool is_error_resp(const u8 *r, size_t len)
{
	return len > 7 && !memcmp(r, "\xa1\x65" "Error", 7);
}

static void check_response(const struct nsm_emu *emu, int dec,
			   size_t size, size_t len, size_t cap)
{
	static const char inval[] = "\xa1\x65" "Error" "\x70" "InvalidOperation";
	static const char large[] = "\xa1\x65" "Error" "\x6d" "InputTooLarge";
	u64 total = 0;
	int i;

	FUZZ_ASSERT(len > 0 && len <= cap);
	FUZZ_ASSERT(nsm_cbor_well_formed(resp, len));
	for (i = 0; i < NSM_REQ_TYPES; i++)
		total += emu->requests[i];
	FUZZ_ASSERT(total == 1);
	FUZZ_ASSERT(emu->errors == (is_error_resp(resp, len) ? 1 : 0));
	if (size > NSM_CORE_REQUEST_MAX) {
		FUZZ_ASSERT(len == sizeof(large) - 1 &&
			    !memcmp(resp, large, len));
	} else if (dec) {
		FUZZ_ASSERT(emu->requests[NSM_REQ_INVALID] == 1);
		FUZZ_ASSERT(len == sizeof(inval) - 1 &&
			    !memcmp(resp, inval, len));
	} else {
		/* a text (LockPCR, LockPCRs) or a one-pair map */
		FUZZ_ASSERT(resp[0] == 0xa1 || resp[0] == 0x67 ||
			    resp[0] == 0x68);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsm_request req, again;
	struct nsm_emu emu;
	size_t len, n, cap;
	int dec;

	dec = nsm_request_decode(data, size, &req);
	FUZZ_ASSERT(dec == 0 || dec == -1);
	FUZZ_ASSERT((dec == 0) == (req.type != NSM_REQ_INVALID));
	if (!dec) {
		check_bytes(&req.data, data, size,
			    req.type == NSM_REQ_EXTEND_PCR);
		FUZZ_ASSERT(req.data.present ==
			    (req.type == NSM_REQ_EXTEND_PCR));
		check_bytes(&req.user_data, data, size,
			    req.type == NSM_REQ_ATTESTATION);
		check_bytes(&req.nonce, data, size,
			    req.type == NSM_REQ_ATTESTATION);
		check_bytes(&req.public_key, data, size,
			    req.type == NSM_REQ_ATTESTATION);
		n = encode(&req);
		FUZZ_ASSERT(nsm_request_decode(enc, n, &again) == 0);
		FUZZ_ASSERT(again.type == req.type &&
			    again.index == req.index &&
			    again.range == req.range);
		FUZZ_ASSERT(same_bytes(&again.data, &req.data) &&
			    same_bytes(&again.user_data, &req.user_data) &&
			    same_bytes(&again.nonce, &req.nonce) &&
			    same_bytes(&again.public_key, &req.public_key));
	} else {
		FUZZ_ASSERT(!req.data.present && !req.index && !req.range);
	}

	/* Full-size response buffer, as the module uses. */
	nsm_emu_init(&emu);
	memset(&fake_attest, 0, sizeof(fake_attest));
	len = nsm_handle(&emu, data, size, resp, sizeof(resp));
	check_response(&emu, dec, size, len, sizeof(resp));
	if (size <= NSM_CORE_REQUEST_MAX) {
		n = model(&req, &emu);
		if (n)
			FUZZ_ASSERT(len == n && !memcmp(resp, want, n));
		else	/* GetRandom: the head, then 256 bytes */
			FUZZ_ASSERT(len == 22 + NSM_RANDOM_LEN &&
				    !memcmp(resp, want, 22));
	}

	/* A small buffer and a debug-mode device with everything locked. */
	cap = NSM_CORE_RESPONSE_MIN + (size ? data[size - 1] : 0u) % 320;
	nsm_emu_init(&emu);
	emu.debug = true;
	emu.locked = ~0u;
	len = nsm_handle(&emu, data, size, resp, cap);
	check_response(&emu, dec, size, len, cap);
	if (size <= NSM_CORE_REQUEST_MAX &&
	    (req.type == NSM_REQ_EXTEND_PCR || req.type == NSM_REQ_LOCK_PCR) &&
	    req.index < 32) {
		n = want_error(NSM_READ_ONLY_INDEX);
		FUZZ_ASSERT(len == n && !memcmp(resp, want, n));
	}
	return 0;
}
