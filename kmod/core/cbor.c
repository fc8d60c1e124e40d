// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny strict CBOR reader and writer for the NSM protocol core.
 *
 * Strictness of the reader (RFC 8949 section 3 "well-formedness"): reserved
 * additional information values 28-30, indefinite lengths on integers and
 * tags, two-byte simple values below 32, break codes outside an
 * indefinite-length item or after a tag, odd item counts in indefinite maps,
 * chunks of the wrong type inside indefinite strings and every truncation are
 * errors. Non-shortest integer and length encodings are accepted (RFC 8949
 * calls them well-formed, and serde_cbor accepts them). UTF-8 in text
 * strings is not validated.
 */
#include "cbor.h"

/**
 * nsm_cbor_next() - read the head of the next data item
 * @rd: reader
 * @it: receives the head
 *
 * For definite-length byte and text strings the payload is bounds-checked
 * and consumed too (@it->ptr points at it). Containers and tags are not
 * entered: their content follows in the stream.
 *
 * Return: 0, or -1 if the head is malformed or truncated (the reader is then
 * left in an unspecified position).
 */
int nsm_cbor_next(struct nsm_cbor_rd *rd, struct nsm_cbor_item *it)
{
	unsigned int i, n;
	u64 v = 0;
	u8 ib, ai;

	if (rd->p >= rd->end)
		return -1;
	ib = *rd->p++;
	it->major = ib >> 5;
	it->indefinite = false;
	it->ptr = NULL;
	ai = ib & 0x1f;

	if (ai < 24) {
		v = ai;
	} else if (ai <= 27) {
		n = 1u << (ai - 24);
		if (nsm_cbor_rd_left(rd) < n)
			return -1;
		for (i = 0; i < n; i++)
			v = (v << 8) | *rd->p++;
	} else if (ai == 31) {
		switch (it->major) {
		case NSM_CBOR_BYTES:
		case NSM_CBOR_TEXT:
		case NSM_CBOR_ARRAY:
		case NSM_CBOR_MAP:
		case NSM_CBOR_SIMPLE:	/* the break stop code */
			it->indefinite = true;
			break;
		default:
			return -1;
		}
	} else {
		return -1;	/* 28..30 are reserved */
	}
	it->val = v;

	if (it->major == NSM_CBOR_SIMPLE && ai == 24 && v < 32)
		return -1;
	if ((it->major == NSM_CBOR_BYTES || it->major == NSM_CBOR_TEXT) &&
	    !it->indefinite) {
		if (v > nsm_cbor_rd_left(rd))
			return -1;
		it->ptr = rd->p;
		rd->p += (size_t)v;
	}
	return 0;
}

/* Skip the chunks of an indefinite-length string up to and with its break. */
static int nsm_cbor_skip_chunks(struct nsm_cbor_rd *rd, u8 major)
{
	struct nsm_cbor_item it;

	/* Every chunk consumes at least one byte: bounded by the input. */
	for (;;) {
		if (nsm_cbor_next(rd, &it))
			return -1;
		if (it.major == NSM_CBOR_SIMPLE && it.indefinite)
			return 0;
		if (it.major != major || it.indefinite)
			return -1;
	}
}

/*
 * One open container while skipping. A counting frame (@indef false) waits
 * for @left more items; an indefinite frame waits for a break, and @odd
 * tracks whether a map is between a key and its value.
 */
struct nsm_cbor_frame {
	size_t left;
	bool indef;
	bool map;
	bool odd;
};

/**
 * nsm_cbor_skip() - skip exactly one complete, well-formed data item
 * @rd: reader, positioned at the item's head
 *
 * Iterative: definite-length containers add their item count to the
 * enclosing counting frame, indefinite-length ones push a frame (as does a
 * definite container directly inside an indefinite one), at most
 * %NSM_CBOR_MAX_DEPTH above the item's own. Each loop iteration consumes
 * at least one byte and a declared count larger than the bytes left is
 * rejected at once, so the work is bounded by the input length whatever
 * the lengths claim.
 *
 * Return: 0, or -1 if the item is malformed, truncated or nests indefinite
 * items too deeply.
 */
int nsm_cbor_skip(struct nsm_cbor_rd *rd)
{
	struct nsm_cbor_frame st[NSM_CBOR_MAX_DEPTH + 1];
	size_t steps = nsm_cbor_rd_left(rd) + 1;
	struct nsm_cbor_frame *top;
	struct nsm_cbor_item it;
	unsigned int depth = 1;
	bool tagged = false;
	size_t count, left;

	st[0].left = 1;
	st[0].indef = false;
	st[0].map = false;
	st[0].odd = false;

	while (depth) {
		top = &st[depth - 1];
		if (!top->indef && !top->left) {
			depth--;
			continue;
		}
		if (!steps--)	/* cannot happen: a byte per step */
			return -1;
		if (nsm_cbor_next(rd, &it))
			return -1;

		if (it.major == NSM_CBOR_SIMPLE && it.indefinite) {
			if (!top->indef || tagged || (top->map && top->odd))
				return -1;
			depth--;
			continue;
		}
		if (it.major == NSM_CBOR_TAG) {
			tagged = true;	/* the tagged item follows */
			continue;
		}
		tagged = false;

		if (top->indef)
			top->odd = !top->odd;
		else
			top->left--;

		switch (it.major) {
		case NSM_CBOR_BYTES:
		case NSM_CBOR_TEXT:
			if (it.indefinite && nsm_cbor_skip_chunks(rd, it.major))
				return -1;
			break;
		case NSM_CBOR_ARRAY:
		case NSM_CBOR_MAP:
			if (it.indefinite) {
				if (depth == NSM_CBOR_MAX_DEPTH + 1)
					return -1;
				top = &st[depth++];
				top->left = 0;
				top->indef = true;
				top->map = it.major == NSM_CBOR_MAP;
				top->odd = false;
				break;
			}
			/* Every pending item needs at least one byte. */
			left = nsm_cbor_rd_left(rd);
			if (it.major == NSM_CBOR_MAP) {
				if (it.val > left / 2)
					return -1;
				count = (size_t)it.val * 2;
			} else {
				if (it.val > left)
					return -1;
				count = (size_t)it.val;
			}
			if (!count)
				break;
			if (!top->indef) {
				if (top->left > left - count)
					return -1;
				top->left += count;
				break;
			}
			if (depth == NSM_CBOR_MAX_DEPTH + 1)
				return -1;
			top = &st[depth++];
			top->left = count;
			top->indef = false;
			top->map = false;
			top->odd = false;
			break;
		default:	/* integers and simple values have no content */
			break;
		}
	}
	return 0;
}

/**
 * nsm_cbor_well_formed() - is @buf exactly one well-formed CBOR item?
 * @buf: bytes
 * @len: their number
 *
 * Return: true if @buf holds one complete item and nothing after it.
 */
bool nsm_cbor_well_formed(const u8 *buf, size_t len)
{
	struct nsm_cbor_rd rd;

	nsm_cbor_rd_init(&rd, buf, len);
	return !nsm_cbor_skip(&rd) && rd.p == rd.end;
}

/* Append @len raw bytes, or only count them once the buffer is full. */
static void nsm_cbor_put_raw(struct nsm_cbor_wr *wr, const void *data,
			     size_t len)
{
	if (wr->len <= wr->cap && len <= wr->cap - wr->len) {
		if (len)
			memcpy(wr->buf + wr->len, data, len);
		wr->len += len;
	} else {
		wr->len = wr->cap + 1;	/* sticky overflow */
	}
}

/**
 * nsm_cbor_head_len() - bytes of the shortest head carrying @val
 * @val: integer value, length or count
 *
 * Return: 1, 2, 3, 5 or 9.
 */
size_t nsm_cbor_head_len(u64 val)
{
	if (val < 24)
		return 1;
	if (val <= 0xff)
		return 2;
	if (val <= 0xffff)
		return 3;
	if (val <= 0xffffffffULL)
		return 5;
	return 9;
}

/**
 * nsm_cbor_put_head() - append the shortest head of major type @major
 * @wr:    writer
 * @major: NSM_CBOR_UINT .. NSM_CBOR_SIMPLE
 * @val:   the argument
 */
void nsm_cbor_put_head(struct nsm_cbor_wr *wr, u8 major, u64 val)
{
	size_t n = nsm_cbor_head_len(val);
	u8 head[9];
	size_t i;

	switch (n) {
	case 1:
		head[0] = (u8)(major << 5 | val);
		break;
	case 2:
		head[0] = (u8)(major << 5 | 24);
		break;
	case 3:
		head[0] = (u8)(major << 5 | 25);
		break;
	case 5:
		head[0] = (u8)(major << 5 | 26);
		break;
	default:
		head[0] = (u8)(major << 5 | 27);
		break;
	}
	for (i = 1; i < n; i++)
		head[i] = (u8)(val >> (8 * (n - 1 - i)));
	nsm_cbor_put_raw(wr, head, n);
}

/** nsm_cbor_put_bytes() - append a definite-length byte string */
void nsm_cbor_put_bytes(struct nsm_cbor_wr *wr, const void *data, size_t len)
{
	nsm_cbor_put_head(wr, NSM_CBOR_BYTES, len);
	nsm_cbor_put_raw(wr, data, len);
}

/** nsm_cbor_put_text() - append a definite-length text string */
void nsm_cbor_put_text(struct nsm_cbor_wr *wr, const char *s, size_t len)
{
	nsm_cbor_put_head(wr, NSM_CBOR_TEXT, len);
	nsm_cbor_put_raw(wr, s, len);
}

/** nsm_cbor_put_str() - append a NUL-terminated string as a text string */
void nsm_cbor_put_str(struct nsm_cbor_wr *wr, const char *s)
{
	nsm_cbor_put_text(wr, s, strlen(s));
}

/** nsm_cbor_put_bool() - append CBOR true or false */
void nsm_cbor_put_bool(struct nsm_cbor_wr *wr, bool v)
{
	u8 b = NSM_CBOR_SIMPLE << 5 | (v ? NSM_CBOR_TRUE : NSM_CBOR_FALSE);

	nsm_cbor_put_raw(wr, &b, 1);
}

/**
 * nsm_cbor_reserve() - claim @len bytes for the caller to fill
 * @wr:  writer
 * @len: bytes
 *
 * Return: where to write them, or NULL if they do not fit (the writer is
 * then in overflow).
 */
u8 *nsm_cbor_reserve(struct nsm_cbor_wr *wr, size_t len)
{
	size_t at = wr->len;

	if (wr->len > wr->cap || len > wr->cap - wr->len) {
		wr->len = wr->cap + 1;
		return NULL;
	}
	wr->len += len;
	return wr->buf + at;
}
