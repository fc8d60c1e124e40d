/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal DER (X.690) writer and bounded reader for the certificates the
 * core mints and the ones it is given.
 *
 * The writer appends into a caller-owned buffer. Constructed values are
 * opened with der_begin() and closed with der_end(), which fills in the
 * length (moving the content when the length needs more than one byte), so
 * code reads in document order. Errors are sticky: after an overflow every
 * call is a no-op and der_w_done() reports failure once at the end.
 *
 * The reader never allocates, never recurses and never reads outside the
 * slice it was given; it accepts definite lengths only.
 */
#ifndef NSM_CORE_DER_H
#define NSM_CORE_DER_H

#include "platform.h"

#define DER_BOOLEAN		0x01
#define DER_INTEGER		0x02
#define DER_BIT_STRING		0x03
#define DER_OCTET_STRING	0x04
#define DER_NULL		0x05
#define DER_OID			0x06
#define DER_UTF8_STRING		0x0c
#define DER_PRINTABLE_STRING	0x13
#define DER_UTC_TIME		0x17
#define DER_GENERALIZED_TIME	0x18
#define DER_SEQUENCE		0x30
#define DER_SET			0x31
#define DER_CTX(n)		(0x80 | (n))	/* [n] IMPLICIT, primitive */
#define DER_CTX_CONS(n)		(0xa0 | (n))	/* [n] constructed */

#define DER_MAX_DEPTH		8

/**
 * struct der_w - DER writer state
 * @buf:   output buffer
 * @cap:   its size
 * @len:   bytes written so far
 * @open:  content start of each open constructed value
 * @depth: number of open values
 * @err:   set on overflow or misuse; sticky
 */
struct der_w {
	u8 *buf;
	size_t cap;
	size_t len;
	size_t open[DER_MAX_DEPTH];
	unsigned int depth;
	bool err;
};

void der_w_init(struct der_w *w, u8 *buf, size_t cap);
/* der_w_done(): the total length, or 0 on error or unclosed values */
size_t der_w_done(const struct der_w *w);

void der_begin(struct der_w *w, u8 tag);
void der_end(struct der_w *w);
void der_raw(struct der_w *w, const void *p, size_t n);
void der_tlv(struct der_w *w, u8 tag, const void *p, size_t n);
void der_uint(struct der_w *w, const u8 *be, size_t n);
void der_small_uint(struct der_w *w, u32 v);
void der_bool(struct der_w *w, bool v);
void der_bits(struct der_w *w, const u8 *p, size_t n);
void der_named_bits(struct der_w *w, u8 bits);
void der_time(struct der_w *w, u64 secs);

/**
 * struct der_r - a slice being read
 * @p:   next byte
 * @len: bytes left
 */
struct der_r {
	const u8 *p;
	size_t len;
};

/**
 * struct der_tlv - one element read
 * @tag:  identifier octet (single-byte tags only)
 * @hdr:  start of the element (its tag byte)
 * @tlen: full length, header included
 * @val:  content
 * @len:  content length
 */
struct der_tlv {
	u8 tag;
	const u8 *hdr;
	size_t tlen;
	const u8 *val;
	size_t len;
};

/**
 * der_next() - read the next element
 * @r: the slice; advanced past the element
 * @t: receives the element
 *
 * Return: 0, or -1 on truncation, a bad length or a multi-byte tag.
 */
int der_next(struct der_r *r, struct der_tlv *t);
/* der_expect(): der_next() that also requires tag @tag */
int der_expect(struct der_r *r, u8 tag, struct der_tlv *t);
/* der_peek(): tag of the next element, or -1 at the end */
int der_peek(const struct der_r *r);
/* der_enter(): a reader over the content of @t */
static inline struct der_r der_enter(const struct der_tlv *t)
{
	struct der_r r = { t->val, t->len };

	return r;
}

/**
 * der_parse_time() - UTCTime or GeneralizedTime ("...Z", whole seconds)
 * @t:    the element
 * @secs: receives seconds since the epoch
 *
 * Return: 0, or -1 on a malformed time.
 */
int der_parse_time(const struct der_tlv *t, u64 *secs);

/**
 * der_well_formed() - is @p a sequence of DER elements, each constructed
 * one's content in turn a sequence of elements that fills it exactly?
 * @p:   the bytes
 * @len: their number
 *
 * Definite, shortest lengths and single-byte tags only (as der_next());
 * at most DER_MAX_DEPTH levels of nesting. Contents of primitive elements
 * are not looked at. Iterative: no recursion on input.
 * Return: true when well formed.
 */
bool der_well_formed(const u8 *p, size_t len);

/**
 * der_first_elem_len() - length of the first DER element, header included
 * @p:   the bytes
 * @len: their number
 *
 * Return: that length, or 0 if @p does not start with a complete element.
 */
size_t der_first_elem_len(const u8 *p, size_t len);

#endif /* NSM_CORE_DER_H */
