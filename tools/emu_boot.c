// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl emu: boot measurements. An instance boots (enable, reset) from
 * the attributes pcr0 .. pcr4 and pcr8; these commands write them:
 *
 *   --pcr N=HEX                 of create, and `set NAME pcrN HEX`
 *   preset [PRESET [INSTANCE]]  named configurations (0.1 had them in
 *                               the module), then a reset
 *   measurements FILE|clear [INSTANCE]
 *                               from a measurements file or nitro-cli
 *                               describe-eif JSON; the next boot applies
 *   --eif FILE                  of create and set: PCR0, 1, 2 and 8 of an
 *                               enclave image (emu_eif_pcrs())
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <nsm_verify.h>

#include "ctl.h"
#include "emu.h"
#include "input.h"
#include "nsmctl.h"
#include "helpers/print.h"

#define PCR_BYTES	48

/* The PCRs with a boot measurement attribute, as the ABI lists them. */
static const unsigned long boot_pcrs[] = { 0, 1, 2, 3, 4, 8 };

#define NBOOT	(sizeof(boot_pcrs) / sizeof(boot_pcrs[0]))

bool emu_boot_pcr(unsigned long index)
{
	size_t i;

	for (i = 0; i < NBOOT; i++)
		if (boot_pcrs[i] == index)
			return true;
	return false;
}

void emu_pcr_attr(char name[8], unsigned long index)
{
	snprintf(name, 8, "pcr%lu", index % 100);
}

int emu_pcr_value(const char *cmd, const char *what, const char *arg,
		  char hex[EMU_PCR_HEX + 1])
{
	uint8_t *v = NULL;
	size_t len = 0;
	char *s;
	int ret;

	if (!*arg || !strcmp(arg, "default")) {
		hex[0] = '\0';
		return NSMCTL_OK;
	}
	ret = parse_bytes_arg(what, arg, &v, &len);
	if (ret)
		return ret;
	if (len != PCR_BYTES) {
		free(v);
		return usage_error(cmd, "%s: the value is %zu bytes; a boot "
				   "measurement is %d bytes (%d hex digits)",
				   what, len, PCR_BYTES, EMU_PCR_HEX);
	}
	s = hex_string(v, len);
	free(v);
	if (!s)
		die(NSMCTL_INTERNAL, "out of memory");
	memcpy(hex, s, EMU_PCR_HEX + 1);
	free(s);
	return NSMCTL_OK;
}

int emu_pcr_arg(const char *cmd, const char *arg, unsigned long *index,
		char hex[EMU_PCR_HEX + 1])
{
	const char *eq = strchr(arg, '=');
	char what[32], idx[8];
	size_t n;

	if (!eq)
		return usage_error(cmd, "--pcr '%s': expected N=HEX", arg);
	n = (size_t)(eq - arg);
	if (!n || n > 2 || strspn(arg, "0123456789") != n)
		return usage_error(cmd, "--pcr '%s': '%.*s' is not a PCR index",
				   arg, (int)(n > 8 ? 8 : n), arg);
	memcpy(idx, arg, n);
	idx[n] = '\0';
	*index = strtoul(idx, NULL, 10);
	if (!emu_boot_pcr(*index))
		return usage_error(cmd, "--pcr %lu: PCR%lu has no boot "
				   "measurement; only PCR0, 1, 2, 3, 4 and 8 "
				   "have one (the others boot as zero)",
				   *index, *index);
	snprintf(what, sizeof(what), "--pcr %lu", *index);
	return emu_pcr_value(cmd, what, eq + 1, hex);
}

/*
 * Write the six boot measurement attributes of @dir: @hex[i] for
 * boot_pcrs[i], "" restores the default.
 */
static int write_boot_pcrs(const char *dir, char hex[NBOOT][EMU_PCR_HEX + 1])
{
	char attr[8];
	size_t i;
	int ret;

	for (i = 0; i < NBOOT; i++) {
		emu_pcr_attr(attr, boot_pcrs[i]);
		ret = ctl_set(dir, attr, hex[i]);
		if (ret)
			return ret;
	}
	return NSMCTL_OK;
}

/* PCR3 of an enclave with an IAM role: SHA384(48 zero bytes || ARN). */
static void iam_role_pcr3(char hex[EMU_PCR_HEX + 1])
{
	static const char arn[] = "arn:aws:iam::123456789012:role/Webserver";
	uint8_t buf[PCR_BYTES + sizeof(arn) - 1] = { 0 };
	uint8_t md[PCR_BYTES];
	unsigned int mdlen = 0;
	char *s;

	memcpy(buf + PCR_BYTES, arn, sizeof(arn) - 1);
	if (!EVP_Digest(buf, sizeof(buf), md, &mdlen, EVP_sha384(), NULL) ||
	    mdlen != PCR_BYTES)
		die(NSMCTL_INTERNAL, "SHA-384 failed");
	s = hex_string(md, PCR_BYTES);
	if (!s)
		die(NSMCTL_INTERNAL, "out of memory");
	memcpy(hex, s, EMU_PCR_HEX + 1);
	free(s);
}

enum preset_pcrs { PCRS_DEFAULT, PCRS_ZERO, PCRS_IAM_ROLE };

static const struct preset {
	const char *name;
	const char *what;
	bool debug;
	enum preset_pcrs pcrs;
} presets[] = {
	{ "default", "the default boot measurements, debug mode off",
	  false, PCRS_DEFAULT },
	{ "debug", "the default boot measurements, debug mode on (PCR0-2 "
	  "read as zero)", true, PCRS_DEFAULT },
	{ "zero", "PCR0-4 and 8 zero: an unmeasured enclave, for testing "
	  "that verifiers reject it", false, PCRS_ZERO },
	{ "iam-role", "PCR3 of arn:aws:iam::123456789012:role/Webserver, "
	  "the example of AWS's nitro-cli guide", false, PCRS_IAM_ROLE },
};

#define NPRESETS	(sizeof(presets) / sizeof(presets[0]))

static int list_presets(void)
{
	size_t i;

	pr_begin(stdout, nsmctl.json);
	pr_arr_open(PR_JSON, "presets");
	for (i = 0; i < NPRESETS; i++) {
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_ANY, "name", "%-10s", presets[i].name);
		pr_str(PR_ANY, "description", "%s\n", presets[i].what);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}

int emu_preset(int argc, char **argv)
{
	char hex[NBOOT][EMU_PCR_HEX + 1], dir[PATH_MAX];
	const struct preset *p = NULL;
	char *enable = NULL;
	const char *name;
	size_t i;
	int ret;

	ret = emu_args(argc, argv, 0, 2, "[PRESET [NAME]]");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	if (optind == argc)
		return list_presets();
	for (i = 0; i < NPRESETS; i++)
		if (!strcmp(argv[optind], presets[i].name))
			p = &presets[i];
	if (!p) {
		error("no preset '%s'", argv[optind]);
		fprintf(stderr, "hint: 'nsmctl emu preset' lists them\n");
		return NSMCTL_USAGE;
	}
	name = optind + 1 < argc ? argv[optind + 1] : CTL_DEFAULT_INSTANCE;
	ret = ctl_instance(name, dir);
	if (ret)
		return ret;
	for (i = 0; i < NBOOT; i++) {
		if (p->pcrs == PCRS_ZERO)
			memset(hex[i], '0', EMU_PCR_HEX);
		hex[i][p->pcrs == PCRS_ZERO ? EMU_PCR_HEX : 0] = '\0';
	}
	if (p->pcrs == PCRS_IAM_ROLE)
		iam_role_pcr3(hex[3]);
	ret = ctl_get(dir, "enable", &enable);
	if (ret)
		return ret;
	ret = write_boot_pcrs(dir, hex);
	if (!ret)
		ret = ctl_set(dir, "debug_mode", p->debug ? "1" : "0");
	if (ret)
		goto out;
	/* A disabled instance boots from it when it is enabled. */
	if (strcmp(enable, "0"))
		ret = emu_instance_action(name, dir, "reset");
	else if (!nsmctl.json)
		printf("instance '%s' is disabled: it boots from preset '%s' "
		       "when enabled\n", name, p->name);
out:
	free(enable);
	return ret;
}

int emu_eif_pcrs(const char *path, char hex[][EMU_PCR_HEX + 1], bool *has)
{
	static const uint32_t eif_pcrs[] = { 0, 1, 2, 8 };
	struct nsm_error err = { 0 };
	struct nsm_pcrset *set = NULL;
	const uint8_t *v;
	size_t i, vlen;
	int ret;

	ret = nsm_eif_file_pcrs(&set, &err, path);
	if (ret == -EBADMSG) {
		error("%s: %s", path, err.message[0] ? err.message :
		      nsm_eif_strerror(err.code));
		return NSMCTL_INPUT;
	}
	if (ret) {
		error("%s: %s", path, strerror(-ret));
		return ret == -ENOMEM ? NSMCTL_INTERNAL : NSMCTL_DEVICE;
	}
	for (i = 0; i < sizeof(eif_pcrs) / sizeof(eif_pcrs[0]); i++) {
		uint32_t idx = eif_pcrs[i];
		char *s;

		v = nsm_pcrset_get(set, idx, &vlen);
		if (!v) {
			/* An unsigned image: PCR8 is zero, as on hardware. */
			memset(hex[idx], '0', EMU_PCR_HEX);
			hex[idx][EMU_PCR_HEX] = '\0';
			has[idx] = true;
			continue;
		}
		if (vlen != PCR_BYTES) {
			error("%s: PCR%u is %zu bytes, not %d", path, idx, vlen,
			      PCR_BYTES);
			nsm_pcrset_free(&set);
			return NSMCTL_INPUT;
		}
		s = hex_string(v, vlen);
		if (!s)
			die(NSMCTL_INTERNAL, "out of memory");
		memcpy(hex[idx], s, EMU_PCR_HEX + 1);
		has[idx] = true;
		free(s);
	}
	nsm_pcrset_free(&set);
	return NSMCTL_OK;
}

int emu_measurements(int argc, char **argv)
{
	char hex[NBOOT][EMU_PCR_HEX + 1], dir[PATH_MAX];
	struct nsm_pcrset *set = NULL;
	const char *file, *name;
	const uint8_t *v;
	size_t i, vlen;
	uint32_t idx;
	int ret;

	ret = emu_args(argc, argv, 1, 2, "FILE|clear [NAME]");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	file = argv[optind];
	name = optind + 1 < argc ? argv[optind + 1] : CTL_DEFAULT_INSTANCE;
	for (i = 0; i < NBOOT; i++)
		hex[i][0] = '\0';
	if (strcmp(file, "clear")) {
		ret = load_measurements(file, file, &set);
		if (ret)
			return ret;
		for (idx = 0; idx < NSM_MAX_PCRS; idx++) {
			char *s;

			v = nsm_pcrset_get(set, idx, &vlen);
			if (!v)
				continue;
			if (!emu_boot_pcr(idx)) {
				error("%s: PCR%u has no boot measurement; only "
				      "PCR0, 1, 2, 3, 4 and 8 have one", file,
				      idx);
				ret = NSMCTL_INPUT;
				goto out;
			}
			if (vlen != PCR_BYTES) {
				error("%s: PCR%u is %zu bytes; a boot "
				      "measurement is %d", file, idx, vlen,
				      PCR_BYTES);
				ret = NSMCTL_INPUT;
				goto out;
			}
			for (i = 0; boot_pcrs[i] != idx; i++)
				;
			s = hex_string(v, vlen);
			if (!s)
				die(NSMCTL_INTERNAL, "out of memory");
			memcpy(hex[i], s, EMU_PCR_HEX + 1);
			free(s);
		}
	}
	ret = ctl_instance(name, dir);
	if (ret)
		goto out;
	ret = write_boot_pcrs(dir, hex);
	if (!ret && !nsmctl.json)
		printf("boot measurements of '%s' set (%zu given, the others "
		       "default); 'nsmctl emu reset %s' applies them\n", name,
		       set ? nsm_pcrset_count(set) : 0, name);
out:
	nsm_pcrset_free(&set);
	return ret;
}
