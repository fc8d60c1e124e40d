// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl dump: show a document as a tree (text or JSON), or as CBOR
 * diagnostic notation (--diag), which works on any CBOR at all.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nsm_verify.h>

#include "diag.h"
#include "docload.h"
#include "nsmctl.h"
#include "helpers/pcr.h"
#include "helpers/print.h"
#include "helpers/report.h"

static int dump_diag(const char *path, enum input_format fmt)
{
	char err[160];
	uint8_t *buf;
	size_t len, used;
	int ret;

	ret = doc_read(path, fmt, &buf, &len, NULL);
	if (ret)
		return ret;
	if (cbor_diag(stdout, buf, len, 1, &used, err, sizeof(err))) {
		free(buf);
		error("%s: %s", doc_display_name(path), err);
		return NSMCTL_INPUT;
	}
	free(buf);
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write to stdout");
		return NSMCTL_DEVICE;
	}
	if (used != len) {
		error("%s: %zu trailing bytes after the CBOR item (offset %zu)",
		      doc_display_name(path), len - used, used);
		return NSMCTL_INPUT;
	}
	return NSMCTL_OK;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "diag", no_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	enum input_format det = INPUT_AUTO;
	enum input_format fmt = INPUT_AUTO;
	struct nsm_doc *doc = NULL;
	const char *path;
	bool diag = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjF:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("dump");
		case 'j':
			nsmctl.json = true;
			break;
		case 'D':
			diag = true;
			break;
		case 'F':
			if (input_format_parse(optarg, &fmt))
				return usage_error("dump", "--format must be "
						   "auto, raw, base64 or hex");
			break;
		default:
			return option_error("dump", opt, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error("dump", "dump takes one document");
	if (diag && nsmctl.json)
		return usage_error("dump", "--diag and --json exclude each "
				   "other");
	path = optind < argc ? argv[optind] : "-";
	if (diag)
		return dump_diag(path, fmt);

	ret = doc_load(path, fmt, &doc, &det);
	if (ret)
		return ret;
	pr_begin(stdout, nsmctl.json);
	report_document(doc_display_name(path), det, doc);
	nsm_doc_free(&doc);
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}
