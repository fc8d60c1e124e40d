// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 3339 times and durations for the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

void format_time_ms(char buf[TIME_STR_LEN], int64_t ms)
{
	int64_t sec = ms / 1000, frac = ms % 1000;
	struct tm tm;
	time_t t;

	if (frac < 0) {
		frac += 1000;
		sec--;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, TIME_STR_LEN, "@%lld.%03lld", (long long)sec,
			 (long long)frac);
		return;
	}
	if (frac)
		snprintf(buf, TIME_STR_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
	else
		snprintf(buf, TIME_STR_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Seconds with an optional fraction of up to 3 digits (more are cut). */
static int parse_epoch(const char *s, int64_t *ms)
{
	long long sec = 0;
	int frac = 0, digits = 0;
	bool neg = false;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (sec > (INT64_MAX / 1000 - 9) / 10)
			return -1;
		sec = sec * 10 + (*s++ - '0');
	}
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			if (digits < 3) {
				frac = frac * 10 + (*s - '0');
				digits++;
			}
			s++;
		}
		while (digits++ < 3)
			frac *= 10;
	}
	if (*s)
		return -1;
	*ms = sec * 1000 + frac;
	if (neg)
		*ms = -*ms;
	return 0;
}

static int digits(const char **s, int n, int *out)
{
	int v = 0;

	while (n--) {
		if (!isdigit((unsigned char)**s))
			return -1;
		v = v * 10 + (*(*s)++ - '0');
	}
	*out = v;
	return 0;
}

int parse_time_ms(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, frac = 0, nfrac = 0, oh = 0, om = 0, sign = 0;
	struct tm tm;
	time_t t;

	if (*s == '@')
		return parse_epoch(s + 1, ms);
	if (!parse_epoch(s, ms))
		return 0;
	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d))
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) ||
	    *s++ != ':' || digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			if (nfrac < 3) {
				frac = frac * 10 + (*s - '0');
				nfrac++;
			}
			s++;
		}
		while (nfrac++ < 3)
			frac *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	errno = 0;
	t = timegm(&tm);
	if (t == (time_t)-1 && errno)
		return -1;
	*ms = ((int64_t)t - sign * (oh * 3600 + om * 60)) * 1000 + frac;
	return 0;
}

int parse_duration_ms(const char *s, uint64_t *ms)
{
	unsigned long long v;
	uint64_t mult = 1000;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		switch (*end) {
		case 's':
			break;
		case 'm':
			mult = 60 * 1000;
			break;
		case 'h':
			mult = 3600 * 1000;
			break;
		case 'd':
			mult = 86400 * 1000;
			break;
		default:
			return -1;
		}
		if (end[1])
			return -1;
	}
	if (v > UINT64_MAX / mult)
		return -1;
	*ms = v * mult;
	return 0;
}
