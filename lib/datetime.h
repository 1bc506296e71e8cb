/*
 * datetime.h - durations, intervals and timestamps (named so as not to
 * shadow the C library's <time.h>).
 *
 * Time inside st is an int64_t count of microseconds since the Unix epoch,
 * UTC, as Spark's TimestampType. Dates are int32_t days since the epoch.
 * All text conversions use UTC: st has no session time zone.
 *
 * The one text form st writes for a timestamp is ISO-8601 in UTC with a
 * 'Z': "2019-02-05T10:00:00Z"; a fraction is added only when the value has
 * one, as 3 digits when it is whole milliseconds and 6 otherwise
 * ("2019-02-05T10:00:00.250Z", "2019-02-05T10:00:00.000001Z").
 */
#ifndef ST_DATETIME_H
#define ST_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define ST_USEC_PER_SEC  INT64_C(1000000)
#define ST_USEC_PER_MIN  (60 * ST_USEC_PER_SEC)
#define ST_USEC_PER_HOUR (60 * ST_USEC_PER_MIN)
#define ST_USEC_PER_DAY  (24 * ST_USEC_PER_HOUR)

/* "no time": used for an absent watermark. */
#define ST_TIME_NONE INT64_MIN

/*
 * An interval as Spark's CalendarInterval: months, days and microseconds,
 * kept apart because a month has no fixed length.
 */
typedef struct st_interval {
	int64_t months;
	int64_t days;
	int64_t usec;
} st_interval;

/*
 * Parses an interval in every spelling Spark accepts for a watermark
 * delay, a window duration or an INTERVAL literal (IntervalUtils), plus
 * st's short units:
 *
 *     10 seconds   1 hour 30 minutes   2 years 5 months   0 seconds
 *     interval 10 seconds   '15' minute   INTERVAL '1 day 2 hours'
 *     '3:30' minute to second   '1-2' year to month
 *     '1 10:00:00' day to second   -1 day   15m   1.5h   500ms
 *
 * Units (case-insensitive, singular or plural): year, month, week, day,
 * hour, minute, second, millisecond, microsecond, and us/usec, ms/msec,
 * s/sec, m/min, h/hr, d, w. A value may carry a sign, may be quoted, and
 * may have a fraction (not for months and years). The ANSI form 'text'
 * FROM TO takes YEAR TO MONTH, DAY/HOUR/MINUTE TO HOUR/MINUTE/SECOND.
 * s[0..n) need not be NUL-terminated. Returns 0 and fills *iv, or -1 with
 * a message in err (may be NULL) and *errpos (may be NULL) the 0-based
 * byte offset of the problem.
 */
int st_parse_interval(const char *s, size_t n, st_interval *iv, char *err,
    size_t errlen, size_t *errpos);

/*
 * The length of an interval in microseconds, a month counting
 * days_per_month days (31 for watermark delays, as Spark's
 * IntervalUtils.getDuration; 0 where months are refused). Returns 0, or
 * -1 on overflow.
 */
int st_interval_usec(const st_interval *iv, int days_per_month,
    int64_t *usec);

/*
 * Parses a non-negative duration without months or years (see
 * st_parse_interval for the spellings). Returns 0 and sets *usec, or -1
 * on bad text.
 */
int st_parse_duration(const char *s, int64_t *usec);

/* Writes a duration in the shortest exact unit ("15 minutes", "90 seconds"). */
void st_format_duration(st_buf *b, int64_t usec);

/*
 * Parses an ISO-8601 style timestamp: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]",
 * with 'T' or ' ' between date and time, an optional fraction of up to 9
 * digits (truncated to microseconds), and an optional zone: 'Z', "+HH:MM",
 * "+HHMM" or "+HH" (no zone means UTC). Leading and trailing blanks are
 * ignored. Returns 0 and sets *usec, or -1 when s is not such a timestamp.
 */
int st_parse_timestamp(const char *s, size_t n, int64_t *usec);

/* Appends the canonical text form (see above), without quotes. */
void st_format_timestamp(st_buf *b, int64_t usec);

/* Appends a date as "YYYY-MM-DD". */
void st_format_date(st_buf *b, int32_t days);

/* Days since the epoch of a proleptic Gregorian civil date, and back. */
int64_t st_days_from_civil(int64_t y, unsigned m, unsigned d);
void st_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Floor division for negative times (window starts before 1970). */
static inline int64_t
st_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* The wall clock now, in microseconds since the epoch. */
int64_t st_now_usec(void);

/* A monotonic clock in microseconds, for intervals and timeouts. */
int64_t st_mono_usec(void);

#endif
