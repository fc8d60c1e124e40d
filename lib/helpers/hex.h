/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hex, the one implementation in the tree: libnsm-verify compiles this
 * file in (its symbols stay local there), and the helpers archive that
 * nsmctl and nsm-tui link carries it too.
 */
#ifndef NSM_HELPERS_HEX_H
#define NSM_HELPERS_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* hex_digit() - the value of hex digit @c (either case), or -1 */
int hex_digit(int c);

/*
 * hex_decode() - @len hex digits, no separators, no prefix, into @out
 * Return: 0 with *@out_len set, -EINVAL on an odd count, a character that
 * is not a hex digit, or more than @cap bytes.
 */
int hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *hex,
	       size_t len);

/* hex_encode() - lower-case hex of @len bytes into @out (2 * @len + 1
 * bytes, NUL-terminated) */
void hex_encode(char *out, const uint8_t *in, size_t len);

/* hex_encode_trunc() - as hex_encode(), cut to what fits in @cap bytes
 * (whole bytes only; always NUL-terminated when @cap > 0) */
void hex_encode_trunc(char *out, size_t cap, const uint8_t *in, size_t len);

/* hex_string() - hex_encode() into a new string (free()); NULL on ENOMEM */
char *hex_string(const uint8_t *in, size_t len);

#endif /* NSM_HELPERS_HEX_H */
