// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Evaluation of an AWS KMS key policy's attestation conditions
 * (kms:RecipientAttestation:ImageSha384 and kms:RecipientAttestation:PCR<n>,
 * AWS KMS developer guide "Condition keys for AWS Nitro Enclaves") against
 * a document. ImageSha384 is PCR0. Condition key names are matched without
 * regard to case, as IAM does; values are compared as hex, exactly under
 * StringEquals (KMS renders measurements in lower case) and without regard
 * to case under StringEqualsIgnoreCase. A condition given a list of
 * values holds when any of them matches.
 *
 * Only "Allow" statements carrying at least one attestation condition are
 * considered; the document passes when every attestation condition of at
 * least one of them holds.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "internal.h"

#define PREFIX "kms:RecipientAttestation:"

/* PCR index a condition key refers to, or -1 if not an attestation key. */
static int attest_key(const char *key)
{
	size_t pl = strlen(PREFIX);
	const char *s;
	int v = 0;

	if (strncasecmp(key, PREFIX, pl))
		return -1;
	s = key + pl;
	if (!strcasecmp(s, "ImageSha384"))
		return 0;
	if (strncasecmp(s, "PCR", 3) || !s[3] || strlen(s + 3) > 2)
		return -2;
	for (s += 3; *s; s++) {
		if (*s < '0' || *s > '9')
			return -2;
		v = v * 10 + (*s - '0');
	}
	return v < NSM_MAX_PCRS ? v : -2;
}

static bool value_matches(const char *want, const char *have, bool icase)
{
	return icase ? !strcasecmp(want, have) : !strcmp(want, have);
}

/*
 * One condition: does the document's PCR @idx match @val (string or array
 * of strings)? Writes a reason to @why on failure.
 */
static bool cond_holds(const struct nsm_doc *doc, int idx, const char *key,
		       struct json_object *val, bool icase, char *why,
		       size_t whylen)
{
	char hex[2 * NSM_PCR_MAX_LEN + 1];
	const uint8_t *pcr;
	size_t len, i, n;

	pcr = nsm_doc_pcr(doc, (uint32_t)idx, &len);
	if (!pcr || len > NSM_PCR_MAX_LEN) {
		snprintf(why, whylen, "%s: the document has no PCR%d", key, idx);
		return false;
	}
	hex_encode(hex, pcr, len);
	if (json_object_is_type(val, json_type_string))
		return value_matches(json_object_get_string(val), hex, icase) ||
		       (snprintf(why, whylen, "%s: PCR%d %.16s... differs", key, idx, hex), false);
	if (json_object_is_type(val, json_type_array)) {
		n = json_object_array_length(val);
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(val, i);

			if (json_object_is_type(e, json_type_string) &&
			    value_matches(json_object_get_string(e), hex, icase))
				return true;
		}
		snprintf(why, whylen, "%s: PCR%d %.16s... matches none of %zu values",
			 key, idx, hex, n);
		return false;
	}
	snprintf(why, whylen, "%s: value is neither a string nor a list", key);
	return false;
}

/* Evaluate one statement: *has = it carries attestation conditions. */
static bool statement_holds(const struct nsm_doc *doc, struct json_object *st,
			    bool *has, size_t *nconds, char *why, size_t whylen)
{
	struct json_object *cond, *eff;
	bool ok = true;

	*has = false;
	*nconds = 0;
	if (!json_object_is_type(st, json_type_object) ||
	    !json_object_object_get_ex(st, "Condition", &cond) ||
	    !json_object_is_type(cond, json_type_object))
		return false;
	if (json_object_object_get_ex(st, "Effect", &eff) &&
	    strcmp(json_object_get_string(eff), "Allow"))
		return false;
	json_object_object_foreach(cond, op, keys) {
		bool supported = !strcmp(op, "StringEquals") ||
				 !strcmp(op, "StringEqualsIgnoreCase");

		if (!json_object_is_type(keys, json_type_object))
			continue;
		json_object_object_foreach(keys, key, val) {
			int idx = attest_key(key);

			if (idx == -1)
				continue;
			*has = true;
			(*nconds)++;
			if (!ok)
				continue;
			if (idx == -2) {
				snprintf(why, whylen, "unknown condition key %s", key);
				ok = false;
			} else if (!supported) {
				snprintf(why, whylen, "%s: operator %s is not supported", key, op);
				ok = false;
			} else if (!cond_holds(doc, idx, key, val,
					       !strcmp(op, "StringEqualsIgnoreCase"),
					       why, whylen)) {
				ok = false;
			}
		}
	}
	return *has && ok;
}

int nsm__kms_eval(const char *json, const struct nsm_doc *doc, bool *ok,
		  char *msg, size_t msglen)
{
	struct json_tokener *tok;
	struct json_object *root, *stmts;
	size_t i, n, relevant = 0, nconds;
	char why[256] = "";
	int ret = 0;

	*ok = false;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, (int)strnlen(json, INT32_MAX));
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(msg, msglen, "not valid JSON: %s",
			 json_tokener_get_error(tok) == json_tokener_continue ?
			 "unexpected end of input" :
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		ret = -EINVAL;
		goto out;
	}
	for (i = json_tokener_get_parse_end(tok); json[i]; i++)
		if (!isspace((unsigned char)json[i]))
			break;
	if (json[i]) {
		snprintf(msg, msglen, "not valid JSON: text after the policy");
		ret = -EINVAL;
		goto out;
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "Statement", &stmts)) {
		snprintf(msg, msglen, "not a key policy: no \"Statement\"");
		ret = -EINVAL;
		goto out;
	}
	n = json_object_is_type(stmts, json_type_array) ?
	    json_object_array_length(stmts) : 1;
	for (i = 0; i < n; i++) {
		struct json_object *st = json_object_is_type(stmts, json_type_array) ?
					 json_object_array_get_idx(stmts, i) : stmts;
		struct json_object *sid;
		char swhy[256] = "";
		bool has;

		if (statement_holds(doc, st, &has, &nconds, swhy, sizeof(swhy))) {
			*ok = true;
			snprintf(msg, msglen, "statement %s: all %zu attestation conditions hold",
				 json_object_object_get_ex(st, "Sid", &sid) ?
				 json_object_get_string(sid) : "(no Sid)", nconds);
			goto out;
		}
		if (has) {
			relevant++;
			if (!why[0])
				snprintf(why, sizeof(why), "%s", swhy);
		}
	}
	if (!relevant)
		snprintf(msg, msglen,
			 "no Allow statement has kms:RecipientAttestation conditions");
	else
		snprintf(msg, msglen, "no statement allows this document: %s", why);
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}
