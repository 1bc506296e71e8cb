/*
 * late.h - the late-output file of the stateful operators (--late-output
 * of st-window, st-dedup and st-join): the rows they drop as too late for
 * the watermark, appended one NDJSON line each.
 *
 * The file is opened for appending and each line goes out in one write,
 * so that lines stay whole when several tools of a pipeline share one
 * file. A write or close that fails is a data error (exit 1) naming the
 * file. Counting the dropped rows (numRowsDroppedByWatermark) stays with
 * the operator: a row is late whether or not there is a file.
 *
 *     st_late late = ST_LATE_INIT;
 *     st_late_open(&late, o->late_output);	// NULL: no file
 *     ...
 *     st_late_record(&late, r);		// a no-op without a file
 *     ...
 *     st_late_close(&late);
 */
#ifndef ST_OP_LATE_H
#define ST_OP_LATE_H

#include <stddef.h>

#include "buf.h"
#include "record.h"

typedef struct st_late {
	const char *path;	/* borrowed; NULL: no file */
	int fd;			/* -1: no file */
	st_buf line;		/* the line being written */
} st_late;

#define ST_LATE_INIT { NULL, -1, ST_BUF_INIT }

/* Opens path (borrowed: it must outlive l) for appending, creating it;
 * with path NULL there is no file and l writes nothing. Dies with exit 1
 * when the file cannot be opened. */
void st_late_open(st_late *l, const char *path);

/* Appends the line of len bytes (without its newline; borrowed) and a
 * newline. */
void st_late_line(st_late *l, const char *line, size_t len);

/* Appends record r (borrowed) as it stands now, serialized. */
void st_late_record(st_late *l, st_record *r);

/* Closes the file, dying when the close reports a failed write, and
 * releases l; l is then as ST_LATE_INIT left it. */
void st_late_close(st_late *l);

#endif
