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
 */
#ifndef ST_STATE_EVTIME_H
#define ST_STATE_EVTIME_H

#include <stdint.h>

#include "record.h"

typedef struct st_evtime {
	const char *col;	/* the column (borrowed) */
	int64_t unit;		/* microseconds per unit of a number */
} st_evtime;

/* Parses a --time-unit argument (s, ms, us) into t->unit; dies with a
 * usage error naming the bad text. */
void st_evtime_unit(st_evtime *t, const char *arg);

/* Reads the event time of r into *us. Returns 0, or -1 when the column is
 * missing, null or not a time. */
int st_evtime_get(const st_evtime *t, st_record *r, int64_t *us);

#endif
