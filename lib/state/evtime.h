/*
 * evtime.h - reading a record's event time, shared by st-watermark,
 * st-window and st-dedup so that they agree on what a time is.
 *
 * An event time column holds a timestamp text that st_parse_timestamp()
 * accepts ("2019-02-05T10:00:00Z", "2019-02-05 10:05:00", with a zone or
 * without, meaning UTC), or a number: seconds since the epoch as Spark
 * casts a number to TIMESTAMP, or milliseconds or microseconds with
 * --time-unit ms|us (the seeds' invoices carry CreatedTime in epoch
 * milliseconds). A null, missing or unreadable time makes the record
 * time-less: the tools say what they do with such records.
 *
 * The time may also be an expression (expr/expr.h), as Spark's
 * withWatermark() takes a column computed by to_timestamp(): any --time
 * text that is not a plain name (letters, digits and '_') is parsed once,
 * by st_evtime_set(), and evaluated per record. A TIMESTAMP result is the
 * time, a DATE its midnight UTC, a string or number is read as a column's
 * would be; NULL makes the record time-less:
 *
 *     -t "to_timestamp(CreatedTime, 'yyyy-MM-dd HH:mm:ss')"
 *     -t "timestamp_millis(ts)"
 */
#ifndef ST_STATE_EVTIME_H
#define ST_STATE_EVTIME_H

#include <stdint.h>

#include "record.h"

typedef struct st_evtime_expr st_evtime_expr;

typedef struct st_evtime {
	const char *col;	/* the column or expression text (borrowed) */
	int64_t unit;		/* microseconds per unit of a number */
	st_evtime_expr *x;	/* the compiled expression, or NULL */
} st_evtime;

/*
 * Sets the time column, or the expression when text is not a plain name
 * (compiled once; dies with the expression's error, exit 2, when it does
 * not parse). text is borrowed. Release with st_evtime_release().
 */
void st_evtime_set(st_evtime *t, const char *text);

/* Frees the compiled expression, if any. */
void st_evtime_release(st_evtime *t);

/* Parses a --time-unit argument (s, ms, us) into t->unit; dies with a
 * usage error naming the bad text. */
void st_evtime_unit(st_evtime *t, const char *arg);

/* Reads the event time of r into *us. Returns 0, or -1 when the column is
 * missing, null or not a time. */
int st_evtime_get(const st_evtime *t, st_record *r, int64_t *us);

/* Warns that r (line r->lineno of input) has no event time: "no event
 * time in 'col'; records without one are skipped", with the nearest field
 * name when the column is a plain name absent from r. */
void st_evtime_warn_missing(const st_evtime *t, st_record *r,
    const char *input, const char *what);

#endif
