// SPDX-License-Identifier: GPL-2.0
/*
 * CBOR diagnostic notation from raw bytes (see diag.h). A small recursive
 * reader of its own rather than libcbor: libcbor's decoded items forget
 * how they were encoded (definite or not, integer widths), which is what
 * this view exists to show.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "helpers/hex.h"

struct diag {
	FILE *f;
	const uint8_t *buf;
	size_t len;
	size_t pos;
	char *err;
	size_t err_size;
	int nest;		/* open containers and tags, for the limit */
};

static int fail(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->err[0])		/* keep the innermost reason */
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(d->err, d->err_size, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < d->err_size)
		snprintf(d->err + n, d->err_size - (size_t)n,
			 " at offset %zu", d->pos);
	return -1;
}

/*
 * Read an item head. @ai receives the additional information (for the
 * encoding indicator and indefinite lengths), @val the argument.
 */
static int head(struct diag *d, uint8_t *major, uint8_t *ai, uint64_t *val)
{
	size_t n, i;
	uint8_t b;

	*major = 0;
	*ai = 0;
	*val = 0;
	if (d->pos >= d->len)
		return fail(d, "CBOR truncated");
	b = d->buf[d->pos++];
	*major = b >> 5;
	*ai = b & 31;
	if (*ai < 24) {
		*val = *ai;
		return 0;
	}
	if (*ai == 31) {
		*val = 0;
		if (*major == 0 || *major == 1 || *major == 6) {
			d->pos--;
			return fail(d, "indefinite length on major type %u",
				    *major);
		}
		return 0;
	}
	if (*ai > 27) {
		d->pos--;
		return fail(d, "reserved additional information %u", *ai);
	}
	n = (size_t)1 << (*ai - 24);
	if (d->len - d->pos < n)
		return fail(d, "CBOR truncated");
	*val = 0;
	for (i = 0; i < n; i++)
		*val = *val << 8 | d->buf[d->pos++];
	return 0;
}

/* " _0".."_3" when the argument did not use its shortest encoding. */
static void indicator(struct diag *d, uint8_t ai, uint64_t val)
{
	int shortest;

	if (ai < 24 || ai > 27)
		return;
	if (val < 24)
		shortest = 23;
	else if (val <= 0xff)
		shortest = 24;
	else if (val <= 0xffff)
		shortest = 25;
	else if (val <= 0xffffffff)
		shortest = 26;
	else
		shortest = 27;
	if (ai != shortest)
		fprintf(d->f, "_%d", ai - 24);
}

static void indent(struct diag *d, int depth)
{
	fprintf(d->f, "%*s", 2 * depth, "");
}

static void put_hex(struct diag *d, const uint8_t *p, size_t n)
{
	char *s = hex_string(p, n);

	fprintf(d->f, "h'%s'", s ? s : "<out of memory>");
	free(s);
}

static void put_text(struct diag *d, const uint8_t *p, size_t n)
{
	size_t i;

	fputc('"', d->f);
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(d->f, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			fprintf(d->f, "\\u%04x", p[i]);
		else
			fputc(p[i], d->f);
	}
	fputc('"', d->f);
}

static double half_to_double(uint16_t h)
{
	int e = h >> 10 & 0x1f, m = h & 0x3ff;
	double v;

	if (e == 0)
		v = ldexp(m, -24);
	else if (e == 31)
		v = m ? NAN : INFINITY;
	else
		v = ldexp(m + 1024, e - 25);
	return h & 0x8000 ? -v : v;
}

static void put_float(struct diag *d, double v, int width_ai)
{
	char s[64];

	if (isnan(v))
		fputs("NaN", d->f);
	else if (isinf(v))
		fputs(v < 0 ? "-Infinity" : "Infinity", d->f);
	else {
		snprintf(s, sizeof(s), "%.17g", v);
		/* Shortest form that reads back the same. */
		for (int p = 1; p <= 17; p++) {
			char t[64];

			snprintf(t, sizeof(t), "%.*g", p, v);
			if (strtod(t, NULL) == v) {
				memcpy(s, t, sizeof(t));
				break;
			}
		}
		fputs(s, d->f);
		if (!strpbrk(s, ".eEn"))
			fputs(".0", d->f);
	}
	/* Floats always carry an indicator of their width: _1 _2 _3. */
	fprintf(d->f, "_%d", width_ai - 24);
}

static int item(struct diag *d, int depth, bool cose_top);

/* Byte or text string, definite or indefinite (chunks of the same type). */
static int string(struct diag *d, uint8_t major, uint8_t ai, uint64_t val,
		  int depth, bool embed)
{
	if (ai == 31) {
		bool first = true;

		fputs("(_ ", d->f);
		for (;;) {
			uint8_t cm, cai;
			uint64_t cv;

			if (d->pos >= d->len)
				return fail(d, "CBOR truncated");
			if (d->buf[d->pos] == 0xff) {
				d->pos++;
				break;
			}
			if (head(d, &cm, &cai, &cv))
				return -1;
			if (cm != major || cai == 31) {
				d->pos--;
				return fail(d, "bad chunk in an indefinite "
					    "string");
			}
			if (!first)
				fputs(", ", d->f);
			first = false;
			if (string(d, major, cai, cv, depth, false))
				return -1;
		}
		fputc(')', d->f);
		return 0;
	}
	if (val > d->len - d->pos)
		return fail(d, "string of %" PRIu64 " bytes truncated", val);
	if (embed && val) {
		/* Try the contents as exactly one CBOR item. */
		struct diag sub = *d;
		char *mem = NULL, suberr[8] = "";
		size_t memlen = 0;

		sub.buf = d->buf + d->pos;
		sub.len = (size_t)val;
		sub.pos = 0;
		sub.err = suberr;
		sub.err_size = sizeof(suberr);
		sub.f = open_memstream(&mem, &memlen);
		if (sub.f && !item(&sub, depth, false) && sub.pos == sub.len) {
			fclose(sub.f);
			fputs("<<", d->f);
			fwrite(mem, 1, memlen, d->f);
			fputs(">>", d->f);
			free(mem);
			d->pos += (size_t)val;
			return 0;
		}
		if (sub.f)
			fclose(sub.f);
		free(mem);
	}
	if (major == 2)
		put_hex(d, d->buf + d->pos, (size_t)val);
	else
		put_text(d, d->buf + d->pos, (size_t)val);
	indicator(d, ai, val);
	d->pos += (size_t)val;
	return 0;
}

/* Array (pairs == false) or map; COSE embedding applies to the top array. */
static int container(struct diag *d, uint8_t ai, uint64_t count, bool map,
		     int depth, bool cose_top)
{
	bool indef = ai == 31;
	uint64_t i;

	if (d->nest >= DIAG_MAX_DEPTH)
		return fail(d, "nesting deeper than %d", DIAG_MAX_DEPTH);
	/* Every element takes at least one byte: refuse absurd counts. */
	if (!indef && count > d->len - d->pos)
		return fail(d, "%s of %" PRIu64 " elements truncated",
			    map ? "map" : "array", count);
	fputc(map ? '{' : '[', d->f);
	if (indef)
		fputs("_", d->f);
	indicator(d, ai, count);
	d->nest++;
	for (i = 0;; i++) {
		if (indef) {
			if (d->pos >= d->len)
				return fail(d, "CBOR truncated");
			if (d->buf[d->pos] == 0xff) {
				d->pos++;
				break;
			}
		} else if (i == count) {
			break;
		}
		fputs(i ? ",\n" : "\n", d->f);
		indent(d, depth + 1);
		if (map) {
			if (item(d, depth + 1, false))
				return -1;
			fputs(": ", d->f);
			if (item(d, depth + 1, false))
				return -1;
		} else {
			bool embed = cose_top && count == 4 && (i == 0 || i == 2);
			uint8_t m, eai;
			uint64_t v;

			if (embed) {
				size_t start = d->pos;

				if (head(d, &m, &eai, &v))
					return -1;
				if (m == 2) {
					if (string(d, m, eai, v, depth + 1, true))
						return -1;
					continue;
				}
				d->pos = start;
			}
			if (item(d, depth + 1, false))
				return -1;
		}
	}
	d->nest--;
	if (i) {
		fputc('\n', d->f);
		indent(d, depth);
	}
	fputc(map ? '}' : ']', d->f);
	return 0;
}

static int item(struct diag *d, int depth, bool cose_top)
{
	uint8_t major, ai;
	uint64_t val;

	if (head(d, &major, &ai, &val))
		return -1;
	switch (major) {
	case 0:
		fprintf(d->f, "%" PRIu64, val);
		indicator(d, ai, val);
		return 0;
	case 1:
		if (val == UINT64_MAX)
			fputs("-18446744073709551616", d->f);
		else
			fprintf(d->f, "-%" PRIu64, val + 1);
		indicator(d, ai, val);
		return 0;
	case 2:
	case 3:
		return string(d, major, ai, val, depth, false);
	case 4:
	case 5:
		return container(d, ai, val, major == 5, depth, cose_top);
	case 6:
		if (d->nest >= DIAG_MAX_DEPTH)
			return fail(d, "nesting deeper than %d", DIAG_MAX_DEPTH);
		fprintf(d->f, "%" PRIu64, val);
		indicator(d, ai, val);
		fputc('(', d->f);
		/*
		 * The tagged item keeps the indentation: 18([ ... ]). COSE_Sign1
		 * may be tagged 18: embedding still applies.
		 */
		d->nest++;
		if (item(d, depth, cose_top && val == 18))
			return -1;
		d->nest--;
		fputc(')', d->f);
		return 0;
	default:
		break;
	}
	/* Major type 7. */
	switch (ai) {
	case 20:
		fputs("false", d->f);
		return 0;
	case 21:
		fputs("true", d->f);
		return 0;
	case 22:
		fputs("null", d->f);
		return 0;
	case 23:
		fputs("undefined", d->f);
		return 0;
	case 24:
		if (val < 32) {
			d->pos -= 2;
			return fail(d, "invalid two-byte simple value");
		}
		fprintf(d->f, "simple(%" PRIu64 ")", val);
		return 0;
	case 25:
		put_float(d, half_to_double((uint16_t)val), 25);
		return 0;
	case 26: {
		uint32_t u = (uint32_t)val;
		float fl;

		memcpy(&fl, &u, sizeof(fl));
		put_float(d, fl, 26);
		return 0;
	}
	case 27: {
		double db;

		memcpy(&db, &val, sizeof(db));
		put_float(d, db, 27);
		return 0;
	}
	case 31:
		d->pos--;
		return fail(d, "unexpected break");
	default:
		fprintf(d->f, "simple(%u)", ai);
		return 0;
	}
}

int cbor_diag(FILE *out, const uint8_t *buf, size_t len, int cose,
	      size_t *used, char *err, size_t err_size)
{
	struct diag d = { .buf = buf, .len = len, .err = err,
			  .err_size = err_size };
	char *mem = NULL;
	size_t memlen = 0;
	int ret;

	err[0] = '\0';
	d.f = open_memstream(&mem, &memlen);
	if (!d.f) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	ret = item(&d, 0, cose);
	fclose(d.f);
	if (!ret) {
		fwrite(mem, 1, memlen, out);
		fputc('\n', out);
		*used = d.pos;
	}
	free(mem);
	return ret ? -1 : 0;
}
