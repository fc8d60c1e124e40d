// SPDX-License-Identifier: GPL-2.0
/*
 * The KMS operations, with KMS's member names, limits and errors
 * (Documentation/kms.rst lists them and where nsm-kmsd differs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "kmsd.h"

/* ---- request members ---------------------------------------------- */

/* lower camel case, as KMS's validation messages name members */
static const char *lcc(const char *member, char *buf, size_t len)
{
	snprintf(buf, len, "%s", member);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

static int type_error(struct kms_status *st, const char *member,
		      const char *want)
{
	return kms_fail(st, KMS_E_SERIALIZATION,
			"%s must be %s", member, want);
}

/*
 * A string member: 0 with *@out set (or NULL when absent and not
 * @required), -1 with @st set.
 */
static int get_string(struct kms_status *st, json_object *req,
		      const char *member, bool required, size_t min,
		      size_t max, const char **out)
{
	json_object *v;
	char lc[64];
	size_t len;

	*out = NULL;
	if (!json_object_object_get_ex(req, member, &v) ||
	    json_object_is_type(v, json_type_null)) {
		if (required)
			return kms_fail(st, KMS_E_VALIDATION,
					"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
					lcc(member, lc, sizeof(lc)));
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return type_error(st, member, "a string");
	len = (size_t)json_object_get_string_len(v);
	if (len < min || len > max)
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length %s %zu",
				lcc(member, lc, sizeof(lc)),
				len < min ? "greater than or equal to" :
				"less than or equal to", len < min ? min : max);
	*out = json_object_get_string(v);
	return 0;
}

/* A blob member (base64): *@out malloc()ed, NULL when absent. */
static int get_blob(struct kms_status *st, json_object *req,
		    const char *member, bool required, size_t max,
		    uint8_t **out, size_t *out_len)
{
	const char *s;
	char lc[64];

	*out = NULL;
	*out_len = 0;
	if (get_string(st, req, member, required, 0, 4 * (max + 2) / 3 + 4, &s))
		return -1;
	if (!s)
		return 0;
	if (kms_b64_decode(out, out_len, s, strlen(s)))
		return kms_fail(st, KMS_E_SERIALIZATION,
				"%s is not base64", member);
	if (!*out_len || *out_len > max) {
		kms_wipe(*out, *out_len);
		free(*out);
		*out = NULL;
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between 1 and %zu",
				lcc(member, lc, sizeof(lc)), max);
	}
	return 0;
}

/* An integer member; *@present says whether it was given. */
static int get_int(struct kms_status *st, json_object *req,
		   const char *member, long min, long max, long *out,
		   bool *present)
{
	json_object *v;
	char lc[64];
	int64_t n;

	*present = false;
	if (!json_object_object_get_ex(req, member, &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return type_error(st, member, "an integer");
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value '%lld' at '%s' failed to satisfy constraint: Member must have value %s %ld",
				(long long)n, lcc(member, lc, sizeof(lc)),
				n < min ? "greater than or equal to" :
				"less than or equal to", n < min ? min : max);
	*out = (long)n;
	*present = true;
	return 0;
}

static int get_bool(struct kms_status *st, json_object *req,
		    const char *member, bool *out)
{
	json_object *v;

	*out = false;
	if (!json_object_object_get_ex(req, member, &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return type_error(st, member, "a boolean");
	*out = json_object_get_boolean(v);
	return 0;
}

/* EncryptionContext: an object of strings; NULL when absent or empty. */
static int get_context(struct kms_status *st, json_object *req,
		       json_object **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(req, "EncryptionContext", &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return type_error(st, "EncryptionContext",
				  "an object of strings");
	json_object_object_foreach(v, k, val) {
		(void)k;
		if (!json_object_is_type(val, json_type_string))
			return type_error(st, "EncryptionContext",
					  "an object of strings");
	}
	if (json_object_object_length(v))
		*out = v;
	return 0;
}

/* Members nsm-kmsd has no use for but must not ignore. */
static int common_checks(struct kms_status *st, json_object *req)
{
	json_object *v;
	const char *alg;

	if (json_object_object_get_ex(req, "GrantTokens", &v) &&
	    !json_object_is_type(v, json_type_null) &&
	    (!json_object_is_type(v, json_type_array) ||
	     json_object_array_length(v)))
		return kms_fail(st, KMS_E_INVALID_GRANT_TOKEN,
				"nsm-kmsd has no grants: GrantTokens must be empty");
	if (get_string(st, req, "EncryptionAlgorithm", false, 1, 64, &alg))
		return -1;
	if (alg && strcmp(alg, "SYMMETRIC_DEFAULT"))
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value '%.64s' at 'encryptionAlgorithm' failed to satisfy constraint: nsm-kmsd's keys are SYMMETRIC_DEFAULT",
				alg);
	if (json_object_object_get_ex(req, "CustomKeyStoreId", &v) &&
	    !json_object_is_type(v, json_type_null))
		return kms_fail(st, KMS_E_UNSUPPORTED,
				"nsm-kmsd has no custom key stores");
	return 0;
}

static int dry_run(struct kms_status *st, json_object *req, bool *dry)
{
	if (get_bool(st, req, "DryRun", dry))
		return -1;
	return 0;
}

static int dry_run_done(struct kms_status *st)
{
	return kms_fail(st, KMS_E_DRY_RUN,
			"The request would have succeeded, but the DryRun option is set.");
}

static int no_recipient(struct kms_status *st, json_object *req,
			const char *op)
{
	json_object *v;

	if (json_object_object_get_ex(req, "Recipient", &v) &&
	    !json_object_is_type(v, json_type_null))
		return kms_fail(st, KMS_E_VALIDATION,
				"%s takes no Recipient (KMS accepts it on Decrypt, GenerateDataKey and GenerateRandom)",
				op);
	return 0;
}

/* ---- keys --------------------------------------------------------- */

static void key_arn(const struct kms_ctx *ctx, const char *id, char *buf,
		    size_t len)
{
	snprintf(buf, len, "arn:aws:kms:%s:%s:key/%s", ctx->region,
		 ctx->account, id);
}

static void alias_arn(const struct kms_ctx *ctx, const char *name, char *buf,
		      size_t len)
{
	snprintf(buf, len, "arn:aws:kms:%s:%s:%s", ctx->region, ctx->account,
		 name);
}

/*
 * resolve_key() - the key a KeyId names: key id, key ARN, and when
 * @aliases, alias name or alias ARN
 */
static int resolve_key(struct kms_ctx *ctx, struct kms_status *st,
		       const char *key_id, bool aliases, struct kms_key **out)
{
	char prefix[256], target[KMSD_UUID_LEN + 1], arn[512];
	const char *rest = key_id, *id = NULL;
	size_t pl;

	*out = NULL;
	pl = (size_t)snprintf(prefix, sizeof(prefix), "arn:aws:kms:%s:%s:",
			      ctx->region, ctx->account);
	if (!strncmp(key_id, "arn:", 4)) {
		if (strncmp(key_id, prefix, pl)) {
			if (strncmp(key_id, "arn:aws:kms:", 12))
				return kms_fail(st, KMS_E_NOT_FOUND,
						"Invalid arn %.300s", key_id);
			return kms_fail(st, KMS_E_NOT_FOUND,
					"Key '%.300s' does not exist (nsm-kmsd serves region %s, account %s)",
					key_id, ctx->region, ctx->account);
		}
		rest = key_id + pl;
		if (!strncmp(rest, "key/", 4)) {
			id = rest + 4;
		} else if (strncmp(rest, "alias/", 6)) {
			return kms_fail(st, KMS_E_NOT_FOUND,
					"Invalid arn %.300s", key_id);
		}
	} else if (strncmp(key_id, "alias/", 6)) {
		id = key_id;
	}
	if (!id) {
		if (!aliases)
			return kms_fail(st, KMS_E_NOT_FOUND,
					"Invalid keyId '%.300s': this operation takes a key ID or key ARN, not an alias",
					key_id);
		if (kms_store_alias_target(ctx->store, rest, target)) {
			alias_arn(ctx, rest, arn, sizeof(arn));
			return kms_fail(st, KMS_E_NOT_FOUND,
					"Alias %.300s is not found.", arn);
		}
		id = target;
	}
	if (!kms_is_uuid(id))
		return kms_fail(st, KMS_E_NOT_FOUND, "Invalid keyId '%.300s'",
				key_id);
	if (kms_store_get_key(ctx->store, id, out)) {
		key_arn(ctx, id, arn, sizeof(arn));
		return kms_fail(st, KMS_E_NOT_FOUND, "Key '%s' does not exist",
				arn);
	}
	return 0;
}

/* The key policy's word on @action; AccessDeniedException otherwise. */
static int authorize(struct kms_ctx *ctx, struct kms_status *st,
		     const struct kms_key *k, const char *action,
		     const struct kms_recipient *r)
{
	struct kms_policy_req pr = { 0 };
	enum kms_decision d;
	char arn[256], why[800];
	size_t i;

	key_arn(ctx, k->id, arn, sizeof(arn));
	pr.action = action;
	pr.key_arn = arn;
	if (r) {
		pr.has_recipient = true;
		for (i = 0; i < 32; i++)
			pr.pcr_hex[i] = r->pcr_hex[i];
	}
	d = kms_policy_eval(k->policy, &pr, why, sizeof(why));
	if (d == KMS_POLICY_ALLOW)
		return 0;
	return kms_fail(st, KMS_E_ACCESS_DENIED,
			"User: arn:aws:iam::%s:root is not authorized to perform: %s on resource: %s %s (%s)",
			ctx->account, action, arn,
			d == KMS_POLICY_EXPLICIT_DENY ?
			"with an explicit deny in a resource-based policy" :
			"because no resource-based policy allows the action",
			why);
}

static json_object *key_metadata(const struct kms_ctx *ctx,
				 const struct kms_key *k)
{
	json_object *m = json_object_new_object(), *algs;
	char arn[256];

	if (!m)
		return NULL;
	key_arn(ctx, k->id, arn, sizeof(arn));
	json_object_object_add(m, "AWSAccountId",
			       json_object_new_string(ctx->account));
	json_object_object_add(m, "KeyId", json_object_new_string(k->id));
	json_object_object_add(m, "Arn", json_object_new_string(arn));
	json_object_object_add(m, "CreationDate",
			       kms_json_date(k->created));
	json_object_object_add(m, "Enabled", json_object_new_boolean(1));
	json_object_object_add(m, "Description",
			       json_object_new_string(k->description));
	json_object_object_add(m, "KeyUsage",
			       json_object_new_string("ENCRYPT_DECRYPT"));
	json_object_object_add(m, "KeyState", json_object_new_string("Enabled"));
	json_object_object_add(m, "Origin", json_object_new_string("AWS_KMS"));
	json_object_object_add(m, "KeyManager", json_object_new_string("CUSTOMER"));
	json_object_object_add(m, "CustomerMasterKeySpec",
			       json_object_new_string("SYMMETRIC_DEFAULT"));
	json_object_object_add(m, "KeySpec",
			       json_object_new_string("SYMMETRIC_DEFAULT"));
	algs = json_object_new_array();
	json_object_array_add(algs, json_object_new_string("SYMMETRIC_DEFAULT"));
	json_object_object_add(m, "EncryptionAlgorithms", algs);
	json_object_object_add(m, "MultiRegion", json_object_new_boolean(0));
	return m;
}

static void put_blob(json_object *resp, const char *member,
		     const uint8_t *data, size_t len)
{
	char *b64 = kms_b64_encode(data, len);

	if (b64) {
		json_object_object_add(resp, member, json_object_new_string(b64));
		kms_wipe(b64, strlen(b64));
	}
	free(b64);
}

/*
 * check_new_policy() - parse a policy for CreateKey/PutKeyPolicy and apply
 * KMS's lockout safety check: unless bypassed, the policy must let the
 * caller change it again
 */
static int check_new_policy(struct kms_ctx *ctx, struct kms_status *st,
			    const char *text, const char *key_id, bool bypass,
			    struct kms_policy **out)
{
	struct kms_policy_req pr = { 0 };
	char arn[256], why[800];

	if (kms_policy_parse(out, st, text, strlen(text)))
		return -1;
	if (bypass)
		return 0;
	key_arn(ctx, key_id, arn, sizeof(arn));
	pr.action = "kms:PutKeyPolicy";
	pr.key_arn = arn;
	if (kms_policy_eval(*out, &pr, why, sizeof(why)) != KMS_POLICY_ALLOW) {
		kms_policy_free(out);
		return kms_fail(st, KMS_E_MALFORMED_POLICY,
				"The new key policy will not allow you to update the key policy in the future (it must allow kms:PutKeyPolicy without a Recipient; set BypassPolicyLockoutSafetyCheck to store it anyway)");
	}
	return 0;
}

static int op_create_key(struct kms_ctx *ctx, struct kms_status *st,
			 json_object *req, json_object *resp)
{
	const char *policy_text, *desc, *usage, *spec, *cmk_spec, *origin;
	struct kms_policy *policy = NULL;
	struct kms_key *k = NULL;
	char *def = NULL;
	bool bypass, multi;
	json_object *v;
	int ret;

	if (get_string(st, req, "Policy", false, 1, KMS_POLICY_MAX, &policy_text) ||
	    get_string(st, req, "Description", false, 0, KMS_DESCRIPTION_MAX, &desc) ||
	    get_string(st, req, "KeyUsage", false, 1, 64, &usage) ||
	    get_string(st, req, "KeySpec", false, 1, 64, &spec) ||
	    get_string(st, req, "CustomerMasterKeySpec", false, 1, 64, &cmk_spec) ||
	    get_string(st, req, "Origin", false, 1, 64, &origin) ||
	    get_bool(st, req, "BypassPolicyLockoutSafetyCheck", &bypass) ||
	    get_bool(st, req, "MultiRegion", &multi) || common_checks(st, req))
		return -1;
	if (usage && strcmp(usage, "ENCRYPT_DECRYPT"))
		return kms_fail(st, KMS_E_UNSUPPORTED,
				"nsm-kmsd makes ENCRYPT_DECRYPT keys only, not %.64s", usage);
	if ((spec && strcmp(spec, "SYMMETRIC_DEFAULT")) ||
	    (cmk_spec && strcmp(cmk_spec, "SYMMETRIC_DEFAULT")))
		return kms_fail(st, KMS_E_UNSUPPORTED,
				"nsm-kmsd makes SYMMETRIC_DEFAULT keys only, not %.64s",
				spec && strcmp(spec, "SYMMETRIC_DEFAULT") ? spec : cmk_spec);
	if (origin && strcmp(origin, "AWS_KMS"))
		return kms_fail(st, KMS_E_UNSUPPORTED,
				"nsm-kmsd makes AWS_KMS-origin keys only, not %.64s", origin);
	if (multi)
		return kms_fail(st, KMS_E_UNSUPPORTED,
				"nsm-kmsd has no multi-Region keys");
	if (json_object_object_get_ex(req, "Tags", &v) &&
	    json_object_is_type(v, json_type_array) && json_object_array_length(v))
		return kms_fail(st, KMS_E_UNSUPPORTED, "nsm-kmsd has no tags");
	if (json_object_object_get_ex(req, "XksKeyId", &v))
		return kms_fail(st, KMS_E_UNSUPPORTED,
				"nsm-kmsd has no external key stores");
	if (!policy_text) {
		def = kms_default_policy(ctx->account);
		if (!def)
			return kms_fail(st, KMS_E_INTERNAL, "out of memory");
		policy_text = def;
	}
	/* the lockout check needs an ARN; any id stands for the new key */
	ret = check_new_policy(ctx, st, policy_text,
			       "00000000-0000-4000-8000-000000000000", bypass,
			       &policy);
	if (!ret)
		ret = kms_store_add_key(ctx->store, st, desc ? desc : "",
					policy_text, policy, &k);
	free(def);
	if (ret)
		return -1;
	json_object_object_add(resp, "KeyMetadata", key_metadata(ctx, k));
	kms_log("CreateKey %s", k->id);
	kms_key_free(&k);
	return 0;
}

static int op_describe_key(struct kms_ctx *ctx, struct kms_status *st,
			   json_object *req, json_object *resp)
{
	struct kms_key *k;
	const char *id;

	if (get_string(st, req, "KeyId", true, 1, KMS_KEYID_MAX, &id) ||
	    common_checks(st, req) || resolve_key(ctx, st, id, true, &k))
		return -1;
	if (authorize(ctx, st, k, "kms:DescribeKey", NULL)) {
		kms_key_free(&k);
		return -1;
	}
	json_object_object_add(resp, "KeyMetadata", key_metadata(ctx, k));
	kms_key_free(&k);
	return 0;
}

static int op_list_keys(struct kms_ctx *ctx, struct kms_status *st,
			json_object *req, json_object *resp)
{
	char (*ids)[KMSD_UUID_LEN + 1];
	const char *marker;
	json_object *arr;
	bool present, more;
	long limit = 100;
	size_t n, i;
	char arn[256];

	if (get_int(st, req, "Limit", 1, 1000, &limit, &present) ||
	    get_string(st, req, "Marker", false, 1, 1024, &marker))
		return -1;
	if (marker && !kms_is_uuid(marker))
		return kms_fail(st, KMS_E_INVALID_MARKER,
				"Marker '%.64s' is not a marker this endpoint gave",
				marker);
	ids = calloc((size_t)limit, sizeof(*ids));
	arr = json_object_new_array();
	if (!ids || !arr) {
		free(ids);
		json_object_put(arr);
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	}
	n = kms_store_list_keys(ctx->store, marker, (size_t)limit, ids, &more);
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		key_arn(ctx, ids[i], arn, sizeof(arn));
		json_object_object_add(o, "KeyId", json_object_new_string(ids[i]));
		json_object_object_add(o, "KeyArn", json_object_new_string(arn));
		json_object_array_add(arr, o);
	}
	json_object_object_add(resp, "Keys", arr);
	json_object_object_add(resp, "Truncated", json_object_new_boolean(more));
	if (more && n)
		json_object_object_add(resp, "NextMarker",
				       json_object_new_string(ids[n - 1]));
	free(ids);
	return 0;
}

static int check_alias_name(struct kms_status *st, const char *name)
{
	const char *p;

	if (strncmp(name, "alias/", 6) || !name[6])
		return kms_fail(st, KMS_E_INVALID_ALIAS,
				"Alias must start with the prefix \"alias/\" and name something");
	if (!strncmp(name, "alias/aws/", 10))
		return kms_fail(st, KMS_E_INVALID_ALIAS,
				"Alias names that begin with alias/aws/ are reserved");
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == ':' || *p == '/' ||
		      *p == '_' || *p == '-'))
			return kms_fail(st, KMS_E_VALIDATION,
					"1 validation error detected: Value '%.256s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
					name);
	return 0;
}

static int op_create_alias(struct kms_ctx *ctx, struct kms_status *st,
			   json_object *req, json_object *resp)
{
	const char *name, *target;
	struct kms_key *k;
	int ret;

	(void)resp;
	if (get_string(st, req, "AliasName", true, 1, KMS_ALIAS_MAX, &name) ||
	    get_string(st, req, "TargetKeyId", true, 1, KMS_KEYID_MAX, &target) ||
	    check_alias_name(st, name) ||
	    resolve_key(ctx, st, target, false, &k))
		return -1;
	ret = authorize(ctx, st, k, "kms:CreateAlias", NULL);
	if (!ret)
		ret = kms_store_add_alias(ctx->store, st, name, k->id);
	kms_key_free(&k);
	return ret;
}

static int op_list_aliases(struct kms_ctx *ctx, struct kms_status *st,
			   json_object *req, json_object *resp)
{
	struct kms_alias *a;
	struct kms_key *k = NULL;
	const char *key_id, *marker;
	json_object *arr;
	long limit = 50;
	bool present;
	size_t n, i = 0, given = 0;
	char arn[512];

	if (get_string(st, req, "KeyId", false, 1, KMS_KEYID_MAX, &key_id) ||
	    get_int(st, req, "Limit", 1, 100, &limit, &present) ||
	    get_string(st, req, "Marker", false, 1, 1024, &marker))
		return -1;
	if (key_id && resolve_key(ctx, st, key_id, false, &k))
		return -1;
	n = kms_store_aliases(ctx->store, &a);
	arr = json_object_new_array();
	if (!arr) {
		kms_aliases_free(a, n);
		kms_key_free(&k);
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	}
	if (marker) {
		while (i < n && strcmp(a[i].name, marker) <= 0)
			i++;
	}
	for (; i < n; i++) {
		json_object *o;

		if (k && strcmp(a[i].target, k->id))
			continue;
		if (given == (size_t)limit)
			break;
		o = json_object_new_object();
		alias_arn(ctx, a[i].name, arn, sizeof(arn));
		json_object_object_add(o, "AliasName",
				       json_object_new_string(a[i].name));
		json_object_object_add(o, "AliasArn", json_object_new_string(arn));
		json_object_object_add(o, "TargetKeyId",
				       json_object_new_string(a[i].target));
		json_object_object_add(o, "CreationDate",
				       kms_json_date(a[i].created));
		json_object_object_add(o, "LastUpdatedDate",
				       kms_json_date(a[i].updated));
		json_object_array_add(arr, o);
		given++;
	}
	json_object_object_add(resp, "Aliases", arr);
	json_object_object_add(resp, "Truncated", json_object_new_boolean(i < n));
	if (i < n && given)
		json_object_object_add(resp, "NextMarker",
				       json_object_new_string(a[i - 1].name));
	kms_aliases_free(a, n);
	kms_key_free(&k);
	return 0;
}

static int policy_name(struct kms_status *st, json_object *req)
{
	const char *name;

	if (get_string(st, req, "PolicyName", false, 1, 128, &name))
		return -1;
	if (name && strcmp(name, "default"))
		return kms_fail(st, KMS_E_NOT_FOUND,
				"Policy '%.128s' does not exist: a key has one policy, named default",
				name);
	return 0;
}

static int op_get_key_policy(struct kms_ctx *ctx, struct kms_status *st,
			     json_object *req, json_object *resp)
{
	struct kms_key *k;
	const char *id;

	if (get_string(st, req, "KeyId", true, 1, KMS_KEYID_MAX, &id) ||
	    policy_name(st, req) || resolve_key(ctx, st, id, false, &k))
		return -1;
	if (authorize(ctx, st, k, "kms:GetKeyPolicy", NULL)) {
		kms_key_free(&k);
		return -1;
	}
	json_object_object_add(resp, "Policy",
			       json_object_new_string(k->policy_text));
	json_object_object_add(resp, "PolicyName",
			       json_object_new_string("default"));
	kms_key_free(&k);
	return 0;
}

static int op_put_key_policy(struct kms_ctx *ctx, struct kms_status *st,
			     json_object *req, json_object *resp)
{
	struct kms_policy *policy = NULL;
	const char *id, *text;
	struct kms_key *k;
	bool bypass;
	int ret;

	(void)resp;
	if (get_string(st, req, "KeyId", true, 1, KMS_KEYID_MAX, &id) ||
	    get_string(st, req, "Policy", true, 1, KMS_POLICY_MAX, &text) ||
	    get_bool(st, req, "BypassPolicyLockoutSafetyCheck", &bypass) ||
	    policy_name(st, req) || resolve_key(ctx, st, id, false, &k))
		return -1;
	ret = authorize(ctx, st, k, "kms:PutKeyPolicy", NULL);
	if (!ret)
		ret = check_new_policy(ctx, st, text, k->id, bypass, &policy);
	if (!ret)
		ret = kms_store_set_policy(ctx->store, st, k->id, text, policy);
	if (!ret)
		kms_log("PutKeyPolicy %s", k->id);
	kms_key_free(&k);
	return ret;
}

static int op_encrypt(struct kms_ctx *ctx, struct kms_status *st,
		      json_object *req, json_object *resp)
{
	uint8_t *pt = NULL, *blob = NULL;
	size_t pt_len, blob_len;
	struct kms_key *k = NULL;
	json_object *context;
	const char *id;
	char arn[256];
	bool dry;
	int ret = -1;

	if (get_string(st, req, "KeyId", true, 1, KMS_KEYID_MAX, &id) ||
	    get_context(st, req, &context) || common_checks(st, req) ||
	    dry_run(st, req, &dry) || no_recipient(st, req, "Encrypt") ||
	    get_blob(st, req, "Plaintext", true, KMS_PLAINTEXT_MAX, &pt, &pt_len))
		return -1;
	if (resolve_key(ctx, st, id, true, &k) ||
	    authorize(ctx, st, k, "kms:Encrypt", NULL))
		goto out;
	if (dry) {
		dry_run_done(st);
		goto out;
	}
	if (kms_blob_seal(&blob, &blob_len, k, context, pt, pt_len)) {
		kms_fail(st, KMS_E_INTERNAL, "encryption failed");
		goto out;
	}
	key_arn(ctx, k->id, arn, sizeof(arn));
	put_blob(resp, "CiphertextBlob", blob, blob_len);
	json_object_object_add(resp, "KeyId", json_object_new_string(arn));
	json_object_object_add(resp, "EncryptionAlgorithm",
			       json_object_new_string("SYMMETRIC_DEFAULT"));
	ret = 0;
out:
	kms_wipe(pt, pt_len);
	free(pt);
	free(blob);
	kms_key_free(&k);
	return ret;
}

/*
 * The secret goes back as Plaintext, or with a verified Recipient as
 * CiphertextForRecipient (and no Plaintext), as KMS answers.
 */
static int put_secret(struct kms_status *st, json_object *resp,
		      const struct kms_recipient *r, const uint8_t *secret,
		      size_t len)
{
	uint8_t *env;
	size_t env_len;

	if (!r) {
		put_blob(resp, "Plaintext", secret, len);
		return 0;
	}
	if (kms_cms_envelope(&env, &env_len, r->pkey, r->ski, secret, len))
		return kms_fail(st, KMS_E_INTERNAL,
				"cannot encrypt to the Recipient's key");
	put_blob(resp, "CiphertextForRecipient", env, env_len);
	free(env);
	return 0;
}

/* Recipient, if the request has one: verified into @r; *@have says so. */
static int get_recipient(struct kms_ctx *ctx, struct kms_status *st,
			 json_object *req, struct kms_recipient *r, bool *have)
{
	json_object *v;

	*have = false;
	memset(r, 0, sizeof(*r));
	if (!json_object_object_get_ex(req, "Recipient", &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (kms_recipient_check(r, st, ctx->trust, v))
		return -1;
	*have = true;
	return 0;
}

static int op_decrypt(struct kms_ctx *ctx, struct kms_status *st,
		      json_object *req, json_object *resp)
{
	uint8_t *blob = NULL, *pt = NULL;
	size_t blob_len, pt_len = 0;
	struct kms_key *k = NULL, *named = NULL;
	struct kms_recipient r;
	char id[KMSD_UUID_LEN + 1], arn[256];
	json_object *context;
	const char *key_id;
	bool dry, have_r = false;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	if (get_string(st, req, "KeyId", false, 1, KMS_KEYID_MAX, &key_id) ||
	    get_context(st, req, &context) || common_checks(st, req) ||
	    dry_run(st, req, &dry) ||
	    get_blob(st, req, "CiphertextBlob", true, KMS_CIPHERTEXT_MAX,
		     &blob, &blob_len))
		return -1;
	if (kms_blob_key_id(blob, blob_len, id)) {
		kms_fail(st, KMS_E_INVALID_CIPHERTEXT,
			 "the ciphertext is not a blob nsm-kmsd made (check: blob format)");
		goto out;
	}
	if (key_id) {
		if (resolve_key(ctx, st, key_id, true, &named))
			goto out;
		if (strcmp(named->id, id)) {
			kms_fail(st, KMS_E_INCORRECT_KEY,
				 "The key ID in the request does not identify a CMK that can perform this operation (the ciphertext was made under key %s)",
				 id);
			goto out;
		}
	}
	if (kms_store_get_key(ctx->store, id, &k)) {
		kms_fail(st, KMS_E_INVALID_CIPHERTEXT,
			 "the ciphertext names key %s, which does not exist here", id);
		goto out;
	}
	if (get_recipient(ctx, st, req, &r, &have_r) ||
	    authorize(ctx, st, k, "kms:Decrypt", have_r ? &r : NULL))
		goto out;
	if (dry) {
		dry_run_done(st);
		goto out;
	}
	if (kms_blob_open(&pt, &pt_len, k, context, blob, blob_len)) {
		kms_fail(st, KMS_E_INVALID_CIPHERTEXT,
			 "the ciphertext does not authenticate (check: AES-GCM tag): it was altered, or the EncryptionContext differs from the one it was encrypted with");
		goto out;
	}
	if (put_secret(st, resp, have_r ? &r : NULL, pt, pt_len))
		goto out;
	key_arn(ctx, k->id, arn, sizeof(arn));
	json_object_object_add(resp, "KeyId", json_object_new_string(arn));
	json_object_object_add(resp, "EncryptionAlgorithm",
			       json_object_new_string("SYMMETRIC_DEFAULT"));
	ret = 0;
out:
	kms_wipe(pt, pt_len);
	free(pt);
	free(blob);
	kms_recipient_release(&r);
	kms_key_free(&k);
	kms_key_free(&named);
	return ret;
}

/* NumberOfBytes or KeySpec, exactly one: the data key's length. */
static int data_key_len(struct kms_status *st, json_object *req,
			size_t *len)
{
	const char *spec;
	bool present;
	long n;

	if (get_string(st, req, "KeySpec", false, 1, 64, &spec) ||
	    get_int(st, req, "NumberOfBytes", 1, KMS_RANDOM_MAX, &n, &present))
		return -1;
	if (spec && present)
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Both KeySpec and NumberOfBytes cannot be provided.");
	if (!spec && !present)
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Either KeySpec or NumberOfBytes is required.");
	if (present) {
		*len = (size_t)n;
		return 0;
	}
	if (!strcmp(spec, "AES_256"))
		*len = 32;
	else if (!strcmp(spec, "AES_128"))
		*len = 16;
	else
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value '%.64s' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
				spec);
	return 0;
}

static int generate_data_key(struct kms_ctx *ctx, struct kms_status *st,
			     json_object *req, json_object *resp,
			     bool plaintext)
{
	uint8_t dk[KMS_RANDOM_MAX], *blob = NULL;
	struct kms_recipient r;
	struct kms_key *k = NULL;
	size_t dk_len = 0, blob_len;
	json_object *context;
	const char *id;
	char arn[256];
	bool dry, have_r = false;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	if (get_string(st, req, "KeyId", true, 1, KMS_KEYID_MAX, &id) ||
	    get_context(st, req, &context) || common_checks(st, req) ||
	    dry_run(st, req, &dry) || data_key_len(st, req, &dk_len) ||
	    (!plaintext && no_recipient(st, req, "GenerateDataKeyWithoutPlaintext")))
		return -1;
	if (resolve_key(ctx, st, id, true, &k))
		return -1;
	if ((plaintext && get_recipient(ctx, st, req, &r, &have_r)) ||
	    authorize(ctx, st, k, plaintext ? "kms:GenerateDataKey" :
		      "kms:GenerateDataKeyWithoutPlaintext", have_r ? &r : NULL))
		goto out;
	if (dry) {
		dry_run_done(st);
		goto out;
	}
	if (RAND_bytes(dk, (int)dk_len) != 1 ||
	    kms_blob_seal(&blob, &blob_len, k, context, dk, dk_len)) {
		kms_fail(st, KMS_E_INTERNAL, "cannot make the data key");
		goto out;
	}
	put_blob(resp, "CiphertextBlob", blob, blob_len);
	if (plaintext && put_secret(st, resp, have_r ? &r : NULL, dk, dk_len))
		goto out;
	key_arn(ctx, k->id, arn, sizeof(arn));
	json_object_object_add(resp, "KeyId", json_object_new_string(arn));
	ret = 0;
out:
	kms_wipe(dk, sizeof(dk));
	free(blob);
	kms_recipient_release(&r);
	kms_key_free(&k);
	return ret;
}

static int op_generate_data_key(struct kms_ctx *ctx, struct kms_status *st,
				json_object *req, json_object *resp)
{
	return generate_data_key(ctx, st, req, resp, true);
}

static int op_generate_data_key_wo(struct kms_ctx *ctx, struct kms_status *st,
				   json_object *req, json_object *resp)
{
	return generate_data_key(ctx, st, req, resp, false);
}

static int op_generate_random(struct kms_ctx *ctx, struct kms_status *st,
			      json_object *req, json_object *resp)
{
	uint8_t buf[KMS_RANDOM_MAX];
	struct kms_recipient r;
	bool present, have_r;
	long n = 0;
	int ret;

	if (get_int(st, req, "NumberOfBytes", 1, KMS_RANDOM_MAX, &n, &present) ||
	    common_checks(st, req))
		return -1;
	if (!present)
		return kms_fail(st, KMS_E_VALIDATION,
				"1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null");
	if (get_recipient(ctx, st, req, &r, &have_r))
		return -1;
	if (RAND_bytes(buf, (int)n) != 1) {
		kms_recipient_release(&r);
		return kms_fail(st, KMS_E_INTERNAL, "no random bytes");
	}
	ret = put_secret(st, resp, have_r ? &r : NULL, buf, (size_t)n);
	kms_wipe(buf, sizeof(buf));
	kms_recipient_release(&r);
	return ret;
}

static const struct kms_op ops[] = {
	{ "CreateKey", op_create_key },
	{ "DescribeKey", op_describe_key },
	{ "ListKeys", op_list_keys },
	{ "CreateAlias", op_create_alias },
	{ "ListAliases", op_list_aliases },
	{ "GetKeyPolicy", op_get_key_policy },
	{ "PutKeyPolicy", op_put_key_policy },
	{ "Encrypt", op_encrypt },
	{ "Decrypt", op_decrypt },
	{ "GenerateDataKey", op_generate_data_key },
	{ "GenerateDataKeyWithoutPlaintext", op_generate_data_key_wo },
	{ "GenerateRandom", op_generate_random },
};

const struct kms_op *kms_op_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return &ops[i];
	return NULL;
}
