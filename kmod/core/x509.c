// SPDX-License-Identifier: GPL-2.0
/*
 * X.509 certificates for the test PKI (RFC 5280). See x509.h.
 */
#include "x509.h"
#include "der.h"

static const u8 oid_ecdsa_sha384[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const u8 oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const u8 oid_secp384r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const u8 oid_at_o[] = { 0x55, 0x04, 0x0a };
static const u8 oid_at_ou[] = { 0x55, 0x04, 0x0b };
static const u8 oid_at_cn[] = { 0x55, 0x04, 0x03 };
static const u8 oid_ce_skid[] = { 0x55, 0x1d, 0x0e };
static const u8 oid_ce_key_usage[] = { 0x55, 0x1d, 0x0f };
static const u8 oid_ce_basic_constraints[] = { 0x55, 0x1d, 0x13 };
static const u8 oid_ce_akid[] = { 0x55, 0x1d, 0x23 };

static void name_attr(struct der_w *w, const u8 *oid, size_t oid_len,
		      const char *val)
{
	der_begin(w, DER_SET);
	der_begin(w, DER_SEQUENCE);
	der_tlv(w, DER_OID, oid, oid_len);
	der_tlv(w, DER_UTF8_STRING, val, strlen(val));
	der_end(w);
	der_end(w);
}

size_t nsm_x509_name(u8 *out, size_t cap, const char *o, const char *ou,
		     const char *cn)
{
	struct der_w w;

	der_w_init(&w, out, cap);
	der_begin(&w, DER_SEQUENCE);
	name_attr(&w, oid_at_o, sizeof(oid_at_o), o);
	if (ou)
		name_attr(&w, oid_at_ou, sizeof(oid_at_ou), ou);
	name_attr(&w, oid_at_cn, sizeof(oid_at_cn), cn);
	der_end(&w);
	return der_w_done(&w);
}

int nsm_x509_key_id(const u8 pub[P384_PUB_LEN], u8 id[NSM_KEYID_LEN])
{
	struct nsm_sg sg = { pub, P384_PUB_LEN };
	u8 md[NSM_SHA384_LEN];

	if (nsm_plat_sha384(&sg, 1, md))
		return -1;
	memcpy(id, md, NSM_KEYID_LEN);
	return 0;
}

static void sig_alg(struct der_w *w)
{
	der_begin(w, DER_SEQUENCE);
	der_tlv(w, DER_OID, oid_ecdsa_sha384, sizeof(oid_ecdsa_sha384));
	der_end(w);
}

static void ext_begin(struct der_w *w, const u8 *oid, size_t oid_len,
		      bool critical)
{
	der_begin(w, DER_SEQUENCE);
	der_tlv(w, DER_OID, oid, oid_len);
	if (critical)
		der_bool(w, true);
	der_begin(w, DER_OCTET_STRING);
}

static void ext_end(struct der_w *w)
{
	der_end(w);
	der_end(w);
}

static void extensions(struct der_w *w, const struct nsm_x509_tmpl *t)
{
	der_begin(w, DER_CTX_CONS(3));
	der_begin(w, DER_SEQUENCE);

	/* BasicConstraints; cA FALSE is the DEFAULT, so DER omits it */
	ext_begin(w, oid_ce_basic_constraints, sizeof(oid_ce_basic_constraints),
		  true);
	der_begin(w, DER_SEQUENCE);
	if (t->ca) {
		der_bool(w, true);
		if (t->pathlen >= 0)
			der_small_uint(w, (u32)t->pathlen);
	}
	der_end(w);
	ext_end(w);

	ext_begin(w, oid_ce_key_usage, sizeof(oid_ce_key_usage), true);
	der_named_bits(w, t->key_usage);
	ext_end(w);

	if (t->skid) {
		ext_begin(w, oid_ce_skid, sizeof(oid_ce_skid), false);
		der_tlv(w, DER_OCTET_STRING, t->skid, NSM_KEYID_LEN);
		ext_end(w);
	}
	if (t->akid) {
		ext_begin(w, oid_ce_akid, sizeof(oid_ce_akid), false);
		der_begin(w, DER_SEQUENCE);
		der_tlv(w, DER_CTX(0), t->akid, t->akid_len);
		der_end(w);
		ext_end(w);
	}

	der_end(w);
	der_end(w);
}

size_t nsm_x509_issue(const struct nsm_x509_tmpl *t,
		      const u8 ca_priv[P384_SCALAR_LEN], u8 *out, size_t cap)
{
	static const u8 version3[] = { 0x02 };
	u8 serial[NSM_SERIAL_LEN], digest[NSM_SHA384_LEN], sig[P384_SIG_LEN];
	struct nsm_sg sg;
	size_t tbs_start;
	struct der_w w;

	memcpy(serial, t->serial, sizeof(serial));
	/* positive, and with a non-zero top byte so it keeps its 16 bytes */
	serial[0] = (serial[0] & 0x7f) | 0x40;

	der_w_init(&w, out, cap);
	der_begin(&w, DER_SEQUENCE);

	tbs_start = w.len;
	der_begin(&w, DER_SEQUENCE);
	der_begin(&w, DER_CTX_CONS(0));
	der_tlv(&w, DER_INTEGER, version3, sizeof(version3));
	der_end(&w);
	der_uint(&w, serial, sizeof(serial));
	sig_alg(&w);
	der_raw(&w, t->issuer, t->issuer_len);
	der_begin(&w, DER_SEQUENCE);
	der_time(&w, t->not_before);
	der_time(&w, t->not_after);
	der_end(&w);
	der_raw(&w, t->subject, t->subject_len);
	der_begin(&w, DER_SEQUENCE);
	der_begin(&w, DER_SEQUENCE);
	der_tlv(&w, DER_OID, oid_ec_public_key, sizeof(oid_ec_public_key));
	der_tlv(&w, DER_OID, oid_secp384r1, sizeof(oid_secp384r1));
	der_end(&w);
	der_bits(&w, t->pub, P384_PUB_LEN);
	der_end(&w);
	extensions(&w, t);
	der_end(&w);
	if (w.err)
		return 0;

	sg.data = out + tbs_start;
	sg.len = w.len - tbs_start;
	if (nsm_plat_sha384(&sg, 1, digest) ||
	    p384_sign_digest(ca_priv, digest, sig))
		return 0;

	sig_alg(&w);
	der_begin(&w, DER_BIT_STRING);
	der_raw(&w, "", 1);		/* no unused bits */
	der_begin(&w, DER_SEQUENCE);
	der_uint(&w, sig, P384_SCALAR_LEN);
	der_uint(&w, sig + P384_SCALAR_LEN, P384_SCALAR_LEN);
	der_end(&w);
	der_end(&w);
	der_end(&w);
	return der_w_done(&w);
}

static bool tlv_is(const struct der_tlv *t, u8 tag, const u8 *v, size_t n)
{
	return t->tag == tag && t->len == n && !memcmp(t->val, v, n);
}

/* An AlgorithmIdentifier that must be ecdsa-with-SHA384, no parameters. */
static int parse_sig_alg(struct der_r *r)
{
	struct der_tlv seq, oid;
	struct der_r in;

	if (der_expect(r, DER_SEQUENCE, &seq))
		return -1;
	in = der_enter(&seq);
	if (der_expect(&in, DER_OID, &oid) || in.len ||
	    !tlv_is(&oid, DER_OID, oid_ecdsa_sha384, sizeof(oid_ecdsa_sha384)))
		return -1;
	return 0;
}

/* INTEGER in 1..48 significant bytes to a 48-byte big-endian value. */
static int parse_scalar(struct der_r *r, u8 out[P384_SCALAR_LEN])
{
	struct der_tlv t;
	const u8 *p;
	size_t n;

	if (der_expect(r, DER_INTEGER, &t) || !t.len || (t.val[0] & 0x80))
		return -1;
	p = t.val;
	n = t.len;
	if (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	if (n > P384_SCALAR_LEN)
		return -1;
	memset(out, 0, P384_SCALAR_LEN - n);
	memcpy(out + P384_SCALAR_LEN - n, p, n);
	return 0;
}

static int parse_spki(struct der_r *r, struct nsm_x509_info *info)
{
	struct der_tlv spki, alg, oid, bits;
	struct der_r in, a;

	if (der_expect(r, DER_SEQUENCE, &spki))
		return -1;
	in = der_enter(&spki);
	if (der_expect(&in, DER_SEQUENCE, &alg))
		return -1;
	a = der_enter(&alg);
	if (der_expect(&a, DER_OID, &oid) ||
	    !tlv_is(&oid, DER_OID, oid_ec_public_key, sizeof(oid_ec_public_key)) ||
	    der_expect(&a, DER_OID, &oid) ||
	    !tlv_is(&oid, DER_OID, oid_secp384r1, sizeof(oid_secp384r1)) ||
	    a.len)
		return -1;
	if (der_expect(&in, DER_BIT_STRING, &bits) || in.len ||
	    bits.len != 1 + P384_PUB_LEN || bits.val[0] != 0 ||
	    bits.val[1] != 0x04)
		return -1;
	memcpy(info->pub, bits.val + 1, P384_PUB_LEN);
	return 0;
}

/* Extensions parse_ext() knows: each may appear once. */
enum {
	EXT_BASIC_CONSTRAINTS	= 1 << 0,
	EXT_KEY_USAGE		= 1 << 1,
	EXT_SKID		= 1 << 2,
	EXT_AKID		= 1 << 3,
};

static int parse_basic_constraints(struct der_r *v, struct nsm_x509_info *info)
{
	struct der_tlv t;
	struct der_r bc;
	size_t i;

	if (der_expect(v, DER_SEQUENCE, &t) || v->len)
		return -1;
	bc = der_enter(&t);
	if (der_peek(&bc) == DER_BOOLEAN) {
		if (der_next(&bc, &t) || t.len != 1)
			return -1;
		info->ca = t.val[0] != 0;
	}
	if (der_peek(&bc) == DER_INTEGER) {
		/* a small non-negative pathLenConstraint */
		if (der_next(&bc, &t) || !t.len || t.len > 3 ||
		    (t.val[0] & 0x80))
			return -1;
		info->pathlen = 0;
		for (i = 0; i < t.len; i++)
			info->pathlen = info->pathlen << 8 | t.val[i];
	}
	return bc.len ? -1 : 0;
}

static int parse_key_usage(struct der_r *v, struct nsm_x509_info *info)
{
	struct der_tlv t;
	u8 unused;

	if (der_expect(v, DER_BIT_STRING, &t) || v->len || t.len < 1)
		return -1;
	unused = t.val[0];
	if (unused > 7 || (t.len == 1 && unused))
		return -1;
	info->key_usage = t.len > 1 ? t.val[1] : 0;
	/* the unused bits of the last byte say nothing (X.690 11.2.1) */
	if (t.len == 2)
		info->key_usage &= (u8)(0xff << unused);
	return 0;
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL, ... } */
static int parse_akid(struct der_r *v, struct nsm_x509_info *info)
{
	struct der_tlv t;
	struct der_r a;

	if (der_expect(v, DER_SEQUENCE, &t) || v->len)
		return -1;
	a = der_enter(&t);
	if (der_peek(&a) == DER_CTX(0)) {
		if (der_next(&a, &t) || !t.len)
			return -1;
		info->akid = t.val;
		info->akid_len = t.len;
	}
	return 0;
}

static int parse_ext(const struct der_tlv *ext, struct nsm_x509_info *info,
		     unsigned int *seen)
{
	struct der_r in = der_enter(ext), v;
	struct der_tlv oid, t, val;
	unsigned int which = 0;
	bool critical = false;

	if (der_expect(&in, DER_OID, &oid))
		return -1;
	if (der_peek(&in) == DER_BOOLEAN) {
		if (der_next(&in, &t) || t.len != 1)
			return -1;
		critical = t.val[0] != 0;
	}
	if (der_expect(&in, DER_OCTET_STRING, &val) || in.len)
		return -1;
	v = der_enter(&val);

	if (tlv_is(&oid, DER_OID, oid_ce_basic_constraints,
		   sizeof(oid_ce_basic_constraints)))
		which = EXT_BASIC_CONSTRAINTS;
	else if (tlv_is(&oid, DER_OID, oid_ce_key_usage,
			sizeof(oid_ce_key_usage)))
		which = EXT_KEY_USAGE;
	else if (tlv_is(&oid, DER_OID, oid_ce_skid, sizeof(oid_ce_skid)))
		which = EXT_SKID;
	else if (tlv_is(&oid, DER_OID, oid_ce_akid, sizeof(oid_ce_akid)))
		which = EXT_AKID;
	if (!which)
		return critical ? -1 : 0;	/* not honoured, so refused */
	if (*seen & which)
		return -1;
	*seen |= which;

	switch (which) {
	case EXT_BASIC_CONSTRAINTS:
		info->ca_critical = critical;
		return parse_basic_constraints(&v, info);
	case EXT_KEY_USAGE:
		return parse_key_usage(&v, info);
	case EXT_SKID:
		if (der_expect(&v, DER_OCTET_STRING, &t) || v.len || !t.len)
			return -1;
		info->skid = t.val;
		info->skid_len = t.len;
		return 0;
	default:
		return parse_akid(&v, info);
	}
}

static int parse_tbs(const struct der_tlv *tbs, struct nsm_x509_info *info)
{
	struct der_r r = der_enter(tbs), in;
	struct der_tlv t, ver, nb, na, exts;
	unsigned int seen = 0;

	if (der_expect(&r, DER_CTX_CONS(0), &t))
		return -1;
	in = der_enter(&t);
	if (der_expect(&in, DER_INTEGER, &ver) || in.len || ver.len != 1 ||
	    ver.val[0] != 2)
		return -1;
	if (der_expect(&r, DER_INTEGER, &t) || parse_sig_alg(&r))
		return -1;
	if (der_expect(&r, DER_SEQUENCE, &t))
		return -1;
	info->issuer = t.hdr;
	info->issuer_len = t.tlen;
	if (der_expect(&r, DER_SEQUENCE, &t))
		return -1;
	in = der_enter(&t);
	if (der_next(&in, &nb) || der_parse_time(&nb, &info->not_before) ||
	    der_next(&in, &na) || der_parse_time(&na, &info->not_after) ||
	    in.len)
		return -1;
	if (der_expect(&r, DER_SEQUENCE, &t))
		return -1;
	info->subject = t.hdr;
	info->subject_len = t.tlen;
	if (parse_spki(&r, info))
		return -1;
	/* issuerUniqueID, subjectUniqueID: skipped */
	while (der_peek(&r) == DER_CTX(1) || der_peek(&r) == DER_CTX(2) ||
	       der_peek(&r) == DER_CTX_CONS(1) || der_peek(&r) == DER_CTX_CONS(2))
		if (der_next(&r, &t))
			return -1;
	if (der_peek(&r) == DER_CTX_CONS(3)) {
		if (der_next(&r, &t))
			return -1;
		in = der_enter(&t);
		if (der_expect(&in, DER_SEQUENCE, &exts) || in.len)
			return -1;
		in = der_enter(&exts);
		while (in.len) {
			if (der_expect(&in, DER_SEQUENCE, &t) ||
			    parse_ext(&t, info, &seen))
				return -1;
		}
	}
	return r.len ? -1 : 0;
}

int nsm_x509_parse(const u8 *der, size_t len, struct nsm_x509_info *info)
{
	struct der_r r = { der, len }, in, sig;
	struct der_tlv cert, tbs, bits, seq;

	memset(info, 0, sizeof(*info));
	info->pathlen = -1;
	info->key_usage = 0xff;
	/*
	 * Every element, not only those read below: the subject Name of an
	 * instance CA is copied into each leaf it issues.
	 */
	if (der_expect(&r, DER_SEQUENCE, &cert) || r.len ||
	    !der_well_formed(der, len))
		return -1;
	in = der_enter(&cert);
	if (der_expect(&in, DER_SEQUENCE, &tbs) || parse_tbs(&tbs, info))
		return -1;
	info->tbs = tbs.hdr;
	info->tbs_len = tbs.tlen;
	if (parse_sig_alg(&in) || der_expect(&in, DER_BIT_STRING, &bits) ||
	    in.len || bits.len < 1 || bits.val[0] != 0)
		return -1;
	sig.p = bits.val + 1;
	sig.len = bits.len - 1;
	if (der_expect(&sig, DER_SEQUENCE, &seq) || sig.len)
		return -1;
	sig = der_enter(&seq);
	if (parse_scalar(&sig, info->sig_r) || parse_scalar(&sig, info->sig_s) ||
	    sig.len)
		return -1;
	return 0;
}
