/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Base64 (RFC 4648), the one implementation in the tree. */
#ifndef NSM_HELPERS_BASE64_H
#define NSM_HELPERS_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* base64_digit() - the value of @c in the standard or the URL-safe
 * alphabet, or -1 ('=' is not a digit) */
int base64_digit(int c);

/*
 * base64_decode() - @n characters (no whitespace) into @out, which has
 * room for at least @n * 3 / 4 bytes; standard or URL-safe alphabet,
 * padding optional, unused bits must be zero
 * Return: 0 with *@out_len set, or -EINVAL.
 */
int base64_decode(uint8_t *out, size_t *out_len, const uint8_t *s, size_t n);

/* base64_encode() - standard alphabet with padding, NUL-terminated, in a
 * new string (free()); NULL on ENOMEM */
char *base64_encode(const uint8_t *buf, size_t len);

#endif /* NSM_HELPERS_BASE64_H */
