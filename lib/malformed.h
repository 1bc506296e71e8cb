/*
 * malformed.h - the malformed-record policy, Spark's reader modes, in one
 * place for st-read (a line that does not parse or fit the schema) and for
 * every other tool (a line that is not a JSON object).
 *
 *     st_malformed_policy p;
 *     st_malformed_init(&p, common->malformed, &dead_letter_file);
 *     ...
 *     size_t n;
 *     const char *keep = st_malformed_apply(&p, &out, line, len, NULL, 0,
 *         &n, "%s:%llu: malformed record: %s", ...);
 *     if (keep) ... write keep, n bytes, instead of the line
 *     ...
 *     st_malformed_report(&p);	// "dropped 3 malformed records"
 *     st_malformed_release(&p);
 */
#ifndef ST_MALFORMED_H
#define ST_MALFORMED_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "io.h"
#include "linefile.h"

/* How a tool treats a malformed record. */
typedef enum st_malformed {
	ST_MALFORMED_FAILFAST,	/* stop with exit 1, naming file:line */
	ST_MALFORMED_DROP,	/* drop and count (and copy to --dead-letter) */
	ST_MALFORMED_PERMISSIVE	/* keep as {"_corrupt_record": "<line>"} */
} st_malformed;

typedef struct st_malformed_policy {
	st_malformed mode;
	st_linefile *dead;	/* the dead-letter file (borrowed), or NULL */
	uint64_t total;		/* malformed records so far */
	st_buf out;		/* the permissive record */
} st_malformed_policy;

/* Prepares p; dead (borrowed, may be NULL or not open) gets the raw text
 * of dropped records. */
void st_malformed_init(st_malformed_policy *p, st_malformed mode,
    st_linefile *dead);
void st_malformed_release(st_malformed_policy *p);

/*
 * Applies the policy to a malformed record whose input text is raw (as
 * read, without its newline). The message (printf format) names where and
 * why, e.g. "in/a.csv:12: field 'Price': cannot cast 'abc' to DOUBLE".
 *   failfast: flushes out (when not NULL: the good records before the bad
 *             one, part of a batch nobody will commit) and dies with exit 1,
 *             "MESSAGE (use --malformed dropmalformed or permissive to go
 *             on)";
 *   drop:     counts it, appends raw to the dead-letter file, returns NULL;
 *   permissive: counts it and returns the record to keep instead (in
 *             p->out, *outlen bytes, valid until the next call): typed
 *             (the record as far as it could be made, a JSON object) with
 *             "_corrupt_record":raw added, or {"_corrupt_record":raw}
 *             without typed.
 */
const char *st_malformed_apply(st_malformed_policy *p, st_writer *out,
    const char *raw, size_t rawlen, const char *typed, size_t tlen,
    size_t *outlen, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* At exit: says how many records were dropped (and where they went), as
 * "dropped 3 malformed records (copied to 'bad.txt')"; nothing when none
 * were or the mode is not drop. */
void st_malformed_report(const st_malformed_policy *p);

#endif
