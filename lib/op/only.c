/*
 * only.c - --source NAME: which records an operator applies to. See
 * only.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "op/only.h"

int
st_only_applies(st_only *o, const st_ctx *ctx)
{
	if (o->name == NULL)
		return 1;
	if (ctx->source && strcmp(ctx->source, o->name) == 0) {
		o->matched++;
		return 1;
	}
	o->others++;
	if (ctx->source == NULL)
		return 0;
	/* Sources are few: the last one seen is the likely match. */
	for (size_t i = o->nseen; i-- > 0;)
		if (strcmp(o->seen[i], ctx->source) == 0)
			return 0;
	o->seen = st_realloc(o->seen, (o->nseen + 1) * sizeof *o->seen);
	o->seen[o->nseen++] = st_strdup(ctx->source);
	return 0;
}

void
st_only_warn_unmatched(const st_only *o)
{
	if (o->name == NULL || o->matched || o->others == 0)
		return;
	if (o->nseen == 0) {
		st_warn("--source '%s' matched no record; the input has no "
		    "source lines", o->name);
		return;
	}
	st_buf b = ST_BUF_INIT;
	for (size_t i = 0; i < o->nseen; i++)
		st_buf_printf(&b, "%s'%s'", i ? ", " : "", o->seen[i]);
	st_warn("--source '%s' matched no record; the input's source%s %s",
	    o->name, o->nseen == 1 ? " is" : "s are", b.data);
	st_buf_release(&b);
}

void
st_only_release(st_only *o)
{
	st_strs_free(o->seen, o->nseen);
	o->seen = NULL;
	o->nseen = 0;
}
