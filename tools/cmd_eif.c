// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl eif describe: what `nitro-cli describe-eif` shows of an enclave
 * image - measurements, signing certificate and signature check, CRC,
 * metadata - plus the header and section table. JSON uses nitro-cli's
 * field names (EifVersion, Measurements, IsSigned, SigningCertificate,
 * SignatureCheck, CheckCRC, ImageName, ImageVersion, Metadata) and those of
 * AWS's EIF reader (Arch, Flags, DefaultCpus, DefaultMemory, HeaderCrc32,
 * ComputedCrc32, NumSections, SectionOffsets, SectionSizes).
 *
 * Exit: 0 the image is sound; 1 its CRC or its signature fails (it is
 * still shown); 4 it is not a well-formed EIF; 3 it cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <nsm_verify.h>

#include "nsmctl.h"
#include "helpers/print.h"

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Below this many levels, metadata values are printed as one line of
 * JSON text: the print path nests 32 containers at most. */
#define META_MAX_DEPTH	16

/*
 * One JSON value of the metadata, through the print path; object keys in
 * sorted order, as nitro-cli (serde_json) prints them. @depth counts the
 * containers above.
 */
static void print_json(const char *key, json_object *v, int depth)
{
	size_t i, n;

	if (key)
		pr_text("%s:", key);
	if (depth >= META_MAX_DEPTH && (json_object_is_type(v, json_type_object) ||
					json_object_is_type(v, json_type_array))) {
		pr_json_text(PR_ANY, key, " %s\n",
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		return;
	}
	switch (json_object_get_type(v)) {
	case json_type_object: {
		const char **keys;

		n = (size_t)json_object_object_length(v);
		keys = calloc(n ? n : 1, sizeof(*keys));
		if (!keys)
			die(NSMCTL_INTERNAL, "out of memory");
		i = 0;
		json_object_object_foreach(v, k, val) {
			(void)val;
			keys[i++] = k;
		}
		qsort(keys, n, sizeof(*keys), cmp_keys);
		pr_text(n ? "\n" : " {}\n");
		pr_obj_open(PR_JSON, key);
		pr_indent(1);
		for (i = 0; i < n; i++)
			print_json(keys[i], json_object_object_get(v, keys[i]),
				   depth + 1);
		pr_indent(-1);
		pr_obj_close(PR_JSON);
		free(keys);
		break;
	}
	case json_type_array:
		n = json_object_array_length(v);
		pr_text(n ? "\n" : " []\n");
		pr_arr_open(PR_JSON, key);
		pr_indent(1);
		for (i = 0; i < n; i++) {
			pr_text("-");
			print_json(NULL, json_object_array_get_idx(v, i), depth + 1);
		}
		pr_indent(-1);
		pr_arr_close(PR_JSON);
		break;
	case json_type_string:
		pr_str(PR_ANY, key, " %s\n", json_object_get_string(v));
		break;
	case json_type_boolean:
		pr_bool(PR_ANY, key, " %s\n", json_object_get_boolean(v));
		break;
	case json_type_int:
	case json_type_double:
		pr_json_text(PR_ANY, key, " %s\n",
			    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	default:
		pr_null(PR_ANY, key, " %s\n");
		break;
	}
}

static void print_metadata(const struct nsm_eif *e)
{
	const char *text = nsm_eif_metadata(e, NULL);
	json_object *root = text ? json_tokener_parse(text) : NULL;

	if (!root) {
		/* no metadata section (EIF before version 4) */
		pr_null(PR_ANY, "Metadata", "metadata:        %s\n");
		return;
	}
	pr_text("metadata:\n");
	pr_indent(1);
	pr_obj_open(PR_JSON, "Metadata");
	{
		/* the top level, sorted, without repeating its own key */
		const char **keys;
		size_t n = (size_t)json_object_object_length(root), i = 0;

		keys = calloc(n ? n : 1, sizeof(*keys));
		if (!keys)
			die(NSMCTL_INTERNAL, "out of memory");
		json_object_object_foreach(root, key, v) {
			(void)v;
			keys[i++] = key;
		}
		qsort(keys, n, sizeof(*keys), cmp_keys);
		for (i = 0; i < n; i++)
			print_json(keys[i], json_object_object_get(root, keys[i]), 2);
		free(keys);
	}
	pr_obj_close(PR_JSON);
	pr_indent(-1);
	json_object_put(root);
}

/* "Jan  1 00:00:00 2024 GMT", as OpenSSL (and so nitro-cli) prints it */
static void asn1_text(char *buf, size_t len, const ASN1_TIME *t)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	buf[0] = '\0';
	if (b && ASN1_TIME_print(b, t) == 1)
		n = BIO_read(b, buf, (int)len - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* The certificate's fields nitro-cli shows under SigningCertificate. */
static void print_cert(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	const ASN1_BIT_STRING *sig;
	const X509_ALGOR *alg;
	const X509_NAME *issuer;
	struct nsm_cert_info ci;
	char buf[128], *hex, *q;
	X509 *x;
	int i, n;

	x = d2i_X509(NULL, &p, (long)len);
	if (!x || nsm_cert_info(&ci, der, len)) {
		X509_free(x);
		ERR_clear_error();
		pr_null(PR_ANY, "SigningCertificate", "signing certificate: %s\n");
		return;
	}
	pr_text("signing certificate:\n");
	pr_indent(1);
	pr_obj_open(PR_JSON, "SigningCertificate");
	pr_str(PR_TEXT, NULL, "issuer:     %s\n", ci.issuer);
	pr_str(PR_TEXT, NULL, "subject:    %s\n", ci.subject);
	issuer = X509_get_issuer_name(x);
	pr_obj_open(PR_JSON, "IssuerName");
	{
		/* nitro-cli: a map of long attribute names; serde sorts it */
		const char *names[64];
		const char *vals[64];
		int cnt = 0, j, k;

		n = X509_NAME_entry_count(issuer);
		for (i = 0; i < n && cnt < 64; i++) {
			const X509_NAME_ENTRY *ent = X509_NAME_get_entry(issuer, i);
			const ASN1_STRING *d = X509_NAME_ENTRY_get_data(ent);
			int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(ent));

			names[cnt] = nid == NID_undef ? "unknown" : OBJ_nid2ln(nid);
			vals[cnt] = (const char *)ASN1_STRING_get0_data(d);
			/* a repeated attribute: the last one wins, as in a map */
			for (j = 0; j < cnt && strcmp(names[j], names[cnt]); j++)
				;
			if (j < cnt)
				vals[j] = vals[cnt];
			else
				cnt++;
		}
		for (j = 0; j < cnt; j++)	/* insertion sort by name */
			for (k = j; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
				const char *t = names[k];

				names[k] = names[k - 1];
				names[k - 1] = t;
				t = vals[k];
				vals[k] = vals[k - 1];
				vals[k - 1] = t;
			}
		for (j = 0; j < cnt; j++)
			pr_str(PR_JSON, names[j], "%s", vals[j]);
	}
	pr_obj_close(PR_JSON);
	X509_get0_signature(&sig, &alg, x);
	n = OBJ_obj2nid(alg->algorithm);
	pr_str(PR_ANY, "Algorithm", "algorithm:  %s\n",
	       n == NID_undef ? "unknown" : OBJ_nid2ln(n));
	asn1_text(buf, sizeof(buf), X509_get0_notAfter(x));
	pr_str(PR_ANY, "NotAfter", "not after:  %s\n", buf);
	asn1_text(buf, sizeof(buf), X509_get0_notBefore(x));
	pr_str(PR_ANY, "NotBefore", "not before: %s\n", buf);
	/* the signature value, upper-case hex pairs joined by ':' */
	n = ASN1_STRING_length(sig);
	hex = malloc(3 * (size_t)n + 1);
	if (!hex)
		die(NSMCTL_INTERNAL, "out of memory");
	hex[0] = '\0';
	for (i = 0, q = hex; i < n; i++)
		q += sprintf(q, "%s%02X", i ? ":" : "", ASN1_STRING_get0_data(sig)[i]);
	pr_str(PR_JSON, "Signature", "%s", hex);
	free(hex);
	pr_hex(PR_TEXT, NULL, "sha256:     %s\n", ci.sha256, sizeof(ci.sha256));
	pr_obj_close(PR_JSON);
	pr_indent(-1);
	X509_free(x);
	ERR_clear_error();
}

static void print_eif(const char *path, const struct nsm_eif *e)
{
	enum nsm_eif_status sst = nsm_eif_signature_status(e);
	struct nsm_eif_section sec;
	const char *s;
	char crc[16];
	size_t i, n = nsm_eif_section_count(e);
	uint32_t p;

	pr_str(PR_TEXT, NULL, "image:           %s\n", path);
	pr_u64(PR_ANY, "EifVersion", "EIF version:     %" PRIu64 "\n",
	       nsm_eif_version(e));
	pr_str(PR_ANY, "Arch", "architecture:    %s\n", nsm_eif_arch(e));
	pr_u64(PR_ANY, "Flags", "flags:           %" PRIu64 "\n", nsm_eif_flags(e));
	pr_u64(PR_ANY, "DefaultMemory", "default memory:  %" PRIu64 " bytes\n",
	       nsm_eif_default_mem(e));
	pr_u64(PR_ANY, "DefaultCpus", "default CPUs:    %" PRIu64 "\n",
	       nsm_eif_default_cpus(e));

	pr_text("measurements:\n");
	pr_indent(1);
	pr_obj_open(PR_JSON, "Measurements");
	pr_str(PR_ANY, "HashAlgorithm", "hash: %s\n", "Sha384 { ... }");
	for (p = 0; p <= 8; p++) {
		static const char *const key[] = {
			"PCR0", "PCR1", "PCR2", NULL, NULL, NULL, NULL, NULL, "PCR8",
		};
		const uint8_t *v = nsm_eif_pcr(e, p);

		if (!v || !key[p])
			continue;
		pr_text("%s: ", key[p]);
		pr_hex(PR_ANY, key[p], "%s\n", v, NSM_EIF_PCR_LEN);
	}
	pr_obj_close(PR_JSON);
	pr_indent(-1);

	pr_bool(PR_ANY, "IsSigned", "signed:          %s\n", nsm_eif_is_signed(e));
	if (nsm_eif_is_signed(e)) {
		size_t cl;
		const uint8_t *c = nsm_eif_signing_cert(e, &cl);

		if (c)
			print_cert(c, cl);
		else
			pr_null(PR_ANY, "SigningCertificate",
				"signing certificate: %s\n");
		pr_bool(PR_JSON, "SignatureCheck", "%s", sst == NSM_EIF_OK);
		pr_str(PR_JSON, "PcrSignatureChecker.verify", "%s",
		       sst == NSM_EIF_OK ? "ok" : nsm_eif_strerror(sst));
		pr_str(PR_TEXT, NULL, "signature check: %s\n",
		       sst == NSM_EIF_OK ? "ok (ES384 over PCR0 by the signing certificate)" :
		       nsm_eif_strerror(sst));
	}

	pr_bool(PR_ANY, "CheckCRC", "CRC-32 check:    %s\n", nsm_eif_crc_ok(e));
	snprintf(crc, sizeof(crc), "%08x", nsm_eif_header_crc32(e));
	pr_str(PR_ANY, "HeaderCrc32", "  header:        %s\n", crc);
	snprintf(crc, sizeof(crc), "%08x", nsm_eif_computed_crc32(e));
	pr_str(PR_ANY, "ComputedCrc32", "  computed:      %s\n", crc);

	pr_str(PR_ANY, "ImageName", "image name:      %s\n",
	       nsm_eif_meta(e, NSM_EIF_META_IMAGE_NAME));
	pr_str(PR_ANY, "ImageVersion", "image version:   %s\n",
	       nsm_eif_meta(e, NSM_EIF_META_IMAGE_VERSION));
	print_metadata(e);

	pr_u64(PR_ANY, "NumSections", "sections:        %" PRIu64 "\n", n);
	pr_arr_open(PR_JSON, "SectionOffsets");
	for (i = 0; i < n; i++) {
		nsm_eif_section_at(e, i, &sec);
		pr_u64(PR_JSON, NULL, "%" PRIu64, sec.offset);
	}
	pr_arr_close(PR_JSON);
	pr_arr_open(PR_JSON, "SectionSizes");
	for (i = 0; i < n; i++) {
		nsm_eif_section_at(e, i, &sec);
		pr_u64(PR_JSON, NULL, "%" PRIu64, sec.size);
	}
	pr_arr_close(PR_JSON);
	pr_arr_open(PR_JSON, "SectionTypes");
	pr_indent(1);
	for (i = 0; i < n; i++) {
		nsm_eif_section_at(e, i, &sec);
		pr_u64(PR_TEXT, NULL, "%-2" PRIu64, i);
		pr_str(PR_ANY, NULL, " %-9s", nsm_eif_section_type_name(sec.type));
		pr_u64(PR_TEXT, NULL, " at %-10" PRIu64, sec.offset);
		pr_u64(PR_TEXT, NULL, " %" PRIu64 " bytes\n", sec.size);
	}
	pr_indent(-1);
	pr_arr_close(PR_JSON);
	s = nsm_eif_cmdline(e, NULL);
	pr_str(PR_ANY, "Cmdline", "cmdline:         %s\n", s);
	pr_str(PR_ANY, "Status", "status:          %s\n",
	       nsm_eif_status(e) == NSM_EIF_OK ? "ok" :
	       nsm_eif_status_name(nsm_eif_status(e)));
}

static int eif_describe(int argc, char **argv)
{
	struct nsm_error err = { .code = NSM_EIF_OK };
	struct nsm_eif *e = NULL;
	const char *path;
	int ret, code;

	if (argc - optind != 1)
		return usage_error("eif", "describe takes one image file");
	path = argv[optind];
	ret = nsm_eif_open_file(&e, &err, path, NSM_EIF_KEEP_INVALID);
	if (ret == -EBADMSG) {
		error("%s: not a valid EIF: %s (%s, at byte %" PRIu64 ")", path,
		      err.message, nsm_eif_status_name(err.code), err.offset);
		return NSMCTL_INPUT;
	}
	if (ret == -ENOMEM) {
		error("out of memory");
		return NSMCTL_INTERNAL;
	}
	if (ret) {
		error("%s: %s", path, strerror(-ret));
		return NSMCTL_DEVICE;
	}
	pr_begin(stdout, nsmctl.json);
	print_eif(path, e);
	code = nsm_eif_status(e) == NSM_EIF_OK ? NSMCTL_OK : NSMCTL_FAILED;
	if (code != NSMCTL_OK)
		error("%s: %s", path, nsm_eif_strerror(nsm_eif_status(e)));
	nsm_eif_free(&e);
	return pr_end() ? NSMCTL_DEVICE : code;
}

int cmd_eif(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ NULL, 0, NULL, 0 }
	};
	const char *sub;
	int opt;

	while ((opt = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("eif");
		case 'j':
			nsmctl.json = true;
			break;
		default:
			return option_error("eif", opt, argv);
		}
	}
	if (optind >= argc)
		return usage_error("eif", "missing subcommand (describe)");
	sub = argv[optind++];
	if (!strcmp(sub, "describe"))
		return eif_describe(argc, argv);
	return usage_error("eif", "unknown subcommand '%s'", sub);
}
