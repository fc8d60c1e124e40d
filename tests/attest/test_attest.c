// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the core's test PKI and attestation documents, checked with
 * independent code: libcbor decodes every document, OpenSSL verifies every
 * chain (X509_V_FLAG_X509_STRICT, at the document's time) and every COSE
 * signature, and makes the PKI used for the provisioning tests.
 *
 * The clock is pinned through NSM_TEST_TIME_MS (tests/plat_user.c).
 */
#include <cbor.h>
#include <inttypes.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../kmod/core/attest.h"
#include "../../kmod/core/der.h"
#include "../tap.h"

static u64 now_ms;

static void set_time_ms(u64 t)
{
	char buf[32];

	now_ms = t;
	snprintf(buf, sizeof(buf), "%" PRIu64, t);
	setenv("NSM_TEST_TIME_MS", buf, 1);
}

/* ---- documents, decoded with libcbor ---------------------------------- */

static u8 docbuf[NSM_ATTEST_DOC_MAX];

struct doc {
	size_t len;
	cbor_item_t *top;	/* the COSE_Sign1 array (tag removed) */
	cbor_item_t *payload;	/* the decoded payload map */
	u64 timestamp;
	X509 *leaf;
	STACK_OF(X509) *cab;
	const char *why;	/* first structural problem, NULL if none */
};

static void doc_free(struct doc *d)
{
	if (d->top)
		cbor_decref(&d->top);
	if (d->payload)
		cbor_decref(&d->payload);
	X509_free(d->leaf);
	sk_X509_pop_free(d->cab, X509_free);
	memset(d, 0, sizeof(*d));
}

static X509 *x509_from(cbor_item_t *b)
{
	const unsigned char *p = cbor_bytestring_handle(b);

	return d2i_X509(NULL, &p, cbor_bytestring_length(b));
}

static bool is_bstr(cbor_item_t *i)
{
	return cbor_isa_bytestring(i) && cbor_bytestring_is_definite(i);
}

static bool text_is(cbor_item_t *i, const char *s)
{
	return cbor_isa_string(i) && cbor_string_is_definite(i) &&
	       cbor_string_length(i) == strlen(s) &&
	       !memcmp(cbor_string_handle(i), s, strlen(s));
}

static bool bytes_eq(cbor_item_t *i, const void *p, size_t n)
{
	return is_bstr(i) && cbor_bytestring_length(i) == n &&
	       (!n || !memcmp(cbor_bytestring_handle(i), p, n));
}

/* Optional field: null when absent, else the exact bytes. */
static bool opt_eq(cbor_item_t *i, const struct nsm_bytes *b)
{
	if (!b->present)
		return cbor_is_null(i);
	return bytes_eq(i, b->ptr, b->len);
}

static const char *const payload_keys[9] = {
	"module_id", "digest", "timestamp", "pcrs", "certificate",
	"cabundle", "public_key", "user_data", "nonce",
};

/*
 * Decode and check the exact shape of real hardware's documents; fills @d.
 * Returns false with d->why set on the first difference.
 */
static bool doc_parse(struct doc *d, const u8 *buf, size_t len, bool tagged,
		      bool indefinite)
{
	struct cbor_load_result res;
	cbor_item_t *item, **a;
	struct cbor_pair *m;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->len = len;
	/*
	 * libcbor before 0.11 rejects one-byte tags 6..20, COSE_Sign1's 18
	 * among them (PJK/libcbor issue 307), so the tag is checked by hand.
	 */
	if (tagged) {
		if (len < 1 || buf[0] != 0xd2)
			return d->why = "no tag 18 (d2)", false;
		buf++;
		len--;
	}
	item = cbor_load(buf, len, &res);
	if (!item || res.read != len)
		return d->why = "not one CBOR item", item ? cbor_decref(&item) : (void)0, false;
	d->top = item;
	if (!cbor_isa_array(item) || !cbor_array_is_definite(item) ||
	    cbor_array_size(item) != 4)
		return d->why = "not a definite 4-array", false;
	a = cbor_array_handle(item);
	if (!bytes_eq(a[0], "\xa1\x01\x38\x22", 4))
		return d->why = "protected header is not a1013822", false;
	if (!cbor_isa_map(a[1]) || cbor_map_size(a[1]) != 0)
		return d->why = "unprotected header is not an empty map", false;
	if (!is_bstr(a[2]) || !is_bstr(a[3]) || cbor_bytestring_length(a[3]) != 96)
		return d->why = "payload or 96-byte signature missing", false;
	d->payload = cbor_load(cbor_bytestring_handle(a[2]),
			       cbor_bytestring_length(a[2]), &res);
	if (!d->payload || res.read != cbor_bytestring_length(a[2]))
		return d->why = "payload is not one CBOR item", false;
	if (!cbor_isa_map(d->payload) || cbor_map_size(d->payload) != 9)
		return d->why = "payload is not a 9-entry map", false;
	if (cbor_map_is_indefinite(d->payload) != indefinite)
		return d->why = "payload map (in)definiteness", false;
	if (indefinite != (cbor_bytestring_handle(a[2])[0] == 0xbf))
		return d->why = "payload map head byte", false;
	m = cbor_map_handle(d->payload);
	for (i = 0; i < 9; i++)
		if (!text_is(m[i].key, payload_keys[i]))
			return d->why = "payload keys not in hardware order", false;
	if (!cbor_isa_string(m[0].value) || !cbor_string_length(m[0].value))
		return d->why = "module_id", false;
	if (!text_is(m[1].value, "SHA384"))
		return d->why = "digest", false;
	if (!cbor_isa_uint(m[2].value))
		return d->why = "timestamp is not a uint", false;
	d->timestamp = cbor_get_int(m[2].value);
	if (!cbor_isa_map(m[3].value) || !cbor_map_is_definite(m[3].value))
		return d->why = "pcrs is not a definite map", false;
	if (!is_bstr(m[4].value))
		return d->why = "certificate", false;
	if (!cbor_isa_array(m[5].value) || !cbor_array_is_definite(m[5].value) ||
	    !cbor_array_size(m[5].value))
		return d->why = "cabundle", false;
	for (i = 6; i < 9; i++)
		if (!is_bstr(m[i].value) && !cbor_is_null(m[i].value))
			return d->why = "optional field neither bstr nor null", false;
	d->leaf = x509_from(m[4].value);
	d->cab = sk_X509_new_null();
	for (i = 0; i < cbor_array_size(m[5].value); i++) {
		cbor_item_t *c = cbor_array_handle(m[5].value)[i];
		X509 *x = is_bstr(c) ? x509_from(c) : NULL;

		if (!x)
			return d->why = "cabundle entry is not a certificate", false;
		sk_X509_push(d->cab, x);
	}
	if (!d->leaf)
		return d->why = "certificate is not X.509", false;
	return true;
}

static cbor_item_t *pay(struct doc *d, unsigned int i)
{
	return cbor_map_handle(d->payload)[i].value;
}

/* COSE signature over a Sig_structure rebuilt by libcbor. */
static bool doc_sig_ok(struct doc *d)
{
	cbor_item_t **a = cbor_array_handle(d->top);
	cbor_item_t *ss = cbor_new_definite_array(4);
	unsigned char *buf = NULL, *der = NULL;
	size_t buf_size, n;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	const u8 *rs = cbor_bytestring_handle(a[3]);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool good = false;
	int der_len;

	cbor_array_push(ss, cbor_move(cbor_build_string("Signature1")));
	cbor_array_push(ss, a[0]);
	cbor_array_push(ss, cbor_move(cbor_build_bytestring(NULL, 0)));
	cbor_array_push(ss, a[2]);
	n = cbor_serialize_alloc(ss, &buf, &buf_size);
	ECDSA_SIG_set0(sig, BN_bin2bn(rs, 48, NULL), BN_bin2bn(rs + 48, 48, NULL));
	der_len = i2d_ECDSA_SIG(sig, &der);
	if (n && der_len > 0 &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL,
				 X509_get0_pubkey(d->leaf)) == 1 &&
	    EVP_DigestVerify(ctx, der, der_len, buf, n) == 1)
		good = true;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	free(buf);
	cbor_decref(&ss);
	return good;
}

/* X509_verify_cert, strict, trusting @root only, at @at seconds. */
static int chain_verify(X509 *leaf, STACK_OF(X509) *cab, X509 *root, time_t at)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int i, err;

	for (i = 1; i < sk_X509_num(cab); i++)
		sk_X509_push(untrusted, sk_X509_value(cab, i));
	X509_STORE_add_cert(store, root);
	X509_STORE_CTX_init(ctx, store, leaf, untrusted);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	X509_STORE_CTX_set_time(ctx, 0, at);
	err = X509_verify_cert(ctx) == 1 ? X509_V_OK :
		X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	return err;
}

static X509 *pki_root(struct nsm_pki *pki)
{
	const u8 *der;
	size_t len;

	if (nsm_pki_cert(pki, 0, &der, &len))
		return NULL;
	return d2i_X509(NULL, &der, len);
}

static int doc_chain(struct doc *d, X509 *root)
{
	return chain_verify(d->leaf, d->cab, root, d->timestamp / 1000);
}

/* ---- the emulator under test ------------------------------------------ */

static struct nsm_emu emu;

static int attest(struct nsm_request *req, size_t *len)
{
	return nsm_attest_document(&emu, req, docbuf, sizeof(docbuf), len);
}

/* One document with @req, fully checked: shape, signature, chain. */
static bool good_doc(struct nsm_request *req, X509 *root, struct doc *d,
		     bool tagged, bool indefinite)
{
	size_t len;
	int err;

	if (attest(req, &len)) {
		d->why = "nsm_attest_document failed";
		return false;
	}
	if (!doc_parse(d, docbuf, len, tagged, indefinite))
		return false;
	if (!doc_sig_ok(d))
		return d->why = "COSE signature", false;
	err = doc_chain(d, root);
	if (err != X509_V_OK) {
		tap_diag("chain: %s", X509_verify_cert_error_string(err));
		return d->why = "chain", false;
	}
	return true;
}

static void set_switch(bool tagged, bool indefinite, s64 offset, u32 life)
{
	struct nsm_pki_settings s;

	nsm_pki_get_settings(emu.pki, &s);
	s.tagged = tagged;
	s.indefinite = indefinite;
	s.clock_offset_ms = offset;
	s.leaf_lifetime_s = life;
	if (nsm_pki_set_settings(emu.pki, &s))
		abort();
}

/* ---- tests -------------------------------------------------------------- */

static void test_der(void)
{
	static const struct { u64 t; const char *s; u8 tag; } tv[] = {
		{ 0, "700101000000Z", DER_UTC_TIME },
		{ 2524607999ULL, "491231235959Z", DER_UTC_TIME },
		{ 2524608000ULL, "20500101000000Z", DER_GENERALIZED_TIME },
		{ 951782400ULL, "000229000000Z", DER_UTC_TIME },
		{ 4107542400ULL, "21000301000000Z", DER_GENERALIZED_TIME },
	};
	u8 buf[32], big[300];
	struct der_w w;
	struct der_r r;
	struct der_tlv t;
	bool good = true;
	size_t i, n;
	u64 back;

	for (i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
		der_w_init(&w, buf, sizeof(buf));
		der_time(&w, tv[i].t);
		n = der_w_done(&w);
		r.p = buf;
		r.len = n;
		if (!n || buf[0] != tv[i].tag || buf[1] != strlen(tv[i].s) ||
		    memcmp(buf + 2, tv[i].s, buf[1]) || der_next(&r, &t) ||
		    der_parse_time(&t, &back) || back != tv[i].t) {
			tap_diag("time %" PRIu64 ": %.*s", tv[i].t, (int)n, buf);
			good = false;
		}
	}
	tap_ok(good, "DER times: UTCTime through 2049, GeneralizedTime from 2050, round trip");

	/* a nested value whose length needs a second byte */
	der_w_init(&w, big, sizeof(big));
	der_begin(&w, DER_SEQUENCE);
	der_begin(&w, DER_OCTET_STRING);
	memset(buf, 0xab, sizeof(buf));
	for (i = 0; i < 200 / 20; i++)
		der_raw(&w, buf, 20);
	der_end(&w);
	der_tlv(&w, DER_NULL, NULL, 0);
	der_end(&w);
	n = der_w_done(&w);
	tap_ok(n == 3 + 3 + 200 + 2 && big[0] == 0x30 && big[1] == 0x81 &&
	       big[2] == 205 && big[3] == 0x04 && big[4] == 0x81 &&
	       big[5] == 200 && big[6] == 0xab && big[206] == 0x05 && big[207] == 0,
	       "DER writer grows length fields of nested values");
	der_w_init(&w, big, 10);
	der_begin(&w, DER_SEQUENCE);
	der_raw(&w, big, 20);
	der_end(&w);
	tap_ok(der_w_done(&w) == 0, "DER writer reports overflow instead of writing past the end");

	r.p = (const u8 *)"\x30\x81\x05\x00";
	r.len = 4;
	tap_ok(der_next(&r, &t) == -1, "DER reader rejects non-minimal lengths");
	r.p = (const u8 *)"\x04\x05\x00";
	r.len = 3;
	tap_ok(der_next(&r, &t) == -1, "DER reader rejects a length past the end");
}

static void test_chain_shape(X509 *root)
{
	static const struct { int pathlen; unsigned long ku; } want[] = {
		{ -1, KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN },
		{ 2, KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN },
		{ 1, KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN },
		{ 0, KU_KEY_CERT_SIGN },
	};
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	bool good = true, names = true;
	struct doc d;
	int i;

	if (!good_doc(&req, root, &d, false, true)) {
		tap_ok(0, "ephemeral chain document: %s", d.why);
		doc_free(&d);
		return;
	}
	for (i = 0; i < 4; i++) {
		X509 *x = sk_X509_value(d.cab, i);
		char buf[256];
		int crit = -1;
		BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints,
							 &crit, NULL);

		if (!bc || !bc->ca || crit != 1 ||
		    X509_get_pathlen(x) != want[i].pathlen ||
		    X509_get_key_usage(x) != want[i].ku ||
		    X509_get_signature_nid(x) != NID_ecdsa_with_SHA384 ||
		    X509_get_version(x) != 2 || !X509_get0_subject_key_id(x) ||
		    (i && !X509_get0_authority_key_id(x)))
			good = false;
		BASIC_CONSTRAINTS_free(bc);
		X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof(buf));
		if (!strstr(buf, "O=nsm-emu (NOT AWS)") || strstr(buf, "aws") ||
		    strstr(buf, "Amazon"))
			names = false;
		tap_diag("cabundle[%d]: %s", i, buf);
	}
	tap_ok(good, "CA certificates: P-384/ES384 v3, critical CA, pathlen -/2/1/0, AWS key usages, SKI/AKI");
	{
		int crit = -1;
		BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(d.leaf, NID_basic_constraints,
							 &crit, NULL);
		EVP_PKEY *k = X509_get0_pubkey(d.leaf);
		char buf[256];

		X509_NAME_oneline(X509_get_subject_name(d.leaf), buf, sizeof(buf));
		tap_diag("leaf: %s", buf);
		tap_ok(bc && !bc->ca && crit == 1 &&
		       X509_get_key_usage(d.leaf) == (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) &&
		       X509_get_extension_flags(d.leaf) & EXFLAG_KUSAGE &&
		       EVP_PKEY_get_bits(k) == 384 &&
		       ASN1_TIME_cmp_time_t(X509_get0_notAfter(d.leaf),
					    now_ms / 1000 + 3 * 3600) == 0 &&
		       ASN1_TIME_cmp_time_t(X509_get0_notBefore(d.leaf), now_ms / 1000) == 0,
		       "leaf: critical CA:FALSE, DS+NonRepudiation, P-384, valid now .. now+3h");
		BASIC_CONSTRAINTS_free(bc);
		if (!strstr(buf, "O=nsm-emu (NOT AWS)") || !strstr(buf, ".nsm-emu.invalid"))
			names = false;
	}
	tap_ok(names, "every subject says O=nsm-emu (NOT AWS) and nothing says AWS");
	tap_ok(!X509_cmp(sk_X509_value(d.cab, 0), root), "cabundle[0] is the PKI root");
	{
		ASN1_INTEGER *sn = X509_get_serialNumber(d.leaf);
		BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);

		tap_ok(bn && !BN_is_negative(bn) && !BN_is_zero(bn) &&
		       BN_num_bytes(bn) == 16, "leaf serial is positive, 16 random bytes");
		BN_free(bn);
	}
	doc_free(&d);
}

static void test_documents(X509 *root)
{
	static u8 big[3][1024];
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	struct doc d;
	bool good;
	size_t i;
	cbor_item_t *pcrs;
	struct cbor_pair *p;

	good = good_doc(&req, root, &d, false, true);
	tap_ok(good, "document without optional fields: shape, COSE signature, strict chain at its time%s%s",
	       good ? "" : ": ", good ? "" : d.why);
	if (good) {
		tap_diag("document without optional fields: %zu bytes", d.len);
		tap_ok(docbuf[0] == 0x84 && docbuf[1] == 0x44 && docbuf[6] == 0xa0 &&
		       d.len < 5000, "untagged (0x84), protected a1013822, unprotected a0");
		tap_ok(cbor_is_null(pay(&d, 6)) && cbor_is_null(pay(&d, 7)) &&
		       cbor_is_null(pay(&d, 8)), "absent public_key, user_data, nonce are null");
		tap_ok(d.timestamp == now_ms, "timestamp is the platform time in ms");
		tap_ok(text_is(pay(&d, 0), emu.module_id), "module_id echoed");
		pcrs = pay(&d, 3);
		p = cbor_map_handle(pcrs);
		good = cbor_map_size(pcrs) == 16;
		for (i = 0; good && i < 16; i++)
			good = cbor_isa_uint(p[i].key) && cbor_get_int(p[i].key) == i &&
			       bytes_eq(p[i].value, emu.pcr[i], 48);
		tap_ok(good, "pcrs: the 16 locked PCRs, in order, equal the bank");
		{
			const u8 *der;
			size_t len;

			good = true;
			for (i = 0; i < 4; i++) {
				nsm_pki_cert(emu.pki, i, &der, &len);
				good = good && bytes_eq(cbor_array_handle(pay(&d, 5))[i],
							der, len);
			}
			tap_ok(good && cbor_array_size(pay(&d, 5)) == 4,
			       "cabundle: root, regional, zonal, instance, byte-exact");
		}
	}
	doc_free(&d);

	for (i = 0; i < 1024; i++) {
		big[0][i] = i;
		big[1][i] = ~i;
		big[2][i] = i * 7;
	}
	req.public_key = (struct nsm_bytes){ big[0], 1024, true };
	req.user_data = (struct nsm_bytes){ big[1], 1024, true };
	req.nonce = (struct nsm_bytes){ big[2], 1024, true };
	emu.locked = 0xffffffff;
	memset(emu.module_id, 'm', NSM_MODULE_ID_MAX);
	emu.module_id[NSM_MODULE_ID_MAX] = 0;
	good = good_doc(&req, root, &d, false, true);
	tap_ok(good && opt_eq(pay(&d, 6), &req.public_key) &&
	       opt_eq(pay(&d, 7), &req.user_data) && opt_eq(pay(&d, 8), &req.nonce) &&
	       cbor_map_size(pay(&d, 3)) == 32,
	       "1024-byte public_key, user_data and nonce at once, 32 locked PCRs, 127-byte module_id: echoed, verifies");
	tap_diag("largest document: %zu bytes (limit %d)", d.len, NSM_ATTEST_DOC_MAX);
	doc_free(&d);
	emu.locked = 0xffff;
	strcpy(emu.module_id, "i-0123456789abcdef0-enc0123456789abcdef");

	req.public_key = (struct nsm_bytes){ big[0], 0, true };
	req.user_data = (struct nsm_bytes){ NULL, 0, false };
	req.nonce = (struct nsm_bytes){ big[2], 5, true };
	good = good_doc(&req, root, &d, false, true);
	tap_ok(good && opt_eq(pay(&d, 6), &req.public_key) &&
	       cbor_bytestring_length(pay(&d, 6)) == 0 && cbor_is_null(pay(&d, 7)) &&
	       opt_eq(pay(&d, 8), &req.nonce),
	       "empty public_key stays an empty bstr, absent user_data null, nonce echoed");
	doc_free(&d);

	/* PCRs locked beyond the boot set, not contiguous: 0..15, 17, 31 */
	emu.locked = 0x8002ffff;
	good = good_doc(&req, root, &d, false, true);
	if (good) {
		static const unsigned int want[] = { 15, 17, 31 };

		pcrs = pay(&d, 3);
		p = cbor_map_handle(pcrs);
		good = cbor_map_size(pcrs) == 18;
		for (i = 0; good && i < 3; i++)
			good = cbor_get_int(p[15 + i].key) == want[i] &&
			       bytes_eq(p[15 + i].value, emu.pcr[want[i]], 48);
	}
	tap_ok(good, "pcrs lists exactly the locked PCRs (0..15, 17, 31), ascending");
	doc_free(&d);
	emu.locked = 0xffff;

	set_switch(true, false, 0, NSM_PKI_LEAF_LIFETIME);
	good = good_doc(&req, root, &d, true, false);
	tap_ok(good && docbuf[0] == 0xd2 && docbuf[1] == 0x84,
	       "tagged switch: d2 84 ..., tag 18, verifies%s%s",
	       good ? "" : ": ", good ? "" : d.why);
	doc_free(&d);
	set_switch(false, true, 0, NSM_PKI_LEAF_LIFETIME);
	good = good_doc(&req, root, &d, false, true);
	tap_ok(good, "indefinite switch: payload map bf ... ff, same keys, verifies");
	doc_free(&d);
	set_switch(true, true, 0, NSM_PKI_LEAF_LIFETIME);
	good = good_doc(&req, root, &d, true, true);
	tap_ok(good, "tagged and indefinite together verify");
	doc_free(&d);
	set_switch(false, false, 0, NSM_PKI_LEAF_LIFETIME);

	emu.debug = true;
	good = good_doc(&req, root, &d, false, false);
	if (good) {
		static const u8 zero[48];

		p = cbor_map_handle(pay(&d, 3));
		good = bytes_eq(p[0].value, zero, 48) && bytes_eq(p[1].value, zero, 48) &&
		       bytes_eq(p[2].value, zero, 48) &&
		       bytes_eq(p[3].value, emu.pcr[3], 48) &&
		       bytes_eq(p[4].value, emu.pcr[4], 48) &&
		       memcmp(emu.pcr[0], zero, 48);
	}
	tap_ok(good, "debug mode: PCR0-2 zero in the document, PCR3/4 unchanged, bank untouched");
	doc_free(&d);
	emu.debug = false;
}

static void test_clock(X509 *root)
{
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	size_t len;
	struct doc d;
	int err;

	/* a fresh leaf now, then a document 4 h ahead of it */
	set_switch(false, false, 4LL * 3600 * 1000, NSM_PKI_LEAF_LIFETIME);
	if (attest(&req, &len) || !doc_parse(&d, docbuf, len, false, false)) {
		tap_ok(0, "clock offset +4h document");
		return;
	}
	err = doc_chain(&d, root);
	tap_ok(d.timestamp == now_ms + 4ULL * 3600 * 1000 && doc_sig_ok(&d) &&
	       err == X509_V_ERR_CERT_HAS_EXPIRED,
	       "clock offset +4h: timestamp moved, leaf expired at the document time (%s)",
	       X509_verify_cert_error_string(err));
	tap_ok(chain_verify(d.leaf, d.cab, root, now_ms / 1000) == X509_V_OK,
	       "... and the same chain verifies at the real time");
	doc_free(&d);

	set_switch(false, false, -3600LL * 1000, NSM_PKI_LEAF_LIFETIME);
	if (attest(&req, &len) || !doc_parse(&d, docbuf, len, false, false)) {
		tap_ok(0, "clock offset -1h document");
		return;
	}
	err = doc_chain(&d, root);
	tap_ok(d.timestamp == now_ms - 3600ULL * 1000 &&
	       err == X509_V_ERR_CERT_NOT_YET_VALID,
	       "clock offset -1h: leaf not yet valid at the document time (%s)",
	       X509_verify_cert_error_string(err));
	doc_free(&d);
	set_switch(false, false, 0, NSM_PKI_LEAF_LIFETIME);

	{
		struct nsm_pki_settings s, before;

		nsm_pki_get_settings(emu.pki, &before);
		s = before;
		s.leaf_lifetime_s = 0;
		err = nsm_pki_set_settings(emu.pki, &s);
		s = before;
		s.clock_offset_ms = NSM_PKI_OFFSET_MAX + 1;
		err = err && nsm_pki_set_settings(emu.pki, &s);
		nsm_pki_get_settings(emu.pki, &s);
		tap_ok(err && !memcmp(&s, &before, sizeof(s)),
		       "out-of-range lifetime or offset rejected, settings unchanged");
	}
}

static void test_rotation(X509 *root)
{
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	struct nsm_pki_status st0, st1;
	u64 t0 = now_ms;
	struct doc a, b, c;
	bool ga, gb, gc;

	set_switch(false, false, 0, 60);
	nsm_pki_get_status(emu.pki, &st0);
	ga = good_doc(&req, root, &a, false, false);
	set_time_ms(t0 + 30 * 1000);
	gb = good_doc(&req, root, &b, false, false);
	set_time_ms(t0 + 61 * 1000);
	gc = good_doc(&req, root, &c, false, false);
	nsm_pki_get_status(emu.pki, &st1);
	tap_ok(ga && gb && gc, "60 s leaves: documents at +0, +30, +61 s all verify at their time");
	tap_ok(ga && gb && !X509_cmp(a.leaf, b.leaf), "one leaf signs many documents within its life");
	tap_ok(gb && gc && X509_cmp(b.leaf, c.leaf) &&
	       EVP_PKEY_eq(X509_get0_pubkey(b.leaf), X509_get0_pubkey(c.leaf)) != 1 &&
	       st1.leaves_issued == st0.leaves_issued + 2,
	       "expired leaf replaced transparently, with a fresh key");
	if (gc)
		tap_ok(ASN1_TIME_cmp_time_t(X509_get0_notAfter(c.leaf), (t0 / 1000) + 61 + 60) == 0,
		       "new leaf lives the configured 60 s");
	else
		tap_ok(0, "new leaf lives the configured 60 s");
	doc_free(&a);
	doc_free(&b);
	doc_free(&c);
	set_time_ms(t0);
	ga = good_doc(&req, root, &a, false, false);
	tap_ok(ga, "clock stepping back before the leaf's start gets a new valid leaf");
	doc_free(&a);
	set_switch(false, false, 0, NSM_PKI_LEAF_LIFETIME);
}

/* ---- provisioning, with a PKI made by OpenSSL ------------------------- */

static EVP_PKEY *ec_key(void)
{
	return EVP_EC_gen("P-384");
}

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *val)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, val);

	if (!e || !X509_add_ext(x, e, -1))
		abort();
	X509_EXTENSION_free(e);
}

static X509 *ossl_cert(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer,
		       const char *cn, const char *bc, const char *ku,
		       time_t from, time_t to)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX ctx;

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), rand() + 1);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
				   (const u8 *)"nsm-emu provisioning test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const u8 *)cn,
				   -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(x), from);
	ASN1_TIME_set(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	add_ext(x, &ctx, NID_basic_constraints, bc);
	add_ext(x, &ctx, NID_key_usage, ku);
	add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	if (!X509_sign(x, signer, EVP_sha384()))
		abort();
	return x;
}

struct ossl_pki {
	EVP_PKEY *key[4];
	X509 *cert[4];
	u8 chain[4096];
	size_t chain_len;
	u8 off[5];
	size_t pos[5];
	u8 raw[48], sec1[256], pkcs8[256];
	size_t sec1_len, pkcs8_len;
};

static void ossl_pki_make(struct ossl_pki *o, time_t now)
{
	static const char *const bc[4] = {
		"critical,CA:TRUE", "critical,CA:TRUE,pathlen:2",
		"critical,CA:TRUE,pathlen:1", "critical,CA:TRUE,pathlen:0",
	};
	static const char *const cn[4] = {
		"provisioning test root", "regional", "zonal", "instance",
	};
	unsigned char *p;
	BIGNUM *d = NULL;
	PKCS8_PRIV_KEY_INFO *p8;
	int i, n;

	o->chain_len = 0;
	for (i = 0; i < 4; i++) {
		o->key[i] = ec_key();
		o->cert[i] = ossl_cert(o->key[i], o->key[i ? i - 1 : 0],
				       i ? o->cert[i - 1] : NULL, cn[i], bc[i],
				       i == 3 ? "critical,keyCertSign" :
				       "critical,digitalSignature,keyCertSign,cRLSign",
				       now - 86400, now + 30 * 86400);
		o->pos[i] = o->chain_len;
		p = o->chain + o->chain_len;
		n = i2d_X509(o->cert[i], &p);
		o->chain_len += n;
	}
	o->pos[4] = o->chain_len;
	EVP_PKEY_get_bn_param(o->key[3], OSSL_PKEY_PARAM_PRIV_KEY, &d);
	BN_bn2binpad(d, o->raw, 48);
	BN_clear_free(d);
	p = o->sec1;
	o->sec1_len = i2d_PrivateKey(o->key[3], &p);
	p8 = EVP_PKEY2PKCS8(o->key[3]);
	p = o->pkcs8;
	o->pkcs8_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
	PKCS8_PRIV_KEY_INFO_free(p8);
}

static void ossl_pki_free(struct ossl_pki *o)
{
	int i;

	for (i = 0; i < 4; i++) {
		EVP_PKEY_free(o->key[i]);
		X509_free(o->cert[i]);
	}
}

/* The current state's fingerprint: root and leaf certificates. */
struct snap {
	u8 root[NSM_CERT_MAX];
	size_t root_len;
	u8 leaf[NSM_CERT_MAX];
	size_t leaf_len;
	struct nsm_pki_status st;
};

static void snap_take(struct snap *s)
{
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	const u8 *der;
	struct doc d;
	size_t len;

	memset(s, 0, sizeof(*s));
	nsm_pki_cert(emu.pki, 0, &der, &s->root_len);
	memcpy(s->root, der, s->root_len);
	if (!attest(&req, &len) && doc_parse(&d, docbuf, len, false, false)) {
		cbor_item_t *c = pay(&d, 4);

		s->leaf_len = cbor_bytestring_length(c);
		memcpy(s->leaf, cbor_bytestring_handle(c), s->leaf_len);
	}
	doc_free(&d);
	nsm_pki_get_status(emu.pki, &s->st);
}

static void test_provision(void)
{
	static struct ossl_pki o, other;
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	static u8 bad[4096], big_key[96];
	struct snap before, after;
	time_t now = now_ms / 1000;
	struct doc d;
	size_t n;
	int ret;
	bool good;
	struct {
		const char *what;
		const u8 *key;
		size_t key_len;
		const u8 *chain;
		size_t chain_len;
		int want;
	} bad_cases[16];
	unsigned int nb = 0, i;

	ossl_pki_make(&o, now);
	ossl_pki_make(&other, now);
	snap_take(&before);

	/* bad keys */
	memset(big_key + 48, 0xff, 48);
	bad_cases[nb++] = (typeof(bad_cases[0])){ "zero key", big_key, 48, o.chain, o.chain_len, -NSM_PKI_EKEY };
	bad_cases[nb++] = (typeof(bad_cases[0])){ "key >= n", big_key + 48, 48, o.chain, o.chain_len, -NSM_PKI_EKEY };
	bad_cases[nb++] = (typeof(bad_cases[0])){ "truncated SEC1 key", o.sec1, o.sec1_len - 1, o.chain, o.chain_len, -NSM_PKI_EKEY };
	bad_cases[nb++] = (typeof(bad_cases[0])){ "empty key", o.raw, 0, o.chain, o.chain_len, -NSM_PKI_EKEY };
	/* a key that is not the instance's */
	bad_cases[nb++] = (typeof(bad_cases[0])){ "another PKI's instance key", other.raw, 48, o.chain, o.chain_len, -NSM_PKI_EKEYMISMATCH };
	bad_cases[nb++] = (typeof(bad_cases[0])){ "the root's key", o.raw, 48, o.chain, o.pos[1], -NSM_PKI_EKEYMISMATCH };
	/* broken chains */
	bad_cases[nb++] = (typeof(bad_cases[0])){ "empty chain", o.raw, 48, o.chain, 0, -NSM_PKI_ECHAIN };
	bad_cases[nb++] = (typeof(bad_cases[0])){ "truncated chain", o.raw, 48, o.chain, o.chain_len - 1, -NSM_PKI_ECERT };
	/* zonal left out: instance's issuer is not regional's subject */
	n = o.pos[2];
	memcpy(bad, o.chain, n);
	memcpy(bad + n, o.chain + o.pos[3], o.pos[4] - o.pos[3]);
	bad_cases[nb++] = (typeof(bad_cases[0])){ "zonal CA missing", o.raw, 48, bad, n + o.pos[4] - o.pos[3], -NSM_PKI_ECHAIN };
	/* another PKI's root under our intermediates: names differ only by
	 * key, so the regional CA's authority key id no longer names its
	 * issuer's subject key id (without key ids, the signature check
	 * would catch it: "zonal signature corrupted" tests that check) */
	{
		static u8 mixed[4096];
		size_t rl = other.pos[1];

		memcpy(mixed, other.chain, rl);
		memcpy(mixed + rl, o.chain + o.pos[1], o.chain_len - o.pos[1]);
		bad_cases[nb++] = (typeof(bad_cases[0])){ "foreign root with the same name", o.raw, 48, mixed, rl + o.chain_len - o.pos[1], -NSM_PKI_ECHAIN };
	}
	{
		static u8 flipped[4096];

		memcpy(flipped, o.chain, o.chain_len);
		flipped[o.pos[3] - 10] ^= 1;	/* inside zonal's signature */
		bad_cases[nb++] = (typeof(bad_cases[0])){ "zonal signature corrupted", o.raw, 48, flipped, o.chain_len, -NSM_PKI_ESIG };
	}

	for (i = 0; i < nb; i++) {
		ret = nsm_pki_provision(emu.pki, bad_cases[i].key, bad_cases[i].key_len,
					bad_cases[i].chain, bad_cases[i].chain_len,
					now);
		snap_take(&after);
		tap_ok(ret == bad_cases[i].want && after.root_len == before.root_len &&
		       !memcmp(after.root, before.root, before.root_len) &&
		       after.leaf_len == before.leaf_len &&
		       !memcmp(after.leaf, before.leaf, before.leaf_len) &&
		       after.st.provisioned == before.st.provisioned,
		       "provision rejects %s (%s), previous chain and leaf stay",
		       bad_cases[i].what, nsm_pki_strerror(ret));
	}

	/* a chain whose CA is not a CA, and one that expired */
	{
		static struct ossl_pki e;
		EVP_PKEY *k = ec_key();
		X509 *leafish = ossl_cert(k, o.key[2], o.cert[2], "not a CA",
					  "critical,CA:FALSE", "critical,digitalSignature",
					  now - 60, now + 86400);
		{
			BIGNUM *bn = NULL;
			unsigned char *p = bad + o.pos[3];
			u8 raw[48];

			EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &bn);
			BN_bn2binpad(bn, raw, 48);
			BN_clear_free(bn);
			memcpy(bad, o.chain, o.pos[3]);
			n = o.pos[3] + i2d_X509(leafish, &p);
			ret = nsm_pki_provision(emu.pki, raw, 48, bad, n, now);
			snap_take(&after);
			tap_ok(ret == -NSM_PKI_ENOTCA && !memcmp(after.root, before.root, before.root_len),
			       "provision rejects an end-entity certificate as instance CA (%s)",
			       nsm_pki_strerror(ret));
		}
		X509_free(leafish);
		EVP_PKEY_free(k);

		ossl_pki_make(&e, now - 40 * 86400);
		ret = nsm_pki_provision(emu.pki, e.raw, 48, e.chain, e.chain_len, now);
		snap_take(&after);
		tap_ok(ret == -NSM_PKI_EEXPIRED && !memcmp(after.root, before.root, before.root_len),
		       "provision rejects an expired chain (%s)", nsm_pki_strerror(ret));
		ossl_pki_free(&e);
	}

	/* random key blobs of every length up to 200 bytes never pass */
	{
		static u8 junk[200];
		unsigned int accepted = 0, k;

		for (k = 0; k < 2000; k++) {
			size_t len = k % sizeof(junk);

			nsm_plat_random(junk, len);
			if (k & 1)	/* DER-looking: SEQUENCE, length */
				junk[0] = 0x30, junk[1] = len > 2 ? len - 2 : 0;
			if (!nsm_pki_provision(emu.pki, junk, len, o.chain,
					       o.chain_len, now))
				accepted++;
		}
		snap_take(&after);
		tap_ok(!accepted && !memcmp(after.root, before.root, before.root_len),
		       "2000 random key blobs (0..199 bytes) all refused, state unchanged");
	}

	/* every byte of the chain corrupted (one bit each) is refused */
	{
		static u8 flipped[4096];
		unsigned int accepted = 0, changed = 0;
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < o.chain_len; i++) {
			memcpy(flipped, o.chain, o.chain_len);
			flipped[i] ^= 1 << (i % 8);
			if (!nsm_pki_provision(emu.pki, o.raw, 48, flipped,
					       o.chain_len, now))
				accepted++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		snap_take(&after);
		changed = memcmp(after.root, before.root, before.root_len) ||
			  memcmp(after.leaf, before.leaf, before.leaf_len);
		tap_ok(!accepted && !changed,
		       "all %zu one-bit corruptions of the chain refused (%u accepted), state unchanged",
		       o.chain_len, accepted);
		tap_diag("%.1f ms per refused provisioning (sanitizer build)",
			 ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) /
			 o.chain_len);
	}

	/* good: raw, SEC1 and PKCS #8 keys */
	ret = nsm_pki_provision(emu.pki, o.sec1, o.sec1_len, o.chain, o.chain_len, now);
	tap_ok(ret == 0, "provision accepts a SEC 1 ECPrivateKey (%s)", nsm_pki_strerror(ret));
	ret = nsm_pki_provision(emu.pki, o.pkcs8, o.pkcs8_len, o.chain, o.chain_len, now);
	tap_ok(ret == 0, "provision accepts a PKCS #8 key (%s)", nsm_pki_strerror(ret));
	ret = nsm_pki_provision(emu.pki, o.raw, 48, o.chain, o.chain_len, now);
	tap_ok(ret == 0, "provision accepts a raw 48-byte key (%s)", nsm_pki_strerror(ret));
	good = !ret && good_doc(&req, o.cert[0], &d, false, false);
	tap_ok(good, "documents after provisioning verify (strict) to the provisioned root%s%s",
	       good ? "" : ": ", good ? "" : d.why);
	if (good) {
		cbor_item_t **cab = cbor_array_handle(pay(&d, 5));

		good = cbor_array_size(pay(&d, 5)) == 4;
		for (i = 0; good && i < 4; i++)
			good = bytes_eq(cab[i], o.chain + o.pos[i], o.pos[i + 1] - o.pos[i]);
		tap_ok(good, "cabundle is the provisioned chain, byte-exact");
		tap_ok(chain_verify(d.leaf, d.cab, other.cert[0], d.timestamp / 1000) != X509_V_OK,
		       "... and does not verify to another root");
		{
			struct nsm_pki_status st;

			nsm_pki_get_status(emu.pki, &st);
			tap_ok(st.provisioned && st.chain_len == 4, "status reports a provisioned 4-certificate chain");
		}
	} else {
		tap_ok(0, "cabundle is the provisioned chain, byte-exact");
		tap_ok(0, "... and does not verify to another root");
		tap_ok(0, "status reports a provisioned chain");
	}
	doc_free(&d);

	/* a 2-certificate chain (root + instance) is accepted too */
	{
		static struct ossl_pki s;
		EVP_PKEY *k = ec_key();
		X509 *inst;
		unsigned char *p;
		BIGNUM *bn = NULL;
		u8 raw[48];

		ossl_pki_make(&s, now);
		inst = ossl_cert(k, s.key[0], s.cert[0], "instance", "critical,CA:TRUE,pathlen:0",
				 "critical,keyCertSign", now - 60, now + 86400);
		memcpy(bad, s.chain, s.pos[1]);
		p = bad + s.pos[1];
		n = s.pos[1] + i2d_X509(inst, &p);
		EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &bn);
		BN_bn2binpad(bn, raw, 48);
		BN_clear_free(bn);
		ret = nsm_pki_provision(emu.pki, raw, 48, bad, n, now);
		good = !ret && good_doc(&req, s.cert[0], &d, false, false) &&
		       cbor_array_size(pay(&d, 5)) == 2;
		tap_ok(good, "a root + instance chain provisions and its documents verify");
		doc_free(&d);
		X509_free(inst);
		EVP_PKEY_free(k);
		ossl_pki_free(&s);
	}
	ossl_pki_free(&o);
	ossl_pki_free(&other);
}

static void test_pem(X509 *root)
{
	char pem[NSM_PKI_PEM_MAX];
	BIO *b;
	X509 *x;
	int n;

	n = nsm_pki_root_pem(emu.pki, pem, sizeof(pem));
	b = BIO_new_mem_buf(pem, n > 0 ? n : 0);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	tap_ok(n > 0 && x && !X509_cmp(x, root) && pem[n - 1] == '\n',
	       "root PEM export parses back to the root certificate");
	X509_free(x);
	BIO_free(b);
	tap_ok(nsm_pki_root_pem(emu.pki, pem, 100) == -NSM_PKI_EINVAL,
	       "root PEM export refuses a short buffer");
}

static void test_errors(void)
{
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	struct nsm_pki *pki = emu.pki;
	size_t len = 123;

	emu.pki = NULL;
	tap_ok(attest(&req, &len) == -NSM_INTERNAL_ERROR && len == 0,
	       "no PKI: InternalError");
	emu.pki = pki;
	{
		/* a canary after the 1000 bytes given: it must stay intact */
		size_t i, touched = 0;

		memset(docbuf, 0xa5, sizeof(docbuf));
		tap_ok(nsm_attest_document(&emu, &req, docbuf, 1000, &len) ==
		       -NSM_BUFFER_TOO_SMALL && len == 0,
		       "buffer too small: BufferTooSmall");
		for (i = 1000; i < sizeof(docbuf); i++)
			touched += docbuf[i] != 0xa5;
		tap_ok(touched == 0,
		       "buffer too small: nothing written past it (%zu canary bytes changed)",
		       touched);
	}
	pki = nsm_pki_new();
	tap_ok(pki && nsm_pki_leaf(pki, "x", now_ms,
				   &(const struct nsm_leaf *){ NULL }) ==
		      -NSM_PKI_ENOCHAIN,
	       "a PKI without chain issues no leaf");
	nsm_pki_free(pki);
	{
		struct nsm_pki_status a, b;

		attest(&req, &len);
		nsm_pki_get_status(emu.pki, &a);
		nsm_pki_drop_leaf(emu.pki);
		attest(&req, &len);
		nsm_pki_get_status(emu.pki, &b);
		tap_ok(b.leaves_issued == a.leaves_issued + 1,
		       "nsm_pki_drop_leaf() makes the next document use a new leaf");
	}
}

/* The truncations and bit flips of a certificate the parser must survive. */
static void test_parser(void)
{
	const u8 *der;
	size_t len, i;
	struct nsm_x509_info info;
	u8 *buf;
	bool good = true;
	unsigned int accepted = 0, outside = 0, header = 0;
	size_t hdr;

	nsm_pki_cert(emu.pki, 3, &der, &len);
	good = !nsm_x509_parse(der, len, &info) && info.ca && info.pathlen == 0 &&
	       info.key_usage == X509_KU_KEY_CERT_SIGN && info.skid_len == 20;
	tap_ok(good, "parser reads the instance CA: CA, pathlen 0, keyCertSign, SKI");
	good = true;
	for (i = 0; i < len; i++)
		if (!nsm_x509_parse(der, i, &info))
			good = false;
	tap_ok(good, "parser rejects every truncation of a certificate");
	/*
	 * Each flip in a buffer of exactly the certificate's size, so that
	 * ASan (this test's build) stops a read past its end. A certificate
	 * that still parses must borrow only its own bytes; a flip in the
	 * outer SEQUENCE's tag or length must never parse.
	 */
	buf = malloc(len);
	hdr = (der[1] & 0x80) ? 2 + (der[1] & 0x7f) : 2;
#define INSIDE(p, n) (!(p) || ((p) >= buf && (n) <= len && (p) + (n) <= buf + len))
	for (i = 0; buf && i < len * 8; i++) {
		memcpy(buf, der, len);
		buf[i / 8] ^= 1 << (i % 8);
		memset(&info, 0, sizeof(info));
		if (nsm_x509_parse(buf, len, &info))
			continue;
		accepted++;
		header += i / 8 < hdr;
		outside += !INSIDE(info.tbs, info.tbs_len) ||
			   !INSIDE(info.issuer, info.issuer_len) ||
			   !INSIDE(info.subject, info.subject_len) ||
			   !INSIDE(info.skid, info.skid_len);
	}
#undef INSIDE
	tap_ok(buf && outside == 0 && header == 0 && accepted < len * 8,
	       "parser survives all %zu single-bit flips: no span outside the certificate, "
	       "no header flip accepted (%u still parse, %u outside, %u header)",
	       len * 8, accepted, outside, header);
	free(buf);
}

/* A CBOR Attestation request with three @n-byte fields (n < 65536). */
static size_t attest_request(u8 *buf, size_t n, const u8 *fill)
{
	static const char *const names[3] = { "user_data", "nonce", "public_key" };
	static const u8 head[] = "\xa1\x6b" "Attestation" "\xa3";
	size_t len = sizeof(head) - 1, i;

	memcpy(buf, head, len);
	for (i = 0; i < 3; i++) {
		size_t k = strlen(names[i]);

		buf[len++] = 0x60 | k;
		memcpy(buf + len, names[i], k);
		len += k;
		buf[len++] = 0x59;
		buf[len++] = n >> 8;
		buf[len++] = n & 0xff;
		memcpy(buf + len, fill, n);
		len += n;
	}
	return len;
}

/* Through the protocol core, as /dev/nsm answers it. */
static void test_handle(X509 *root)
{
	static const u8 all_null[] =
		"\xa1\x6b" "Attestation" "\xa3\x69" "user_data" "\xf6\x65" "nonce"
		"\xf6\x6a" "public_key" "\xf6";
	static u8 req[4096], resp[0x3000], fill[1024];
	struct cbor_load_result res;
	cbor_item_t *top;
	struct doc d;
	size_t len, rlen;
	bool good;
	int round;

	for (len = 0; len < sizeof(fill); len++)
		fill[len] = len * 13;
	for (round = 0; round < 2; round++) {
		if (round == 0) {
			memcpy(req, all_null, sizeof(all_null) - 1);
			rlen = sizeof(all_null) - 1;
		} else {
			rlen = attest_request(req, sizeof(fill), fill);
		}
		len = nsm_handle(&emu, req, rlen, resp, sizeof(resp));
		top = cbor_load(resp, len, &res);
		good = top && res.read == len && cbor_isa_map(top) &&
		       cbor_map_size(top) == 1 &&
		       text_is(cbor_map_handle(top)[0].key, "Attestation");
		if (good) {
			cbor_item_t *in = cbor_map_handle(top)[0].value;

			good = cbor_isa_map(in) && cbor_map_size(in) == 1 &&
			       text_is(cbor_map_handle(in)[0].key, "document") &&
			       is_bstr(cbor_map_handle(in)[0].value);
			if (good) {
				cbor_item_t *b = cbor_map_handle(in)[0].value;

				good = doc_parse(&d, cbor_bytestring_handle(b),
						 cbor_bytestring_length(b), false, false) &&
				       doc_sig_ok(&d) && doc_chain(&d, root) == X509_V_OK;
				if (good && round)
					good = bytes_eq(pay(&d, 6), fill, 1024) &&
					       bytes_eq(pay(&d, 7), fill, 1024) &&
					       bytes_eq(pay(&d, 8), fill, 1024);
				if (good && !round)
					good = cbor_is_null(pay(&d, 6)) &&
					       cbor_is_null(pay(&d, 7)) &&
					       cbor_is_null(pay(&d, 8));
				doc_free(&d);
			}
		}
		if (top)
			cbor_decref(&top);
		tap_ok(good, "nsm_handle: %s request (%zu bytes) -> {\"Attestation\": {\"document\"}} of %zu bytes, verifies",
		       round ? "three 1024-byte fields" : "all-null", rlen, len);
	}
}

static void bench(void)
{
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	struct timespec a, b;
	size_t len;
	int i, n = 200;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		attest(&req, &len);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	tap_diag("%.0f documents/s (sanitizer build, %zu bytes each)", n / s, len);
}

int main(void)
{
	X509 *root;
	int ret;

	tap_start();
	set_time_ms((u64)time(NULL) * 1000 + 123);
	test_der();

	nsm_emu_init(&emu);
	emu.pki = nsm_pki_new();
	ret = emu.pki ? nsm_pki_generate(emu.pki, emu.module_id, now_ms / 1000) : -1;
	tap_ok(ret == 0, "ephemeral chain generated (%s)", nsm_pki_strerror(ret));
	if (ret)
		return tap_end(0);
	root = pki_root(emu.pki);
	test_chain_shape(root);
	test_documents(root);
	test_clock(root);
	test_rotation(root);
	test_handle(root);
	test_pem(root);
	test_parser();
	test_errors();
	bench();
	test_provision();

	/* back to an ephemeral chain: a new root, the old one no longer works */
	{
		struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
		struct nsm_pki_status st;
		X509 *fresh;
		struct doc d;
		bool good;

		ret = nsm_pki_generate(emu.pki, emu.module_id, now_ms / 1000);
		fresh = pki_root(emu.pki);
		nsm_pki_get_status(emu.pki, &st);
		good = !ret && fresh && X509_cmp(fresh, root) && !st.provisioned &&
		       good_doc(&req, fresh, &d, false, false) &&
		       chain_verify(d.leaf, d.cab, root, d.timestamp / 1000) != X509_V_OK;
		tap_ok(good, "regenerating replaces a provisioned chain with a new ephemeral root");
		doc_free(&d);
		X509_free(fresh);
	}

	X509_free(root);
	nsm_pki_free(emu.pki);
	return tap_end(0);
}
