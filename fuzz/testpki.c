// SPDX-License-Identifier: GPL-2.0
/*
 * A test PKI for the fuzzers and their seeds, made with the core's own
 * certificate builder (nsm_x509_issue) and DER writer: fixed keys, chains
 * of any shape provisioning accepts, the key encodings it reads, and
 * re-signing of a (mutated) certificate. See fuzz.h.
 */
#include "fuzz.h"

static const u8 oid_ecdsa_sha384[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const u8 oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const u8 oid_secp384r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };

static struct tp_key keys[TP_NKEYS];
static bool have_keys;

/* Made once, each from its own restart of the random stream. */
const struct tp_key *tp_key(unsigned int i)
{
	unsigned int k;

	if (!have_keys) {
		for (k = 0; k < TP_NKEYS; k++) {
			fuzz_rng_reset("tp-key", k);
			FUZZ_ASSERT(!p384_keygen(keys[k].priv));
			FUZZ_ASSERT(!p384_pubkey(keys[k].priv, keys[k].pub));
		}
		have_keys = true;
	}
	FUZZ_ASSERT(i < TP_NKEYS);
	return &keys[i];
}

const struct tp_key *tp_key_by_pub(const u8 pub[P384_PUB_LEN])
{
	unsigned int i;

	for (i = 0; i < TP_NKEYS; i++)
		if (!memcmp(tp_key(i)->pub, pub, P384_PUB_LEN))
			return tp_key(i);
	return NULL;
}

/* ECPrivateKey (RFC 5915) */
static void sec1(struct der_w *w, const struct tp_key *k, bool params,
		 bool pub)
{
	der_begin(w, DER_SEQUENCE);
	der_small_uint(w, 1);
	der_tlv(w, DER_OCTET_STRING, k->priv, P384_SCALAR_LEN);
	if (params) {
		der_begin(w, DER_CTX_CONS(0));
		der_tlv(w, DER_OID, oid_secp384r1, sizeof(oid_secp384r1));
		der_end(w);
	}
	if (pub) {
		der_begin(w, DER_CTX_CONS(1));
		der_bits(w, k->pub, P384_PUB_LEN);
		der_end(w);
	}
	der_end(w);
}

size_t tp_key_der(u8 *out, size_t cap, const struct tp_key *k,
		  enum tp_key_fmt fmt)
{
	struct der_w w;

	der_w_init(&w, out, cap);
	switch (fmt) {
	case TP_KEY_RAW:
		der_raw(&w, k->priv, P384_SCALAR_LEN);
		break;
	case TP_KEY_SEC1:
		sec1(&w, k, true, true);
		break;
	case TP_KEY_SEC1_BARE:
		sec1(&w, k, false, false);
		break;
	case TP_KEY_PKCS8:
		der_begin(&w, DER_SEQUENCE);
		der_small_uint(&w, 0);
		der_begin(&w, DER_SEQUENCE);
		der_tlv(&w, DER_OID, oid_ec_public_key, sizeof(oid_ec_public_key));
		der_tlv(&w, DER_OID, oid_secp384r1, sizeof(oid_secp384r1));
		der_end(&w);
		der_begin(&w, DER_OCTET_STRING);
		sec1(&w, k, false, true);
		der_end(&w);
		der_end(&w);
		break;
	default:
		return 0;
	}
	return der_w_done(&w);
}

void tp_chain_default(struct tp_chain_opts *o, unsigned int n)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->n = n;
	o->not_before = FUZZ_NOW_S - 86400;
	o->not_after = FUZZ_NOW_S + 10ULL * 365 * 86400;
	o->no_ca = -1;
	o->key_ids = true;
	for (i = 0; i < n; i++) {
		o->key[i] = i;
		/* the CAs below certificate i, as AWS's chains */
		o->pathlen[i] = i ? (int)(n - 1 - i) : -1;
		o->key_usage[i] = X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN |
				  (i == n - 1 ? 0 : X509_KU_DIGITAL_SIGNATURE);
	}
}

static size_t tp_name(u8 *out, size_t cap, unsigned int i, unsigned int pad)
{
	char ou[NSM_CERT_MAX], cn[32];

	if (pad > sizeof(ou) - 16)
		return 0;
	snprintf(ou, sizeof(ou), "fuzz level %u ", i);
	memset(ou + strlen(ou), 'x', pad);
	ou[strlen("fuzz level 0 ") + pad] = '\0';
	snprintf(cn, sizeof(cn), "nsm-emu fuzz CA %u", i);
	return nsm_x509_name(out, cap, "nsm-emu fuzzing (NOT AWS)", ou, cn);
}

size_t tp_chain(u8 *out, size_t cap, const struct tp_chain_opts *o,
		size_t len[NSM_PKI_CHAIN_MAX])
{
	u8 name[2][NSM_CERT_MAX], kid[2][NSM_KEYID_LEN];
	size_t name_len[2], total = 0, n;
	unsigned int i;

	if (!o->n || o->n > NSM_PKI_CHAIN_MAX)
		return 0;
	for (i = 0; i < o->n; i++) {
		const struct tp_key *k = tp_key(o->key[i]);
		const struct tp_key *pk = tp_key(o->key[i ? i - 1 : 0]);
		unsigned int me = i & 1, parent = i ? !me : me;
		struct nsm_x509_tmpl t = {
			.not_before = o->not_before,
			.not_after = o->not_after,
			.pub = k->pub,
			.ca = (int)i != o->no_ca,
			.pathlen = o->pathlen[i],
			.key_usage = o->key_usage[i],
		};

		name_len[me] = tp_name(name[me], sizeof(name[me]), i,
				       o->name_pad);
		FUZZ_ASSERT(name_len[me]);
		FUZZ_ASSERT(!nsm_x509_key_id(k->pub, kid[me]));
		t.subject = name[me];
		t.subject_len = name_len[me];
		t.issuer = name[parent];
		t.issuer_len = name_len[parent];
		if (o->key_ids) {
			t.skid = kid[me];
			t.akid = kid[parent];
			t.akid_len = NSM_KEYID_LEN;
		}
		fuzz_rng_reset("tp-serial", i);
		FUZZ_ASSERT(!nsm_plat_random(t.serial, sizeof(t.serial)));
		n = nsm_x509_issue(&t, pk->priv, out + total, cap - total);
		if (!n)
			return 0;
		if (len)
			len[i] = n;
		total += n;
	}
	return total;
}

size_t tp_chain_max(u8 *out, size_t cap, struct tp_chain_opts *o,
		    size_t len[NSM_PKI_CHAIN_MAX])
{
	unsigned int lo = 0, hi = 900, i;
	size_t l[NSM_PKI_CHAIN_MAX];
	bool fits;

	/* the largest pad with every certificate within NSM_CERT_MAX */
	while (lo < hi) {
		o->name_pad = (lo + hi + 1) / 2;
		fits = tp_chain(out, cap, o, l) != 0;
		for (i = 0; fits && i < o->n; i++)
			fits = l[i] <= NSM_CERT_MAX;
		if (fits)
			lo = o->name_pad;
		else
			hi = o->name_pad - 1;
	}
	o->name_pad = lo;
	return tp_chain(out, cap, o, len);
}

size_t tp_resign(u8 *out, size_t cap, const u8 *cert, size_t len,
		 const u8 priv[P384_SCALAR_LEN])
{
	struct der_r r = { cert, len }, in;
	struct der_tlv seq, tbs;
	u8 digest[NSM_SHA384_LEN], sig[P384_SIG_LEN];
	struct nsm_sg sg;
	struct der_w w;

	if (der_expect(&r, DER_SEQUENCE, &seq))
		return 0;
	in = der_enter(&seq);
	if (der_next(&in, &tbs))
		return 0;
	sg.data = tbs.hdr;
	sg.len = tbs.tlen;
	if (nsm_plat_sha384(&sg, 1, digest) ||
	    p384_sign_digest(priv, digest, sig))
		return 0;
	der_w_init(&w, out, cap);
	der_begin(&w, DER_SEQUENCE);
	der_raw(&w, tbs.hdr, tbs.tlen);
	der_begin(&w, DER_SEQUENCE);
	der_tlv(&w, DER_OID, oid_ecdsa_sha384, sizeof(oid_ecdsa_sha384));
	der_end(&w);
	der_begin(&w, DER_BIT_STRING);
	der_raw(&w, "", 1);
	der_begin(&w, DER_SEQUENCE);
	der_uint(&w, sig, P384_SCALAR_LEN);
	der_uint(&w, sig + P384_SCALAR_LEN, P384_SCALAR_LEN);
	der_end(&w);
	der_end(&w);
	der_end(&w);
	return der_w_done(&w);
}
