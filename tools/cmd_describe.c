// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl describe: DescribeNSM.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "nsmctl.h"
#include "helpers/print.h"

static const char *digest_name(Digest d)
{
	switch (d) {
	case DIGEST_SHA256:
		return "SHA256";
	case DIGEST_SHA384:
		return "SHA384";
	case DIGEST_SHA512:
		return "SHA512";
	}
	return "unknown";
}

/* "0-15,17" from a list of indexes, for the text output. */
static void format_ranges(char *buf, size_t size, const uint16_t *v,
			  uint32_t n)
{
	size_t len = 0;
	uint32_t i = 0;

	buf[0] = '\0';
	while (i < n && len < size) {
		uint32_t j = i;

		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		if (j > i)
			len += (size_t)snprintf(buf + len, size - len, "%s%u-%u",
						len ? "," : "", v[i], v[j]);
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%u",
						len ? "," : "", v[i]);
		i = j + 1;
	}
	if (!n)
		snprintf(buf, size, "none");
}

int cmd_describe(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON, NSMCTL_OPT_DEVICE,
		{ NULL, 0, NULL, 0 }
	};
	struct NsmDescription d;
	char ranges[400];
	enum ErrorCode e;
	uint32_t i, n;
	int32_t fd;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjd:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("describe");
		case 'j':
			nsmctl.json = true;
			break;
		case 'd':
			if (set_device("describe", optarg))
				return NSMCTL_USAGE;
			break;
		default:
			return option_error("describe", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("describe", "unexpected argument '%s'",
				   argv[optind]);

	ret = client_open(&fd);
	if (ret)
		return ret;
	memset(&d, 0, sizeof(d));
	e = nsm_get_description(fd, &d);
	nsm_lib_exit(fd);
	if (e != ERROR_CODE_SUCCESS)
		return client_fail("DescribeNSM", e, NULL);

	n = d.locked_pcrs_len;
	if (n > 64)
		n = 64;
	format_ranges(ranges, sizeof(ranges), d.locked_pcrs, n);

	pr_begin(stdout, nsmctl.json);
	pr_str(PR_ANY, "module_id", "module_id:    %s\n",
	       (const char *)d.module_id);
	pr_u64(PR_ANY, "version_major", "version:      %" PRIu64,
	       d.version_major);
	pr_u64(PR_ANY, "version_minor", ".%" PRIu64, d.version_minor);
	pr_u64(PR_ANY, "version_patch", ".%" PRIu64 "\n", d.version_patch);
	pr_u64(PR_ANY, "max_pcrs", "max_pcrs:     %" PRIu64 "\n", d.max_pcrs);
	pr_str(PR_TEXT, NULL, "locked_pcrs:  %s\n", ranges);
	pr_arr_open(PR_JSON, "locked_pcrs");
	for (i = 0; i < n; i++)
		pr_u64(PR_JSON, NULL, "%" PRIu64, d.locked_pcrs[i]);
	pr_arr_close(PR_JSON);
	pr_str(PR_ANY, "digest", "digest:       %s\n", digest_name(d.digest));
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}
