/*
 * parse.c - the expression tokenizer, a precedence-climbing parser (Lua's
 * lparser.c shape: a {left, right} priority per binary operator, SQLite's
 * levels), the compile pass (functions, columns, placement rules) and the
 * Spark-style default names.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "internal.h"
#include "time.h"

#define MAX_DEPTH 200

/* ---- tokens --------------------------------------------------------- */

typedef enum ttype {
	T_EOF, T_NUM, T_STR, T_ID, T_QID, T_OP
} ttype;

/* Operator tokens (T_OP), by their text. */
enum {
	O_LP = 1, O_RP, O_COMMA, O_DOT, O_LB, O_RB, O_STAR, O_SLASH, O_PCT,
	O_PLUS, O_MINUS, O_TILDE, O_AMP, O_BAR, O_CARET, O_EQ, O_EQEQ, O_NE,
	O_LTGT, O_LT, O_LE, O_GT, O_GE, O_NSEQ, O_CONCAT
};

static const struct { const char *s; int op; } optab[] = {
	{ "<=>", O_NSEQ }, { "==", O_EQEQ }, { "!=", O_NE }, { "<>", O_LTGT },
	{ "<=", O_LE }, { ">=", O_GE }, { "||", O_CONCAT }, { "(", O_LP },
	{ ")", O_RP }, { ",", O_COMMA }, { ".", O_DOT }, { "[", O_LB },
	{ "]", O_RB }, { "*", O_STAR }, { "/", O_SLASH }, { "%", O_PCT },
	{ "+", O_PLUS }, { "-", O_MINUS }, { "~", O_TILDE }, { "&", O_AMP },
	{ "|", O_BAR }, { "^", O_CARET }, { "=", O_EQ }, { "<", O_LT },
	{ ">", O_GT }, { NULL, 0 }
};

/* Keywords: identifiers with a meaning (case-insensitive). */
enum {
	K_NONE, K_AND, K_OR, K_NOT, K_IS, K_NULL, K_TRUE, K_FALSE, K_LIKE,
	K_ILIKE, K_RLIKE, K_REGEXP, K_IN, K_BETWEEN, K_CASE, K_WHEN, K_THEN,
	K_ELSE, K_END, K_CAST, K_AS, K_DIV, K_INTERVAL, K_EXCEPT, K_DISTINCT,
	K_ESCAPE, K_FROM
};

static const char *const kwtab[] = {
	"", "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "LIKE",
	"ILIKE", "RLIKE", "REGEXP", "IN", "BETWEEN", "CASE", "WHEN", "THEN",
	"ELSE", "END", "CAST", "AS", "DIV", "INTERVAL", "EXCEPT", "DISTINCT",
	"ESCAPE", "FROM", NULL
};

typedef struct tok {
	ttype t;
	int op;			/* T_OP */
	int kw;			/* T_ID */
	size_t pos, len;
	/* T_STR and T_QID: the decoded text (arena). */
	const char *str;
	size_t slen;
} tok;

typedef struct P {
	const char *s;
	size_t n;
	size_t i;		/* lexer position */
	tok cur, prev;
	st_expr_list *l;
	st_arena *a;
	st_expr_error *err;
	unsigned flags;
	int depth;
	int failed;
} P;

static void
perr(P *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	if (p->failed)
		return;
	p->failed = 1;
	p->err->col = pos + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

/* How a token is shown in messages: 'text' or "end of input". */
static const char *
tokshow(P *p, const tok *t)
{
	static char buf[4][48];
	static int k;
	char *b = buf[k++ & 3];
	if (t->t == T_EOF)
		return "end of input";
	size_t n = t->len > 30 ? 30 : t->len;
	snprintf(b, 48, "'%.*s%s'", (int)n, p->s + t->pos,
	    t->len > 30 ? "..." : "");
	return b;
}

static int
ident_start(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int
ident_char(int c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* Decodes a Spark SQL string literal body: backslash escapes as Spark's
 * unescapeSQLString (\% and \_ keep their backslash for LIKE). */
static void
unescape_sql(st_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c != '\\' || i + 1 == n) {
			st_buf_putc(b, c);
			continue;
		}
		c = s[++i];
		switch (c) {
		case 'n': st_buf_putc(b, '\n'); break;
		case 't': st_buf_putc(b, '\t'); break;
		case 'r': st_buf_putc(b, '\r'); break;
		case 'b': st_buf_putc(b, '\b'); break;
		case '0': st_buf_putc(b, '\0'); break;
		case 'Z': st_buf_putc(b, 26); break;
		case '%': st_buf_add(b, "\\%", 2); break;
		case '_': st_buf_add(b, "\\_", 2); break;
		case 'u':
			if (i + 4 < n && isxdigit((unsigned char)s[i + 1]) &&
			    isxdigit((unsigned char)s[i + 2]) &&
			    isxdigit((unsigned char)s[i + 3]) &&
			    isxdigit((unsigned char)s[i + 4])) {
				char hx[5] = { s[i + 1], s[i + 2], s[i + 3],
				    s[i + 4], 0 };
				unsigned cp = (unsigned)strtoul(hx, NULL, 16);
				char o[4];
				size_t k = 0;
				if (cp < 0x80) {
					o[k++] = (char)cp;
				} else if (cp < 0x800) {
					o[k++] = (char)(0xc0 | cp >> 6);
					o[k++] = (char)(0x80 | (cp & 0x3f));
				} else {
					o[k++] = (char)(0xe0 | cp >> 12);
					o[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
					o[k++] = (char)(0x80 | (cp & 0x3f));
				}
				st_buf_add(b, o, k);
				i += 4;
			} else {
				st_buf_putc(b, 'u');
			}
			break;
		default:
			st_buf_putc(b, c);
		}
	}
}

static void
next(P *p)
{
	const char *s = p->s;
	size_t i = p->i;
	tok *t = &p->cur;

	p->prev = *t;
	while (i < p->n && isspace((unsigned char)s[i]))
		i++;
	memset(t, 0, sizeof *t);
	t->pos = i;
	if (i >= p->n) {
		t->t = T_EOF;
		p->i = i;
		return;
	}
	unsigned char c = (unsigned char)s[i];
	if (isdigit(c) || (c == '.' && i + 1 < p->n &&
	    isdigit((unsigned char)s[i + 1]))) {
		size_t j = i;
		while (j < p->n && isdigit((unsigned char)s[j]))
			j++;
		if (j < p->n && s[j] == '.') {
			j++;
			while (j < p->n && isdigit((unsigned char)s[j]))
				j++;
		}
		if (j < p->n && (s[j] == 'e' || s[j] == 'E')) {
			size_t k = j + 1;
			if (k < p->n && (s[k] == '+' || s[k] == '-'))
				k++;
			if (k < p->n && isdigit((unsigned char)s[k])) {
				while (k < p->n && isdigit((unsigned char)s[k]))
					k++;
				j = k;
			}
		}
		/* Suffixes: L, S, Y, D, F, BD. */
		if (j + 1 < p->n && (s[j] == 'B' || s[j] == 'b') &&
		    (s[j + 1] == 'D' || s[j + 1] == 'd') &&
		    (j + 2 >= p->n || !ident_char((unsigned char)s[j + 2])))
			j += 2;
		else if (j < p->n && strchr("LlSsYyDdFf", s[j]) &&
		    (j + 1 >= p->n || !ident_char((unsigned char)s[j + 1])))
			j++;
		t->t = T_NUM;
		t->len = j - i;
		p->i = j;
		return;
	}
	if (ident_start(c)) {
		size_t j = i;
		while (j < p->n && ident_char((unsigned char)s[j]))
			j++;
		t->t = T_ID;
		t->len = j - i;
		for (int k = 1; kwtab[k]; k++)
			if (strlen(kwtab[k]) == t->len &&
			    strncasecmp(kwtab[k], s + i, t->len) == 0)
				t->kw = k;
		p->i = j;
		return;
	}
	if (c == '\'' || c == '"' || c == '`') {
		st_buf b = ST_BUF_INIT;
		size_t j = i + 1;
		for (;;) {
			if (j >= p->n) {
				st_buf_release(&b);
				perr(p, i, c == '`' ? "unterminated `name`" :
				    "unterminated string literal");
				t->t = T_EOF;
				p->i = p->n;
				return;
			}
			if (c != '`' && s[j] == '\\' && j + 1 < p->n) {
				j += 2;
				continue;
			}
			if (s[j] == (char)c) {
				if (c == '`' && j + 1 < p->n && s[j + 1] == '`') {
					j += 2;
					continue;
				}
				break;
			}
			j++;
		}
		if (c == '`') {
			for (size_t k = i + 1; k < j; k++) {
				st_buf_putc(&b, s[k]);
				if (s[k] == '`')
					k++;
			}
			t->t = T_QID;
		} else {
			unescape_sql(&b, s + i + 1, j - i - 1);
			t->t = T_STR;
		}
		t->str = st_arena_strndup(p->a, b.data ? b.data : "", b.len);
		t->slen = b.len;
		st_buf_release(&b);
		t->len = j + 1 - i;
		p->i = j + 1;
		return;
	}
	for (int k = 0; optab[k].s; k++) {
		size_t n = strlen(optab[k].s);
		if (i + n <= p->n && memcmp(s + i, optab[k].s, n) == 0) {
			t->t = T_OP;
			t->op = optab[k].op;
			t->len = n;
			p->i = i + n;
			return;
		}
	}
	if (c == '!' ) {
		perr(p, i, "unexpected '!' (use NOT or !=)");
	} else if (c == ';') {
		perr(p, i, "unexpected ';': an expression has no statements");
	} else {
		perr(p, i, "unexpected character '%c'", isprint(c) ? c : '?');
	}
	t->t = T_EOF;
	p->i = p->n;
}

static int
is_op(P *p, int op)
{
	return p->cur.t == T_OP && p->cur.op == op;
}

static int
is_kw(P *p, int kw)
{
	return p->cur.t == T_ID && p->cur.kw == kw;
}

static int
accept_op(P *p, int op)
{
	if (!is_op(p, op))
		return 0;
	next(p);
	return 1;
}

static int
accept_kw(P *p, int kw)
{
	if (!is_kw(p, kw))
		return 0;
	next(p);
	return 1;
}

/* ---- nodes ---------------------------------------------------------- */

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

static node *expr(P *p, int limit);

/* Binary operator priorities {left, right}: SQLite's levels. */
enum { PR_OR = 1, PR_AND = 2, PR_NOT = 3, PR_EQ = 4, PR_REL = 5,
    PR_BIT = 6, PR_ADD = 7, PR_MUL = 8, PR_CONCAT = 9, PR_UNARY = 9 };

/* The binary operator at the current token: returns its priority and
 * sets *kind and *op, or 0 when the token is not a binary operator. */
static int
binop(P *p, int *kind, int *op)
{
	*kind = N_BIN;
	if (p->cur.t == T_OP) {
		switch (p->cur.op) {
		case O_STAR: *op = OP_MUL; return PR_MUL;
		case O_SLASH: *op = OP_DIV; return PR_MUL;
		case O_PCT: *op = OP_MOD; return PR_MUL;
		case O_PLUS: *op = OP_ADD; return PR_ADD;
		case O_MINUS: *op = OP_SUB; return PR_ADD;
		case O_CONCAT: *op = OP_CONCAT; return PR_CONCAT;
		case O_AMP: *op = OP_BITAND; return PR_BIT;
		case O_BAR: *op = OP_BITOR; return PR_BIT;
		case O_CARET: *op = OP_BITXOR; return PR_BIT;
		case O_LT: *op = OP_LT; return PR_REL;
		case O_LE: *op = OP_LE; return PR_REL;
		case O_GT: *op = OP_GT; return PR_REL;
		case O_GE: *op = OP_GE; return PR_REL;
		case O_EQ: case O_EQEQ: *op = OP_EQ; return PR_EQ;
		case O_NE: case O_LTGT: *op = OP_NE; return PR_EQ;
		case O_NSEQ: *op = OP_NSEQ; return PR_EQ;
		default: return 0;
		}
	}
	if (p->cur.t == T_ID) {
		switch (p->cur.kw) {
		case K_AND: *kind = N_AND; *op = 0; return PR_AND;
		case K_OR: *kind = N_OR; *op = 0; return PR_OR;
		case K_DIV: *op = OP_IDIV; return PR_MUL;
		case K_IS: case K_LIKE: case K_ILIKE: case K_RLIKE:
		case K_REGEXP: case K_IN: case K_BETWEEN: case K_NOT:
			*kind = -1;	/* special forms */
			*op = p->cur.kw;
			return PR_EQ;
		default: return 0;
		}
	}
	return 0;
}

static const char *
prevshow(P *p)
{
	static char b[48];
	size_t n = p->prev.len > 30 ? 30 : p->prev.len;
	snprintf(b, sizeof b, "%.*s", (int)n, p->s + p->prev.pos);
	return b;
}

static node *
expect_expr(P *p, int limit)
{
	if (p->failed)
		return NULL;
	int start_eof = p->cur.t == T_EOF || is_op(p, O_RP) ||
	    is_op(p, O_COMMA) || (p->cur.t == T_ID && (p->cur.kw == K_AND ||
	    p->cur.kw == K_OR || p->cur.kw == K_THEN ||
	    p->cur.kw == K_ELSE || p->cur.kw == K_END ||
	    p->cur.kw == K_WHEN));
	if (start_eof) {
		if (p->prev.len)
			perr(p, p->cur.pos, "expected an expression after "
			    "'%s', found %s", prevshow(p), tokshow(p, &p->cur));
		else
			perr(p, p->cur.pos, "expected an expression, found "
			    "%s", tokshow(p, &p->cur));
		return NULL;
	}
	return expr(p, limit);
}

static int
expect_op(P *p, int op, const char *what, const tok *opener)
{
	if (accept_op(p, op))
		return 1;
	if (opener)
		perr(p, p->cur.pos, "expected '%s' to close '%.*s' at column "
		    "%zu, found %s", what, (int)opener->len, p->s + opener->pos,
		    opener->pos + 1, tokshow(p, &p->cur));
	else
		perr(p, p->cur.pos, "expected '%s' after '%s', found %s", what,
		    prevshow(p), tokshow(p, &p->cur));
	return 0;
}

static node *
number(P *p)
{
	tok t = p->cur;
	char tmp[80];
	node *n = mk(p, N_LIT, t.pos);
	size_t len = t.len;
	next(p);
	n->end = t.pos + t.len;
	if (len >= sizeof tmp) {
		perr(p, t.pos, "number too long");
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
			/* Too big for BIGINT: DECIMAL(38) in Spark; here a
			 * DOUBLE. */
			st_value_cast(p->a, &s, st_type_simple(ST_V_DOUBLE), &out);
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

static node *
string_lit(P *p)
{
	node *n = mk(p, N_LIT, p->cur.pos);
	st_buf b = ST_BUF_INIT;
	/* Adjacent literals concatenate, as in Spark: 'a' 'b' is 'ab'. */
	while (p->cur.t == T_STR) {
		st_buf_add(&b, p->cur.str, p->cur.slen);
		next(p);
	}
	n->lit = st_v_string_copy(p->a, b.data ? b.data : "", b.len);
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

static node *
interval(P *p)
{
	size_t pos = p->prev.pos;
	st_buf b = ST_BUF_INIT;
	node *n = mk(p, N_LIT, pos);
	int parts = 0;
	while (p->cur.t == T_NUM || p->cur.t == T_STR ||
	    is_op(p, O_MINUS)) {
		if (is_op(p, O_MINUS)) {
			st_buf_putc(&b, '-');
			next(p);
			continue;
		}
		if (p->cur.t == T_NUM)
			st_buf_add(&b, p->s + p->cur.pos, p->cur.len);
		else
			st_buf_add(&b, p->cur.str, p->cur.slen);
		next(p);
		parts++;
		if (is_unit(p)) {
			st_buf_putc(&b, ' ');
			st_buf_add(&b, p->s + p->cur.pos, p->cur.len);
			if (strncasecmp(p->s + p->cur.pos, "MONTH", 5) == 0 ||
			    strncasecmp(p->s + p->cur.pos, "YEAR", 4) == 0) {
				perr(p, p->cur.pos, "year-month intervals are "
				    "not supported (use days)");
				st_buf_release(&b);
				return n;
			}
			next(p);
		}
		st_buf_putc(&b, ' ');
	}
	if (!parts) {
		perr(p, p->cur.pos, "expected a number or a string after "
		    "INTERVAL, found %s", tokshow(p, &p->cur));
		st_buf_release(&b);
		return n;
	}
	int64_t us;
	if (st_parse_duration(b.data, &us) < 0) {
		/* A leading '-' makes a negative interval. */
		const char *t = b.data;
		int neg = 0;
		while (*t == '-' || *t == ' ') {
			neg ^= *t == '-';
			t++;
		}
		if (st_parse_duration(t, &us) < 0) {
			while (b.len && b.data[b.len - 1] == ' ')
				b.data[--b.len] = '\0';
			perr(p, pos, "invalid interval '%s'", b.data);
			st_buf_release(&b);
			return n;
		}
		if (neg)
			us = -us;
	}
	st_buf_release(&b);
	n->lit = st_v_interval(us);
	n->end = p->prev.pos + p->prev.len;
	return n;
}

/* CAST(x AS type): the type text runs to the ')' that closes the CAST. */
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
	if (!is_kw(p, K_AS)) {
		perr(p, p->cur.pos, "expected AS in CAST(... AS type), found "
		    "%s", tokshow(p, &p->cur));
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
		perr(p, p->n, "expected ')' to close 'CAST(' at column %zu, "
		    "found end of input", open.pos + 1);
		return NULL;
	}
	char emsg[200];
	size_t ecol;
	const st_type *t = parse_type_text(p->l, p->s + ts, j - ts, emsg,
	    sizeof emsg, &ecol);
	if (!t) {
		perr(p, ts + ecol - 1, "%s", emsg);
		return NULL;
	}
	p->i = j;
	next(p);	/* now at ')' */
	next(p);
	node *n = mk(p, N_CAST, pos);
	setargs(p, n, &x, 1);
	n->type = t;
	return n;
}

static node *
case_expr(P *p)
{
	size_t pos = p->prev.pos;
	tok opener = p->prev;
	nvec v = { 0 };
	node *n = mk(p, N_CASE, pos);
	if (!is_kw(p, K_WHEN)) {
		node *x = expect_expr(p, 0);
		if (!x)
			goto fail;
		nvec_push(&v, x);
		n->has_operand = 1;
	}
	if (!is_kw(p, K_WHEN)) {
		perr(p, p->cur.pos, "expected WHEN in CASE, found %s",
		    tokshow(p, &p->cur));
		goto fail;
	}
	while (accept_kw(p, K_WHEN)) {
		node *c = expect_expr(p, 0);
		if (!c)
			goto fail;
		if (!accept_kw(p, K_THEN)) {
			perr(p, p->cur.pos, "expected THEN after WHEN ..., "
			    "found %s", tokshow(p, &p->cur));
			goto fail;
		}
		node *r = expect_expr(p, 0);
		if (!r)
			goto fail;
		nvec_push(&v, c);
		nvec_push(&v, r);
	}
	if (accept_kw(p, K_ELSE)) {
		node *e = expect_expr(p, 0);
		if (!e)
			goto fail;
		nvec_push(&v, e);
		n->has_else = 1;
	}
	if (!accept_kw(p, K_END)) {
		perr(p, p->cur.pos, "expected END to close 'CASE' at column "
		    "%zu, found %s", opener.pos + 1, tokshow(p, &p->cur));
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
				perr(p, name->pos, "aggregate function '%s' is "
				    "not allowed here (aggregates belong to "
				    "st-window --agg)", lname);
				return NULL;
			}
			n->fn = &func_agg_placeholder;
		} else {
			const char *s = func_suggest(lname, len);
			if (s)
				perr(p, name->pos, "unknown function '%s' (did "
				    "you mean '%s'?)", lname, s);
			else
				perr(p, name->pos, "unknown function '%s'",
				    lname);
			return NULL;
		}
	}
	next(p);	/* ( */
	if (accept_kw(p, K_DISTINCT))
		n->distinct = 1;
	if (is_op(p, O_STAR)) {
		next(p);
		n->star = 1;
	} else if (!is_op(p, O_RP)) {
		for (;;) {
			node *a = expect_expr(p, 0);
			if (!a)
				goto fail;
			nvec_push(&v, a);
			if (!accept_op(p, O_COMMA))
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
		perr(p, open.pos + 1, "'*' is not an argument of %s()",
		    n->fn->name);
		return NULL;
	}
	int na = n->nargs;
	if (!n->star && (na < n->fn->min || (n->fn->max >= 0 &&
	    na > n->fn->max))) {
		if (n->fn->min == n->fn->max)
			perr(p, name->pos, "function '%s' takes %d argument%s, "
			    "found %d", lname, n->fn->min,
			    n->fn->min == 1 ? "" : "s", na);
		else if (n->fn->max < 0)
			perr(p, name->pos, "function '%s' takes at least %d "
			    "argument%s, found %d", lname, n->fn->min,
			    n->fn->min == 1 ? "" : "s", na);
		else
			perr(p, name->pos, "function '%s' takes %d to %d "
			    "arguments, found %d", lname, n->fn->min,
			    n->fn->max, na);
		return NULL;
	}
	return n;
fail:
	free(v.v);
	return NULL;
}

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
	next(p);
	n->end = t.pos + t.len;
	return n;
}

static node *
primary(P *p)
{
	tok t = p->cur;
	node *n;

	if (++p->depth > MAX_DEPTH) {
		perr(p, t.pos, "expression nested too deeply (more than %d "
		    "levels)", MAX_DEPTH);
		return NULL;
	}
	switch (t.t) {
	case T_NUM:
		n = number(p);
		break;
	case T_STR:
		n = string_lit(p);
		break;
	case T_QID:
		n = column(p);
		break;
	case T_OP:
		if (t.op == O_LP) {
			next(p);
			n = expect_expr(p, 0);
			if (!n || !expect_op(p, O_RP, ")", &t))
				return NULL;
			n->paren = 1;
			break;
		}
		if (t.op == O_STAR) {
			perr(p, t.pos, "'*' is only allowed as a select item "
			    "or in count(*) and struct(*)");
			return NULL;
		}
		perr(p, t.pos, p->prev.len ? "expected an expression after "
		    "'%s', found %s" : "expected an expression%s, found %s",
		    p->prev.len ? prevshow(p) : "", tokshow(p, &t));
		return NULL;
	case T_ID:
		switch (t.kw) {
		case K_NULL:
			next(p);
			n = mk(p, N_LIT, t.pos);
			n->lit = st_v_null();
			break;
		case K_TRUE:
		case K_FALSE:
			next(p);
			n = mk(p, N_LIT, t.pos);
			n->lit = st_v_bool(t.kw == K_TRUE);
			break;
		case K_INTERVAL:
			next(p);
			n = interval(p);
			break;
		case K_CAST:
			next(p);
			n = cast(p);
			break;
		case K_CASE:
			next(p);
			n = case_expr(p);
			break;
		case K_NONE: {
			/* TIMESTAMP '...' and DATE '...' typed literals. */
			int is_ts = t.len == 9 &&
			    strncasecmp(p->s + t.pos, "TIMESTAMP", 9) == 0;
			int is_d = t.len == 4 &&
			    strncasecmp(p->s + t.pos, "DATE", 4) == 0;
			next(p);
			if ((is_ts || is_d) && p->cur.t == T_STR) {
				tok st = p->cur;
				node *s = string_lit(p);
				n = mk(p, N_LIT, t.pos);
				if (st_value_cast(p->a, &s->lit,
				    st_type_simple(is_ts ? ST_V_TIMESTAMP :
				    ST_V_DATE), &n->lit) < 0) {
					perr(p, st.pos, "invalid %s literal "
					    "'%s'", is_ts ? "TIMESTAMP" :
					    "DATE", s->lit.u.s.p);
					return NULL;
				}
				break;
			}
			if (is_op(p, O_LP)) {
				n = call(p, &t);
				break;
			}
			/* current_timestamp and current_date need no
			 * parentheses in Spark. */
			if ((t.len == 17 && strncasecmp(p->s + t.pos,
			    "current_timestamp", 17) == 0) || (t.len == 12 &&
			    strncasecmp(p->s + t.pos, "current_date", 12) ==
			    0)) {
				n = mk(p, N_CALL, t.pos);
				n->fname = st_arena_strndup(p->a, p->s + t.pos,
				    t.len);
				for (char *q = (char *)n->fname; *q; q++)
					*q = (char)tolower((unsigned char)*q);
				n->fn = func_lookup(n->fname, t.len);
				setargs(p, n, NULL, 0);
				break;
			}
			n = mk(p, N_COL, t.pos);
			n->name = st_arena_strndup(p->a, p->s + t.pos, t.len);
			n->nlen = t.len;
			n->end = t.pos + t.len;
			break;
		}
		default:
			perr(p, t.pos, p->prev.len ? "expected an expression "
			    "after '%s', found %s" :
			    "expected an expression%s, found %s",
			    p->prev.len ? prevshow(p) : "", tokshow(p, &t));
			return NULL;
		}
		break;
	default:
		perr(p, t.pos, p->prev.len ? "expected an expression after "
		    "'%s', found %s" : "expected an expression%s, found %s",
		    p->prev.len ? prevshow(p) : "", tokshow(p, &t));
		return NULL;
	}
	if (!n || p->failed)
		return NULL;
	/* Postfix: .field and [index]. */
	for (;;) {
		if (is_op(p, O_DOT)) {
			next(p);
			tok f = p->cur;
			if (f.t != T_ID && f.t != T_QID) {
				perr(p, f.pos, "expected a field name after "
				    "'.', found %s", tokshow(p, &f));
				return NULL;
			}
			const char *fname = f.t == T_QID ? f.str :
			    st_arena_strndup(p->a, p->s + f.pos, f.len);
			size_t flen = f.t == T_QID ? f.slen : f.len;
			next(p);
			if (n->kind == N_COL && !n->paren) {
				const char **np = st_arena_alloc(p->a,
				    (n->npath + 1) * sizeof *np);
				size_t *nl = st_arena_alloc(p->a,
				    (n->npath + 1) * sizeof *nl);
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
			} else {
				node *g = mk2(p, N_FIELD, 0, n, NULL);
				g->name = fname;
				g->nlen = flen;
				n = g;
			}
			continue;
		}
		if (is_op(p, O_LB)) {
			tok lb = p->cur;
			next(p);
			node *ix = expect_expr(p, 0);
			if (!ix || !expect_op(p, O_RB, "]", &lb))
				return NULL;
			n = mk2(p, N_INDEX, 0, n, ix);
			continue;
		}
		break;
	}
	p->depth--;
	return n;
}

static node *
unary(P *p)
{
	tok t = p->cur;
	if (is_kw(p, K_NOT)) {
		next(p);
		node *a = expect_expr(p, PR_NOT);
		return a ? mk2(p, N_NOT, 0, a, NULL) : NULL;
	}
	if (is_op(p, O_MINUS) || is_op(p, O_PLUS) || is_op(p, O_TILDE)) {
		next(p);
		if (++p->depth > MAX_DEPTH) {
			perr(p, t.pos, "expression nested too deeply (more "
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

static node *
special(P *p, node *l, int kw)
{
	int neg = 0;
	if (kw == K_NOT) {
		next(p);
		neg = 1;
		kw = p->cur.t == T_ID ? p->cur.kw : 0;
		if (kw != K_LIKE && kw != K_ILIKE && kw != K_RLIKE &&
		    kw != K_REGEXP && kw != K_IN && kw != K_BETWEEN) {
			perr(p, p->cur.pos, "expected LIKE, RLIKE, IN or "
			    "BETWEEN after NOT, found %s", tokshow(p, &p->cur));
			return NULL;
		}
	}
	tok kt = p->cur;
	next(p);
	switch (kw) {
	case K_IS: {
		int isnot = accept_kw(p, K_NOT);
		if (accept_kw(p, K_NULL)) {
			node *n = mk2(p, N_ISNULL, 0, l, NULL);
			n->negate = (uint8_t)isnot;
			return n;
		}
		if (is_kw(p, K_TRUE) || is_kw(p, K_FALSE)) {
			int v = is_kw(p, K_TRUE);
			next(p);
			node *n = mk2(p, N_ISBOOL, v, l, NULL);
			n->negate = (uint8_t)isnot;
			return n;
		}
		if (accept_kw(p, K_DISTINCT)) {
			if (!accept_kw(p, K_FROM)) {
				perr(p, p->cur.pos, "expected FROM after IS "
				    "DISTINCT, found %s", tokshow(p, &p->cur));
				return NULL;
			}
			node *r = expect_expr(p, PR_EQ);
			if (!r)
				return NULL;
			node *n = mk2(p, N_BIN, OP_DISTINCT, l, r);
			n->negate = (uint8_t)isnot;
			return n;
		}
		perr(p, p->cur.pos, "expected NULL, NOT NULL, TRUE, FALSE or "
		    "DISTINCT FROM after IS, found %s", tokshow(p, &p->cur));
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
		if (kw != K_RLIKE && kw != K_REGEXP && accept_kw(p, K_ESCAPE)) {
			if (p->cur.t != T_STR || p->cur.slen != 1) {
				perr(p, p->cur.pos, "expected a one-character "
				    "string after ESCAPE, found %s",
				    tokshow(p, &p->cur));
				return NULL;
			}
			n->esc = p->cur.str[0];
			next(p);
			n->end = p->prev.pos + p->prev.len;
		}
		return n;
	}
	case K_IN: {
		tok open = p->cur;
		if (!accept_op(p, O_LP)) {
			perr(p, p->cur.pos, "expected '(' after IN, found %s",
			    tokshow(p, &p->cur));
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
			if (!accept_op(p, O_COMMA))
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
		if (!accept_kw(p, K_AND)) {
			perr(p, p->cur.pos, "expected AND in '%.*s ... AND "
			    "...', found %s", (int)kt.len, p->s + kt.pos,
			    tokshow(p, &p->cur));
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

/* Precedence climbing: parses operators whose left priority exceeds
 * limit. */
static node *
expr(P *p, int limit)
{
	node *l = unary(p);
	if (!l)
		return NULL;
	for (;;) {
		int kind, op;
		int pr = binop(p, &kind, &op);
		if (!pr || pr <= limit || p->failed)
			break;
		if (kind == -1) {
			/* A bare NOT here (not NOT LIKE/IN/BETWEEN) is an
			 * error that special() reports. */
			l = special(p, l, op);
			if (!l)
				return NULL;
			continue;
		}
		next(p);
		node *r = expect_expr(p, pr);
		if (!r)
			return NULL;
		l = mk2(p, kind, op, l, r);
	}
	return l;
}

/* ---- compile -------------------------------------------------------- */

void
list_add_schema(st_expr_list *l, st_schema *s)
{
	if (l->nschemas == l->capschemas) {
		l->capschemas = l->capschemas ? l->capschemas * 2 : 4;
		l->schemas = st_realloc(l->schemas,
		    l->capschemas * sizeof *l->schemas);
	}
	l->schemas[l->nschemas++] = s;
}

void
list_add_pattern(st_expr_list *l, pattern *pt)
{
	if (l->npatterns == l->cappatterns) {
		l->cappatterns = l->cappatterns ? l->cappatterns * 2 : 4;
		l->patterns = st_realloc(l->patterns,
		    l->cappatterns * sizeof *l->patterns);
	}
	l->patterns[l->npatterns++] = pt;
}

const st_type *
parse_type_text(st_expr_list *l, const char *text, size_t n, char *err,
    size_t errlen, size_t *errcol)
{
	st_buf b = ST_BUF_INIT;
	st_schema_error e;
	st_buf_add(&b, "x ", 2);
	st_buf_add(&b, text, n);
	st_schema *s = st_schema_parse(b.data, &e);
	st_buf_release(&b);
	if (!s) {
		snprintf(err, errlen, "%s", e.msg);
		*errcol = e.col > 2 ? e.col - 2 : 1;
		if (strstr(err, "expected a type after 'x'")) {
			snprintf(err, errlen, "expected a type after AS");
		}
		return NULL;
	}
	if (s->n != 1) {
		snprintf(err, errlen, "expected one type");
		*errcol = 1;
		st_schema_free(s);
		return NULL;
	}
	list_add_schema(l, s);
	return s->fields[0].type;
}

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

/* Walks the tree: assigns column slots, checks where aggregates and
 * generators may appear, and lets functions prepare literal arguments. */
static int
compile(P *p, node *n, int top)
{
	if (n->kind == N_COL) {
		n->slot = add_column(p->l, n->name, n->nlen);
		return 0;
	}
	if (n->kind == N_CALL) {
		const st_func *f = n->fn;
		if (f->flags & F_AGG) {
			if (!top) {
				perr(p, n->pos, "aggregate function '%s' is "
				    "only allowed at the top of an item",
				    n->fname);
				return -1;
			}
		}
		if (f->flags & F_GEN) {
			if (!(p->flags & ST_EXPR_GENERATORS)) {
				perr(p, n->pos, "generator '%s' is only "
				    "allowed in st-select's list", f->name);
				return -1;
			}
			if (!top) {
				perr(p, n->pos, "generator '%s' is only "
				    "allowed at the top of a select item",
				    f->name);
				return -1;
			}
		}
		if (n->star)
			p->l->star_cols = 1;
	}
	for (int i = 0; i < n->nargs; i++)
		if (compile(p, n->args[i], 0) < 0)
			return -1;
	if (n->kind == N_CALL && n->fn->prepare) {
		char msg[256];
		size_t pos = n->pos;
		if (n->fn->prepare(p->l, n, msg, sizeof msg, &pos) < 0) {
			perr(p, pos, "%s", msg);
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
				perr(p, n->args[1]->pos, "invalid regular "
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

/* ---- default names -------------------------------------------------- */

static const char *const binop_text[] = {
	"+", "-", "*", "/", "%", "div", "||", "&", "|", "^", "=", "!=", "<",
	"<=", ">", ">=", "<=>", "IS DISTINCT FROM"
};

static void
sqlname(st_buf *b, const node *n, int top)
{
	switch (n->kind) {
	case N_LIT:
		if (n->lit.type == ST_V_NULL)
			st_buf_puts(b, "NULL");
		else if (n->lit.type == ST_V_INTERVAL) {
			st_buf_puts(b, "INTERVAL '");
			st_value_write_text(b, &n->lit);
			st_buf_putc(b, '\'');
		} else if (n->lit.type == ST_V_TIMESTAMP) {
			st_buf_puts(b, "TIMESTAMP '");
			st_value_write_text(b, &n->lit);
			st_buf_putc(b, '\'');
		} else if (n->lit.type == ST_V_DATE) {
			st_buf_puts(b, "DATE '");
			st_value_write_text(b, &n->lit);
			st_buf_putc(b, '\'');
		} else if (n->lit.type == ST_V_BIGINT) {
			st_value_write_text(b, &n->lit);
			st_buf_putc(b, 'L');
		} else {
			st_value_write_text(b, &n->lit);
		}
		break;
	case N_COL:
		if (top && n->npath) {
			st_buf_add(b, n->path[n->npath - 1],
			    n->plens[n->npath - 1]);
			break;
		}
		st_buf_add(b, n->name, n->nlen);
		for (size_t i = 0; i < n->npath; i++) {
			st_buf_putc(b, '.');
			st_buf_add(b, n->path[i], n->plens[i]);
		}
		break;
	case N_FIELD:
		if (top) {
			st_buf_add(b, n->name, n->nlen);
			break;
		}
		sqlname(b, n->args[0], 0);
		st_buf_putc(b, '.');
		st_buf_add(b, n->name, n->nlen);
		break;
	case N_INDEX:
		sqlname(b, n->args[0], 0);
		st_buf_putc(b, '[');
		sqlname(b, n->args[1], 0);
		st_buf_putc(b, ']');
		break;
	case N_NEG:
	case N_POS:
	case N_BITNOT:
		st_buf_puts(b, n->kind == N_NEG ? "(- " : n->kind == N_POS ?
		    "(+ " : "~");
		sqlname(b, n->args[0], 0);
		if (n->kind != N_BITNOT)
			st_buf_putc(b, ')');
		break;
	case N_NOT:
		st_buf_puts(b, "(NOT ");
		sqlname(b, n->args[0], 0);
		st_buf_putc(b, ')');
		break;
	case N_BIN:
	case N_AND:
	case N_OR:
		st_buf_putc(b, '(');
		if (n->kind == N_BIN && n->op == OP_DISTINCT && n->negate)
			st_buf_puts(b, "NOT ");
		sqlname(b, n->args[0], 0);
		st_buf_putc(b, ' ');
		st_buf_puts(b, n->kind == N_AND ? "AND" : n->kind == N_OR ?
		    "OR" : binop_text[n->op]);
		st_buf_putc(b, ' ');
		sqlname(b, n->args[1], 0);
		st_buf_putc(b, ')');
		break;
	case N_ISNULL:
	case N_ISBOOL:
		st_buf_putc(b, '(');
		sqlname(b, n->args[0], 0);
		st_buf_puts(b, n->negate ? " IS NOT " : " IS ");
		st_buf_puts(b, n->kind == N_ISNULL ? "NULL" : n->op ? "TRUE" :
		    "FALSE");
		st_buf_putc(b, ')');
		break;
	case N_LIKE:
		if (n->negate)
			st_buf_puts(b, "(NOT ");
		sqlname(b, n->args[0], 0);
		st_buf_puts(b, n->op == 0 ? " LIKE " : n->op == 1 ?
		    " ILIKE " : " RLIKE ");
		sqlname(b, n->args[1], 0);
		if (n->negate)
			st_buf_putc(b, ')');
		break;
	case N_IN:
		st_buf_putc(b, '(');
		sqlname(b, n->args[0], 0);
		st_buf_puts(b, n->negate ? " NOT IN (" : " IN (");
		for (int i = 1; i < n->nargs; i++) {
			if (i > 1)
				st_buf_puts(b, ", ");
			sqlname(b, n->args[i], 0);
		}
		st_buf_puts(b, "))");
		break;
	case N_BETWEEN:
		st_buf_putc(b, '(');
		sqlname(b, n->args[0], 0);
		st_buf_puts(b, n->negate ? " NOT BETWEEN " : " BETWEEN ");
		sqlname(b, n->args[1], 0);
		st_buf_puts(b, " AND ");
		sqlname(b, n->args[2], 0);
		st_buf_putc(b, ')');
		break;
	case N_CASE: {
		int i = 0;
		st_buf_puts(b, "CASE");
		if (n->has_operand) {
			st_buf_putc(b, ' ');
			sqlname(b, n->args[i++], 0);
		}
		int end = n->nargs - (n->has_else ? 1 : 0);
		for (; i < end; i += 2) {
			st_buf_puts(b, " WHEN ");
			sqlname(b, n->args[i], 0);
			st_buf_puts(b, " THEN ");
			sqlname(b, n->args[i + 1], 0);
		}
		if (n->has_else) {
			st_buf_puts(b, " ELSE ");
			sqlname(b, n->args[n->nargs - 1], 0);
		}
		st_buf_puts(b, " END");
		break;
	}
	case N_CAST:
		st_buf_puts(b, "CAST(");
		sqlname(b, n->args[0], 0);
		st_buf_puts(b, " AS ");
		st_type_format(b, n->type);
		st_buf_putc(b, ')');
		break;
	case N_CALL:
		st_buf_puts(b, n->fname);
		st_buf_putc(b, '(');
		if (n->distinct)
			st_buf_puts(b, "DISTINCT ");
		if (n->star)
			st_buf_puts(b, strcmp(n->fname, "count") == 0 ? "1" :
			    "*");
		for (int i = 0; i < n->nargs; i++) {
			if (i)
				st_buf_puts(b, ", ");
			sqlname(b, n->args[i], 0);
		}
		st_buf_putc(b, ')');
		break;
	case N_STAR:
		st_buf_putc(b, '*');
		break;
	}
}

void
st_expr_default_name(st_buf *b, const st_expr *e)
{
	sqlname(b, &e->n, 1);
}

/* ---- lists ---------------------------------------------------------- */

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
	next(p);
	return s;
}

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
	next(&p);
	if (p.cur.t == T_EOF && !p.failed) {
		perr(&p, 0, "empty expression");
		goto fail;
	}
	for (;;) {
		st_expr_item it;
		memset(&it, 0, sizeof it);
		it.pos = p.cur.pos;
		if (list && is_op(&p, O_STAR)) {
			if (!(flags & ST_EXPR_STAR)) {
				perr(&p, p.cur.pos, "'*' is not allowed here");
				goto fail;
			}
			next(&p);
			it.kind = ST_ITEM_STAR;
			it.name = "*";
			if (accept_kw(&p, K_EXCEPT)) {
				tok open = p.cur;
				if (!accept_op(&p, O_LP)) {
					perr(&p, p.cur.pos, "expected '(' after "
					    "EXCEPT, found %s",
					    tokshow(&p, &p.cur));
					goto fail;
				}
				size_t ecap = 0;
				for (;;) {
					if (!is_alias_token(&p)) {
						perr(&p, p.cur.pos, "expected a "
						    "column name, found %s",
						    tokshow(&p, &p.cur));
						goto fail;
					}
					if (it.nexcept == ecap) {
						ecap = ecap ? ecap * 2 : 4;
						const char **ne = st_arena_alloc(
						    &l->arena, ecap * sizeof *ne);
						if (it.nexcept)
							memcpy(ne, it.except,
							    it.nexcept *
							    sizeof *ne);
						it.except = ne;
					}
					it.except[it.nexcept++] = alias_text(&p);
					if (!accept_op(&p, O_COMMA))
						break;
				}
				if (!expect_op(&p, O_RP, ")", &open))
					goto fail;
			}
		} else {
			node *n = expect_expr(&p, 0);
			if (!n || p.failed)
				goto fail;
			it.kind = ST_ITEM_EXPR;
			it.expr = (st_expr *)n;
			int gpos = 0;
			int gen = n->kind == N_CALL && (n->fn->flags & F_GEN);
			gpos = gen && (n->fn->flags & F_POS);
			if (list && accept_kw(&p, K_AS)) {
				if (gpos && is_op(&p, O_LP)) {
					tok open = p.cur;
					next(&p);
					if (!is_alias_token(&p))
						goto bad_alias;
					it.name = alias_text(&p);
					if (!expect_op(&p, O_COMMA, ",", NULL))
						goto fail;
					if (!is_alias_token(&p))
						goto bad_alias;
					it.name2 = alias_text(&p);
					if (!expect_op(&p, O_RP, ")", &open))
						goto fail;
				} else if (is_alias_token(&p) ||
				    p.cur.t == T_ID) {
					it.name = alias_text(&p);
				} else {
bad_alias:
					perr(&p, p.cur.pos, "expected a name "
					    "after AS, found %s",
					    tokshow(&p, &p.cur));
					goto fail;
				}
				it.has_alias = 1;
			} else if (list && is_alias_token(&p)) {
				it.name = alias_text(&p);
				it.has_alias = 1;
			}
			if (compile(&p, n, 1) < 0)
				goto fail;
			if (gpos) {
				if (!it.name)
					it.name = "pos";
				if (!it.name2)
					it.name2 = "col";
			} else if (gen && !it.name) {
				it.name = "col";
			}
			if (!it.name) {
				st_buf b = ST_BUF_INIT;
				sqlname(&b, n, 1);
				it.name = st_arena_strndup(&l->arena, b.data,
				    b.len);
				st_buf_release(&b);
			}
		}
		if (l->nitems == cap) {
			cap = cap ? cap * 2 : 8;
			l->items = st_realloc(l->items, cap * sizeof *l->items);
		}
		l->items[l->nitems++] = it;
		if (!list || !accept_op(&p, O_COMMA))
			break;
	}
	if (p.cur.t != T_EOF && !p.failed) {
		if (list)
			perr(&p, p.cur.pos, "expected ',' or end of input "
			    "after '%s', found %s", prevshow(&p),
			    tokshow(&p, &p.cur));
		else if (is_kw(&p, K_AS))
			perr(&p, p.cur.pos, "unexpected AS: an alias is only "
			    "allowed in a select list");
		else
			perr(&p, p.cur.pos, "expected an operator or end of "
			    "input after '%s', found %s", prevshow(&p),
			    tokshow(&p, &p.cur));
	}
	if (p.failed)
		goto fail;
	/* Generators: at most one per list, as Spark. */
	int ngen = 0;
	for (size_t i = 0; i < l->nitems; i++) {
		const st_expr_item *it = &l->items[i];
		if (it->kind == ST_ITEM_EXPR && st_expr_is_generator(it->expr,
		    NULL, NULL) && ++ngen > 1) {
			perr(&p, it->expr->n.pos, "only one generator "
			    "(explode, posexplode) is allowed per select list");
			goto fail;
		}
	}
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

void
st_expr_list_free(st_expr_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nschemas; i++)
		st_schema_free(l->schemas[i]);
	for (size_t i = 0; i < l->npatterns; i++)
		if (l->patterns[i]->re_ok)
			regfree(&l->patterns[i]->re);
	free(l->schemas);
	free(l->patterns);
	free(l->items);
	free(l->cols);
	free(l->text);
	st_arena_release(&l->arena);
	free(l);
}

size_t
st_expr_list_len(const st_expr_list *l)
{
	return l->nitems;
}

const st_expr_item *
st_expr_list_item(const st_expr_list *l, size_t i)
{
	return i < l->nitems ? &l->items[i] : NULL;
}

const char *
st_expr_list_text(const st_expr_list *l)
{
	return l->text;
}

size_t
st_expr_list_columns(const st_expr_list *l, const char *const **names,
    int *star)
{
	*names = l->cols;
	if (star)
		*star = l->star_cols;
	return l->ncols;
}

/* ---- inspection ----------------------------------------------------- */

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

/* ---- errors --------------------------------------------------------- */

void
st_expr_error_format(st_buf *b, const st_expr_error *e)
{
	if (e->col)
		st_buf_printf(b, "invalid expression at column %zu: %s\n",
		    e->col, e->msg);
	else
		st_buf_printf(b, "invalid expression: %s\n", e->msg);
	if (!e->text)
		return;
	/* The expression on one line (newlines and tabs shown as blanks so
	 * the caret lines up), then the caret. */
	st_buf_puts(b, "  ");
	for (const char *q = e->text; *q; q++)
		st_buf_putc(b, (*q == '\n' || *q == '\t' || *q == '\r') ? ' ' :
		    *q);
	st_buf_putc(b, '\n');
	if (e->col) {
		st_buf_puts(b, "  ");
		for (size_t i = 1; i < e->col; i++)
			st_buf_putc(b, ' ');
		st_buf_puts(b, "^\n");
	}
}

void
st_expr_error_print(const st_expr_error *e)
{
	st_buf b = ST_BUF_INIT;
	st_expr_error_format(&b, e);
	/* The first line goes through st_warn for the program prefix. */
	char *nl = strchr(b.data, '\n');
	*nl = '\0';
	st_warn("%s", b.data);
	fputs(nl + 1, stderr);
	st_buf_release(&b);
}

/* ---- suggestions ---------------------------------------------------- */

