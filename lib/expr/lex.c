/*
 * lex.c - the expression tokenizer: numbers with Spark's suffixes, string
 * literals with Spark's backslash escapes, `quoted names`, keywords and
 * operators; the first error of a parse, and its caret formatting.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "parser.h"

static const struct { const char *s; int op; } optab[] = {
	{ "<=>", O_NSEQ }, { "==", O_EQEQ }, { "!=", O_NE }, { "<>", O_LTGT },
	{ "<=", O_LE }, { ">=", O_GE }, { "||", O_CONCAT }, { "(", O_LP },
	{ ")", O_RP }, { ",", O_COMMA }, { ".", O_DOT }, { "[", O_LB },
	{ "]", O_RB }, { "*", O_STAR }, { "/", O_SLASH }, { "%", O_PCT },
	{ "+", O_PLUS }, { "-", O_MINUS }, { "~", O_TILDE }, { "&", O_AMP },
	{ "|", O_BAR }, { "^", O_CARET }, { "=", O_EQ }, { "<", O_LT },
	{ ">", O_GT }, { NULL, 0 }
};

static const char *const kwtab[] = {
	"", "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "LIKE",
	"ILIKE", "RLIKE", "REGEXP", "IN", "BETWEEN", "CASE", "WHEN", "THEN",
	"ELSE", "END", "CAST", "AS", "DIV", "INTERVAL", "EXCEPT", "DISTINCT",
	"ESCAPE", "FROM", NULL
};


void
lx_err(P *p, size_t pos, const char *fmt, ...)
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
const char *
lx_show(const P *p, const tok *t)
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

void
lx_next(P *p)
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
				lx_err(p, i, c == '`' ? "unterminated `name`" :
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
		t->str = st_arena_strndup(p->a, b.data, b.len);
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
		lx_err(p, i, "unexpected '!' (use NOT or !=)");
	} else if (c == ';') {
		lx_err(p, i, "unexpected ';': an expression has no statements");
	} else {
		lx_err(p, i, "unexpected character '%c'", isprint(c) ? c : '?');
	}
	t->t = T_EOF;
	p->i = p->n;
}

int
lx_isop(P *p, int op)
{
	return p->cur.t == T_OP && p->cur.op == op;
}

int
lx_iskw(P *p, int kw)
{
	return p->cur.t == T_ID && p->cur.kw == kw;
}

int
lx_accept_op(P *p, int op)
{
	if (!lx_isop(p, op))
		return 0;
	lx_next(p);
	return 1;
}

int
lx_accept_kw(P *p, int kw)
{
	if (!lx_iskw(p, kw))
		return 0;
	lx_next(p);
	return 1;
}


const char *
lx_prev(P *p)
{
	static char b[48];
	size_t n = p->prev.len > 30 ? 30 : p->prev.len;
	snprintf(b, sizeof b, "%.*s", (int)n, p->s + p->prev.pos);
	return b;
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
