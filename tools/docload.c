// SPDX-License-Identifier: GPL-2.0
/*
 * Documents from files (see docload.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docload.h"
#include "nsmctl.h"

const char *doc_display_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

int doc_read(const char *path, enum input_format fmt, uint8_t **buf,
	     size_t *len, enum input_format *detected)
{
	uint8_t *raw;
	size_t raw_len;
	int ret;

	ret = read_file(path, &raw, &raw_len);
	if (ret)
		return ret;
	if (!raw_len) {
		free(raw);
		error("%s: empty file", doc_display_name(path));
		return NSMCTL_INPUT;
	}
	ret = input_decode(buf, len, detected, raw, raw_len, fmt);
	free(raw);
	if (ret == -ENOMEM)
		die(NSMCTL_INTERNAL, "out of memory");
	if (ret) {
		error("%s: not valid %s", doc_display_name(path),
		      fmt == INPUT_AUTO ? "input" : input_format_name(fmt));
		return NSMCTL_INPUT;
	}
	return NSMCTL_OK;
}

int doc_load(const char *path, enum input_format fmt, struct nsm_doc **docp,
	     enum input_format *detected)
{
	struct nsm_error perr;
	enum input_format det;
	uint8_t *buf;
	size_t len;
	int ret;

	ret = doc_read(path, fmt, &buf, &len, &det);
	if (ret)
		return ret;
	if (detected)
		*detected = det;
	memset(&perr, 0, sizeof(perr));
	ret = nsm_doc_parse(docp, &perr, buf, len);
	free(buf);
	if (ret == -ENOMEM)
		die(NSMCTL_INTERNAL, "out of memory");
	if (ret == -EBADMSG) {
		error("%s: not an attestation document (%s input, %zu bytes): "
		      "%s [%s at offset %zu]", doc_display_name(path),
		      input_format_name(det), len, perr.message,
		      nsm_check_name(perr.code), perr.offset);
		fprintf(stderr, "hint: 'nsmctl dump --diag' shows any CBOR\n");
		return NSMCTL_INPUT;
	}
	if (ret) {
		error("%s: cannot parse: %s", doc_display_name(path),
		      strerror(-ret));
		return NSMCTL_INTERNAL;
	}
	return NSMCTL_OK;
}
