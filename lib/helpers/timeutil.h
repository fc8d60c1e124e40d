/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Times on the command line and in output: RFC 3339 in UTC, milliseconds
 * since the epoch inside (the unit of the document's timestamp).
 */
#ifndef NSM_HELPERS_TIMEUTIL_H
#define NSM_HELPERS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_STR_LEN	64

/* "2024-11-30T16:22:48.387Z" (milliseconds shown when not zero). */
void format_time_ms(char buf[TIME_STR_LEN], int64_t ms);

/*
 * parse_time_ms() - an instant given on the command line
 * @s: RFC 3339 ("2024-11-30T16:22:48Z", fraction and +hh:mm offset
 *     optional, ' ' may replace 'T'), or seconds since the epoch, bare or
 *     after '@' ("@1732983768", fraction allowed)
 * Return: 0, or -1 when @s is neither.
 */
int parse_time_ms(const char *s, int64_t *ms);

/*
 * parse_duration_ms() - a duration: a number of seconds with an optional
 * unit suffix s, m, h or d ("90", "10m", "3h")
 * Return: 0 or -1.
 */
int parse_duration_ms(const char *s, uint64_t *ms);

#endif /* NSM_HELPERS_TIMEUTIL_H */
