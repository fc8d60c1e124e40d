// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl diff: PCR-by-PCR comparison of two or more documents, or of
 * documents against expected measurements. Exit status as diff(1): 0 the
 * same, 1 different, more for trouble.
 *
 * Documents are compared over the union of their PCRs (a PCR only some of
 * them hold differs). Against --expected, only the PCRs the expectation
 * names are compared, as a verifier would.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nsm_verify.h>

#include "docload.h"
#include "nsmctl.h"
#include "helpers/pcr.h"
#include "helpers/print.h"
#include "helpers/report.h"

#define MAX_INPUTS	26	/* labelled a..z */

struct column {
	struct report_input in;
	struct nsm_pcrset *set;
};

static int load_columns(struct column *c, int *n, const char *expected,
			char **files, int nfiles, enum input_format fmt)
{
	struct nsm_doc *doc = NULL;
	char what[300];
	int i, ret;

	*n = 0;
	if (expected) {
		snprintf(what, sizeof(what), "--expected %s", expected);
		ret = load_measurements(what, expected, &c[0].set);
		if (ret)
			return ret;
		c[0].in.name = expected;
		c[0].in.expected = true;
		*n = 1;
	}
	for (i = 0; i < nfiles; i++) {
		ret = doc_load(files[i], fmt, &doc, NULL);
		if (ret)
			return ret;
		ret = nsm_pcrset_from_doc(&c[*n].set, doc);
		nsm_doc_free(&doc);
		if (ret)
			die(NSMCTL_INTERNAL, "out of memory");
		c[*n].in.name = doc_display_name(files[i]);
		(*n)++;
	}
	return NSMCTL_OK;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "expected", required_argument, NULL, 'e' },
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct column cols[MAX_INPUTS + 1] = { 0 };
	struct report_input in[MAX_INPUTS + 1];
	const char *expected = NULL;
	enum input_format fmt = INPUT_AUTO;
	size_t ndiff;
	bool all = false;
	int opt, ret, n = 0, i, nfiles, stdin_users = 0;

	memset(cols, 0, sizeof(cols));
	while ((opt = getopt_long(argc, argv, ":hje:aF:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("diff");
		case 'j':
			nsmctl.json = true;
			break;
		case 'e':
			expected = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'F':
			if (input_format_parse(optarg, &fmt))
				return usage_error("diff", "--format must be "
						   "auto, raw, base64 or hex");
			break;
		default:
			return option_error("diff", opt, argv);
		}
	}
	nfiles = argc - optind;
	if (nfiles < (expected ? 1 : 2))
		return usage_error("diff", expected ?
				   "give at least one document" :
				   "give at least two documents, or --expected "
				   "and one document");
	if (nfiles > MAX_INPUTS)
		return usage_error("diff", "at most %d documents", MAX_INPUTS);
	for (i = optind; i < argc; i++)
		if (!strcmp(argv[i], "-"))
			stdin_users++;
	if (expected && !strcmp(expected, "-"))
		stdin_users++;
	if (stdin_users > 1)
		return usage_error("diff", "only one input can come from stdin");

	ret = load_columns(cols, &n, expected, argv + optind, nfiles, fmt);
	if (ret)
		goto out;

	for (i = 0; i < n; i++) {
		cols[i].in.label[0] = cols[i].in.expected ? 'E' :
				      (char)('a' + i - (expected ? 1 : 0));
		cols[i].in.set = cols[i].set;
		in[i] = cols[i].in;
	}
	pr_begin(stdout, nsmctl.json);
	ndiff = report_diff(in, n, all);
	ret = pr_end() ? NSMCTL_DEVICE : ndiff ? NSMCTL_FAILED : NSMCTL_OK;
out:
	for (i = 0; i < n; i++)
		nsm_pcrset_free(&cols[i].set);
	return ret;
}
