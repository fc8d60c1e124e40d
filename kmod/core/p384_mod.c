// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * Montgomery arithmetic modulo the P-384 prime p and the group order n.
 *
 * Six 64-bit limbs, little-endian. Every routine is straight-line code
 * whose memory accesses and branches depend only on the (public) modulus:
 * carries are propagated arithmetically and the final conditional
 * subtraction is a masked select, never a branch.
 */
#include "p384_limbs.h"

const struct p384_modulus p384_p = {
	.m = { 0x00000000ffffffffULL, 0xffffffff00000000ULL,
	       0xfffffffffffffffeULL, 0xffffffffffffffffULL,
	       0xffffffffffffffffULL, 0xffffffffffffffffULL },
	.m0inv = 0x0000000100000001ULL,
	.rr = { 0xfffffffe00000001ULL, 0x0000000200000000ULL,
		0xfffffffe00000000ULL, 0x0000000200000000ULL,
		0x0000000000000001ULL, 0x0000000000000000ULL },
	.one = { 0xffffffff00000001ULL, 0x00000000ffffffffULL,
		 0x0000000000000001ULL, 0, 0, 0 },
};

const struct p384_modulus p384_n = {
	.m = { 0xecec196accc52973ULL, 0x581a0db248b0a77aULL,
	       0xc7634d81f4372ddfULL, 0xffffffffffffffffULL,
	       0xffffffffffffffffULL, 0xffffffffffffffffULL },
	.m0inv = 0x6ed46089e88fdc45ULL,
	.rr = { 0x2d319b2419b409a9ULL, 0xff3d81e5df1aa419ULL,
		0xbc3e483afcb82947ULL, 0xd40d49174aab1cc5ULL,
		0x3fb05b7a28266895ULL, 0x0c84ee012b39bf21ULL },
	.one = { 0x1313e695333ad68dULL, 0xa7e5f24db74f5885ULL,
		 0x389cb27e0bc8d220ULL, 0, 0, 0 },
};

void p384_cmov(u64 r[P384_LIMBS], const u64 a[P384_LIMBS], u64 mask)
{
	int i;

	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		r[i] = (r[i] & ~mask) | (a[i] & mask);
}

/**
 * p384_lt_mask() - compare two plain 384-bit integers in constant time
 * @a: left operand
 * @b: right operand
 *
 * Return: all-ones if @a < @b, else 0.
 */
u64 p384_lt_mask(const u64 a[P384_LIMBS], const u64 b[P384_LIMBS])
{
	u64 borrow = 0;
	int i;

	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		(void)subb(a[i], b[i], &borrow);
	return 0 - borrow;
}

/**
 * p384_zero_mask() - test a 384-bit integer for zero in constant time
 * @a: the integer
 *
 * Return: all-ones if @a == 0, else 0.
 */
u64 p384_zero_mask(const u64 a[P384_LIMBS])
{
	u64 x = 0;
	int i;

	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		x |= a[i];
	return ~nonzero_mask(x);
}

/* n as a constant the compiler can see through */
static const u64 N_M[P384_LIMBS] = {
	0xecec196accc52973ULL, 0x581a0db248b0a77aULL, 0xc7634d81f4372ddfULL,
	0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
};

#define N_M0INV 0x6ed46089e88fdc45ULL

/** p384_fe_mul() - Montgomery product mod p; @r may alias @a or @b */
void p384_fe_mul(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		 const u64 b[P384_LIMBS])
{
	mont_mul(r, a, b, P_M, P_M0INV);
}

/** p384_fe_add() - r = a + b mod p */
void p384_fe_add(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		 const u64 b[P384_LIMBS])
{
	mont_add(r, a, b, P_M);
}

/** p384_fe_sub() - r = a - b mod p */
void p384_fe_sub(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		 const u64 b[P384_LIMBS])
{
	mont_sub(r, a, b, P_M);
}

static void sc_mul(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		   const u64 b[P384_LIMBS])
{
	mont_mul(r, a, b, N_M, N_M0INV);
}

/**
 * p384_reduce_once() - r = a mod m for a < 2m, in constant time
 * @r: result, may alias @a
 * @a: value below 2m (any 384-bit value for p and n)
 * @m: modulus
 */
void p384_reduce_once(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		      const struct p384_modulus *m)
{
	final_sub(r, a, 0, m->m);
}

/**
 * p384_mod_mul() - Montgomery product r = a * b / 2^384 mod m
 * @r: result, may alias @a or @b
 * @a: first factor
 * @b: second factor; a * b must be below m * 2^384
 * @m: &p384_p or &p384_n
 */
void p384_mod_mul(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		  const u64 b[P384_LIMBS], const struct p384_modulus *m)
{
	if (m == &p384_p)
		p384_fe_mul(r, a, b);
	else
		sc_mul(r, a, b);
}

/**
 * p384_mod_add() - r = a + b mod m
 * @r: result, may alias @a or @b
 * @a: first term, < m
 * @b: second term, < m
 * @m: modulus
 */
void p384_mod_add(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		  const u64 b[P384_LIMBS], const struct p384_modulus *m)
{
	mont_add(r, a, b, m->m);
}

/**
 * p384_mod_sub() - r = a - b mod m
 * @r: result, may alias @a or @b
 * @a: minuend, < m
 * @b: subtrahend, < m
 * @m: modulus
 */
void p384_mod_sub(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		  const u64 b[P384_LIMBS], const struct p384_modulus *m)
{
	mont_sub(r, a, b, m->m);
}

/**
 * p384_to_mont() - r = a * 2^384 mod m, for any 384-bit a (also reduces)
 * @r: result, may alias @a
 * @a: plain integer
 * @m: modulus
 */
void p384_to_mont(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		  const struct p384_modulus *m)
{
	p384_mod_mul(r, a, m->rr, m);
}

/**
 * p384_from_mont() - r = a / 2^384 mod m, leaving Montgomery form
 * @r: result, may alias @a
 * @a: Montgomery-form value
 * @m: modulus
 */
void p384_from_mont(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		    const struct p384_modulus *m)
{
	static const u64 one[P384_LIMBS] = { 1 };

	p384_mod_mul(r, a, one, m);
}

/* r = a^(2^n) * b, n >= 1 squarings then one multiplication, mod p */
static void fe_sqr_n_mul(u64 r[P384_LIMBS], const u64 a[P384_LIMBS], int n,
			 const u64 b[P384_LIMBS])
{
	u64 t[P384_LIMBS];

	p384_fe_mul(t, a, a);
	while (--n)
		p384_fe_mul(t, t, t);
	p384_fe_mul(r, t, b);
}

/*
 * a^(p-2) mod p by a fixed addition chain: 383 squarings and 14
 * multiplications instead of ~510 operations for a windowed ladder.
 * Reading p - 2 from the top: 255 ones, one zero, 32 ones, 64 zeros,
 * 30 ones, a zero and a one. xN below is a^(2^N - 1).
 */
static void fe_inv(u64 r[P384_LIMBS], const u64 a[P384_LIMBS])
{
	u64 x2[P384_LIMBS], x3[P384_LIMBS], x15[P384_LIMBS];
	u64 x30[P384_LIMBS], x32[P384_LIMBS], t[P384_LIMBS], u[P384_LIMBS];

	fe_sqr_n_mul(x2, a, 1, a);
	fe_sqr_n_mul(x3, x2, 1, a);
	fe_sqr_n_mul(t, x3, 3, x3);		/* x6 */
	fe_sqr_n_mul(t, t, 6, t);		/* x12 */
	fe_sqr_n_mul(x15, t, 3, x3);
	fe_sqr_n_mul(x30, x15, 15, x15);
	fe_sqr_n_mul(x32, x30, 2, x2);
	fe_sqr_n_mul(t, x30, 30, x30);		/* x60 */
	fe_sqr_n_mul(u, t, 60, t);		/* x120 */
	fe_sqr_n_mul(t, u, 120, u);		/* x240 */
	fe_sqr_n_mul(t, t, 15, x15);		/* x255 */
	fe_sqr_n_mul(t, t, 33, x32);		/* 0, then 32 ones */
	fe_sqr_n_mul(t, t, 94, x30);		/* 64 zeros, 30 ones */
	fe_sqr_n_mul(r, t, 2, a);		/* 0, 1 */

	nsm_plat_wipe(x2, sizeof(x2));
	nsm_plat_wipe(x3, sizeof(x3));
	nsm_plat_wipe(x15, sizeof(x15));
	nsm_plat_wipe(x30, sizeof(x30));
	nsm_plat_wipe(x32, sizeof(x32));
	nsm_plat_wipe(t, sizeof(t));
	nsm_plat_wipe(u, sizeof(u));
}

/*
 * a^(n-2) mod n: sliding window of up to 4 bits over the public exponent,
 * with the odd powers a^1, a^3, ..., a^15. The sequence of operations and
 * the table index depend on the exponent only.
 */
static void sc_inv(u64 r[P384_LIMBS], const u64 a[P384_LIMBS])
{
	u64 odd[8][P384_LIMBS], a2[P384_LIMBS], acc[P384_LIMBS];
	u64 e[P384_LIMBS];
	int i, j, w, bit;

	memcpy(e, N_M, sizeof(e));
	e[0] -= 2;		/* n is odd and n[0] > 2: no borrow */

	memcpy(odd[0], a, sizeof(odd[0]));
	sc_mul(a2, a, a);
	for (i = 1; i < 8; i++)
		sc_mul(odd[i], odd[i - 1], a2);

	memcpy(acc, p384_n.one, sizeof(acc));
	i = 383;
	while (i >= 0) {
		if (!((e[i / 64] >> (i % 64)) & 1)) {
			sc_mul(acc, acc, acc);
			i--;
			continue;
		}
		/* the longest window e[i..j] of at most 4 bits ending in a 1 */
		j = i - 3 < 0 ? 0 : i - 3;
		while (!((e[j / 64] >> (j % 64)) & 1))
			j++;
		w = 0;
		for (bit = i; bit >= j; bit--) {
			w = (w << 1) | (int)((e[bit / 64] >> (bit % 64)) & 1);
			sc_mul(acc, acc, acc);
		}
		sc_mul(acc, acc, odd[w >> 1]);
		i = j - 1;
	}
	memcpy(r, acc, sizeof(acc));
	nsm_plat_wipe(odd, sizeof(odd));
	nsm_plat_wipe(a2, sizeof(a2));
	nsm_plat_wipe(acc, sizeof(acc));
}

/**
 * p384_mod_inv() - r = a^(m-2) mod m (Fermat), Montgomery form in and out
 * @r: result, may alias @a
 * @a: value to invert, < m
 * @m: &p384_p or &p384_n
 *
 * The exponent m - 2 is public and fixed, so the sequence of squarings and
 * multiplications is the same for every input: a fixed addition chain for
 * p, a sliding window over the bits of n - 2 for n. An input of 0 gives 0.
 */
void p384_mod_inv(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
		  const struct p384_modulus *m)
{
	if (m == &p384_p)
		fe_inv(r, a);
	else
		sc_inv(r, a);
}

/**
 * p384_from_bytes() - big-endian 48 bytes to limbs (no reduction)
 * @r:  receives the limbs
 * @in: the bytes
 */
void p384_from_bytes(u64 r[P384_LIMBS], const u8 in[48])
{
	int i, j;

	for (i = 0; i < P384_LIMBS; i++) {
		u64 v = 0;

		for (j = 0; j < 8; j++)
			v = (v << 8) | in[(P384_LIMBS - 1 - i) * 8 + j];
		r[i] = v;
	}
}

/**
 * p384_to_bytes() - limbs to big-endian 48 bytes
 * @out: receives the bytes
 * @a:   the limbs
 */
void p384_to_bytes(u8 out[48], const u64 a[P384_LIMBS])
{
	int i, j;

	for (i = 0; i < P384_LIMBS; i++)
		for (j = 0; j < 8; j++)
			out[(P384_LIMBS - 1 - i) * 8 + j] =
				(u8)(a[i] >> (56 - 8 * j));
}
