/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading attestation documents from files for verify, dump and diff:
 * read (nsmctl's messages), decode raw CBOR / base64 / hex with libnsm's
 * detection, parse with nsm_doc_parse().
 */
#ifndef NSMCTL_DOCLOAD_H
#define NSMCTL_DOCLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <nsm_verify.h>

#include "input.h"

/*
 * doc_read() - the document bytes of @path ("-" = stdin)
 * @buf:      receives a malloc'ed buffer
 * @detected: receives the format found (may be NULL)
 * Return: NSMCTL_OK, NSMCTL_DEVICE (cannot read) or NSMCTL_INPUT (empty,
 * or not in the forced format).
 */
int doc_read(const char *path, enum input_format fmt, uint8_t **buf,
	     size_t *len, enum input_format *detected);

/*
 * doc_load() - doc_read() then nsm_doc_parse()
 * @docp: receives the document (nsm_doc_free())
 * Return: NSMCTL_OK, or an exit code after a message; bytes that are not a
 * document are NSMCTL_INPUT with the parser's reason and offset.
 */
int doc_load(const char *path, enum input_format fmt, struct nsm_doc **docp,
	     enum input_format *detected);

/* "<stdin>" for "-", else @path. */
const char *doc_display_name(const char *path);

#endif /* NSMCTL_DOCLOAD_H */
