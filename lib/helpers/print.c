// SPDX-License-Identifier: GPL-2.0
/*
 * The text/JSON print path (see print.h). The JSON side is a small streaming
 * writer: a stack of open containers, each remembering whether it already
 * holds a member (for the commas), pretty-printed two spaces per level.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "print.h"

#define PR_MAX_DEPTH	32

static struct {
	FILE *f;
	bool json;
	int depth;			/* open JSON containers, top object included */
	bool has_member[PR_MAX_DEPTH];
	bool is_array[PR_MAX_DEPTH];
	bool inline_[PR_MAX_DEPTH];	/* array of scalars: one line */
	int indent;			/* text indentation level */
	bool bol;			/* text: at the beginning of a line */
} pr = { .bol = true };

/*
 * The text formats come from the pr_*() macros, which check them against the
 * value's type at compile time; here they are necessarily non-literal.
 */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static bool applies(enum pr_where w)
{
	if (w == PR_ANY)
		return true;
	return pr.json ? w == PR_JSON : w == PR_TEXT;
}

bool pr_is_json(void)
{
	return pr.json;
}

static void text_out(const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (pr.bol && s[0] != '\n')
			fprintf(pr.f, "%*s", 2 * pr.indent, "");
		fwrite(s, 1, n, pr.f);
		pr.bol = s[n - 1] == '\n';
		s += n;
	}
}

static void text_vprintf(const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n;

	va_copy(again, ap);
	n = vasprintf(&s, fmt, ap);
	if (n < 0) {
		/* Out of memory: lose the indentation rather than the text. */
		vfprintf(pr.f, fmt, again);
	} else {
		text_out(s);
		free(s);
	}
	va_end(again);
}

static void text_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(fmt, ap);
	va_end(ap);
}

void pr_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	text_vprintf(fmt, ap);
	va_end(ap);
}

void pr_indent(int delta)
{
	pr.indent += delta;
	if (pr.indent < 0)
		pr.indent = 0;
}

static void json_newline(void)
{
	fprintf(pr.f, "\n%*s", 2 * pr.depth, "");
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	fputc('"', pr.f);
	while (n) {
		size_t l;

		switch (*s) {
		case '"':
			fputs("\\\"", pr.f);
			break;
		case '\\':
			fputs("\\\\", pr.f);
			break;
		case '\n':
			fputs("\\n", pr.f);
			break;
		case '\t':
			fputs("\\t", pr.f);
			break;
		case '\r':
			fputs("\\r", pr.f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(pr.f, "\\u%04x", *s);
				break;
			}
			l = utf8_len(s, n);
			if (!l) {
				fputs("\\ufffd", pr.f);
				break;
			}
			fwrite(s, 1, l, pr.f);
			s += l;
			n -= l;
			continue;
		}
		s++;
		n--;
	}
	fputc('"', pr.f);
}

/*
 * Start a member (object) or element (array): comma, newline, key. Arrays
 * whose first element is a scalar stay on one line ([0, 1, 2]).
 */
static void json_member(const char *key, bool scalar)
{
	int d = pr.depth - 1;

	if (d < 0)
		return;
	if (pr.is_array[d] && !pr.has_member[d])
		pr.inline_[d] = scalar;
	if (pr.has_member[d])
		fputs(pr.inline_[d] ? ", " : ",", pr.f);
	pr.has_member[d] = true;
	if (!pr.inline_[d])
		json_newline();
	if (!pr.is_array[d]) {
		json_string(key ? key : "");
		fputs(": ", pr.f);
	}
}

static void json_push(bool array)
{
	fputc(array ? '[' : '{', pr.f);
	if (pr.depth >= PR_MAX_DEPTH) {
		/* A bug in a caller, not a user error: keep the output parsable
		 * by refusing deeper nesting loudly. */
		fprintf(stderr, "print.c: JSON nesting too deep\n");
		abort();
	}
	pr.is_array[pr.depth] = array;
	pr.has_member[pr.depth] = false;
	pr.inline_[pr.depth] = false;
	pr.depth++;
}

static void json_pop(void)
{
	bool array, had;

	if (pr.depth <= 0)
		return;
	pr.depth--;
	array = pr.is_array[pr.depth];
	had = pr.has_member[pr.depth];
	if (had && !pr.inline_[pr.depth])
		json_newline();
	fputc(array ? ']' : '}', pr.f);
}

void pr_begin(FILE *f, bool json)
{
	pr.f = f;
	pr.json = json;
	pr.depth = 0;
	pr.indent = 0;
	pr.bol = true;
	if (json)
		json_push(false);
}

int pr_end(void)
{
	if (pr.json) {
		while (pr.depth > 0)
			json_pop();
		fputc('\n', pr.f);
	}
	if (fflush(pr.f) || ferror(pr.f))
		return -1;
	return 0;
}

void pr_obj_open(enum pr_where w, const char *key)
{
	if (!pr.json || !applies(w))
		return;
	json_member(key, false);
	json_push(false);
}

void pr_obj_close(enum pr_where w)
{
	if (pr.json && applies(w))
		json_pop();
}

void pr_arr_open(enum pr_where w, const char *key)
{
	if (!pr.json || !applies(w))
		return;
	json_member(key, false);
	json_push(true);
}

void pr_arr_close(enum pr_where w)
{
	pr_obj_close(w);
}

void pr_str_(enum pr_where w, const char *key, const char *fmt, const char *v)
{
	if (!applies(w))
		return;
	if (!pr.json) {
		text_printf(fmt, v ? v : "null");
		return;
	}
	json_member(key, true);
	if (v)
		json_string(v);
	else
		fputs("null", pr.f);
}

void pr_u64_(enum pr_where w, const char *key, const char *fmt, uint64_t v)
{
	if (!applies(w))
		return;
	if (!pr.json) {
		text_printf(fmt, v);
		return;
	}
	json_member(key, true);
	fprintf(pr.f, "%llu", (unsigned long long)v);
}

void pr_i64_(enum pr_where w, const char *key, const char *fmt, int64_t v)
{
	if (!applies(w))
		return;
	if (!pr.json) {
		text_printf(fmt, v);
		return;
	}
	json_member(key, true);
	fprintf(pr.f, "%lld", (long long)v);
}

void pr_bool_(enum pr_where w, const char *key, const char *fmt, bool v)
{
	if (!applies(w))
		return;
	if (!pr.json) {
		text_printf(fmt, v ? "true" : "false");
		return;
	}
	json_member(key, true);
	fputs(v ? "true" : "false", pr.f);
}

void pr_json_text_(enum pr_where w, const char *key, const char *fmt,
		  const char *text)
{
	if (!applies(w))
		return;
	if (!pr.json) {
		text_printf(fmt, text);
		return;
	}
	json_member(key, true);
	fputs(text, pr.f);
}

void pr_null_(enum pr_where w, const char *key, const char *fmt)
{
	pr_str_(w, key, fmt, NULL);
}

void pr_hex_(enum pr_where w, const char *key, const char *fmt,
	     const uint8_t *buf, size_t len)
{
	char *s;

	if (!applies(w))
		return;
	if (!buf) {
		pr_str_(w, key, fmt, NULL);
		return;
	}
	s = hex_string(buf, len);
	pr_str_(w, key, fmt, s ? s : "<out of memory>");
	free(s);
}

void pr_hex_block_(enum pr_where w, const char *key, const char *fmt,
		   const uint8_t *buf, size_t len)
{
	char count[32];
	size_t i;

	if (!applies(w))
		return;
	if (pr.json || !buf) {
		pr_hex_(w, key, fmt, buf, len);
		return;
	}
	snprintf(count, sizeof(count), "%zu byte%s", len, len == 1 ? "" : "s");
	text_printf(fmt, count);
	pr.indent++;
	for (i = 0; i < len; i += 32) {
		size_t n = len - i < 32 ? len - i : 32;
		char *s = hex_string(buf + i, n);

		text_printf("%s\n", s ? s : "<out of memory>");
		free(s);
	}
	pr.indent--;
}
