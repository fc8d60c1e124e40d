/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A strict CBOR (RFC 8949) reader that keeps the byte position of every
 * item, so that documents can be shown in a hex view and verified without
 * re-encoding. libcbor (used by the client) does not report positions nor
 * refuse duplicate map keys, hence this small reader.
 *
 * Items are stored in an arena of nodes linked first-child/next-sibling;
 * a map's children alternate key, value.
 */
#ifndef LIBNSM_CBORP_H
#define LIBNSM_CBORP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cb_major {
	CB_UINT = 0, CB_NINT, CB_BYTES, CB_TEXT, CB_ARRAY, CB_MAP, CB_TAG,
	CB_SIMPLE,
};

/* simple values (major 7) are stored in val: 20 false, 21 true, 22 null,
 * 23 undefined; floats have val = CB_FLOAT_VAL */
#define CB_SIMPLE_FALSE	20
#define CB_SIMPLE_TRUE	21
#define CB_SIMPLE_NULL	22
#define CB_FLOAT_VAL	0x100

#define CB_NONE		0u	/* node index 0 is never used */

/*
 * One per item, so it is kept small (48 bytes): the arena is most of the
 * parser's memory, up to one node per input byte. Offsets and lengths are
 * 32-bit: cb_parse() refuses buffers that reach 4 GiB.
 */
struct cb_node {
	uint64_t val;		/* uint value, nint raw (-1 - val), tag, simple,
				   element/pair count */
	const uint8_t *data;	/* string content (may be a concatenation) */
	uint32_t off;		/* item start (header), absolute */
	uint32_t len;		/* whole item */
	uint32_t data_off;	/* absolute content offset */
	uint32_t dlen;		/* content length */
	uint32_t data_span;	/* content span in the raw bytes */
	uint32_t first;		/* first child */
	uint32_t next;		/* next sibling */
	uint8_t major;
	bool indef;		/* indefinite-length string/array/map */
};

enum cb_err {
	CB_OK = 0,
	CB_ERR_MALFORMED,	/* not well-formed or truncated */
	CB_ERR_TRAILING,	/* bytes after the item */
	CB_ERR_DUPKEY,		/* duplicate map key */
	CB_ERR_NOMEM,
};

struct cb_tree {
	struct cb_node *n;
	uint32_t count;
	uint32_t cap;
	uint8_t **bufs;		/* concatenated indefinite strings */
	size_t nbufs;
	size_t bufs_cap;
	size_t err_off;		/* where an error was found */
	const char *err_msg;	/* static description */
};

void cb_tree_init(struct cb_tree *t);
void cb_tree_release(struct cb_tree *t);

/*
 * cb_parse() - parse exactly one item from buf[0..len) into @t.
 * @base is the absolute offset of buf[0] (for nested encodings such as a
 * COSE payload). Return CB_OK with *root set, or an error (t->err_off,
 * t->err_msg describe it).
 */
enum cb_err cb_parse(struct cb_tree *t, const uint8_t *buf, size_t len,
		     size_t base, uint32_t *root);

static inline struct cb_node *cb_at(const struct cb_tree *t, uint32_t i)
{
	return i == CB_NONE ? NULL : &t->n[i];
}

/* Look up a text key in a map node; returns the value index or CB_NONE
 * and, if @key is not NULL, the key index. */
uint32_t cb_map_get(const struct cb_tree *t, uint32_t map, const char *name,
		    uint32_t *key);
/* Look up an integer key (negative values allowed). */
uint32_t cb_map_get_int(const struct cb_tree *t, uint32_t map, int64_t k);

static inline bool cb_is_null(const struct cb_node *n)
{
	return n && n->major == CB_SIMPLE && n->val == CB_SIMPLE_NULL;
}

#endif /* LIBNSM_CBORP_H */
