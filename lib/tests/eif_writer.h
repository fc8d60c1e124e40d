/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A test-only EIF writer (never installed): lays out images the way AWS's
 * eif_build does (header, then kernel, cmdline, metadata, ramdisks,
 * signature; offsets back to back; CRC-32 over everything but the CRC
 * field), computes the expected measurements with its own plain code, and
 * signs with a P-384 key and certificate it can generate. It shares no
 * code with lib/verify/eif.c, so the reader is checked against an independent
 * rendering of the format (Documentation/eif.rst).
 */
#ifndef LIBNSM_TEST_EIF_WRITER_H
#define LIBNSM_TEST_EIF_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define EIFW_HDR	548
#define EIFW_MAX_RD	16

enum { EIFW_KERNEL = 1, EIFW_CMDLINE, EIFW_RAMDISK, EIFW_SIGNATURE,
       EIFW_METADATA };

struct eifw_bytes {
	const uint8_t *p;
	size_t len;
};

/* What to write. Zero-initialise, then fill; NULL metadata = none. */
struct eifw {
	uint16_t version;	/* 0 = 4 */
	uint16_t flags;
	uint64_t mem, cpus;	/* 0 = eif_build's 1 GiB and 2 */
	struct eifw_bytes kernel, cmdline, metadata;
	struct eifw_bytes ramdisk[EIFW_MAX_RD];
	size_t nramdisks;
	EVP_PKEY *key;		/* sign when set, with ... */
	X509 *cert;		/* ... this certificate */
	const uint8_t *sign_pcr0;	/* sign this instead of the PCR0 */
};

/* A growing output buffer. */
struct eifw_buf {
	uint8_t *p;
	size_t len, cap;
};

static void eifw_put(struct eifw_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void eifw_be(struct eifw_buf *b, uint64_t v, int bytes)
{
	uint8_t t[8];
	int i;

	for (i = 0; i < bytes; i++)
		t[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	eifw_put(b, t, (size_t)bytes);
}

static void eifw_cbor_head(struct eifw_buf *b, unsigned int major, uint64_t v)
{
	uint8_t m = (uint8_t)(major << 5);

	if (v < 24) {
		m |= (uint8_t)v;
		eifw_put(b, &m, 1);
	} else if (v < 0x100) {
		m |= 24;
		eifw_put(b, &m, 1);
		eifw_be(b, v, 1);
	} else if (v < 0x10000) {
		m |= 25;
		eifw_put(b, &m, 1);
		eifw_be(b, v, 2);
	} else {
		m |= 26;
		eifw_put(b, &m, 1);
		eifw_be(b, v, 4);
	}
}

static void eifw_cbor_text(struct eifw_buf *b, const char *s)
{
	eifw_cbor_head(b, 3, strlen(s));
	eifw_put(b, s, strlen(s));
}

/* serde_cbor's Vec<u8>: an array of unsigned integers */
static void eifw_cbor_uints(struct eifw_buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	eifw_cbor_head(b, 4, n);
	for (i = 0; i < n; i++)
		eifw_cbor_head(b, 0, p[i]);
}

/* Bitwise CRC-32/ISO-HDLC, continued from @crc (start with 0). */
static __attribute__((unused)) uint32_t eifw_crc32(uint32_t crc,
						    const uint8_t *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

/* Recompute the CRC field of a complete image in place. */
static __attribute__((unused)) void eifw_fix_crc(uint8_t *img, size_t len)
{
	uint32_t c;
	int i;

	if (len < EIFW_HDR)
		return;
	c = eifw_crc32(0, img, 544);
	c = eifw_crc32(c, img + EIFW_HDR, len - EIFW_HDR);
	for (i = 0; i < 4; i++)
		img[544 + i] = (uint8_t)(c >> (24 - 8 * i));
}

/* PCR = SHA-384(0^48 || SHA-384(concatenation of the parts)) */
static void eifw_measure(uint8_t out[48], const struct eifw_bytes *parts,
			 size_t n)
{
	uint8_t buf[96] = { 0 };
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t i;

	EVP_DigestInit_ex(m, EVP_sha384(), NULL);
	for (i = 0; i < n; i++)
		EVP_DigestUpdate(m, parts[i].p, parts[i].len);
	EVP_DigestFinal_ex(m, buf + 48, NULL);
	EVP_MD_CTX_free(m);
	EVP_Digest(buf, sizeof(buf), out, NULL, EVP_sha384(), NULL);
}

/* The expected PCR0, 1, 2 and (signed) 8 of @w. */
static __attribute__((unused)) void eifw_pcrs(const struct eifw *w,
					      uint8_t pcr[4][48])
{
	struct eifw_bytes parts[EIFW_MAX_RD + 2];
	size_t i;

	parts[0] = w->kernel;
	parts[1] = w->cmdline;
	for (i = 0; i < w->nramdisks; i++)
		parts[2 + i] = w->ramdisk[i];
	eifw_measure(pcr[0], parts, 2 + w->nramdisks);
	eifw_measure(pcr[1], parts, w->nramdisks ? 3 : 2);
	eifw_measure(pcr[2], parts + 3, w->nramdisks > 1 ? w->nramdisks - 1 : 0);
	memset(pcr[3], 0, 48);
	if (w->cert) {
		unsigned char *der = NULL;
		int dl = i2d_X509(w->cert, &der);
		struct eifw_bytes c = { der, (size_t)dl };

		eifw_measure(pcr[3], &c, 1);
		OPENSSL_free(der);
	}
}

/* The signature section: [{signing_certificate: PEM, signature: COSE}] */
static void eifw_signature(struct eifw_buf *out, const struct eifw *w,
			   const uint8_t pcr0[48])
{
	static const uint8_t prot[] = { 0xa1, 0x01, 0x38, 0x22 };
	struct eifw_buf pl = { 0 }, tbs = { 0 }, cose = { 0 };
	unsigned char *der = NULL;
	const unsigned char *dp;
	uint8_t rs[96] = { 0 };
	ECDSA_SIG *es;
	const BIGNUM *r, *s;
	EVP_MD_CTX *m;
	size_t dl = 0;
	BIO *bio;
	char *pem;
	long pem_len;

	/* payload: {"register_index": 0, "register_value": [PCR0]} */
	eifw_cbor_head(&pl, 5, 2);
	eifw_cbor_text(&pl, "register_index");
	eifw_cbor_head(&pl, 0, 0);
	eifw_cbor_text(&pl, "register_value");
	eifw_cbor_uints(&pl, pcr0, 48);

	/* Sig_structure ["Signature1", protected, h'', payload] */
	eifw_cbor_head(&tbs, 4, 4);
	eifw_cbor_text(&tbs, "Signature1");
	eifw_cbor_head(&tbs, 2, sizeof(prot));
	eifw_put(&tbs, prot, sizeof(prot));
	eifw_cbor_head(&tbs, 2, 0);
	eifw_cbor_head(&tbs, 2, pl.len);
	eifw_put(&tbs, pl.p, pl.len);
	m = EVP_MD_CTX_new();
	if (EVP_DigestSignInit(m, NULL, EVP_sha384(), NULL, w->key) != 1 ||
	    EVP_DigestSign(m, NULL, &dl, tbs.p, tbs.len) != 1)
		abort();
	der = OPENSSL_malloc(dl);
	if (EVP_DigestSign(m, der, &dl, tbs.p, tbs.len) != 1)
		abort();
	EVP_MD_CTX_free(m);
	dp = der;
	es = d2i_ECDSA_SIG(NULL, &dp, (long)dl);
	ECDSA_SIG_get0(es, &r, &s);
	BN_bn2binpad(r, rs, 48);
	BN_bn2binpad(s, rs + 48, 48);
	ECDSA_SIG_free(es);
	OPENSSL_free(der);

	/* untagged COSE_Sign1 [protected, {}, payload, signature] */
	eifw_cbor_head(&cose, 4, 4);
	eifw_cbor_head(&cose, 2, sizeof(prot));
	eifw_put(&cose, prot, sizeof(prot));
	eifw_cbor_head(&cose, 5, 0);
	eifw_cbor_head(&cose, 2, pl.len);
	eifw_put(&cose, pl.p, pl.len);
	eifw_cbor_head(&cose, 2, sizeof(rs));
	eifw_put(&cose, rs, sizeof(rs));

	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, w->cert);
	pem_len = BIO_get_mem_data(bio, &pem);
	eifw_cbor_head(out, 4, 1);
	eifw_cbor_head(out, 5, 2);
	eifw_cbor_text(out, "signing_certificate");
	eifw_cbor_uints(out, (const uint8_t *)pem, (size_t)pem_len);
	eifw_cbor_text(out, "signature");
	eifw_cbor_uints(out, cose.p, cose.len);
	BIO_free(bio);
	free(pl.p);
	free(tbs.p);
	free(cose.p);
}

/* The image of @w (malloc()ed; caller frees), its size in *@len. */
static __attribute__((unused)) uint8_t *eifw_build(const struct eifw *w,
						   size_t *len)
{
	struct eifw_bytes sec[EIFW_MAX_RD + 4];
	uint16_t type[EIFW_MAX_RD + 4];
	struct eifw_buf sig = { 0 }, out = { 0 };
	uint8_t pcr[4][48];
	uint64_t off = EIFW_HDR;
	size_t n = 0, i;
	uint32_t crc;

	sec[n] = w->kernel;
	type[n++] = EIFW_KERNEL;
	sec[n] = w->cmdline;
	type[n++] = EIFW_CMDLINE;
	if (w->metadata.p) {
		sec[n] = w->metadata;
		type[n++] = EIFW_METADATA;
	}
	for (i = 0; i < w->nramdisks; i++) {
		sec[n] = w->ramdisk[i];
		type[n++] = EIFW_RAMDISK;
	}
	if (w->key) {
		eifw_pcrs(w, pcr);
		eifw_signature(&sig, w, w->sign_pcr0 ? w->sign_pcr0 : pcr[0]);
		sec[n].p = sig.p;
		sec[n].len = sig.len;
		type[n++] = EIFW_SIGNATURE;
	}

	eifw_put(&out, ".eif", 4);
	eifw_be(&out, w->version ? w->version : 4, 2);
	eifw_be(&out, w->flags, 2);
	eifw_be(&out, w->mem ? w->mem : 1ull << 30, 8);
	eifw_be(&out, w->cpus ? w->cpus : 2, 8);
	eifw_be(&out, 0, 2);
	eifw_be(&out, n, 2);
	for (i = 0; i < 32; i++) {
		eifw_be(&out, i < n ? off : 0, 8);
		if (i < n)
			off += 12 + sec[i].len;
	}
	for (i = 0; i < 32; i++)
		eifw_be(&out, i < n ? sec[i].len : 0, 8);
	eifw_be(&out, 0, 4);
	eifw_be(&out, 0, 4);	/* CRC, below */
	for (i = 0; i < n; i++) {
		eifw_be(&out, type[i], 2);
		eifw_be(&out, 0, 2);
		eifw_be(&out, sec[i].len, 8);
		eifw_put(&out, sec[i].p, sec[i].len);
	}
	crc = eifw_crc32(0, out.p, 544);
	crc = eifw_crc32(crc, out.p + EIFW_HDR, out.len - EIFW_HDR);
	for (i = 0; i < 4; i++)
		out.p[544 + i] = (uint8_t)(crc >> (24 - 8 * i));
	free(sig.p);
	*len = out.len;
	return out.p;
}

/* A fresh P-384 key and a self-signed certificate for it (CN=@cn). */
static __attribute__((unused)) void eifw_make_signer(EVP_PKEY **key,
						     X509 **cert,
						     const char *cn)
{
	X509_NAME *nm;

	*key = EVP_EC_gen("P-384");
	*cert = X509_new();
	if (!*key || !*cert)
		abort();
	X509_set_version(*cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600L * 24 * 365);
	nm = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC,
				   (const unsigned char *)"US", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
				   (const unsigned char *)"nsm-emu tests", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(*cert, nm);
	X509_set_pubkey(*cert, *key);
	if (!X509_sign(*cert, *key, EVP_sha384()))
		abort();
}

/* Deterministic filler bytes for sections. */
static __attribute__((unused)) uint8_t *eifw_fill(size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	if (!p)
		abort();
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
	return p;
}

#endif
