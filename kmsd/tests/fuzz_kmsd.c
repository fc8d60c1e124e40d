// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over nsm-kmsd's request layer and policy evaluator.
 *
 * Input: one selector byte, then the rest.
 *   selector % 16 < 12: the rest is the JSON body of that operation
 *        (kms_ops order below), answered by kms_handle() against an
 *        in-memory store holding one key, alias/fuzz, whose policy pins
 *        PCR0; bodies that name alias/fuzz reach the cryptography
 *   otherwise: the rest is a key policy, parsed and, when it parses,
 *        evaluated for a few actions with and without a Recipient
 * Every reply must be a well-formed KMS reply: JSON, with __type exactly
 * when the status is not 200.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmsd.h"

static const char *const targets[] = {
	"TrentService.CreateKey", "TrentService.DescribeKey",
	"TrentService.ListKeys", "TrentService.CreateAlias",
	"TrentService.ListAliases", "TrentService.GetKeyPolicy",
	"TrentService.PutKeyPolicy", "TrentService.Encrypt",
	"TrentService.Decrypt", "TrentService.GenerateDataKey",
	"TrentService.GenerateDataKeyWithoutPlaintext",
	"TrentService.GenerateRandom",
};

static struct kms_ctx ctx = { .region = "us-east-1",
			      .account = "111122223333", .quiet = true };

static const char policy[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":["
	"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"kms:Encrypt\",\"kms:Describe*\",\"kms:GenerateDataKey*\",\"kms:PutKeyPolicy\",\"kms:GetKeyPolicy\",\"kms:CreateAlias\"],\"Resource\":\"*\"},"
	"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
	"\"Condition\":{\"StringEqualsIgnoreCase\":{\"kms:RecipientAttestation:PCR0\":\"00\"}}}]}";

static void setup(void)
{
	struct kms_trust_opts to = { .max_age_ms = 300000 };
	struct kms_status st;
	struct kms_policy *p;
	struct kms_key *k;
	char err[256];

	kms_log_quiet = true;
	kms_store_close(&ctx.store);
	if (!ctx.trust && kms_trust_new(&ctx.trust, &to, err, sizeof(err)))
		abort();
	if (kms_store_open(&ctx.store, NULL, err, sizeof(err)) ||
	    kms_policy_parse(&p, &st, policy, strlen(policy)) ||
	    kms_store_add_key(ctx.store, &st, "fuzz", policy, p, &k) ||
	    kms_store_add_alias(ctx.store, &st, "alias/fuzz", k->id))
		abort();
	kms_key_free(&k);
}

static void check_reply(const struct kms_reply *r)
{
	json_object *o, *t;

	if (!r->body)
		abort();
	if (r->status == 200 && !r->len)
		return;		/* an operation without output */
	o = json_tokener_parse(r->body);
	if (!o || !json_object_is_type(o, json_type_object))
		abort();
	if ((r->status != 200) != json_object_object_get_ex(o, "__type", &t))
		abort();
	json_object_put(o);
}

static void fuzz_policy(const uint8_t *data, size_t size)
{
	static const char *const actions[] = { "kms:Decrypt", "kms:Encrypt",
					       "kms:PutKeyPolicy", "kms:X" };
	struct kms_policy_req req = { .key_arn =
		"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000" };
	struct kms_status st;
	struct kms_policy *p;
	char *text = malloc(size + 1), why[800];
	size_t i;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = 0;
	if (!kms_policy_parse(&p, &st, text, strlen(text))) {
		for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
			req.action = actions[i];
			req.has_recipient = i & 1;
			req.pcr_hex[0] = i & 2 ? "00" : NULL;
			req.pcr_hex[1] = "aa";
			kms_policy_eval(p, &req, why, sizeof(why));
		}
		kms_policy_free(&p);
	} else if (st.err != KMS_E_MALFORMED_POLICY && st.err != KMS_E_INTERNAL) {
		abort();	/* a policy is refused with the policy error */
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kms_reply r;
	unsigned int sel;

	if (!ctx.store || kms_store_key_count(ctx.store) > 64)
		setup();
	if (!size)
		return 0;
	sel = data[0] % 16;
	if (sel >= 12) {
		fuzz_policy(data + 1, size - 1);
		return 0;
	}
	kms_handle(&ctx, targets[sel], "application/x-amz-json-1.1", data + 1,
		   size - 1, &r);
	check_reply(&r);
	kms_reply_free(&r);
	return 0;
}
