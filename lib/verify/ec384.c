// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ECDSA P-384 verification for public inputs.
 *
 * Every input here is public (a certificate, a signature, a document), so
 * unlike the core's signer this code may branch on values and index tables
 * with them. It computes u1 * G + u2 * Q with one chain of 384 doublings in
 * Jacobian coordinates (a = -3: 3M + 5S each) and width-5 NAF digits of
 * both scalars, interleaved: the odd multiples 1G..15G come affine from the
 * first row of the core's comb table (mixed additions, 7M + 4S), those of Q
 * are computed per signature (full additions, 11M + 5S). The x coordinate
 * is compared projectively (X == r * Z^2), so no field inversion is done;
 * the one inversion is s^-1 mod n. About 5,000 field multiplications per
 * signature in all; `make bench` part (d) times it against OpenSSL 3.0's
 * generic P-384 (252 against 466 us here).
 *
 * Keys of trust anchors sign one certificate of nearly every chain, so
 * for them a comb table like the generator's is built once per process
 * (nsm__p384_verify_anchor(): 39 x 16 affine multiples, 60 KB, about a
 * millisecond to build); with it both products are comb sums of ~75 mixed
 * additions and 5 doublings, a third of the general case.
 *
 * The field arithmetic is the core's (kmod/core/p384_mod.c), in Montgomery
 * form; s^-1 mod n is a variable-time binary extended Euclid instead of
 * the core's constant-time exponentiation (~450 multiplications).
 */
#include <pthread.h>
#include <stdlib.h>
#include <openssl/crypto.h>

#include "p384_limbs.h"
#include "ec384.h"

typedef u64 fe[P384_LIMBS];

/* x = X / Z^2, y = Y / Z^3; Z == 0 is the point at infinity */
struct jac {
	fe x, y, z;
};

#define WNAF_W		5
#define WNAF_ODD	(1 << (WNAF_W - 2))	/* 1, 3, ..., 15: 8 points */
#define WNAF_LEN	(384 + 1)

static bool fe_is_zero(const fe a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}

static bool fe_eq(const fe a, const fe b)
{
	return !memcmp(a, b, sizeof(fe));
}

/*
 * The core's modular addition and subtraction, inlined here: in the
 * formulas below they are a fifth of the time as calls.
 */
static inline void fe_add(fe r, const fe a, const fe b)
{
	mont_add(r, a, b, P_M);
}

static inline void fe_sub(fe r, const fe a, const fe b)
{
	mont_sub(r, a, b, P_M);
}

/*
 * Multiplication. On x86-64 with BMI2 and ADX (Intel since 2014, AMD since
 * 2017) the Montgomery product is the same CIOS loop as the core's, in
 * assembly: MULX leaves the flags alone and ADCX/ADOX carry two addition
 * chains at once, about half the instructions gcc makes of the C (which
 * has to keep the carries in registers). Elsewhere, the core's C. The
 * choice is made once, by CPUID; test_ec384 compares the two.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

static const u64 fm_zero;
static const u64 fm_p[4] = {
	0x00000000ffffffffULL, 0xffffffff00000000ULL,
	0xfffffffffffffffeULL, 0xffffffffffffffffULL,	/* limbs 3..5 alike */
};

#define FM_S(x) #x
#define FM_T(r) "%[" FM_S(r) "]"
/*
 * One CIOS round: t += a * b[I], then t += mu * p with mu = t0 * (2^32 +
 * 1) (p's -p^-1 mod 2^64), which clears t0; that register is the zero
 * limb t7 of the next round, the others shift down by renaming.
 */
#define FM_ROUND(I, t0, t1, t2, t3, t4, t5, t6, t7)			\
	"movq " FM_S(I) "*8(%[b]), %%rdx\n\t"				\
	"xorl %k[lo], %k[lo]\n\t"					\
	"mulxq 0(%[a]), %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t0) "\n\t"					\
	"adcxq %[hi], " FM_T(t1) "\n\t"					\
	"mulxq 8(%[a]), %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t1) "\n\t"					\
	"adcxq %[hi], " FM_T(t2) "\n\t"					\
	"mulxq 16(%[a]), %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t2) "\n\t"					\
	"adcxq %[hi], " FM_T(t3) "\n\t"					\
	"mulxq 24(%[a]), %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t3) "\n\t"					\
	"adcxq %[hi], " FM_T(t4) "\n\t"					\
	"mulxq 32(%[a]), %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t4) "\n\t"					\
	"adcxq %[hi], " FM_T(t5) "\n\t"					\
	"mulxq 40(%[a]), %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t5) "\n\t"					\
	"adcxq %[hi], " FM_T(t6) "\n\t"					\
	"adoxq %[z], " FM_T(t6) "\n\t"					\
	"adcxq %[z], " FM_T(t7) "\n\t"					\
	"adoxq %[z], " FM_T(t7) "\n\t"					\
	"movq " FM_T(t0) ", %%rdx\n\t"					\
	"shlq $32, %%rdx\n\t"						\
	"addq " FM_T(t0) ", %%rdx\n\t"					\
	"xorl %k[lo], %k[lo]\n\t"					\
	"mulxq 0+%[p], %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t0) "\n\t"					\
	"adcxq %[hi], " FM_T(t1) "\n\t"					\
	"mulxq 8+%[p], %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t1) "\n\t"					\
	"adcxq %[hi], " FM_T(t2) "\n\t"					\
	"mulxq 16+%[p], %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t2) "\n\t"					\
	"adcxq %[hi], " FM_T(t3) "\n\t"					\
	"mulxq 24+%[p], %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t3) "\n\t"					\
	"adcxq %[hi], " FM_T(t4) "\n\t"					\
	"mulxq 24+%[p], %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t4) "\n\t"					\
	"adcxq %[hi], " FM_T(t5) "\n\t"					\
	"mulxq 24+%[p], %[lo], %[hi]\n\t"				\
	"adoxq %[lo], " FM_T(t5) "\n\t"					\
	"adcxq %[hi], " FM_T(t6) "\n\t"					\
	"adoxq %[z], " FM_T(t6) "\n\t"					\
	"adcxq %[z], " FM_T(t7) "\n\t"					\
	"adoxq %[z], " FM_T(t7) "\n\t"

__attribute__((target("bmi2,adx")))
static void fe_mul_adx(fe r, const fe a, const fe b)
{
	u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
	u64 lo, hi, rdx;
	fe t;

	__asm__(FM_ROUND(0, t0, t1, t2, t3, t4, t5, t6, t7)
		FM_ROUND(1, t1, t2, t3, t4, t5, t6, t7, t0)
		FM_ROUND(2, t2, t3, t4, t5, t6, t7, t0, t1)
		FM_ROUND(3, t3, t4, t5, t6, t7, t0, t1, t2)
		FM_ROUND(4, t4, t5, t6, t7, t0, t1, t2, t3)
		FM_ROUND(5, t5, t6, t7, t0, t1, t2, t3, t4)
		: [t0] "+&r" (t0), [t1] "+&r" (t1), [t2] "+&r" (t2),
		  [t3] "+&r" (t3), [t4] "+&r" (t4), [t5] "+&r" (t5),
		  [t6] "+&r" (t6), [t7] "+&r" (t7),
		  [lo] "=&r" (lo), [hi] "=&r" (hi), "=&d" (rdx)
		: [a] "r" (a), [b] "r" (b), "m" (*(const fe *)a),
		  "m" (*(const fe *)b), [z] "m" (fm_zero), [p] "m" (fm_p)
		: "cc");
	(void)rdx;
	/* the result is t6 t7 t0 t1 t2 t3 with the carry bit t4, < 2p */
	t[0] = t6;
	t[1] = t7;
	t[2] = t0;
	t[3] = t1;
	t[4] = t2;
	t[5] = t3;
	final_sub(r, t, t4, P_M);
}

static bool have_adx(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
	       (b & bit_BMI2) && (b & bit_ADX);
}
#else
static void fe_mul_adx(fe r, const fe a, const fe b)
{
	p384_fe_mul(r, a, b);
}

static bool have_adx(void)
{
	return false;
}
#endif

static bool use_adx;

__attribute__((constructor)) static void pick_mul(void)
{
	use_adx = have_adx() && !getenv("NSM_EC384_NO_ADX");
}

static inline void fe_mul(fe r, const fe a, const fe b)
{
	if (use_adx)
		fe_mul_adx(r, a, b);
	else
		p384_fe_mul(r, a, b);
}

static void fe_sqr(fe r, const fe a)
{
	fe_mul(r, a, a);
}

/* dbl-2001-b (Bernstein-Lange), a = -3: 3M + 5S; r may alias a */
static void jac_double(struct jac *r, const struct jac *a)
{
	fe delta, gamma, beta, alpha, t, u;

	/* no point of odd order has y == 0: only infinity needs a case */
	if (fe_is_zero(a->z)) {
		*r = *a;
		return;
	}
	fe_sqr(delta, a->z);
	fe_sqr(gamma, a->y);
	fe_mul(beta, a->x, gamma);
	fe_sub(t, a->x, delta);
	fe_add(u, a->x, delta);
	fe_mul(alpha, t, u);
	fe_add(t, alpha, alpha);
	fe_add(alpha, t, alpha);		/* 3 (x - d)(x + d) */
	fe_add(t, a->y, a->z);
	fe_sqr(t, t);
	fe_sub(t, t, gamma);
	fe_sub(r->z, t, delta);		/* (y + z)^2 - g - d */
	fe_add(beta, beta, beta);
	fe_add(beta, beta, beta);		/* 4 beta */
	fe_sqr(t, alpha);
	fe_add(u, beta, beta);
	fe_sub(r->x, t, u);		/* alpha^2 - 8 beta */
	fe_sub(t, beta, r->x);
	fe_mul(t, alpha, t);
	fe_sqr(gamma, gamma);
	fe_add(gamma, gamma, gamma);
	fe_add(gamma, gamma, gamma);
	fe_add(gamma, gamma, gamma);	/* 8 gamma^2 */
	fe_sub(r->y, t, gamma);
}

/*
 * The shared tail of both additions: from H = U2 - U1 and R = S2 - S1
 * (before doubling), X3, Y3 and the factor Z3 is multiplied by.
 * add-2007-bl / madd-2007-bl.
 */
static void jac_add_tail(struct jac *r, const fe u1, const fe s1, fe h,
			 fe rr)
{
	fe i, j, v, t;

	fe_add(i, h, h);
	fe_sqr(i, i);				/* I = (2H)^2 */
	fe_mul(j, h, i);			/* J = H I */
	fe_add(rr, rr, rr);		/* r = 2 (S2 - S1) */
	fe_mul(v, u1, i);			/* V = U1 I */
	fe_sqr(t, rr);
	fe_sub(t, t, j);
	fe_sub(t, t, v);
	fe_sub(r->x, t, v);		/* r^2 - J - 2V */
	fe_sub(t, v, r->x);
	fe_mul(t, rr, t);
	fe_mul(j, s1, j);
	fe_add(j, j, j);
	fe_sub(r->y, t, j);		/* r (V - X3) - 2 S1 J */
}

/*
 * The addends share x (H == 0): equal points double, opposite ones sum to
 * infinity. @p is one of them. Return: true when that was the case.
 */
static bool same_x(struct jac *r, const struct jac *p, const fe h,
		   const fe rr)
{
	if (!fe_is_zero(h))
		return false;
	if (fe_is_zero(rr))
		jac_double(r, p);
	else
		memset(r, 0, sizeof(*r));
	return true;
}

/* r = a + b, both Jacobian: 11M + 5S; r may alias a */
static void jac_add(struct jac *r, const struct jac *a, const struct jac *b)
{
	fe z1z1, z2z2, u1, u2, s1, s2, h, rr, t;

	if (fe_is_zero(a->z)) {
		*r = *b;
		return;
	}
	if (fe_is_zero(b->z)) {
		*r = *a;
		return;
	}
	fe_sqr(z1z1, a->z);
	fe_sqr(z2z2, b->z);
	fe_mul(u1, a->x, z2z2);
	fe_mul(u2, b->x, z1z1);
	fe_mul(s1, a->y, b->z);
	fe_mul(s1, s1, z2z2);
	fe_mul(s2, b->y, a->z);
	fe_mul(s2, s2, z1z1);
	fe_sub(h, u2, u1);
	fe_sub(rr, s2, s1);
	if (same_x(r, b, h, rr))
		return;
	fe_add(t, a->z, b->z);
	fe_sqr(t, t);
	fe_sub(t, t, z1z1);
	fe_sub(t, t, z2z2);
	fe_mul(r->z, t, h);		/* ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H */
	jac_add_tail(r, u1, s1, h, rr);
}

/* r = a + (x, y), the second point affine and finite: 7M + 4S */
static void jac_add_affine(struct jac *r, const struct jac *a, const fe x,
			   const fe y)
{
	fe z1z1, u1, s1, u2, s2, h, rr, t;

	if (fe_is_zero(a->z)) {
		memcpy(r->x, x, sizeof(fe));
		memcpy(r->y, y, sizeof(fe));
		memcpy(r->z, p384_p.one, sizeof(fe));
		return;
	}
	fe_sqr(z1z1, a->z);
	fe_mul(u2, x, z1z1);
	fe_mul(s2, y, a->z);
	fe_mul(s2, s2, z1z1);
	memcpy(u1, a->x, sizeof(fe));
	memcpy(s1, a->y, sizeof(fe));
	fe_sub(h, u2, u1);
	fe_sub(rr, s2, s1);
	if (same_x(r, a, h, rr))
		return;
	fe_add(t, a->z, h);
	fe_sqr(t, t);
	fe_sub(t, t, z1z1);
	fe_sqr(u2, h);
	fe_sub(r->z, t, u2);		/* (Z1 + H)^2 - Z1Z1 - H^2 */
	jac_add_tail(r, u1, s1, h, rr);
}

/*
 * Width-5 NAF of a scalar below 2^384: digits in {0, +-1, +-3, ..., +-15},
 * any two non-zero digits at least five positions apart. Return: the
 * number of digits (the top one is non-zero), 0 for k == 0.
 */
static int wnaf(signed char d[WNAF_LEN], const u64 k[P384_LIMBS])
{
	u64 v[P384_LIMBS + 1];
	int i, len = 0;

	memcpy(v, k, sizeof(fe));
	v[P384_LIMBS] = 0;
	memset(d, 0, WNAF_LEN);
	for (i = 0; i < WNAF_LEN; i++) {
		int digit = 0, j;

		if (!(v[0] | v[1] | v[2] | v[3] | v[4] | v[5] | v[6]))
			break;
		if (v[0] & 1) {
			digit = (int)(v[0] & 31);
			if (digit > 15)
				digit -= 32;
			/* v -= digit, leaving v divisible by 32 */
			if (digit > 0) {
				u64 b = (u64)digit, borrow;

				for (j = 0; j <= P384_LIMBS && b; j++) {
					borrow = v[j] < b;
					v[j] -= b;
					b = borrow;
				}
			} else {
				u64 c = (u64)-digit, carry;

				for (j = 0; j <= P384_LIMBS && c; j++) {
					v[j] += c;
					carry = v[j] < c;
					c = carry;
				}
			}
			d[i] = (signed char)digit;
			len = i + 1;
		}
		for (j = 0; j < P384_LIMBS; j++)
			v[j] = (v[j] >> 1) | (v[j + 1] << 63);
		v[P384_LIMBS] >>= 1;
	}
	return len;
}

/* y^2 == x^3 - 3x + b, Montgomery form */
static bool on_curve(const fe x, const fe y)
{
	fe lhs, rhs, t;

	fe_sqr(lhs, y);
	fe_sqr(rhs, x);
	fe_mul(rhs, rhs, x);
	fe_add(t, x, x);
	fe_add(t, t, x);
	fe_sub(rhs, rhs, t);
	fe_add(rhs, rhs, p384_b_mont);
	return fe_eq(lhs, rhs);
}

/* 1 <= a < n */
static bool scalar_ok(const fe a)
{
	return !fe_is_zero(a) && p384_lt_mask(a, p384_n.m);
}

/* a >>= 1 for a 6-limb value with a carry bit above it */
static void shr1(u64 a[P384_LIMBS], u64 top)
{
	int i;

	for (i = 0; i < P384_LIMBS - 1; i++)
		a[i] = (a[i] >> 1) | (a[i + 1] << 63);
	a[P384_LIMBS - 1] = (a[P384_LIMBS - 1] >> 1) | (top << 63);
}

/* x / 2 mod n for x < n */
static void half_mod_n(u64 x[P384_LIMBS])
{
	u64 carry = 0;
	int i;

	if (x[0] & 1)
		for (i = 0; i < P384_LIMBS; i++)
			x[i] = addc(x[i], p384_n.m[i], &carry);
	shr1(x, carry);
}

/* a - b for a >= b (plain integers) */
static void sub_in_place(u64 a[P384_LIMBS], const u64 b[P384_LIMBS])
{
	u64 borrow = 0;
	int i;

	for (i = 0; i < P384_LIMBS; i++)
		a[i] = subb(a[i], b[i], &borrow);
}

static bool is_one(const fe a)
{
	return a[0] == 1 && !(a[1] | a[2] | a[3] | a[4] | a[5]);
}

/*
 * r = a^-1 mod n, plain (not Montgomery) in and out, 1 <= a < n: the
 * binary extended Euclidean algorithm, variable time (public a only).
 * Invariants: x1 * a == u and x2 * a == v (mod n).
 */
static void inv_mod_n(fe r, const fe a)
{
	fe u, v, x1 = { 1 }, x2 = { 0 };

	memcpy(u, a, sizeof(fe));
	memcpy(v, p384_n.m, sizeof(fe));
	while (!is_one(u) && !is_one(v)) {
		while (!(u[0] & 1)) {
			shr1(u, 0);
			half_mod_n(x1);
		}
		while (!(v[0] & 1)) {
			shr1(v, 0);
			half_mod_n(x2);
		}
		if (!p384_lt_mask(u, v)) {
			sub_in_place(u, v);
			p384_mod_sub(x1, x1, x2, &p384_n);
		} else {
			sub_in_place(v, u);
			p384_mod_sub(x2, x2, x1, &p384_n);
		}
	}
	memcpy(r, is_one(u) ? x1 : x2, sizeof(fe));
}

/* What both engines share: the key and the signature, checked. */
struct job {
	fe qx, qy;		/* Q, Montgomery form */
	fe r;			/* plain */
	fe u1, u2;		/* e / s and r / s mod n, plain */
};

static bool job_init(struct job *j, const uint8_t pub[NSM_P384_PUB_LEN],
		     const uint8_t digest[48], const uint8_t sig[96])
{
	fe s, e, w;

	/* Q: uncompressed, coordinates below p, on the curve */
	if (pub[0] != 0x04)
		return false;
	p384_from_bytes(j->qx, pub + 1);
	p384_from_bytes(j->qy, pub + 49);
	if (!p384_lt_mask(j->qx, p384_p.m) || !p384_lt_mask(j->qy, p384_p.m))
		return false;
	p384_to_mont(j->qx, j->qx, &p384_p);
	p384_to_mont(j->qy, j->qy, &p384_p);
	if (!on_curve(j->qx, j->qy))
		return false;

	p384_from_bytes(j->r, sig);
	p384_from_bytes(s, sig + 48);
	if (!scalar_ok(j->r) || !scalar_ok(s))
		return false;
	/* e: the digest (384 bits, as long as n) reduced once mod n */
	p384_from_bytes(e, digest);
	p384_reduce_once(e, e, &p384_n);

	inv_mod_n(w, s);
	p384_to_mont(w, w, &p384_n);		/* s^-1 * 2^384 */
	p384_mod_mul(j->u1, e, w, &p384_n);	/* e / s */
	p384_mod_mul(j->u2, j->r, w, &p384_n);	/* r / s */
	return true;
}

/*
 * x(R) mod n == r, with x(R) = X / Z^2 in [0, p): x(R) is r or, when
 * r + n < p, possibly r + n. Compares X with (r [+ n]) Z^2.
 */
static int job_finish(const struct job *j, const struct jac *acc)
{
	fe z2, x;
	u64 carry = 0;
	int i;

	if (fe_is_zero(acc->z))
		return 0;
	fe_sqr(z2, acc->z);
	p384_to_mont(x, j->r, &p384_p);
	fe_mul(x, x, z2);
	if (fe_eq(x, acc->x))
		return 1;
	for (i = 0; i < P384_LIMBS; i++)
		x[i] = addc(j->r[i], p384_n.m[i], &carry);
	if (carry || !p384_lt_mask(x, p384_p.m))
		return 0;
	p384_to_mont(x, x, &p384_p);
	fe_mul(x, x, z2);
	return fe_eq(x, acc->x);
}

/* acc += d * T[|d| - 1] (T affine), for an odd or any non-zero digit d */
static void add_digit_affine(struct jac *acc, const struct p384_affine *t,
			     int d)
{
	fe negy;

	if (d > 0) {
		jac_add_affine(acc, acc, t[d - 1].x, t[d - 1].y);
	} else if (d < 0) {
		memset(negy, 0, sizeof(negy));
		fe_sub(negy, negy, t[-d - 1].y);
		jac_add_affine(acc, acc, t[-d - 1].x, negy);
	}
}

int nsm__p384_verify(const uint8_t pub[NSM_P384_PUB_LEN],
		     const uint8_t digest[48], const uint8_t sig[96])
{
	struct jac q[WNAF_ODD], q2, acc;
	signed char d1[WNAF_LEN], d2[WNAF_LEN];
	struct job j;
	int i, top, n1, n2;

	if (!job_init(&j, pub, digest, sig))
		return 0;
	n1 = wnaf(d1, j.u1);
	n2 = wnaf(d2, j.u2);

	/* 1Q, 3Q, ..., 15Q */
	memcpy(q[0].x, j.qx, sizeof(fe));
	memcpy(q[0].y, j.qy, sizeof(fe));
	memcpy(q[0].z, p384_p.one, sizeof(fe));
	jac_double(&q2, &q[0]);
	for (i = 1; i < WNAF_ODD; i++)
		jac_add(&q[i], &q[i - 1], &q2);

	memset(&acc, 0, sizeof(acc));
	top = n1 > n2 ? n1 : n2;
	for (i = top - 1; i >= 0; i--) {
		jac_double(&acc, &acc);
		/* the generator's odd multiples are row 0 of the comb */
		add_digit_affine(&acc, p384_comb_table[0], d1[i]);
		if (d2[i] > 0) {
			jac_add(&acc, &acc, &q[(d2[i] - 1) / 2]);
		} else if (d2[i] < 0) {
			struct jac neg = q[(-d2[i] - 1) / 2];

			memset(neg.y, 0, sizeof(fe));
			fe_sub(neg.y, neg.y, q[(-d2[i] - 1) / 2].y);
			jac_add(&acc, &acc, &neg);
		}
	}
	return job_finish(&j, &acc);
}

/* ---- comb tables for the keys of trust anchors ------------------------ */

struct comb {
	uint8_t pub[NSM_P384_PUB_LEN];
	struct p384_affine t[P384_COMB_ROWS][P384_COMB_COLS];
};

/* T[j][i] = (i + 1) 2^(10 j) Q, affine, by one batched inversion */
static struct comb *comb_build(const uint8_t pub[NSM_P384_PUB_LEN],
			       const fe qx, const fe qy)
{
	enum { N = P384_COMB_ROWS * P384_COMB_COLS };
	struct jac *p = malloc(N * sizeof(*p));
	fe *acc = malloc(N * sizeof(*acc));
	struct comb *c = malloc(sizeof(*c));
	struct jac base;
	fe inv, zi, zi2;
	int row, i, k;

	if (!p || !acc || !c)
		goto fail;
	memcpy(c->pub, pub, sizeof(c->pub));
	memcpy(base.x, qx, sizeof(fe));
	memcpy(base.y, qy, sizeof(fe));
	memcpy(base.z, p384_p.one, sizeof(fe));
	for (row = 0; row < P384_COMB_ROWS; row++) {
		struct jac *line = p + row * P384_COMB_COLS;

		line[0] = base;
		jac_double(&line[1], &base);
		for (i = 2; i < P384_COMB_COLS; i++)
			jac_add(&line[i], &line[i - 1], &base);
		base = line[P384_COMB_COLS - 1];	/* 16 * 2^(10 row) Q */
		for (i = 0; i < 6; i++)
			jac_double(&base, &base);
	}
	/* Montgomery's trick: one inversion for all the Z; no entry is the
	 * point at infinity (Q has prime order n > 16 * 2^380) */
	memcpy(acc[0], p[0].z, sizeof(fe));
	for (k = 1; k < N; k++)
		fe_mul(acc[k], acc[k - 1], p[k].z);
	p384_mod_inv(inv, acc[N - 1], &p384_p);
	for (k = N - 1; k >= 0; k--) {
		if (k > 0) {
			fe_mul(zi, inv, acc[k - 1]);
			fe_mul(inv, inv, p[k].z);
		} else {
			memcpy(zi, inv, sizeof(fe));
		}
		fe_sqr(zi2, zi);
		fe_mul(c->t[k / P384_COMB_COLS][k % P384_COMB_COLS].x,
			    p[k].x, zi2);
		fe_mul(zi2, zi2, zi);
		fe_mul(c->t[k / P384_COMB_COLS][k % P384_COMB_COLS].y,
			    p[k].y, zi2);
	}
	free(p);
	free(acc);
	return c;
fail:
	free(p);
	free(acc);
	free(c);
	return NULL;
}

/*
 * The process's tables, one per anchor key, built on first use and kept
 * to the end (a few trust roots; at most ANCHORS, then the general path).
 */
#define ANCHORS	8
static struct comb *anchors[ANCHORS];
static pthread_mutex_t anchors_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct comb *anchor_table(const uint8_t pub[NSM_P384_PUB_LEN],
				       const struct job *j)
{
	const struct comb *found = NULL;
	int i;

	pthread_mutex_lock(&anchors_lock);
	for (i = 0; i < ANCHORS && anchors[i]; i++)
		if (!memcmp(anchors[i]->pub, pub, NSM_P384_PUB_LEN)) {
			found = anchors[i];
			break;
		}
	if (!found && i < ANCHORS) {
		anchors[i] = comb_build(pub, j->qx, j->qy);
		found = anchors[i];
	}
	pthread_mutex_unlock(&anchors_lock);
	return found;
}

__attribute__((destructor)) static void anchors_free(void)
{
	int i;

	for (i = 0; i < ANCHORS; i++) {
		free(anchors[i]);
		anchors[i] = NULL;
	}
}

int nsm__p384_verify_anchor(const uint8_t pub[NSM_P384_PUB_LEN],
			    const uint8_t digest[48], const uint8_t sig[96])
{
	signed char e1[P384_COMB_DIGITS], e2[P384_COMB_DIGITS];
	const struct comb *c;
	struct jac acc;
	struct job j;
	int i;

	if (!job_init(&j, pub, digest, sig))
		return 0;
	c = anchor_table(pub, &j);
	if (!c)
		return nsm__p384_verify(pub, digest, sig);
	p384_comb_recode(e1, j.u1);	/* the core's recoding */
	p384_comb_recode(e2, j.u2);
	/* sum over the odd digits, times 32, plus the even ones */
	memset(&acc, 0, sizeof(acc));
	for (i = 0; i < P384_COMB_ROWS - 1; i++) {
		add_digit_affine(&acc, p384_comb_table[i], e1[2 * i + 1]);
		add_digit_affine(&acc, c->t[i], e2[2 * i + 1]);
	}
	for (i = 0; i < P384_COMB_WINDOW; i++)
		jac_double(&acc, &acc);
	for (i = 0; i < P384_COMB_ROWS; i++) {
		add_digit_affine(&acc, p384_comb_table[i], e1[2 * i]);
		add_digit_affine(&acc, c->t[i], e2[2 * i]);
	}
	return job_finish(&j, &acc);
}

/* The core's arithmetic wipes its temporaries through its platform. */
void nsm_plat_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
