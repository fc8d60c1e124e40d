// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl attest: request an attestation document (Attestation).
 *
 * The document goes to a file (-o) or stdout, raw CBOR by default, base64
 * when stdout is a terminal (binary on a terminal helps nobody), or in the
 * format given with --format. Every other nsmctl command reads all three.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "input.h"
#include "nsmctl.h"
#include "helpers/print.h"

/* Larger than any response the device can give (0x3000 bytes). */
#define DOC_MAX	0x4000

struct attest_field {
	const char *opt;
	const char *arg;
	uint8_t *data;
	size_t len;
};

/* Write @doc to @path ("-" = stdout) in @fmt. */
static int emit_document(const char *path, enum input_format fmt,
			 const uint8_t *doc, size_t len)
{
	char *text = NULL, *line;
	int ret;

	if (fmt == INPUT_CBOR)
		return write_output(path, doc, len);
	text = fmt == INPUT_HEX ? hex_string(doc, len) : base64_encode(doc, len);
	if (!text || asprintf(&line, "%s\n", text) < 0)
		die(NSMCTL_INTERNAL, "out of memory");
	ret = write_output(path, (const uint8_t *)line, strlen(line));
	free(line);
	free(text);
	return ret;
}

int cmd_attest(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON, NSMCTL_OPT_DEVICE,
		{ "nonce", required_argument, NULL, 'N' },
		{ "user-data", required_argument, NULL, 'u' },
		{ "public-key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct attest_field f[3] = {
		{ "--nonce", NULL, NULL, 0 },
		{ "--user-data", NULL, NULL, 0 },
		{ "--public-key", NULL, NULL, 0 },
	};
	enum input_format fmt = INPUT_AUTO;
	const char *out = NULL;
	uint8_t *doc = NULL;
	uint32_t doc_len = DOC_MAX;
	enum ErrorCode e;
	int stdin_users = 0, opt, ret, i;
	int32_t fd;

	while ((opt = getopt_long(argc, argv, ":hjd:N:u:k:o:F:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("attest");
		case 'j':
			nsmctl.json = true;
			break;
		case 'd':
			if (set_device("attest", optarg))
				return NSMCTL_USAGE;
			break;
		case 'N':
			f[0].arg = optarg;
			break;
		case 'u':
			f[1].arg = optarg;
			break;
		case 'k':
			f[2].arg = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'F':
			if (input_format_parse(optarg, &fmt) || fmt == INPUT_AUTO)
				return usage_error("attest", "--format must be "
						   "raw, base64 or hex");
			break;
		default:
			return option_error("attest", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("attest", "unexpected argument '%s'",
				   argv[optind]);
	for (i = 0; i < 3; i++)
		if (f[i].arg && !strcmp(f[i].arg, "-"))
			stdin_users++;
	if (stdin_users > 1)
		return usage_error("attest", "only one value can come from "
				   "stdin");
	if (nsmctl.json && out && !strcmp(out, "-"))
		return usage_error("attest", "--json and --output - exclude "
				   "each other");
	if (fmt == INPUT_AUTO) {
		if (out && strcmp(out, "-"))
			fmt = INPUT_CBOR;
		else
			fmt = isatty(STDOUT_FILENO) ? INPUT_BASE64 : INPUT_CBOR;
	}

	ret = NSMCTL_OK;
	for (i = 0; i < 3 && !ret; i++)
		if (f[i].arg)
			ret = parse_bytes_arg(f[i].opt, f[i].arg, &f[i].data,
					      &f[i].len);
	for (i = 0; i < 3 && !ret; i++)
		if (f[i].len > UINT32_MAX)
			ret = usage_error("attest", "%s is too large", f[i].opt);
	if (ret)
		goto out;

	ret = client_open(&fd);
	if (ret)
		goto out;
	doc = malloc(DOC_MAX);
	if (!doc)
		die(NSMCTL_INTERNAL, "out of memory");
	/* Argument order of AWS's API: user data, nonce, public key. */
	e = nsm_get_attestation_doc(fd, f[1].data, (uint32_t)f[1].len,
				    f[0].data, (uint32_t)f[0].len,
				    f[2].data, (uint32_t)f[2].len,
				    doc, &doc_len);
	nsm_lib_exit(fd);
	if (e != ERROR_CODE_SUCCESS) {
		ret = client_fail("Attestation", e, NULL);
		goto out;
	}

	if (nsmctl.json) {
		char *b64 = NULL;

		if (out) {
			ret = emit_document(out, fmt, doc, doc_len);
			if (ret)
				goto out;
		} else {
			b64 = base64_encode(doc, doc_len);
			if (!b64)
				die(NSMCTL_INTERNAL, "out of memory");
		}
		pr_begin(stdout, true);
		pr_u64(PR_JSON, "size", "%" PRIu64, doc_len);
		if (out) {
			pr_str(PR_JSON, "output", "%s", out);
			/* "raw" since 0.1: the name --format takes */
			pr_str(PR_JSON, "format", "%s", fmt == INPUT_CBOR ?
			       "raw" : input_format_name(fmt));
		} else {
			pr_str(PR_JSON, "document", "%s", b64);
		}
		free(b64);
		ret = pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
	} else {
		ret = emit_document(out ? out : "-", fmt, doc, doc_len);
	}
out:
	free(doc);
	for (i = 0; i < 3; i++)
		free(f[i].data);
	return ret;
}
