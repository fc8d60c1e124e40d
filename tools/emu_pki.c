// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl emu: the test PKI every instance signs under, configfs group
 * <configfs>/pki/. Certificates and keys cross into the module as DER
 * only; PEM is converted here, with OpenSSL.
 *
 *   root [-o FILE]           pki/root (DER) as PEM
 *   provision [--check] DIR  check a `nsmctl ca init` PKI as the module
 *                            will, then stage pki/chain (concatenated DER,
 *                            root first) and pki/key (PKCS#8 DER) and
 *                            write 1 to pki/commit
 *   new-chain                pki/generate: a fresh ephemeral chain
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ctl.h"
#include "emu.h"
#include "input.h"
#include "nsmctl.h"
#include "pkidir.h"
#include "helpers/print.h"
#include "helpers/timeutil.h"

/* Limits of the staging attributes (configfs-nsm_emu). */
#define PKI_CHAIN_MAX	8192
#define PKI_KEY_MAX	2048

/* The read-only state attributes of pki/, in the order status shows. */
static const char *const pki_attrs[] = {
	"mode", "chain_len", "ca_not_after", "generation", "last_error",
};

#define NPKI	(sizeof(pki_attrs) / sizeof(pki_attrs[0]))

struct emu_pki_state {
	char *val[NPKI];
};

void emu_free_pki(struct emu_pki_state **st)
{
	size_t i;

	if (!*st)
		return;
	for (i = 0; i < NPKI; i++)
		free((*st)->val[i]);
	free(*st);
	*st = NULL;
}

int emu_read_pki(struct emu_pki_state **st)
{
	char dir[PATH_MAX];
	size_t i;
	int ret;

	*st = calloc(1, sizeof(**st));
	if (!*st)
		die(NSMCTL_INTERNAL, "out of memory");
	ctl_pki_dir(dir);
	for (i = 0; i < NPKI; i++) {
		ret = ctl_get(dir, pki_attrs[i], &(*st)->val[i]);
		if (ret) {
			emu_free_pki(st);
			return ret;
		}
	}
	return NSMCTL_OK;
}

void emu_print_pki(const struct emu_pki_state *st)
{
	char label[32];
	size_t i;

	pr_obj_open(PR_JSON, "pki");
	pr_text("pki:\n");
	pr_indent(1);
	for (i = 0; i < NPKI; i++) {
		snprintf(label, sizeof(label), "%-16s", pki_attrs[i]);
		emu_print_num(pki_attrs[i], label, st->val[i],
			      !strcmp(pki_attrs[i], "ca_not_after"));
	}
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

int emu_root(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = "-";
	const unsigned char *p;
	char dir[PATH_MAX], *der, *pem;
	X509 *cert;
	size_t len;
	long pem_len;
	BIO *mem;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjo:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("emu");
		case 'j':
			nsmctl.json = true;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return option_error("emu", opt, argv);
		}
	}
	if (optind != argc)
		return usage_error("emu", "root takes no argument");
	if (nsmctl.json)
		return usage_error("emu", "root writes PEM; --json does not "
				   "apply");
	ret = ctl_check();
	if (ret)
		return ret;
	ctl_pki_dir(dir);
	ret = ctl_read(dir, "root", &der, &len);
	if (ret)
		return ret;
	p = (const unsigned char *)der;
	cert = len ? d2i_X509(NULL, &p, (long)len) : NULL;
	if (!cert || p != (const unsigned char *)der + len) {
		free(der);
		X509_free(cert);
		ERR_clear_error();
		error("%s/root is not one DER certificate (%zu bytes)", dir,
		      len);
		return NSMCTL_DEVICE;
	}
	free(der);
	mem = BIO_new(BIO_s_mem());
	if (!mem || !PEM_write_bio_X509(mem, cert)) {
		X509_free(cert);
		BIO_free(mem);
		return ossl_error(NSMCTL_INTERNAL, "PEM encoding");
	}
	X509_free(cert);
	pem_len = BIO_get_mem_data(mem, &pem);
	ret = write_output(out, (const uint8_t *)pem, (size_t)pem_len);
	BIO_free(mem);
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

/* @key as PKCS#8 PrivateKeyInfo DER (free with OPENSSL_clear_free()). */
static int pkcs8_der(EVP_PKEY *key, uint8_t **der, size_t *len)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key);
	unsigned char *buf = NULL;
	int n;

	if (!p8)
		return ossl_error(NSMCTL_INPUT, "PKCS#8 encoding of the key");
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &buf);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (n <= 0)
		return ossl_error(NSMCTL_INPUT, "PKCS#8 encoding of the key");
	*der = buf;
	*len = (size_t)n;
	return NSMCTL_OK;
}

/*
 * Load DIR's chain and key and check them as the module will, with
 * OpenSSL: 1..4 P-384/ecdsa-with-SHA384 CA certificates of at most 1024
 * bytes, root first, that X509_verify_cert() accepts now; an instance CA
 * allowed to sign (keyCertSign); a P-384 key that is the instance
 * certificate's. On success *chain_der holds the certificates as
 * concatenated DER, root first (caller frees), and *key_der the key as
 * PKCS#8 DER (caller frees with OPENSSL_clear_free()).
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
	ret = pkcs8_der(key, key_der, key_len);
	if (ret)
		goto out;
	if (*key_len > PKI_KEY_MAX) {
		error("%s: %zu bytes as PKCS#8 DER (the module takes at most "
		      "%d)", PKIDIR_KEY, *key_len, PKI_KEY_MAX);
		OPENSSL_clear_free(*key_der, *key_len);
		*key_der = NULL;
		ret = NSMCTL_INPUT;
		goto out;
	}
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

/* After a refused commit or generate: the module's reason, last_error. */
static void explain_pki_error(const char *dir)
{
	char *why;

	if (ctl_get(dir, "last_error", &why))
		return;
	if (strcmp(why, "none"))
		fprintf(stderr, "hint: the module says: %s\n", why);
	free(why);
	fprintf(stderr, "hint: the previous chain stays in force\n");
}

/* Write @attr of the PKI; a refused commit or generate is explained. */
static int pki_write(const char *dir, const char *attr, const void *buf,
		     size_t len)
{
	int err = ctl_write(dir, attr, buf, len);

	if (!err)
		return NSMCTL_OK;
	ctl_fail(dir, attr, err);
	if (!strcmp(attr, "commit") || !strcmp(attr, "generate"))
		explain_pki_error(dir);
	return NSMCTL_DEVICE;
}

int emu_provision(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "check", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	uint8_t *chain = NULL, *key = NULL;
	size_t chain_len = 0, key_len = 0;
	char dir[PATH_MAX];
	bool check = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjc", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("emu");
		case 'j':
			nsmctl.json = true;
			break;
		case 'c':
			check = true;
			break;
		default:
			return option_error("emu", opt, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error("emu", "provision takes one directory "
				   "(made by 'nsmctl ca init')");
	ret = pki_validate(argv[optind], &chain, &chain_len, &key, &key_len);
	if (ret)
		return ret;
	if (chain_len > PKI_CHAIN_MAX) {
		error("%s: the chain is %zu bytes of DER (the module takes at "
		      "most %d)", argv[optind], chain_len, PKI_CHAIN_MAX);
		ret = NSMCTL_INPUT;
		goto out;
	}
	if (check) {
		if (!nsmctl.json)
			printf("%s: valid (chain of %zu bytes, key matches the "
			       "instance CA)\n", argv[optind], chain_len);
		goto out;
	}
	ret = ctl_check();
	if (ret)
		goto out;
	ctl_pki_dir(dir);
	/* Each in one open/write/close: configfs stages it at close. */
	ret = pki_write(dir, "chain", chain, chain_len);
	if (!ret)
		ret = pki_write(dir, "key", key, key_len);
	if (!ret)
		ret = pki_write(dir, "commit", "1\n", 2);
	if (!ret && !nsmctl.json)
		printf("provisioned %s: every instance signs under it now\n",
		       argv[optind]);
out:
	free(chain);
	OPENSSL_clear_free(key, key_len);
	return ret;
}

int emu_new_chain(int argc, char **argv)
{
	char dir[PATH_MAX];
	int ret;

	ret = emu_args(argc, argv, 0, 0, "");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	ret = ctl_check();
	if (ret)
		return ret;
	ctl_pki_dir(dir);
	return pki_write(dir, "generate", "1\n", 2);
}
