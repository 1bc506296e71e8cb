/*
 * cond_expr.h - the private interface between cond.c (join conditions)
 * and cond_expr.c (conditions written as expressions); see cond.h for the
 * public one. Neither file declares the other's functions itself, and
 * only cond.c calls into cond_expr.c (tests/t9010-structure.sh).
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
/* True when a residual is left to evaluate on each candidate pair. */
int cond_expr_has_residual(const st_jcond *c);
/* The residual on a pair: 1 true, 0 false or null. */
int cond_expr_residual(st_jcond *c, const char *l, size_t ll,
    const st_fields *lf, const char *r, size_t rl, const st_fields *rf);
/* True when a conjunct reading only side s's columns fails on row. */
int cond_expr_side_fails(st_jcond *c, int s, const char *row, size_t len,
    const st_fields *f);

#endif
