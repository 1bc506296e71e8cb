/*
 * cond_expr.h - the private interface between cond.c (join conditions)
 * and cond_expr.c (conditions written as expressions); see cond.h for the
 * public one. Neither file declares the other's functions itself.
 */
#ifndef ST_JOIN_COND_EXPR_H
#define ST_JOIN_COND_EXPR_H

#include <stddef.h>

#include "join/cond.h"

/* Parses on (and within) as expressions into c: the equi-join conjuncts
 * become keys (through cond_add_key), the time bound becomes c's bounds,
 * the rest a residual. Returns 0, or -1 with a message in err. */
int cond_expr_init(st_jcond *c, const char *on, const char *within,
    const char *lname, const char *rname, char *err, size_t errlen);
void cond_expr_release(st_jcond *c);
/* True when a residual is left to evaluate on each candidate pair. */
int cond_expr_has_residual(const st_jcond *c);
/* The residual on a pair: 1 true, 0 false or null. */
int cond_expr_residual(st_jcond *c, const char *l, size_t ll,
    const st_fields *lf, const char *r, size_t rl, const st_fields *rf);
/* True when a conjunct reading only side s's columns fails on row. */
int cond_expr_side_fails(st_jcond *c, int s, const char *row, size_t len,
    const st_fields *f);

/* In cond.c: called back by cond_expr_init() for each equi-join conjunct. */
void cond_add_key(st_jcond *c, const char *a, int aside, const char *b,
    int bside);

#endif
