// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * P-384 point arithmetic: complete projective formulas and the
 * constant-time scalar multiplications built on them.
 *
 * The addition and doubling formulas are Algorithms 4, 5 and 6 of Renes,
 * Costello and Batina, "Complete addition formulas for prime order elliptic
 * curves" (EUROCRYPT 2016, eprint 2015/1060), specialised to a = -3. They
 * are complete: correct for every pair of inputs, including the point at
 * infinity (0:1:0), P + P and P + (-P), so the scalar multiplications need
 * no special case and therefore no branch on secret data. Algorithm 5 (the
 * mixed addition with an affine point) requires that point not to be the
 * point at infinity; the comb only feeds it table entries, and discards the
 * result with a masked move when the digit is zero.
 */
#include "p384_limbs.h"

/* b of y^2 = x^3 - 3x + b, Montgomery form */
const u64 p384_b_mont[P384_LIMBS] = {
	0x081188719d412dccULL, 0xf729add87a4c32ecULL, 0x77f2209b1920022eULL,
	0xe3374bee94938ae2ULL, 0xb62b21f41f022094ULL, 0xcd08114b604fbff9ULL,
};

#define fmul p384_fe_mul

/*
 * Local out-of-line copies of the modular addition and subtraction:
 * inlining them into the formulas made no measurable difference in speed
 * but grew this file's code eightfold and the formulas' stack frames from
 * ~500 to ~830 bytes.
 */
static noinline void fadd(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
			  const u64 b[P384_LIMBS])
{
	mont_add(r, a, b, P_M);
}

static noinline void fsub(u64 r[P384_LIMBS], const u64 a[P384_LIMBS],
			  const u64 b[P384_LIMBS])
{
	mont_sub(r, a, b, P_M);
}

/* all-ones if a == b, else 0 (small unsigned values) */
static inline u64 eq_mask(u32 a, u32 b)
{
	u64 x = a ^ b;

	return ((0 - x) >> 63) - 1;
}

void p384_point_set_infinity(struct p384_point *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->y, p384_p.one, sizeof(r->y));
}

void p384_point_cmov(struct p384_point *r, const struct p384_point *a,
		     u64 mask)
{
	p384_cmov(r->x, a->x, mask);
	p384_cmov(r->y, a->y, mask);
	p384_cmov(r->z, a->z, mask);
}

/**
 * p384_point_add() - r = a + b, complete (RCB Algorithm 4, a = -3)
 * @r: result, may alias @a or @b
 * @a: first point, projective
 * @b: second point, projective
 */
void p384_point_add(struct p384_point *r, const struct p384_point *a,
		    const struct p384_point *b)
{
	u64 t0[P384_LIMBS], t1[P384_LIMBS], t2[P384_LIMBS], t3[P384_LIMBS];
	u64 t4[P384_LIMBS], x3[P384_LIMBS], y3[P384_LIMBS], z3[P384_LIMBS];

	fmul(t0, a->x, b->x);
	fmul(t1, a->y, b->y);
	fmul(t2, a->z, b->z);
	fadd(t3, a->x, a->y);
	fadd(t4, b->x, b->y);
	fmul(t3, t3, t4);
	fadd(t4, t0, t1);
	fsub(t3, t3, t4);
	fadd(t4, a->y, a->z);
	fadd(x3, b->y, b->z);
	fmul(t4, t4, x3);
	fadd(x3, t1, t2);
	fsub(t4, t4, x3);
	fadd(x3, a->x, a->z);
	fadd(y3, b->x, b->z);
	fmul(x3, x3, y3);
	fadd(y3, t0, t2);
	fsub(y3, x3, y3);
	fmul(z3, p384_b_mont, t2);
	fsub(x3, y3, z3);
	fadd(z3, x3, x3);
	fadd(x3, x3, z3);
	fsub(z3, t1, x3);
	fadd(x3, t1, x3);
	fmul(y3, p384_b_mont, y3);
	fadd(t1, t2, t2);
	fadd(t2, t1, t2);
	fsub(y3, y3, t2);
	fsub(y3, y3, t0);
	fadd(t1, y3, y3);
	fadd(y3, t1, y3);
	fadd(t1, t0, t0);
	fadd(t0, t1, t0);
	fsub(t0, t0, t2);
	fmul(t1, t4, y3);
	fmul(t2, t0, y3);
	fmul(y3, x3, z3);
	fadd(y3, y3, t2);
	fmul(x3, t3, x3);
	fsub(x3, x3, t1);
	fmul(z3, t4, z3);
	fmul(t1, t3, t0);
	fadd(z3, z3, t1);

	memcpy(r->x, x3, sizeof(x3));
	memcpy(r->y, y3, sizeof(y3));
	memcpy(r->z, z3, sizeof(z3));
}

/**
 * p384_point_add_affine() - r = a + b with b affine and not infinity
 * @r: result, may alias @a
 * @a: projective point, any (infinity included)
 * @b: affine point, not infinity
 *
 * RCB Algorithm 5 (a = -3); complete for every projective @a.
 */
void p384_point_add_affine(struct p384_point *r, const struct p384_point *a,
			   const struct p384_affine *b)
{
	u64 t0[P384_LIMBS], t1[P384_LIMBS], t2[P384_LIMBS], t3[P384_LIMBS];
	u64 t4[P384_LIMBS], x3[P384_LIMBS], y3[P384_LIMBS], z3[P384_LIMBS];

	fmul(t0, a->x, b->x);
	fmul(t1, a->y, b->y);
	fadd(t3, b->x, b->y);
	fadd(t4, a->x, a->y);
	fmul(t3, t3, t4);
	fadd(t4, t0, t1);
	fsub(t3, t3, t4);
	fmul(t4, b->y, a->z);
	fadd(t4, t4, a->y);
	fmul(y3, b->x, a->z);
	fadd(y3, y3, a->x);
	fmul(z3, p384_b_mont, a->z);
	fsub(x3, y3, z3);
	fadd(z3, x3, x3);
	fadd(x3, x3, z3);
	fsub(z3, t1, x3);
	fadd(x3, t1, x3);
	fmul(y3, p384_b_mont, y3);
	fadd(t1, a->z, a->z);
	fadd(t2, t1, a->z);
	fsub(y3, y3, t2);
	fsub(y3, y3, t0);
	fadd(t1, y3, y3);
	fadd(y3, t1, y3);
	fadd(t1, t0, t0);
	fadd(t0, t1, t0);
	fsub(t0, t0, t2);
	fmul(t1, t4, y3);
	fmul(t2, t0, y3);
	fmul(y3, x3, z3);
	fadd(y3, y3, t2);
	fmul(x3, t3, x3);
	fsub(x3, x3, t1);
	fmul(z3, t4, z3);
	fmul(t1, t3, t0);
	fadd(z3, z3, t1);

	memcpy(r->x, x3, sizeof(x3));
	memcpy(r->y, y3, sizeof(y3));
	memcpy(r->z, z3, sizeof(z3));
}

/**
 * p384_point_double() - r = 2a, complete (RCB Algorithm 6, a = -3)
 * @r: result, may alias @a
 * @a: projective point, any (infinity included)
 */
void p384_point_double(struct p384_point *r, const struct p384_point *a)
{
	u64 t0[P384_LIMBS], t1[P384_LIMBS], t2[P384_LIMBS], t3[P384_LIMBS];
	u64 x3[P384_LIMBS], y3[P384_LIMBS], z3[P384_LIMBS];

	fmul(t0, a->x, a->x);
	fmul(t1, a->y, a->y);
	fmul(t2, a->z, a->z);
	fmul(t3, a->x, a->y);
	fadd(t3, t3, t3);
	fmul(z3, a->x, a->z);
	fadd(z3, z3, z3);
	fmul(y3, p384_b_mont, t2);
	fsub(y3, y3, z3);
	fadd(x3, y3, y3);
	fadd(y3, x3, y3);
	fsub(x3, t1, y3);
	fadd(y3, t1, y3);
	fmul(y3, x3, y3);
	fmul(x3, x3, t3);
	fadd(t3, t2, t2);
	fadd(t2, t2, t3);
	fmul(z3, p384_b_mont, z3);
	fsub(z3, z3, t2);
	fsub(z3, z3, t0);
	fadd(t3, z3, z3);
	fadd(z3, z3, t3);
	fadd(t3, t0, t0);
	fadd(t0, t3, t0);
	fsub(t0, t0, t2);
	fmul(t0, t0, z3);
	fadd(y3, y3, t0);
	fmul(t0, a->y, a->z);
	fadd(t0, t0, t0);
	fmul(z3, t0, z3);
	fsub(x3, x3, z3);
	fmul(z3, t0, t1);
	fadd(z3, z3, z3);
	fadd(z3, z3, z3);

	memcpy(r->x, x3, sizeof(x3));
	memcpy(r->y, y3, sizeof(y3));
	memcpy(r->z, z3, sizeof(z3));
}

/**
 * p384_point_to_affine() - x = X/Z, y = Y/Z (Montgomery form)
 * @x: receives the affine x
 * @y: receives the affine y
 * @a: projective point
 *
 * Return: 0, or -1 if @a is the point at infinity (x, y are then 0).
 *
 * Constant time; the return value is computed without branching, and only
 * the caller decides whether it is public.
 */
int p384_point_to_affine(u64 x[P384_LIMBS], u64 y[P384_LIMBS],
			 const struct p384_point *a)
{
	u64 zinv[P384_LIMBS];
	int inf = (int)(p384_zero_mask(a->z) & 1);

	p384_mod_inv(zinv, a->z, &p384_p);
	fmul(x, a->x, zinv);
	fmul(y, a->y, zinv);
	return -inf;
}

/* per-digit temporaries of the comb, wiped once per multiplication */
struct comb_scratch {
	struct p384_affine q;
	struct p384_point sum;
	u64 negy[P384_LIMBS];
};

/*
 * r += d * 2^(10 row) * G for a signed digit -16 <= d <= 16, in constant
 * time: all sixteen table entries of the row are read, the wanted one is
 * kept with a mask, its y negated with a mask, and the sum discarded with
 * a mask when d is 0. The selected point and the sum live in @s, which the
 * caller wipes once at the end.
 */
static void comb_add_digit(struct p384_point *r, int row, int d,
			   struct comb_scratch *s)
{
	const struct p384_affine *line = p384_comb_table[row];
	u32 ud = (u32)d;
	u32 neg = ud >> 31;
	u32 mag = (ud ^ (0 - neg)) + neg;
	int i;

	memset(&s->q, 0, sizeof(s->q));
	for (i = 0; i < P384_COMB_COLS; i++) {
		u64 m = eq_mask(mag, (u32)i + 1);

		p384_cmov(s->q.x, line[i].x, m);
		p384_cmov(s->q.y, line[i].y, m);
	}
	memset(s->negy, 0, sizeof(s->negy));
	fsub(s->negy, s->negy, s->q.y);
	p384_cmov(s->q.y, s->negy, 0 - (u64)neg);

	p384_point_add_affine(&s->sum, r, &s->q);
	p384_point_cmov(r, &s->sum, ~eq_mask(mag, 0));
}

/**
 * p384_comb_recode() - signed radix-32 digits of a scalar, for the comb
 * @e: receives P384_COMB_DIGITS digits e_i in [-16, 16], k = sum e_i 32^i
 * @k: a scalar below 2^384
 *
 * Each window's carry into the next is computed arithmetically, never
 * branched on; only the loop counter indexes memory. The top window
 * holds 4 bits, so its digit (at most 16 with the carry) needs no
 * recoding. Callers wipe @e when @k is secret.
 */
void p384_comb_recode(signed char e[P384_COMB_DIGITS], const u64 k[P384_LIMBS])
{
	u32 carry = 0;
	int i;

	for (i = 0; i < P384_COMB_DIGITS; i++) {
		int pos = P384_COMB_WINDOW * i, limb = pos / 64, off = pos % 64;
		u64 w = k[limb] >> off;
		u32 d;

		/* public positions: windows straddling two limbs */
		if (off > 64 - P384_COMB_WINDOW && limb + 1 < P384_LIMBS)
			w |= k[limb + 1] << (64 - off);
		d = (u32)(w & 31) + carry;
		if (i == P384_COMB_DIGITS - 1) {
			e[i] = (signed char)d;
			break;
		}
		carry = (d + 16) >> 5;
		e[i] = (signed char)((int)d - (int)(carry << 5));
	}
	nsm_plat_wipe(&carry, sizeof(carry));
}

/**
 * p384_scalar_mul_base() - r = k * G in constant time
 * @r: result, projective
 * @k: any 384-bit scalar (callers pass reduced ones)
 *
 * k is recoded into 77 signed radix-32 digits e_i in [-16, 16]:
 * k = sum e_i 32^i. Splitting odd and even positions,
 * k = 32 * sum e_{2j+1} 1024^j + sum e_{2j} 1024^j, so with the table
 * T[j][|d|-1] = |d| * 1024^j * G the whole product costs 38 + 39 mixed
 * additions and 5 doublings. The digit loop and the table scans are the
 * same for every k; only the loop counters index memory.
 */
void p384_scalar_mul_base(struct p384_point *r, const u64 k[P384_LIMBS])
{
	struct comb_scratch s;
	signed char e[P384_COMB_DIGITS];
	int i;

	p384_comb_recode(e, k);
	p384_point_set_infinity(r);
	for (i = 0; i < P384_COMB_DIGITS / 2; i++)
		comb_add_digit(r, i, e[2 * i + 1], &s);
	for (i = 0; i < P384_COMB_WINDOW; i++)
		p384_point_double(r, r);
	for (i = 0; i <= P384_COMB_DIGITS / 2; i++)
		comb_add_digit(r, i, e[2 * i], &s);

	nsm_plat_wipe(&s, sizeof(s));
	nsm_plat_wipe(e, sizeof(e));
}

/**
 * p384_double_scalar_mul() - r = u1 * G + u2 * q (for verification)
 * @r:  result, projective
 * @u1: multiplier of the generator
 * @u2: multiplier of @q
 * @q:  projective point
 *
 * Shamir's trick over the bits of both scalars, one doubling and one
 * complete addition per bit; the addend (O, G, q or G + q) is picked by a
 * masked scan, so the routine is constant time as well, though it is only
 * used with public inputs.
 */
void p384_double_scalar_mul(struct p384_point *r, const u64 u1[P384_LIMBS],
			    const u64 u2[P384_LIMBS],
			    const struct p384_point *q)
{
	struct p384_point tab[3], sel;
	int i, j;

	memcpy(tab[0].x, p384_comb_table[0][0].x, sizeof(tab[0].x));
	memcpy(tab[0].y, p384_comb_table[0][0].y, sizeof(tab[0].y));
	memcpy(tab[0].z, p384_p.one, sizeof(tab[0].z));
	tab[1] = *q;
	p384_point_add(&tab[2], &tab[0], q);

	p384_point_set_infinity(r);
	for (i = 383; i >= 0; i--) {
		u32 idx = (u32)((u1[i / 64] >> (i % 64)) & 1) |
			  (u32)(((u2[i / 64] >> (i % 64)) & 1) << 1);

		p384_point_double(r, r);
		p384_point_set_infinity(&sel);
		for (j = 0; j < 3; j++)
			p384_point_cmov(&sel, &tab[j], eq_mask(idx, (u32)j + 1));
		p384_point_add(r, r, &sel);
	}
}
