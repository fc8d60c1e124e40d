// SPDX-License-Identifier: GPL-2.0
/*
 * Key policies: the subset of AWS's policy grammar that attestation needs,
 * and nothing silently ignored. A policy using anything outside the subset
 * is refused at CreateKey/PutKeyPolicy with MalformedPolicyDocumentException
 * naming the element, so a policy never means less than its author wrote.
 *
 * Supported:
 *   Version    "2012-10-17" or "2008-10-17"; Id: any string
 *   Statement  one object or a list of them, each with
 *     Sid        string (optional)
 *     Effect     "Allow" or "Deny"
 *     Principal  "*" or {"AWS": string or list}: nsm-kmsd has no
 *                identities, every caller matches every principal
 *     Action     "*" or "kms:<name>", '*' and '?' wildcards, any case; a
 *                string or a list
 *     Resource   "*" or key ARNs (wildcards allowed); a string or a list
 *     Condition  {"StringEquals" | "StringEqualsIgnoreCase":
 *                  {"kms:RecipientAttestation:ImageSha384" |
 *                   "kms:RecipientAttestation:PCR<0-31>": string or list}}
 * Not supported (refused): NotAction, NotPrincipal, NotResource, any other
 * condition operator (including ...IfExists, ForAnyValue:, Null) or key.
 *
 * Evaluation follows IAM: an explicit Deny wins, else an Allow, else the
 * request is denied. A condition on an attestation key holds only when the
 * request carries a verified Recipient whose document has that PCR and one
 * of the listed values equals it (exactly under StringEquals, ignoring case
 * under StringEqualsIgnoreCase); ImageSha384 is PCR0.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kmsd.h"

#define ATTEST_PREFIX "kms:RecipientAttestation:"

struct cond {
	int pcr;
	bool icase;
	char *key;		/* as written, for messages */
	char **values;
	size_t nvalues;
};

struct stmt {
	char label[80];		/* Sid, or "#<n>" */
	bool deny;
	char **actions;
	size_t nactions;
	char **resources;
	size_t nresources;
	struct cond *conds;
	size_t nconds;
};

struct kms_policy {
	struct stmt *stmts;
	size_t nstmts;
};

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void kms_policy_free(struct kms_policy **pp)
{
	struct kms_policy *p = pp ? *pp : NULL;
	size_t i, j;

	if (!p)
		return;
	for (i = 0; i < p->nstmts; i++) {
		struct stmt *s = &p->stmts[i];

		strv_free(s->actions, s->nactions);
		strv_free(s->resources, s->nresources);
		for (j = 0; j < s->nconds; j++) {
			free(s->conds[j].key);
			strv_free(s->conds[j].values, s->conds[j].nvalues);
		}
		free(s->conds);
	}
	free(p->stmts);
	free(p);
	*pp = NULL;
}

#define BAD(...) kms_fail(st, KMS_E_MALFORMED_POLICY, __VA_ARGS__)

/* A string or a non-empty list of strings, copied into @out. */
static int strings(struct kms_status *st, const char *where, json_object *v,
		   char ***out, size_t *n)
{
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (json_object_is_type(v, json_type_string)) {
		*out = calloc(1, sizeof(char *));
		if (!*out || !(**out = strdup(json_object_get_string(v))))
			return kms_fail(st, KMS_E_INTERNAL, "out of memory");
		*n = 1;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array) ||
	    !(len = json_object_array_length(v)))
		return BAD("%s must be a string or a non-empty list of strings",
			   where);
	*out = calloc(len, sizeof(char *));
	if (!*out)
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	for (i = 0; i < len; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string)) {
			*n = i;
			return BAD("%s must be a string or a non-empty list of strings",
				   where);
		}
		(*out)[i] = strdup(json_object_get_string(e));
		if (!(*out)[i]) {
			*n = i;
			return kms_fail(st, KMS_E_INTERNAL, "out of memory");
		}
	}
	*n = len;
	return 0;
}

/* PCR index of an attestation condition key, -1 if it is not one. */
static int attest_pcr(const char *key)
{
	size_t pl = strlen(ATTEST_PREFIX);
	const char *s;
	int v = 0;

	if (strncasecmp(key, ATTEST_PREFIX, pl))
		return -1;
	s = key + pl;
	if (!strcasecmp(s, "ImageSha384"))
		return 0;
	if (strncasecmp(s, "PCR", 3) || !s[3] || strlen(s + 3) > 2 ||
	    (s[3] == '0' && s[4]))
		return -1;
	for (s += 3; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v < 32 ? v : -1;
}

static int parse_action(struct kms_status *st, const char *label,
			const char *a)
{
	const char *p;

	if (!strcmp(a, "*"))
		return 0;
	if (strncasecmp(a, "kms:", 4) || !a[4])
		return BAD("statement %s: Action \"%.100s\" is not supported: only \"*\" and kms:<operation> actions are",
			   label, a);
	for (p = a + 4; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '*' && *p != '?')
			return BAD("statement %s: Action \"%.100s\" is not a kms action name",
				   label, a);
	return 0;
}

static int parse_conditions(struct kms_status *st, struct stmt *s,
			    json_object *c)
{
	size_t n = 0;

	if (!json_object_is_type(c, json_type_object))
		return BAD("statement %s: Condition must be an object", s->label);
	json_object_object_foreach(c, op, keys) {
		if (strcmp(op, "StringEquals") &&
		    strcmp(op, "StringEqualsIgnoreCase"))
			return BAD("statement %s: condition operator \"%.100s\" is not supported (nsm-kmsd supports StringEquals and StringEqualsIgnoreCase)",
				   s->label, op);
		if (!json_object_is_type(keys, json_type_object) ||
		    !json_object_object_length(keys))
			return BAD("statement %s: %s must be a non-empty object",
				   s->label, op);
		n += (size_t)json_object_object_length(keys);
	}
	s->conds = calloc(n ? n : 1, sizeof(*s->conds));
	if (!s->conds)
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	json_object_object_foreach(c, op2, keys2) {
		json_object_object_foreach(keys2, key, val) {
			struct cond *cd = &s->conds[s->nconds];
			char where[300];

			cd->pcr = attest_pcr(key);
			if (cd->pcr < 0)
				return BAD("statement %s: condition key \"%.100s\" is not supported (nsm-kmsd supports kms:RecipientAttestation:ImageSha384 and kms:RecipientAttestation:PCR0 to PCR31)",
					   s->label, key);
			cd->icase = !strcmp(op2, "StringEqualsIgnoreCase");
			cd->key = strdup(key);
			if (!cd->key)
				return kms_fail(st, KMS_E_INTERNAL, "out of memory");
			s->nconds++;
			snprintf(where, sizeof(where), "statement %s: %s value",
				 s->label, key);
			if (strings(st, where, val, &cd->values, &cd->nvalues))
				return -1;
		}
	}
	return 0;
}

static int parse_principal(struct kms_status *st, const char *label,
			   json_object *p)
{
	if (json_object_is_type(p, json_type_string)) {
		if (strcmp(json_object_get_string(p), "*"))
			return BAD("statement %s: Principal must be \"*\" or {\"AWS\": ...}",
				   label);
		return 0;
	}
	if (!json_object_is_type(p, json_type_object))
		return BAD("statement %s: Principal must be \"*\" or {\"AWS\": ...}",
			   label);
	json_object_object_foreach(p, k, v) {
		char **tmp;
		size_t n;

		if (strcmp(k, "AWS"))
			return BAD("statement %s: Principal \"%.100s\" is not supported (only \"AWS\" principals)",
				   label, k);
		if (strings(st, "Principal AWS", v, &tmp, &n)) {
			strv_free(tmp, n);
			return -1;
		}
		strv_free(tmp, n);
	}
	return 0;
}

static int parse_stmt(struct kms_status *st, struct stmt *s, size_t idx,
		      json_object *o)
{
	json_object *v;
	size_t i;

	snprintf(s->label, sizeof(s->label), "#%zu", idx + 1);
	if (!json_object_is_type(o, json_type_object))
		return BAD("statement #%zu is not an object", idx + 1);
	if (json_object_object_get_ex(o, "Sid", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return BAD("statement #%zu: Sid must be a string", idx + 1);
		snprintf(s->label, sizeof(s->label), "\"%.60s\"",
			 json_object_get_string(v));
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!strcmp(key, "NotAction") || !strcmp(key, "NotPrincipal") ||
		    !strcmp(key, "NotResource"))
			return BAD("statement %s: %s is not supported by nsm-kmsd",
				   s->label, key);
		if (strcmp(key, "Sid") && strcmp(key, "Effect") &&
		    strcmp(key, "Principal") && strcmp(key, "Action") &&
		    strcmp(key, "Resource") && strcmp(key, "Condition"))
			return BAD("statement %s: unknown element \"%.100s\"",
				   s->label, key);
	}
	if (!json_object_object_get_ex(o, "Effect", &v) ||
	    !json_object_is_type(v, json_type_string))
		return BAD("statement %s: Effect is missing", s->label);
	if (!strcmp(json_object_get_string(v), "Deny"))
		s->deny = true;
	else if (strcmp(json_object_get_string(v), "Allow"))
		return BAD("statement %s: Effect must be \"Allow\" or \"Deny\"",
			   s->label);
	if (!json_object_object_get_ex(o, "Principal", &v))
		return BAD("statement %s: Principal is missing (key policies require one)",
			   s->label);
	if (parse_principal(st, s->label, v))
		return -1;
	if (!json_object_object_get_ex(o, "Action", &v))
		return BAD("statement %s: Action is missing", s->label);
	if (strings(st, "Action", v, &s->actions, &s->nactions))
		return -1;
	for (i = 0; i < s->nactions; i++)
		if (parse_action(st, s->label, s->actions[i]))
			return -1;
	if (!json_object_object_get_ex(o, "Resource", &v))
		return BAD("statement %s: Resource is missing", s->label);
	if (strings(st, "Resource", v, &s->resources, &s->nresources))
		return -1;
	for (i = 0; i < s->nresources; i++)
		if (strcmp(s->resources[i], "*") &&
		    strncmp(s->resources[i], "arn:aws:kms:", 12))
			return BAD("statement %s: Resource \"%.100s\" is not supported: \"*\" or a key ARN",
				   s->label, s->resources[i]);
	if (json_object_object_get_ex(o, "Condition", &v) &&
	    parse_conditions(st, s, v))
		return -1;
	return 0;
}

int kms_policy_parse(struct kms_policy **out, struct kms_status *st,
		     const char *text, size_t len)
{
	struct json_tokener *tok;
	struct kms_policy *p = NULL;
	json_object *root, *v;
	size_t i, n;

	*out = NULL;
	if (!len || len > KMS_POLICY_MAX)
		return BAD("the policy must be 1 to %d characters",
			   KMS_POLICY_MAX);
	tok = json_tokener_new_ex(64);
	if (!tok)
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)len) {
		bool trailing = root != NULL;

		json_object_put(root);
		json_tokener_free(tok);
		return BAD("the policy is not JSON%s", trailing ?
			   " (text after the document)" : "");
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object)) {
		BAD("the policy must be a JSON object");
		goto fail;
	}
	json_object_object_foreach(root, key, val) {
		(void)val;
		if (strcmp(key, "Version") && strcmp(key, "Id") &&
		    strcmp(key, "Statement")) {
			BAD("unknown policy element \"%.100s\"", key);
			goto fail;
		}
	}
	if (json_object_object_get_ex(root, "Version", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	     (strcmp(json_object_get_string(v), "2012-10-17") &&
	      strcmp(json_object_get_string(v), "2008-10-17")))) {
		BAD("Version must be \"2012-10-17\" or \"2008-10-17\"");
		goto fail;
	}
	if (json_object_object_get_ex(root, "Id", &v) &&
	    !json_object_is_type(v, json_type_string)) {
		BAD("Id must be a string");
		goto fail;
	}
	if (!json_object_object_get_ex(root, "Statement", &v)) {
		BAD("the policy has no Statement");
		goto fail;
	}
	n = json_object_is_type(v, json_type_array) ?
		json_object_array_length(v) : 1;
	if (!n) {
		BAD("Statement is empty");
		goto fail;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->stmts = calloc(n, sizeof(*p->stmts)))) {
		kms_fail(st, KMS_E_INTERNAL, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		json_object *o = json_object_is_type(v, json_type_array) ?
			json_object_array_get_idx(v, i) : v;

		p->nstmts++;
		if (parse_stmt(st, &p->stmts[i], i, o))
			goto fail;
	}
	json_object_put(root);
	*out = p;
	return 0;
fail:
	kms_policy_free(&p);
	json_object_put(root);
	return -1;
}

/* IAM wildcards: '*' any run, '?' one character; @icase for actions. */
static bool glob(const char *pat, const char *s, bool icase)
{
	const char *star = NULL, *back = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			back = s;
		} else if (*pat == '?' ||
			   (icase ? tolower((unsigned char)*pat) ==
				    tolower((unsigned char)*s) : *pat == *s)) {
			if (!*pat)
				return false;
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++back;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

static bool any_glob(char **pats, size_t n, const char *s, bool icase)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (glob(pats[i], s, icase))
			return true;
	return false;
}

/* Does @c hold for @req? If not, @why says why. */
static bool cond_holds(const struct cond *c, const struct kms_policy_req *req,
		       char *why, size_t why_len)
{
	const char *have;
	size_t i;

	if (!req->has_recipient) {
		snprintf(why, why_len,
			 "%s requires a Recipient attestation document and the request has none",
			 c->key);
		return false;
	}
	have = req->pcr_hex[c->pcr];
	if (!have) {
		snprintf(why, why_len,
			 "%s: the attestation document has no PCR%d", c->key,
			 c->pcr);
		return false;
	}
	for (i = 0; i < c->nvalues; i++)
		if (c->icase ? !strcasecmp(c->values[i], have) :
			       !strcmp(c->values[i], have))
			return true;
	snprintf(why, why_len,
		 "%s: the attestation document's PCR%d is %.96s, the policy wants %.96s%s",
		 c->key, c->pcr, have, c->values[0],
		 c->nvalues > 1 ? " (or another listed value)" : "");
	return false;
}

enum kms_decision kms_policy_eval(const struct kms_policy *p,
				  const struct kms_policy_req *req,
				  char *why, size_t why_len)
{
	char first_miss[700] = "", tmp[400];
	bool allowed = false;
	size_t i, j;

	for (i = 0; i < p->nstmts; i++) {
		const struct stmt *s = &p->stmts[i];
		bool holds = true;

		if (!any_glob(s->actions, s->nactions, req->action, true) ||
		    !any_glob(s->resources, s->nresources, req->key_arn, false))
			continue;
		for (j = 0; j < s->nconds && holds; j++)
			holds = cond_holds(&s->conds[j], req, tmp, sizeof(tmp));
		if (!holds) {
			if (!s->deny && !first_miss[0])
				snprintf(first_miss, sizeof(first_miss),
					 "statement %s does not apply: %s",
					 s->label, tmp);
			continue;
		}
		if (s->deny) {
			snprintf(why, why_len,
				 "explicit deny in the key policy: statement %s denies %s",
				 s->label, req->action);
			return KMS_POLICY_EXPLICIT_DENY;
		}
		allowed = true;
	}
	if (allowed) {
		snprintf(why, why_len, "allowed");
		return KMS_POLICY_ALLOW;
	}
	if (first_miss[0])
		snprintf(why, why_len, "no statement of the key policy allows %s; %s",
			 req->action, first_miss);
	else
		snprintf(why, why_len,
			 "no statement of the key policy allows %s", req->action);
	return KMS_POLICY_IMPLICIT_DENY;
}

char *kms_default_policy(const char *account)
{
	char *s;

	if (asprintf(&s,
		     "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n"
		     "  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n"
		     "    \"Effect\" : \"Allow\",\n"
		     "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::%s:root\"\n    },\n"
		     "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}",
		     account) < 0)
		return NULL;
	return s;
}
