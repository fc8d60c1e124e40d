/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by libnsm's tests: test data, document surgery. */
#ifndef LIBNSM_TEST_UTIL_H
#define LIBNSM_TEST_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"
#include "helpers/input.h"
#include "../../tests/tap.h"

#include <sys/stat.h>

/*
 * Two sources of documents:
 *  - the third-party test data (real AWS documents, other projects' test
 *    CAs): never committed; read from $NSM_TESTDATA, else from
 *    NSM_TESTDATA_DEFAULT (../shared/testdata, set by the Makefile). When
 *    neither exists the tests that need it are skipped, each by name
 *    (td_skip); a $NSM_TESTDATA that does not exist is an error.
 *  - documents the emulator's core made for this run (tests/emu-docs.sh),
 *    in $NSM_EMU_DOCS: doc, indefinite, fill, debug, tagged (NAME.cbor,
 *    NAME.root.pem). These are always there.
 */
#ifndef NSM_TESTDATA_DEFAULT
#define NSM_TESTDATA_DEFAULT "../shared/testdata"
#endif
#define TD_SKIP "no third-party test data"

struct blob {
	uint8_t *p;
	size_t len;
};

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The test data directory, or NULL when there is none. */
static __attribute__((unused)) const char *td_dir(void)
{
	static const char *dir;
	static int done;
	char aws[600];
	const char *env = getenv("NSM_TESTDATA");

	if (done)
		return dir;
	done = 1;
	if (env && *env) {
		snprintf(aws, sizeof(aws), "%s/aws", env);
		if (!is_dir(aws)) {
			printf("Bail out! NSM_TESTDATA=%s has no aws/ directory\n", env);
			exit(2);
		}
		dir = env;
	} else {
		snprintf(aws, sizeof(aws), "%s/aws", NSM_TESTDATA_DEFAULT);
		dir = is_dir(aws) ? NSM_TESTDATA_DEFAULT : NULL;
	}
	return dir;
}

/* "TD/rel" into @buf */
static __attribute__((unused)) const char *td_path(char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/%s", td_dir() ? td_dir() : "(no test data)", rel);
	return buf;
}

/* "EMU/name" into @buf */
static __attribute__((unused)) const char *emu_path(char *buf, size_t n, const char *name)
{
	const char *dir = getenv("NSM_EMU_DOCS");

	if (!dir || !*dir) {
		printf("Bail out! NSM_EMU_DOCS is not set (tests/emu-docs.sh writes them)\n");
		exit(2);
	}
	snprintf(buf, n, "%s/%s", dir, name);
	return buf;
}

/* Print @count skipped tests named "@what" (numbered when more than one). */
static __attribute__((unused)) void td_skip(int count, const char *what)
{
	int i;

	for (i = 0; i < count; i++) {
		if (count == 1)
			tap_skip(TD_SKIP, "%s", what);
		else
			tap_skip(TD_SKIP, "%s (%d of %d)", what, i + 1, count);
	}
}

/* One skipped test, its name formatted like tap_ok's. */
static __attribute__((unused, format(printf, 1, 2))) void td_skipf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vskip(TD_SKIP, fmt, ap);
	va_end(ap);
}

static struct blob load_path(const char *path)
{
	struct blob b = { NULL, 0 };

	if (input_read_file(&b.p, &b.len, NULL, path, INPUT_CBOR)) {
		printf("Bail out! cannot read %s\n", path);
		exit(2);
	}
	return b;
}

/* A file of the test data (which must exist: check td_dir() first). */
static __attribute__((unused)) struct blob load(const char *rel)
{
	char path[600];

	return load_path(td_path(path, sizeof(path), rel));
}

/* An emulator document: "doc", "indefinite", "fill", "debug", "tagged". */
static __attribute__((unused)) struct blob load_emu(const char *name)
{
	char path[600], file[300];

	snprintf(file, sizeof(file), "%s.cbor", name);
	return load_path(emu_path(path, sizeof(path), file));
}

/* The root certificate (PEM file) of an emulator document. */
static __attribute__((unused)) const char *emu_root(char *buf, size_t n, const char *name)
{
	char file[300];

	snprintf(file, sizeof(file), "%s.root.pem", name);
	return emu_path(buf, n, file);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The 16 real AWS documents of testdata/aws (see its README), sorted. */
static const char *const aws_doc_names[] __attribute__((unused)) = {
	"base_hinted_2026.cbor", "base_nitrovalidator_2024.cbor",
	"blocky_2024_debug.cbor", "blocky_2024_prod.cbor",
	"eternis_example_2024.cbor", "evervault_beta_cert_debug.cbor",
	"evervault_beta_cert_nondebug.cbor", "evervault_beta_debug.cbor",
	"evervault_beta_valid.cbor", "evervault_ga_valid.cbor",
	"marlin_sdk_aws.cbor", "marlin_sdk_aws_pcr16.cbor",
	"marlin_verifier_attestation.cbor", "nitrite_brave_2021.cbor",
	"signal_svr2_valid_bytes.cbor", "signal_svr2_valid_bytes2.cbor",
};
#define AWS_DOC_COUNT 16

/* Sorted *.cbor names of testdata/aws; returns the count. */
static __attribute__((unused)) size_t aws_docs(char ***names)
{
	char dir[600];
	DIR *d;
	struct dirent *e;
	size_t n = 0;

	*names = calloc(64, sizeof(char *));
	td_path(dir, sizeof(dir), "aws");
	d = opendir(dir);
	if (!d || !*names) {
		printf("Bail out! cannot open %s\n", dir);
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
