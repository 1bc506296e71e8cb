/*
 * only.h - --source NAME: an operator that applies to the records of one
 * tagged source and passes the others through.
 *
 * A stream may carry several sources (st-read --source a=DIR --source
 * b=DIR): a {"@st":"source","name":"a"} line tags the records after it,
 * and the runner gives the current tag as ctx->source (op.h). With
 * --source a, st-filter, st-where and st-select work on the records of a
 * only; every other record, tagged or not, is written as its own bytes,
 * as if the tool were not there. This computes the columns of one side
 * of a stream-stream join without splitting the stream:
 *
 *     st-select --source impressions "ImpressionID, to_timestamp(
 *         CreatedTime, 'yyyy-MM-dd HH:mm:ss') AS ImpressionTime"
 *
 * In the op's record callback:
 *
 *     if (!st_only_applies(&self->only, ctx)) {
 *             st_emit(ctx, r);
 *             return 0;
 *     }
 *
 * A misspelt NAME would turn the tool into a silent no-op, so after the
 * run st_only_warn_unmatched() says when NAME matched none of the input's
 * records, naming the sources that were there.
 *
 * Ownership: the name is borrowed; the names seen are owned by the
 * st_only and freed by st_only_release().
 */
#ifndef ST_OP_ONLY_H
#define ST_OP_ONLY_H

#include <stddef.h>
#include <stdint.h>

#include "op.h"

typedef struct st_only {
	const char *name;	/* --source NAME, or NULL: every record */
	uint64_t matched;	/* records of source NAME */
	uint64_t others;	/* records of other sources, or untagged */
	char **seen;		/* the other sources' names, in order seen */
	size_t nseen;
} st_only;

/* True when the op applies to the current record: no NAME was given, or
 * the record comes from source NAME. Otherwise counts the record and
 * notes its source, and returns 0: the caller passes it through. */
int st_only_applies(st_only *o, const st_ctx *ctx);

/* When NAME was given and matched none of the records seen (and there
 * were some), warns: "--source 'impresions' matched no record; the
 * input's sources are 'impressions', 'clicks'". */
void st_only_warn_unmatched(const st_only *o);

void st_only_release(st_only *o);

#endif
