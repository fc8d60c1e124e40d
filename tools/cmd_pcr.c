// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl pcr: read (DescribePCR), extend (ExtendPCR), lock (LockPCR),
 * lock-range (LockPCRs).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nsm_verify.h>

#include "client.h"
#include "input.h"
#include "nsmctl.h"
#include "helpers/pcr.h"
#include "helpers/print.h"

#define PCR_COUNT	32
#define PCR_MAX_LEN	64

static int parse_index(const char *what, const char *s, uint64_t max,
		       uint16_t *out)
{
	uint64_t v;

	if (parse_u64(s, max, &v))
		return usage_error("pcr", "%s '%s' is not a number from 0 to %"
				   PRIu64, what, s, max);
	*out = (uint16_t)v;
	return NSMCTL_OK;
}

static void print_pcr(unsigned int i, bool locked, const uint8_t *v,
		      size_t len)
{
	const char *m = pcr_label(i);

	pr_obj_open(PR_JSON, NULL);
	pr_u64(PR_ANY, "index", "PCR%-2" PRIu64 " ", i);
	pr_bool(PR_JSON, "locked", "%s", locked);
	pr_text("%s ", locked ? "locked  " : "unlocked");
	pr_hex(PR_ANY, "value", "%s", v, len);
	if (m)
		pr_str(PR_ANY, "meaning", "  (%s)", m);
	else
		pr_null(PR_JSON, "meaning", "%s");
	pr_text("\n");
	pr_obj_close(PR_JSON);
}

static int pcr_read(int argc, char **argv)
{
	uint8_t val[PCR_MAX_LEN];
	uint16_t first = 0, last = PCR_COUNT - 1, i;
	enum ErrorCode e;
	uint32_t len;
	bool lock;
	int32_t fd;
	int ret;

	if (argc - optind > 1)
		return usage_error("pcr", "read takes at most one index");
	if (argc - optind == 1) {
		ret = parse_index("PCR index", argv[optind], 65535, &first);
		if (ret)
			return ret;
		last = first;
	}
	ret = client_open(&fd);
	if (ret)
		return ret;

	pr_begin(stdout, nsmctl.json);
	pr_arr_open(PR_JSON, "pcrs");
	for (i = first; i <= last; i++) {
		len = sizeof(val);
		e = nsm_describe_pcr(fd, i, &lock, val, &len);
		if (e != ERROR_CODE_SUCCESS) {
			char what[32];

			pr_end();
			nsm_lib_exit(fd);
			snprintf(what, sizeof(what), "of PCR %u", i);
			return client_fail("DescribePCR", e, what);
		}
		print_pcr(i, lock, val, len);
	}
	pr_arr_close(PR_JSON);
	nsm_lib_exit(fd);
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}

static int pcr_extend(int argc, char **argv, const char *data_arg)
{
	uint8_t val[PCR_MAX_LEN], *data;
	uint16_t index = 0;
	enum ErrorCode e;
	size_t data_len;
	uint32_t len = sizeof(val);
	int32_t fd;
	int ret;

	if (argc - optind != 1)
		return usage_error("pcr", "extend takes one PCR index");
	ret = parse_index("PCR index", argv[optind], 65535, &index);
	if (ret)
		return ret;
	if (!data_arg)
		return usage_error("pcr", "extend needs --data or --file");
	ret = parse_bytes_arg("--data", data_arg, &data, &data_len);
	if (ret)
		return ret;
	if (data_len > UINT32_MAX) {
		free(data);
		return usage_error("pcr", "--data is too large");
	}
	ret = client_open(&fd);
	if (ret) {
		free(data);
		return ret;
	}
	e = nsm_extend_pcr(fd, index, data, (uint32_t)data_len, val, &len);
	nsm_lib_exit(fd);
	free(data);
	if (e != ERROR_CODE_SUCCESS) {
		char what[32];

		snprintf(what, sizeof(what), "of PCR %u", index);
		return client_fail("ExtendPCR", e, what);
	}
	pr_begin(stdout, nsmctl.json);
	pr_u64(PR_ANY, "index", "PCR%" PRIu64 " ", index);
	pr_hex(PR_ANY, "value", "%s\n", val, len);
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}

static int pcr_lock(int argc, char **argv, bool range)
{
	const char *sub = range ? "lock-range" : "lock";
	uint16_t n = 0;
	enum ErrorCode e;
	int32_t fd;
	int ret;

	if (argc - optind != 1)
		return usage_error("pcr", "%s takes one %s", sub,
				   range ? "range (number of PCRs)" :
				   "PCR index");
	ret = parse_index(range ? "range" : "PCR index", argv[optind],
			  65535, &n);
	if (ret)
		return ret;
	ret = client_open(&fd);
	if (ret)
		return ret;
	e = range ? nsm_lock_pcrs(fd, n) : nsm_lock_pcr(fd, n);
	nsm_lib_exit(fd);
	if (e != ERROR_CODE_SUCCESS) {
		char what[32];

		snprintf(what, sizeof(what), range ? "of range %u" :
			 "of PCR %u", n);
		return client_fail(range ? "LockPCRs" : "LockPCR", e, what);
	}
	pr_begin(stdout, nsmctl.json);
	if (range) {
		pr_text("PCRs 0-%d ", n - 1);
		pr_u64(PR_JSON, "range", "%" PRIu64, n);
	} else {
		pr_u64(PR_ANY, "index", "PCR%" PRIu64 " ", n);
	}
	pr_bool(PR_JSON, "locked", "%s", true);
	pr_text("locked\n");
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}

int cmd_pcr(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON, NSMCTL_OPT_DEVICE,
		/* -d is --device, as in every command that opens the NSM */
		{ "data", required_argument, NULL, 'D' },
		{ "file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *sub;
	char *file_arg = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjd:f:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("pcr");
		case 'j':
			nsmctl.json = true;
			break;
		case 'd':
			if (set_device("pcr", optarg)) {
				free(file_arg);
				return NSMCTL_USAGE;
			}
			break;
		case 'D':
		case 'f':
			if (data) {
				free(file_arg);
				return usage_error("pcr", "give --data or --file once");
			}
			if (opt == 'f') {
				if (asprintf(&file_arg, "@%s", optarg) < 0)
					die(NSMCTL_INTERNAL, "out of memory");
				data = file_arg;
			} else {
				data = optarg;
			}
			break;
		default:
			free(file_arg);
			return option_error("pcr", opt, argv);
		}
	}
	if (optind >= argc) {
		free(file_arg);
		return usage_error("pcr", "missing subcommand (read, extend, "
				   "lock, lock-range)");
	}
	sub = argv[optind++];
	if (data && strcmp(sub, "extend")) {
		free(file_arg);
		return usage_error("pcr", "--data/--file only go with extend");
	}
	if (!strcmp(sub, "read"))
		ret = pcr_read(argc, argv);
	else if (!strcmp(sub, "extend"))
		ret = pcr_extend(argc, argv, data);
	else if (!strcmp(sub, "lock"))
		ret = pcr_lock(argc, argv, false);
	else if (!strcmp(sub, "lock-range"))
		ret = pcr_lock(argc, argv, true);
	else
		ret = usage_error("pcr", "unknown subcommand '%s'", sub);
	free(file_arg);
	return ret;
}
