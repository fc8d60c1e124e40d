// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl dump: show a document as a tree (text or JSON), or as CBOR
 * diagnostic notation (--diag), which works on any CBOR at all.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nsm_verify.h>

#include "diag.h"
#include "docload.h"
#include "nsmctl.h"
#include "helpers/pcr.h"
#include "helpers/print.h"
#include "timeutil.h"

static const char *const known_keys[] = {
	"module_id", "digest", "timestamp", "pcrs", "certificate",
	"cabundle", "public_key", "user_data", "nonce",
};

static bool is_known_key(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
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
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && len < size; i++)
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
	char t1[TIME_STR_LEN], t2[TIME_STR_LEN], ku[160];

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

static void print_doc(const char *path, enum input_format det,
		      const struct nsm_doc *doc)
{
	const uint8_t *p, *raw;
	const char *s, *key;
	char when[TIME_STR_LEN];
	size_t len, raw_len, i, n;
	uint64_t ts;
	uint32_t idx;

	raw = nsm_doc_raw(doc, &raw_len);
	pr_str(PR_ANY, "file", "file:        %s", doc_display_name(path));
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

static int dump_diag(const char *path, enum input_format fmt)
{
	char err[160];
	uint8_t *buf;
	size_t len, used;
	int ret;

	ret = doc_read(path, fmt, &buf, &len, NULL);
	if (ret)
		return ret;
	if (cbor_diag(stdout, buf, len, 1, &used, err, sizeof(err))) {
		free(buf);
		error("%s: %s", doc_display_name(path), err);
		return NSMCTL_INPUT;
	}
	free(buf);
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write to stdout");
		return NSMCTL_DEVICE;
	}
	if (used != len) {
		error("%s: %zu trailing bytes after the CBOR item (offset %zu)",
		      doc_display_name(path), len - used, used);
		return NSMCTL_INPUT;
	}
	return NSMCTL_OK;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "diag", no_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	enum input_format det = INPUT_AUTO;
	enum input_format fmt = INPUT_AUTO;
	struct nsm_doc *doc = NULL;
	const char *path;
	bool diag = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjF:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("dump");
		case 'j':
			nsmctl.json = true;
			break;
		case 'D':
			diag = true;
			break;
		case 'F':
			if (input_format_parse(optarg, &fmt))
				return usage_error("dump", "--format must be "
						   "auto, raw, base64 or hex");
			break;
		default:
			return option_error("dump", opt, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error("dump", "dump takes one document");
	if (diag && nsmctl.json)
		return usage_error("dump", "--diag and --json exclude each "
				   "other");
	path = optind < argc ? argv[optind] : "-";
	if (diag)
		return dump_diag(path, fmt);

	ret = doc_load(path, fmt, &doc, &det);
	if (ret)
		return ret;
	pr_begin(stdout, nsmctl.json);
	print_doc(path, det, doc);
	nsm_doc_free(&doc);
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}
