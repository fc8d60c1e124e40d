/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports of documents, verifications and PCR comparisons: the one writer
 * behind nsmctl's dump, verify and diff (text and --json) and nsm-tui's
 * JSON exports, so both programs write the same field names.
 *
 * Every function prints through the print path (print.h) that the caller
 * began with pr_begin() and ends with pr_end(). In JSON mode a report is
 * the members of the top-level object, starting with "schema" (the
 * version below) and "kind" ("document", "verification", "diff",
 * "error").
 * Documentation/json-schema.rst describes the schema;
 * Documentation/nsm-emu.schema.json is its machine-readable form.
 */
#ifndef NSM_HELPERS_REPORT_H
#define NSM_HELPERS_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <nsm_verify.h>

#include "input.h"

/* The "schema" member of every report; bumped on any incompatible change
 * (a member renamed, removed or retyped), not on added members. */
#define REPORT_SCHEMA	"nsm-emu/1"

/* report_header() - "schema" and "kind" (JSON only) */
void report_header(const char *kind);

/* report_error() - what could not be reported, and why (kind "error",
 * for nsm-tui's exports of a file that is not a document) */
void report_error(const char *source, const char *message);

/*
 * report_document() - a document as a tree: COSE envelope, payload fields
 * (each PCR with its meaning, each certificate summarised, unknown keys),
 * properties
 * @source: where it came from, shown as is ("doc.cbor", "<stdin>")
 * @fmt:    the input format it was decoded from
 */
void report_document(const char *source, enum input_format fmt,
		     const struct nsm_doc *doc);

/*
 * report_verification() - every check of @r with its status, code and
 * message, the instant and root of the chain, and the verdict
 * @time_policy: "now", "document" or "given"
 */
void report_verification(const char *source, enum input_format fmt,
			 const char *time_policy, const struct nsm_result *r);

/* One input of a PCR comparison: a document's PCRs or expected values. */
struct report_input {
	char label[4];		/* "a", "E", "A"... */
	const char *name;	/* file name, "device #1" */
	bool expected;		/* expected measurements, not a document */
	const struct nsm_pcrset *set;
};

/*
 * report_diff() - PCR by PCR, @n inputs (n >= 1). When one is expected
 * values, only the PCRs it names are compared; otherwise the union of the
 * inputs' PCRs. Equal PCRs are listed only with @all.
 * Return: the number of PCRs that differ.
 */
size_t report_diff(const struct report_input *in, int n, bool all);

/* cert_key_desc() - "EC P-384", "RSA 2048", ... of a DER certificate's
 * key, "unknown" when it has none that OpenSSL reads */
void cert_key_desc(const uint8_t *der, size_t len, char *buf, size_t cap);

#endif /* NSM_HELPERS_REPORT_H */
