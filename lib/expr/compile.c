/*
 * compile.c - the pass over a parsed item: column slots, where aggregates
 * and generators may stand, and the preparation of literal arguments
 * (LIKE and RLIKE patterns, the functions' own prepare hooks).
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "parser.h"

static int
add_column(st_expr_list *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->ncols; i++)
		if (strlen(l->cols[i]) == len &&
		    memcmp(l->cols[i], name, len) == 0)
			return (int)i;
	l->cols = st_realloc(l->cols, (l->ncols + 1) * sizeof *l->cols);
	l->cols[l->ncols] = name;
	return (int)l->ncols++;
}

/* top: n is an item's root; inagg: n is inside an aggregate's arguments. */
static int
compile_node(P *p, node *n, int top, int inagg)
{
	if (n->kind == N_COL) {
		n->slot = add_column(p->l, n->name, n->nlen);
		return 0;
	}
	if (n->kind == N_CALL) {
		const st_func *f = n->fn;
		/* Aggregates anywhere in an item (round(avg(x), 2)), but
		 * not inside another one, as Spark's CheckAnalysis. */
		if (f->flags & F_AGG) {
			if (inagg) {
				lx_err(p, n->pos, "aggregate function '%s': it "
				    "is not allowed to use an aggregate function "
				    "in the argument of another aggregate "
				    "function", n->fname);
				return -1;
			}
			inagg = 1;
		}
		if (f->flags & F_GEN) {
			if (!(p->flags & ST_EXPR_GENERATORS)) {
				lx_err(p, n->pos, "generator '%s' is only "
				    "allowed in st-select's list", f->name);
				return -1;
			}
			if (!top) {
				lx_err(p, n->pos, "generator '%s' is only "
				    "allowed at the top of a select item",
				    f->name);
				return -1;
			}
		}
		if (n->star)
			p->l->star_cols = 1;
	}
	for (int i = 0; i < n->nargs; i++)
		if (compile_node(p, n->args[i], 0, inagg) < 0)
			return -1;
	if (n->kind == N_CALL && n->fn->prepare) {
		char msg[256];
		size_t pos = n->pos;
		if (n->fn->prepare(p->l, n, msg, sizeof msg, &pos) < 0) {
			lx_err(p, pos, "%s", msg);
			return -1;
		}
	}
	if (n->kind == N_LIKE && n->args[1]->kind == N_LIT &&
	    n->args[1]->lit.type == ST_V_STRING) {
		const st_value *pv = &n->args[1]->lit;
		if (n->op == 2) {
			pattern *pt = st_arena_alloc(&p->l->arena, sizeof *pt);
			memset(pt, 0, sizeof *pt);
			char msg[200];
			if (regex_compile(&pt->re, pv->u.s.p, pv->u.s.n, 1, msg,
			    sizeof msg) < 0) {
				lx_err(p, n->args[1]->pos, "invalid regular "
				    "expression: %s", msg);
				return -1;
			}
			pt->re_ok = 1;
			list_add_pattern(p->l, pt);
			n->aux = pt;
		} else {
			n->aux = like_compile(&p->l->arena, pv->u.s.p,
			    pv->u.s.n, n->esc, n->op == 1);
		}
	}
	return 0;
}

int
compile_item(P *p, node *n, int top)
{
	return compile_node(p, n, top, 0);
}

int
compile_list(P *p)
{
	/* Generators: at most one per list, as Spark. */
	int ngen = 0;
	for (size_t i = 0; i < p->l->nitems; i++) {
		const st_expr_item *it = &p->l->items[i];
		if (it->kind == ST_ITEM_EXPR && st_expr_is_generator(it->expr,
		    NULL, NULL) && ++ngen > 1) {
			lx_err(p, it->expr->n.pos, "only one generator "
			    "(explode, posexplode) is allowed per select list");
			return -1;
		}
	}
	return 0;
}
