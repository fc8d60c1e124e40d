// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl emu: the emulator's root-only control interface, sysfs attributes
 * of the misc device (Documentation/ABI/testing/sysfs-driver-nsm_emu).
 *
 *   status                 state, boot measurements, PCRs, counters
 *   reset                  boot again from the boot configuration
 *   preset [NAME]          list presets, or boot from one
 *   measurements [FILE]    show the boot measurements, or set them from a
 *                          measurements file / nitro-cli describe-eif JSON
 *   set NAME VALUE         module_id, debug and the fidelity switches
 *   provision [--check] DIR  validate a `nsmctl ca init` PKI with OpenSSL,
 *                          then load it into the module
 *   new-chain              replace the PKI with a fresh ephemeral chain
 *   rotate                 retire the current leaf certificate
 *   root                   the root certificate documents chain up to
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <nsm_verify.h>

#include "input.h"
#include "nsmctl.h"
#include "pkidir.h"
#include "print.h"
#include "sysfs.h"
#include "timeutil.h"

/*
 * Provisioning (kmod/pki_sysfs.c): the chain and the key are staged
 * through two write-only binary attributes, then a write of 1 to
 * pki_commit validates and installs them, or fails with EINVAL and leaves
 * the reason in pki_status's last_error line. We send DER.
 */
#define ATTR_PKI_CHAIN	"pki_chain"
#define ATTR_PKI_KEY	"pki_key"
#define ATTR_PKI_COMMIT	"pki_commit"
#define ATTR_PKI_ROOT	"pki_root"
#define ATTR_PKI_STATUS	"pki_status"
#define ATTR_PKI_RESET	"pki_reset"
#define ATTR_PKI_ROTATE	"pki_rotate"

/* Attributes `emu set` may write, with what they take. */
static const struct {
	const char *name;
	const char *takes;
} settable[] = {
	{ "module_id", "1-127 printable characters, no spaces" },
	{ "debug", "0 or 1" },
	{ "cose_tagged", "0 or 1 (COSE_Sign1 tag 18)" },
	{ "indefinite_map", "0 or 1 (indefinite-length payload map)" },
	{ "clock_offset_ms", "milliseconds added to document timestamps" },
	{ "leaf_lifetime_s", "seconds a new leaf certificate lives" },
};

/* Boot measurements cover PCRs 0..15 (the ones locked at boot). */
#define BOOT_PCRS	16

/* Advance *@s past one line; return it NUL-terminated, or NULL at the end. */
static char *next_line(char **s)
{
	char *line = *s, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = line + strlen(line);
	}
	return line;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static void print_pcrs_attr(char *text)
{
	char *cur = text, *line;

	pr_arr_open(PR_JSON, "pcrs");
	pr_text("pcrs:\n");
	pr_indent(1);
	while ((line = next_line(&cur))) {
		unsigned int idx, locked;
		char hex[200];
		const char *m;

		if (sscanf(line, "%u %u %199s", &idx, &locked, hex) != 3)
			continue;
		m = nsm_pcr_label(idx);
		pr_obj_open(PR_JSON, NULL);
		pr_u64(PR_ANY, "index", "PCR%-2" PRIu64 " ", idx);
		pr_bool(PR_JSON, "locked", "%s", locked);
		pr_text("%s ", locked ? "locked  " : "unlocked");
		pr_str(PR_ANY, "value", "%s", hex);
		if (m)
			pr_str(PR_ANY, "meaning", "  (%s)", m);
		pr_text("\n");
		pr_obj_close(PR_JSON);
	}
	pr_indent(-1);
	pr_arr_close(PR_JSON);
}

static void print_measurements_attr(char *text)
{
	char *cur = text, *line;
	bool any = false;

	pr_obj_open(PR_JSON, "measurements");
	pr_text("boot measurements:");
	pr_indent(1);
	while ((line = next_line(&cur))) {
		char name[16], hex[200];

		if (sscanf(line, "%15s %199s", name, hex) != 2)
			continue;
		if (!any)
			pr_text("\n");
		any = true;
		pr_str(PR_TEXT, NULL, "%s ", name);
		pr_str(PR_ANY, name, "%s\n", hex);
	}
	if (!any)
		pr_text(" built-in defaults\n");
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

static void print_counters_attr(char *text)
{
	char *cur = text, *line;

	pr_obj_open(PR_JSON, "counters");
	pr_text("counters:\n");
	pr_indent(1);
	while ((line = next_line(&cur))) {
		char name[64];
		unsigned long long v;

		if (sscanf(line, "%63s %llu", name, &v) != 2)
			continue;
		pr_str(PR_TEXT, NULL, "%-16s", name);
		pr_u64(PR_ANY, name, "%" PRIu64 "\n", v);
	}
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

/* pki_status: "<name> <value>" lines; numbers stay numbers in JSON. */
static void print_pki_status(char *text)
{
	char *cur = text, *line;

	pr_obj_open(PR_JSON, "pki");
	pr_text("pki:\n");
	pr_indent(1);
	while ((line = next_line(&cur))) {
		char *val = strchr(line, ' '), *end;
		long long v;

		if (!val)
			continue;
		*val++ = '\0';
		pr_str(PR_TEXT, NULL, "%-16s", line);
		errno = 0;
		v = strtoll(val, &end, 10);
		if (*val && !*end && !errno) {
			pr_i64(PR_ANY, line, "%" PRId64, v);
			/* Validity bounds are epoch seconds: show the date. */
			if (v > 0 && (strstr(line, "_not_after") ||
				      strstr(line, "_not_before"))) {
				char when[TIME_STR_LEN];

				format_time_ms(when, v * 1000);
				pr_text(" (%s)", when);
			}
			pr_text("\n");
		} else
			pr_str(PR_ANY, line, "%s\n", val);
	}
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

static int emu_status(const char *dir)
{
	static const char *const attrs[] = {
		"module_id", "debug", "preset", "measurements", "pcrs",
		"counters",
	};
	char *text[6] = { NULL };
	size_t i;
	int ret;

	ret = sysfs_check(dir);
	if (ret)
		return ret;
	/* Read everything first: a partial status would mislead. */
	for (i = 0; i < 6; i++) {
		ret = sysfs_read(dir, attrs[i], &text[i], NULL);
		if (ret)
			goto out;
	}
	chomp(text[0]);
	chomp(text[2]);
	pr_begin(stdout, nsmctl.json);
	pr_str(PR_ANY, "control", "control:      %s\n", dir);
	pr_str(PR_ANY, "module_id", "module_id:    %s\n", text[0]);
	pr_bool(PR_ANY, "debug", "debug:        %s\n", text[1][0] == '1');
	pr_str(PR_ANY, "presets", "presets:      %s\n", text[2]);
	print_measurements_attr(text[3]);
	print_pcrs_attr(text[4]);
	print_counters_attr(text[5]);
	if (sysfs_has(dir, ATTR_PKI_STATUS)) {
		char *pki;

		ret = sysfs_read(dir, ATTR_PKI_STATUS, &pki, NULL);
		if (ret) {
			pr_end();
			goto out;
		}
		print_pki_status(pki);
		free(pki);
	}
	ret = pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
out:
	for (i = 0; i < 6; i++)
		free(text[i]);
	return ret;
}

static int emu_preset(const char *dir, int argc, char **argv)
{
	char *text;
	int ret;

	ret = sysfs_check(dir);
	if (ret)
		return ret;
	if (argc == 0) {
		ret = sysfs_read(dir, "preset", &text, NULL);
		if (ret)
			return ret;
		chomp(text);
		pr_begin(stdout, nsmctl.json);
		pr_arr_open(PR_JSON, "presets");
		{
			char *tok, *save = NULL;

			for (tok = strtok_r(text, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save))
				pr_str(PR_ANY, NULL, "%s\n", tok);
		}
		pr_arr_close(PR_JSON);
		free(text);
		return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
	}
	if (argc > 1)
		return usage_error("emu", "preset takes one name");
	ret = sysfs_write(dir, "preset", argv[0], strlen(argv[0]));
	if (ret)
		fprintf(stderr, "hint: 'nsmctl emu preset' lists the names\n");
	return ret;
}

/* Set the boot measurements from a file; they apply at the next reset. */
static int emu_measurements(const char *dir, int argc, char **argv)
{
	struct nsm_pcrset *set = NULL;
	char msg[256] = "", *text, *p;
	size_t size, len = 0, vlen;
	const uint8_t *v;
	uint32_t i;
	int ret;

	ret = sysfs_check(dir);
	if (ret)
		return ret;
	if (argc == 0) {
		ret = sysfs_read(dir, "measurements", &text, NULL);
		if (ret)
			return ret;
		pr_begin(stdout, nsmctl.json);
		print_measurements_attr(text);
		free(text);
		return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
	}
	if (argc > 1)
		return usage_error("emu", "measurements takes one file");
	if (!strcmp(argv[0], "clear"))
		return sysfs_write(dir, "measurements", "clear\n", 6);
	ret = nsm_pcrset_load_file(&set, msg, sizeof(msg), argv[0]);
	if (ret == -EINVAL) {
		error("%s: %s", argv[0], msg[0] ? msg : "not a measurements file");
		return NSMCTL_INPUT;
	}
	if (ret) {
		error("%s: %s", argv[0], strerror(-ret));
		return ret == -ENOMEM ? NSMCTL_INTERNAL : NSMCTL_DEVICE;
	}
	size = 16 + (size_t)BOOT_PCRS * (8 + 2 * NSM_PCR_MAX_LEN + 2);
	text = malloc(size);
	if (!text)
		die(NSMCTL_INTERNAL, "out of memory");
	len = (size_t)snprintf(text, size, "clear\n");
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		v = nsm_pcrset_get(set, i, &vlen);
		if (!v)
			continue;
		if (i >= BOOT_PCRS || vlen != 48) {
			error("%s: PCR%u: boot measurements are 48-byte values "
			      "of PCR0 to PCR15", argv[0], i);
			ret = NSMCTL_INPUT;
			goto out;
		}
		p = hex_string(v, vlen);
		if (!p)
			die(NSMCTL_INTERNAL, "out of memory");
		len += (size_t)snprintf(text + len, size - len, "PCR%u %s\n",
					i, p);
		free(p);
	}
	ret = sysfs_write(dir, "measurements", text, len);
	if (!ret && !nsmctl.json)
		printf("boot measurements set (%zu PCRs); 'nsmctl emu reset' "
		       "applies them\n", nsm_pcrset_count(set));
out:
	free(text);
	nsm_pcrset_free(&set);
	return ret;
}

static bool is_p384_key(EVP_PKEY *k)
{
	char group[64];
	size_t glen;

	if (!k || !EVP_PKEY_is_a(k, "EC"))
		return false;
	if (!EVP_PKEY_get_group_name(k, group, sizeof(group), &glen))
		return false;
	return !strcmp(group, "secp384r1") || !strcmp(group, "P-384");
}

/*
 * Load DIR's chain and key and check them as the module will, with
 * OpenSSL: 1..4 P-384/ecdsa-with-SHA384 CA certificates of at most 1024
 * bytes, root first, that X509_verify_cert() accepts now; an instance CA
 * allowed to sign (keyCertSign); a P-384 key that is the instance
 * certificate's. On success *chain_der and *key_der hold what the module
 * takes (caller frees; the key with OPENSSL_clear_free()).
 */
static int pki_validate(const char *dir, uint8_t **chain_der,
			size_t *chain_len, uint8_t **key_der, size_t *key_len)
{
	STACK_OF(X509) *untrusted = NULL;
	X509 *certs[PKIDIR_CHAIN_LEN + 1] = { NULL };
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	char path[PATH_MAX];
	uint8_t *out = NULL, *p;
	size_t total = 0;
	int n = 0, i, len, ret = NSMCTL_INPUT;
	BIO *b;

	*chain_der = NULL;
	*key_der = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, PKIDIR_CHAIN);
	b = BIO_new_file(path, "r");
	if (!b) {
		error("cannot read %s: %s", path, strerror(errno));
		ERR_clear_error();
		return NSMCTL_DEVICE;
	}
	while (n <= PKIDIR_CHAIN_LEN) {
		X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

		if (!x)
			break;
		certs[n++] = x;
	}
	ERR_clear_error();	/* the end of the file reads as an error */
	BIO_free(b);
	if (n == 0) {
		error("%s: no PEM certificate", path);
		goto out;
	}
	if (n > PKIDIR_CHAIN_LEN) {
		error("%s: more than %d certificates", path, PKIDIR_CHAIN_LEN);
		goto out;
	}

	snprintf(path, sizeof(path), "%s/%s", dir, PKIDIR_KEY);
	b = BIO_new_file(path, "r");
	if (!b) {
		error("cannot read %s: %s", path, strerror(errno));
		ERR_clear_error();
		ret = NSMCTL_DEVICE;
		goto out;
	}
	key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!key) {
		ret = ossl_error(NSMCTL_INPUT,
				 "instance.key: not a PEM private key");
		goto out;
	}
	if (!is_p384_key(key)) {
		error("%s: not an ECDSA P-384 key", path);
		goto out;
	}

	for (i = 0; i < n; i++) {
		EVP_PKEY *pub = X509_get0_pubkey(certs[i]);

		len = i2d_X509(certs[i], NULL);
		if (len <= 0 || len > PKIDIR_CERT_MAX) {
			error("certificate %d of %s is %d bytes (at most %d)", i,
			      PKIDIR_CHAIN, len, PKIDIR_CERT_MAX);
			goto out;
		}
		if (!is_p384_key(pub) ||
		    X509_get_signature_nid(certs[i]) != NID_ecdsa_with_SHA384) {
			error("certificate %d of %s: not P-384 with "
			      "ecdsa-with-SHA384", i, PKIDIR_CHAIN);
			goto out;
		}
		if (X509_check_ca(certs[i]) < 1 ||
		    !(X509_get_key_usage(certs[i]) & KU_KEY_CERT_SIGN)) {
			error("certificate %d of %s is not a CA allowed to sign "
			      "certificates (CA:TRUE, keyCertSign)", i,
			      PKIDIR_CHAIN);
			goto out;
		}
		total += (size_t)len;
	}
	if (X509_check_private_key(certs[n - 1], key) != 1) {
		ERR_clear_error();
		error("%s does not match the instance CA certificate (the "
		      "last of %s)", PKIDIR_KEY, PKIDIR_CHAIN);
		goto out;
	}

	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	untrusted = sk_X509_new_null();
	if (!store || !ctx || !untrusted)
		die(NSMCTL_INTERNAL, "out of memory");
	if (!X509_STORE_add_cert(store, certs[0])) {
		ret = ossl_error(NSMCTL_INPUT, "root certificate");
		goto out;
	}
	X509_STORE_set_flags(store, X509_V_FLAG_CHECK_SS_SIGNATURE);
	for (i = 1; i < n - 1; i++)
		if (!sk_X509_push(untrusted, certs[i]))
			die(NSMCTL_INTERNAL, "out of memory");
	if (!X509_STORE_CTX_init(ctx, store, certs[n - 1], untrusted)) {
		ret = ossl_error(NSMCTL_INPUT, "chain verification setup");
		goto out;
	}
	if (X509_verify_cert(ctx) != 1) {
		int err = X509_STORE_CTX_get_error(ctx);

		error("%s does not verify: %s (at certificate depth %d)",
		      PKIDIR_CHAIN, X509_verify_cert_error_string(err),
		      X509_STORE_CTX_get_error_depth(ctx));
		ERR_clear_error();
		goto out;
	}

	out = malloc(total);
	if (!out)
		die(NSMCTL_INTERNAL, "out of memory");
	p = out;
	for (i = 0; i < n; i++)
		i2d_X509(certs[i], &p);
	len = i2d_PrivateKey(key, NULL);
	if (len <= 0) {
		ret = ossl_error(NSMCTL_INPUT, "key encoding");
		goto out;
	}
	*key_der = OPENSSL_malloc((size_t)len);
	if (!*key_der)
		die(NSMCTL_INTERNAL, "out of memory");
	p = *key_der;
	i2d_PrivateKey(key, &p);
	*key_len = (size_t)len;
	*chain_der = out;
	*chain_len = total;
	out = NULL;
	ret = NSMCTL_OK;
out:
	free(out);
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	EVP_PKEY_free(key);
	for (i = 0; i < n; i++)
		X509_free(certs[i]);
	return ret;
}

/* After a refused commit: the module's reason, from pki_status. */
static void explain_pki_error(const char *dir)
{
	char *text, *cur, *line;

	if (!sysfs_has(dir, ATTR_PKI_STATUS) ||
	    sysfs_read(dir, ATTR_PKI_STATUS, &text, NULL))
		return;
	cur = text;
	while ((line = next_line(&cur)))
		if (!strncmp(line, "last_error ", 11) && strcmp(line + 11, "none"))
			fprintf(stderr, "hint: the module says: %s; the previous "
				"PKI stays in force\n", line + 11);
	free(text);
}

static int emu_provision(const char *dir, int argc, char **argv, bool check)
{
	uint8_t *chain = NULL, *key = NULL;
	size_t chain_len = 0, key_len = 0;
	int ret;

	if (argc != 1)
		return usage_error("emu", "provision takes one directory "
				   "(made by 'nsmctl ca init')");
	ret = pki_validate(argv[0], &chain, &chain_len, &key, &key_len);
	if (ret)
		return ret;
	if (check) {
		if (!nsmctl.json)
			printf("%s: valid (chain of %zu bytes, key matches the "
			       "instance CA)\n", argv[0], chain_len);
		goto out;
	}
	ret = sysfs_check(dir);
	if (ret)
		goto out;
	if (!sysfs_has(dir, ATTR_PKI_CHAIN) || !sysfs_has(dir, ATTR_PKI_KEY) ||
	    !sysfs_has(dir, ATTR_PKI_COMMIT)) {
		error("%s has no provisioning attributes (%s, %s, %s): this "
		      "nsm_emu does not support provisioning", dir,
		      ATTR_PKI_CHAIN, ATTR_PKI_KEY, ATTR_PKI_COMMIT);
		ret = NSMCTL_DEVICE;
		goto out;
	}
	ret = sysfs_write(dir, ATTR_PKI_CHAIN, chain, chain_len);
	if (!ret)
		ret = sysfs_write(dir, ATTR_PKI_KEY, key, key_len);
	if (!ret)
		ret = sysfs_write(dir, ATTR_PKI_COMMIT, "1", 1);
	if (ret) {
		explain_pki_error(dir);
		goto out;
	}
	if (!nsmctl.json)
		printf("provisioned %s into %s\n", argv[0], dir);
out:
	free(chain);
	OPENSSL_clear_free(key, key_len);
	return ret;
}

static int emu_set(const char *dir, int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc != 2)
		return usage_error("emu", "set takes a name and a value");
	for (i = 0; i < sizeof(settable) / sizeof(settable[0]); i++)
		if (!strcmp(argv[0], settable[i].name))
			break;
	if (i == sizeof(settable) / sizeof(settable[0])) {
		error("'%s' cannot be set; settable:", argv[0]);
		for (i = 0; i < sizeof(settable) / sizeof(settable[0]); i++)
			fprintf(stderr, "  %-16s %s\n", settable[i].name,
				settable[i].takes);
		return NSMCTL_USAGE;
	}
	ret = sysfs_check(dir);
	if (ret)
		return ret;
	ret = sysfs_write(dir, argv[0], argv[1], strlen(argv[1]));
	if (ret)
		fprintf(stderr, "hint: %s takes %s\n", settable[i].name,
			settable[i].takes);
	return ret;
}

/* Write 1 to an action attribute of the PKI. */
static int emu_action(const char *dir, int argc, const char *sub,
		      const char *attr)
{
	int ret;

	if (argc)
		return usage_error("emu", "%s takes no argument", sub);
	ret = sysfs_check(dir);
	if (ret)
		return ret;
	if (!sysfs_has(dir, attr)) {
		error("%s has no %s attribute: this nsm_emu cannot %s", dir,
		      attr, sub);
		return NSMCTL_DEVICE;
	}
	return sysfs_write(dir, attr, "1", 1);
}

static int emu_root(const char *dir, int argc, char **argv, const char *out)
{
	char *pem;
	size_t len;
	int ret;

	(void)argv;
	if (argc)
		return usage_error("emu", "root takes no argument");
	ret = sysfs_check(dir);
	if (ret)
		return ret;
	if (!sysfs_has(dir, ATTR_PKI_ROOT)) {
		error("%s has no %s attribute: this nsm_emu exports no root",
		      dir, ATTR_PKI_ROOT);
		return NSMCTL_DEVICE;
	}
	ret = sysfs_read(dir, ATTR_PKI_ROOT, &pem, &len);
	if (ret)
		return ret;
	ret = write_output(out ? out : "-", (uint8_t *)pem, len);
	free(pem);
	return ret;
}

int cmd_emu(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "dev", required_argument, NULL, 'n' },
		{ "check", no_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *devname = NULL, *dir, *sub, *out = NULL;
	int opt, n, ret, i, optargc = argc;
	bool check = false;

	/*
	 * "set NAME VALUE" takes values such as clock_offset_ms -3600000:
	 * nothing after "set" is an option.
	 */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			break;
		} else if (!strcmp(argv[i], "--dev") || !strcmp(argv[i], "-n") ||
			   !strcmp(argv[i], "--output") || !strcmp(argv[i], "-o")) {
			i++;
		} else if (argv[i][0] != '-') {
			if (!strcmp(argv[i], "set"))
				optargc = i + 1;
			break;
		}
	}

	while ((opt = getopt_long(optargc, argv, ":hjn:co:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("emu");
		case 'j':
			nsmctl.json = true;
			break;
		case 'n':
			devname = optarg;
			if (!*devname || strchr(devname, '/') ||
			    !strcmp(devname, ".") || !strcmp(devname, ".."))
				return usage_error("emu", "--dev takes a device "
						   "name, not a path");
			break;
		case 'c':
			check = true;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return option_error("emu", opt, argv);
		}
	}
	if (optind >= optargc)
		return usage_error("emu", "missing subcommand (status, reset, "
				   "preset, measurements, set, provision, "
				   "new-chain, rotate, root)");
	sub = argv[optind++];
	n = argc - optind;
	argv += optind;
	dir = sysfs_dir(devname);
	if (check && strcmp(sub, "provision"))
		return usage_error("emu", "--check only goes with provision");
	if (out && strcmp(sub, "root"))
		return usage_error("emu", "--output only goes with root");

	if (!strcmp(sub, "status")) {
		if (n)
			return usage_error("emu", "status takes no argument");
		ret = emu_status(dir);
	} else if (!strcmp(sub, "reset")) {
		if (n)
			return usage_error("emu", "reset takes no argument");
		ret = sysfs_check(dir);
		if (!ret)
			ret = sysfs_write(dir, "reset", "1", 1);
	} else if (!strcmp(sub, "preset")) {
		ret = emu_preset(dir, n, argv);
	} else if (!strcmp(sub, "measurements")) {
		ret = emu_measurements(dir, n, argv);
	} else if (!strcmp(sub, "provision")) {
		ret = emu_provision(dir, n, argv, check);
	} else if (!strcmp(sub, "root")) {
		ret = emu_root(dir, n, argv, out);
	} else if (!strcmp(sub, "set")) {
		ret = emu_set(dir, n, argv);
	} else if (!strcmp(sub, "rotate")) {
		ret = emu_action(dir, n, sub, ATTR_PKI_ROTATE);
	} else if (!strcmp(sub, "new-chain")) {
		ret = emu_action(dir, n, sub, ATTR_PKI_RESET);
	} else {
		ret = usage_error("emu", "unknown subcommand '%s'", sub);
	}
	return ret;
}
