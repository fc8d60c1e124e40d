// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl ca init DIR: a persistent test PKI in the shape of AWS's chain
 * (root -> regional -> zonal -> instance CA, all ECDSA P-384 signing with
 * SHA-384), made with OpenSSL. `nsmctl emu provision DIR` loads it into
 * the module, whose documents then verify against DIR/root.pem.
 *
 * Names can never be mistaken for AWS: O=nsm-emu (NOT AWS), DNS-like names
 * under the reserved .invalid domain, as the module's ephemeral chain
 * (kmod/core/pki.c). Unlike AWS's short-lived intermediates, every CA here
 * lives --days days (default 3650): the point of a persistent PKI is a
 * root that stays pinned. Every certificate carries subject and authority
 * key identifiers, so the chain passes `openssl verify -x509_strict`.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "input.h"
#include "nsmctl.h"
#include "pkidir.h"
#include "helpers/print.h"

#define CA_ORG		"nsm-emu (NOT AWS)"
#define CA_DOMAIN	"nsm-emu.invalid"
#define CA_BACKDATE	3600		/* seconds: tolerate clock skew */

struct ca_level {
	const char *role;
	int pathlen;		/* -1: none (the root) */
	const char *key_usage;
};

/* The shape of AWS's chain (NSM-FACTS.md section 3). */
static const struct ca_level levels[PKIDIR_CHAIN_LEN] = {
	{ "root", -1, "critical,digitalSignature,keyCertSign,cRLSign" },
	{ "regional", 2, "critical,digitalSignature,keyCertSign,cRLSign" },
	{ "zonal", 1, "critical,digitalSignature,keyCertSign,cRLSign" },
	{ "instance", 0, "critical,keyCertSign" },
};

static void random_hex(char *out, size_t nhex)
{
	unsigned char b[32];

	if (RAND_bytes(b, sizeof(b)) != 1)
		die(NSMCTL_INTERNAL, "no random bytes from OpenSSL");
	/* whole bytes, then cut to an odd count if need be */
	hex_encode_trunc(out, nhex + 2, b, sizeof(b));
	out[nhex < 2 * sizeof(b) ? nhex : 2 * sizeof(b)] = '\0';
}
static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/*
 * Make the certificate of @lvl for @key, signed by @issuer_key (the
 * certificate is its own issuer when @issuer is NULL).
 */
static X509 *make_cert(const struct ca_level *lvl, const char *cn,
		       const char *ou, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *issuer_key, long days)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	BIGNUM *serial = BN_new();
	char bc[48];

	if (!x || !name || !serial)
		goto fail;
	/* 127 random bits: positive, unique enough, as CAs do. */
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)))
		goto fail;
	if (!X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
					(const unsigned char *)"US", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
					(const unsigned char *)CA_ORG, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8,
					(const unsigned char *)ou, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0))
		goto fail;
	if (!X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
				  name))
		goto fail;
	if (!X509_gmtime_adj(X509_getm_notBefore(x), -CA_BACKDATE) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL))
		goto fail;
	if (!X509_set_pubkey(x, key))
		goto fail;
	if (lvl->pathlen < 0)
		snprintf(bc, sizeof(bc), "critical,CA:TRUE");
	else
		snprintf(bc, sizeof(bc), "critical,CA:TRUE,pathlen:%d",
			 lvl->pathlen);
	if (add_ext(x, issuer ? issuer : x, NID_basic_constraints, bc) ||
	    add_ext(x, issuer ? issuer : x, NID_key_usage, lvl->key_usage) ||
	    add_ext(x, issuer ? issuer : x, NID_subject_key_identifier,
		    "hash") ||
	    add_ext(x, issuer ? issuer : x, NID_authority_key_identifier,
		    "keyid:always"))
		goto fail;
	if (!X509_sign(x, issuer_key, EVP_sha384()))
		goto fail;
	X509_NAME_free(name);
	BN_free(serial);
	return x;
fail:
	X509_free(x);
	X509_NAME_free(name);
	BN_free(serial);
	return NULL;
}

/* PEM text of @certs[0..n) (or of @key when @key is set) in memory. */
static char *to_pem(X509 **certs, int n, EVP_PKEY *key, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long l;
	int i;

	if (!b)
		return NULL;
	if (key) {
		if (!PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL))
			goto out;
	} else {
		for (i = 0; i < n; i++)
			if (!PEM_write_bio_X509(b, certs[i]))
				goto out;
	}
	l = BIO_get_mem_data(b, &data);
	if (l <= 0)
		goto out;
	out = malloc((size_t)l + 1);
	if (out) {
		memcpy(out, data, (size_t)l);
		out[l] = '\0';
		*len = (size_t)l;
	}
out:
	BIO_free(b);
	return out;
}

/*
 * Write the PEM of @certs[0..n) (or of @key when @key is set) to DIR/FILE.
 * The key's PEM is wiped from memory once written.
 */
static int save_pem(const char *dir, const char *file, mode_t mode,
		    X509 **certs, int n, EVP_PKEY *key)
{
	char path[PATH_MAX];
	size_t len = 0;
	char *pem = to_pem(certs, n, key, &len);
	int ret;

	if (!pem)
		return ossl_error(NSMCTL_INTERNAL, key ? "key encoding" :
				  "certificate encoding");
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = write_output_mode(path, (const uint8_t *)pem, len, mode);
	if (key)
		OPENSSL_cleanse(pem, len);
	free(pem);
	return ret;
}

static int ca_init(const char *dir, long days, const char *region, bool force)
{
	X509 *cert[PKIDIR_CHAIN_LEN] = { NULL };
	EVP_PKEY *key[PKIDIR_CHAIN_LEN] = { NULL };
	char cn[128], ou[64], id[24], fp[2 * EVP_MAX_MD_SIZE + 1];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, j;
	struct stat st;
	char path[PATH_MAX];
	int i, ret = NSMCTL_INTERNAL;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		error("cannot create %s: %s", dir, strerror(errno));
		return NSMCTL_DEVICE;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		error("%s is not a directory", dir);
		return NSMCTL_DEVICE;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, PKIDIR_KEY);
	if (!force && !access(path, F_OK)) {
		error("%s already holds a PKI (%s); --force replaces it", dir,
		      PKIDIR_KEY);
		return NSMCTL_USAGE;
	}

	random_hex(id, 16);
	snprintf(ou, sizeof(ou), "persistent test PKI %s", id);
	for (i = 0; i < PKIDIR_CHAIN_LEN; i++) {
		key[i] = EVP_EC_gen("P-384");
		if (!key[i]) {
			ret = ossl_error(NSMCTL_INTERNAL,
					 "P-384 key generation");
			goto out;
		}
		random_hex(id, i == 3 ? 17 : 16);
		switch (i) {
		case 0:
			snprintf(cn, sizeof(cn), "nsm-emu test root");
			break;
		case 1:
			snprintf(cn, sizeof(cn), "%s.%s.%s", id, region,
				 CA_DOMAIN);
			break;
		case 2:
			snprintf(cn, sizeof(cn), "%s.zonal.%s.%s", id, region,
				 CA_DOMAIN);
			break;
		default:
			snprintf(cn, sizeof(cn), "i-%s.%s.%s", id, region,
				 CA_DOMAIN);
			break;
		}
		cert[i] = make_cert(&levels[i], cn, ou, key[i],
				    i ? cert[i - 1] : NULL,
				    key[i ? i - 1 : 0], days);
		if (!cert[i]) {
			ret = ossl_error(NSMCTL_INTERNAL,
					 "certificate creation");
			goto out;
		}
		if (i2d_X509(cert[i], NULL) > PKIDIR_CERT_MAX) {
			error("%s certificate over %d bytes (--region too "
			      "long?)", levels[i].role, PKIDIR_CERT_MAX);
			ret = NSMCTL_USAGE;
			goto out;
		}
	}

	/* Key first: a chain.pem without its key would be useless. */
	ret = save_pem(dir, PKIDIR_KEY, 0600, NULL, 0, key[3]);
	if (!ret)
		ret = save_pem(dir, PKIDIR_CHAIN, 0644, cert, PKIDIR_CHAIN_LEN,
			       NULL);
	if (!ret)
		ret = save_pem(dir, PKIDIR_ROOT, 0644, cert, 1, NULL);
	if (ret)
		goto out;

	if (!X509_digest(cert[0], EVP_sha256(), md, &mdlen)) {
		ret = ossl_error(NSMCTL_INTERNAL, "fingerprint");
		goto out;
	}
	for (j = 0; j < mdlen; j++)
		snprintf(fp + 2 * j, 3, "%02x", md[j]);

	pr_begin(stdout, nsmctl.json);
	pr_str(PR_ANY, "directory", "created a test PKI in %s\n", dir);
	pr_arr_open(PR_JSON, "chain");
	for (i = 0; i < PKIDIR_CHAIN_LEN; i++) {
		char subj[256] = "?";
		BIO *mb = BIO_new(BIO_s_mem());

		if (mb && X509_NAME_print_ex(mb, X509_get_subject_name(cert[i]),
					     0, XN_FLAG_RFC2253) >= 0) {
			int l = BIO_read(mb, subj, sizeof(subj) - 1);

			subj[l > 0 ? l : 0] = '\0';
		}
		BIO_free(mb);
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_ANY, "role", "  %-9s", levels[i].role);
		pr_str(PR_ANY, "subject", " %s\n", subj);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
	snprintf(path, sizeof(path), "%s/%s", dir, PKIDIR_ROOT);
	pr_str(PR_ANY, "root", "root:     %s", path);
	pr_str(PR_ANY, "root_sha256", " (sha256 %s)\n", fp);
	snprintf(path, sizeof(path), "%s/%s", dir, PKIDIR_CHAIN);
	pr_str(PR_ANY, "chain_file", "chain:    %s\n", path);
	snprintf(path, sizeof(path), "%s/%s", dir, PKIDIR_KEY);
	pr_str(PR_ANY, "key_file", "key:      %s (keep it private)\n", path);
	pr_text("next:     nsmctl emu provision %s\n", dir);
	ret = pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
out:
	for (i = 0; i < PKIDIR_CHAIN_LEN; i++) {
		X509_free(cert[i]);
		EVP_PKEY_free(key[i]);
	}
	return ret;
}

int cmd_ca(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "force", no_argument, NULL, 'f' },
		{ "days", required_argument, NULL, 'd' },
		{ "region", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *region = "test-region";
	uint64_t days = 3650;
	bool force = false;
	size_t i;
	int opt;

	while ((opt = getopt_long(argc, argv, ":hjfd:r:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("ca");
		case 'j':
			nsmctl.json = true;
			break;
		case 'f':
			force = true;
			break;
		case 'd':
			if (parse_u64(optarg, 36500, &days) || !days)
				return usage_error("ca", "--days '%s' is not a "
						   "number from 1 to 36500",
						   optarg);
			break;
		case 'r':
			region = optarg;
			break;
		default:
			return option_error("ca", opt, argv);
		}
	}
	for (i = 0; region[i]; i++)
		if (!(region[i] >= 'a' && region[i] <= 'z') &&
		    !(region[i] >= '0' && region[i] <= '9') && region[i] != '-')
			break;
	if (!*region || region[i] || i > 32)
		return usage_error("ca", "--region: 1 to 32 characters from "
				   "a-z, 0-9 and '-'");
	if (optind >= argc)
		return usage_error("ca", "missing subcommand (init)");
	if (strcmp(argv[optind], "init"))
		return usage_error("ca", "unknown subcommand '%s'",
				   argv[optind]);
	if (argc - optind != 2)
		return usage_error("ca", "init takes one directory");
	return ca_init(argv[optind + 1], (long)days, region, force);
}
