/*
 * name.c - the name Spark prints for an expression without an alias
 * (expr.h: st_expr_default_name), and its exact variant
 * (st_expr_canonical).
 */
#include <string.h>

#include "internal.h"

static const char *const binop_text[] = {
	"+", "-", "*", "/", "%", "div", "||", "&", "|", "^", "=", "!=", "<",
	"<=", ">", ">=", "<=>", "IS DISTINCT FROM"
};

/* How sqlname writes: TOP, n is an item's root (a column is its last
 * part); EXACT, as st_expr_canonical (strings quoted, columns in
 * backquotes, nothing dropped). */
enum { TOP = 1, EXACT = 2 };

static void sqlname(st_buf *b, const node *n, unsigned how);

/* s quoted with q, a q inside doubled. */
static void
quoted(st_buf *b, const char *s, size_t n, char q)
{
	st_buf_putc(b, q);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == q)
			st_buf_putc(b, q);
		st_buf_putc(b, s[i]);
	}
	st_buf_putc(b, q);
}

/* A name part: as is, or backquoted when exact. */
static void
part(st_buf *b, const char *s, size_t n, unsigned how)
{
	if (how & EXACT)
		quoted(b, s, n, '`');
	else
		st_buf_add(b, s, n);
}

static void
literal_name(st_buf *b, const node *n, unsigned how)
{
	const char *prefix = n->lit.type == ST_V_INTERVAL ? "INTERVAL '" :
	    n->lit.type == ST_V_TIMESTAMP ? "TIMESTAMP '" :
	    n->lit.type == ST_V_DATE ? "DATE '" : NULL;

	if (n->lit.type == ST_V_NULL) {
		st_buf_puts(b, "NULL");
	} else if (prefix) {
		st_buf_puts(b, prefix);
		st_value_write_text(b, &n->lit);
		st_buf_putc(b, '\'');
	} else if ((how & EXACT) && n->lit.type == ST_V_STRING) {
		st_buf t = ST_BUF_INIT;
		st_value_write_text(&t, &n->lit);
		quoted(b, t.data ? t.data : "", t.len, '\'');
		st_buf_release(&t);
	} else {
		st_value_write_text(b, &n->lit);
		if (n->lit.type == ST_V_BIGINT)
			st_buf_putc(b, 'L');
	}
}

/* A column or a field: at the top of an item, only its last part. */
static void
column_name(st_buf *b, const node *n, unsigned how)
{
	int top = (how & (TOP | EXACT)) == TOP;

	if (n->kind == N_FIELD) {
		if (!top) {
			sqlname(b, n->args[0], how & EXACT);
			st_buf_putc(b, '.');
		}
		part(b, n->name, n->nlen, how);
		return;
	}
	if (top && n->npath) {
		st_buf_add(b, n->path[n->npath - 1], n->plens[n->npath - 1]);
		return;
	}
	part(b, n->name, n->nlen, how);
	for (size_t i = 0; i < n->npath; i++) {
		st_buf_putc(b, '.');
		part(b, n->path[i], n->plens[i], how);
	}
}

static void
unary_name(st_buf *b, const node *n, unsigned how)
{
	st_buf_puts(b, n->kind == N_NEG ? "(- " : n->kind == N_POS ? "(+ " :
	    n->kind == N_NOT ? "(NOT " : "~");
	sqlname(b, n->args[0], how & EXACT);
	if (n->kind != N_BITNOT)
		st_buf_putc(b, ')');
}

static void
binary_name(st_buf *b, const node *n, unsigned how)
{
	st_buf_putc(b, '(');
	if (n->kind == N_BIN && n->op == OP_DISTINCT && n->negate)
		st_buf_puts(b, "NOT ");
	sqlname(b, n->args[0], how & EXACT);
	st_buf_putc(b, ' ');
	st_buf_puts(b, n->kind == N_AND ? "AND" : n->kind == N_OR ? "OR" :
	    binop_text[n->op]);
	st_buf_putc(b, ' ');
	sqlname(b, n->args[1], how & EXACT);
	st_buf_putc(b, ')');
}

/* IS [NOT] NULL/TRUE/FALSE, [NOT] LIKE, [NOT] IN, [NOT] BETWEEN. */
static void
predicate_name(st_buf *b, const node *n, unsigned how)
{
	switch (n->kind) {
	case N_ISNULL:
	case N_ISBOOL:
		st_buf_putc(b, '(');
		sqlname(b, n->args[0], how & EXACT);
		st_buf_puts(b, n->negate ? " IS NOT " : " IS ");
		st_buf_puts(b, n->kind == N_ISNULL ? "NULL" : n->op ? "TRUE" :
		    "FALSE");
		st_buf_putc(b, ')');
		break;
	case N_LIKE:
		if (n->negate)
			st_buf_puts(b, "(NOT ");
		sqlname(b, n->args[0], how & EXACT);
		st_buf_puts(b, n->op == 0 ? " LIKE " : n->op == 1 ?
		    " ILIKE " : " RLIKE ");
		sqlname(b, n->args[1], how & EXACT);
		if (n->negate)
			st_buf_putc(b, ')');
		break;
	case N_IN:
		st_buf_putc(b, '(');
		sqlname(b, n->args[0], how & EXACT);
		st_buf_puts(b, n->negate ? " NOT IN (" : " IN (");
		for (int i = 1; i < n->nargs; i++) {
			if (i > 1)
				st_buf_puts(b, ", ");
			sqlname(b, n->args[i], how & EXACT);
		}
		st_buf_puts(b, "))");
		break;
	default:	/* N_BETWEEN */
		st_buf_putc(b, '(');
		sqlname(b, n->args[0], how & EXACT);
		st_buf_puts(b, n->negate ? " NOT BETWEEN " : " BETWEEN ");
		sqlname(b, n->args[1], how & EXACT);
		st_buf_puts(b, " AND ");
		sqlname(b, n->args[2], how & EXACT);
		st_buf_putc(b, ')');
		break;
	}
}

static void
case_name(st_buf *b, const node *n, unsigned how)
{
	int i = 0;

	st_buf_puts(b, "CASE");
	if (n->has_operand) {
		st_buf_putc(b, ' ');
		sqlname(b, n->args[i++], how & EXACT);
	}
	int end = n->nargs - (n->has_else ? 1 : 0);
	for (; i < end; i += 2) {
		st_buf_puts(b, " WHEN ");
		sqlname(b, n->args[i], how & EXACT);
		st_buf_puts(b, " THEN ");
		sqlname(b, n->args[i + 1], how & EXACT);
	}
	if (n->has_else) {
		st_buf_puts(b, " ELSE ");
		sqlname(b, n->args[n->nargs - 1], how & EXACT);
	}
	st_buf_puts(b, " END");
}

static void
call_name(st_buf *b, const node *n, unsigned how)
{
	st_buf_puts(b, n->fname);
	st_buf_putc(b, '(');
	if (n->distinct)
		st_buf_puts(b, "DISTINCT ");
	if (n->star)
		st_buf_puts(b, strcmp(n->fname, "count") == 0 ? "1" : "*");
	for (int i = 0; i < n->nargs; i++) {
		if (i)
			st_buf_puts(b, ", ");
		sqlname(b, n->args[i], how & EXACT);
	}
	st_buf_putc(b, ')');
}

/* Spark's name of n, written as how says. */
static void
sqlname(st_buf *b, const node *n, unsigned how)
{
	switch (n->kind) {
	case N_LIT:
		literal_name(b, n, how);
		break;
	case N_COL:
	case N_FIELD:
		column_name(b, n, how);
		break;
	case N_INDEX:
		sqlname(b, n->args[0], how & EXACT);
		st_buf_putc(b, '[');
		sqlname(b, n->args[1], how & EXACT);
		st_buf_putc(b, ']');
		break;
	case N_NEG:
	case N_POS:
	case N_BITNOT:
	case N_NOT:
		unary_name(b, n, how);
		break;
	case N_BIN:
	case N_AND:
	case N_OR:
		binary_name(b, n, how);
		break;
	case N_ISNULL:
	case N_ISBOOL:
	case N_LIKE:
	case N_IN:
	case N_BETWEEN:
		predicate_name(b, n, how);
		break;
	case N_CASE:
		case_name(b, n, how);
		break;
	case N_CAST:
		st_buf_puts(b, "CAST(");
		sqlname(b, n->args[0], how & EXACT);
		st_buf_puts(b, " AS ");
		st_type_format(b, n->type);
		st_buf_putc(b, ')');
		break;
	case N_CALL:
		call_name(b, n, how);
		break;
	case N_STAR:
		st_buf_putc(b, '*');
		break;
	}
}

void
st_expr_default_name(st_buf *b, const st_expr *e)
{
	sqlname(b, &e->n, TOP);
}

void
st_expr_canonical(st_buf *b, const st_expr *e)
{
	sqlname(b, &e->n, EXACT);
}
