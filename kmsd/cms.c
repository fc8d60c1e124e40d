// SPDX-License-Identifier: GPL-2.0
/*
 * CiphertextForRecipient: a CMS ContentInfo(EnvelopedData), built byte by
 * byte in the shape KMS sends, because AWS's C SDK (kmstool) walks it with
 * a parser that depends on that shape:
 *
 *   30 80                      ContentInfo, indefinite
 *     06 09 <envelopedData>
 *     a0 80                    [0] EXPLICIT, indefinite
 *       30 80                  EnvelopedData, indefinite
 *         02 01 02             version 2
 *         31 <def>             recipientInfos: one KeyTransRecipientInfo
 *           30 <def>
 *             02 01 02         version 2 (rid = subjectKeyIdentifier)
 *             80 20 <32>       [0] SKI: SHA-256 of the recipient's SPKI
 *             30 3c <RSAES-OAEP, SHA-256, MGF1-SHA-256, empty label>
 *             04 82 01 00 <RSA-OAEP of the content key>
 *         30 80                EncryptedContentInfo, indefinite
 *           06 09 <data>
 *           30 1d 06 09 <aes256-CBC> 04 10 <IV>
 *           a0 80 04 <def> <ciphertext> 00 00   [0] constructed, one chunk
 *         00 00
 *       00 00
 *     00 00
 *   00 00
 *
 * The content is the secret itself, AES-256-CBC with PKCS#7 padding under
 * a fresh key and IV. `openssl cms -decrypt -inform DER` reads it too.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "kmsd.h"

static const uint8_t oid_enveloped[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03 };
static const uint8_t oid_data[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
/* AlgorithmIdentifier { id-RSAES-OAEP, { [0] sha256, [1] mgf1(sha256) } } */
static const uint8_t alg_oaep[] = {
	0x30, 0x3c,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x07,
	0x30, 0x2f,
	0xa0, 0x0f, 0x30, 0x0d,
	0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00,
	0xa1, 0x1c, 0x30, 0x1a,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
	0x30, 0x0d,
	0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00,
};
static const uint8_t alg_aes_head[] = {
	0x30, 0x1d,
	0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
	0x04, 0x10,
};

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put_byte(struct buf *b, uint8_t v)
{
	b->p[b->len++] = v;
}

/* tag + DER definite length */
static void put_hdr(struct buf *b, uint8_t tag, size_t len)
{
	put_byte(b, tag);
	if (len < 0x80) {
		put_byte(b, (uint8_t)len);
	} else if (len < 0x100) {
		put_byte(b, 0x81);
		put_byte(b, (uint8_t)len);
	} else {
		put_byte(b, 0x82);
		put_byte(b, (uint8_t)(len >> 8));
		put_byte(b, (uint8_t)len);
	}
}

static size_t hdr_len(size_t len)
{
	return len < 0x80 ? 2 : len < 0x100 ? 3 : 4;
}

static int rsa_oaep(uint8_t *out, size_t *out_len, EVP_PKEY *pkey,
		    const uint8_t *in, size_t in_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);
	int ok;

	ok = c && EVP_PKEY_encrypt_init(c) == 1 &&
	     EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) == 1 &&
	     EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256()) == 1 &&
	     EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) == 1 &&
	     EVP_PKEY_encrypt(c, out, out_len, in, in_len) == 1;
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

static int aes_cbc(uint8_t *out, size_t *out_len, const uint8_t key[32],
		   const uint8_t iv[16], const uint8_t *in, size_t in_len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0, ok;

	ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(c, out, &n1, in, (int)in_len) == 1 &&
	     EVP_EncryptFinal_ex(c, out + n1, &n2) == 1;
	EVP_CIPHER_CTX_free(c);
	*out_len = (size_t)n1 + (size_t)n2;
	return ok ? 0 : -1;
}

int kms_cms_envelope(uint8_t **out, size_t *out_len, void *pkey,
		     const uint8_t ski[32], const uint8_t *secret,
		     size_t secret_len)
{
	uint8_t cek[32], iv[16], ek[512];
	size_t ek_len = sizeof(ek), ct_len, ktri_len, set_len;
	struct buf b = { 0 };
	uint8_t *ct = NULL;
	int ret = -1;

	if (secret_len > KMS_PLAINTEXT_MAX)
		return -1;
	if (RAND_bytes(cek, sizeof(cek)) != 1 || RAND_bytes(iv, sizeof(iv)) != 1)
		goto out;
	ct = malloc(secret_len + 16);
	if (!ct || aes_cbc(ct, &ct_len, cek, iv, secret, secret_len) ||
	    rsa_oaep(ek, &ek_len, pkey, cek, sizeof(cek)))
		goto out;

	ktri_len = 3 + 34 + sizeof(alg_oaep) + hdr_len(ek_len) + ek_len;
	set_len = hdr_len(ktri_len) + ktri_len;
	b.cap = 64 + hdr_len(set_len) + set_len + sizeof(alg_aes_head) + 16 +
		hdr_len(ct_len) + ct_len + 32;
	b.p = malloc(b.cap);
	if (!b.p)
		goto out;
	put(&b, "\x30\x80", 2);
	put(&b, oid_enveloped, sizeof(oid_enveloped));
	put(&b, "\xa0\x80", 2);
	put(&b, "\x30\x80", 2);
	put(&b, "\x02\x01\x02", 3);
	put_hdr(&b, 0x31, set_len);
	put_hdr(&b, 0x30, ktri_len);
	put(&b, "\x02\x01\x02", 3);
	put(&b, "\x80\x20", 2);
	put(&b, ski, 32);
	put(&b, alg_oaep, sizeof(alg_oaep));
	put_hdr(&b, 0x04, ek_len);
	put(&b, ek, ek_len);
	put(&b, "\x30\x80", 2);
	put(&b, oid_data, sizeof(oid_data));
	put(&b, alg_aes_head, sizeof(alg_aes_head));
	put(&b, iv, sizeof(iv));
	put(&b, "\xa0\x80", 2);
	put_hdr(&b, 0x04, ct_len);
	put(&b, ct, ct_len);
	put(&b, "\x00\x00", 2);		/* encryptedContent */
	put(&b, "\x00\x00", 2);		/* EncryptedContentInfo */
	put(&b, "\x00\x00", 2);		/* EnvelopedData */
	put(&b, "\x00\x00", 2);		/* [0] */
	put(&b, "\x00\x00", 2);		/* ContentInfo */
	*out = b.p;
	*out_len = b.len;
	b.p = NULL;
	ret = 0;
out:
	kms_wipe(cek, sizeof(cek));
	free(ct);
	free(b.p);
	return ret;
}
