// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl random: GetRandom, repeated until the requested number of bytes.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "input.h"
#include "nsmctl.h"
#include "helpers/print.h"

#define RANDOM_MAX	(1u << 20)
/* The device answers at most this much per request (QEMU: 256 bytes). */
#define RANDOM_CHUNK	4096

int cmd_random(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON, NSMCTL_OPT_DEVICE,
		{ "bytes", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL;
	uint64_t want = 32;
	size_t got = 0;
	uint8_t *buf;
	int32_t fd;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjd:n:o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("random");
		case 'j':
			nsmctl.json = true;
			break;
		case 'd':
			if (set_device("random", optarg))
				return NSMCTL_USAGE;
			break;
		case 'n':
			if (parse_u64(optarg, RANDOM_MAX, &want) || !want)
				return usage_error("random", "--bytes '%s' is not "
						   "a number from 1 to %u",
						   optarg, RANDOM_MAX);
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return option_error("random", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("random", "unexpected argument '%s'",
				   argv[optind]);
	if (out && nsmctl.json)
		return usage_error("random", "--output and --json exclude "
				   "each other");

	buf = malloc(want);
	if (!buf)
		die(NSMCTL_INTERNAL, "out of memory");
	ret = client_open(&fd);
	if (ret) {
		free(buf);
		return ret;
	}
	while (got < want) {
		uintptr_t n = want - got;
		enum ErrorCode e;

		if (n > RANDOM_CHUNK)
			n = RANDOM_CHUNK;
		e = nsm_get_random(fd, buf + got, &n);
		if (e != ERROR_CODE_SUCCESS) {
			nsm_lib_exit(fd);
			free(buf);
			return client_fail("GetRandom", e, NULL);
		}
		if (!n) {
			nsm_lib_exit(fd);
			free(buf);
			error("GetRandom returned no bytes");
			return NSMCTL_DEVICE;
		}
		got += n;
	}
	nsm_lib_exit(fd);

	if (out) {
		ret = write_output(out, buf, got);
	} else {
		pr_begin(stdout, nsmctl.json);
		pr_hex(PR_ANY, "random", "%s\n", buf, got);
		ret = pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
	}
	free(buf);
	return ret;
}
