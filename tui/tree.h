/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The document tree: the model the detail view draws and the hex view
 * highlights. Every node has an id; every line of the tree carries the id
 * of its node (lines.h's tag), so a cursor on a line names a node, and
 * tree_span() says which bytes of the document that node covers.
 *
 * struct tree holds what the user did to the tree: which nodes are open,
 * and the node selected in it (the detail view's cursor, which the hex
 * view's [ ] move too).
 */
#ifndef TUI_TREE_H
#define TUI_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "lines.h"

/* Node ids. */
enum {
	N_COSE = 1, N_PROT, N_UNPROT, N_PAYLOAD, N_SIG,
	N_MODULE = 10, N_DIGEST, N_TS, N_PCRS,
	N_CERT = 20, N_CAB, N_PUBKEY, N_USER, N_NONCE,
};

#define MAX_PCR_NODES	64
#define MAX_CAB_NODES	64
#define MAX_OTHER_NODES	64
#define PCR_NODE(i)	(100 + (int)(i))	/* i-th entry, document order */
#define CAB_NODE(i)	(200 + (int)(i))
#define OTHER_NODE(i)	(300 + (int)(i))	/* i-th payload key */
/* certificate details: slot 0 = leaf, 1 + i = cabundle[i] */
#define CERT_FIELD(slot, f)	(1000 + (slot) * 16 + (f))

struct tree {
	unsigned char open[4096];	/* by node id: see tree.c */
	int selected;		/* the selected node, -1: none */
	int moved;		/* selected was moved outside the detail view */
};

void tree_init(struct tree *t);
int tree_is_open(const struct tree *t, int id);
void tree_set_open(struct tree *t, int id, int open);
/* Open every node, or close them all when all are open already. */
void tree_open_all(struct tree *t);

/* The tree's lines for @d (certificate validity shown at @now). */
void tree_lines(const struct tree *t, struct doc *d, int64_t now,
		struct lines *ls);

/* The node a node belongs to (certificate fields -> certificate), or -1. */
int tree_parent(int id);

/*
 * Where node @id lies in the document's raw bytes (key included for map
 * entries) and what to call it. Return: 0, or -1 when it has no bytes.
 */
int tree_span(struct doc *d, int id, size_t *off, size_t *len, char *name,
	      size_t cap);

/* The line of the previous (@dir -1) or next (1) node that has bytes,
 * from line @cur of @ls; -1 when there is none. */
int tree_step(const struct lines *ls, int cur, int dir, struct doc *d);

#endif /* TUI_TREE_H */
