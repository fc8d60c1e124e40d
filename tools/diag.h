/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CBOR diagnostic notation (RFC 8949 section 8, with RFC 8610's <<...>> for
 * embedded CBOR), written from the bytes themselves so that it shows what
 * is really there: indefinite lengths ({_ ...}), tags, non-preferred
 * integer encodings (_0.._3 encoding indicators).
 */
#ifndef NSMCTL_DIAG_H
#define NSMCTL_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Nesting deeper than this is refused (real documents nest 3 levels). */
#define DIAG_MAX_DEPTH	64

/**
 * cbor_diag() - write the diagnostic notation of one CBOR item
 * @out:      destination
 * @buf:      the bytes
 * @len:      their number
 * @cose:     show elements 0 and 2 of a top-level 4-element array (the
 *            protected header and payload of COSE_Sign1) as embedded CBOR
 *            when they decode completely
 * @used:     receives the length of the item (the rest is trailing data)
 * @err:      receives a message on failure
 * @err_size: its size
 *
 * Return: 0, or -1 with @err set (truncated or malformed CBOR, too deep);
 * nothing is written to @out on failure.
 */
int cbor_diag(FILE *out, const uint8_t *buf, size_t len, int cose,
	      size_t *used, char *err, size_t err_size);

#endif /* NSMCTL_DIAG_H */
