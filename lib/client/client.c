// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The AWS-compatible client API (nsm.h). Requests are encoded with libcbor
 * exactly as Rust's serde_cbor encodes the nsm-api crate's Request enum
 * (unit variants as text, struct variants as a one-entry map, fields in
 * declaration order, shortest integers); responses are decoded strictly:
 * exactly the response.len bytes the device wrote back, one CBOR item, no
 * trailing data (NSM-FACTS.md sections 2 and 2a).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cbor.h>
#include <linux/nsm.h>

#include "nsm.h"
#include "client.h"

#define NSM_DEFAULT_DEVICE	"/dev/nsm"

int32_t nsm_lib_init(void)
{
	const char *path = getenv("NSM_DEVICE");

	if (!path || !*path)
		path = NSM_DEFAULT_DEVICE;
	return open(path, O_RDWR | O_CLOEXEC);
}

void nsm_lib_exit(int32_t fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- request building ---------------------------------------------- */

/* serde_cbor writes integers in their shortest form; so does libcbor for
 * an 8-bit item (0..23 in the initial byte), so pick the width by value. */
static cbor_item_t *build_u16(uint16_t v)
{
	return v <= 0xff ? cbor_build_uint8((uint8_t)v) : cbor_build_uint16(v);
}

static cbor_item_t *build_bytes(const uint8_t *p, uint32_t len)
{
	static const uint8_t empty;

	if (!p)
		return cbor_new_null();
	return cbor_build_bytestring(len ? p : &empty, len);
}

static bool map_put(cbor_item_t *map, const char *key, cbor_item_t *val)
{
	cbor_item_t *k = cbor_build_string(key);
	bool ok = k && val &&
		  cbor_map_add(map, (struct cbor_pair){ .key = k, .value = val });

	if (k)
		cbor_decref(&k);
	if (val)
		cbor_decref(&val);
	return ok;
}

/* {"name": {fields}}: takes ownership of @fields */
static cbor_item_t *struct_variant(const char *name, cbor_item_t *fields)
{
	cbor_item_t *m = cbor_new_definite_map(1);

	if (!m) {
		if (fields)
			cbor_decref(&fields);
		return NULL;
	}
	if (!map_put(m, name, fields))
		cbor_decref(&m);
	return m;
}

/* ---- one round trip ------------------------------------------------ */

static enum ErrorCode error_code(const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum ErrorCode code;
	} names[] = {
		{ "Success", ERROR_CODE_SUCCESS },
		{ "InvalidArgument", ERROR_CODE_INVALID_ARGUMENT },
		{ "InvalidIndex", ERROR_CODE_INVALID_INDEX },
		{ "InvalidResponse", ERROR_CODE_INVALID_RESPONSE },
		{ "ReadOnlyIndex", ERROR_CODE_READ_ONLY_INDEX },
		{ "InvalidOperation", ERROR_CODE_INVALID_OPERATION },
		{ "BufferTooSmall", ERROR_CODE_BUFFER_TOO_SMALL },
		{ "InputTooLarge", ERROR_CODE_INPUT_TOO_LARGE },
		{ "InternalError", ERROR_CODE_INTERNAL_ERROR },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len && !memcmp(names[i].name, name, len))
			return names[i].code;
	return ERROR_CODE_INTERNAL_ERROR;	/* serde could not decode it */
}

static bool text_is(const cbor_item_t *it, const char *s)
{
	size_t l = strlen(s);

	return cbor_isa_string(it) && cbor_string_is_definite(it) &&
	       cbor_string_length(it) == l &&
	       (l == 0 || !memcmp(cbor_string_handle(it), s, l));
}

/*
 * Send @req (consumed) and decode the answer named @name.
 * Unit answers (LockPCR, LockPCRs) leave *body NULL; struct answers return
 * their field map in *body (caller decrefs).
 */
static enum ErrorCode transact(int32_t fd, cbor_item_t *req, const char *name,
			       cbor_item_t **body)
{
	unsigned char *out = NULL;
	size_t out_cap = 0, out_len, resp_len = NSM_RESPONSE_MAX_SIZE;
	uint8_t *resp = NULL;
	struct cbor_load_result lr;
	cbor_item_t *item = NULL;
	enum ErrorCode rc = ERROR_CODE_INTERNAL_ERROR;
	int err;

	*body = NULL;
	if (!req)
		return ERROR_CODE_INTERNAL_ERROR;
	out_len = cbor_serialize_alloc(req, &out, &out_cap);
	cbor_decref(&req);
	if (!out_len)
		goto out;
	if (out_len > NSM_REQUEST_MAX_SIZE) {
		rc = ERROR_CODE_INPUT_TOO_LARGE;
		goto out;
	}
	resp = malloc(resp_len);
	if (!resp)
		goto out;
	err = nsm__dev_raw(fd, out, out_len, resp, &resp_len);
	if (err) {
		rc = err == -EMSGSIZE ? ERROR_CODE_INPUT_TOO_LARGE
				      : ERROR_CODE_INTERNAL_ERROR;
		goto out;
	}
	item = cbor_load(resp, resp_len, &lr);
	if (!item || lr.error.code != CBOR_ERR_NONE || lr.read != resp_len)
		goto out;	/* undecodable or trailing data: InternalError */

	rc = ERROR_CODE_INVALID_RESPONSE;
	if (cbor_isa_string(item)) {
		if (text_is(item, name))
			rc = ERROR_CODE_SUCCESS;
		goto out;
	}
	if (cbor_isa_map(item) && cbor_map_is_definite(item) &&
	    cbor_map_size(item) == 1) {
		struct cbor_pair *p = cbor_map_handle(item);

		if (text_is(p[0].key, "Error")) {
			if (cbor_isa_string(p[0].value) &&
			    cbor_string_is_definite(p[0].value))
				rc = error_code((const char *)cbor_string_handle(p[0].value),
						cbor_string_length(p[0].value));
			else
				rc = ERROR_CODE_INTERNAL_ERROR;
			if (rc == ERROR_CODE_SUCCESS)
				rc = ERROR_CODE_INTERNAL_ERROR;
		} else if (text_is(p[0].key, name)) {
			if (cbor_isa_map(p[0].value)) {
				*body = cbor_incref(p[0].value);
				rc = ERROR_CODE_SUCCESS;
			} else {
				rc = ERROR_CODE_INTERNAL_ERROR;
			}
		}
	}
out:
	if (item)
		cbor_decref(&item);
	free(resp);
	free(out);
	return rc;
}

/* Field of a struct answer, by name; NULL when absent. */
static cbor_item_t *field(cbor_item_t *body, const char *name)
{
	struct cbor_pair *p = cbor_map_handle(body);
	size_t i, n = cbor_map_size(body);

	for (i = 0; i < n; i++)
		if (text_is(p[i].key, name))
			return p[i].value;
	return NULL;
}

static bool is_bytes(const cbor_item_t *it)
{
	return it && cbor_isa_bytestring(it) && cbor_bytestring_is_definite(it);
}

static bool get_uint(const cbor_item_t *it, uint64_t max, uint64_t *v)
{
	if (!it || !cbor_isa_uint(it))
		return false;
	*v = cbor_get_int(it);
	return *v <= max;
}

/* The output-buffer rule of AWS's API. */
static enum ErrorCode copy_out(uint8_t *dst, uint32_t *dst_len,
			       const uint8_t *src, size_t len)
{
	if (!dst) {
		*dst_len = 0;
		return ERROR_CODE_BUFFER_TOO_SMALL;
	}
	if (len > *dst_len) {
		memcpy(dst, src, *dst_len);
		return ERROR_CODE_BUFFER_TOO_SMALL;
	}
	if (len)
		memcpy(dst, src, len);
	*dst_len = (uint32_t)len;
	return ERROR_CODE_SUCCESS;
}

/* ---- the API ------------------------------------------------------- */

enum ErrorCode nsm_extend_pcr(int32_t fd, uint16_t index, const uint8_t *data,
			      uint32_t data_len, uint8_t *pcr_data,
			      uint32_t *pcr_data_len)
{
	cbor_item_t *f, *body, *v;
	enum ErrorCode rc;

	if (!data || !pcr_data_len)
		return ERROR_CODE_INVALID_ARGUMENT;
	if (data_len > NSM_REQUEST_MAX_SIZE)
		return ERROR_CODE_INPUT_TOO_LARGE;	/* cannot fit: no call */
	f = cbor_new_definite_map(2);
	if (!f || !map_put(f, "index", build_u16(index)) ||
	    !map_put(f, "data", build_bytes(data, data_len))) {
		if (f)
			cbor_decref(&f);
		return ERROR_CODE_INTERNAL_ERROR;
	}
	rc = transact(fd, struct_variant("ExtendPCR", f), "ExtendPCR", &body);
	if (rc != ERROR_CODE_SUCCESS)
		return rc;
	if (!body)
		return ERROR_CODE_INVALID_RESPONSE;
	v = field(body, "data");
	if (!is_bytes(v))
		rc = ERROR_CODE_INTERNAL_ERROR;
	else
		rc = copy_out(pcr_data, pcr_data_len, cbor_bytestring_handle(v),
			      cbor_bytestring_length(v));
	cbor_decref(&body);
	return rc;
}

enum ErrorCode nsm_describe_pcr(int32_t fd, uint16_t index, bool *lock,
				uint8_t *data, uint32_t *data_len)
{
	cbor_item_t *f, *body, *l, *v;
	enum ErrorCode rc;

	if (!lock || !data_len)
		return ERROR_CODE_INVALID_ARGUMENT;
	f = cbor_new_definite_map(1);
	if (!f || !map_put(f, "index", build_u16(index))) {
		if (f)
			cbor_decref(&f);
		return ERROR_CODE_INTERNAL_ERROR;
	}
	rc = transact(fd, struct_variant("DescribePCR", f), "DescribePCR", &body);
	if (rc != ERROR_CODE_SUCCESS)
		return rc;
	if (!body)
		return ERROR_CODE_INVALID_RESPONSE;
	l = field(body, "lock");
	v = field(body, "data");
	if (!l || !cbor_is_bool(l) || !is_bytes(v)) {
		rc = ERROR_CODE_INTERNAL_ERROR;
	} else {
		*lock = cbor_get_bool(l);
		rc = copy_out(data, data_len, cbor_bytestring_handle(v),
			      cbor_bytestring_length(v));
	}
	cbor_decref(&body);
	return rc;
}

static enum ErrorCode unit_answer(int32_t fd, const char *name,
				  const char *field_name, uint16_t v)
{
	cbor_item_t *f = cbor_new_definite_map(1), *body;
	enum ErrorCode rc;

	if (!f || !map_put(f, field_name, build_u16(v))) {
		if (f)
			cbor_decref(&f);
		return ERROR_CODE_INTERNAL_ERROR;
	}
	rc = transact(fd, struct_variant(name, f), name, &body);
	if (body) {
		/* a struct answer where a unit one is due */
		cbor_decref(&body);
		return ERROR_CODE_INVALID_RESPONSE;
	}
	return rc;
}

enum ErrorCode nsm_lock_pcr(int32_t fd, uint16_t index)
{
	return unit_answer(fd, "LockPCR", "index", index);
}

enum ErrorCode nsm_lock_pcrs(int32_t fd, uint16_t range)
{
	return unit_answer(fd, "LockPCRs", "range", range);
}

enum ErrorCode nsm_get_description(int32_t fd,
				   struct NsmDescription *desc)
{
	cbor_item_t *body, *it;
	struct NsmDescription d;
	enum ErrorCode rc;
	uint64_t v;
	size_t i, n;

	if (!desc)
		return ERROR_CODE_INVALID_ARGUMENT;
	rc = transact(fd, cbor_build_string("DescribeNSM"), "DescribeNSM", &body);
	if (rc != ERROR_CODE_SUCCESS)
		return rc;
	if (!body)
		return ERROR_CODE_INVALID_RESPONSE;
	memset(&d, 0, sizeof(d));
	rc = ERROR_CODE_INTERNAL_ERROR;
	if (!get_uint(field(body, "version_major"), UINT16_MAX, &v))
		goto out;
	d.version_major = (uint16_t)v;
	if (!get_uint(field(body, "version_minor"), UINT16_MAX, &v))
		goto out;
	d.version_minor = (uint16_t)v;
	if (!get_uint(field(body, "version_patch"), UINT16_MAX, &v))
		goto out;
	d.version_patch = (uint16_t)v;
	if (!get_uint(field(body, "max_pcrs"), UINT16_MAX, &v))
		goto out;
	d.max_pcrs = (uint16_t)v;
	it = field(body, "module_id");
	if (!it || !cbor_isa_string(it) || !cbor_string_is_definite(it))
		goto out;
	n = cbor_string_length(it);
	n = n < sizeof(d.module_id) - 1 ? n : sizeof(d.module_id) - 1;
	if (n)
		memcpy(d.module_id, cbor_string_handle(it), n);
	d.module_id[n] = 0;
	d.module_id_len = (uint32_t)n;
	it = field(body, "locked_pcrs");
	if (!it || !cbor_isa_array(it))
		goto out;
	n = cbor_array_size(it);
	for (i = 0; i < n; i++) {
		if (!get_uint(cbor_array_handle(it)[i], UINT16_MAX, &v))
			goto out;
		if (i < 64)
			d.locked_pcrs[i] = (uint16_t)v;
	}
	d.locked_pcrs_len = (uint32_t)(n < 64 ? n : 64);
	it = field(body, "digest");
	if (text_is(it, "SHA256"))
		d.digest = DIGEST_SHA256;
	else if (text_is(it, "SHA384"))
		d.digest = DIGEST_SHA384;
	else if (text_is(it, "SHA512"))
		d.digest = DIGEST_SHA512;
	else
		goto out;
	*desc = d;
	rc = ERROR_CODE_SUCCESS;
out:
	cbor_decref(&body);
	return rc;
}

enum ErrorCode nsm_get_attestation_doc(int32_t fd, const uint8_t *user_data,
				       uint32_t user_data_len,
				       const uint8_t *nonce_data,
				       uint32_t nonce_len,
				       const uint8_t *pub_key_data,
				       uint32_t pub_key_len,
				       uint8_t *att_doc_data,
				       uint32_t *att_doc_len)
{
	cbor_item_t *f, *body, *v;
	enum ErrorCode rc;

	if (!att_doc_len)
		return ERROR_CODE_INVALID_ARGUMENT;
	/* a request that cannot fit is refused before encoding it */
	if ((uint64_t)(user_data ? user_data_len : 0) + (nonce_data ? nonce_len : 0) +
	    (pub_key_data ? pub_key_len : 0) > NSM_REQUEST_MAX_SIZE)
		return ERROR_CODE_INPUT_TOO_LARGE;
	f = cbor_new_definite_map(3);
	if (!f || !map_put(f, "user_data", build_bytes(user_data, user_data_len)) ||
	    !map_put(f, "nonce", build_bytes(nonce_data, nonce_len)) ||
	    !map_put(f, "public_key", build_bytes(pub_key_data, pub_key_len))) {
		if (f)
			cbor_decref(&f);
		return ERROR_CODE_INTERNAL_ERROR;
	}
	rc = transact(fd, struct_variant("Attestation", f), "Attestation", &body);
	if (rc != ERROR_CODE_SUCCESS)
		return rc;
	if (!body)
		return ERROR_CODE_INVALID_RESPONSE;
	v = field(body, "document");
	if (!is_bytes(v))
		rc = ERROR_CODE_INTERNAL_ERROR;
	else
		rc = copy_out(att_doc_data, att_doc_len, cbor_bytestring_handle(v),
			      cbor_bytestring_length(v));
	cbor_decref(&body);
	return rc;
}

enum ErrorCode nsm_get_random(int32_t fd, uint8_t *buf, uintptr_t *buf_len)
{
	cbor_item_t *body, *v;
	enum ErrorCode rc;
	size_t n;

	if (fd < 0 || !buf || !buf_len || *buf_len == 0)
		return ERROR_CODE_INVALID_ARGUMENT;
	rc = transact(fd, cbor_build_string("GetRandom"), "GetRandom", &body);
	if (rc != ERROR_CODE_SUCCESS)
		return rc;
	if (!body)
		return ERROR_CODE_INVALID_RESPONSE;
	v = field(body, "random");
	if (!is_bytes(v)) {
		rc = ERROR_CODE_INTERNAL_ERROR;
	} else {
		n = cbor_bytestring_length(v);
		n = n < *buf_len ? n : *buf_len;
		if (n)
			memcpy(buf, cbor_bytestring_handle(v), n);
		*buf_len = n;
	}
	cbor_decref(&body);
	return rc;
}
