// SPDX-License-Identifier: GPL-2.0
/*
 * The emulator's test PKI: chain, instance CA key, leaf rotation. See pki.h.
 *
 * Names are chosen so that nothing here can be mistaken for AWS: every
 * subject carries O=nsm-emu (NOT AWS) and DNS-like names end in the
 * reserved ".invalid" top-level domain (RFC 2606).
 */
#include "pki.h"
#include "der.h"

#define PKI_ORG			"nsm-emu (NOT AWS)"
#define PKI_DOMAIN		"nsm-emu.invalid"
#define PKI_REGION		"test-region"
#define PKI_KEYID_MAX		64
#define ROOT_LIFETIME		(30ULL * 365 * 86400)	/* as AWS's root G1 */
#define CA_LIFETIME		(10ULL * 365 * 86400)
#define CA_BACKDATE		3600	/* tolerate small clock skew */

static const u8 oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const u8 oid_secp384r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };

/**
 * struct nsm_ca - a chain and the key that issues leaves; never changed
 * once built, so users may share it (see pki.h)
 * @cert:        DER certificates, root first
 * @cert_len:    their lengths
 * @n:           number of certificates
 * @priv:        instance CA private key
 * @keyid:       the instance CA's key identifier, the leaves' AKI
 * @keyid_len:   its length
 * @subject_off: the instance CA's subject Name inside @cert[@n - 1]
 * @subject_len: its length
 * @not_after:   end of the instance CA's validity, epoch seconds
 * @provisioned: came from nsm_pki_provision()
 */
struct nsm_ca {
	u8 cert[NSM_PKI_CHAIN_MAX][NSM_CERT_MAX];
	u16 cert_len[NSM_PKI_CHAIN_MAX];
	unsigned int n;
	u8 priv[P384_SCALAR_LEN];
	u8 keyid[PKI_KEYID_MAX];
	size_t keyid_len;
	size_t subject_off;
	size_t subject_len;
	u64 not_after;
	bool provisioned;
};

/**
 * struct nsm_leaf - see pki.h
 * @cert:       the leaf certificate (DER)
 * @len:        its length
 * @priv:       its private key
 * @not_before: validity start, epoch seconds
 * @not_after:  validity end, inclusive
 */
struct nsm_leaf {
	u8 cert[NSM_CERT_MAX];
	size_t len;
	u8 priv[P384_SCALAR_LEN];
	u64 not_before;
	u64 not_after;
};

/**
 * struct nsm_pki - see pki.h
 * @ca:            the chain, NULL until generated or provisioned
 * @set:           fidelity switches
 * @leaf:          current leaf, NULL when there is none
 * @leaves_issued: counter
 */
struct nsm_pki {
	struct nsm_ca *ca;
	struct nsm_pki_settings set;
	struct nsm_leaf *leaf;
	u64 leaves_issued;
};

static const char *const pki_errors[NSM_PKI_NERR] = {
	[NSM_PKI_OK] = "success",
	[NSM_PKI_ENOMEM] = "out of memory",
	[NSM_PKI_ECRYPTO] = "random number, hashing or signing failure",
	[NSM_PKI_EKEY] = "the key is not a valid P-384 private key",
	[NSM_PKI_EKEYMISMATCH] = "the key does not match the instance CA certificate",
	[NSM_PKI_ECERT] =
		"a certificate is malformed, over 1024 bytes, not P-384 with ecdsa-with-SHA384, or has an extension twice or an unknown critical one",
	[NSM_PKI_ECHAIN] =
		"broken chain: bad length, root not self-issued, issuer != parent's subject, or key ids differ",
	[NSM_PKI_ENOTCA] =
		"a certificate is not a CA (critical cA TRUE) with keyCertSign and a large enough pathLen",
	[NSM_PKI_EEXPIRED] = "a CA certificate is not valid at the current time",
	[NSM_PKI_ESIG] = "a certificate signature does not verify",
	[NSM_PKI_EINVAL] = "a setting is out of range",
	[NSM_PKI_ENOCHAIN] = "no certificate chain loaded",
};

const char *nsm_pki_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= NSM_PKI_NERR)
		return "unknown error";
	return pki_errors[err];
}

void nsm_ca_free(struct nsm_ca *ca)
{
	if (ca)
		nsm_plat_free(ca, sizeof(*ca));
}

void nsm_leaf_free(struct nsm_leaf *leaf)
{
	if (leaf)
		nsm_plat_free(leaf, sizeof(*leaf));
}

static void leaf_drop(struct nsm_pki *pki)
{
	nsm_leaf_free(pki->leaf);
	pki->leaf = NULL;
}

/* Install @ca (validated) in place of the current chain. */
static void ca_swap(struct nsm_pki *pki, struct nsm_ca *ca)
{
	nsm_ca_free(pki->ca);
	pki->ca = ca;
	leaf_drop(pki);
}

struct nsm_pki *nsm_pki_new(void)
{
	struct nsm_pki *pki = nsm_plat_alloc(sizeof(*pki));

	if (!pki)
		return NULL;
	nsm_pki_default_settings(&pki->set);
	return pki;
}

void nsm_pki_default_settings(struct nsm_pki_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->leaf_lifetime_s = NSM_PKI_LEAF_LIFETIME;
	s->indefinite = true;	/* what hardware emits since 2025 */
}

int nsm_pki_settings_check(const struct nsm_pki_settings *s)
{
	if (!s->leaf_lifetime_s || s->leaf_lifetime_s > NSM_PKI_LIFETIME_MAX ||
	    s->clock_offset_ms > NSM_PKI_OFFSET_MAX ||
	    s->clock_offset_ms < -NSM_PKI_OFFSET_MAX)
		return -NSM_PKI_EINVAL;
	return 0;
}

void nsm_pki_free(struct nsm_pki *pki)
{
	if (!pki)
		return;
	nsm_ca_free(pki->ca);
	nsm_leaf_free(pki->leaf);
	nsm_plat_free(pki, sizeof(*pki));
}

static void hex(char *out, const u8 *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	while (n--) {
		*out++ = digits[*p >> 4];
		*out++ = digits[*p++ & 15];
	}
	*out = '\0';
}

/* Bounded string builder for subject names. */
static void cat(char *dst, size_t cap, const char *src, size_t max)
{
	size_t n = strlen(dst);

	while (*src && max-- && n + 1 < cap)
		dst[n++] = *src++;
	dst[n] = '\0';
}

/* The "i-<id>" part of a module id "i-<id>-enc<id>", else NULL. */
static size_t instance_part(const char *module_id)
{
	const char *enc;

	if (!module_id || strncmp(module_id, "i-", 2))
		return 0;
	enc = strstr(module_id, "-enc");
	if (!enc || enc - module_id > 32)
		return 0;
	return enc - module_id;
}

/**
 * mint_ca() - one certificate of an ephemeral chain
 * @ca:          the chain being built
 * @i:           position in it (0 = root)
 * @subject:     its DER Name (the caller keeps it for the child's issuer)
 * @subject_len: its length
 * @issuer:      the parent's Name (== @subject for the root)
 * @issuer_len:  its length
 * @pub:         the subject key
 * @signer:      the parent's private key
 * @skid:        the subject key id
 * @akid:        the parent's key id, NULL for the root
 * @pathlen:     -1 for the root, else its pathLen
 * @now_s:       issue time, epoch seconds
 *
 * Return: 0 or -NSM_PKI_ECRYPTO.
 */
static int mint_ca(struct nsm_ca *ca, unsigned int i,
		   const u8 *subject, size_t subject_len,
		   const u8 *issuer, size_t issuer_len,
		   const u8 *pub, const u8 *signer, const u8 *skid,
		   const u8 *akid, int pathlen, u64 now_s)
{
	struct nsm_x509_tmpl t = {
		.issuer = issuer, .issuer_len = issuer_len,
		.subject = subject, .subject_len = subject_len,
		.not_before = now_s - CA_BACKDATE,
		.not_after = now_s + (pathlen < 0 ? ROOT_LIFETIME : CA_LIFETIME),
		.pub = pub, .skid = skid,
		.akid = akid, .akid_len = akid ? NSM_KEYID_LEN : 0,
		.ca = true, .pathlen = pathlen,
		/* as AWS: the instance CA may only sign certificates */
		.key_usage = pathlen == 0 ? X509_KU_KEY_CERT_SIGN :
			X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_CERT_SIGN |
			X509_KU_CRL_SIGN,
	};
	size_t len;

	if (nsm_plat_random(t.serial, sizeof(t.serial)))
		return -NSM_PKI_ECRYPTO;
	len = nsm_x509_issue(&t, signer, ca->cert[i], NSM_CERT_MAX);
	if (!len)
		return -NSM_PKI_ECRYPTO;
	ca->cert_len[i] = len;
	return 0;
}

/*
 * Scratch space for nsm_pki_generate(), allocated rather than put on the
 * (kernel) stack. Certificate i is issued by certificate i - 1.
 */
struct pki_gen {
	u8 priv[NSM_PKI_CHAIN_MAX][P384_SCALAR_LEN];
	u8 pub[P384_PUB_LEN];
	u8 name[NSM_PKI_CHAIN_MAX][NSM_NAME_MAX];
	size_t name_len[NSM_PKI_CHAIN_MAX];
	u8 keyid[NSM_PKI_CHAIN_MAX][NSM_KEYID_LEN];
	u8 rnd[8];
	char id[24];
	char cn[80];
	char ou[40];
	struct nsm_x509_info info;
};

/* Subject of ephemeral CA @i, in the shape of AWS's (NSM-FACTS.md 3). */
static size_t ca_name(struct pki_gen *g, unsigned int i, const char *module_id)
{
	size_t inst;

	hex(g->id, g->rnd, sizeof(g->rnd));
	g->cn[0] = '\0';
	switch (i) {
	case 0:
		/* the root's id names the whole chain */
		cat(g->cn, sizeof(g->cn), "nsm-emu test root", 32);
		g->ou[0] = '\0';
		cat(g->ou, sizeof(g->ou), "ephemeral test PKI ", 32);
		cat(g->ou, sizeof(g->ou), g->id, 16);
		break;
	case 1:
		cat(g->cn, sizeof(g->cn), g->id, 16);
		cat(g->cn, sizeof(g->cn), "." PKI_REGION "." PKI_DOMAIN, 64);
		break;
	case 2:
		cat(g->cn, sizeof(g->cn), g->id, 16);
		cat(g->cn, sizeof(g->cn), ".zonal." PKI_REGION "." PKI_DOMAIN, 64);
		break;
	default:
		inst = instance_part(module_id);
		if (inst) {
			cat(g->cn, sizeof(g->cn), module_id, inst);
		} else {
			cat(g->cn, sizeof(g->cn), "i-", 2);
			cat(g->cn, sizeof(g->cn), g->id, 16);
		}
		cat(g->cn, sizeof(g->cn), "." PKI_REGION "." PKI_DOMAIN, 64);
		break;
	}
	return nsm_x509_name(g->name[i], NSM_NAME_MAX, PKI_ORG, g->ou, g->cn);
}

int nsm_ca_generate(const char *module_id, u64 now_s, struct nsm_ca **out)
{
	static const int pathlen[NSM_PKI_CHAIN_MAX] = { -1, 2, 1, 0 };
	const unsigned int last = NSM_PKI_CHAIN_MAX - 1;
	struct nsm_ca *ca;
	struct pki_gen *g;
	unsigned int i, p;
	int ret = -NSM_PKI_ENOMEM;

	ca = nsm_plat_alloc(sizeof(*ca));
	g = nsm_plat_alloc(sizeof(*g));
	if (!ca || !g)
		goto out;
	for (i = 0; i < NSM_PKI_CHAIN_MAX; i++) {
		p = i ? i - 1 : 0;	/* the issuer; the root signs itself */
		ret = -NSM_PKI_ECRYPTO;
		if (p384_keygen(g->priv[i]) || p384_pubkey(g->priv[i], g->pub) ||
		    nsm_x509_key_id(g->pub, g->keyid[i]) ||
		    nsm_plat_random(g->rnd, sizeof(g->rnd)))
			goto out;
		g->name_len[i] = ca_name(g, i, module_id);
		if (!g->name_len[i])
			goto out;
		ret = mint_ca(ca, i, g->name[i], g->name_len[i],
			      g->name[p], g->name_len[p], g->pub, g->priv[p],
			      g->keyid[i], i ? g->keyid[p] : NULL, pathlen[i],
			      now_s);
		if (ret)
			goto out;
	}
	ret = -NSM_PKI_ECRYPTO;
	if (nsm_x509_parse(ca->cert[last], ca->cert_len[last], &g->info))
		goto out;
	ca->n = NSM_PKI_CHAIN_MAX;
	memcpy(ca->priv, g->priv[last], P384_SCALAR_LEN);
	memcpy(ca->keyid, g->keyid[last], NSM_KEYID_LEN);
	ca->keyid_len = NSM_KEYID_LEN;
	ca->subject_off = g->info.subject - ca->cert[last];
	ca->subject_len = g->info.subject_len;
	ca->not_after = g->info.not_after;
	*out = ca;
	ca = NULL;
	ret = 0;
out:
	/* wipes the root, regional and zonal keys: they are never needed again */
	nsm_plat_free(g, sizeof(*g));
	nsm_ca_free(ca);
	return ret;
}

int nsm_pki_generate(struct nsm_pki *pki, const char *module_id, u64 now_s)
{
	struct nsm_ca *ca;
	int ret;

	ret = nsm_ca_generate(module_id, now_s, &ca);
	if (!ret)
		ca_swap(pki, ca);
	return ret;
}

/* An OCTET STRING private key of at most 48 bytes, left-padded. */
static int key_octets(const struct der_tlv *t, u8 priv[P384_SCALAR_LEN])
{
	if (t->tag != DER_OCTET_STRING || !t->len || t->len > P384_SCALAR_LEN)
		return -1;
	memset(priv, 0, P384_SCALAR_LEN - t->len);
	memcpy(priv + P384_SCALAR_LEN - t->len, t->val, t->len);
	return 0;
}

static bool oid_is(const struct der_tlv *t, const u8 *oid, size_t n)
{
	return t->tag == DER_OID && t->len == n && !memcmp(t->val, oid, n);
}

/*
 * ECPrivateKey (RFC 5915): SEQUENCE { 1, OCTET STRING key, [0] curve OPT,
 * [1] public key OPT }. @pub receives the embedded public key, if any.
 */
static int parse_sec1(const u8 *p, size_t len, u8 priv[P384_SCALAR_LEN],
		      u8 pub[P384_PUB_LEN], bool *has_pub)
{
	struct der_r r = { p, len }, in, x;
	struct der_tlv seq, t, u;

	*has_pub = false;
	if (der_expect(&r, DER_SEQUENCE, &seq) || r.len)
		return -1;
	in = der_enter(&seq);
	if (der_expect(&in, DER_INTEGER, &t) || t.len != 1 || t.val[0] != 1 ||
	    der_next(&in, &t) || key_octets(&t, priv))
		return -1;
	if (der_peek(&in) == DER_CTX_CONS(0)) {
		if (der_next(&in, &t))
			return -1;
		x = der_enter(&t);
		if (der_next(&x, &u) || x.len ||
		    !oid_is(&u, oid_secp384r1, sizeof(oid_secp384r1)))
			return -1;
	}
	if (der_peek(&in) == DER_CTX_CONS(1)) {
		if (der_next(&in, &t))
			return -1;
		x = der_enter(&t);
		if (der_expect(&x, DER_BIT_STRING, &u) || x.len ||
		    u.len != 1 + P384_PUB_LEN || u.val[0] != 0)
			return -1;
		memcpy(pub, u.val + 1, P384_PUB_LEN);
		*has_pub = true;
	}
	return in.len ? -1 : 0;
}

/*
 * PrivateKeyInfo (RFC 5208): SEQUENCE { 0, AlgorithmIdentifier
 * { ecPublicKey, secp384r1 }, OCTET STRING ECPrivateKey, ... }.
 */
static int parse_pkcs8(const u8 *p, size_t len, u8 priv[P384_SCALAR_LEN],
		       u8 pub[P384_PUB_LEN], bool *has_pub)
{
	struct der_r r = { p, len }, in, a;
	struct der_tlv seq, t, alg;

	if (der_expect(&r, DER_SEQUENCE, &seq) || r.len)
		return -1;
	in = der_enter(&seq);
	if (der_expect(&in, DER_INTEGER, &t) || t.len != 1 || t.val[0] != 0 ||
	    der_expect(&in, DER_SEQUENCE, &alg))
		return -1;
	a = der_enter(&alg);
	if (der_next(&a, &t) ||
	    !oid_is(&t, oid_ec_public_key, sizeof(oid_ec_public_key)) ||
	    der_next(&a, &t) || !oid_is(&t, oid_secp384r1, sizeof(oid_secp384r1)) ||
	    a.len)
		return -1;
	if (der_expect(&in, DER_OCTET_STRING, &t))
		return -1;
	return parse_sec1(t.val, t.len, priv, pub, has_pub);
}

/* Scratch for provisioning: parsed certificates and key material. */
struct pki_prov {
	struct nsm_x509_info info[NSM_PKI_CHAIN_MAX];
	u8 pub[P384_PUB_LEN];
	u8 embedded_pub[P384_PUB_LEN];
	u8 digest[NSM_SHA384_LEN];
	u8 sig[P384_SIG_LEN];
};

static int prov_key(struct nsm_ca *ca, struct pki_prov *s,
		    const u8 *key, size_t key_len)
{
	bool has_pub = false;

	if (key_len == P384_SCALAR_LEN)
		memcpy(ca->priv, key, P384_SCALAR_LEN);
	else if (parse_sec1(key, key_len, ca->priv, s->embedded_pub, &has_pub) &&
		 parse_pkcs8(key, key_len, ca->priv, s->embedded_pub, &has_pub))
		return -NSM_PKI_EKEY;
	if (!p384_priv_valid(ca->priv) || p384_pubkey(ca->priv, s->pub))
		return -NSM_PKI_EKEY;
	/* a key file whose public half is not its own is corrupt */
	if (has_pub && memcmp(s->pub, s->embedded_pub, P384_PUB_LEN))
		return -NSM_PKI_EKEY;
	return 0;
}

static int prov_chain(struct nsm_ca *ca, struct pki_prov *s,
		      const u8 *chain, size_t chain_len, u64 now_s)
{
	struct nsm_x509_info *in = s->info;
	unsigned int i, n = 0;
	size_t len;

	while (chain_len) {
		len = der_first_elem_len(chain, chain_len);
		if (!len)
			return -NSM_PKI_ECERT;
		if (n == NSM_PKI_CHAIN_MAX)
			return -NSM_PKI_ECHAIN;
		if (len > NSM_CERT_MAX)
			return -NSM_PKI_ECERT;
		memcpy(ca->cert[n], chain, len);
		ca->cert_len[n] = len;
		if (nsm_x509_parse(ca->cert[n], len, &in[n]))
			return -NSM_PKI_ECERT;
		n++;
		chain += len;
		chain_len -= len;
	}
	if (!n)
		return -NSM_PKI_ECHAIN;
	ca->n = n;

	for (i = 0; i < n; i++) {
		const struct nsm_x509_info *parent = &in[i ? i - 1 : 0];

		if (in[i].issuer_len != parent->subject_len ||
		    memcmp(in[i].issuer, parent->subject, parent->subject_len))
			return -NSM_PKI_ECHAIN;
		/* verifiers find the issuer by key id when both name one */
		if (in[i].akid && parent->skid &&
		    (in[i].akid_len != parent->skid_len ||
		     memcmp(in[i].akid, parent->skid, parent->skid_len)))
			return -NSM_PKI_ECHAIN;
		/* CAs below this one, not counting the leaf we issue */
		if (!in[i].ca || !in[i].ca_critical ||
		    !(in[i].key_usage & X509_KU_KEY_CERT_SIGN) ||
		    (in[i].pathlen >= 0 && (unsigned int)in[i].pathlen < n - 1 - i))
			return -NSM_PKI_ENOTCA;
	}
	for (i = 0; i < n; i++)
		if (now_s < in[i].not_before || now_s > in[i].not_after)
			return -NSM_PKI_EEXPIRED;
	for (i = 0; i < n; i++) {
		struct nsm_sg sg = { in[i].tbs, in[i].tbs_len };

		memcpy(s->sig, in[i].sig_r, P384_SCALAR_LEN);
		memcpy(s->sig + P384_SCALAR_LEN, in[i].sig_s, P384_SCALAR_LEN);
		if (nsm_plat_sha384(&sg, 1, s->digest))
			return -NSM_PKI_ECRYPTO;
		if (p384_verify_digest(in[i ? i - 1 : 0].pub, s->digest, s->sig))
			return -NSM_PKI_ESIG;
	}
	return 0;
}

int nsm_ca_provision(const u8 *key, size_t key_len, const u8 *chain,
		     size_t chain_len, u64 now_s, struct nsm_ca **out)
{
	struct nsm_x509_info *last;
	struct nsm_ca *ca;
	struct pki_prov *s;
	int ret = -NSM_PKI_ENOMEM;

	ca = nsm_plat_alloc(sizeof(*ca));
	s = nsm_plat_alloc(sizeof(*s));
	if (!ca || !s)
		goto out;
	ret = prov_key(ca, s, key, key_len);
	if (ret)
		goto out;
	ret = prov_chain(ca, s, chain, chain_len, now_s);
	if (ret)
		goto out;
	last = &s->info[ca->n - 1];
	if (memcmp(last->pub, s->pub, P384_PUB_LEN)) {
		ret = -NSM_PKI_EKEYMISMATCH;
		goto out;
	}
	if (last->skid) {
		if (last->skid_len > PKI_KEYID_MAX) {
			ret = -NSM_PKI_ECERT;
			goto out;
		}
		memcpy(ca->keyid, last->skid, last->skid_len);
		ca->keyid_len = last->skid_len;
	} else {
		if (nsm_x509_key_id(s->pub, ca->keyid)) {
			ret = -NSM_PKI_ECRYPTO;
			goto out;
		}
		ca->keyid_len = NSM_KEYID_LEN;
	}
	ca->subject_off = last->subject - ca->cert[ca->n - 1];
	ca->subject_len = last->subject_len;
	ca->not_after = last->not_after;
	ca->provisioned = true;
	*out = ca;
	ca = NULL;
	ret = 0;
out:
	nsm_plat_free(s, sizeof(*s));
	nsm_ca_free(ca);
	return ret;
}

int nsm_pki_provision(struct nsm_pki *pki, const u8 *key, size_t key_len,
		      const u8 *chain, size_t chain_len, u64 now_s)
{
	struct nsm_ca *ca;
	int ret;

	ret = nsm_ca_provision(key, key_len, chain, chain_len, now_s, &ca);
	if (!ret)
		ca_swap(pki, ca);
	return ret;
}

int nsm_ca_cert(const struct nsm_ca *ca, unsigned int i,
		const u8 **der, size_t *len)
{
	if (!ca)
		return -NSM_PKI_ENOCHAIN;
	if (i >= ca->n)
		return -NSM_PKI_EINVAL;
	*der = ca->cert[i];
	*len = ca->cert_len[i];
	return 0;
}

unsigned int nsm_ca_len(const struct nsm_ca *ca)
{
	return ca->n;
}

bool nsm_ca_provisioned(const struct nsm_ca *ca)
{
	return ca->provisioned;
}

u64 nsm_ca_not_after(const struct nsm_ca *ca)
{
	return ca->not_after;
}

int nsm_pki_cert(const struct nsm_pki *pki, unsigned int i,
		 const u8 **der, size_t *len)
{
	return nsm_ca_cert(pki->ca, i, der, len);
}

const struct nsm_ca *nsm_pki_ca(const struct nsm_pki *pki)
{
	return pki->ca;
}

void nsm_pki_get_settings(const struct nsm_pki *pki,
			  struct nsm_pki_settings *s)
{
	*s = pki->set;
}

int nsm_pki_set_settings(struct nsm_pki *pki,
			 const struct nsm_pki_settings *s)
{
	if (nsm_pki_settings_check(s))
		return -NSM_PKI_EINVAL;
	if (s->leaf_lifetime_s != pki->set.leaf_lifetime_s)
		leaf_drop(pki);
	pki->set = *s;
	return 0;
}

void nsm_pki_get_status(const struct nsm_pki *pki, struct nsm_pki_status *st)
{
	memset(st, 0, sizeof(*st));
	if (pki->ca) {
		st->have_chain = true;
		st->provisioned = pki->ca->provisioned;
		st->chain_len = pki->ca->n;
		st->ca_not_after = pki->ca->not_after;
	}
	if (pki->leaf) {
		st->leaf_not_before = pki->leaf->not_before;
		st->leaf_not_after = pki->leaf->not_after;
	}
	st->leaves_issued = pki->leaves_issued;
}

void nsm_pki_drop_leaf(struct nsm_pki *pki)
{
	leaf_drop(pki);
}

/* Scratch for a new leaf. */
struct pki_leaf {
	u8 pub[P384_PUB_LEN];
	u8 name[NSM_NAME_MAX];
	char cn[80];
};

int nsm_leaf_issue(const struct nsm_ca *ca, const char *module_id, u64 now_s,
		   u32 lifetime_s, struct nsm_leaf **out)
{
	struct nsm_x509_tmpl t = { .pathlen = -1 };
	struct nsm_leaf *leaf;
	struct pki_leaf *l;
	size_t len, name_len;
	int ret = -NSM_PKI_ENOMEM;

	if (!ca)
		return -NSM_PKI_ENOCHAIN;
	if (!lifetime_s || lifetime_s > NSM_PKI_LIFETIME_MAX)
		return -NSM_PKI_EINVAL;
	if (now_s > ca->not_after)
		return -NSM_PKI_EEXPIRED;
	leaf = nsm_plat_alloc(sizeof(*leaf));
	l = nsm_plat_alloc(sizeof(*l));
	if (!leaf || !l)
		goto out;
	ret = -NSM_PKI_ECRYPTO;
	if (p384_keygen(leaf->priv) || p384_pubkey(leaf->priv, l->pub) ||
	    nsm_plat_random(t.serial, sizeof(t.serial)))
		goto out;
	/* "<module id>.nsm-emu.invalid", within the 64-character CN bound */
	cat(l->cn, sizeof(l->cn), module_id && *module_id ? module_id :
	    "nsm-emu-enclave", 64 - sizeof("." PKI_DOMAIN) + 1);
	cat(l->cn, sizeof(l->cn), "." PKI_DOMAIN, 64);
	name_len = nsm_x509_name(l->name, sizeof(l->name), PKI_ORG,
				 "test enclave", l->cn);
	if (!name_len)
		goto out;
	t.issuer = ca->cert[ca->n - 1] + ca->subject_off;
	t.issuer_len = ca->subject_len;
	t.subject = l->name;
	t.subject_len = name_len;
	t.not_before = now_s;
	t.not_after = now_s + lifetime_s;
	if (t.not_after > ca->not_after)
		t.not_after = ca->not_after;
	t.pub = l->pub;
	t.akid = ca->keyid;
	t.akid_len = ca->keyid_len;
	t.key_usage = X509_KU_DIGITAL_SIGNATURE | X509_KU_NON_REPUDIATION;
	len = nsm_x509_issue(&t, ca->priv, leaf->cert, sizeof(leaf->cert));
	if (!len)
		goto out;
	leaf->len = len;
	leaf->not_before = t.not_before;
	leaf->not_after = t.not_after;
	*out = leaf;
	leaf = NULL;
	ret = 0;
out:
	nsm_plat_free(l, sizeof(*l));
	nsm_leaf_free(leaf);
	return ret;
}

bool nsm_leaf_valid(const struct nsm_leaf *leaf, u64 now_s)
{
	return leaf && now_s >= leaf->not_before && now_s <= leaf->not_after;
}

void nsm_leaf_cert(const struct nsm_leaf *leaf, const u8 **der, size_t *len)
{
	*der = leaf->cert;
	*len = leaf->len;
}

const u8 *nsm_leaf_priv(const struct nsm_leaf *leaf)
{
	return leaf->priv;
}

u64 nsm_leaf_not_before(const struct nsm_leaf *leaf)
{
	return leaf->not_before;
}

u64 nsm_leaf_not_after(const struct nsm_leaf *leaf)
{
	return leaf->not_after;
}

int nsm_pki_leaf(struct nsm_pki *pki, const char *module_id, u64 now_ms,
		 const struct nsm_leaf **leaf)
{
	u64 now_s = now_ms / 1000;
	struct nsm_leaf *fresh;
	int ret;

	if (!pki || !pki->ca)
		return -NSM_PKI_ENOCHAIN;
	if (now_s > pki->ca->not_after)
		return -NSM_PKI_EEXPIRED;
	if (!nsm_leaf_valid(pki->leaf, now_s)) {
		leaf_drop(pki);
		ret = nsm_leaf_issue(pki->ca, module_id, now_s,
				     pki->set.leaf_lifetime_s, &fresh);
		if (ret)
			return ret;
		pki->leaf = fresh;
		pki->leaves_issued++;
	}
	*leaf = pki->leaf;
	return 0;
}
