/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny, strict, bounded CBOR (RFC 8949) reader and writer for the NSM
 * protocol core.
 *
 * The reader never allocates and never recurses: nsm_cbor_skip() walks any
 * well-formed item with an explicit frame stack whose depth is bounded by
 * NSM_CBOR_MAX_DEPTH, and every step consumes at least one input byte, so the
 * work is linear in the input length. Definite-length containers nested in
 * definite-length containers share one frame, so only indefinite-length
 * nesting uses stack frames.
 *
 * The writer emits the shortest encoding of every head, as serde_cbor does,
 * and stops writing (but keeps counting) once the buffer is full.
 */
#ifndef NSM_CORE_CBOR_H
#define NSM_CORE_CBOR_H

#include "platform.h"

/* Major types (RFC 8949 section 3.1). */
#define NSM_CBOR_UINT		0
#define NSM_CBOR_NINT		1
#define NSM_CBOR_BYTES		2
#define NSM_CBOR_TEXT		3
#define NSM_CBOR_ARRAY		4
#define NSM_CBOR_MAP		5
#define NSM_CBOR_TAG		6
#define NSM_CBOR_SIMPLE		7

/* Simple values of major type 7 (the item's @val). */
#define NSM_CBOR_FALSE		20
#define NSM_CBOR_TRUE		21
#define NSM_CBOR_NULL		22

/* Initial byte of the "break" stop code ending indefinite-length items. */
#define NSM_CBOR_BREAK		0xff

/*
 * Frames nsm_cbor_skip() may open above the skipped item: one per
 * indefinite-length container, and one per definite container directly
 * inside an indefinite one.
 */
#define NSM_CBOR_MAX_DEPTH	16

/**
 * struct nsm_cbor_rd - a reader over a byte buffer
 * @p:   next byte to read
 * @end: one past the last byte
 */
struct nsm_cbor_rd {
	const u8 *p;
	const u8 *end;
};

/**
 * struct nsm_cbor_item - the head of one data item
 * @major:      major type, NSM_CBOR_UINT .. NSM_CBOR_SIMPLE
 * @indefinite: indefinite length (strings, arrays, maps) or the break code
 *              (major 7)
 * @val:        the argument: integer value, string length, number of array
 *              items or map pairs, tag number, or simple value (floats: the
 *              raw bits)
 * @ptr:        definite-length strings: the first payload byte (inside the
 *              reader's buffer); NULL otherwise
 */
struct nsm_cbor_item {
	u8 major;
	bool indefinite;
	u64 val;
	const u8 *ptr;
};

/**
 * struct nsm_cbor_wr - a writer into a caller-owned buffer
 * @buf: output buffer
 * @cap: its size
 * @len: bytes the encoding needs so far (may exceed @cap)
 */
struct nsm_cbor_wr {
	u8 *buf;
	size_t cap;
	size_t len;
};

static inline void nsm_cbor_rd_init(struct nsm_cbor_rd *rd, const u8 *buf,
				    size_t len)
{
	rd->p = buf;
	rd->end = buf ? buf + len : buf;	/* NULL + 0 is undefined in C */
}

static inline size_t nsm_cbor_rd_left(const struct nsm_cbor_rd *rd)
{
	return (size_t)(rd->end - rd->p);
}

int nsm_cbor_next(struct nsm_cbor_rd *rd, struct nsm_cbor_item *it);
int nsm_cbor_skip(struct nsm_cbor_rd *rd);
bool nsm_cbor_well_formed(const u8 *buf, size_t len);

static inline void nsm_cbor_wr_init(struct nsm_cbor_wr *wr, u8 *buf,
				    size_t cap)
{
	wr->buf = buf;
	wr->cap = cap;
	wr->len = 0;
}

/* True once something did not fit: the output is then incomplete. */
static inline bool nsm_cbor_wr_overflow(const struct nsm_cbor_wr *wr)
{
	return wr->len > wr->cap;
}

size_t nsm_cbor_head_len(u64 val);
void nsm_cbor_put_head(struct nsm_cbor_wr *wr, u8 major, u64 val);
void nsm_cbor_put_bytes(struct nsm_cbor_wr *wr, const void *data, size_t len);
void nsm_cbor_put_text(struct nsm_cbor_wr *wr, const char *s, size_t len);
void nsm_cbor_put_str(struct nsm_cbor_wr *wr, const char *s);
void nsm_cbor_put_bool(struct nsm_cbor_wr *wr, bool v);
u8 *nsm_cbor_reserve(struct nsm_cbor_wr *wr, size_t len);

static inline void nsm_cbor_put_uint(struct nsm_cbor_wr *wr, u64 v)
{
	nsm_cbor_put_head(wr, NSM_CBOR_UINT, v);
}

static inline void nsm_cbor_put_map(struct nsm_cbor_wr *wr, u64 pairs)
{
	nsm_cbor_put_head(wr, NSM_CBOR_MAP, pairs);
}

static inline void nsm_cbor_put_array(struct nsm_cbor_wr *wr, u64 items)
{
	nsm_cbor_put_head(wr, NSM_CBOR_ARRAY, items);
}

#endif /* NSM_CORE_CBOR_H */
