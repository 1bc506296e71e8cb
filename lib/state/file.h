/*
 * file.h - the state file of st-dedup, st-running and st-window: NDJSON,
 * a header line naming the format, then one line per row of state:
 *
 *     {"format":"st-dedup/1","rows":2}
 *     [1549360800000000,"\"B1\""]
 *     [null,"\"B2\""]
 *
 * The runner (op.h) hands an operator's save and load the file; these
 * helpers write the header and read the file back, so that every operator
 * checks the format and reports bad lines the same way. What a row holds
 * is the operator's.
 */
#ifndef ST_STATE_FILE_H
#define ST_STATE_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/* Appends the header line {"format":"FORMAT","rows":ROWS} to b. */
void st_state_header(st_buf *b, const char *format, size_t rows);

/*
 * Takes one row line of the state file: line (borrowed, len bytes,
 * without its newline, NUL-terminated) is line lineno of the file, counted
 * from 1 for the header. Returns 0, or -1 to stop reading when the line
 * is not a row of this query, having said why (st_warn) when it can.
 */
typedef int st_state_row_fn(void *arg, char *line, size_t len,
    size_t lineno);

/*
 * Reads state file f (borrowed): warns "unknown state format (expected
 * FORMAT)" and returns -1 when the header line does not name FORMAT, else
 * passes every other line to row(arg, ...) in order, and checks that
 * their number is the header's row count (warning and -1 when not).
 * Returns 0, or -1 as soon as row does; *nlines gets the number of lines
 * read, header included (0: an empty file, which is the caller's to
 * judge).
 */
int st_state_read(FILE *f, const char *format, st_state_row_fn *row,
    void *arg, size_t *nlines);

#endif
