/* cond_expr.c - join conditions written as expressions; see cond.h.
 * Placeholder until the expression library can evaluate. */
#include <stdio.h>

#include "join/cond.h"

int cond_expr_has_residual(const st_jcond *c);

int
cond_expr_init(st_jcond *c, const char *on, const char *within,
    const char *lname, const char *rname, char *err, size_t errlen)
{
	(void)c, (void)on, (void)within, (void)lname, (void)rname;
	snprintf(err, errlen, "only --on KEY[,KEY...] is supported yet");
	return -1;
}

void
cond_expr_release(st_jcond *c)
{
	(void)c;
}

int
cond_expr_residual(st_jcond *c, const char *l, size_t ll,
    const st_fields *lf, const char *r, size_t rl, const st_fields *rf)
{
	(void)c, (void)l, (void)ll, (void)lf, (void)r, (void)rl, (void)rf;
	return 1;
}

int
cond_expr_has_residual(const st_jcond *c)
{
	(void)c;
	return 0;
}
