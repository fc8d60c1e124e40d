/* SPDX-License-Identifier: GPL-2.0 */
/* Node ids of the detail tree, shared with the hex view and the export. */
#ifndef TUI_DETAIL_H
#define TUI_DETAIL_H

#include <stdio.h>

#include "app.h"

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

void detail_build(struct app *app, struct doc *d, struct lines *ls);

/*
 * Where node @id lies in the document's raw bytes (key included for map
 * entries) and what to call it. Return: 0, or -1 when it has no bytes.
 */
int detail_span(struct doc *d, int id, size_t *off, size_t *len,
		char *name, size_t cap);

/* Move the tree's cursor to the previous/next node that has bytes. */
unsigned int detail_field_step(struct app *app, int dir);

/* The whole document in a JSON export (the detail and hex views'), as
 * nsmctl dump --json writes it (helpers/report.h); the caller begins and
 * ends the print path. */
void detail_json(struct doc *d);

#endif
