/*
 * expr.h - Spark SQL expressions: parse once, evaluate per record.
 *
 * The language is a documented subset of Spark SQL's expression syntax
 * (the full reference, with an example per operator and function, is
 * st-expr(7)):
 *
 *     gt like '%stairs%' and gt is not null
 *     cast(cast(Creation_Time as double)/1000000000 as timestamp) as event_time
 *     explode(split(value, ' ')) as word
 *     from_json(value, 'a STRING, b INT').a
 *
 * Literals: 42 (INT, BIGINT when larger), 42L (BIGINT), 1.5 (DECIMAL),
 * 1.5e3 or 1.5D (DOUBLE), 'text' and "text" (backslash escapes as Spark),
 * true, false, null, INTERVAL '15' MINUTE / INTERVAL 1 HOUR 30 MINUTES.
 * Columns: names as plain identifiers or `backquoted`, nested fields a.b.c,
 * array elements a[0]. Names resolve exactly first, then ignoring ASCII
 * case, as Spark does.
 *
 * Operators, loosest first (SQLite's precedence; all binary operators
 * associate to the left):
 *
 *     OR
 *     AND
 *     NOT
 *     =  ==  !=  <>  <=>  IS [NOT] NULL|TRUE|FALSE  IS [NOT] DISTINCT FROM
 *         [NOT] LIKE|ILIKE|RLIKE|REGEXP  [NOT] IN (...)  [NOT] BETWEEN
 *     <  <=  >  >=
 *     &  |  ^
 *     +  -
 *     *  /  %  DIV
 *     ||
 *     unary - + ~, then postfix .field and [index]
 *
 * Semantics follow Spark with ANSI mode off: three-valued logic; integer
 * arithmetic stays integer (INT wraps at 32 bits, BIGINT at 64), '/'
 * always gives DOUBLE, division or modulo by zero gives NULL, a failed
 * cast gives NULL; comparing a TIMESTAMP or DATE with a string casts the
 * string, a number with a string casts the string to DOUBLE. Timestamps
 * are microseconds, written as "2019-02-05T10:00:00Z" (time.h).
 *
 * Usage:
 *
 *     st_expr_error err;
 *     st_expr_list *l = st_expr_parse("event_type = 'view'", 0, &err);
 *     if (!l) {
 *             st_expr_error_print(&err);
 *             exit(ST_EXIT_USAGE);
 *     }
 *     st_eval ev;
 *     st_eval_init(&ev, l);
 *     for each record r:
 *             st_eval_set_record(&ev, r);
 *             if (st_expr_eval_bool(&ev, st_expr_list_item(l, 0)->expr) == 1)
 *                     keep(r);
 *     st_eval_release(&ev);
 *     st_expr_list_free(l);
 *
 * Ownership: st_expr_parse*() return a new list (st_expr_list_free());
 * items, expressions, names and column lists are borrowed from the list.
 * Values produced by evaluation are borrowed from the st_eval (its arena
 * and the current record) and valid until the next st_eval_set_record(),
 * st_eval_set_resolver() or st_eval_reset().
 */
#ifndef ST_EXPR_H
#define ST_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "record.h"
#include "value.h"

typedef struct st_expr st_expr;
typedef struct st_expr_list st_expr_list;

/* ---- parsing -------------------------------------------------------- */

/*
 * A parse or compile error. col is the 1-based column (byte) in text where
 * the problem is, 0 when it concerns the whole expression; msg is a
 * lowercase sentence without the column: "expected an expression after
 * 'and', found end of input", "unknown function 'lowr' (did you mean
 * 'lower'?)".
 */
typedef struct st_expr_error {
	const char *text;	/* the expression text (borrowed) */
	size_t col;
	char msg[300];
} st_expr_error;

/*
 * Prints an error on stderr in the toolkit's style, jq/Lua-like:
 *
 *     st-filter: invalid expression at column 11: expected an expression after 'and', found end of input
 *       a = 1 and
 *                 ^
 */
void st_expr_error_print(const st_expr_error *e);

/* The same text into b (three lines, each ending in '\n', without the
 * program name). */
void st_expr_error_format(st_buf *b, const st_expr_error *e);

/* Flags for the parsers. */
enum {
	/* Allow aggregate calls (sum, count(*), avg, min, max, first, last,
	 * approx_count_distinct, ...) anywhere in an item (round(avg(x),
	 * 2), sum(a) / count(b)) but not inside another aggregate's
	 * arguments (refused as Spark refuses sum(avg(x))). They evaluate
	 * to NULL unless the evaluator has an aggregate source
	 * (st_eval_set_aggregates); st_expr_is_aggregate() tells them
	 * apart. */
	ST_EXPR_AGGREGATES = 1 << 0,
	/* Allow explode()/posexplode() at the top of an item (st-select). */
	ST_EXPR_GENERATORS = 1 << 1,
	/* Allow * and * EXCEPT (a, b) items. */
	ST_EXPR_STAR = 1 << 2
};

/*
 * Parses one expression (no alias). Returns a new list of one item, or NULL
 * with *err filled.
 */
st_expr_list *st_expr_parse(const char *text, unsigned flags,
    st_expr_error *err);

/*
 * Parses a select list: "expr [[AS] alias], ..." where an item may also
 * be "*" or "* EXCEPT (a, b)" (with ST_EXPR_STAR) and posexplode may take
 * two aliases "AS (p, c)". Returns a new list, or NULL with *err filled.
 */
st_expr_list *st_expr_parse_list(const char *text, unsigned flags,
    st_expr_error *err);

void st_expr_list_free(st_expr_list *l);

/* ---- items ---------------------------------------------------------- */

typedef enum st_item_kind {
	ST_ITEM_EXPR,		/* expr [AS alias] */
	ST_ITEM_STAR		/* * [EXCEPT (names)] */
} st_item_kind;

typedef struct st_expr_item {
	st_item_kind kind;
	st_expr *expr;		/* ST_ITEM_EXPR */
	/* The output name: the alias when given, else the default name
	 * (see st_expr_default_name). posexplode has two: name ("pos" or
	 * the first alias) and name2 ("col" or the second). */
	const char *name;
	const char *name2;
	int has_alias;
	/* ST_ITEM_STAR: the names after EXCEPT. */
	const char **except;
	size_t nexcept;
	size_t pos;		/* byte offset of the item in the text */
} st_expr_item;

size_t st_expr_list_len(const st_expr_list *l);
const st_expr_item *st_expr_list_item(const st_expr_list *l, size_t i);

/* The text the list was parsed from (borrowed copy). */
const char *st_expr_list_text(const st_expr_list *l);

/*
 * The name Spark prints for an expression without alias: a column is its
 * name (the last part for a.b.c at the top of an item), a literal its
 * text ('abc' is abc), a call name(args) with lower-case name ("sum(Buy)",
 * and count(*) is "count(1)"), an operator parenthesised with spaces
 * ("(a + b)", "(x = 1)", "(NOT a)", "(a IS NOT NULL)"), LIKE without
 * parentheses ("gt LIKE %stairs%"), CAST(x AS DOUBLE), CASE WHEN ... END.
 * Appends to b.
 */
void st_expr_default_name(st_buf *b, const st_expr *e);

/* The same, exact: string literals quoted ('BUY', 'it''s'), every column
 * and field part in backquotes (`a`.`b`), nothing dropped at the top, so
 * that two expressions that differ print apart (st-window's state
 * fingerprint: aggSlots). Appends to b. */
void st_expr_canonical(st_buf *b, const st_expr *e);

/* ---- inspecting expressions ----------------------------------------- */

/* The function name (lower case) when e is a call, else NULL. */
const char *st_expr_call_name(const st_expr *e);
/* The number of arguments of a call (count(*) has 0 and star set). */
size_t st_expr_call_nargs(const st_expr *e);
/* Argument i of a call (borrowed). */
const st_expr *st_expr_call_arg(const st_expr *e, size_t i);
/* True for count(*) and struct(*): the argument was '*'. */
int st_expr_call_star(const st_expr *e);
/* True for count(DISTINCT x). */
int st_expr_call_distinct(const st_expr *e);
/* True when e is a call of an aggregate function. */
int st_expr_is_aggregate(const st_expr *e);
/* True when e is a generator call (explode, posexplode, *_outer); *pos
 * says whether it is a posexplode, *outer whether it keeps empty input. */
int st_expr_is_generator(const st_expr *e, int *pos, int *outer);

/*
 * True when e is a plain column reference; *name and *len give the top
 * level name (borrowed) and *depth the number of nested parts after it
 * (0 for "a", 2 for "a.b.c").
 */
int st_expr_is_column(const st_expr *e, const char **name, size_t *len,
    size_t *depth);

/*
 * Walking the syntax tree. Every node is an st_expr (borrowed from its
 * list); these accessors read it without exposing the engine's structures,
 * so that a tool can take a condition apart (st-join reads its equi-join
 * keys and time bound off the conjuncts of --on and --within):
 *
 *     static void
 *     walk(const st_expr *e)
 *     {
 *             if (st_expr_kind(e) == ST_NODE_AND) {
 *                     walk(st_expr_child(e, 0));
 *                     walk(st_expr_child(e, 1));
 *             } else if (st_expr_binop(e) == ST_BINOP_EQ) {
 *                     ... st_expr_child(e, 0) = st_expr_child(e, 1) ...
 *             }
 *     }
 *
 * The children of each kind, in the order written:
 *
 *     LITERAL, COLUMN         none (st_expr_literal, st_expr_column_part)
 *     FIELD                   0: the struct (the field name is not a child)
 *     INDEX                   0: the array, 1: the index
 *     NEG POS BITNOT NOT      0: the operand
 *     BINARY AND OR           0: left, 1: right (st_expr_binop)
 *     ISNULL ISBOOL           0: the operand
 *     LIKE                    0: the text, 1: the pattern
 *     IN                      0: the value, 1..: the list
 *     BETWEEN                 0: the value, 1: low, 2: high
 *     CASE                    [operand,] WHEN, THEN, ..., [ELSE]
 *     CAST                    0: the value
 *     CALL                    the arguments (as st_expr_call_arg)
 *
 * A column a.b.c is one COLUMN node with parts "a", "b", "c" (a side
 * qualifier, as in impressions.ImpressionID, is its first part); a.b[0].c
 * is FIELD(INDEX(COLUMN a.b, 0), c).
 */
typedef enum st_node_kind {
	ST_NODE_LITERAL,	/* 42, 'text', null, INTERVAL 15 MINUTES */
	ST_NODE_COLUMN,		/* a, a.b.c, `odd name` */
	ST_NODE_FIELD,		/* (expr).name */
	ST_NODE_INDEX,		/* expr[i] */
	ST_NODE_NEG,		/* - x */
	ST_NODE_POS,		/* + x */
	ST_NODE_BITNOT,		/* ~ x */
	ST_NODE_NOT,		/* NOT x */
	ST_NODE_BINARY,		/* x op y: see st_binop */
	ST_NODE_AND,		/* x AND y */
	ST_NODE_OR,		/* x OR y */
	ST_NODE_ISNULL,		/* x IS [NOT] NULL */
	ST_NODE_ISBOOL,		/* x IS [NOT] TRUE|FALSE */
	ST_NODE_LIKE,		/* x [NOT] LIKE|ILIKE|RLIKE p */
	ST_NODE_IN,		/* x [NOT] IN (a, b, ...) */
	ST_NODE_BETWEEN,	/* x [NOT] BETWEEN lo AND hi */
	ST_NODE_CASE,		/* CASE ... END */
	ST_NODE_CAST,		/* CAST(x AS type) */
	ST_NODE_CALL,		/* f(args) */
	ST_NODE_STAR		/* reserved: count(*) is a CALL with no
				 * arguments and st_expr_call_star() */
} st_node_kind;

/* The operators of ST_NODE_BINARY nodes. */
typedef enum st_binop {
	ST_BINOP_ADD,		/* + */
	ST_BINOP_SUB,		/* - */
	ST_BINOP_MUL,		/* * */
	ST_BINOP_DIV,		/* / */
	ST_BINOP_MOD,		/* % */
	ST_BINOP_IDIV,		/* DIV */
	ST_BINOP_CONCAT,	/* || */
	ST_BINOP_BITAND,	/* & */
	ST_BINOP_BITOR,		/* | */
	ST_BINOP_BITXOR,	/* ^ */
	ST_BINOP_EQ,		/* = and == */
	ST_BINOP_NE,		/* != and <> */
	ST_BINOP_LT,		/* < */
	ST_BINOP_LE,		/* <= */
	ST_BINOP_GT,		/* > */
	ST_BINOP_GE,		/* >= */
	ST_BINOP_NSEQ,		/* <=> */
	ST_BINOP_DISTINCT	/* IS [NOT] DISTINCT FROM */
} st_binop;

/* The kind of node e. */
st_node_kind st_expr_kind(const st_expr *e);

/* The operator of a binary node, or -1 when e is not ST_NODE_BINARY. */
int st_expr_binop(const st_expr *e);

/* True for the negated forms: IS NOT NULL, IS NOT TRUE, NOT LIKE, NOT IN,
 * NOT BETWEEN, IS NOT DISTINCT FROM. */
int st_expr_negated(const st_expr *e);

/* The number of children of e (see the table above). */
size_t st_expr_nchildren(const st_expr *e);

/* Child i of e (borrowed), or NULL when i >= st_expr_nchildren(e). */
const st_expr *st_expr_child(const st_expr *e, size_t i);

/*
 * Part i of a column reference (borrowed, not NUL-terminated: *len bytes;
 * the name as written, unquoted): part 0 is the top-level name, parts
 * 1..depth the nested fields (see st_expr_is_column). Returns NULL when e
 * is not a column or i > depth.
 */
const char *st_expr_column_part(const st_expr *e, size_t i, size_t *len);

/*
 * The value of a literal (borrowed from the list), or NULL when e is not
 * ST_NODE_LITERAL. An INTERVAL literal is ST_V_INTERVAL with u.i in
 * microseconds; 'text' is a STRING, 42 an INT, null ST_V_NULL.
 */
const st_value *st_expr_literal(const st_expr *e);

/*
 * The distinct top-level column names the list reads, in order of first
 * use (for a.b.c: "a"). Returns the count; *names is borrowed. A list with
 * struct(*) or to_json(struct(*)) also reads every column: *star is set.
 */
size_t st_expr_list_columns(const st_expr_list *l, const char *const **names,
    int *star);

/* ---- evaluation ----------------------------------------------------- */

/*
 * A column resolver for evaluating over something other than one record
 * (st-join evaluates over two). Given a plain column name, it fills either
 * *field (raw JSON, borrowed) and returns 1, or *value (borrowed) and
 * returns 2, or returns 0 when there is no such column (it reads as NULL).
 */
typedef int (*st_expr_resolver)(void *ud, const char *name, size_t len,
    st_field *field, st_value *value);

typedef struct st_eval_slot st_eval_slot;

/*
 * The source of aggregate results, for evaluating an item such as
 * round(avg(x), 2) over a group once its aggregates are computed: given
 * an aggregate call of the list (call, borrowed), it fills *value (which
 * may point into arena, the evaluator's per-row arena) and returns 0, or
 * returns -1 (the call reads as NULL).
 */
typedef int (*st_expr_agg_source)(void *ud, const st_expr *call,
    st_arena *arena, st_value *value);

typedef struct st_eval {
	st_arena arena;		/* per-row scratch: reset on each new row */
	st_record *record;	/* the current record, or NULL */
	st_expr_resolver resolve;	/* or the resolver */
	void *ud;
	/* The batch timestamp for current_timestamp(), current_date() and
	 * unix_timestamp(): microseconds, set by the caller from the begin
	 * line so replays are deterministic. ST_TIME_NONE: the wall clock,
	 * read once at the first use and then fixed for the st_eval. */
	int64_t now;
	/* The aggregate results (st_eval_set_aggregates), or NULL. */
	st_expr_agg_source agg;
	void *agg_ud;
	/* Internal. */
	const st_expr_list *list;
	st_eval_slot *slots;
	uint32_t nslots;
	uint32_t gen;
	st_fields scratch;
	st_fields rowfields;
	st_buf tmp;
} st_eval;

/* Prepares ev to evaluate the expressions of l (borrowed; it must outlive
 * ev). */
void st_eval_init(st_eval *ev, const st_expr_list *l);
void st_eval_release(st_eval *ev);

/* Starts a new row over record r (borrowed): forgets cached columns and
 * resets the arena. Call it again after editing r. */
void st_eval_set_record(st_eval *ev, st_record *r);

/* Starts a new row over a resolver. */
void st_eval_set_resolver(st_eval *ev, st_expr_resolver fn, void *ud);

/* Makes aggregate calls read their results from fn (NULL: they read as
 * NULL again). Kept across rows. */
void st_eval_set_aggregates(st_eval *ev, st_expr_agg_source fn, void *ud);
/* Forgets cached columns and resets the arena, keeping the row source. */
void st_eval_reset(st_eval *ev);

/* Evaluates e (from ev's list) into *out (borrowed, see above). Never
 * fails: what Spark turns into NULL with ANSI mode off is NULL here. */
void st_expr_eval(st_eval *ev, const st_expr *e, st_value *out);

/*
 * When e is a plain column reference (a or a.b.c), looks it up without
 * decoding it: returns 1 with *out set to the raw JSON member (borrowed
 * from the record), 0 when the column is absent (NULL), and -1 when e is
 * not a column or the row comes from a resolver value (use
 * st_expr_eval()). st-select copies such columns byte for byte.
 */
int st_expr_raw_column(st_eval *ev, const st_expr *e, st_field *out);

/*
 * The same for what st-select can copy: a plain column, or CAST(column AS
 * BIGINT|INT) when the column holds plain digits that the cast leaves as
 * they are ("1549360800000" or 1549360800000, not " 7", "+7", "007" or
 * 19 digits): then *out is those digits, unquoted (borrowed). Returns 1,
 * 0 (NULL) or -1 (use st_expr_eval()) as st_expr_raw_column() does. For
 * a cast, the text is always what st_value_write_json() writes of
 * st_expr_eval()'s value (tests/unit/check_expr.c compares the two).
 */
int st_expr_raw(st_eval *ev, const st_expr *e, st_field *out);

/* Evaluates e as a predicate: 1 for TRUE, 0 for FALSE, -1 for NULL (a
 * non-boolean result is cast to BOOLEAN first). */
int st_expr_eval_bool(st_eval *ev, const st_expr *e);

/*
 * Warns once (st_warn) about each column the list reads that record r does
 * not have, naming the closest field of r: "column 'event_typ' is not in
 * the first record (did you mean 'event_type'?); it reads as null". names
 * (may be NULL) lists extra names not to warn about (columns a tool adds).
 * Returns the number of warnings.
 */
int st_expr_warn_missing(const st_expr_list *l, st_record *r,
    const char *const *names, size_t nnames);


#endif
