// SPDX-License-Identifier: GPL-2.0
/*
 * Document, verification and diff reports (see report.h): moved here from
 * nsmctl's dump, verify and diff so that nsm-tui's exports share them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pcr.h"
#include "print.h"
#include "report.h"
#include "timeutil.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

void report_header(const char *kind)
{
	pr_str(PR_JSON, "schema", "%s", REPORT_SCHEMA);
	pr_str(PR_JSON, "kind", "%s", kind);
}

void report_error(const char *source, const char *message)
{
	report_header("error");
	pr_str(PR_ANY, "file", "%s: ", source);
	pr_str(PR_ANY, "error", "%s\n", message);
}

void cert_key_desc(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	EVP_PKEY *k = x ? X509_get0_pubkey(x) : NULL;
	char group[64];
	size_t glen;

	snprintf(buf, cap, "unknown");
	if (!k)
		goto out;
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_group_name(k, group, sizeof(group), &glen))
			snprintf(group, sizeof(group), "?");
		snprintf(buf, cap, "EC %s",
			 !strcmp(group, "secp384r1") ? "P-384" :
			 !strcmp(group, "prime256v1") ? "P-256" : group);
		break;
	case EVP_PKEY_RSA:
		snprintf(buf, cap, "RSA %d", EVP_PKEY_get_bits(k));
		break;
	default:
		snprintf(buf, cap, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(k)));
	}
out:
	X509_free(x);
}

/* ---- documents --------------------------------------------------------- */

static const char *const known_keys[] = {
	"module_id", "digest", "timestamp", "pcrs", "certificate",
	"cabundle", "public_key", "user_data", "nonce",
};

static bool is_known_key(const char *k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known_keys); i++)
		if (!strcmp(k, known_keys[i]))
			return true;
	return false;
}

static void key_usage_text(char *buf, size_t size, uint32_t ku)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ 0x80, "digitalSignature" }, { 0x40, "nonRepudiation" },
		{ 0x20, "keyEncipherment" }, { 0x10, "dataEncipherment" },
		{ 0x08, "keyAgreement" }, { 0x04, "keyCertSign" },
		{ 0x02, "cRLSign" }, { 0x01, "encipherOnly" },
		{ 0x8000, "decipherOnly" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	if (ku == UINT32_MAX) {
		snprintf(buf, size, "absent");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(names) && len < size; i++)
		if (ku & names[i].bit)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "," : "", names[i].name);
	if (!len)
		snprintf(buf, size, "none");
}

/* One certificate as an object: summary fields, DER in JSON only. */
static void print_cert(const char *key, const char *label, const uint8_t *der,
		       size_t len)
{
	struct nsm_cert_info ci;
	char t1[TIME_STR_LEN], t2[TIME_STR_LEN], ku[160], kd[64];

	pr_obj_open(PR_JSON, key);
	pr_text("%s\n", label);
	pr_indent(1);
	if (!der) {
		pr_null(PR_ANY, "der", "(not a byte string) %s\n");
		goto out;
	}
	if (nsm_cert_info(&ci, der, len)) {
		pr_str(PR_ANY, "error", "error:      %s\n",
		       "not a DER X.509 certificate");
		pr_hex_block(PR_ANY, "der", "der:        %s\n", der, len);
		goto out;
	}
	pr_str(PR_ANY, "subject", "subject:    %s\n", ci.subject);
	pr_str(PR_ANY, "issuer", "issuer:     %s\n", ci.issuer);
	cert_key_desc(der, len, kd, sizeof(kd));
	pr_str(PR_ANY, "key", "key:        %s\n", kd);
	format_time_ms(t1, ci.not_before_ms);
	format_time_ms(t2, ci.not_after_ms);
	pr_str(PR_ANY, "not_before", "validity:   %s", t1);
	pr_str(PR_ANY, "not_after", " .. %s\n", t2);
	pr_bool(PR_ANY, "is_ca", "ca:         %s", ci.is_ca);
	if (ci.path_len >= 0)
		pr_i64(PR_ANY, "path_len", ", pathlen %" PRId64, ci.path_len);
	else
		pr_null(PR_JSON, "path_len", "%s");
	pr_text("\n");
	key_usage_text(ku, sizeof(ku), ci.key_usage);
	pr_str(PR_ANY, "key_usage", "key_usage:  %s\n", ku);
	pr_hex(PR_ANY, "sha256", "sha256:     %s\n", ci.sha256,
	       sizeof(ci.sha256));
	pr_u64(PR_ANY, "size", "size:       %" PRIu64 " bytes\n", len);
	pr_hex(PR_JSON, "der", "%s", der, len);
out:
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

static void print_optional(const char *key, const char *label,
			   enum nsm_presence p, const uint8_t *v, size_t len)
{
	pr_text("%-12s ", label);
	switch (p) {
	case NSM_ABSENT:
		/* JSON: the key is left out, as in the document. */
		pr_text("(absent)\n");
		break;
	case NSM_NULL:
		pr_null(PR_ANY, key, "%s\n");
		break;
	case NSM_PRESENT:
		pr_hex_block(PR_ANY, key, "%s\n", v, len);
		break;
	case NSM_WRONG_TYPE:
		pr_str(PR_ANY, key, "%s\n", "<not a byte string>");
		break;
	}
}

/*
 * cabundle: an array of certificates, root first. Real documents always
 * have one; a null, absent or mistyped one is shown as such.
 */
static void print_cabundle(const struct nsm_doc *doc, const uint8_t *raw)
{
	struct nsm_span sp;
	const uint8_t *p;
	size_t i, n, len;

	if (nsm_doc_field_span(doc, NSM_FIELD_CABUNDLE, &sp)) {
		pr_text("cabundle:    (absent)\n");
		return;
	}
	if (raw[sp.off] == 0xf6) {
		pr_null(PR_ANY, "cabundle", "cabundle:    %s\n");
		return;
	}
	if ((raw[sp.off] >> 5) != 4) {
		pr_str(PR_ANY, "cabundle", "cabundle:    %s\n",
		       "<not an array>");
		return;
	}
	n = nsm_doc_cabundle_count(doc);
	pr_arr_open(PR_JSON, "cabundle");
	pr_text("cabundle:    %zu certificate%s, root first\n", n,
		n == 1 ? "" : "s");
	pr_indent(1);
	for (i = 0; i < n; i++) {
		char label[32];

		snprintf(label, sizeof(label), "[%zu]", i);
		p = nsm_doc_cabundle(doc, i, &len);
		print_cert(NULL, label, p, len);
	}
	pr_indent(-1);
	pr_arr_close(PR_JSON);
}

void report_document(const char *source, enum input_format det,
		     const struct nsm_doc *doc)
{
	const uint8_t *p, *raw;
	const char *s, *key;
	char when[TIME_STR_LEN];
	size_t len, raw_len, i, n;
	uint64_t ts;
	uint32_t idx;

	raw = nsm_doc_raw(doc, &raw_len);
	report_header("document");
	pr_str(PR_ANY, "file", "file:        %s", source);
	pr_str(PR_ANY, "input_format", " (%s", input_format_name(det));
	pr_u64(PR_ANY, "size", ", %" PRIu64 " bytes)\n", raw_len);

	pr_obj_open(PR_JSON, "cose");
	pr_text("cose:\n");
	pr_indent(1);
	pr_bool(PR_ANY, "tagged", "tagged:      %s\n", nsm_doc_is_tagged(doc));
	p = nsm_doc_protected(doc, &len);
	pr_hex(PR_ANY, "protected", "protected:   %s", p, len);
	pr_text("%s\n", p && len == 4 && !memcmp(p, "\xa1\x01\x38\x22", 4) ?
		" ({1: -35}, ES384)" : "");
	p = nsm_doc_signature(doc, &len);
	pr_text("signature:   ");
	pr_hex_block(PR_ANY, "signature", "%s\n", p, len);
	p = nsm_doc_payload(doc, &len);
	pr_u64(PR_ANY, "payload_size", "payload:     %" PRIu64 " bytes", len);
	pr_str(PR_ANY, "payload_map", ", %s-length map\n",
	       nsm_doc_payload_indefinite(doc) ? "indefinite" : "definite");
	pr_indent(-1);
	pr_obj_close(PR_JSON);
	(void)raw;

	pr_obj_open(PR_JSON, "payload");
	s = nsm_doc_module_id(doc);
	pr_str(PR_ANY, "module_id", "module_id:   %s\n", s);
	s = nsm_doc_digest(doc);
	pr_str(PR_ANY, "digest", "digest:      %s\n", s);
	if (nsm_doc_timestamp(doc, &ts)) {
		format_time_ms(when, (int64_t)ts);
		pr_u64(PR_ANY, "timestamp", "timestamp:   %" PRIu64, ts);
		pr_str(PR_ANY, "time", " (%s)\n", when);
	} else {
		pr_null(PR_ANY, "timestamp", "timestamp:   %s (absent or not "
			"an unsigned integer)\n");
	}

	n = nsm_doc_pcr_count(doc);
	pr_arr_open(PR_JSON, "pcrs");
	pr_text("pcrs:        %zu\n", n);
	pr_indent(1);
	for (i = 0; i < n; i++) {
		const char *label;

		if (nsm_doc_pcr_at(doc, i, &idx, &p, &len))
			break;
		pr_obj_open(PR_JSON, NULL);
		if (idx == UINT32_MAX)
			pr_null(PR_ANY, "index", "%s: ");
		else
			pr_u64(PR_ANY, "index", "%2" PRIu64 ": ", idx);
		pr_hex(PR_ANY, "value", "%s", p, len);
		label = idx == UINT32_MAX ? NULL : pcr_label(idx);
		if (label)
			pr_str(PR_ANY, "meaning", "  %s", label);
		pr_text("\n");
		pr_obj_close(PR_JSON);
	}
	pr_indent(-1);
	pr_arr_close(PR_JSON);

	p = nsm_doc_certificate(doc, &len);
	print_cert("certificate", "certificate:", p, len);

	print_cabundle(doc, raw);

	{
		enum nsm_presence pres;

		pres = nsm_doc_public_key(doc, &p, &len);
		print_optional("public_key", "public_key:", pres, p, len);
		pres = nsm_doc_user_data(doc, &p, &len);
		print_optional("user_data", "user_data:", pres, p, len);
		pres = nsm_doc_nonce(doc, &p, &len);
		print_optional("nonce", "nonce:", pres, p, len);
	}

	/* Keys real hardware never sends: show they are there. */
	n = nsm_doc_key_count(doc);
	for (i = 0; i < n; i++) {
		struct nsm_span sp;

		if (nsm_doc_key_at(doc, i, &key, &sp) || is_known_key(key))
			continue;
		pr_text("%-12s ", key);
		pr_hex_block(PR_ANY, key, "(unknown key, raw CBOR) %s\n",
			     raw + sp.off, sp.len);
	}
	pr_obj_close(PR_JSON);

	pr_obj_open(PR_JSON, "properties");
	pr_text("properties:\n");
	pr_indent(1);
	pr_bool(PR_ANY, "debug_mode", "debug_mode:  %s\n",
		nsm_doc_is_debug(doc));
	pr_bool(PR_ANY, "nitrotpm", "nitrotpm:    %s\n",
		nsm_doc_is_nitrotpm(doc));
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

/* ---- verifications ------------------------------------------------------ */

static const char *status_word(enum nsm_check_status s)
{
	switch (s) {
	case NSM_CHECK_PASS:
		return "PASS";
	case NSM_CHECK_FAIL:
		return "FAIL";
	default:
		return "SKIP";
	}
}

void report_verification(const char *source, enum input_format det,
			 const char *time_policy, const struct nsm_result *r)
{
	const struct nsm_check *c;
	uint8_t root[NSM_SHA256_LEN];
	char when[TIME_STR_LEN];
	size_t i, n = nsm_result_count(r), failed = 0, skipped = 0;
	bool ok = nsm_result_ok(r);

	report_header("verification");
	pr_str(PR_ANY, "file", "file:    %s", source);
	pr_str(PR_ANY, "input_format", " (%s)\n", input_format_name(det));
	format_time_ms(when, nsm_result_time_ms(r));
	pr_str(PR_ANY, "time", "time:    %s", when);
	pr_i64(PR_JSON, "time_ms", "%" PRId64, nsm_result_time_ms(r));
	pr_str(PR_ANY, "time_policy", " (%s)\n", time_policy);
	/* which of the trusted roots the chain ended in */
	if (nsm_result_root_sha256(r, root)) {
		pr_str(PR_ANY, "root", "root:    %s", nsm_result_root_name(r));
		pr_hex(PR_ANY, "root_sha256", " (sha256 %s)\n", root,
		       sizeof(root));
	} else {
		pr_null(PR_JSON, "root", "%s");
		pr_null(PR_ANY, "root_sha256", "root:    %s (no trusted root "
			"reached)\n");
	}

	pr_arr_open(PR_JSON, "checks");
	for (i = 0; i < n; i++) {
		c = nsm_result_check(r, i);
		if (!c)
			continue;
		if (c->status == NSM_CHECK_FAIL)
			failed++;
		else if (c->status == NSM_CHECK_SKIP)
			skipped++;
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_TEXT, NULL, "%s  ", status_word(c->status));
		pr_str(PR_JSON, "status", "%s",
		       nsm_check_status_name(c->status));
		pr_str(PR_ANY, "check", "%-21s ", nsm_check_name(c->code));
		pr_u64(PR_JSON, "code", "%" PRIu64, c->code);
		pr_str(PR_ANY, "step", "%-9s ", nsm_step_name(c->step));
		pr_str(PR_ANY, "message", " %s\n", c->message);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);

	pr_bool(PR_JSON, "ok", "%s", ok);
	pr_u64(PR_JSON, "checks_failed", "%" PRIu64, failed);
	pr_u64(PR_JSON, "checks_skipped", "%" PRIu64, skipped);
	c = nsm_result_first_failure(r);
	if (c)
		pr_str(PR_JSON, "first_failure", "%s", nsm_check_name(c->code));
	else
		pr_null(PR_JSON, "first_failure", "%s");
	if (ok)
		pr_text("result:  OK, %zu checks passed\n", n);
	else
		pr_text("result:  FAILED, %zu of %zu checks failed%s%s\n",
			failed, n, c ? ", first: " : "",
			c ? nsm_check_name(c->code) : "");
}

/* ---- PCR comparisons ---------------------------------------------------- */

static bool same_value(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen)
{
	if (!a || !b)
		return a == b;
	return alen == blen && !memcmp(a, b, alen);
}

/* Columns with the value PCR @idx has in each; true when all are equal. */
static bool row_equal(const struct report_input *c, int n, uint32_t idx)
{
	const uint8_t *first;
	size_t flen, len;
	int i;

	first = nsm_pcrset_get(c[0].set, idx, &flen);
	for (i = 1; i < n; i++) {
		const uint8_t *v = nsm_pcrset_get(c[i].set, idx, &len);

		if (!same_value(first, flen, v, len))
			return false;
	}
	return true;
}

/* Debug-mode enclaves report PCR0, PCR1 and PCR2 as zeros (NSM-FACTS 4). */
static bool is_debug(const struct nsm_pcrset *set)
{
	uint32_t i;
	size_t len, j;

	for (i = 0; i < 3; i++) {
		const uint8_t *v = nsm_pcrset_get(set, i, &len);

		if (!v)
			return false;
		for (j = 0; j < len; j++)
			if (v[j])
				return false;
	}
	return true;
}

size_t report_diff(const struct report_input *in, int n, bool all)
{
	uint64_t ncompared = 0, ndiff = 0;
	uint32_t idx;
	bool debug;
	int i, ex = -1;

	for (i = n - 1; i >= 0; i--)
		if (in[i].expected)
			ex = i;

	report_header("diff");
	pr_arr_open(PR_JSON, "inputs");
	for (i = 0; i < n; i++) {
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_ANY, "label", "%s: ", in[i].label);
		pr_str(PR_ANY, "name", "%s", in[i].name);
		pr_str(PR_ANY, "kind", " (%s",
		       in[i].expected ? "expected" : "document");
		debug = is_debug(in[i].set);
		pr_bool(PR_JSON, "debug_mode", "%s", debug);
		if (debug)
			pr_text(", debug mode: PCR0-2 are zero");
		pr_text(")\n");
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);

	pr_arr_open(PR_JSON, "pcrs");
	for (idx = 0; idx < NSM_MAX_PCRS; idx++) {
		const char *label = pcr_label(idx);
		bool present = false, equal;

		if (ex >= 0) {
			present = nsm_pcrset_get(in[ex].set, idx, NULL);
		} else {
			for (i = 0; i < n; i++)
				present |= !!nsm_pcrset_get(in[i].set, idx,
							    NULL);
		}
		if (!present)
			continue;
		ncompared++;
		equal = row_equal(in, n, idx);
		if (!equal)
			ndiff++;
		if (equal && !all)
			continue;
		pr_obj_open(PR_JSON, NULL);
		pr_text("%s", equal ? " " : "!");
		pr_u64(PR_ANY, "index", "PCR%" PRIu64, idx);
		pr_str(PR_ANY, "meaning", " (%s)", label ? label : "unassigned");
		pr_bool(PR_JSON, "equal", "%s", equal);
		pr_text(": %s\n", equal ? "same" : "differs");
		pr_arr_open(PR_JSON, "values");
		pr_indent(1);
		for (i = 0; i < n; i++) {
			const uint8_t *v;
			size_t len;

			v = nsm_pcrset_get(in[i].set, idx, &len);
			/* Equal rows: one text line says it all. */
			if (!equal || i == 0)
				pr_text("%s ", equal ? "=" : in[i].label);
			if (v)
				pr_hex(equal && i ? PR_JSON : PR_ANY, NULL,
				       "%s\n", v, len);
			else if (pr_null(PR_JSON, NULL, "%s"), !equal || !i)
				pr_text("(absent)\n");
		}
		pr_indent(-1);
		pr_arr_close(PR_JSON);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
	pr_u64(PR_ANY, "compared", "%" PRIu64 " PCRs compared, ", ncompared);
	pr_u64(PR_ANY, "differ", "%" PRIu64 " differ\n", ndiff);
	pr_bool(PR_JSON, "same", "%s", ndiff == 0);
	return ndiff;
}
