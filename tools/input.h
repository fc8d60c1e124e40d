/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing the tool's files and byte arguments (hex, @file or
 * "-"). Documents are decoded by docload.c with the helpers' detection
 * (helpers/input.h), whose formats and names this header brings along.
 *
 * Every function prints its own "error: ..." message naming the file or the
 * option, and returns an nsmctl exit code (NSMCTL_OK on success), so callers
 * just propagate it.
 */
#ifndef NSMCTL_INPUT_H
#define NSMCTL_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "helpers/base64.h"
#include "helpers/file.h"
#include "helpers/hex.h"
#include "helpers/input.h"

/* Largest file the tool reads: documents are ~5-16 KB, policies smaller. */
#define NSMCTL_MAX_FILE	(4u << 20)

/*
 * read_file() - read @path ("-" for stdin) into a new buffer
 * @data: receives a malloc'ed buffer with a NUL after the last byte
 *
 * Return: NSMCTL_OK, NSMCTL_DEVICE (cannot open or read) or NSMCTL_INPUT
 * (larger than NSMCTL_MAX_FILE).
 */
int read_file(const char *path, uint8_t **data, size_t *len);

/*
 * parse_bytes_arg() - the value of a byte option (--nonce, --data, ...)
 * @opt: the option's name, for messages
 * @arg: hex digits (optional 0x prefix; "" is zero bytes), "@FILE" for the
 *       raw contents of FILE, or "-" for the raw contents of stdin
 *
 * Return: NSMCTL_OK, NSMCTL_USAGE (bad hex), NSMCTL_DEVICE or NSMCTL_INPUT.
 */
int parse_bytes_arg(const char *opt, const char *arg, uint8_t **out,
		    size_t *out_len);

/*
 * write_output_mode() - write @len bytes to @path ("-" for stdout)
 * @mode: permissions of the file (less the umask), e.g. 0600 for a key
 *
 * Regular files are written to a temporary name, synced and renamed, so a
 * failed write never leaves half a file behind; devices and FIFOs are
 * written in place.
 * Return: NSMCTL_OK, NSMCTL_DEVICE or NSMCTL_INTERNAL (out of memory).
 */
int write_output_mode(const char *path, const uint8_t *buf, size_t len,
		      mode_t mode);

/*
 * load_measurements() - nsm_pcrset_load_file() with nsmctl's messages
 * @what: how the user named the file ("--expected FILE", "FILE")
 * Return: NSMCTL_OK, NSMCTL_INPUT (not a measurements file), NSMCTL_DEVICE
 * (cannot read) or NSMCTL_INTERNAL (out of memory).
 */
struct nsm_pcrset;
int load_measurements(const char *what, const char *path,
		      struct nsm_pcrset **set);

/* write_output() - write_output_mode() with mode 0644, for documents */
static inline int write_output(const char *path, const uint8_t *buf,
			       size_t len)
{
	return write_output_mode(path, buf, len, 0644);
}

#endif /* NSMCTL_INPUT_H */
