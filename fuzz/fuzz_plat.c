// SPDX-License-Identifier: GPL-2.0
/*
 * The core's platform services for the deep fuzzers and their seed writer:
 * SHA-384 from OpenSSL, a pinned clock (FUZZ_NOW_MS), and a deterministic
 * random stream - SHA-384 over (label, number, block counter) - instead of
 * getrandom(2), so that keys, serials and so documents depend only on what
 * was asked for since the last fuzz_rng_reset(). Never for real keys.
 */
#include <openssl/evp.h>

#include "fuzz.h"

static struct {
	char label[32];
	unsigned int n;
	u64 block;
	u8 buf[NSM_SHA384_LEN];
	size_t used;
} rng = { .used = NSM_SHA384_LEN };

int nsm_plat_sha384(const struct nsm_sg *sg, unsigned int n,
		    u8 out[NSM_SHA384_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int i;
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha384(), NULL);
	for (i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, sg[i].data, sg[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

void fuzz_rng_reset(const char *label, unsigned int n)
{
	memset(&rng, 0, sizeof(rng));
	snprintf(rng.label, sizeof(rng.label), "%s", label);
	rng.n = n;
	rng.used = NSM_SHA384_LEN;
}

int nsm_plat_random(void *buf, size_t len)
{
	struct nsm_sg sg[3] = {
		{ rng.label, sizeof(rng.label) },
		{ &rng.n, sizeof(rng.n) },
		{ &rng.block, sizeof(rng.block) },
	};
	u8 *p = buf;

	while (len) {
		if (rng.used == NSM_SHA384_LEN) {
			if (nsm_plat_sha384(sg, 3, rng.buf))
				return -1;
			rng.block++;
			rng.used = 0;
		}
		*p++ = rng.buf[rng.used++];
		len--;
	}
	return 0;
}

u64 nsm_plat_time_ms(void)
{
	return FUZZ_NOW_MS;
}

void *nsm_plat_alloc(size_t len)
{
	return calloc(1, len ? len : 1);
}

void nsm_plat_wipe(void *p, size_t len)
{
	if (p)
		memset(p, 0, len);
}

void nsm_plat_free(void *p, size_t len)
{
	nsm_plat_wipe(p, len);
	free(p);
}

u8 fuzz_u8(struct fuzz_in *in)
{
	u8 v = 0;

	if (in->len) {
		v = *in->p++;
		in->len--;
	}
	return v;
}

u16 fuzz_u16(struct fuzz_in *in)
{
	u16 v = fuzz_u8(in);

	return (u16)(v << 8 | fuzz_u8(in));
}

u32 fuzz_u32(struct fuzz_in *in)
{
	u32 v = fuzz_u16(in);

	return v << 16 | fuzz_u16(in);
}

u64 fuzz_u64(struct fuzz_in *in)
{
	u64 v = fuzz_u32(in);

	return v << 32 | fuzz_u32(in);
}

const u8 *fuzz_bytes(struct fuzz_in *in, size_t n, size_t *got)
{
	const u8 *p = in->p;

	if (n > in->len)
		n = in->len;
	in->p += n;
	in->len -= n;
	*got = n;
	return p;
}
