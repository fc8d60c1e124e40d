/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole-file reads, the one implementation in the tree (compiled into
 * libnsm-verify too, where it stays local). */
#ifndef NSM_HELPERS_FILE_H
#define NSM_HELPERS_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * file_read() - all of @path ("-" = stdin) in a malloc()ed buffer with a
 * NUL after the data (not counted in *@len)
 * The buffer doubles as it fills and never holds more than @max + 1 bytes
 * of data, so memory is at most twice the input and bounded by @max.
 * Return: 0, -EFBIG above @max bytes, -ENOMEM, or -errno of open/read.
 */
int file_read(uint8_t **out, size_t *len, const char *path, size_t max);

#endif /* NSM_HELPERS_FILE_H */
