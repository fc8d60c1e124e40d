/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by libnsm's tests: test data, document surgery. */
#ifndef LIBNSM_TEST_UTIL_H
#define LIBNSM_TEST_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"

#ifndef NSM_TESTDATA
#define NSM_TESTDATA "../shared/testdata"
#endif

struct blob {
	uint8_t *p;
	size_t len;
};

static __attribute__((unused)) struct blob load(const char *rel)
{
	char path[512];
	struct blob b = { NULL, 0 };

	snprintf(path, sizeof(path), "%s/%s", NSM_TESTDATA, rel);
	if (nsm_read_input_file(&b.p, &b.len, NULL, path, NSM_INPUT_CBOR)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	return b;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.cbor names of testdata/aws; returns the count. */
static __attribute__((unused)) size_t aws_docs(char ***names)
{
	char dir[512];
	DIR *d;
	struct dirent *e;
	size_t n = 0;

	*names = calloc(64, sizeof(char *));
	snprintf(dir, sizeof(dir), "%s/aws", NSM_TESTDATA);
	d = opendir(dir);
	if (!d || !*names) {
		fprintf(stderr, "cannot open %s\n", dir);
		exit(2);
	}
	while ((e = readdir(d)) && n < 64) {
		size_t l = strlen(e->d_name);

		if (l > 5 && !strcmp(e->d_name + l - 5, ".cbor"))
			(*names)[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(*names, n, sizeof(char *), cmpstr);
	return n;
}

static __attribute__((unused)) void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Append a CBOR head for (major, v) in shortest form. */
static size_t put_head(uint8_t *p, unsigned int major, uint64_t v)
{
	int n, i;

	if (v < 24) {
		p[0] = (uint8_t)(major << 5 | v);
		return 1;
	}
	n = v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x100000000ULL ? 4 : 8;
	p[0] = (uint8_t)(major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
	for (i = 0; i < n; i++)
		p[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return (size_t)n + 1;
}

/*
 * Rebuild a COSE_Sign1 from @doc with the payload replaced by @pl. The
 * other three elements are copied byte for byte. Caller frees the blob.
 */
static __attribute__((unused)) struct blob rewrap(const struct nsm_doc *doc,
						  const uint8_t *pl, size_t pl_len)
{
	const uint8_t *raw = nsm_doc_raw(doc, NULL);
	struct nsm_span s;
	struct blob b;
	size_t n = 0;
	int f;

	b.p = malloc(pl_len + 20000);
	b.p[n++] = 0x84;
	for (f = NSM_FIELD_COSE_PROTECTED; f <= NSM_FIELD_COSE_SIGNATURE; f++) {
		nsm_doc_field_span(doc, (enum nsm_field)f, &s);
		if (f == NSM_FIELD_COSE_PAYLOAD) {
			n += put_head(b.p + n, 2, pl_len);
			memcpy(b.p + n, pl, pl_len);
			n += pl_len;
		} else {
			memcpy(b.p + n, raw + s.off, s.len);
			n += s.len;
		}
	}
	b.len = n;
	return b;
}

/*
 * The document with payload bytes [@from, @to) (absolute offsets in the
 * raw document) replaced by @ins, and the payload map's entry count
 * changed by @delta (definite maps with a one-byte head, as real
 * documents have; indefinite maps need no count). Re-wrapped into a
 * COSE_Sign1 with the original signature.
 */
static __attribute__((unused)) struct blob splice_payload(
	const struct nsm_doc *doc, size_t from, size_t to, const uint8_t *ins,
	size_t ins_len, int delta)
{
	const uint8_t *raw = nsm_doc_raw(doc, NULL);
	struct nsm_span pls;
	struct blob out;
	uint8_t *pl;
	size_t n, head, end;

	nsm_doc_field_span(doc, NSM_FIELD_COSE_PAYLOAD, &pls);
	end = pls.data_off + pls.data_len;
	pl = malloc(pls.data_len + ins_len + 16);
	if (nsm_doc_payload_indefinite(doc)) {
		head = 1;
		pl[0] = 0xbf;
	} else {
		head = put_head(pl, 5, nsm_doc_key_count(doc) + (size_t)delta);
	}
	n = head;
	memcpy(pl + n, raw + pls.data_off + 1, from - pls.data_off - 1);
	n += from - pls.data_off - 1;
	if (ins_len)
		memcpy(pl + n, ins, ins_len);
	n += ins_len;
	memcpy(pl + n, raw + to, end - to);
	n += end - to;
	out = rewrap(doc, pl, n);
	free(pl);
	return out;
}

static __attribute__((unused)) struct blob drop_field(const struct nsm_doc *doc,
						      enum nsm_field field)
{
	struct nsm_span fs;

	nsm_doc_field_span(doc, field, &fs);
	return splice_payload(doc, fs.key_off, fs.off + fs.len, NULL, 0, -1);
}

#endif
