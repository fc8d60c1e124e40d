// SPDX-License-Identifier: GPL-2.0
/* A minimal JSON writer, and the document as JSON. */
#include <string.h>

#include "app.h"
#include "detail.h"

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* bytes, not UTF-8 */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_hex(FILE *f, const uint8_t *b, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
	fputc('"', f);
}

static void json_opt(FILE *f, const char *key, enum nsm_presence p,
		     const uint8_t *b, size_t n)
{
	fprintf(f, ",\n  ");
	json_str(f, key);
	fputs(": ", f);
	if (p == NSM_PRESENT)
		json_hex(f, b, n);
	else if (p == NSM_NULL)
		fputs("null", f);
	else
		json_str(f, p == NSM_ABSENT ? "absent" : "wrong type");
}

static void json_cert(FILE *f, const struct doc_cert *c)
{
	char t[32], fp[65];

	if (c->ok != 1) {
		fputs("null", f);
		return;
	}
	fputs("{\"subject\": ", f);
	json_str(f, c->info.subject);
	fputs(", \"issuer\": ", f);
	json_str(f, c->info.issuer);
	fmt_time_ms(c->info.not_before_ms, t, sizeof(t));
	fputs(", \"not_before\": ", f);
	json_str(f, t);
	fmt_time_ms(c->info.not_after_ms, t, sizeof(t));
	fputs(", \"not_after\": ", f);
	json_str(f, t);
	fputs(", \"key\": ", f);
	json_str(f, c->key);
	hex_str(c->info.sha256, sizeof(c->info.sha256), fp, sizeof(fp));
	fputs(", \"sha256\": ", f);
	json_str(f, fp);
	fputs("}", f);
}

void detail_json(struct doc *d, FILE *f)
{
	const uint8_t *b;
	size_t n;
	char t[32];

	if (!d) {
		fputs("null", f);
		return;
	}
	fputs("{\n  \"source\": ", f);
	json_str(f, d->source);
	if (d->state != DOC_OK) {
		fputs(",\n  \"error\": ", f);
		json_str(f, d->err);
		fputs("\n}", f);
		return;
	}
	doc_load_certs(d);
	fputs(",\n  \"format\": ", f);
	json_str(f, input_format_name(d->fmt));
	fprintf(f, ",\n  \"tagged\": %s", nsm_doc_is_tagged(d->nd) ?
		"true" : "false");
	fputs(",\n  \"module_id\": ", f);
	json_str(f, d->module_id);
	fputs(",\n  \"digest\": ", f);
	json_str(f, nsm_doc_digest(d->nd));
	fprintf(f, ",\n  \"timestamp\": %llu",
		(unsigned long long)d->timestamp);
	fmt_time_ms((int64_t)d->timestamp, t, sizeof(t));
	fputs(",\n  \"time\": ", f);
	json_str(f, t);
	fprintf(f, ",\n  \"debug\": %s", d->debug ? "true" : "false");
	fputs(",\n  \"pcrs\": {", f);
	for (size_t i = 0, k = nsm_doc_pcr_count(d->nd); i < k; i++) {
		uint32_t idx;

		if (nsm_doc_pcr_at(d->nd, i, &idx, &b, &n) || !b)
			continue;
		fprintf(f, "%s\n    \"%u\": ", i ? "," : "", idx);
		json_hex(f, b, n);
	}
	fputs("\n  },\n  \"certificate\": ", f);
	json_cert(f, &d->leaf);
	fputs(",\n  \"cabundle\": [", f);
	for (size_t i = 0; i < d->ncab; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_cert(f, &d->cab[i]);
	}
	fputs("\n  ]", f);
	{
		enum nsm_presence p = nsm_doc_public_key(d->nd, &b, &n);

		json_opt(f, "public_key", p, b, n);
		p = nsm_doc_user_data(d->nd, &b, &n);
		json_opt(f, "user_data", p, b, n);
		p = nsm_doc_nonce(d->nd, &b, &n);
		json_opt(f, "nonce", p, b, n);
	}
	fputs("\n}", f);
}
