/*
 * inspect.c - the read-only view of a syntax tree that expr.h offers the
 * tools (calls, columns, children, literals).
 */
#include "internal.h"

const char *
st_expr_call_name(const st_expr *e)
{
	return e->n.kind == N_CALL ? e->n.fname : NULL;
}

size_t
st_expr_call_nargs(const st_expr *e)
{
	return e->n.kind == N_CALL ? (size_t)e->n.nargs : 0;
}

const st_expr *
st_expr_call_arg(const st_expr *e, size_t i)
{
	if (e->n.kind != N_CALL || i >= (size_t)e->n.nargs)
		return NULL;
	return (const st_expr *)e->n.args[i];
}

int
st_expr_call_star(const st_expr *e)
{
	return e->n.kind == N_CALL && e->n.star;
}

int
st_expr_call_distinct(const st_expr *e)
{
	return e->n.kind == N_CALL && e->n.distinct;
}

int
st_expr_is_aggregate(const st_expr *e)
{
	return e->n.kind == N_CALL && (e->n.fn->flags & F_AGG);
}

int
st_expr_is_generator(const st_expr *e, int *pos, int *outer)
{
	if (e->n.kind != N_CALL || !(e->n.fn->flags & F_GEN))
		return 0;
	if (pos)
		*pos = (e->n.fn->flags & F_POS) != 0;
	if (outer)
		*outer = (e->n.fn->flags & F_OUTER) != 0;
	return 1;
}

int
st_expr_is_column(const st_expr *e, const char **name, size_t *len,
    size_t *depth)
{
	if (e->n.kind != N_COL)
		return 0;
	*name = e->n.name;
	*len = e->n.nlen;
	*depth = e->n.npath;
	return 1;
}

st_node_kind
st_expr_kind(const st_expr *e)
{
	return (st_node_kind)e->n.kind;
}

int
st_expr_binop(const st_expr *e)
{
	return e->n.kind == N_BIN ? e->n.op : -1;
}

int
st_expr_negated(const st_expr *e)
{
	return e->n.negate != 0;
}

size_t
st_expr_nchildren(const st_expr *e)
{
	return e->n.nargs > 0 ? (size_t)e->n.nargs : 0;
}

const st_expr *
st_expr_child(const st_expr *e, size_t i)
{
	if (i >= st_expr_nchildren(e))
		return NULL;
	/* A node is an st_expr: the struct wraps it as its only member. */
	return (const st_expr *)e->n.args[i];
}

const char *
st_expr_column_part(const st_expr *e, size_t i, size_t *len)
{
	if (e->n.kind != N_COL || i > e->n.npath)
		return NULL;
	if (i == 0) {
		*len = e->n.nlen;
		return e->n.name;
	}
	*len = e->n.plens[i - 1];
	return e->n.path[i - 1];
}

const st_value *
st_expr_literal(const st_expr *e)
{
	return e->n.kind == N_LIT ? &e->n.lit : NULL;
}
