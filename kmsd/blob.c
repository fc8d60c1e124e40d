// SPDX-License-Identifier: GPL-2.0
/*
 * Ciphertext blobs. KMS's format is opaque to clients, which only carry it
 * back to Decrypt; ours names the key (Decrypt needs no KeyId, as in KMS)
 * and binds it and the encryption context into AES-256-GCM's tag, so a
 * blob altered anywhere, moved to another key, or given with another
 * context fails to open.
 *
 *   "NKM1" | key id (36 ASCII) | IV (12) | ciphertext | tag (16)
 *   AAD = "NKM1" | key id | context
 *   context = for each pair, keys in byte order: len(k) | k | len(v) | v,
 *             lengths 4-byte big-endian (so no two contexts collide)
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "kmsd.h"

#define MAGIC "NKM1"
#define HDR_LEN (4 + KMSD_UUID_LEN)
#define IV_LEN 12
#define TAG_LEN 16

static int gcm(int enc, uint8_t *out, const uint8_t key[32],
	       const uint8_t iv[IV_LEN], const uint8_t *aad, size_t aad_len,
	       const uint8_t *in, size_t in_len, uint8_t tag[TAG_LEN])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok = 0;

	if (!c)
		return -1;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, IV_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) != 1)
		goto out;
	if (aad_len && EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) != 1)
		goto out;
	if (in_len && EVP_CipherUpdate(c, out, &n, in, (int)in_len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(c, out + in_len, &n) != 1)
		goto out;
	if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* out: IV | ct | tag  (pt_len + 28 bytes) */
int kms_gcm_seal(uint8_t *out, const uint8_t key[32], const uint8_t *aad,
		 size_t aad_len, const uint8_t *pt, size_t pt_len)
{
	if (RAND_bytes(out, IV_LEN) != 1)
		return -1;
	return gcm(1, out + IV_LEN, key, out, aad, aad_len, pt, pt_len,
		   out + IV_LEN + pt_len);
}

/* in: IV | ct | tag; out receives in_len - 28 bytes */
int kms_gcm_open(uint8_t *out, const uint8_t key[32], const uint8_t *aad,
		 size_t aad_len, const uint8_t *in, size_t in_len)
{
	uint8_t tag[TAG_LEN];

	if (in_len < IV_LEN + TAG_LEN)
		return -1;
	memcpy(tag, in + in_len - TAG_LEN, TAG_LEN);
	return gcm(0, out, key, in, aad, aad_len, in + IV_LEN,
		   in_len - IV_LEN - TAG_LEN, tag);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* AAD for @hdr and @context (a validated string->string object or NULL). */
static uint8_t *make_aad(const uint8_t hdr[HDR_LEN], json_object *context,
			 size_t *len)
{
	const char **keys = NULL;
	size_t n = 0, i, total = HDR_LEN, o;
	uint8_t *aad;

	if (context) {
		n = (size_t)json_object_object_length(context);
		keys = calloc(n ? n : 1, sizeof(*keys));
		if (!keys)
			return NULL;
		i = 0;
		json_object_object_foreach(context, k, v) {
			keys[i++] = k;
			total += 8 + strlen(k) + (size_t)json_object_get_string_len(v);
		}
		qsort(keys, n, sizeof(*keys), cmp_str);
	}
	aad = malloc(total);
	if (!aad) {
		free(keys);
		return NULL;
	}
	memcpy(aad, hdr, HDR_LEN);
	o = HDR_LEN;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_object_get(context, keys[i]);
		size_t kl = strlen(keys[i]);
		size_t vl = (size_t)json_object_get_string_len(v);

		put32(aad + o, kl);
		memcpy(aad + o + 4, keys[i], kl);
		o += 4 + kl;
		put32(aad + o, vl);
		memcpy(aad + o + 4, json_object_get_string(v), vl);
		o += 4 + vl;
	}
	free(keys);
	*len = total;
	return aad;
}

int kms_blob_seal(uint8_t **out, size_t *out_len, const struct kms_key *k,
		  json_object *context, const uint8_t *pt, size_t pt_len)
{
	size_t aad_len, len = KMSD_BLOB_OVERHEAD + pt_len;
	uint8_t *blob, *aad;

	blob = malloc(len);
	if (!blob)
		return -1;
	memcpy(blob, MAGIC, 4);
	memcpy(blob + 4, k->id, KMSD_UUID_LEN);
	aad = make_aad(blob, context, &aad_len);
	if (!aad || kms_gcm_seal(blob + HDR_LEN, k->material, aad, aad_len,
				 pt, pt_len)) {
		free(aad);
		free(blob);
		return -1;
	}
	free(aad);
	*out = blob;
	*out_len = len;
	return 0;
}

int kms_blob_key_id(const uint8_t *blob, size_t len,
		    char id[KMSD_UUID_LEN + 1])
{
	if (len < KMSD_BLOB_OVERHEAD || memcmp(blob, MAGIC, 4))
		return -1;
	memcpy(id, blob + 4, KMSD_UUID_LEN);
	id[KMSD_UUID_LEN] = 0;
	return kms_is_uuid(id) ? 0 : -1;
}

int kms_blob_open(uint8_t **out, size_t *out_len, const struct kms_key *k,
		  json_object *context, const uint8_t *blob, size_t len)
{
	size_t aad_len, pt_len;
	uint8_t *aad, *pt;

	*out = NULL;
	*out_len = 0;
	if (len < KMSD_BLOB_OVERHEAD || memcmp(blob, MAGIC, 4) ||
	    memcmp(blob + 4, k->id, KMSD_UUID_LEN))
		return -1;
	pt_len = len - KMSD_BLOB_OVERHEAD;
	pt = malloc(pt_len ? pt_len : 1);
	aad = make_aad(blob, context, &aad_len);
	if (!pt || !aad || kms_gcm_open(pt, k->material, aad, aad_len,
					blob + HDR_LEN, len - HDR_LEN)) {
		kms_wipe(pt, pt_len);
		free(pt);
		free(aad);
		return -1;
	}
	free(aad);
	*out = pt;
	*out_len = pt_len;
	return 0;
}
