/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Inline limb arithmetic of the P-384 code: carry chains, Montgomery
 * multiplication, modular addition and subtraction. Included by the .c
 * files that need them inlined (p384_mod.c, p384_point.c); everything is
 * straight-line code whose branches and memory accesses depend only on the
 * public modulus.
 *
 * The 64x64->128 multiply uses unsigned __int128 where the compiler has it
 * (gcc and clang on every 64-bit target: one MUL instruction on x86_64, no
 * libgcc helper; only multiplication, addition and shifts are done on the
 * 128-bit type, never division). Elsewhere a portable 32-bit-halves version
 * is used.
 */
#ifndef NSM_CORE_P384_LIMBS_H
#define NSM_CORE_P384_LIMBS_H

#include "p384_int.h"

#if defined(__SIZEOF_INT128__)
/* (*hi, return) = a * b + c + d; cannot overflow 128 bits */
static __always_inline u64 mac(u64 *hi, u64 a, u64 b, u64 c, u64 d)
{
	unsigned __int128 x = (unsigned __int128)a * b + c + d;

	*hi = (u64)(x >> 64);
	return (u64)x;
}

/* return a + b + *carry, *carry receives the carry out (0 or 1) */
static __always_inline u64 addc(u64 a, u64 b, u64 *carry)
{
	unsigned __int128 x = (unsigned __int128)a + b + *carry;

	*carry = (u64)(x >> 64);
	return (u64)x;
}

/* return a - b - *borrow, *borrow receives the borrow out (0 or 1) */
static __always_inline u64 subb(u64 a, u64 b, u64 *borrow)
{
	unsigned __int128 x = (unsigned __int128)a - b - *borrow;

	*borrow = (u64)(x >> 64) & 1;
	return (u64)x;
}
#else
/*
 * Without a 128-bit type. The carries and borrows are computed from the
 * top bits with logic, never with a comparison: on a 32-bit target a
 * 64-bit "a < b" compiles to a conditional jump on the secret operands
 * (gcc -m32 does so), which the constant-time check catches
 * (tests/crypto ct-check, its -m32 build).
 */

/* carry out of s = a + b (+ 1): the majority of the top bits of a, b, ~s */
static __always_inline u64 carry_of(u64 a, u64 b, u64 s)
{
	return ((a & b) | ((a | b) & ~s)) >> 63;
}

/* borrow out of d = a - b (- 1) */
static __always_inline u64 borrow_of(u64 a, u64 b, u64 d)
{
	return ((~a & b) | ((~a | b) & d)) >> 63;
}

static __always_inline u64 mac(u64 *hi, u64 a, u64 b, u64 c, u64 d)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
	u64 lo = (mid << 32) | (u32)ll;
	u64 h = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	u64 t = lo + c;

	h += carry_of(lo, c, t);
	lo = t + d;
	h += carry_of(t, d, lo);
	*hi = h;
	return lo;
}

static __always_inline u64 addc(u64 a, u64 b, u64 *carry)
{
	u64 t = a + b + *carry;

	*carry = carry_of(a, b, t);
	return t;
}

static __always_inline u64 subb(u64 a, u64 b, u64 *borrow)
{
	u64 t = a - b - *borrow;

	*borrow = borrow_of(a, b, t);
	return t;
}
#endif

/* all-ones if x != 0, else 0 */
static __always_inline u64 nonzero_mask(u64 x)
{
	return 0 - ((x | (0 - x)) >> 63);
}

/*
 * The loops of the P-384 code have a fixed trip count of six; the
 * "#pragma GCC unroll 8" before each (understood by gcc >= 8 and by clang)
 * lets the compiler keep everything in registers and fold the modulus
 * constants.
 */

/*
 * r = (hi:t) - m if that does not underflow, else t. hi is the carry bit
 * above t; callers guarantee (hi:t) < 2m.
 */
static __always_inline void final_sub(u64 r[P384_LIMBS],
				      const u64 t[P384_LIMBS], u64 hi,
				      const u64 m[P384_LIMBS])
{
	u64 u[P384_LIMBS];
	u64 borrow = 0, keep;
	int i;

	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		u[i] = subb(t[i], m[i], &borrow);
	/* hi - borrow underflows exactly when (hi:t) < m: keep t then */
	keep = 0 - ((hi - borrow) >> 63);
	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		r[i] = (t[i] & keep) | (u[i] & ~keep);
}

/*
 * Montgomery product r = a * b / 2^384 mod m by coarsely integrated
 * operand scanning (CIOS). Requires a * b < m * 2^384 (true when both are
 * < m, or one is < m and the other any 384-bit value); the result is fully
 * reduced. Inlined into one function per modulus so that m and m0inv are
 * compile-time constants.
 */
static __always_inline void mont_mul(u64 r[P384_LIMBS],
				     const u64 a[P384_LIMBS],
				     const u64 b[P384_LIMBS],
				     const u64 m[P384_LIMBS], u64 m0inv)
{
	u64 t[P384_LIMBS + 2] = { 0 };
	u64 c, mu, carry;
	int i, j;

	/*
	 * Not unrolled without a 128-bit type: on 32-bit x86 the 36 inlined
	 * portable multiplies then spill into a frame of 1.5 KB (3.7 KB
	 * with the carry logic above), over a 32-bit kernel's 1024-byte
	 * FRAME_WARN; rolled, it stays under 900 bytes.
	 */
#if defined(__SIZEOF_INT128__)
	#pragma GCC unroll 8
#else
	#pragma GCC unroll 1
#endif
	for (i = 0; i < P384_LIMBS; i++) {
		c = 0;
		#pragma GCC unroll 8
		for (j = 0; j < P384_LIMBS; j++)
			t[j] = mac(&c, a[j], b[i], t[j], c);
		carry = 0;
		t[P384_LIMBS] = addc(t[P384_LIMBS], c, &carry);
		t[P384_LIMBS + 1] = carry;

		mu = t[0] * m0inv;
		(void)mac(&c, mu, m[0], t[0], 0);
		#pragma GCC unroll 8
		for (j = 1; j < P384_LIMBS; j++)
			t[j - 1] = mac(&c, mu, m[j], t[j], c);
		carry = 0;
		t[P384_LIMBS - 1] = addc(t[P384_LIMBS], c, &carry);
		t[P384_LIMBS] = t[P384_LIMBS + 1] + carry;
	}
	final_sub(r, t, t[P384_LIMBS], m);
}

static __always_inline void mont_add(u64 r[P384_LIMBS],
				     const u64 a[P384_LIMBS],
				     const u64 b[P384_LIMBS],
				     const u64 m[P384_LIMBS])
{
	u64 t[P384_LIMBS];
	u64 carry = 0;
	int i;

	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		t[i] = addc(a[i], b[i], &carry);
	final_sub(r, t, carry, m);
}

static __always_inline void mont_sub(u64 r[P384_LIMBS],
				     const u64 a[P384_LIMBS],
				     const u64 b[P384_LIMBS],
				     const u64 m[P384_LIMBS])
{
	u64 t[P384_LIMBS];
	u64 borrow = 0, carry = 0, mask;
	int i;

	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		t[i] = subb(a[i], b[i], &borrow);
	/* add m back, masked to 0 when there was no borrow */
	mask = 0 - borrow;
	#pragma GCC unroll 8
	for (i = 0; i < P384_LIMBS; i++)
		r[i] = addc(t[i], m[i] & mask, &carry);
}

/* p as a constant the compiler can see through */
static const u64 P_M[P384_LIMBS] = {
	0x00000000ffffffffULL, 0xffffffff00000000ULL, 0xfffffffffffffffeULL,
	0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
};

#define P_M0INV 0x0000000100000001ULL

#endif /* NSM_CORE_P384_LIMBS_H */
