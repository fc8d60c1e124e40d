// SPDX-License-Identifier: GPL-2.0
/*
 * One request in, one reply out: framing of AWS's JSON 1.1 protocol
 * (Content-Type, X-Amz-Target, the JSON body) and KMS-shaped errors
 * ({"__type": ..., "message": ...} with the HTTP status of the type).
 * No I/O: http.c feeds it from libmicrohttpd, fuzz_kmsd.c from libFuzzer.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kmsd.h"

#define JSON_DEPTH 32

static const struct {
	const char *type;
	int status;
} errs[KMS_E_COUNT] = {
	[KMS_OK]			= { "", 200 },
	[KMS_E_VALIDATION]		= { "ValidationException", 400 },
	[KMS_E_SERIALIZATION]		= { "SerializationException", 400 },
	[KMS_E_UNKNOWN_OPERATION]	= { "UnknownOperationException", 400 },
	[KMS_E_NOT_FOUND]		= { "NotFoundException", 400 },
	[KMS_E_ALREADY_EXISTS]		= { "AlreadyExistsException", 400 },
	[KMS_E_INVALID_ALIAS]		= { "InvalidAliasNameException", 400 },
	[KMS_E_INVALID_CIPHERTEXT]	= { "InvalidCiphertextException", 400 },
	[KMS_E_INCORRECT_KEY]		= { "IncorrectKeyException", 400 },
	[KMS_E_ACCESS_DENIED]		= { "AccessDeniedException", 400 },
	[KMS_E_MALFORMED_POLICY]	= { "MalformedPolicyDocumentException", 400 },
	[KMS_E_UNSUPPORTED]		= { "UnsupportedOperationException", 400 },
	[KMS_E_INVALID_GRANT_TOKEN]	= { "InvalidGrantTokenException", 400 },
	[KMS_E_INVALID_MARKER]		= { "InvalidMarkerException", 400 },
	[KMS_E_DRY_RUN]			= { "DryRunOperationException", 412 },
	[KMS_E_INVALID_SIGNATURE]	= { "InvalidSignatureException", 400 },
	[KMS_E_MISSING_AUTH]		= { "MissingAuthenticationTokenException", 403 },
	[KMS_E_TOO_LARGE]		= { "RequestEntityTooLargeException", 413 },
	[KMS_E_UNSUPPORTED_MEDIA]	= { "UnsupportedMediaTypeException", 415 },
	[KMS_E_INTERNAL]		= { "KMSInternalException", 500 },
};

const char *kms_err_type(enum kms_err e)
{
	return (unsigned int)e < KMS_E_COUNT ? errs[e].type :
					       "KMSInternalException";
}

int kms_err_status(enum kms_err e)
{
	return (unsigned int)e < KMS_E_COUNT ? errs[e].status : 500;
}

int kms_fail(struct kms_status *st, enum kms_err e, const char *fmt, ...)
{
	va_list ap;

	st->err = e;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void set_body(struct kms_reply *out, const char *text)
{
	out->body = strdup(text);
	out->len = out->body ? strlen(out->body) : 0;
	if (!out->body)
		out->status = 500;
}

void kms_error_reply(struct kms_reply *out, enum kms_err e, const char *msg)
{
	json_object *o = json_object_new_object();

	out->err = e;
	out->status = kms_err_status(e);
	out->body = NULL;
	out->len = 0;
	if (!o) {
		out->status = 500;
		return;
	}
	json_object_object_add(o, "__type",
			       json_object_new_string(kms_err_type(e)));
	/* KMS itself writes "Message" for these two, "message" elsewhere */
	json_object_object_add(o, e == KMS_E_ACCESS_DENIED ||
				  e == KMS_E_UNSUPPORTED ? "Message" : "message",
			       json_object_new_string(msg));
	set_body(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void kms_reply_free(struct kms_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* "application/x-amz-json-1.1", parameters after ';' allowed */
static bool json11(const char *ct)
{
	static const char want[] = "application/x-amz-json-1.1";
	size_t n = sizeof(want) - 1;

	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	if (strncasecmp(ct, want, n))
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	return !*ct || *ct == ';';
}

void kms_handle(struct kms_ctx *ctx, const char *target,
		const char *content_type, const uint8_t *body, size_t len,
		struct kms_reply *out)
{
	struct kms_status st = { KMS_OK, "" };
	struct json_tokener *tok = NULL;
	json_object *req = NULL, *resp = NULL;
	const struct kms_op *op;
	size_t i;

	memset(out, 0, sizeof(*out));
	__atomic_add_fetch(&ctx->requests, 1, __ATOMIC_RELAXED);
	if (!target || !*target) {
		kms_fail(&st, KMS_E_UNKNOWN_OPERATION,
			 "the X-Amz-Target header is missing: KMS requests name their operation as TrentService.<Operation>");
		goto fail;
	}
	if (strncmp(target, "TrentService.", 13)) {
		kms_fail(&st, KMS_E_UNKNOWN_OPERATION,
			 "X-Amz-Target '%.100s' is not TrentService.<Operation>",
			 target);
		goto fail;
	}
	op = kms_op_find(target + 13);
	if (!op) {
		kms_fail(&st, KMS_E_UNKNOWN_OPERATION,
			 "nsm-kmsd does not implement the operation '%.100s'",
			 target + 13);
		goto fail;
	}
	if (!json11(content_type)) {
		kms_fail(&st, KMS_E_UNSUPPORTED_MEDIA,
			 "Content-Type must be application/x-amz-json-1.1, not '%.100s'",
			 content_type ? content_type : "(none)");
		goto fail;
	}
	if (len > KMSD_BODY_MAX) {
		kms_fail(&st, KMS_E_TOO_LARGE,
			 "the request body has %zu bytes; nsm-kmsd accepts at most %u",
			 len, KMSD_BODY_MAX);
		goto fail;
	}
	for (i = 0; i < len; i++)
		if (!body[i]) {
			kms_fail(&st, KMS_E_SERIALIZATION,
				 "the request body holds a NUL byte at offset %zu", i);
			goto fail;
		}
	while (len && isspace(body[len - 1]))
		len--;
	if (!len) {
		req = json_object_new_object();	/* an empty body is {} */
	} else {
		tok = json_tokener_new_ex(JSON_DEPTH);
		if (!tok) {
			kms_fail(&st, KMS_E_INTERNAL, "out of memory");
			goto fail;
		}
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		req = json_tokener_parse_ex(tok, (const char *)body, (int)len);
		if (!req || json_tokener_get_error(tok) != json_tokener_success ||
		    (size_t)json_tokener_get_parse_end(tok) != len) {
			enum json_tokener_error je = json_tokener_get_error(tok);

			kms_fail(&st, KMS_E_SERIALIZATION,
				 "the request body is not JSON: %s at offset %zu",
				 req && je == json_tokener_success ?
				 "text after the object" :
				 je == json_tokener_continue ? "unexpected end" :
				 json_tokener_error_desc(je),
				 (size_t)json_tokener_get_parse_end(tok));
			goto fail;
		}
	}
	if (!json_object_is_type(req, json_type_object)) {
		kms_fail(&st, KMS_E_SERIALIZATION,
			 "the request body must be a JSON object");
		goto fail;
	}
	resp = json_object_new_object();
	if (!resp) {
		kms_fail(&st, KMS_E_INTERNAL, "out of memory");
		goto fail;
	}
	if (op->fn(ctx, &st, req, resp))
		goto fail;
	out->status = 200;
	/* operations with no output answer with an empty body */
	set_body(out, json_object_object_length(resp) ?
		 json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE) :
		 "");
	goto done;
fail:
	if (st.err == KMS_OK)
		kms_fail(&st, KMS_E_INTERNAL, "internal error");
	__atomic_add_fetch(&ctx->errors, 1, __ATOMIC_RELAXED);
	kms_error_reply(out, st.err, st.msg);
done:
	if (tok)
		json_tokener_free(tok);
	json_object_put(req);
	/* the response may hold secrets: wipe its strings */
	if (resp) {
		json_object_object_foreach(resp, k, v) {
			(void)k;
			if (json_object_is_type(v, json_type_string))
				kms_wipe((void *)json_object_get_string(v),
					 (size_t)json_object_get_string_len(v));
		}
		json_object_put(resp);
	}
}
