// SPDX-License-Identifier: GPL-2.0
/* The document as JSON, through the helpers' print path. */
#include <inttypes.h>
#include <string.h>

#include "app.h"
#include "detail.h"
#include "helpers/print.h"

static void json_opt(const char *key, enum nsm_presence p, const uint8_t *b,
		     size_t n)
{
	if (p == NSM_PRESENT)
		pr_hex(PR_JSON, key, "%s", b, n);
	else if (p == NSM_NULL)
		pr_null(PR_JSON, key, "%s");
	else
		pr_str(PR_JSON, key, "%s", p == NSM_ABSENT ? "absent" :
		       "wrong type");
}

static void json_cert(const char *key, const struct doc_cert *c)
{
	char t[32];

	if (c->ok != 1) {
		pr_null(PR_JSON, key, "%s");
		return;
	}
	pr_obj_open(PR_JSON, key);
	pr_str(PR_JSON, "subject", "%s", c->info.subject);
	pr_str(PR_JSON, "issuer", "%s", c->info.issuer);
	fmt_time_ms(c->info.not_before_ms, t, sizeof(t));
	pr_str(PR_JSON, "not_before", "%s", t);
	fmt_time_ms(c->info.not_after_ms, t, sizeof(t));
	pr_str(PR_JSON, "not_after", "%s", t);
	pr_str(PR_JSON, "key", "%s", c->key);
	pr_hex(PR_JSON, "sha256", "%s", c->info.sha256,
	       sizeof(c->info.sha256));
	pr_obj_close(PR_JSON);
}

void detail_json(struct doc *d)
{
	enum nsm_presence p;
	const uint8_t *b;
	char t[32], idx[16];
	size_t n;

	if (!d)
		return;
	pr_str(PR_JSON, "source", "%s", d->source);
	if (d->state != DOC_OK) {
		pr_str(PR_JSON, "error", "%s", d->err);
		return;
	}
	doc_load_certs(d);
	pr_str(PR_JSON, "format", "%s", input_format_name(d->fmt));
	pr_bool(PR_JSON, "tagged", "%s", nsm_doc_is_tagged(d->nd));
	pr_str(PR_JSON, "module_id", "%s", d->module_id);
	pr_str(PR_JSON, "digest", "%s", nsm_doc_digest(d->nd));
	pr_u64(PR_JSON, "timestamp", "%" PRIu64, d->timestamp);
	fmt_time_ms((int64_t)d->timestamp, t, sizeof(t));
	pr_str(PR_JSON, "time", "%s", t);
	pr_bool(PR_JSON, "debug", "%s", d->debug);
	pr_obj_open(PR_JSON, "pcrs");
	for (size_t i = 0, k = nsm_doc_pcr_count(d->nd); i < k; i++) {
		uint32_t ix;

		if (nsm_doc_pcr_at(d->nd, i, &ix, &b, &n) || !b)
			continue;
		snprintf(idx, sizeof(idx), "%u", ix);
		pr_hex(PR_JSON, idx, "%s", b, n);
	}
	pr_obj_close(PR_JSON);
	json_cert("certificate", &d->leaf);
	pr_arr_open(PR_JSON, "cabundle");
	for (size_t i = 0; i < d->ncab; i++)
		json_cert(NULL, &d->cab[i]);
	pr_arr_close(PR_JSON);
	p = nsm_doc_public_key(d->nd, &b, &n);
	json_opt("public_key", p, b, n);
	p = nsm_doc_user_data(d->nd, &b, &n);
	json_opt("user_data", p, b, n);
	p = nsm_doc_nonce(d->nd, &b, &n);
	json_opt("nonce", p, b, n);
}
