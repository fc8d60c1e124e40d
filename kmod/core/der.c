// SPDX-License-Identifier: GPL-2.0
/*
 * DER writer and bounded reader (X.690). See der.h.
 */
#include "der.h"

void der_w_init(struct der_w *w, u8 *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->depth = 0;
	w->err = false;
}

size_t der_w_done(const struct der_w *w)
{
	return (w->err || w->depth) ? 0 : w->len;
}

static bool der_room(struct der_w *w, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return false;
	}
	return true;
}

void der_raw(struct der_w *w, const void *p, size_t n)
{
	if (!n || !der_room(w, n))
		return;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void der_byte(struct der_w *w, u8 b)
{
	der_raw(w, &b, 1);
}

/* Bytes of the length field for @n content bytes (max 0xffffff). */
static unsigned int der_len_size(size_t n)
{
	if (n < 0x80)
		return 1;
	if (n <= 0xff)
		return 2;
	if (n <= 0xffff)
		return 3;
	return 4;
}

static void der_put_len(u8 *p, size_t n)
{
	unsigned int sz = der_len_size(n), i;

	if (sz == 1) {
		p[0] = (u8)n;
		return;
	}
	p[0] = 0x80 | (sz - 1);
	for (i = 1; i < sz; i++)
		p[i] = (u8)(n >> (8 * (sz - 1 - i)));
}

static void der_head(struct der_w *w, u8 tag, size_t n)
{
	u8 h[5];

	if (n > 0xffffff) {
		w->err = true;
		return;
	}
	h[0] = tag;
	der_put_len(h + 1, n);
	der_raw(w, h, 1 + der_len_size(n));
}

/**
 * der_begin() - open a constructed value
 * @w:   the writer
 * @tag: its identifier octet
 *
 * One length byte is reserved; der_end() grows it if needed.
 */
void der_begin(struct der_w *w, u8 tag)
{
	if (w->depth >= DER_MAX_DEPTH) {
		w->err = true;
		return;
	}
	der_byte(w, tag);
	der_byte(w, 0);
	if (w->err)
		return;
	w->open[w->depth++] = w->len;
}

/**
 * der_end() - close the innermost open value, writing its length
 * @w: the writer
 */
void der_end(struct der_w *w)
{
	size_t start, n;
	unsigned int extra;

	if (w->err)
		return;
	if (!w->depth) {
		w->err = true;
		return;
	}
	start = w->open[--w->depth];
	n = w->len - start;
	if (n > 0xffffff) {
		w->err = true;
		return;
	}
	extra = der_len_size(n) - 1;
	if (extra) {
		if (!der_room(w, extra))
			return;
		memmove(w->buf + start + extra, w->buf + start, n);
		w->len += extra;
	}
	der_put_len(w->buf + start - 1, n);
}

void der_tlv(struct der_w *w, u8 tag, const void *p, size_t n)
{
	der_head(w, tag, n);
	der_raw(w, p, n);
}

/**
 * der_uint() - a non-negative INTEGER, minimally encoded
 * @w:  the writer
 * @be: its big-endian bytes (leading zeros are dropped, one is added when
 *      the top bit is set)
 * @n:  their number
 */
void der_uint(struct der_w *w, const u8 *be, size_t n)
{
	bool pad;

	while (n > 1 && be[0] == 0) {
		be++;
		n--;
	}
	if (!n) {
		der_head(w, DER_INTEGER, 1);
		der_byte(w, 0);
		return;
	}
	pad = be[0] & 0x80;
	der_head(w, DER_INTEGER, n + pad);
	if (pad)
		der_byte(w, 0);
	der_raw(w, be, n);
}

void der_small_uint(struct der_w *w, u32 v)
{
	u8 be[4] = { v >> 24, v >> 16, v >> 8, v };

	der_uint(w, be, sizeof(be));
}

void der_bool(struct der_w *w, bool v)
{
	u8 b = v ? 0xff : 0x00;

	der_tlv(w, DER_BOOLEAN, &b, 1);
}

/** der_bits() - BIT STRING of whole bytes (no unused bits) */
void der_bits(struct der_w *w, const u8 *p, size_t n)
{
	der_head(w, DER_BIT_STRING, n + 1);
	der_byte(w, 0);
	der_raw(w, p, n);
}

/**
 * der_named_bits() - a NamedBitList BIT STRING of at most 8 bits
 * @w:    the writer
 * @bits: bit 0 of the list is the most significant bit
 *
 * Trailing zero bits are dropped, as DER wants.
 */
void der_named_bits(struct der_w *w, u8 bits)
{
	u8 unused = 0;

	if (!bits) {
		der_head(w, DER_BIT_STRING, 1);
		der_byte(w, 0);
		return;
	}
	while (!(bits & (1u << unused)))
		unused++;
	der_head(w, DER_BIT_STRING, 2);
	der_byte(w, unused);
	der_byte(w, bits);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(s64 z, s64 *y, unsigned int *m, unsigned int *d)
{
	s64 era, yoe, doy, mp;
	s64 doe;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static s64 days_from_civil(s64 y, unsigned int m, unsigned int d)
{
	s64 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void put_digits(u8 *p, unsigned int v, unsigned int n)
{
	while (n--) {
		p[n] = '0' + v % 10;
		v /= 10;
	}
}

/**
 * der_time() - a certificate Time
 * @w:    the writer
 * @secs: seconds since the epoch
 *
 * UTCTime for 1950..2049, GeneralizedTime otherwise, as RFC 5280 section
 * 4.1.2.5 requires.
 */
void der_time(struct der_w *w, u64 secs)
{
	u8 s[15], *p = s;
	unsigned int mon, day, rem = secs % 86400;
	s64 year;

	civil_from_days((s64)(secs / 86400), &year, &mon, &day);
	if (year > 9999) {
		w->err = true;
		return;
	}
	if (year >= 1950 && year <= 2049) {
		put_digits(p, year % 100, 2);
		p += 2;
	} else {
		put_digits(p, (unsigned int)year, 4);
		p += 4;
	}
	put_digits(p, mon, 2);
	put_digits(p + 2, day, 2);
	put_digits(p + 4, rem / 3600, 2);
	put_digits(p + 6, rem / 60 % 60, 2);
	put_digits(p + 8, rem % 60, 2);
	p[10] = 'Z';
	p += 11;
	der_tlv(w, (p - s) == 13 ? DER_UTC_TIME : DER_GENERALIZED_TIME,
		s, p - s);
}

int der_next(struct der_r *r, struct der_tlv *t)
{
	size_t n, hl = 2, i;
	unsigned int nb;

	if (r->len < 2 || (r->p[0] & 0x1f) == 0x1f)
		return -1;
	n = r->p[1];
	if (n & 0x80) {
		nb = n & 0x7f;
		if (nb == 0 || nb > 3 || r->len < 2 + nb)
			return -1;
		n = 0;
		for (i = 0; i < nb; i++)
			n = (n << 8) | r->p[2 + i];
		/* DER: shortest length form only */
		if (n < 0x80 || (nb > 1 && r->p[2] == 0))
			return -1;
		hl += nb;
	}
	if (n > r->len - hl)
		return -1;
	t->tag = r->p[0];
	t->hdr = r->p;
	t->val = r->p + hl;
	t->len = n;
	t->tlen = hl + n;
	r->p += t->tlen;
	r->len -= t->tlen;
	return 0;
}

int der_expect(struct der_r *r, u8 tag, struct der_tlv *t)
{
	struct der_r save = *r;

	if (der_next(r, t) || t->tag != tag) {
		*r = save;
		return -1;
	}
	return 0;
}

int der_peek(const struct der_r *r)
{
	return r->len ? r->p[0] : -1;
}

static int get_digits(const u8 *p, unsigned int n, unsigned int *v)
{
	*v = 0;
	while (n--) {
		if (*p < '0' || *p > '9')
			return -1;
		*v = *v * 10 + (*p++ - '0');
	}
	return 0;
}

int der_parse_time(const struct der_tlv *t, u64 *secs)
{
	unsigned int y, mo, d, h, mi, s;
	const u8 *p = t->val;
	s64 days;

	if (t->tag == DER_UTC_TIME && t->len == 13) {
		if (get_digits(p, 2, &y))
			return -1;
		y += y < 50 ? 2000 : 1900;
		p += 2;
	} else if (t->tag == DER_GENERALIZED_TIME && t->len == 15) {
		if (get_digits(p, 4, &y))
			return -1;
		p += 4;
	} else {
		return -1;
	}
	if (get_digits(p, 2, &mo) || get_digits(p + 2, 2, &d) ||
	    get_digits(p + 4, 2, &h) || get_digits(p + 6, 2, &mi) ||
	    get_digits(p + 8, 2, &s) || p[10] != 'Z')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || s > 60)
		return -1;
	days = days_from_civil(y, mo, d);
	*secs = (u64)days * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

bool der_well_formed(const u8 *p, size_t len)
{
	struct der_r stack[DER_MAX_DEPTH];
	unsigned int depth = 0;
	struct der_tlv t;

	stack[0].p = p;
	stack[0].len = len;
	for (;;) {
		if (!stack[depth].len) {
			if (!depth)
				return true;
			depth--;
			continue;
		}
		if (der_next(&stack[depth], &t))
			return false;
		if (t.tag & 0x20) {	/* constructed: its content, in turn */
			if (depth + 1 == DER_MAX_DEPTH)
				return false;
			stack[++depth] = der_enter(&t);
		}
	}
}

size_t der_first_elem_len(const u8 *p, size_t len)
{
	struct der_r r = { p, len };
	struct der_tlv t;

	return der_next(&r, &t) ? 0 : t.tlen;
}
