/*
 * internal.h - the expression engine's private structures: syntax tree
 * nodes, the function table, and helpers shared by the parser (lex.c,
 * parse.c, compile.c: see parser.h), lists.c, name.c, inspect.c, eval.c,
 * func.c, pattern.c and dtfmt.c. Not for use outside lib/expr/.
 */
#ifndef ST_EXPR_INTERNAL_H
#define ST_EXPR_INTERNAL_H

#include <regex.h>

#include "expr.h"
#include "schema.h"

/* Node kinds and binary operators are the public ones of expr.h
 * (st_node_kind, st_binop), under short names. */
typedef enum node_kind {
	N_LIT = ST_NODE_LITERAL,	/* lit */
	N_COL = ST_NODE_COLUMN,		/* name, path[npath], slot */
	N_FIELD = ST_NODE_FIELD,	/* args[0].name */
	N_INDEX = ST_NODE_INDEX,	/* args[0][args[1]] */
	N_NEG = ST_NODE_NEG,		/* - args[0] */
	N_POS = ST_NODE_POS,		/* + args[0] */
	N_BITNOT = ST_NODE_BITNOT,	/* ~ args[0] */
	N_NOT = ST_NODE_NOT,		/* NOT args[0] */
	N_BIN = ST_NODE_BINARY,		/* args[0] op args[1] */
	N_AND = ST_NODE_AND,
	N_OR = ST_NODE_OR,
	N_ISNULL = ST_NODE_ISNULL,	/* args[0] IS [NOT] NULL (negate) */
	N_ISBOOL = ST_NODE_ISBOOL,	/* args[0] IS [NOT] TRUE/FALSE: op = 1
					 * true, 0 false */
	N_LIKE = ST_NODE_LIKE,		/* args[0] LIKE args[1]; op: 0 like,
					 * 1 ilike, 2 rlike */
	N_IN = ST_NODE_IN,		/* args[0] IN (args[1..]) */
	N_BETWEEN = ST_NODE_BETWEEN,	/* args[0] BETWEEN args[1] AND args[2] */
	N_CASE = ST_NODE_CASE,		/* [operand] WHEN..THEN.. [ELSE]: see
					 * parse.c's case_expr */
	N_CAST = ST_NODE_CAST,		/* CAST(args[0] AS type) */
	N_CALL = ST_NODE_CALL,		/* fn(args) */
	N_STAR = ST_NODE_STAR		/* '*' as a call argument */
} node_kind;

/* Binary operators (N_BIN). */
enum {
	OP_ADD = ST_BINOP_ADD, OP_SUB = ST_BINOP_SUB, OP_MUL = ST_BINOP_MUL,
	OP_DIV = ST_BINOP_DIV, OP_MOD = ST_BINOP_MOD, OP_IDIV = ST_BINOP_IDIV,
	OP_CONCAT = ST_BINOP_CONCAT, OP_BITAND = ST_BINOP_BITAND,
	OP_BITOR = ST_BINOP_BITOR, OP_BITXOR = ST_BINOP_BITXOR,
	OP_EQ = ST_BINOP_EQ, OP_NE = ST_BINOP_NE, OP_LT = ST_BINOP_LT,
	OP_LE = ST_BINOP_LE, OP_GT = ST_BINOP_GT, OP_GE = ST_BINOP_GE,
	OP_NSEQ = ST_BINOP_NSEQ, OP_DISTINCT = ST_BINOP_DISTINCT
};

typedef struct st_func st_func;
typedef struct node node;

typedef void (*func_impl)(st_eval *ev, const node *n, st_value *args,
    int nargs, st_value *out);

/* Function flags. */
enum {
	F_AGG = 1,		/* aggregate: parse-only */
	F_GEN = 2,		/* generator: explode and friends */
	F_LAZY = 4,		/* arguments are not pre-evaluated */
	F_POS = 8,		/* posexplode */
	F_OUTER = 16		/* *_outer */
};

struct st_func {
	const char *name;
	int min, max;		/* max -1: any number */
	unsigned flags;
	func_impl impl;
	/* Called at compile time to check/precompile literal arguments
	 * (patterns, schemas); returns 0 or -1 with a message in err. */
	int (*prepare)(st_expr_list *l, node *n, char *err, size_t errlen,
	    size_t *errpos);
};

/* A precompiled LIKE or regex pattern. */
typedef struct pattern {
	int kind;		/* see pattern.c */
	const char *lit;	/* LIKE fast paths: the literal part */
	size_t llen;
	const char *pat;	/* LIKE: the pattern text */
	size_t plen;
	char esc;
	int icase;
	regex_t re;
	int re_ok;
} pattern;

/* A compiled datetime pattern (dtfmt.c). */
typedef struct dtfmt dtfmt;

struct node {
	uint8_t kind;
	uint8_t op;
	uint8_t negate;		/* NOT LIKE, NOT IN, IS NOT NULL ... */
	uint8_t star;		/* call with '*' argument */
	uint8_t distinct;	/* count(DISTINCT x) */
	uint8_t has_else;	/* CASE */
	uint8_t has_operand;	/* CASE x WHEN ... */
	uint8_t paren;		/* written in parentheses */
	size_t pos, end;	/* byte range in the text */
	st_value lit;
	/* N_COL: top name and path; N_FIELD: name */
	const char *name;
	size_t nlen;
	const char **path;
	size_t *plens;
	size_t npath;
	int slot;
	node **args;
	int nargs;
	const st_type *type;	/* N_CAST, from_json schema struct */
	const st_func *fn;
	const char *fname;	/* the call's name as written, lowered */
	void *aux;		/* pattern, dtfmt, st_schema */
	char esc;		/* LIKE ... ESCAPE */
};

struct st_expr {
	node n;
};

struct st_expr_list {
	st_arena arena;
	char *text;
	st_expr_item *items;
	size_t nitems;
	const char **cols;	/* distinct top-level columns read */
	size_t ncols;
	int star_cols;		/* struct(*) somewhere */
	st_schema **schemas;	/* from_json/from_csv schemas to free */
	size_t nschemas, capschemas;
	pattern **patterns;	/* compiled regexes to free */
	size_t npatterns, cappatterns;
	struct list_keep {	/* anything else a function compiled */
		void (*free)(void *);
		void *p;
	} *keeps;
	size_t nkeeps, capkeeps;
};

/* Per-row column cache entry. */
struct st_eval_slot {
	uint32_t gen;
	int found;		/* 0 absent, 1 field, 2 value */
	st_field f;
	st_value v;
	int have_v;
};

/* func.c */
const st_func *func_lookup(const char *name, size_t len);
const char *func_suggest(const char *name, size_t len);
int func_is_agg_name(const char *name, size_t len);
extern const st_func func_agg_placeholder;

/* eval.c */
void eval_node(st_eval *ev, const node *n, st_value *out);
void eval_cast(st_eval *ev, const st_value *in, st_vtype to, st_value *out);
int eval_truth(st_eval *ev, const st_value *v);
int64_t eval_now(st_eval *ev);
void eval_all_columns(st_eval *ev, st_value *out);
int eval_compare(st_eval *ev, const st_value *a, const st_value *b, int *res);

/* pattern.c */
pattern *like_compile(st_arena *a, const char *p, size_t n, char esc,
    int icase);
int like_match(const pattern *pt, const char *s, size_t n);
/* Compiles a Spark (Java) regex as POSIX ERE; returns 0 or -1 with err. */
int regex_compile(regex_t *re, const char *p, size_t n, int nosub,
    char *err, size_t errlen);

/* avrofn.c: from_avro(), to_avro() */
int prep_from_avro(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos);
void f_from_avro(st_eval *ev, const node *n, st_value *args, int nargs,
    st_value *out);
int prep_to_avro(st_expr_list *l, node *n, char *err, size_t errlen,
    size_t *errpos);
void f_to_avro(st_eval *ev, const node *n, st_value *args, int nargs,
    st_value *out);

/* dtfmt.c */
dtfmt *dtfmt_compile(st_arena *a, const char *p, size_t n, char *err,
    size_t errlen, size_t *errpos);
int dtfmt_parse(const dtfmt *f, const char *s, size_t n, int64_t *usec);
void dtfmt_format(const dtfmt *f, int64_t usec, st_buf *b);

/* lists.c */
void list_add_schema(st_expr_list *l, st_schema *s);
void list_add_pattern(st_expr_list *l, pattern *p);
/* Keeps p, released with fn(p) when the list is freed. */
void list_add_free(st_expr_list *l, void (*fn)(void *), void *p);
/* Parses a DDL type ("DECIMAL(10,2)", "ARRAY<INT>") into l's keeping.
 * Returns NULL with err filled (errcol: 1-based column in text). */
const st_type *parse_type_text(st_expr_list *l, const char *text,
    size_t n, char *err, size_t errlen, size_t *errcol);

#endif
