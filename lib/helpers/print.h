/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON output (after iproute2's json_print.h).
 *
 * Every field a command shows goes through one pr_*() call that carries both
 * its JSON key and its text format, so the two outputs cannot drift apart:
 * in text mode the value is printed with the format, in JSON mode it becomes
 * "key": value in the current object (or an element of the current array,
 * where the key must be NULL).
 *
 * @w says where a call applies: PR_ANY (both), PR_TEXT (text decoration such
 * as headers) or PR_JSON (fields that only make sense to programs, such as
 * the DER of a certificate).
 *
 * Text formats take exactly one conversion for the value (checked at compile
 * time by the macros below). A text line that starts at column 0 is indented
 * by pr_indent() levels of two spaces.
 *
 * Strings are emitted as valid JSON: control characters are escaped and
 * invalid UTF-8 is replaced with U+FFFD, so untrusted document contents
 * cannot break the output.
 */
#ifndef NSM_HELPERS_PRINT_H
#define NSM_HELPERS_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum pr_where { PR_ANY, PR_TEXT, PR_JSON };

/* Start output on @f; in JSON mode this opens the top-level object. */
void pr_begin(FILE *f, bool json);
/* Close every open JSON container, flush. Return: 0, or -1 on a write error. */
int pr_end(void);
bool pr_is_json(void);

/* JSON containers; text mode prints nothing for them. */
void pr_obj_open(enum pr_where w, const char *key);
void pr_obj_close(enum pr_where w);
void pr_arr_open(enum pr_where w, const char *key);
void pr_arr_close(enum pr_where w);

/* Text indentation (levels of two spaces), for nested text output. */
void pr_indent(int delta);

/* Free text, text mode only (headers, separators). */
void pr_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Implementation functions; call them through the checking macros below. */
void pr_str_(enum pr_where w, const char *key, const char *fmt, const char *v);
void pr_u64_(enum pr_where w, const char *key, const char *fmt, uint64_t v);
void pr_i64_(enum pr_where w, const char *key, const char *fmt, int64_t v);
void pr_bool_(enum pr_where w, const char *key, const char *fmt, bool v);
void pr_hex_(enum pr_where w, const char *key, const char *fmt,
	     const uint8_t *buf, size_t len);
void pr_null_(enum pr_where w, const char *key, const char *fmt);

/* Never called: lets the compiler check a text format against its value. */
static inline int pr_fmt_check(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline int pr_fmt_check(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

#define PR_CHECK(fmt, v) ((void)sizeof(pr_fmt_check(fmt, v)))

/* A string; NULL prints JSON null (and "null" in text). */
#define pr_str(w, key, fmt, v) \
	(PR_CHECK(fmt, (const char *)(v)), pr_str_(w, key, fmt, v))
/* Unsigned and signed integers: formats use PRIu64 / PRId64. */
#define pr_u64(w, key, fmt, v) \
	(PR_CHECK(fmt, (uint64_t)(v)), pr_u64_(w, key, fmt, v))
#define pr_i64(w, key, fmt, v) \
	(PR_CHECK(fmt, (int64_t)(v)), pr_i64_(w, key, fmt, v))
/* A boolean: JSON true/false; the text format gets "true" or "false". */
#define pr_bool(w, key, fmt, v) \
	(PR_CHECK(fmt, ""), pr_bool_(w, key, fmt, v))
/* Bytes as lowercase hex; NULL prints JSON null (text: "null"). */
#define pr_hex(w, key, fmt, buf, len) \
	(PR_CHECK(fmt, ""), pr_hex_(w, key, fmt, buf, len))
/*
 * Bytes as a block: JSON "key": "hex" (null for NULL); text: the format
 * gets "<n> bytes" (or "null"), then the hex follows on lines of 32 bytes,
 * one level deeper.
 */
#define pr_hex_block(w, key, fmt, buf, len) \
	(PR_CHECK(fmt, ""), pr_hex_block_(w, key, fmt, buf, len))
void pr_hex_block_(enum pr_where w, const char *key, const char *fmt,
		   const uint8_t *buf, size_t len);
/* A value already written as JSON text (a number as the document spelt
 * it, "1.5e3", or a whole parsed container): JSON emits it as is; the
 * text format gets the same text. */
#define pr_json_text(w, key, fmt, text) \
	(PR_CHECK(fmt, ""), pr_json_text_(w, key, fmt, text))
void pr_json_text_(enum pr_where w, const char *key, const char *fmt,
		  const char *text);
/* JSON null; the text format gets "null". */
#define pr_null(w, key, fmt) \
	(PR_CHECK(fmt, ""), pr_null_(w, key, fmt))

#endif /* NSM_HELPERS_PRINT_H */
