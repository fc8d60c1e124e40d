/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One attestation document as the TUI shows it: where it came from, the
 * libnsm document object, and what the views cache about it.
 *
 * Loading is lazy (loader.c): a struct doc starts as a file name only. The
 * file is read, decoded (input_decode) and parsed (nsm_doc_parse) the
 * first time the document is drawn or needed, so a directory of 10,000
 * captures opens as fast as it can be listed.
 */
#ifndef TUI_DOC_H
#define TUI_DOC_H

#include <stddef.h>
#include <stdint.h>

#include <nsm_verify.h>

#include "helpers/hex.h"
#include "helpers/input.h"

#define DOC_MAX_FILE	(4u << 20)	/* larger files are refused */

enum doc_state { DOC_UNLOADED, DOC_OK, DOC_ERROR };

/* A certificate as the detail tree shows it. */
struct doc_cert {
	int ok;			/* 1 decoded, -1 not a certificate */
	struct nsm_cert_info info;
	char key[80];		/* "EC P-384", "RSA 2048" */
	char cn[96];		/* CN of the subject, or the subject */
	size_t der_len;
};

/* Verification result for one time-policy generation. */
struct doc_verdict {
	unsigned gen;		/* 0: not computed */
	int ok;
	int error;		/* the verifier failed to run (ENOMEM...) */
	char summary[96];	/* "valid" or the first failure's name */
	int root;		/* the root the chain ended in, -1: none */
	char root_name[64];	/* its name, "-" when none */
};

struct doc {
	char *path;		/* file to read; NULL for documents in memory */
	char *source;		/* what the list shows: file name, "device" */
	enum doc_state state;
	char err[200];		/* why state is DOC_ERROR */
	int marked;		/* selected for the diff */

	struct nsm_doc *nd;	/* parsed document (DOC_OK) */
	enum input_format fmt;

	/* summary for the list, read from nd at load */
	char module_id[100];
	uint64_t timestamp;
	int has_timestamp;
	int debug;

	int certs_done;
	struct doc_cert leaf;
	struct doc_cert *cab;
	size_t ncab;

	struct doc_verdict verdict;
};

struct doc *doc_new_file(const char *path, const char *source);
/* A document from memory (the live device); loaded at once. */
struct doc *doc_new_bytes(const uint8_t *b, size_t n, const char *source);
void doc_free(struct doc *d);

/* Read and parse once; afterwards d->state is DOC_OK or DOC_ERROR. */
void doc_load(struct doc *d);

/* Decode the certificates for the detail tree (once). */
void doc_load_certs(struct doc *d);

/* @d (NULL: none) as nsmctl dump --json writes it, or why it cannot be:
 * the detail and hex views' JSON export (helpers/report.h) */
void doc_report(struct doc *d);

/* PCR meaning for labels: the helpers' pcr_label(), or "reserved". */
const char *doc_pcr_meaning(unsigned index);

void fmt_time_ms(int64_t ms, char *buf, size_t n);
void fmt_duration(long long secs, char *buf, size_t n);

#endif
