/*
 * cond_expr.h - the private interface between cond.c (join conditions)
 * and cond_expr.c (conditions written as expressions); see cond.h for the
 * public one, whose residual functions (st_jcond_has_residual,
 * st_jcond_residual, st_jcond_side_fails) cond_expr.c defines. Neither
 * file declares the other's functions itself, and only cond.c calls into
 * cond_expr.c (tests/t9010-structure.sh).
 */
#ifndef ST_JOIN_COND_EXPR_H
#define ST_JOIN_COND_EXPR_H

#include <stddef.h>

#include "join/cond.h"

/* An equi-join conjunct A = B of --on: the columns (new strings) and the
 * side each is qualified with (ST_JSIDE_*). */
typedef struct cond_key {
	char *a, *b;
	int aside, bside;
} cond_key;

/* Parses on (and within) as expressions into c: the time bound becomes
 * c's bounds, the rest a residual, and the equi-join conjuncts are
 * returned in *keys (a new array of *nkeys, also on error) for cond.c to
 * make keys of. Returns 0, or -1 with a message in err. */
int cond_expr_init(st_jcond *c, const char *on, const char *within,
    const char *lname, const char *rname, cond_key **keys, size_t *nkeys,
    char *err, size_t errlen);
void cond_expr_release(st_jcond *c);

#endif
