// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnsm's memory is bounded by its input (issue 9, item 5).
 *
 * Worst-case shapes, each as large as NSM_DOC_MAX_SIZE allows, go through
 * nsm_doc_parse(): deep nesting, as many one-byte items as fit (in an
 * array, in the payload, in a map of distinct keys), indefinite-length
 * strings of many chunks, many empty indefinite strings; and one byte over
 * the maximum, which must be refused before anything is allocated.
 *
 * The plain build counts the heap: this program defines malloc() and its
 * siblings over glibc's __libc_*() and so sees every allocation of the
 * process (libnsm's, libc's own such as qsort() or strdup(), OpenSSL's),
 * by usable size. A realloc() counts old and new blocks at once, as if it
 * moved. The bound checked for every shape, and stated in
 * Documentation/libnsm.rst:
 *
 *	peak heap of one nsm_doc_parse() < HEAP_PER_BYTE * len + HEAP_FIXED
 *
 * The ASan/UBSan build cannot replace malloc (ASan does): it runs the same
 * shapes for crashes, leaks and undefined behaviour, and checks only the
 * outcome of each.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsm_verify.h"
#include "helpers/input.h"
#include "../../tests/tap.h"

/*
 * Where the bound comes from: the parser keeps a copy of the input (1 byte
 * per byte) and an arena of 48-byte nodes, at most one per input byte,
 * whose last realloc() may hold the old and the new array at once: 2 * 48
 * per byte. Everything else (duplicate-key sort arrays, payload index,
 * indefinite-string copies) is smaller and not alive during that realloc.
 * Measured worst (one_item_per_byte): 97.1 times the input.
 */
#define HEAP_PER_BYTE	100u
#define HEAP_FIXED	(64u * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNTING 0
#endif
#endif
#ifndef COUNTING
#define COUNTING 1
#endif

#if COUNTING
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static size_t heap_cur, heap_peak;

static void heap_add(void *p)
{
	if (!p)
		return;
	heap_cur += malloc_usable_size(p);
	if (heap_cur > heap_peak)
		heap_peak = heap_cur;
}

static void heap_sub(void *p)
{
	size_t n;

	if (!p)
		return;
	n = malloc_usable_size(p);
	heap_cur = heap_cur > n ? heap_cur - n : 0;
}

void *malloc(size_t n)
{
	void *p = __libc_malloc(n);

	heap_add(p);
	return p;
}

void *calloc(size_t a, size_t b)
{
	void *p = __libc_calloc(a, b);

	heap_add(p);
	return p;
}

void *realloc(void *old, size_t n)
{
	size_t was = old ? malloc_usable_size(old) : 0;
	void *p;

	/* counted as if it moved: old and new both live for a moment */
	if (heap_cur + n > heap_peak)
		heap_peak = heap_cur + n;
	p = __libc_realloc(old, n);
	if (p || !n) {
		heap_cur = heap_cur > was ? heap_cur - was : 0;
		heap_add(p);
	}
	return p;
}

void free(void *p)
{
	heap_sub(p);
	__libc_free(p);
}

void *memalign(size_t a, size_t n)
{
	void *p = __libc_memalign(a, n);

	heap_add(p);
	return p;
}

void *aligned_alloc(size_t a, size_t n)
{
	return memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
	void *p = memalign(a, n);

	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}
#endif

#define MAX	NSM_DOC_MAX_SIZE

/* ---- CBOR writing ---------------------------------------------------- */

struct w {
	uint8_t *p;
	size_t n;
};

static void put(struct w *w, uint8_t b)
{
	w->p[w->n++] = b;
}

/* a head with a four-byte argument: lengths of a fixed size, so that how
 * many items fit is simple to work out */
static void head32(struct w *w, unsigned int major, uint32_t v)
{
	put(w, (uint8_t)(major << 5 | 26));
	put(w, (uint8_t)(v >> 24));
	put(w, (uint8_t)(v >> 16));
	put(w, (uint8_t)(v >> 8));
	put(w, (uint8_t)v);
}

/*
 * A COSE_Sign1 around @unprot (raw CBOR of the unprotected map) and
 * @payload: 111 bytes plus their lengths.
 */
#define COSE_OVERHEAD	111u
static size_t cose(uint8_t *out, const uint8_t *unprot, size_t ulen,
		   const uint8_t *payload, size_t plen)
{
	static const uint8_t prot[] = { 0x44, 0xa1, 0x01, 0x38, 0x22 };
	struct w w = { out, 0 };
	size_t i;

	put(&w, 0xd2);
	put(&w, 0x84);
	memcpy(out + w.n, prot, sizeof(prot));
	w.n += sizeof(prot);
	if (ulen) {
		memcpy(out + w.n, unprot, ulen);
		w.n += ulen;
	} else {
		put(&w, 0xa0);
		ulen = 1;
	}
	head32(&w, 2, (uint32_t)plen);
	memcpy(out + w.n, payload, plen);
	w.n += plen;
	put(&w, 0x58);
	put(&w, 96);
	for (i = 0; i < 96; i++)
		put(&w, 0);
	return w.n;
}

/* ---- shapes ------------------------------------------------------------ */

enum want { PARSES, REFUSED };

struct shape {
	const char *name;
	enum want want;
	size_t len;
	uint8_t buf[MAX + 16];
};

static struct shape sh;
static uint8_t tmp[MAX];

/* 0x81 0x81 ... 0x00: an array in an array ..., as deep as fits */
static void deep_arrays(void)
{
	memset(sh.buf, 0x81, MAX - 1);
	sh.buf[MAX - 1] = 0x00;
	sh.len = MAX;
}

/* {0: {0: ... {0: 0}}}: maps as deep as fit */
static void deep_maps(void)
{
	size_t i;

	for (i = 0; i + 2 < MAX; i += 2) {
		sh.buf[i] = 0xa1;
		sh.buf[i + 1] = 0x00;
	}
	sh.buf[i] = 0x00;
	sh.len = i + 1;
}

/* [_ [_ [_ ... ]]]: indefinite arrays, never closed */
static void deep_indef(void)
{
	memset(sh.buf, 0x9f, MAX);
	sh.len = MAX;
}

/* a document whose payload map nests arrays 20 deep, repeated to fill:
 * deep enough to recurse, shallow enough to be accepted */
static void deep_in_payload(void)
{
	struct w w = { tmp, 0 };
	size_t plen = MAX - COSE_OVERHEAD, body = plen - 8, i, n;

	put(&w, 0xa1);
	put(&w, 0x61);
	put(&w, 'a');
	n = body / 21;
	head32(&w, 4, (uint32_t)(n + (body - n * 21)));
	for (i = 0; i < n; i++) {
		memset(tmp + w.n, 0x81, 20);
		w.n += 20;
		put(&w, 0x00);
	}
	while (w.n < plen)
		put(&w, 0x00);
	sh.len = cose(sh.buf, NULL, 0, tmp, w.n);
}

/* one array of one-byte items: as many as fit */
static void tiny_array(void)
{
	struct w w = { sh.buf, 0 };

	head32(&w, 4, MAX - 5);
	memset(sh.buf + w.n, 0x00, MAX - 5);
	sh.len = MAX;
}

/* an item of exactly @budget bytes in which every byte is an item: arrays
 * of up to 23 elements (one-byte heads) down to 0x00 leaves */
static void every_byte(struct w *w, size_t budget)
{
	size_t k, i, each, extra;

	if (budget == 1) {
		put(w, 0x00);
		return;
	}
	k = budget - 1 < 23 ? budget - 1 : 23;
	put(w, (uint8_t)(0x80 | k));
	each = (budget - 1) / k;
	extra = (budget - 1) % k;
	for (i = 0; i < k; i++)
		every_byte(w, each + (i < extra));
}

/* the most nodes the input can make: one per byte */
static void one_item_per_byte(void)
{
	struct w w = { sh.buf, 0 };

	every_byte(&w, MAX);
	sh.len = w.n;
}

/* a document whose payload is {"a": [0, 0, ...]}, filling the maximum */
static void tiny_in_payload(void)
{
	struct w w = { tmp, 0 };
	size_t plen = MAX - COSE_OVERHEAD;

	put(&w, 0xa1);
	put(&w, 0x61);
	put(&w, 'a');
	head32(&w, 4, (uint32_t)(plen - 8));
	memset(tmp + w.n, 0x00, plen - 8);
	w.n = plen;
	sh.len = cose(sh.buf, NULL, 0, tmp, w.n);
}

/* a document whose unprotected header is {1: [0, 0, ...]} and payload
 * {}: the unprotected map replaces the one-byte a0 of COSE_OVERHEAD */
static void tiny_in_header(void)
{
	struct w w = { tmp, 0 };
	size_t ulen = MAX - COSE_OVERHEAD, n = ulen - 7;
	static const uint8_t pl[] = { 0xa0 };

	put(&w, 0xa1);
	put(&w, 0x01);
	head32(&w, 4, (uint32_t)n);
	memset(tmp + w.n, 0x00, n);
	w.n += n;
	sh.len = cose(sh.buf, tmp, w.n, pl, sizeof(pl));
}

/* a document whose payload is one map of distinct three-byte keys
 * (0x19 NNNN) with one-byte values: duplicate detection at full size */
static void many_keys(void)
{
	struct w w = { tmp, 0 };
	size_t plen = MAX - COSE_OVERHEAD, n = (plen - 5) / 4, i;

	head32(&w, 5, (uint32_t)n);
	for (i = 0; i < n; i++) {
		put(&w, 0x19);
		put(&w, (uint8_t)(i >> 8));
		put(&w, (uint8_t)i);
		put(&w, 0x00);
	}
	sh.len = cose(sh.buf, NULL, 0, tmp, w.n);
}

/* (_ h'xx', h'xx', ...): indefinite byte strings of @chunks one-byte
 * chunks, in the payload's user_data, repeated to fill the payload */
static void indef_chunks(size_t chunks)
{
	struct w w = { tmp, 0 };
	size_t plen = MAX - COSE_OVERHEAD, one = 2 + 2 * chunks, n, i, j;

	/* {"user_data": [(_ ...), (_ ...), ...]} */
	put(&w, 0xa1);
	put(&w, 0x69);
	memcpy(tmp + w.n, "user_data", 9);
	w.n += 9;
	n = (plen - w.n - 5) / one;
	head32(&w, 4, (uint32_t)(n + (plen - w.n - 5 - n * one)));
	for (i = 0; i < n; i++) {
		put(&w, 0x5f);
		for (j = 0; j < chunks; j++) {
			put(&w, 0x41);
			put(&w, (uint8_t)j);
		}
		put(&w, 0xff);
	}
	while (w.n < plen)
		put(&w, 0x00);
	sh.len = cose(sh.buf, NULL, 0, tmp, w.n);
}

static void indef_1000(void)
{
	indef_chunks(1000);
}

static void indef_all(void)
{
	indef_chunks((MAX - COSE_OVERHEAD - 18) / 2);
}

/* [(_ ), (_ ), ...]: empty indefinite strings, as many as fit */
static void indef_empty(void)
{
	struct w w = { tmp, 0 };
	size_t plen = MAX - COSE_OVERHEAD, n = (plen - 8) / 2;

	put(&w, 0xa1);
	put(&w, 0x61);
	put(&w, 'a');
	head32(&w, 4, (uint32_t)n);
	while (w.n + 2 <= plen) {
		put(&w, 0x5f);
		put(&w, 0xff);
	}
	sh.len = cose(sh.buf, NULL, 0, tmp, w.n);
}

/* tiny_in_payload (exactly MAX) and one byte more */
static void over_max(void)
{
	tiny_in_payload();
	sh.buf[sh.len++] = 0x00;
}

struct test {
	const char *name;
	void (*make)(void);
	enum want want;
};

static const struct test tests[] = {
	{ "65535 nested arrays", deep_arrays, REFUSED },
	{ "32767 nested maps", deep_maps, REFUSED },
	{ "65536 nested indefinite arrays", deep_indef, REFUSED },
	{ "payload of arrays nested 20 deep", deep_in_payload, PARSES },
	{ "65531 one-byte items in an array", tiny_array, REFUSED },
	{ "65536 items of one byte each, 23-ary", one_item_per_byte, REFUSED },
	{ "one-byte items filling the payload", tiny_in_payload, PARSES },
	{ "one-byte items filling the unprotected header", tiny_in_header, PARSES },
	{ "16K distinct keys in the payload map", many_keys, PARSES },
	{ "indefinite strings of 1000 chunks", indef_1000, PARSES },
	{ "one indefinite string of 32K chunks", indef_all, PARSES },
	{ "32K empty indefinite strings", indef_empty, PARSES },
	{ "one byte over NSM_DOC_MAX_SIZE", over_max, REFUSED },
};

/*
 * input_read_file(): the read buffer doubles up to the 1 MiB input
 * limit and no further. A document in hex (128 KiB of text) costs the
 * buffer, the decoding's two copies and the result: under 8 times the
 * text; a file over the limit costs at most 1.5 times the limit (the
 * last doubling, counted as if realloc() moved the buffer).
 */
static void read_files(void)
{
	char path[] = "/tmp/libnsm-test-mem-XXXXXX";
	uint8_t *out = NULL;
	size_t len = 0, i;
	FILE *f;
	int fd, ret;
#if COUNTING
	size_t base, peak;
#endif

	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		tap_ok(0, "temporary file: %s", strerror(errno));
		return;
	}
	tiny_in_payload();
	for (i = 0; i < sh.len; i++)
		fprintf(f, "%02x", sh.buf[i]);
	fclose(f);
#if COUNTING
	base = heap_cur;
	heap_peak = heap_cur;
#endif
	ret = input_read_file(&out, &len, NULL, path, INPUT_AUTO);
#if COUNTING
	peak = heap_peak - base;
#endif
	tap_ok(ret == 0 && len == sh.len && !memcmp(out, sh.buf, len),
	       "a maximal document in hex (%zu characters) reads back", 2 * sh.len);
	free(out);
#if COUNTING
	tap_ok(peak < 8 * 2 * sh.len, "reading it: peak heap %zu bytes (%.1f x the file)",
	       peak, (double)peak / (double)(2 * sh.len));
#endif

	f = fopen(path, "w");
	for (i = 0; f && i < (1u << 20) + 1; i++)
		fputc('0', f);
	if (f)
		fclose(f);
#if COUNTING
	base = heap_cur;
	heap_peak = heap_cur;
#endif
	out = NULL;
	ret = input_read_file(&out, &len, NULL, path, INPUT_AUTO);
#if COUNTING
	peak = heap_peak - base;
#endif
	tap_ok(ret == -EFBIG && !out, "a file of 1 MiB + 1 byte: -EFBIG (%d)", ret);
#if COUNTING
	/* the last doubling holds the half-size and the full-size buffer */
	tap_ok(peak < (1u << 20) * 3 / 2 + 64 * 1024,
	       "reading it: peak heap %zu bytes, under 1.5 times the limit", peak);
#endif
	unlink(path);
}

int main(void)
{
	size_t i;

	tap_start();
	tap_diag("bound: peak heap of one nsm_doc_parse() < %u * len + %u",
		 HEAP_PER_BYTE, HEAP_FIXED);
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		const struct test *t = &tests[i];
		struct nsm_error perr;
		struct nsm_doc *doc = NULL;
		int ret;
#if COUNTING
		size_t base, peak, bound;
#endif

		memset(&sh, 0, sizeof(sh));
		t->make();
		memset(&perr, 0, sizeof(perr));
#if COUNTING
		base = heap_cur;
		heap_peak = heap_cur;
#endif
		ret = nsm_doc_parse(&doc, &perr, sh.buf, sh.len);
#if COUNTING
		peak = heap_peak - base;
#endif
		if (t->want == PARSES)
			tap_ok(ret == 0 && doc, "%s (%zu bytes): parsed%s%s",
			       t->name, sh.len, ret ? ", no: " : "",
			       ret ? perr.message : "");
		else
			tap_ok(ret == -EBADMSG && !doc, "%s (%zu bytes): refused: %s",
			       t->name, sh.len, perr.message);
		nsm_doc_free(&doc);
#if COUNTING
		bound = (size_t)HEAP_PER_BYTE * sh.len + HEAP_FIXED;
		tap_ok(peak < bound, "%s: peak heap %zu bytes (%.1f x input) < %zu",
		       t->name, peak, (double)peak / (double)sh.len, bound);
		tap_ok(heap_cur == base, "%s: all of it freed (%zu left)",
		       t->name, heap_cur - base);
#endif
	}

	/* the size check comes first: nothing is allocated for the refusal,
	 * and the message says why */
	{
		struct nsm_error perr;
		struct nsm_doc *doc = NULL;
		char want[96];
		int ret;
#if COUNTING
		size_t before = heap_cur;

		heap_peak = heap_cur;
#endif
		over_max();
		ret = nsm_doc_parse(&doc, &perr, sh.buf, sh.len);
		snprintf(want, sizeof(want),
			 "document of %zu bytes is larger than the %u-byte maximum",
			 sh.len, NSM_DOC_MAX_SIZE);
		tap_ok(ret == -EBADMSG && perr.code == NSM_CHECK_COSE_STRUCTURE &&
		       perr.offset == 0 && !strncmp(perr.message, want, strlen(want)),
		       "over the maximum: cose.structure at byte 0, \"%s\"",
		       perr.message);
#if COUNTING
		tap_ok(heap_peak == before, "over the maximum: refused before any allocation");
#endif
		/* exactly the maximum is not refused for its size */
		tiny_in_payload();
		ret = nsm_doc_parse(&doc, &perr, sh.buf, sh.len);
		tap_ok(sh.len == NSM_DOC_MAX_SIZE && ret == 0,
		       "exactly NSM_DOC_MAX_SIZE bytes parses");
		nsm_doc_free(&doc);
	}
	read_files();
	return tap_end(COUNTING ? 46 : 17);
}
