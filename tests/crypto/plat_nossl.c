// SPDX-License-Identifier: GPL-2.0
/*
 * The core's platform services without OpenSSL, for the builds that have
 * none: the 32-bit (-m32) constant-time check, whose machine has no i386
 * OpenSSL. SHA-384 is a plain FIPS 180-4 implementation - rotations,
 * additions and logic on 64-bit words, no table indexed by data, so it is
 * constant time for secret input (HMAC keys) as the core requires of the
 * platform's hash; ct_p384's "kat" mode checks it against FIPS 180-2's
 * "abc" vector and RFC 6979's P-384 signatures. Randomness from
 * getrandom(2), time from clock_gettime(2).
 */
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "../../kmod/core/platform.h"

static const u64 k512[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL,
	0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL,
	0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
	0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL, 0x2de92c6f592b0275ULL,
	0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL,
	0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL,
	0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL,
	0x92722c851482353bULL, 0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
	0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL,
	0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL,
	0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL,
	0xc67178f2e372532bULL, 0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL,
	0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
	0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

struct sha384 {
	u64 h[8];
	u8 buf[128];
	size_t used;
	u64 total;
};

static u64 ror(u64 x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

static void block(struct sha384 *c, const u8 *p)
{
	u64 w[80], a, b, d, e, f, g, h, cc, t1, t2;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		w[i] = 0;
		for (unsigned int j = 0; j < 8; j++)
			w[i] = w[i] << 8 | p[8 * i + j];
	}
	for (i = 16; i < 80; i++)
		w[i] = (ror(w[i - 2], 19) ^ ror(w[i - 2], 61) ^ (w[i - 2] >> 6)) +
		       w[i - 7] +
		       (ror(w[i - 15], 1) ^ ror(w[i - 15], 8) ^ (w[i - 15] >> 7)) +
		       w[i - 16];
	a = c->h[0];
	b = c->h[1];
	cc = c->h[2];
	d = c->h[3];
	e = c->h[4];
	f = c->h[5];
	g = c->h[6];
	h = c->h[7];
	for (i = 0; i < 80; i++) {
		t1 = h + (ror(e, 14) ^ ror(e, 18) ^ ror(e, 41)) +
		     ((e & f) ^ (~e & g)) + k512[i] + w[i];
		t2 = (ror(a, 28) ^ ror(a, 34) ^ ror(a, 39)) +
		     ((a & b) ^ (a & cc) ^ (b & cc));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = cc;
		cc = b;
		b = a;
		a = t1 + t2;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
	c->h[5] += f;
	c->h[6] += g;
	c->h[7] += h;
}

static void update(struct sha384 *c, const u8 *p, size_t len)
{
	c->total += len;
	while (len) {
		size_t n = sizeof(c->buf) - c->used;

		if (n > len)
			n = len;
		memcpy(c->buf + c->used, p, n);
		c->used += n;
		p += n;
		len -= n;
		if (c->used == sizeof(c->buf)) {
			block(c, c->buf);
			c->used = 0;
		}
	}
}

int nsm_plat_sha384(const struct nsm_sg *sg, unsigned int n,
		    u8 out[NSM_SHA384_LEN])
{
	static const u64 iv[8] = {
		0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL,
		0x9159015a3070dd17ULL, 0x152fecd8f70e5939ULL,
		0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL,
		0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL,
	};
	struct sha384 c = { .used = 0, .total = 0 };
	u64 bits;
	unsigned int i;

	memcpy(c.h, iv, sizeof(iv));
	for (i = 0; i < n; i++)
		update(&c, sg[i].data, sg[i].len);
	bits = c.total * 8;
	c.buf[c.used++] = 0x80;
	if (c.used > 112) {
		memset(c.buf + c.used, 0, sizeof(c.buf) - c.used);
		block(&c, c.buf);
		c.used = 0;
	}
	memset(c.buf + c.used, 0, 120 - c.used);
	for (i = 0; i < 8; i++)
		c.buf[120 + i] = (u8)(bits >> (56 - 8 * i));
	block(&c, c.buf);
	for (i = 0; i < NSM_SHA384_LEN; i++)
		out[i] = (u8)(c.h[i / 8] >> (56 - 8 * (i % 8)));
	memset(&c, 0, sizeof(c));
	return 0;
}

int nsm_plat_random(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t got = getrandom(p, len, 0);

		if (got < 0)
			return -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

u64 nsm_plat_time_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

void *nsm_plat_alloc(size_t len)
{
	return calloc(1, len ? len : 1);
}

void nsm_plat_wipe(void *p, size_t len)
{
	if (p)
		explicit_bzero(p, len);
}

void nsm_plat_free(void *p, size_t len)
{
	nsm_plat_wipe(p, len);
	free(p);
}
