/*
 * parse.c - the expression grammar: a hand-written recursive descent with
 * precedence climbing for binary operators (Lua's lparser.c shape: a
 * {left, right} priority per binary operator, SQLite's levels), and the
 * select-list parser on top of it. Tokens come from lex.c; each parsed
 * item goes through compile.c. Each grammar function carries the
 * production it parses.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "parser.h"
#include "datetime.h"

#define MAX_DEPTH 200


static node *
mk(P *p, int kind, size_t pos)
{
	node *n = st_arena_alloc(p->a, sizeof *n);
	memset(n, 0, sizeof *n);
	n->kind = (uint8_t)kind;
	n->pos = pos;
	n->end = p->prev.pos + p->prev.len;
	n->slot = -1;
	return n;
}

static void
setargs(P *p, node *n, node **v, int k)
{
	n->nargs = k;
	n->args = st_arena_alloc(p->a, (k ? (size_t)k : 1) * sizeof(node *));
	for (int i = 0; i < k; i++)
		n->args[i] = v[i];
}

static node *
mk2(P *p, int kind, int op, node *a, node *b)
{
	node *n = mk(p, kind, a->pos);
	node *v[2] = { a, b };
	n->op = (uint8_t)op;
	setargs(p, n, v, b ? 2 : 1);
	n->end = p->prev.pos + p->prev.len;
	return n;
}

/* A growable list of nodes during parsing. */
typedef struct nvec {
	node **v;
	int n, cap;
} nvec;

static void
nvec_push(nvec *v, node *n)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = st_realloc(v->v, (size_t)v->cap * sizeof *v->v);
	}
	v->v[v->n++] = n;
}

/* ---- grammar -------------------------------------------------------- */

/*
 * The grammar, loosest first (each function below carries its own
 * production; {x} is zero or more x, [x] an optional x):
 *
 *     list    -> item { ',' item }
 *     item    -> '*' [ EXCEPT '(' name { ',' name } ')' ]
 *              | expr [ [AS] name | AS '(' name ',' name ')' ]
 *     expr    -> unary { binop expr | special }
 *     unary   -> NOT expr | ( '-' | '+' | '~' ) expr | primary
 *     primary -> simple { '.' name | '[' expr ']' }
 */

static node *expr(P *p, int limit);

/* Priority levels: SQLite's, loosest first. A unary -, + or ~ binds its
 * operand as tightly as ||. */
enum { PR_OR = 1, PR_AND, PR_NOT, PR_EQ, PR_REL, PR_BIT, PR_ADD, PR_MUL,
    PR_CONCAT, PR_UNARY = PR_CONCAT };

/* Binary operators as the grammar sees them. B_SPECIAL stands for the
 * forms special() parses: IS ..., [NOT] LIKE/ILIKE/RLIKE/REGEXP, IN,
 * BETWEEN. */
typedef enum binopr {
	B_NONE, B_OR, B_AND, B_EQ, B_NE, B_NSEQ, B_SPECIAL, B_LT, B_LE, B_GT,
	B_GE, B_BITAND, B_BITOR, B_BITXOR, B_ADD, B_SUB, B_MUL, B_DIV, B_MOD,
	B_IDIV, B_CONCAT
} binopr;

/*
 * {left, right} priority per binary operator, as Lua's lparser.c: expr()
 * takes an operator while its left priority exceeds the current limit and
 * parses the right operand with the right priority as the new limit.
 * Equal left and right priorities make every operator left-associative
 * (a - b - c is (a - b) - c); a right priority one lower would make it
 * right-associative. kind and op are the node each operator builds.
 */
static const struct {
	uint8_t left, right;
	uint8_t kind, op;
} priority[] = {
	[B_OR] = { PR_OR, PR_OR, N_OR, 0 },
	[B_AND] = { PR_AND, PR_AND, N_AND, 0 },
	[B_EQ] = { PR_EQ, PR_EQ, N_BIN, OP_EQ },
	[B_NE] = { PR_EQ, PR_EQ, N_BIN, OP_NE },
	[B_NSEQ] = { PR_EQ, PR_EQ, N_BIN, OP_NSEQ },
	[B_SPECIAL] = { PR_EQ, PR_EQ, 0, 0 },
	[B_LT] = { PR_REL, PR_REL, N_BIN, OP_LT },
	[B_LE] = { PR_REL, PR_REL, N_BIN, OP_LE },
	[B_GT] = { PR_REL, PR_REL, N_BIN, OP_GT },
	[B_GE] = { PR_REL, PR_REL, N_BIN, OP_GE },
	[B_BITAND] = { PR_BIT, PR_BIT, N_BIN, OP_BITAND },
	[B_BITOR] = { PR_BIT, PR_BIT, N_BIN, OP_BITOR },
	[B_BITXOR] = { PR_BIT, PR_BIT, N_BIN, OP_BITXOR },
	[B_ADD] = { PR_ADD, PR_ADD, N_BIN, OP_ADD },
	[B_SUB] = { PR_ADD, PR_ADD, N_BIN, OP_SUB },
	[B_MUL] = { PR_MUL, PR_MUL, N_BIN, OP_MUL },
	[B_DIV] = { PR_MUL, PR_MUL, N_BIN, OP_DIV },
	[B_MOD] = { PR_MUL, PR_MUL, N_BIN, OP_MOD },
	[B_IDIV] = { PR_MUL, PR_MUL, N_BIN, OP_IDIV },
	[B_CONCAT] = { PR_CONCAT, PR_CONCAT, N_BIN, OP_CONCAT }
};

/* binop -> '*' | '/' | '%' | DIV | '+' | '-' | '||' | '&' | '|' | '^'
 *        | '<' | '<=' | '>' | '>=' | '=' | '==' | '!=' | '<>' | '<=>'
 *        | AND | OR
 * The binary operator at the current token, or B_NONE. */
static binopr
getbinopr(P *p)
{
	if (p->cur.t == T_OP) {
		switch (p->cur.op) {
		case O_STAR: return B_MUL;
		case O_SLASH: return B_DIV;
		case O_PCT: return B_MOD;
		case O_PLUS: return B_ADD;
		case O_MINUS: return B_SUB;
		case O_CONCAT: return B_CONCAT;
		case O_AMP: return B_BITAND;
		case O_BAR: return B_BITOR;
		case O_CARET: return B_BITXOR;
		case O_LT: return B_LT;
		case O_LE: return B_LE;
		case O_GT: return B_GT;
		case O_GE: return B_GE;
		case O_EQ: case O_EQEQ: return B_EQ;
		case O_NE: case O_LTGT: return B_NE;
		case O_NSEQ: return B_NSEQ;
		default: return B_NONE;
		}
	}
	if (p->cur.t == T_ID) {
		switch (p->cur.kw) {
		case K_AND: return B_AND;
		case K_OR: return B_OR;
		case K_DIV: return B_IDIV;
		case K_IS: case K_LIKE: case K_ILIKE: case K_RLIKE:
		case K_REGEXP: case K_IN: case K_BETWEEN: case K_NOT:
			return B_SPECIAL;
		default: return B_NONE;
		}
	}
	return B_NONE;
}

/* An expr that must be there: a clear error when the next token cannot
 * start one. */
static node *
expect_expr(P *p, int limit)
{
	if (p->failed)
		return NULL;
	int start_eof = p->cur.t == T_EOF || lx_isop(p, O_RP) ||
	    lx_isop(p, O_COMMA) || (p->cur.t == T_ID && (p->cur.kw == K_AND ||
	    p->cur.kw == K_OR || p->cur.kw == K_THEN ||
	    p->cur.kw == K_ELSE || p->cur.kw == K_END ||
	    p->cur.kw == K_WHEN));
	if (start_eof) {
		if (p->prev.len)
			lx_err(p, p->cur.pos, "expected an expression after "
			    "'%s', found %s", lx_prev(p), lx_show(p, &p->cur));
		else
			lx_err(p, p->cur.pos, "expected an expression, found "
			    "%s", lx_show(p, &p->cur));
		return NULL;
	}
	return expr(p, limit);
}

/* Consumes op or reports what was expected (and where its opener was). */
static int
expect_op(P *p, int op, const char *what, const tok *opener)
{
	if (lx_accept_op(p, op))
		return 1;
	if (opener)
		lx_err(p, p->cur.pos, "expected '%s' to close '%.*s' at column "
		    "%zu, found %s", what, (int)opener->len, p->s + opener->pos,
		    opener->pos + 1, lx_show(p, &p->cur));
	else
		lx_err(p, p->cur.pos, "expected '%s' after '%s', found %s", what,
		    lx_prev(p), lx_show(p, &p->cur));
	return 0;
}

/* number -> NUM   (42 INT, 42L BIGINT, 1.5 DECIMAL, 1.5e3 or 1.5D DOUBLE,
 *                 1S, 1Y, 1BD, 1F) */
static node *
number(P *p)
{
	tok t = p->cur;
	char tmp[80];
	node *n = mk(p, N_LIT, t.pos);
	size_t len = t.len;
	lx_next(p);
	n->end = t.pos + t.len;
	if (len >= sizeof tmp) {
		lx_err(p, t.pos, "number too long");
		return n;
	}
	memcpy(tmp, p->s + t.pos, len);
	tmp[len] = '\0';
	char suf = 0;
	if (len > 2 && strcasecmp(tmp + len - 2, "BD") == 0) {
		suf = 'B';
		tmp[len -= 2] = '\0';
	} else if (isalpha((unsigned char)tmp[len - 1])) {
		suf = (char)toupper((unsigned char)tmp[len - 1]);
		tmp[--len] = '\0';
	}
	int frac = strchr(tmp, '.') != NULL;
	int expo = strchr(tmp, 'e') || strchr(tmp, 'E');
	st_value s = st_v_string(tmp, len);
	st_value out;
	if (suf == 'D' || suf == 'F' || (expo && suf != 'B')) {
		st_value_cast(p->a, &s, st_type_simple(ST_V_DOUBLE), &out);
	} else if (suf == 'B' || frac) {
		/* A DECIMAL of the written precision and scale, or a
		 * DOUBLE when it does not fit in 18 digits. */
		const char *dot = strchr(tmp, '.');
		int scale = dot ? (int)(len - (size_t)(dot - tmp) - 1) : 0;
		int digits = 0;
		for (const char *q = tmp; *q; q++)
			digits += isdigit((unsigned char)*q) != 0;
		st_type dt = { ST_V_DECIMAL, (uint8_t)(digits > 18 ? 18 :
		    digits < 1 ? 1 : digits), (uint8_t)scale };
		if (expo || digits > 18 || scale > 18 ||
		    st_value_cast(p->a, &s, &dt, &out) < 0)
			st_value_cast(p->a, &s, st_type_simple(ST_V_DOUBLE), &out);
	} else {
		st_value v;
		if (st_value_cast(p->a, &s, st_type_simple(ST_V_BIGINT),
		    &v) < 0) {
			/* Too big for BIGINT: DECIMAL(38,0) in Spark, a
			 * BIGDEC here; beyond 38 digits a DOUBLE. */
			if (st_value_parse_integer(tmp, len, &out) < 0)
				st_value_cast(p->a, &s,
				    st_type_simple(ST_V_DOUBLE), &out);
		} else if (suf == 'L' || v.u.i > INT32_MAX ||
		    v.u.i < INT32_MIN) {
			out = v;
		} else {
			out = st_v_int((int32_t)v.u.i);
		}
	}
	n->lit = out;
	return n;
}

/* string -> STR { STR }   (adjacent literals concatenate) */
static node *
string_lit(P *p)
{
	node *n = mk(p, N_LIT, p->cur.pos);
	st_buf b = ST_BUF_INIT;
	/* Adjacent literals concatenate, as in Spark: 'a' 'b' is 'ab'. */
	while (p->cur.t == T_STR) {
		st_buf_add(&b, p->cur.str, p->cur.slen);
		lx_next(p);
	}
	n->lit = st_v_string_copy(p->a, b.data, b.len);
	n->end = p->prev.pos + p->prev.len;
	st_buf_release(&b);
	return n;
}

static const char *const unit_words[] = {
	"MICROSECOND", "MICROSECONDS", "MILLISECOND", "MILLISECONDS",
	"SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY",
	"DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "YEAR", "YEARS", NULL
};

static int
is_unit(P *p)
{
	if (p->cur.t != T_ID)
		return 0;
	for (int k = 0; unit_words[k]; k++)
		if (strlen(unit_words[k]) == p->cur.len &&
		    strncasecmp(unit_words[k], p->s + p->cur.pos,
		    p->cur.len) == 0)
			return 1;
	return 0;
}

/*
 * interval -> INTERVAL part { part }
 * part     -> [ '-' | '+' ] ( NUM | STR ) [ unit [ TO unit ] ]
 * (INTERVAL already consumed.) The text of the parts goes to
 * st_parse_interval (time.h), which knows Spark's spellings: INTERVAL 1
 * HOUR 30 MINUTES, INTERVAL '15' MINUTE, INTERVAL '1 day 2 hours',
 * INTERVAL '3:30' MINUTE TO SECOND, INTERVAL '1 10:00:00' DAY TO SECOND.
 * A value is a day-time interval in microseconds: year-month intervals
 * are refused.
 */
static node *
interval(P *p)
{
	size_t pos = p->prev.pos;
	node *n = mk(p, N_LIT, pos);
	size_t start = p->cur.pos, end = start;
	int parts = 0;

	for (;;) {
		if (lx_isop(p, O_MINUS) || lx_isop(p, O_PLUS)) {
			/* A sign belongs to the interval only before a
			 * value: INTERVAL 1 DAY - x is a subtraction. */
			P save = *p;
			lx_next(p);
			if (p->cur.t != T_NUM && p->cur.t != T_STR) {
				*p = save;
				break;
			}
		}
		if (p->cur.t != T_NUM && p->cur.t != T_STR)
			break;
		lx_next(p);
		parts++;
		if (is_unit(p)) {
			lx_next(p);
			if (p->cur.t == T_ID && p->cur.len == 2 &&
			    strncasecmp(p->s + p->cur.pos, "TO", 2) == 0) {
				lx_next(p);
				if (p->cur.t == T_ID)
					lx_next(p);
			}
		}
		end = p->prev.pos + p->prev.len;
	}
	if (!parts) {
		lx_err(p, p->cur.pos, "expected a number or a string after "
		    "INTERVAL, found %s", lx_show(p, &p->cur));
		return n;
	}
	st_interval iv;
	char msg[200];
	size_t epos;
	int64_t us;
	if (st_parse_interval(p->s + start, end - start, &iv, msg,
	    sizeof msg, &epos) < 0) {
		lx_err(p, start + epos, "invalid interval: %s", msg);
		return n;
	}
	if (iv.months) {
		lx_err(p, start, "year-month intervals are not supported in "
		    "expressions (use days)");
		return n;
	}
	if (st_interval_usec(&iv, 0, &us) < 0) {
		lx_err(p, start, "interval out of range");
		return n;
	}
	n->lit = st_v_interval(us);
	n->end = end;
	return n;
}

/* cast -> CAST '(' expr AS type ')'
 * (CAST already consumed; the type text runs to the ')' that closes
 * the CAST and goes to the DDL parser) */
static node *
cast(P *p)
{
	size_t pos = p->prev.pos;
	tok open = p->cur;
	if (!expect_op(p, O_LP, "(", NULL))
		return NULL;
	node *x = expect_expr(p, 0);
	if (!x)
		return NULL;
	if (!lx_iskw(p, K_AS)) {
		lx_err(p, p->cur.pos, "expected AS in CAST(... AS type), found "
		    "%s", lx_show(p, &p->cur));
		return NULL;
	}
	size_t ts = p->i, depth = 0, j = ts;
	while (j < p->n) {
		char c = p->s[j];
		if (c == '(' || c == '<')
			depth++;
		else if (c == '>' && depth)
			depth--;
		else if (c == ')') {
			if (!depth)
				break;
			depth--;
		}
		j++;
	}
	if (j >= p->n) {
		lx_err(p, p->n, "expected ')' to close 'CAST(' at column %zu, "
		    "found end of input", open.pos + 1);
		return NULL;
	}
	char emsg[200];
	size_t ecol;
	const st_type *t = parse_type_text(p->l, p->s + ts, j - ts, emsg,
	    sizeof emsg, &ecol);
	if (!t) {
		lx_err(p, ts + ecol - 1, "%s", emsg);
		return NULL;
	}
	p->i = j;
	lx_next(p);	/* now at ')' */
	lx_next(p);
	node *n = mk(p, N_CAST, pos);
	setargs(p, n, &x, 1);
	n->type = t;
	return n;
}

/* case -> CASE [ expr ] WHEN expr THEN expr { WHEN expr THEN expr }
 *         [ ELSE expr ] END
 * (CASE already consumed) */
static node *
case_expr(P *p)
{
	size_t pos = p->prev.pos;
	tok opener = p->prev;
	nvec v = { 0 };
	node *n = mk(p, N_CASE, pos);
	if (!lx_iskw(p, K_WHEN)) {
		node *x = expect_expr(p, 0);
		if (!x)
			goto fail;
		nvec_push(&v, x);
		n->has_operand = 1;
	}
	if (!lx_iskw(p, K_WHEN)) {
		lx_err(p, p->cur.pos, "expected WHEN in CASE, found %s",
		    lx_show(p, &p->cur));
		goto fail;
	}
	while (lx_accept_kw(p, K_WHEN)) {
		node *c = expect_expr(p, 0);
		if (!c)
			goto fail;
		if (!lx_accept_kw(p, K_THEN)) {
			lx_err(p, p->cur.pos, "expected THEN after WHEN ..., "
			    "found %s", lx_show(p, &p->cur));
			goto fail;
		}
		node *r = expect_expr(p, 0);
		if (!r)
			goto fail;
		nvec_push(&v, c);
		nvec_push(&v, r);
	}
	if (lx_accept_kw(p, K_ELSE)) {
		node *e = expect_expr(p, 0);
		if (!e)
			goto fail;
		nvec_push(&v, e);
		n->has_else = 1;
	}
	if (!lx_accept_kw(p, K_END)) {
		lx_err(p, p->cur.pos, "expected END to close 'CASE' at column "
		    "%zu, found %s", opener.pos + 1, lx_show(p, &p->cur));
		goto fail;
	}
	setargs(p, n, v.v, v.n);
	n->end = p->prev.pos + p->prev.len;
	free(v.v);
	return n;
fail:
	free(v.v);
	return NULL;
}

/* call -> name '(' [ DISTINCT ] ( '*' | [ expr { ',' expr } ] ) ')'
 * (name already read, at '('): the function must exist and take that
 * many arguments. */
static node *
call(P *p, const tok *name)
{
	tok open = p->cur;
	nvec v = { 0 };
	char lname[64];
	size_t len = name->len < sizeof lname - 1 ? name->len : sizeof lname - 1;
	for (size_t i = 0; i < len; i++)
		lname[i] = (char)tolower((unsigned char)p->s[name->pos + i]);
	lname[len] = '\0';

	node *n = mk(p, N_CALL, name->pos);
	n->fname = st_arena_strndup(p->a, lname, len);
	n->fn = func_lookup(lname, len);
	if (!n->fn) {
		if (func_is_agg_name(lname, len)) {
			if (!(p->flags & ST_EXPR_AGGREGATES)) {
				lx_err(p, name->pos, "aggregate function '%s' is "
				    "not allowed here (aggregates belong to "
				    "st-window --agg)", lname);
				return NULL;
			}
			n->fn = &func_agg_placeholder;
		} else {
			const char *s = func_suggest(lname, len);
			if (s)
				lx_err(p, name->pos, "unknown function '%s' (did "
				    "you mean '%s'?)", lname, s);
			else
				lx_err(p, name->pos, "unknown function '%s'",
				    lname);
			return NULL;
		}
	}
	lx_next(p);	/* ( */
	if (lx_accept_kw(p, K_DISTINCT))
		n->distinct = 1;
	if (lx_isop(p, O_STAR)) {
		lx_next(p);
		n->star = 1;
	} else if (!lx_isop(p, O_RP)) {
		for (;;) {
			node *a = expect_expr(p, 0);
			if (!a)
				goto fail;
			nvec_push(&v, a);
			if (!lx_accept_op(p, O_COMMA))
				break;
		}
	}
	if (!expect_op(p, O_RP, ")", &open))
		goto fail;
	setargs(p, n, v.v, v.n);
	free(v.v);
	n->end = p->prev.pos + p->prev.len;
	if (n->star && n->fn != &func_agg_placeholder &&
	    strcmp(n->fn->name, "struct") != 0) {
		lx_err(p, open.pos + 1, "'*' is not an argument of %s()",
		    n->fn->name);
		return NULL;
	}
	int na = n->nargs;
	if (!n->star && (na < n->fn->min || (n->fn->max >= 0 &&
	    na > n->fn->max))) {
		if (n->fn->min == n->fn->max)
			lx_err(p, name->pos, "function '%s' takes %d argument%s, "
			    "found %d", lname, n->fn->min,
			    n->fn->min == 1 ? "" : "s", na);
		else if (n->fn->max < 0)
			lx_err(p, name->pos, "function '%s' takes at least %d "
			    "argument%s, found %d", lname, n->fn->min,
			    n->fn->min == 1 ? "" : "s", na);
		else
			lx_err(p, name->pos, "function '%s' takes %d to %d "
			    "arguments, found %d", lname, n->fn->min,
			    n->fn->max, na);
		return NULL;
	}
	return n;
fail:
	free(v.v);
	return NULL;
}

/*
 * likecall -> ( LIKE | ILIKE | RLIKE | REGEXP | REGEXP_LIKE )
 *             '(' expr ',' expr [ ',' STR ] ')'
 * The function forms of the operators, as Spark's like(str, pattern[,
 * escape]), ilike(...), rlike(str, regexp), regexp(...), regexp_like(...)
 * (name already read, at '('). op: 0 like, 1 ilike, 2 rlike.
 */
static node *
like_call(P *p, const tok *name, int op)
{
	tok open = p->cur;
	node *v[2];
	lx_next(p);	/* ( */
	for (int i = 0; i < 2; i++) {
		if (i && !expect_op(p, O_COMMA, ",", NULL))
			return NULL;
		if (!(v[i] = expect_expr(p, 0)))
			return NULL;
	}
	node *n = mk(p, N_LIKE, name->pos);
	setargs(p, n, v, 2);
	n->op = (uint8_t)op;
	n->esc = '\\';
	if (op != 2 && lx_accept_op(p, O_COMMA)) {
		if (p->cur.t != T_STR || p->cur.slen != 1) {
			lx_err(p, p->cur.pos, "expected a one-character string "
			    "as the escape of %.*s(), found %s",
			    (int)name->len, p->s + name->pos,
			    lx_show(p, &p->cur));
			return NULL;
		}
		n->esc = p->cur.str[0];
		lx_next(p);
	}
	if (!expect_op(p, O_RP, ")", &open))
		return NULL;
	n->end = p->prev.pos + p->prev.len;
	return n;
}

/* column -> QID   (a `quoted name`) */
static node *
column(P *p)
{
	tok t = p->cur;
	node *n = mk(p, N_COL, t.pos);
	if (t.t == T_QID) {
		n->name = t.str;
		n->nlen = t.slen;
	} else {
		n->name = st_arena_strndup(p->a, p->s + t.pos, t.len);
		n->nlen = t.len;
	}
	lx_next(p);
	n->end = t.pos + t.len;
	return n;
}

/* The error for a token that cannot start an expression. */
static node *
no_expr(P *p, const tok *t)
{
	lx_err(p, t->pos, p->prev.len ? "expected an expression after "
	    "'%s', found %s" : "expected an expression%s, found %s",
	    p->prev.len ? lx_prev(p) : "", lx_show(p, t));
	return NULL;
}

/* current_timestamp and current_date: calls without parentheses, as in
 * Spark. */
static int
is_bare_call(P *p, const tok *t)
{
	return (t->len == 17 && strncasecmp(p->s + t->pos,
	    "current_timestamp", 17) == 0) || (t->len == 12 &&
	    strncasecmp(p->s + t->pos, "current_date", 12) == 0);
}

/* A plain name (already read): TIMESTAMP '...' and DATE '...' typed
 * literals, a call, current_timestamp and current_date, or a column. */
static node *
name_primary(P *p, const tok *t)
{
	node *n;
	int is_ts = t->len == 9 &&
	    strncasecmp(p->s + t->pos, "TIMESTAMP", 9) == 0;
	int is_d = t->len == 4 && strncasecmp(p->s + t->pos, "DATE", 4) == 0;

	if ((is_ts || is_d) && p->cur.t == T_STR) {
		tok st = p->cur;
		node *s = string_lit(p);
		n = mk(p, N_LIT, t->pos);
		if (st_value_cast(p->a, &s->lit, st_type_simple(is_ts ?
		    ST_V_TIMESTAMP : ST_V_DATE), &n->lit) < 0) {
			lx_err(p, st.pos, "invalid %s literal '%s'", is_ts ?
			    "TIMESTAMP" : "DATE", s->lit.u.s.p);
			return NULL;
		}
		return n;
	}
	if (lx_isop(p, O_LP) && t->len == 11 &&
	    strncasecmp(p->s + t->pos, "regexp_like", 11) == 0)
		return like_call(p, t, 2);
	if (lx_isop(p, O_LP))
		return call(p, t);
	if (is_bare_call(p, t)) {
		n = mk(p, N_CALL, t->pos);
		n->fname = st_arena_strndup(p->a, p->s + t->pos, t->len);
		for (char *q = (char *)n->fname; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		n->fn = func_lookup(n->fname, t->len);
		setargs(p, n, NULL, 0);
		return n;
	}
	n = mk(p, N_COL, t->pos);
	n->name = st_arena_strndup(p->a, p->s + t->pos, t->len);
	n->nlen = t->len;
	n->end = t->pos + t->len;
	return n;
}

/* An identifier token at the start of a primary: a keyword's construct
 * or a name. */
static node *
keyword_primary(P *p, const tok *t)
{
	node *n;

	switch (t->kw) {
	case K_NULL:
		lx_next(p);
		n = mk(p, N_LIT, t->pos);
		n->lit = st_v_null();
		return n;
	case K_TRUE:
	case K_FALSE:
		lx_next(p);
		n = mk(p, N_LIT, t->pos);
		n->lit = st_v_bool(t->kw == K_TRUE);
		return n;
	case K_INTERVAL:
		lx_next(p);
		return interval(p);
	case K_CAST:
		lx_next(p);
		return cast(p);
	case K_CASE:
		lx_next(p);
		return case_expr(p);
	case K_NONE:
		lx_next(p);
		return name_primary(p, t);
	case K_LIKE:
	case K_ILIKE:
	case K_RLIKE:
	case K_REGEXP: {
		/* like(a, b) and friends: the operator as a call. */
		P save = *p;
		lx_next(p);
		if (lx_isop(p, O_LP))
			return like_call(p, t, t->kw == K_LIKE ? 0 :
			    t->kw == K_ILIKE ? 1 : 2);
		*p = save;
		return no_expr(p, t);
	}
	default:
		return no_expr(p, t);
	}
}

/* simple -> number | string | column | name | '(' expr ')' | keyword
 * constructs (see primary). */
static node *
simple(P *p)
{
	tok t = p->cur;
	node *n;

	switch (t.t) {
	case T_NUM:
		return number(p);
	case T_STR:
		return string_lit(p);
	case T_QID:
		return column(p);
	case T_OP:
		if (t.op == O_LP) {
			lx_next(p);
			n = expect_expr(p, 0);
			if (!n || !expect_op(p, O_RP, ")", &t))
				return NULL;
			n->paren = 1;
			return n;
		}
		if (t.op == O_STAR) {
			lx_err(p, t.pos, "'*' is only allowed as a select item "
			    "or in count(*) and struct(*)");
			return NULL;
		}
		return no_expr(p, &t);
	case T_ID:
		return keyword_primary(p, &t);
	default:
		return no_expr(p, &t);
	}
}

/* '.' name after n (the dot read): a column's nested path grows, any
 * other expression gets a FIELD node. NULL on an error. */
static node *
field_access(P *p, node *n)
{
	tok f = p->cur;

	if (f.t != T_ID && f.t != T_QID) {
		lx_err(p, f.pos, "expected a field name after '.', found %s",
		    lx_show(p, &f));
		return NULL;
	}
	const char *fname = f.t == T_QID ? f.str :
	    st_arena_strndup(p->a, p->s + f.pos, f.len);
	size_t flen = f.t == T_QID ? f.slen : f.len;
	lx_next(p);
	if (n->kind == N_COL && !n->paren) {
		const char **np = st_arena_alloc(p->a,
		    (n->npath + 1) * sizeof *np);
		size_t *nl = st_arena_alloc(p->a, (n->npath + 1) * sizeof *nl);
		if (n->npath) {
			memcpy(np, n->path, n->npath * sizeof *np);
			memcpy(nl, n->plens, n->npath * sizeof *nl);
		}
		np[n->npath] = fname;
		nl[n->npath] = flen;
		n->path = np;
		n->plens = nl;
		n->npath++;
		n->end = f.pos + f.len;
		return n;
	}
	node *g = mk2(p, N_FIELD, 0, n, NULL);
	g->name = fname;
	g->nlen = flen;
	return g;
}

/* The postfix operators after n: .field and [index]. */
static node *
postfix(P *p, node *n)
{
	for (;;) {
		if (lx_isop(p, O_DOT)) {
			lx_next(p);
			/* struct.*: every member of a struct, as Spark's
			 * select("value.*"); a whole list item only (checked
			 * there). */
			if (lx_isop(p, O_STAR) && (p->flags & ST_EXPR_STAR) &&
			    p->star_of == NULL) {
				p->star_of = n;
				lx_next(p);
				return n;
			}
			if ((n = field_access(p, n)) == NULL)
				return NULL;
			continue;
		}
		if (lx_isop(p, O_LB)) {
			tok lb = p->cur;
			lx_next(p);
			node *ix = expect_expr(p, 0);
			if (!ix || !expect_op(p, O_RB, "]", &lb))
				return NULL;
			n = mk2(p, N_INDEX, 0, n, ix);
			continue;
		}
		return n;
	}
}

/*
 * primary -> simple { '.' name | '[' expr ']' }
 * simple  -> number | string | column | name | '(' expr ')'
 *          | NULL | TRUE | FALSE | TIMESTAMP STR | DATE STR
 *          | interval | cast | case | call | likecall
 *          | CURRENT_TIMESTAMP | CURRENT_DATE
 */
static node *
primary(P *p)
{
	tok t = p->cur;
	node *n;

	if (++p->depth > MAX_DEPTH) {
		lx_err(p, t.pos, "expression nested too deeply (more than %d "
		    "levels)", MAX_DEPTH);
		return NULL;
	}
	n = simple(p);
	if (!n || p->failed)
		return NULL;
	if ((n = postfix(p, n)) == NULL)
		return NULL;
	p->depth--;
	return n;
}

/* unary -> NOT expr | ( '-' | '+' | '~' ) expr | primary
 * (NOT binds looser than comparisons, the signs as tightly as ||; a
 * minus before a number literal folds into it) */
static node *
unary(P *p)
{
	tok t = p->cur;
	if (lx_iskw(p, K_NOT)) {
		lx_next(p);
		node *a = expect_expr(p, PR_NOT);
		return a ? mk2(p, N_NOT, 0, a, NULL) : NULL;
	}
	if (lx_isop(p, O_MINUS) || lx_isop(p, O_PLUS) || lx_isop(p, O_TILDE)) {
		lx_next(p);
		if (++p->depth > MAX_DEPTH) {
			lx_err(p, t.pos, "expression nested too deeply (more "
			    "than %d levels)", MAX_DEPTH);
			return NULL;
		}
		node *a = expect_expr(p, PR_UNARY);
		p->depth--;
		if (!a)
			return NULL;
		/* Fold -literal so that -2147483648 is an INT. */
		if (t.op == O_MINUS && a->kind == N_LIT && !a->paren &&
		    (a->lit.type == ST_V_INT || a->lit.type == ST_V_BIGINT ||
		    a->lit.type == ST_V_DOUBLE || a->lit.type == ST_V_DECIMAL)) {
			if (a->lit.type == ST_V_DOUBLE)
				a->lit.u.d = -a->lit.u.d;
			else if (a->lit.u.i != INT64_MIN)
				a->lit.u.i = -a->lit.u.i;
			a->pos = t.pos;
			return a;
		}
		node *n = mk2(p, t.op == O_MINUS ? N_NEG : t.op == O_PLUS ?
		    N_POS : N_BITNOT, 0, a, NULL);
		n->pos = t.pos;
		return n;
	}
	return primary(p);
}

/*
 * special -> IS [ NOT ] ( NULL | TRUE | FALSE | DISTINCT FROM expr )
 *          | [ NOT ] ( LIKE | ILIKE ) expr [ ESCAPE STR ]
 *          | [ NOT ] ( RLIKE | REGEXP ) expr
 *          | [ NOT ] IN '(' expr { ',' expr } ')'
 *          | [ NOT ] BETWEEN expr AND expr
 * l is the left operand, already parsed.
 */
static node *
special(P *p, node *l, int kw)
{
	int neg = 0;
	if (kw == K_NOT) {
		lx_next(p);
		neg = 1;
		kw = p->cur.t == T_ID ? p->cur.kw : 0;
		if (kw != K_LIKE && kw != K_ILIKE && kw != K_RLIKE &&
		    kw != K_REGEXP && kw != K_IN && kw != K_BETWEEN) {
			lx_err(p, p->cur.pos, "expected LIKE, RLIKE, IN or "
			    "BETWEEN after NOT, found %s", lx_show(p, &p->cur));
			return NULL;
		}
	}
	tok kt = p->cur;
	lx_next(p);
	switch (kw) {
	case K_IS: {
		int isnot = lx_accept_kw(p, K_NOT);
		if (lx_accept_kw(p, K_NULL)) {
			node *n = mk2(p, N_ISNULL, 0, l, NULL);
			n->negate = (uint8_t)isnot;
			return n;
		}
		if (lx_iskw(p, K_TRUE) || lx_iskw(p, K_FALSE)) {
			int v = lx_iskw(p, K_TRUE);
			lx_next(p);
			node *n = mk2(p, N_ISBOOL, v, l, NULL);
			n->negate = (uint8_t)isnot;
			return n;
		}
		if (lx_accept_kw(p, K_DISTINCT)) {
			if (!lx_accept_kw(p, K_FROM)) {
				lx_err(p, p->cur.pos, "expected FROM after IS "
				    "DISTINCT, found %s", lx_show(p, &p->cur));
				return NULL;
			}
			node *r = expect_expr(p, PR_EQ);
			if (!r)
				return NULL;
			node *n = mk2(p, N_BIN, OP_DISTINCT, l, r);
			n->negate = (uint8_t)isnot;
			return n;
		}
		lx_err(p, p->cur.pos, "expected NULL, NOT NULL, TRUE, FALSE or "
		    "DISTINCT FROM after IS, found %s", lx_show(p, &p->cur));
		return NULL;
	}
	case K_LIKE:
	case K_ILIKE:
	case K_RLIKE:
	case K_REGEXP: {
		node *r = expect_expr(p, PR_EQ);
		if (!r)
			return NULL;
		node *n = mk2(p, N_LIKE, kw == K_LIKE ? 0 : kw == K_ILIKE ?
		    1 : 2, l, r);
		n->negate = (uint8_t)neg;
		n->esc = '\\';
		if (kw != K_RLIKE && kw != K_REGEXP && lx_accept_kw(p, K_ESCAPE)) {
			if (p->cur.t != T_STR || p->cur.slen != 1) {
				lx_err(p, p->cur.pos, "expected a one-character "
				    "string after ESCAPE, found %s",
				    lx_show(p, &p->cur));
				return NULL;
			}
			n->esc = p->cur.str[0];
			lx_next(p);
			n->end = p->prev.pos + p->prev.len;
		}
		return n;
	}
	case K_IN: {
		tok open = p->cur;
		if (!lx_accept_op(p, O_LP)) {
			lx_err(p, p->cur.pos, "expected '(' after IN, found %s",
			    lx_show(p, &p->cur));
			return NULL;
		}
		nvec v = { 0 };
		nvec_push(&v, l);
		for (;;) {
			node *a = expect_expr(p, 0);
			if (!a) {
				free(v.v);
				return NULL;
			}
			nvec_push(&v, a);
			if (!lx_accept_op(p, O_COMMA))
				break;
		}
		if (!expect_op(p, O_RP, ")", &open)) {
			free(v.v);
			return NULL;
		}
		node *n = mk(p, N_IN, l->pos);
		setargs(p, n, v.v, v.n);
		free(v.v);
		n->negate = (uint8_t)neg;
		return n;
	}
	case K_BETWEEN: {
		node *lo = expect_expr(p, PR_EQ);
		if (!lo)
			return NULL;
		if (!lx_accept_kw(p, K_AND)) {
			lx_err(p, p->cur.pos, "expected AND in '%.*s ... AND "
			    "...', found %s", (int)kt.len, p->s + kt.pos,
			    lx_show(p, &p->cur));
			return NULL;
		}
		node *hi = expect_expr(p, PR_EQ);
		if (!hi)
			return NULL;
		node *v[3] = { l, lo, hi };
		node *n = mk(p, N_BETWEEN, l->pos);
		setargs(p, n, v, 3);
		n->negate = (uint8_t)neg;
		return n;
	}
	}
	return NULL;
}

/* expr -> unary { binop expr | special }
 * Precedence climbing: takes the operators whose left priority exceeds
 * limit (see priority[]). */
static node *
expr(P *p, int limit)
{
	node *l = unary(p);
	if (!l)
		return NULL;
	for (;;) {
		binopr op = getbinopr(p);
		if (op == B_NONE || priority[op].left <= limit || p->failed)
			break;
		if (op == B_SPECIAL) {
			/* A bare NOT here (not NOT LIKE/IN/BETWEEN) is an
			 * error that special() reports. */
			l = special(p, l, p->cur.kw);
			if (!l)
				return NULL;
			continue;
		}
		lx_next(p);
		node *r = expect_expr(p, priority[op].right);
		if (!r)
			return NULL;
		l = mk2(p, priority[op].kind, priority[op].op, l, r);
	}
	return l;
}

/* ---- select lists --------------------------------------------------- */

/* An alias: a name that is not a keyword, or a `quoted name`. */
static int
is_alias_token(P *p)
{
	return (p->cur.t == T_ID && p->cur.kw == K_NONE) || p->cur.t == T_QID;
}

static const char *
alias_text(P *p)
{
	const char *s = p->cur.t == T_QID ? p->cur.str :
	    st_arena_strndup(p->a, p->s + p->cur.pos, p->cur.len);
	lx_next(p);
	return s;
}

/* EXCEPT (a, b, ...) after a star item (EXCEPT read). */
static int
star_except(P *p, st_expr_item *it)
{
	tok open = p->cur;
	size_t ecap = 0;

	if (!lx_accept_op(p, O_LP)) {
		lx_err(p, p->cur.pos, "expected '(' after EXCEPT, found %s",
		    lx_show(p, &p->cur));
		return -1;
	}
	for (;;) {
		if (!is_alias_token(p)) {
			lx_err(p, p->cur.pos, "expected a column name, found %s",
			    lx_show(p, &p->cur));
			return -1;
		}
		if (it->nexcept == ecap) {
			ecap = ecap ? ecap * 2 : 4;
			const char **ne = st_arena_alloc(p->a,
			    ecap * sizeof *ne);
			if (it->nexcept)
				memcpy(ne, it->except,
				    it->nexcept * sizeof *ne);
			it->except = ne;
		}
		it->except[it->nexcept++] = alias_text(p);
		if (!lx_accept_op(p, O_COMMA))
			break;
	}
	return expect_op(p, O_RP, ")", &open) ? 0 : -1;
}

/* A '*' item (at the '*'): * [EXCEPT (names)]. */
static int
star_item(P *p, st_expr_item *it)
{
	if (!(p->flags & ST_EXPR_STAR)) {
		lx_err(p, p->cur.pos, "'*' is not allowed here");
		return -1;
	}
	lx_next(p);
	it->kind = ST_ITEM_STAR;
	it->name = "*";
	if (lx_accept_kw(p, K_EXCEPT))
		return star_except(p, it);
	return 0;
}

/* The alias after an item's expression: AS name, AS (pos, col) for a
 * posexplode (gpos), or a bare name. */
static int
item_alias(P *p, st_expr_item *it, int gpos)
{
	if (lx_accept_kw(p, K_AS)) {
		if (gpos && lx_isop(p, O_LP)) {
			tok open = p->cur;
			lx_next(p);
			if (!is_alias_token(p))
				goto bad_alias;
			it->name = alias_text(p);
			if (!expect_op(p, O_COMMA, ",", NULL))
				return -1;
			if (!is_alias_token(p))
				goto bad_alias;
			it->name2 = alias_text(p);
			if (!expect_op(p, O_RP, ")", &open))
				return -1;
		} else if (is_alias_token(p) || p->cur.t == T_ID) {
			it->name = alias_text(p);
		} else {
			goto bad_alias;
		}
		it->has_alias = 1;
	} else if (is_alias_token(p)) {
		it->name = alias_text(p);
		it->has_alias = 1;
	}
	return 0;
bad_alias:
	lx_err(p, p->cur.pos, "expected a name after AS, found %s",
	    lx_show(p, &p->cur));
	return -1;
}

/* An expression item: the expression, its alias (in a list), compiled,
 * and its default names; "struct.*" is a star item. */
static int
expr_item(P *p, st_expr_item *it, int list)
{
	size_t at = p->cur.pos;
	node *n = expect_expr(p, 0);

	if (!n || p->failed)
		return -1;
	if (p->star_of) {
		if (p->star_of != n || p->cur.t == T_ID || is_alias_token(p)) {
			lx_err(p, at, "'.*' expands a struct into its fields: "
			    "it must be a whole item, without an alias");
			return -1;
		}
		p->star_of = NULL;
		it->kind = ST_ITEM_STAR;
		it->expr = (st_expr *)n;
		it->name = "*";
		return compile_item(p, n, 1);
	}
	it->kind = ST_ITEM_EXPR;
	it->expr = (st_expr *)n;
	int gen = n->kind == N_CALL && (n->fn->flags & F_GEN);
	int gpos = gen && (n->fn->flags & F_POS);
	if (list && item_alias(p, it, gpos) < 0)
		return -1;
	if (compile_item(p, n, 1) < 0)
		return -1;
	if (gpos) {
		if (!it->name)
			it->name = "pos";
		if (!it->name2)
			it->name2 = "col";
	} else if (gen && !it->name) {
		it->name = "col";
	}
	if (!it->name) {
		st_buf b = ST_BUF_INIT;
		st_expr_default_name(&b, (st_expr *)n);
		it->name = st_arena_strndup(p->a, b.data, b.len);
		st_buf_release(&b);
	}
	return 0;
}

/* What follows the last item when it is not the end of the text. */
static void
trailing_error(P *p, int list)
{
	if (list)
		lx_err(p, p->cur.pos, "expected ',' or end of input after "
		    "'%s', found %s", lx_prev(p), lx_show(p, &p->cur));
	else if (lx_iskw(p, K_AS))
		lx_err(p, p->cur.pos, "unexpected AS: an alias is only "
		    "allowed in a select list");
	else
		lx_err(p, p->cur.pos, "expected an operator or end of input "
		    "after '%s', found %s", lx_prev(p), lx_show(p, &p->cur));
}

/*
 * list -> item { ',' item }      (one item without list)
 * item -> '*' [ EXCEPT '(' name { ',' name } ')' ]
 *       | expr [ [AS] name | AS '(' name ',' name ')' ]
 * Each item is compiled as soon as it is parsed.
 */
static st_expr_list *
parse_common(const char *text, unsigned flags, st_expr_error *err, int list)
{
	st_expr_list *l = st_calloc(1, sizeof *l);
	P p = { 0 };
	size_t cap = 0;

	l->text = st_strdup(text);
	p.s = l->text;
	p.n = strlen(text);
	p.l = l;
	p.a = &l->arena;
	p.err = err;
	p.flags = flags;
	err->text = text;
	err->col = 0;
	err->msg[0] = '\0';
	lx_next(&p);
	if (p.cur.t == T_EOF && !p.failed) {
		lx_err(&p, 0, "empty expression");
		goto fail;
	}
	for (;;) {
		st_expr_item it;
		memset(&it, 0, sizeof it);
		it.pos = p.cur.pos;
		if ((list && lx_isop(&p, O_STAR) ? star_item(&p, &it) :
		    expr_item(&p, &it, list)) < 0)
			goto fail;
		if (l->nitems == cap) {
			cap = cap ? cap * 2 : 8;
			l->items = st_realloc(l->items, cap * sizeof *l->items);
		}
		l->items[l->nitems++] = it;
		if (!list || !lx_accept_op(&p, O_COMMA))
			break;
	}
	if (p.cur.t != T_EOF && !p.failed)
		trailing_error(&p, list);
	if (p.failed || compile_list(&p) < 0)
		goto fail;
	return l;
fail:
	st_expr_list_free(l);
	return NULL;
}

st_expr_list *
st_expr_parse(const char *text, unsigned flags, st_expr_error *err)
{
	return parse_common(text, flags, err, 0);
}

st_expr_list *
st_expr_parse_list(const char *text, unsigned flags, st_expr_error *err)
{
	return parse_common(text, flags, err, 1);
}
