// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl verify: every check of libnsm's verifier on one document, each
 * printed with its stable code; exit 0 only when all pass.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nsm_verify.h>

#include "docload.h"
#include "input.h"
#include "nsmctl.h"
#include "helpers/pcr.h"
#include "helpers/print.h"
#include "helpers/report.h"
#include "helpers/timeutil.h"

#define MAX_ROOTS	64
#define MAX_PCR_ARGS	64

enum {
	OPT_ROOT = 256,
	OPT_NO_AWS_ROOT,
	OPT_TIME,
	OPT_MAX_AGE,
	OPT_PCR,
	OPT_EXPECTED,
	OPT_NONCE,
	OPT_USER_DATA,
	OPT_PUBLIC_KEY,
	OPT_REJECT_DEBUG,
	OPT_KMS_POLICY,
};

struct verify_args {
	const char *roots[MAX_ROOTS];
	int nroots;
	bool no_aws_root;
	const char *time_arg;
	const char *pcrs[MAX_PCR_ARGS];
	int npcrs;
	const char *expected;
	const char *kms_policy;
	const char *bytes_arg[3];	/* nonce, user data, public key */
	bool quiet;
	enum input_format fmt;
	const char *file;
};

static const char *const bytes_opt[3] = {
	"--nonce", "--user-data", "--public-key"
};

/* A root is named by its file: what the user typed, without the path. */
static const char *root_name(const char *path)
{
	const char *base = strrchr(path, '/');

	return base && base[1] ? base + 1 : path;
}

/* Set up the verifier's trust store; NSMCTL_OK or an exit code. */
static int make_verifier(const struct verify_args *a, struct nsm_verifier **v)
{
	int i, ret;

	ret = nsm_verifier_new(v, a->no_aws_root ? NSM_VERIFIER_NO_AWS_ROOT : 0);
	if (ret == -ENOMEM)
		die(NSMCTL_INTERNAL, "out of memory");
	if (ret) {
		error("cannot create a verifier: %s", strerror(-ret));
		return NSMCTL_INTERNAL;
	}
	for (i = 0; i < a->nroots; i++) {
		struct nsm_error err = { 0 };

		ret = nsm_verifier_add_root_file(*v, &err, a->roots[i],
						 root_name(a->roots[i]));
		if (ret == -EINVAL) {
			error("--root %s: no certificate in the file (PEM or "
			      "DER expected)", a->roots[i]);
			return NSMCTL_INPUT;
		}
		if (ret) {
			error("--root %s: %s", a->roots[i], strerror(-ret));
			return ret == -ENOMEM ? NSMCTL_INTERNAL : NSMCTL_DEVICE;
		}
	}
	if (!nsm_verifier_root_count(*v)) {
		error("no trusted root: --no-aws-root needs at least one --root");
		return NSMCTL_USAGE;
	}
	return NSMCTL_OK;
}

/* --expected and --pcr into one set; NULL set when neither is given. */
static int make_pcrset(const struct verify_args *a, struct nsm_pcrset **set)
{
	char what[300];
	int i, ret;

	*set = NULL;
	if (a->expected) {
		snprintf(what, sizeof(what), "--expected %s", a->expected);
		ret = load_measurements(what, a->expected, set);
		if (ret)
			return ret;
	} else if (a->npcrs) {
		if (nsm_pcrset_new(set))
			die(NSMCTL_INTERNAL, "out of memory");
	}
	for (i = 0; i < a->npcrs; i++) {
		if (pcr_arg_parse(*set, a->pcrs[i]))
			return usage_error("verify", "--pcr '%s': expected "
					   "N=HEX with N from 0 to 31 and 32, "
					   "48 or 64 bytes of hex",
					   a->pcrs[i]);
	}
	return NSMCTL_OK;
}

static const char *time_policy_name(const char *arg)
{
	if (!arg || !strcmp(arg, "now"))
		return "now";
	if (!strcmp(arg, "doc") || !strcmp(arg, "document"))
		return "document";
	return "given";
}

static int set_time(const char *arg, struct nsm_verify_opts *o)
{
	if (!arg || !strcmp(arg, "now")) {
		o->time_policy = NSM_TIME_NOW;
	} else if (!strcmp(arg, "doc") || !strcmp(arg, "document")) {
		o->time_policy = NSM_TIME_DOCUMENT;
	} else {
		o->time_policy = NSM_TIME_GIVEN;
		if (parse_time_ms(arg, &o->time_ms))
			return usage_error("verify", "--time '%s': expected "
					   "now, doc, an RFC 3339 time "
					   "(2024-11-30T16:22:48Z) or "
					   "@EPOCH-SECONDS", arg);
	}
	return NSMCTL_OK;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "no-aws-root", no_argument, NULL, OPT_NO_AWS_ROOT },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "max-age", required_argument, NULL, OPT_MAX_AGE },
		{ "pcr", required_argument, NULL, OPT_PCR },
		{ "expected", required_argument, NULL, OPT_EXPECTED },
		{ "nonce", required_argument, NULL, OPT_NONCE },
		{ "user-data", required_argument, NULL, OPT_USER_DATA },
		{ "public-key", required_argument, NULL, OPT_PUBLIC_KEY },
		{ "reject-debug", no_argument, NULL, OPT_REJECT_DEBUG },
		{ "kms-policy", required_argument, NULL, OPT_KMS_POLICY },
		{ "format", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct verify_args a = { .fmt = INPUT_AUTO };
	struct nsm_verify_opts o;
	struct nsm_verifier *v = NULL;
	struct nsm_pcrset *pcrs = NULL;
	struct nsm_result *r = NULL;
	struct nsm_error err = { 0 };
	enum input_format det = INPUT_AUTO;
	uint8_t *bytes[3] = { NULL, NULL, NULL }, *doc = NULL, *policy = NULL;
	size_t blen[3] = { 0, 0, 0 }, doc_len, policy_len;
	int opt, ret, i, stdin_users = 0;

	nsm_verify_opts_init(&o);
	while ((opt = getopt_long(argc, argv, ":hjF:q", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("verify");
		case 'j':
			nsmctl.json = true;
			break;
		case 'q':
			a.quiet = true;
			break;
		case 'F':
			if (input_format_parse(optarg, &a.fmt))
				return usage_error("verify", "--format must be "
						   "auto, raw, base64 or hex");
			break;
		case OPT_ROOT:
			if (a.nroots == MAX_ROOTS)
				return usage_error("verify", "more than %d "
						   "--root", MAX_ROOTS);
			a.roots[a.nroots++] = optarg;
			break;
		case OPT_NO_AWS_ROOT:
			a.no_aws_root = true;
			break;
		case OPT_TIME:
			a.time_arg = optarg;
			break;
		case OPT_MAX_AGE:
			if (parse_duration_ms(optarg, &o.max_age_ms) ||
			    !o.max_age_ms)
				return usage_error("verify", "--max-age '%s': "
						   "expected seconds, or a "
						   "number with s, m, h or d",
						   optarg);
			break;
		case OPT_PCR:
			if (a.npcrs == MAX_PCR_ARGS)
				return usage_error("verify", "more than %d "
						   "--pcr", MAX_PCR_ARGS);
			a.pcrs[a.npcrs++] = optarg;
			break;
		case OPT_EXPECTED:
			a.expected = optarg;
			break;
		case OPT_NONCE:
		case OPT_USER_DATA:
		case OPT_PUBLIC_KEY:
			a.bytes_arg[opt - OPT_NONCE] = optarg;
			break;
		case OPT_REJECT_DEBUG:
			o.reject_debug = true;
			break;
		case OPT_KMS_POLICY:
			a.kms_policy = optarg;
			break;
		default:
			return option_error("verify", opt, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error("verify", "verify takes one document");
	a.file = optind < argc ? argv[optind] : "-";
	if (!strcmp(a.file, "-"))
		stdin_users++;
	for (i = 0; i < 3; i++)
		if (a.bytes_arg[i] && !strcmp(a.bytes_arg[i], "-"))
			stdin_users++;
	if (a.expected && !strcmp(a.expected, "-"))
		stdin_users++;
	if (a.kms_policy && !strcmp(a.kms_policy, "-"))
		stdin_users++;
	if (stdin_users > 1)
		return usage_error("verify", "only one input can come from "
				   "stdin");
	if (a.quiet && nsmctl.json)
		return usage_error("verify", "--quiet and --json exclude "
				   "each other");
	ret = set_time(a.time_arg, &o);
	if (ret)
		return ret;

	for (i = 0; i < 3; i++) {
		if (!a.bytes_arg[i])
			continue;
		ret = parse_bytes_arg(bytes_opt[i], a.bytes_arg[i], &bytes[i],
				      &blen[i]);
		if (ret)
			goto out;
	}
	o.check_nonce = a.bytes_arg[0];
	o.nonce = bytes[0];
	o.nonce_len = blen[0];
	o.check_user_data = a.bytes_arg[1];
	o.user_data = bytes[1];
	o.user_data_len = blen[1];
	o.check_public_key = a.bytes_arg[2];
	o.public_key = bytes[2];
	o.public_key_len = blen[2];

	ret = make_pcrset(&a, &pcrs);
	if (ret)
		goto out;
	o.expected_pcrs = pcrs;
	if (a.kms_policy) {
		ret = read_file(a.kms_policy, &policy, &policy_len);
		if (ret)
			goto out;
		if (strlen((char *)policy) != policy_len) {
			error("--kms-policy %s: not a text file", a.kms_policy);
			ret = NSMCTL_INPUT;
			goto out;
		}
		o.kms_policy_json = (const char *)policy;
	}
	ret = make_verifier(&a, &v);
	if (ret)
		goto out;
	ret = doc_read(a.file, a.fmt, &doc, &doc_len, &det);
	if (ret)
		goto out;

	ret = nsm_verify_bytes(&r, &err, v, doc, doc_len, &o);
	if (ret == -ENOMEM)
		die(NSMCTL_INTERNAL, "out of memory");
	if (ret) {
		const char *msg = err.message;

		if (a.kms_policy && ret == -EINVAL) {
			error("--kms-policy %s: %s", a.kms_policy,
			      *msg ? msg : "not a valid key policy");
			ret = NSMCTL_INPUT;
		} else {
			error("verification could not run: %s",
			      *msg ? msg : strerror(-ret));
			ret = NSMCTL_INTERNAL;
		}
		goto out;
	}
	if (!a.quiet) {
		pr_begin(stdout, nsmctl.json);
		report_verification(doc_display_name(a.file), det,
				    time_policy_name(a.time_arg), r);
		if (pr_end()) {
			ret = NSMCTL_DEVICE;
			goto out;
		}
	}
	ret = nsm_result_ok(r) ? NSMCTL_OK : NSMCTL_FAILED;
out:
	nsm_result_free(&r);
	nsm_verifier_free(&v);
	nsm_pcrset_free(&pcrs);
	free(doc);
	free(policy);
	for (i = 0; i < 3; i++)
		free(bytes[i]);
	return ret;
}
