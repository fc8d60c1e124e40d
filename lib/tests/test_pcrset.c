// SPDX-License-Identifier: LGPL-2.1-or-later
/* Expected measurements: formats, command-line arguments, diffs, labels. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"
#include "helpers/pcr.h"
#include "../../tests/tap.h"
#include "util.h"

#define H48(c) c c c c c c c c c c c c c c c c c c c c c c c c \
	       c c c c c c c c c c c c c c c c c c c c c c c c

static const char A[] = H48("aa"), B[] = H48("bb"), C[] = H48("cc");

static int is(const struct nsm_pcrset *s, uint32_t i, uint8_t byte)
{
	size_t l;
	const uint8_t *v = nsm_pcrset_get(s, i, &l);

	return v && l == 48 && v[0] == byte && v[47] == byte;
}

static void test_formats(void)
{
	struct nsm_pcrset *s = NULL;
	char text[2048];
	struct nsm_error e = { 0 };
	const char *err = e.message;
	int ret;

	snprintf(text, sizeof(text),
		 "# expected\nPCR0 %s\n\npcr2=%s   # app\n  8:%s\n", A, B, C);
	ret = nsm_pcrset_load(&s, &e, text, strlen(text));
	tap_ok(ret == 0 && nsm_pcrset_count(s) == 3 && is(s, 0, 0xaa) && is(s, 2, 0xbb) &&
	       is(s, 8, 0xcc), "text lines: PCR0 hex, pcr2=hex, 8:hex, comments");
	nsm_pcrset_free(&s);

	snprintf(text, sizeof(text), "{\"PCR0\": \"%s\", \"4\": \"%s\"}", A, B);
	ret = nsm_pcrset_load(&s, &e, text, strlen(text));
	tap_ok(ret == 0 && nsm_pcrset_count(s) == 2 && is(s, 4, 0xbb), "JSON object");
	nsm_pcrset_free(&s);

	snprintf(text, sizeof(text),
		 "{\n  \"EifVersion\": 4,\n  \"Measurements\": {\n"
		 "    \"HashAlgorithm\": \"Sha384 { ... }\",\n"
		 "    \"PCR0\": \"%s\",\n    \"PCR1\": \"%s\",\n    \"PCR2\": \"%s\",\n"
		 "    \"PCR8\": \"%s\"\n  },\n  \"IsSigned\": true\n}\n", A, B, C, A);
	ret = nsm_pcrset_load(&s, &e, text, strlen(text));
	tap_ok(ret == 0 && nsm_pcrset_count(s) == 4 && is(s, 1, 0xbb) && is(s, 8, 0xaa),
	       "nitro-cli describe-eif JSON (Measurements, HashAlgorithm ignored)");
	nsm_pcrset_free(&s);

	ret = nsm_pcrset_load(&s, &e, "PCR0 abcd\n", 10);
	tap_ok(ret == -EINVAL && !s && strstr(err, "line 1"), "short value refused: %s", err);
	/* a value of a valid length, so that only the index is wrong */
	snprintf(text, sizeof(text), "PCR32 %s\n", A);
	ret = nsm_pcrset_load(&s, &e, text, strlen(text));
	tap_ok(ret == -EINVAL && !s && strstr(err, "line 1: expected \"PCR<n> <hex>\""),
	       "PCR32 refused for its index (48-byte value): %s", err);
	snprintf(text, sizeof(text), "PCR31 %s\n", A);
	ret = nsm_pcrset_load(&s, &e, text, strlen(text));
	tap_ok(ret == 0 && nsm_pcrset_count(s) == 1 && is(s, 31, 0xaa),
	       "PCR31 with the same value accepted");
	nsm_pcrset_free(&s);
	snprintf(text, sizeof(text), "{\"PCR32\": \"%s\"}", A);
	ret = nsm_pcrset_load(&s, &e, text, strlen(text));
	tap_ok(ret == -EINVAL && !s && strstr(err, "PCR0..PCR31"),
	       "JSON PCR32 refused for its index (48-byte value): %s", err);
	ret = nsm_pcrset_load(&s, &e, "{\"PCR0\": 5}", 11);
	tap_ok(ret == -EINVAL, "JSON non-string value refused: %s", err);
	ret = nsm_pcrset_load(&s, &e, "{\"PCR0\": ", 9);
	tap_ok(ret == -EINVAL, "truncated JSON refused: %s", err);
	ret = nsm_pcrset_load(&s, &e, "\n# nothing\n", 11);
	tap_ok(ret == -EINVAL, "no PCR at all refused: %s", err);
	ret = nsm_pcrset_load_file(&s, &e, "/nonexistent");
	tap_ok(ret == -ENOENT, "missing file: -ENOENT");
}

static void test_args_diff(void)
{
	struct nsm_pcrset *a = NULL, *b = NULL;
	struct nsm_pcr_diff d[NSM_MAX_PCRS];
	char arg[128];
	size_t n;

	nsm_pcrset_new(&a);
	nsm_pcrset_new(&b);
	snprintf(arg, sizeof(arg), "0=%s", A);
	tap_ok(pcr_arg_parse(a, arg) == 0, "argument 0=HEX");
	snprintf(arg, sizeof(arg), "PCR1:0x%s", B);
	tap_ok(pcr_arg_parse(a, arg) == 0 && is(a, 1, 0xbb), "argument PCR1:0xHEX");
	tap_ok(pcr_arg_parse(a, "2") == -EINVAL && pcr_arg_parse(a, "x=00") == -EINVAL,
	       "malformed arguments refused");
	nsm_pcrset_set_hex(a, 3, C);
	nsm_pcrset_set_hex(b, 0, A);
	nsm_pcrset_set_hex(b, 1, C);
	nsm_pcrset_set_hex(b, 4, C);
	n = nsm_pcr_diff(d, a, b);
	tap_ok(n == 4 && d[0].index == 0 && d[0].state == NSM_PCR_UNCHANGED &&
	       d[1].index == 1 && d[1].state == NSM_PCR_CHANGED &&
	       d[2].index == 3 && d[2].state == NSM_PCR_MISSING_B && d[2].b == NULL &&
	       d[3].index == 4 && d[3].state == NSM_PCR_MISSING_A && d[3].a == NULL,
	       "diff: unchanged, changed, missing-b, missing-a");
	tap_ok(!strcmp(nsm_pcr_diff_state_name(NSM_PCR_CHANGED), "changed"), "state names");
	nsm_pcrset_free(&a);
	nsm_pcrset_free(&b);
	tap_ok(!strcmp(pcr_label(0), "enclave image") &&
	       !strcmp(pcr_label(1), "kernel and bootstrap") &&
	       !strcmp(pcr_label(2), "application") &&
	       !strcmp(pcr_label(3), "parent IAM role") &&
	       !strcmp(pcr_label(4), "parent instance id") &&
	       !strcmp(pcr_label(8), "EIF signing certificate") &&
	       pcr_label(5) == NULL && pcr_label(99) == NULL,
	       "PCR labels");
}

/* the emulator's documents: a production one and a debug one */
static void test_emu_diff(void)
{
	struct blob x = load_emu("doc"), y = load_emu("debug");
	struct nsm_doc *dx = NULL, *dy = NULL;
	struct nsm_pcr_diff d[NSM_MAX_PCRS];
	struct nsm_pcrset *exp = NULL;
	int n, i, changed = 0, count;
	size_t l;

	nsm_doc_parse(&dx, NULL, x.p, x.len);
	nsm_doc_parse(&dy, NULL, y.p, y.len);
	count = (int)nsm_doc_pcr_count(dx);
	n = nsm_pcr_diff_docs(d, dx, dy);
	for (i = 0; i < n; i++)
		changed += d[i].state != NSM_PCR_UNCHANGED;
	tap_ok(count >= 16 && n == count && changed == 3 && d[0].state == NSM_PCR_CHANGED &&
	       d[2].state == NSM_PCR_CHANGED && d[4].state == NSM_PCR_UNCHANGED &&
	       d[0].a == nsm_doc_pcr(dx, 0, &l),
	       "emulator production vs debug: %d PCRs compared, PCR0-2 changed (%d)", n, changed);
	nsm_pcrset_from_doc(&exp, dy);
	n = nsm_pcr_diff_doc(d, dy, exp);
	changed = 0;
	for (i = 0; i < n; i++)
		changed += d[i].state != NSM_PCR_UNCHANGED;
	tap_ok(n == count && changed == 0,
	       "emulator document against its own measurements: no change");
	nsm_pcrset_free(&exp);
	nsm_doc_free(&dx);
	nsm_doc_free(&dy);
	free(x.p);
	free(y.p);
}

static void test_doc_diff(void)
{
	struct blob x, y, z;
	struct nsm_doc *dx = NULL, *dy = NULL, *dz = NULL;
	struct nsm_pcr_diff d[NSM_MAX_PCRS];
	struct nsm_pcrset *exp = NULL;
	int n, i, changed = 0;
	size_t l;

	if (!td_dir()) {
		td_skipf("same enclave a week apart: 16 PCRs compared, pointers into the docs");
		td_skipf("against a 17-PCR document: PCR16 missing in A, PCR0 changed");
		td_skipf("a document against its own measurements: no change");
		return;
	}
	x = load("aws/signal_svr2_valid_bytes.cbor");
	y = load("aws/signal_svr2_valid_bytes2.cbor");
	z = load("aws/marlin_sdk_aws_pcr16.cbor");
	nsm_doc_parse(&dx, NULL, x.p, x.len);
	nsm_doc_parse(&dy, NULL, y.p, y.len);
	nsm_doc_parse(&dz, NULL, z.p, z.len);
	n = nsm_pcr_diff_docs(d, dx, dy);
	for (i = 0; i < n; i++)
		changed += d[i].state != NSM_PCR_UNCHANGED;
	tap_ok(n == 16 && d[0].a == nsm_doc_pcr(dx, 0, &l),
	       "same enclave a week apart: 16 PCRs compared, %d changed, pointers into the docs",
	       changed);
	n = nsm_pcr_diff_docs(d, dx, dz);
	tap_ok(n == 17 && d[16].state == NSM_PCR_MISSING_A && d[0].state == NSM_PCR_CHANGED,
	       "against a 17-PCR document: PCR16 missing in A, PCR0 changed");
	nsm_pcrset_from_doc(&exp, dx);
	n = nsm_pcr_diff_doc(d, dx, exp);
	changed = 0;
	for (i = 0; i < n; i++)
		changed += d[i].state != NSM_PCR_UNCHANGED;
	tap_ok(n == 16 && changed == 0, "a document against its own measurements: no change");
	nsm_pcrset_free(&exp);
	nsm_doc_free(&dx);
	nsm_doc_free(&dy);
	nsm_doc_free(&dz);
	free(x.p);
	free(y.p);
	free(z.p);
}

int main(void)
{
	tap_start();
	test_formats();
	test_args_diff();
	test_emu_diff();
	test_doc_diff();
	return tap_end(22);
}
