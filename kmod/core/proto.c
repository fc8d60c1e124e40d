// SPDX-License-Identifier: GPL-2.0
/*
 * The NSM request/response protocol: strict decoding of CBOR requests and
 * responses encoded byte for byte as the Rust nsm-api crate's serde_cbor
 * does (NSM-FACTS.md section 2). Documentation/core-protocol.rst has the
 * table of requests, responses and errors.
 */
#include "attest.h"
#include "cbor.h"
#include "nsm_core.h"

#define NSM_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Request fields, as bits of a set. */
#define NSM_F_INDEX		BIT(0)
#define NSM_F_DATA		BIT(1)
#define NSM_F_RANGE		BIT(2)
#define NSM_F_USER_DATA		BIT(3)
#define NSM_F_NONCE		BIT(4)
#define NSM_F_PUBLIC_KEY	BIT(5)

/**
 * struct nsm_req_desc - how one request is spelled
 * @name:     variant name
 * @type:     request type
 * @is_map:   struct variant {"Name": {fields}} rather than text "Name"
 * @fields:   fields the request knows (others are ignored)
 * @required: fields that must be present
 */
struct nsm_req_desc {
	const char *name;
	enum nsm_req_type type;
	bool is_map;
	u32 fields;
	u32 required;
};

static const struct nsm_req_desc nsm_reqs[] = {
	{ "DescribeNSM", NSM_REQ_DESCRIBE_NSM, false, 0, 0 },
	{ "GetRandom", NSM_REQ_GET_RANDOM, false, 0, 0 },
	{ "DescribePCR", NSM_REQ_DESCRIBE_PCR, true,
	  NSM_F_INDEX, NSM_F_INDEX },
	{ "ExtendPCR", NSM_REQ_EXTEND_PCR, true,
	  NSM_F_INDEX | NSM_F_DATA, NSM_F_INDEX | NSM_F_DATA },
	{ "LockPCR", NSM_REQ_LOCK_PCR, true, NSM_F_INDEX, NSM_F_INDEX },
	{ "LockPCRs", NSM_REQ_LOCK_PCRS, true, NSM_F_RANGE, NSM_F_RANGE },
	/* All three are Option<ByteBuf>: absent means None. */
	{ "Attestation", NSM_REQ_ATTESTATION, true,
	  NSM_F_USER_DATA | NSM_F_NONCE | NSM_F_PUBLIC_KEY, 0 },
};

static const struct {
	const char *name;
	u32 bit;
} nsm_fields[] = {
	{ "index", NSM_F_INDEX },
	{ "data", NSM_F_DATA },
	{ "range", NSM_F_RANGE },
	{ "user_data", NSM_F_USER_DATA },
	{ "nonce", NSM_F_NONCE },
	{ "public_key", NSM_F_PUBLIC_KEY },
};

static const char *const nsm_error_names[] = {
	[NSM_SUCCESS]		= "Success",
	[NSM_INVALID_ARGUMENT]	= "InvalidArgument",
	[NSM_INVALID_INDEX]	= "InvalidIndex",
	[NSM_INVALID_RESPONSE]	= "InvalidResponse",
	[NSM_READ_ONLY_INDEX]	= "ReadOnlyIndex",
	[NSM_INVALID_OPERATION]	= "InvalidOperation",
	[NSM_BUFFER_TOO_SMALL]	= "BufferTooSmall",
	[NSM_INPUT_TOO_LARGE]	= "InputTooLarge",
	[NSM_INTERNAL_ERROR]	= "InternalError",
};

const char *nsm_errcode_name(enum nsm_errcode err)
{
	if ((unsigned int)err >= NSM_ARRAY_SIZE(nsm_error_names))
		return nsm_error_names[NSM_INTERNAL_ERROR];
	return nsm_error_names[err];
}

/* Is @it the definite-length text string @s? */
static bool nsm_text_is(const struct nsm_cbor_item *it, const char *s)
{
	size_t len = strlen(s);

	return it->major == NSM_CBOR_TEXT && !it->indefinite &&
	       it->val == len && !memcmp(it->ptr, s, len);
}

static const struct nsm_req_desc *
nsm_find_req(const struct nsm_cbor_item *it, bool is_map)
{
	size_t i;

	for (i = 0; i < NSM_ARRAY_SIZE(nsm_reqs); i++)
		if (nsm_reqs[i].is_map == is_map &&
		    nsm_text_is(it, nsm_reqs[i].name))
			return &nsm_reqs[i];
	return NULL;
}

/* The field bit among @known that @key names, or 0. */
static u32 nsm_find_field(const struct nsm_cbor_item *key, u32 known)
{
	size_t i;

	for (i = 0; i < NSM_ARRAY_SIZE(nsm_fields); i++)
		if ((known & nsm_fields[i].bit) &&
		    nsm_text_is(key, nsm_fields[i].name))
			return nsm_fields[i].bit;
	return 0;
}

/* A u16 in any integer encoding (serde rejects larger values for u16). */
static int nsm_read_u16(struct nsm_cbor_rd *rd, u16 *v)
{
	struct nsm_cbor_item it;

	if (nsm_cbor_next(rd, &it) || it.major != NSM_CBOR_UINT ||
	    it.val > 0xffff)
		return -1;
	*v = (u16)it.val;
	return 0;
}

/*
 * A definite-length byte string, or text string (QEMU accepts text), or
 * with @nullable CBOR null (then @b->present stays false).
 */
static int nsm_read_bytes(struct nsm_cbor_rd *rd, struct nsm_bytes *b,
			  bool nullable)
{
	struct nsm_cbor_item it;

	if (nsm_cbor_next(rd, &it))
		return -1;
	if (nullable && it.major == NSM_CBOR_SIMPLE && !it.indefinite &&
	    it.val == NSM_CBOR_NULL)
		return 0;
	if ((it.major != NSM_CBOR_BYTES && it.major != NSM_CBOR_TEXT) ||
	    it.indefinite)
		return -1;
	b->ptr = it.ptr;
	b->len = (size_t)it.val;
	b->present = true;
	return 0;
}

static int nsm_read_field(struct nsm_cbor_rd *rd, u32 field,
			  struct nsm_request *req)
{
	switch (field) {
	case NSM_F_INDEX:
		return nsm_read_u16(rd, &req->index);
	case NSM_F_RANGE:
		return nsm_read_u16(rd, &req->range);
	case NSM_F_DATA:
		return nsm_read_bytes(rd, &req->data, false);
	case NSM_F_USER_DATA:
		return nsm_read_bytes(rd, &req->user_data, true);
	case NSM_F_NONCE:
		return nsm_read_bytes(rd, &req->nonce, true);
	case NSM_F_PUBLIC_KEY:
		return nsm_read_bytes(rd, &req->public_key, true);
	}
	return -1;
}

/**
 * nsm_read_fields() - decode the field map of a struct variant
 * @rd:   reader at the map's head
 * @desc: the request
 * @req:  receives the fields
 *
 * Fields may come in any order; a known field twice is an error (serde
 * reports "duplicate field"); unknown keys of any type are skipped with
 * their values by the bounded nsm_cbor_skip(). Known keys must be
 * definite-length text strings.
 *
 * Return: 0, or -1 if the map is malformed, a field has the wrong type or a
 * required field is missing.
 */
static int nsm_read_fields(struct nsm_cbor_rd *rd,
			   const struct nsm_req_desc *desc,
			   struct nsm_request *req)
{
	struct nsm_cbor_item it;
	struct nsm_cbor_rd key;
	u32 seen = 0, field;
	bool indef;
	u64 pairs;

	if (nsm_cbor_next(rd, &it) || it.major != NSM_CBOR_MAP)
		return -1;
	indef = it.indefinite;
	pairs = it.val;
	/* Each pair takes at least two bytes: no loop on a made-up count. */
	if (pairs > nsm_cbor_rd_left(rd) / 2)
		return -1;

	for (;;) {
		if (indef) {
			if (rd->p < rd->end && *rd->p == NSM_CBOR_BREAK) {
				rd->p++;
				break;
			}
		} else if (!pairs--) {
			break;
		}

		key = *rd;
		if (nsm_cbor_next(rd, &it))
			return -1;
		if (it.major == NSM_CBOR_TEXT && it.indefinite)
			return -1;
		field = nsm_find_field(&it, desc->fields);
		if (!field) {
			/* Unknown: skip the whole key, then its value. */
			*rd = key;
			if (nsm_cbor_skip(rd) || nsm_cbor_skip(rd))
				return -1;
			continue;
		}
		if (seen & field)
			return -1;
		seen |= field;
		if (nsm_read_field(rd, field, req))
			return -1;
	}
	return (seen & desc->required) == desc->required ? 0 : -1;
}

/**
 * nsm_request_decode() - strictly decode a CBOR request
 * @buf: request bytes
 * @len: their number
 * @req: receives the request; its byte fields point into @buf
 *
 * Accepts exactly one request item and nothing after it: a text string
 * naming a unit variant, or a one-pair map (definite or indefinite) from a
 * struct variant's name to its field map. Never allocates, never recurses.
 *
 * Return: 0 and @req filled, or -1 (then @req->type is NSM_REQ_INVALID).
 */
int nsm_request_decode(const u8 *buf, size_t len, struct nsm_request *req)
{
	const struct nsm_req_desc *desc;
	struct nsm_cbor_item it;
	struct nsm_cbor_rd rd;
	bool outer_indef;

	memset(req, 0, sizeof(*req));
	nsm_cbor_rd_init(&rd, buf, len);
	if (nsm_cbor_next(&rd, &it))
		goto invalid;

	if (it.major == NSM_CBOR_TEXT) {
		desc = nsm_find_req(&it, false);
		if (!desc)
			goto invalid;
	} else if (it.major == NSM_CBOR_MAP && (it.indefinite || it.val == 1)) {
		outer_indef = it.indefinite;
		if (nsm_cbor_next(&rd, &it))
			goto invalid;
		desc = nsm_find_req(&it, true);
		if (!desc || nsm_read_fields(&rd, desc, req))
			goto invalid;
		if (outer_indef) {
			if (rd.p >= rd.end || *rd.p != NSM_CBOR_BREAK)
				goto invalid;
			rd.p++;
		}
	} else {
		goto invalid;
	}

	if (rd.p != rd.end)
		goto invalid;	/* trailing bytes */
	req->type = desc->type;
	return 0;

invalid:
	memset(req, 0, sizeof(*req));
	return -1;
}

/* {"Name": {<fields pairs follow>}} */
static void nsm_put_variant(struct nsm_cbor_wr *w, const char *name,
			    unsigned int fields)
{
	nsm_cbor_put_map(w, 1);
	nsm_cbor_put_str(w, name);
	nsm_cbor_put_map(w, fields);
}

static enum nsm_errcode nsm_describe_nsm(const struct nsm_emu *emu,
					 struct nsm_cbor_wr *w)
{
	unsigned int i, nlocked = 0;
	size_t id_len = 0;

	while (id_len < NSM_MODULE_ID_MAX && emu->module_id[id_len])
		id_len++;
	for (i = 0; i < NSM_PCR_COUNT; i++)
		if (emu->locked & (1u << i))
			nlocked++;

	/* Field order of the crate's Response::DescribeNSM. */
	nsm_put_variant(w, "DescribeNSM", 7);
	nsm_cbor_put_str(w, "version_major");
	nsm_cbor_put_uint(w, emu->version[0]);
	nsm_cbor_put_str(w, "version_minor");
	nsm_cbor_put_uint(w, emu->version[1]);
	nsm_cbor_put_str(w, "version_patch");
	nsm_cbor_put_uint(w, emu->version[2]);
	nsm_cbor_put_str(w, "module_id");
	nsm_cbor_put_text(w, emu->module_id, id_len);
	nsm_cbor_put_str(w, "max_pcrs");
	nsm_cbor_put_uint(w, NSM_PCR_COUNT);
	nsm_cbor_put_str(w, "locked_pcrs");
	nsm_cbor_put_array(w, nlocked);
	for (i = 0; i < NSM_PCR_COUNT; i++)
		if (emu->locked & (1u << i))
			nsm_cbor_put_uint(w, i);
	nsm_cbor_put_str(w, "digest");
	nsm_cbor_put_str(w, "SHA384");
	return NSM_SUCCESS;
}

static enum nsm_errcode nsm_describe_pcr(const struct nsm_emu *emu, u16 index,
					 struct nsm_cbor_wr *w)
{
	static const u8 zero[NSM_PCR_LEN];
	const u8 *data;

	if (index >= NSM_PCR_COUNT)
		return NSM_INVALID_INDEX;
	/* A debug-mode enclave reads PCR0..2 as zeros. */
	data = emu->debug && index < 3 ? zero : emu->pcr[index];

	nsm_put_variant(w, "DescribePCR", 2);
	nsm_cbor_put_str(w, "lock");
	nsm_cbor_put_bool(w, emu->locked & (1u << index));
	nsm_cbor_put_str(w, "data");
	nsm_cbor_put_bytes(w, data, NSM_PCR_LEN);
	return NSM_SUCCESS;
}

/*
 * PCR = SHA384(PCR || data). The new value is encoded first and committed
 * only if the response fits, so an Error response never hides a change.
 */
static enum nsm_errcode nsm_extend_pcr(struct nsm_emu *emu,
				       const struct nsm_request *req,
				       struct nsm_cbor_wr *w)
{
	u8 value[NSM_PCR_LEN];
	struct nsm_sg sg[2];

	if (req->index >= NSM_PCR_COUNT)
		return NSM_INVALID_INDEX;
	if (emu->locked & (1u << req->index))
		return NSM_READ_ONLY_INDEX;

	sg[0].data = emu->pcr[req->index];
	sg[0].len = NSM_PCR_LEN;
	sg[1].data = req->data.ptr;
	sg[1].len = req->data.len;
	if (nsm_plat_sha384(sg, 2, value))
		return NSM_INTERNAL_ERROR;

	nsm_put_variant(w, "ExtendPCR", 1);
	nsm_cbor_put_str(w, "data");
	nsm_cbor_put_bytes(w, value, NSM_PCR_LEN);
	if (!nsm_cbor_wr_overflow(w))
		memcpy(emu->pcr[req->index], value, NSM_PCR_LEN);
	return NSM_SUCCESS;
}

/* As QEMU: locking an already locked PCR is ReadOnlyIndex. */
static enum nsm_errcode nsm_lock_pcr(struct nsm_emu *emu, u16 index,
				     struct nsm_cbor_wr *w)
{
	if (index >= NSM_PCR_COUNT)
		return NSM_INVALID_INDEX;
	if (emu->locked & (1u << index))
		return NSM_READ_ONLY_INDEX;
	nsm_cbor_put_str(w, "LockPCR");
	if (!nsm_cbor_wr_overflow(w))
		emu->locked |= 1u << index;
	return NSM_SUCCESS;
}

/* Locks [0, range); PCRs already locked are no error. */
static enum nsm_errcode nsm_lock_pcrs(struct nsm_emu *emu, u16 range,
				      struct nsm_cbor_wr *w)
{
	if (range > NSM_PCR_COUNT)
		return NSM_INVALID_INDEX;
	nsm_cbor_put_str(w, "LockPCRs");
	if (nsm_cbor_wr_overflow(w))
		return NSM_SUCCESS;
	if (range == NSM_PCR_COUNT)
		emu->locked = ~0u;
	else
		emu->locked |= (1u << range) - 1;
	return NSM_SUCCESS;
}

/* The random bytes go straight into the response: no copy on the stack. */
static enum nsm_errcode nsm_get_random(struct nsm_cbor_wr *w)
{
	u8 *p;

	nsm_put_variant(w, "GetRandom", 1);
	nsm_cbor_put_str(w, "random");
	nsm_cbor_put_head(w, NSM_CBOR_BYTES, NSM_RANDOM_LEN);
	p = nsm_cbor_reserve(w, NSM_RANDOM_LEN);
	if (p && nsm_plat_random(p, NSM_RANDOM_LEN))
		return NSM_INTERNAL_ERROR;
	return NSM_SUCCESS;
}

/**
 * nsm_attestation() - answer {"Attestation": {"document": bstr}}
 * @emu: device state, when @st is NULL
 * @st:  what the document states, or NULL to take it from @emu
 * @req: the decoded request
 * @w:   writer at the start of the response
 *
 * The document is built in place: after the fixed prefix, room is left for
 * the longest byte-string head the remaining space could need, the hook
 * writes the document behind it, and if the real head is shorter the
 * document moves down. No document-sized temporary buffer exists.
 *
 * Return: NSM_SUCCESS, or the error to answer with.
 */
static enum nsm_errcode nsm_attestation(struct nsm_emu *emu,
					const struct nsm_attest_state *st,
					const struct nsm_request *req,
					struct nsm_cbor_wr *w)
{
	size_t prefix, room, hmax, doc_len = 0;
	u8 *doc;
	int ret;

	nsm_put_variant(w, "Attestation", 1);
	nsm_cbor_put_str(w, "document");
	if (nsm_cbor_wr_overflow(w))
		return NSM_BUFFER_TOO_SMALL;
	prefix = w->len;
	room = w->cap - prefix;
	hmax = nsm_cbor_head_len(room);
	if (room <= hmax)
		return NSM_BUFFER_TOO_SMALL;
	doc = w->buf + prefix + hmax;

	if (st)
		ret = nsm_attest_sign(st, req, doc, room - hmax, &doc_len);
	else
		ret = nsm_attest_document(emu, req, doc, room - hmax, &doc_len);
	if (ret < 0) {
		if (ret < -NSM_INTERNAL_ERROR)
			return NSM_INTERNAL_ERROR;
		return (enum nsm_errcode)-ret;
	}
	if (ret > 0 || doc_len > room - hmax)
		return NSM_INTERNAL_ERROR;

	/* Shortest head: never longer than hmax, so it cannot hit doc. */
	nsm_cbor_put_head(w, NSM_CBOR_BYTES, doc_len);
	if (w->len - prefix < hmax)
		memmove(w->buf + w->len, doc, doc_len);
	w->len += doc_len;
	return NSM_SUCCESS;
}

/*
 * {"Error": name}, truncated to @cap if it must be (see nsm_handle()),
 * counted in @emu unless it is NULL.
 */
static size_t nsm_error_response(struct nsm_emu *emu, enum nsm_errcode err,
				 u8 *resp, size_t cap)
{
	u8 tmp[NSM_CORE_RESPONSE_MIN];
	struct nsm_cbor_wr w;
	size_t len;

	if (err <= NSM_SUCCESS || err > NSM_INTERNAL_ERROR)
		err = NSM_INTERNAL_ERROR;
	if (emu)
		emu->errors++;
	nsm_cbor_wr_init(&w, tmp, sizeof(tmp));
	nsm_cbor_put_map(&w, 1);
	nsm_cbor_put_str(&w, "Error");
	nsm_cbor_put_str(&w, nsm_errcode_name(err));
	len = w.len < cap ? w.len : cap;
	if (len)
		memcpy(resp, tmp, len);
	return len;
}

/**
 * nsm_handle() - answer one request
 * @emu:      device state (caller holds its lock)
 * @req:      request bytes
 * @req_len:  their length
 * @resp:     response buffer
 * @resp_cap: its size
 *
 * Counts the request in @emu->requests (by type; undecodable ones under
 * NSM_REQ_INVALID) and every Error response in @emu->errors. Malformed,
 * unknown or wrongly shaped requests are answered InvalidOperation, a
 * success response that does not fit @resp_cap BufferTooSmall (and then
 * the PCR bank is left unchanged).
 *
 * Return: the response length, > 0 and <= @resp_cap when @resp_cap is at
 * least %NSM_CORE_RESPONSE_MIN.
 */
size_t nsm_handle(struct nsm_emu *emu, const u8 *req, size_t req_len,
		  u8 *resp, size_t resp_cap)
{
	struct nsm_request r;
	struct nsm_cbor_wr w;
	enum nsm_errcode err;

	if (req_len > NSM_CORE_REQUEST_MAX) {
		emu->requests[NSM_REQ_INVALID]++;
		return nsm_error_response(emu, NSM_INPUT_TOO_LARGE, resp,
					  resp_cap);
	}

	nsm_request_decode(req, req_len, &r);
	emu->requests[r.type]++;
	nsm_cbor_wr_init(&w, resp, resp_cap);

	switch (r.type) {
	case NSM_REQ_DESCRIBE_NSM:
		err = nsm_describe_nsm(emu, &w);
		break;
	case NSM_REQ_DESCRIBE_PCR:
		err = nsm_describe_pcr(emu, r.index, &w);
		break;
	case NSM_REQ_EXTEND_PCR:
		err = nsm_extend_pcr(emu, &r, &w);
		break;
	case NSM_REQ_LOCK_PCR:
		err = nsm_lock_pcr(emu, r.index, &w);
		break;
	case NSM_REQ_LOCK_PCRS:
		err = nsm_lock_pcrs(emu, r.range, &w);
		break;
	case NSM_REQ_ATTESTATION:
		err = nsm_attestation(emu, NULL, &r, &w);
		break;
	case NSM_REQ_GET_RANDOM:
		err = nsm_get_random(&w);
		break;
	default:
		err = NSM_INVALID_OPERATION;
		break;
	}

	if (err == NSM_SUCCESS && !nsm_cbor_wr_overflow(&w))
		return w.len;
	if (err == NSM_SUCCESS)
		err = NSM_BUFFER_TOO_SMALL;
	return nsm_error_response(emu, err, resp, resp_cap);
}

size_t nsm_attest_response(const struct nsm_attest_state *st,
			   const struct nsm_request *req, u8 *resp,
			   size_t resp_cap, bool *is_error)
{
	struct nsm_cbor_wr w;
	enum nsm_errcode err;

	nsm_cbor_wr_init(&w, resp, resp_cap);
	err = nsm_attestation(NULL, st, req, &w);
	*is_error = err != NSM_SUCCESS || nsm_cbor_wr_overflow(&w);
	if (!*is_error)
		return w.len;
	if (err == NSM_SUCCESS)
		err = NSM_BUFFER_TOO_SMALL;
	return nsm_error_response(NULL, err, resp, resp_cap);
}
