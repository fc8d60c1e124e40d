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

#define MAX_INPUTS	26	/* labelled a..z */

struct column {
	char label[2];
	const char *name;
	bool expected;
	struct nsm_pcrset *set;
};

static bool same_value(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen)
{
	if (!a || !b)
		return a == b;
	return alen == blen && !memcmp(a, b, alen);
}

/* Columns with the value PCR @idx has in each; true when all are equal. */
static bool row_equal(const struct column *c, int n, uint32_t idx)
{
	const uint8_t *first;
	size_t flen, len;
	int i;

	first = nsm_pcrset_get(c[0].set, idx, &flen);
	for (i = 1; i < n; i++) {
		const uint8_t *v = nsm_pcrset_get(c[i].set, idx, &len);

		if (!same_value(first, flen, v, len))
			return false;
	}
	return true;
}

/* Debug-mode enclaves report PCR0, PCR1 and PCR2 as zeros (NSM-FACTS 4). */
static bool is_debug(const struct nsm_pcrset *set)
{
	uint32_t i;
	size_t len, j;

	for (i = 0; i < 3; i++) {
		const uint8_t *v = nsm_pcrset_get(set, i, &len);

		if (!v)
			return false;
		for (j = 0; j < len; j++)
			if (v[j])
				return false;
	}
	return true;
}

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
		c[0].name = expected;
		c[0].expected = true;
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
		c[*n].name = doc_display_name(files[i]);
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
	struct column cols[MAX_INPUTS + 1];
	const char *expected = NULL;
	enum input_format fmt = INPUT_AUTO;
	uint32_t idx, ndiff = 0, ncompared = 0;
	bool all = false, debug;
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

	pr_begin(stdout, nsmctl.json);
	pr_arr_open(PR_JSON, "inputs");
	for (i = 0; i < n; i++) {
		cols[i].label[0] = cols[i].expected ? 'E' :
				   (char)('a' + i - (expected ? 1 : 0));
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_ANY, "label", "%s: ", cols[i].label);
		pr_str(PR_ANY, "name", "%s", cols[i].name);
		pr_str(PR_ANY, "kind", " (%s",
		       cols[i].expected ? "expected" : "document");
		debug = is_debug(cols[i].set);
		pr_bool(PR_JSON, "debug_mode", "%s", debug);
		if (debug)
			pr_text(", debug mode: PCR0-2 are zero");
		pr_text(")\n");
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);

	pr_arr_open(PR_JSON, "pcrs");
	for (idx = 0; idx < NSM_MAX_PCRS; idx++) {
		const char *label = pcr_label(idx);
		bool present = false, equal;

		if (expected) {
			present = nsm_pcrset_get(cols[0].set, idx, NULL);
		} else {
			for (i = 0; i < n; i++)
				present |= !!nsm_pcrset_get(cols[i].set, idx,
							    NULL);
		}
		if (!present)
			continue;
		ncompared++;
		equal = row_equal(cols, n, idx);
		if (!equal)
			ndiff++;
		if (equal && !all)
			continue;
		pr_obj_open(PR_JSON, NULL);
		pr_text("%s", equal ? " " : "!");
		pr_u64(PR_ANY, "index", "PCR%" PRIu64, idx);
		pr_str(PR_ANY, "meaning", " (%s)", label ? label : "unassigned");
		pr_bool(PR_JSON, "equal", "%s", equal);
		pr_text(": %s\n", equal ? "same" : "differs");
		pr_arr_open(PR_JSON, "values");
		pr_indent(1);
		for (i = 0; i < n; i++) {
			const uint8_t *v;
			size_t len;

			v = nsm_pcrset_get(cols[i].set, idx, &len);
			/* Equal rows: one text line says it all. */
			if (!equal || i == 0)
				pr_text("%s ", equal ? "=" : cols[i].label);
			if (v)
				pr_hex(equal && i ? PR_JSON : PR_ANY, NULL,
				       "%s\n", v, len);
			else if (pr_null(PR_JSON, NULL, "%s"), !equal || !i)
				pr_text("(absent)\n");
		}
		pr_indent(-1);
		pr_arr_close(PR_JSON);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
	pr_u64(PR_ANY, "compared", "%" PRIu64 " PCRs compared, ", ncompared);
	pr_u64(PR_ANY, "differ", "%" PRIu64 " differ\n", ndiff);
	pr_bool(PR_JSON, "same", "%s", ndiff == 0);
	ret = pr_end() ? NSMCTL_DEVICE : ndiff ? NSMCTL_FAILED : NSMCTL_OK;
out:
	for (i = 0; i < n; i++)
		nsm_pcrset_free(&cols[i].set);
	return ret;
}
