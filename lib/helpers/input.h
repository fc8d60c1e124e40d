/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Document input for nsmctl and nsm-tui: files holding a document as raw
 * CBOR, base64 or hex, with the format detected or forced.
 */
#ifndef NSM_HELPERS_INPUT_H
#define NSM_HELPERS_INPUT_H

#include <stddef.h>
#include <stdint.h>

enum input_format {
	INPUT_AUTO = 0,	/* detect (decoding only) */
	INPUT_CBOR,	/* raw bytes */
	INPUT_BASE64,	/* standard or URL-safe, padding optional,
			   whitespace ignored */
	INPUT_HEX,	/* optional 0x prefix, whitespace ignored */
};

/* The largest input file: a document of NSM_DOC_MAX_SIZE bytes in hex or
 * base64 with generous whitespace, and no more. */
#define INPUT_MAX_FILE	(1u << 20)

/* input_format_name() - "auto", "cbor", "base64", "hex" */
const char *input_format_name(enum input_format fmt);
/* input_format_parse() - "auto", "cbor" or "raw", "base64" or "b64",
 * "hex"; 0, or -EINVAL */
int input_format_parse(const char *s, enum input_format *fmt);

/*
 * input_decode() - turn file contents into document bytes
 * @out:      receives a malloc()ed buffer (free())
 * @detected: receives the format used (may be NULL)
 * @fmt:      INPUT_AUTO, or a format to force
 *
 * Detection: a first byte 0x84 (COSE array) or 0xd2 (tag 18) is raw CBOR;
 * otherwise, whitespace removed, only hex digits in pairs (optional 0x)
 * is hex, only base64 characters is base64, anything else raw CBOR.
 * Return: 0, -EINVAL (empty, or not in the forced format), -ENOMEM.
 */
int input_decode(uint8_t **out, size_t *out_len, enum input_format *detected,
		 const uint8_t *in, size_t len, enum input_format fmt);

/*
 * input_read_file() - read @path ("-" = stdin) and input_decode() it
 * Return: as input_decode(), or as file_read() with INPUT_MAX_FILE.
 */
int input_read_file(uint8_t **out, size_t *out_len,
		    enum input_format *detected, const char *path,
		    enum input_format fmt);

#endif /* NSM_HELPERS_INPUT_H */
