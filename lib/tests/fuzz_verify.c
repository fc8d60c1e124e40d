// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target over libnsm's parsing and verification: input format
 * detection, document decoding with every getter and span, full
 * verification with policies, and the expected-measurements parsers.
 * Build: clang -fsanitize=fuzzer,address,undefined (see lib/Makefile).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"
#include "helpers/input.h"
#include "internal.h"	/* nsm__kms_eval(): the fuzzer links the sources */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char kms_policy[] =
	"{\"Statement\":[{\"Effect\":\"Allow\",\"Condition\":{"
	"\"StringEqualsIgnoreCase\":{\"kms:RecipientAttestation:ImageSha384\":"
	"[\"00\",\"01\"]},\"StringEquals\":{\"kms:RecipientAttestation:PCR1\":\"00\"}}}]}";

static void walk(const struct nsm_doc *d)
{
	struct nsm_span s;
	const uint8_t *p;
	const char *name;
	size_t i, len;
	uint32_t idx;
	uint64_t ts;
	volatile size_t sink = 0;
	int f;

	for (f = 0; f < NSM_FIELD_COUNT; f++)
		if (!nsm_doc_field_span(d, (enum nsm_field)f, &s))
			sink += s.off + s.len + s.data_off + s.data_len + s.key_off;
	for (i = 0; i < nsm_doc_pcr_count(d); i++) {
		nsm_doc_pcr_at(d, i, &idx, &p, &len);
		nsm_doc_pcr_span(d, i, &s);
		sink += idx + len;
	}
	for (i = 0; i < nsm_doc_cabundle_count(d); i++) {
		struct nsm_cert_info ci;

		p = nsm_doc_cabundle(d, i, &len);
		if (p)
			sink += (size_t)nsm_cert_info(&ci, p, len);
		nsm_doc_cabundle_span(d, i, &s);
	}
	for (i = 0; i < nsm_doc_key_count(d); i++)
		if (!nsm_doc_key_at(d, i, &name, &s))
			sink += strlen(name);
	nsm_doc_public_key(d, &p, &len);
	nsm_doc_user_data(d, &p, &len);
	nsm_doc_nonce(d, &p, &len);
	nsm_doc_timestamp(d, &ts);
	name = nsm_doc_module_id(d);
	sink += name ? strlen(name) : 0;
	sink += nsm_doc_is_debug(d) + nsm_doc_is_nitrotpm(d);
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nsm_verifier *v;
	static struct nsm_doc *last;
	struct nsm_verify_opts o;
	struct nsm_result *r = NULL;
	struct nsm_pcrset *set = NULL;
	struct nsm_pcr_diff diff[NSM_MAX_PCRS];
	struct nsm_error pe;
	struct nsm_doc *d = NULL;
	uint8_t *dec;
	size_t dlen, i;

	if (!v && nsm_verifier_new(&v, 0))
		abort();
	if (input_decode(&dec, &dlen, NULL, data, size, INPUT_AUTO) == 0)
		free(dec);
	if (nsm_pcrset_load(&set, NULL, (const char *)data, size) == 0)
		nsm_pcrset_free(&set);
	/* the input as a KMS key policy, against the last document parsed */
	if (last && size && data[0] == '{') {
		char *json = strndup((const char *)data, size), msg[256];
		bool ok;

		if (json)
			nsm__kms_eval(json, last, &ok, msg, sizeof(msg));
		free(json);
	}

	if (nsm_doc_parse(&d, &pe, data, size))
		return 0;
	walk(d);
	nsm_verify_opts_init(&o);
	o.time_policy = NSM_TIME_DOCUMENT;
	nsm_pcrset_from_doc(&set, d);
	o.expected_pcrs = set;
	o.reject_debug = true;
	o.check_nonce = true;
	o.nonce = data;
	o.nonce_len = size < 16 ? size : 16;
	o.max_age_ms = 1000;
	o.kms_policy_json = kms_policy;
	if (nsm_verify(&r, NULL, v, d, &o) == 0) {
		for (i = 0; i < nsm_result_count(r); i++)
			if (!nsm_result_check(r, i)->message)
				abort();
		/* a result that passes must have passed the signature check */
		if (nsm_result_ok(r) && !nsm_result_find(r, NSM_CHECK_COSE_SIGNATURE))
			abort();
	}
	nsm_result_free(&r);
	nsm_pcr_diff_doc(diff, d, set);
	nsm_pcrset_free(&set);
	nsm_doc_free(&last);
	last = d;
	return 0;
}
