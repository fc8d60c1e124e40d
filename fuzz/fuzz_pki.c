// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the provisioning input the kernel accepts. The module's
 * configfs attributes pki/key and pki/chain stage the bytes, pki/commit
 * hands them to nsm_ca_provision() (kmod/pki.c); so does this, at the
 * pinned time FUZZ_NOW_S, and the same to nsm_pki_provision().
 *
 * Input: flags (1 byte), key length (2 bytes, big-endian), the key, the
 * chain (concatenated DER certificates, root first). Flag bit 0 re-signs
 * every certificate of the chain as given (its TBSCertificate kept byte
 * for byte) with the key of its issuer's public key when that is one of
 * the test keys (fuzz.h), so that mutated certificates get past the
 * signature checks and reach everything behind them. Bit 1 also runs
 * nsm_pki_provision(), the wrapper userspace uses.
 *
 * Invariants:
 * - a refusal is one of the documented errors, leaves no object and
 *   leaves the nsm_pki state as it was; nothing leaks (LeakSanitizer);
 * - an acceptance is what nsm_ca_provision() promises: the chain is kept
 *   byte for byte, every certificate is well-formed DER throughout; and
 *   when OpenSSL decodes every certificate and finds its extensions valid
 *   (it also checks the contents of parts the core never reads, such as
 *   Name strings and extensions the core ignores), checked again with
 *   OpenSSL: every certificate is a v3
 *   CA with keyCertSign, valid now, P-384, issued by its parent (names
 *   equal, signature verifies), the root self-issued; the key is the
 *   instance certificate's (a leaf the CA signs verifies under that
 *   certificate's public key);
 * - and it is usable: a leaf issued under it and a document signed with
 *   that leaf verify with libnsm against the chain's root, at FUZZ_NOW_S.
 *   A chain the module accepts whose documents no verifier accepts would
 *   fail its user later and far from the cause.
 *
 * NSM_FUZZ_EXPECT=accept|refuse (read at start) also aborts when an input
 * is not accepted (refused): `make check` runs the seeds so, to show that
 * they reach both ends.
 */
#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fuzz.h"
#include "nsmv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHAIN_BUF	(8 * NSM_CERT_MAX)

static int expect;	/* 0: anything, 1: accept, -1: refuse */
static struct nsm_pki *pki;
static u8 chain_buf[CHAIN_BUF + 2 * NSM_CERT_MAX];
static u8 doc[NSM_ATTEST_DOC_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("NSM_FUZZ_EXPECT");

	(void)argc;
	(void)argv;
	if (e && !strcmp(e, "accept"))
		expect = 1;
	else if (e && !strcmp(e, "refuse"))
		expect = -1;
	tp_key(0);
	pki = nsm_pki_new();
	FUZZ_ASSERT(pki);
	fuzz_rng_reset("pki-initial", 0);
	FUZZ_ASSERT(!nsm_pki_generate(pki, NSM_DEFAULT_MODULE_ID, FUZZ_NOW_S));
	return 0;
}

/*
 * Flag bit 0: each certificate re-signed by its issuer's test key (the
 * root by its own). The issuer's key is read from the issuer's TBS by
 * parsing a copy re-signed with any key.
 */
static size_t resign_chain(const u8 *chain, size_t len, u8 *out, size_t cap)
{
	u8 tmp[2 * NSM_CERT_MAX + 256];
	const u8 *cert[NSM_PKI_CHAIN_MAX + 1];
	size_t clen[NSM_PKI_CHAIN_MAX + 1], n = 0, i, o = 0, l;
	struct nsm_x509_info info;

	while (len && n < NSM_PKI_CHAIN_MAX + 1) {
		l = der_first_elem_len(chain, len);
		if (!l || l > sizeof(tmp) - 256)
			break;
		cert[n] = chain;
		clen[n++] = l;
		chain += l;
		len -= l;
	}
	for (i = 0; i < n; i++) {
		const struct tp_key *k = NULL;
		size_t p = i ? i - 1 : 0;

		l = tp_resign(tmp, sizeof(tmp), cert[p], clen[p], tp_key(0)->priv);
		if (l && !nsm_x509_parse(tmp, l, &info))
			k = tp_key_by_pub(info.pub);
		l = tp_resign(out + o, cap - o, cert[i], clen[i],
			      (k ? k : tp_key(0))->priv);
		if (!l) {	/* no outer SEQUENCE: keep it as it is */
			FUZZ_ASSERT(clen[i] <= cap - o);
			memcpy(out + o, cert[i], clen[i]);
			l = clen[i];
		}
		o += l;
	}
	/* whatever did not split into elements, unchanged */
	if (len > cap - o)
		len = cap - o;
	memcpy(out + o, chain, len);
	return o + len;
}

/* OpenSSL's decoding of a whole certificate, or NULL */
static X509 *x509(const u8 *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);

	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static void check_leaf(X509 *instance, const struct nsm_leaf *leaf,
		       const struct nsm_x509_info *ca_info)
{
	struct nsm_x509_info info;
	const u8 *der;
	size_t len;
	X509 *x;

	nsm_leaf_cert(leaf, &der, &len);
	FUZZ_ASSERT(len <= NSM_CERT_MAX);
	FUZZ_ASSERT(!nsm_x509_parse(der, len, &info));
	FUZZ_ASSERT(info.issuer_len == ca_info->subject_len &&
		    !memcmp(info.issuer, ca_info->subject, info.issuer_len));
	FUZZ_ASSERT(!info.ca && info.pathlen == -1);
	FUZZ_ASSERT(info.not_before == FUZZ_NOW_S);
	FUZZ_ASSERT(info.not_after <= ca_info->not_after);
	x = x509(der, len);
	FUZZ_ASSERT(x);
	/* the provisioned key is the instance certificate's key */
	FUZZ_ASSERT(X509_verify(x, X509_get0_pubkey(instance)) == 1);
	X509_free(x);
}

/* A document under @ca must verify with libnsm against its root. */
static void check_document(const struct nsm_ca *ca, const struct nsm_leaf *leaf)
{
	static const u8 nonce[] = "fuzz_pki";
	static struct nsm_emu emu;
	struct nsm_request req = {
		.type = NSM_REQ_ATTESTATION,
		.nonce = { nonce, sizeof(nonce), true },
	};
	struct nsm_attest_state st;
	struct nsm_verifier *v;
	const u8 *root;
	size_t len, root_len;

	nsm_emu_init(&emu);
	memset(&st, 0, sizeof(st));
	st.pcr = (const u8 (*)[NSM_PCR_LEN])emu.pcr;
	st.locked = emu.locked;
	st.module_id = emu.module_id;
	st.indefinite = true;
	st.timestamp_ms = FUZZ_NOW_MS;
	st.ca = ca;
	st.leaf = leaf;
	FUZZ_ASSERT(!nsm_attest_sign(&st, &req, doc, sizeof(doc), &len));
	FUZZ_ASSERT(!nsm_ca_cert(ca, 0, &root, &root_len));
	v = nsmv_new(root, root_len);
	nsmv_must_verify(v, doc, len, FUZZ_NOW_MS);
	nsmv_free(v);
}

static void accepted(const struct nsm_ca *ca, const u8 *chain, size_t len)
{
	struct nsm_x509_info info[NSM_PKI_CHAIN_MAX];
	X509 *x[NSM_PKI_CHAIN_MAX] = { NULL };
	unsigned int n = nsm_ca_len(ca), i;
	struct nsm_leaf *leaf;
	bool decoded = true;
	const u8 *der;
	size_t l, off = 0;

	FUZZ_ASSERT(n >= 1 && n <= NSM_PKI_CHAIN_MAX);
	FUZZ_ASSERT(nsm_ca_provisioned(ca));
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(!nsm_ca_cert(ca, i, &der, &l));
		FUZZ_ASSERT(l <= NSM_CERT_MAX && l <= len - off);
		FUZZ_ASSERT(!memcmp(der, chain + off, l));
		off += l;
		FUZZ_ASSERT(!nsm_x509_parse(der, l, &info[i]));
		FUZZ_ASSERT(der_well_formed(der, l));
		x[i] = x509(der, l);
		if (!x[i] || (X509_get_extension_flags(x[i]) & EXFLAG_INVALID))
			decoded = false;
	}
	FUZZ_ASSERT(off == len);
	FUZZ_ASSERT(nsm_ca_cert(ca, n, &der, &l) == -NSM_PKI_EINVAL);
	FUZZ_ASSERT(nsm_ca_not_after(ca) == info[n - 1].not_after);
	/*
	 * Well-formed DER whose content OpenSSL refuses (a Name string that
	 * is not UTF-8, an INTEGER with a padding byte, a malformed
	 * certificatePolicies, ...): the core does not read those parts,
	 * verifiers do; nothing more to compare. (Where the core reads an
	 * extension, what OpenSSL calls invalid the core refuses too.)
	 */
	if (!decoded)
		goto out;

	for (i = 0; i < n; i++) {
		X509 *parent = x[i ? i - 1 : 0];
		EVP_PKEY *pk = X509_get0_pubkey(x[i]);

		FUZZ_ASSERT(X509_get_version(x[i]) == X509_VERSION_3);
		FUZZ_ASSERT(pk && EVP_PKEY_get_bits(pk) == 384);
		FUZZ_ASSERT(X509_get_signature_nid(x[i]) == NID_ecdsa_with_SHA384);
		FUZZ_ASSERT(!X509_NAME_cmp(X509_get_issuer_name(x[i]),
					   X509_get_subject_name(parent)));
		FUZZ_ASSERT(X509_verify(x[i], X509_get0_pubkey(parent)) == 1);
		FUZZ_ASSERT(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x[i]),
						 (time_t)FUZZ_NOW_S) <= 0);
		FUZZ_ASSERT(ASN1_TIME_cmp_time_t(X509_get0_notAfter(x[i]),
						 (time_t)FUZZ_NOW_S) >= 0);
		FUZZ_ASSERT(X509_get_extension_flags(x[i]) & EXFLAG_CA);
		FUZZ_ASSERT(X509_get_key_usage(x[i]) & KU_KEY_CERT_SIGN);
	}

	FUZZ_ASSERT(!nsm_leaf_issue(ca, NSM_DEFAULT_MODULE_ID, FUZZ_NOW_S,
				    NSM_PKI_LEAF_LIFETIME, &leaf));
	check_leaf(x[n - 1], leaf, &info[n - 1]);
	check_document(ca, leaf);
	nsm_leaf_free(leaf);
out:
	for (i = 0; i < n; i++)
		X509_free(x[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	const u8 *key, *chain, *root_before, *root_after;
	size_t key_len, chain_len, l_before, l_after;
	struct nsm_ca *ca = NULL;
	u8 flags;
	int ret, ret2;

	flags = fuzz_u8(&in);
	key = fuzz_bytes(&in, fuzz_u16(&in), &key_len);
	chain = in.p;
	chain_len = in.len;
	fuzz_rng_reset("pki-input", 0);
	if (flags & 1) {
		chain_len = resign_chain(chain, chain_len, chain_buf,
					 sizeof(chain_buf));
		chain = chain_buf;
	}

	if (getenv("NSM_FUZZ_DUMP")) {	/* the chain, for openssl(1) */
		FILE *f = fopen(getenv("NSM_FUZZ_DUMP"), "wb");

		if (f) {
			fwrite(chain, 1, chain_len, f);
			fclose(f);
		}
	}
	ret = nsm_ca_provision(key, key_len, chain, chain_len, FUZZ_NOW_S, &ca);
	if (getenv("NSM_FUZZ_VERBOSE"))
		fprintf(stderr, "verdict: %s\n", nsm_pki_strerror(ret));
	if (expect && (ret == 0) != (expect > 0)) {
		fprintf(stderr, "expected %s, got: %s\n",
			expect > 0 ? "acceptance" : "refusal",
			nsm_pki_strerror(ret));
		abort();
	}
	if (flags & 2) {
		/* the nsm_pki wrapper agrees, and changes nothing on a refusal */
		FUZZ_ASSERT(!nsm_pki_cert(pki, 0, &root_before, &l_before));
		ret2 = nsm_pki_provision(pki, key, key_len, chain, chain_len,
					 FUZZ_NOW_S);
		FUZZ_ASSERT(ret2 == ret);
		FUZZ_ASSERT(!nsm_pki_cert(pki, 0, &root_after, &l_after));
		if (ret)
			FUZZ_ASSERT(root_after == root_before &&
				    l_after == l_before);
		else
			FUZZ_ASSERT(l_after <= chain_len &&
				    !memcmp(root_after, chain, l_after));
	}
	if (ret) {
		FUZZ_ASSERT(ret < 0 && -ret < NSM_PKI_NERR);
		FUZZ_ASSERT(ret != -NSM_PKI_ENOMEM && ret != -NSM_PKI_ECRYPTO);
		FUZZ_ASSERT(!ca);
		FUZZ_ASSERT(nsm_pki_strerror(ret)[0]);
		return 0;
	}
	FUZZ_ASSERT(ca);
	accepted(ca, chain, chain_len);
	nsm_ca_free(ca);
	return 0;
}
