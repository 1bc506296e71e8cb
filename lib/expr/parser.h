/*
 * parser.h - what the expression front end's three files share, and
 * nothing else includes: tokens and the parse state (lex.c), the compile
 * pass (compile.c) that parse.c runs on each item it has parsed.
 *
 *     parse.c    the grammar (precedence climbing) and the list parser
 *       -> lex.c       tokens, error reporting, error formatting
 *       -> compile.c   column slots, placement rules, literal arguments
 *       -> lists.c     the list's keeping (schemas, patterns) and API
 *       -> name.c      Spark's default names
 *       -> func.c      the function table (func.c -> lists.c, never back)
 *
 * No file below parse.c calls back into it.
 */
#ifndef ST_EXPR_PARSER_H
#define ST_EXPR_PARSER_H

#include "internal.h"

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

/* Keywords: identifiers with a meaning (case-insensitive). */
enum {
	K_NONE, K_AND, K_OR, K_NOT, K_IS, K_NULL, K_TRUE, K_FALSE, K_LIKE,
	K_ILIKE, K_RLIKE, K_REGEXP, K_IN, K_BETWEEN, K_CASE, K_WHEN, K_THEN,
	K_ELSE, K_END, K_CAST, K_AS, K_DIV, K_INTERVAL, K_EXCEPT, K_DISTINCT,
	K_ESCAPE, K_FROM
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

/*
 * The state of one parse, as Lua's LexState: the lexer's fields (text,
 * position, current and previous token, the first error) and the few the
 * parser and the compile pass keep beside them (the list being built, the
 * flags, the nesting depth). The lexer reads only its own fields.
 */
typedef struct P {
	/* lexer */
	const char *s;
	size_t n;
	size_t i;		/* position of the next token */
	tok cur, prev;
	st_arena *a;		/* decoded strings live here */
	st_expr_error *err;
	int failed;		/* an error was reported: the first one wins */
	/* parser and compile pass */
	st_expr_list *l;
	unsigned flags;		/* ST_EXPR_* */
	int depth;
	void *star_of;		/* the node before a ".*", once seen */
} P;

/* ---- lex.c ---------------------------------------------------------- */

/* Reads the next token into p->cur (the current one moves to p->prev);
 * a lexical error is reported and leaves T_EOF. */
void lx_next(P *p);
/* Reports an error at byte pos (0-based); only the first one is kept. */
void lx_err(P *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* How a token is shown in messages: 'text' or "end of input" (one of
 * four rotating static buffers). */
const char *lx_show(const P *p, const tok *t);
/* The previous token's text, for "after '...'" (a static buffer). */
const char *lx_prev(P *p);
int lx_isop(P *p, int op);
int lx_iskw(P *p, int kw);
/* Consume the current token when it is op (kw): 1, else 0. */
int lx_accept_op(P *p, int op);
int lx_accept_kw(P *p, int kw);

/* ---- compile.c ------------------------------------------------------ */

/* Walks an item's tree: assigns column slots, checks where aggregates and
 * generators may appear, and lets functions prepare literal arguments
 * (top: n is the item itself). Returns 0, or -1 with the error reported. */
int compile_item(P *p, node *n, int top);
/* Checks rules over the whole list (at most one generator). */
int compile_list(P *p);

#endif
