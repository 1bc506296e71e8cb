/*
 * check_expr.c - the expression language: parser (precedence and
 * associativity shown through Spark's default names, errors with exact
 * messages and columns) and evaluator (null semantics, casts, every
 * function, datetime patterns). Table-driven, as jq's tests: each row is
 * an expression, an input record and the expected JSON value.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "expr/expr.h"
#include "datetime.h"

/* ---- parsing: structure through default names ------------------------ */

static const struct { const char *in, *name; } name_rows[] = {
	/* precedence, loosest to tightest */
	{ "1 + 2 * 3", "(1 + (2 * 3))" },
	{ "1 * 2 + 3", "((1 * 2) + 3)" },
	{ "(1 + 2) * 3", "((1 + 2) * 3)" },
	{ "1 - 2 - 3", "((1 - 2) - 3)" },
	{ "8 / 4 / 2", "((8 / 4) / 2)" },
	{ "1 + 2 - 3 + 4", "(((1 + 2) - 3) + 4)" },
	{ "a OR b AND c", "(a OR (b AND c))" },
	{ "a AND b OR c", "((a AND b) OR c)" },
	{ "a or b or c", "((a OR b) OR c)" },
	{ "NOT a AND b", "((NOT a) AND b)" },
	{ "NOT a = b", "(NOT (a = b))" },
	{ "NOT NOT a", "(NOT (NOT a))" },
	{ "a = 1 AND b = 2", "((a = 1) AND (b = 2))" },
	{ "a < b = c", "((a < b) = c)" },
	{ "a = b < c", "(a = (b < c))" },
	{ "a + 1 > b * 2", "((a + 1) > (b * 2))" },
	{ "a || b || c", "((a || b) || c)" },
	{ "a || b + c", "((a || b) + c)" },
	{ "a + b || c", "(a + (b || c))" },
	{ "-a * b", "((- a) * b)" },
	{ "- 2 * 3", "(-2 * 3)" },
	{ "-(2) * 3", "((- 2) * 3)" },
	{ "~a & b", "(~a & b)" },
	{ "a & b + c", "(a & (b + c))" },
	{ "a | b & c", "((a | b) & c)" },
	{ "a % b * c", "((a % b) * c)" },
	{ "a div b", "(a div b)" },
	{ "a DIV b + 1", "((a div b) + 1)" },
	{ "a <=> b", "(a <=> b)" },
	{ "a != b", "(a != b)" },
	{ "a <> b", "(a != b)" },
	{ "a == b", "(a = b)" },
	{ "a >= b AND a <= c", "((a >= b) AND (a <= c))" },
	{ "a IS NULL", "(a IS NULL)" },
	{ "a is not null", "(a IS NOT NULL)" },
	{ "a IS NULL OR b", "((a IS NULL) OR b)" },
	{ "a + 1 IS NULL", "((a + 1) IS NULL)" },
	{ "a IS TRUE", "(a IS TRUE)" },
	{ "a IS NOT FALSE", "(a IS NOT FALSE)" },
	{ "a IS DISTINCT FROM b", "(a IS DISTINCT FROM b)" },
	{ "a IS NOT DISTINCT FROM b", "(NOT a IS DISTINCT FROM b)" },
	{ "gt like '%stairs%'", "gt LIKE %stairs%" },
	{ "gt NOT LIKE 'a%'", "(NOT gt LIKE a%)" },
	{ "gt rlike '^a'", "gt RLIKE ^a" },
	{ "gt regexp '^a'", "gt RLIKE ^a" },
	{ "gt ilike 'A%'", "gt ILIKE A%" },
	{ "gt like 'a' and b", "(gt LIKE a AND b)" },
	{ "a IN (1, 2, 3)", "(a IN (1, 2, 3))" },
	{ "a NOT IN ('x')", "(a NOT IN (x))" },
	{ "a BETWEEN 1 AND 5", "(a BETWEEN 1 AND 5)" },
	{ "a BETWEEN 1 AND 5 AND b", "((a BETWEEN 1 AND 5) AND b)" },
	{ "a NOT BETWEEN b + 1 AND c * 2", "(a NOT BETWEEN (b + 1) AND (c * 2))" },
	{ "CASE WHEN a THEN 1 ELSE 2 END", "CASE WHEN a THEN 1 ELSE 2 END" },
	{ "case a when 1 then 'x' end", "CASE a WHEN 1 THEN x END" },
	{ "CAST(a AS DOUBLE)", "CAST(a AS DOUBLE)" },
	{ "cast(a as decimal(10, 2))", "CAST(a AS DECIMAL(10,2))" },
	{ "cast(a as array<int>)", "CAST(a AS ARRAY<INT>)" },
	{ "cast(cast(Creation_Time as double)/1000000000 as timestamp)",
	    "CAST((CAST(Creation_Time AS DOUBLE) / 1000000000) AS TIMESTAMP)" },
	{ "lower(gt)", "lower(gt)" },
	{ "LOWER(gt)", "lower(gt)" },
	{ "concat_ws('-', a, b)", "concat_ws(-, a, b)" },
	{ "substring(s, 1, 2)", "substring(s, 1, 2)" },
	{ "a.b", "b" },
	{ "a.b.c", "c" },
	{ "a.b + 1", "(a.b + 1)" },
	{ "`a b`", "a b" },
	{ "`a``b`", "a`b" },
	{ "a[0]", "a[0]" },
	{ "from_json(v, 'a INT').a", "a" },
	{ "1", "1" },
	{ "1L", "1L" },
	{ "10000000000", "10000000000L" },
	{ "1.50", "1.50" },
	{ "1.5e3", "1500.0" },
	{ "1D", "1.0" },
	{ "'abc'", "abc" },
	{ "\"abc\"", "abc" },
	{ "'a' 'b'", "ab" },
	{ "'it\\'s'", "it's" },
	{ "true", "true" },
	{ "NULL", "NULL" },
	{ "INTERVAL '15' MINUTE", "INTERVAL '15 minutes'" },
	{ "INTERVAL 1 HOUR 30 MINUTES", "INTERVAL '90 minutes'" },
	{ "INTERVAL '1 day'", "INTERVAL '1 day'" },
	{ "TIMESTAMP '2019-02-05 10:00:00'", "TIMESTAMP '2019-02-05T10:00:00Z'" },
	{ "DATE '2019-02-05'", "DATE '2019-02-05'" },
	{ "current_timestamp", "current_timestamp()" },
	{ "current_timestamp()", "current_timestamp()" },
	{ "struct(a, b)", "struct(a, b)" },
	{ "  a   +   b  ", "(a + b)" },
	{ "a\n+\tb", "(a + b)" },
};

START_TEST(test_names)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse(name_rows[_i].in, 0, &e);
	ck_assert_msg(l != NULL, "%s: %s (col %zu)", name_rows[_i].in, e.msg,
	    e.col);
	st_buf b = ST_BUF_INIT;
	st_expr_default_name(&b, st_expr_list_item(l, 0)->expr);
	ck_assert_str_eq(b.data, name_rows[_i].name);
	st_buf_release(&b);
	st_expr_list_free(l);
}
END_TEST

/* ---- parse errors ----------------------------------------------------- */

static const struct { const char *in; size_t col; const char *msg; }
    err_rows[] = {
	{ "", 1, "empty expression" },
	{ "   ", 1, "empty expression" },
	{ "a = 1 and", 10, "expected an expression after 'and', found end "
	    "of input" },
	{ "a +", 4, "expected an expression after '+', found end of input" },
	{ "a + * b", 5, "'*' is only allowed as a select item or in count(*) "
	    "and struct(*)" },
	{ "a + )", 5, "expected an expression after '+', found ')'" },
	{ "(a = 1", 7, "expected ')' to close '(' at column 1, found end of "
	    "input" },
	{ "a = 1)", 6, "expected an operator or end of input after '1', "
	    "found ')'" },
	{ "a b", 3, "expected an operator or end of input after 'a', found "
	    "'b'" },
	{ "lowr(a)", 1, "unknown function 'lowr' (did you mean 'lower'?)" },
	{ "x = uper(a)", 5, "unknown function 'uper' (did you mean "
	    "'upper'?)" },
	{ "frobnicate(a)", 1, "unknown function 'frobnicate'" },
	{ "sum(a)", 1, "aggregate function 'sum' is not allowed here "
	    "(aggregates belong to st-window --agg)" },
	{ "explode(a)", 1, "generator 'explode' is only allowed in "
	    "st-select's list" },
	{ "substring(a)", 1, "function 'substring' takes 2 to 3 arguments, "
	    "found 1" },
	{ "lower(a, b)", 1, "function 'lower' takes 1 argument, found 2" },
	{ "if(a, b)", 1, "function 'if' takes 3 arguments, found 2" },
	{ "coalesce()", 1, "function 'coalesce' takes at least 1 argument, "
	    "found 0" },
	{ "'abc", 1, "unterminated string literal" },
	{ "a = 'x", 5, "unterminated string literal" },
	{ "`abc", 1, "unterminated `name`" },
	{ "a # b", 3, "unexpected character '#'" },
	{ "a ! b", 3, "unexpected '!' (use NOT or !=)" },
	{ "a = 1; b", 6, "unexpected ';': an expression has no statements" },
	{ "a IS 5", 6, "expected NULL, NOT NULL, TRUE, FALSE or DISTINCT "
	    "FROM after IS, found '5'" },
	{ "a NOT b", 7, "expected LIKE, RLIKE, IN or BETWEEN after NOT, "
	    "found 'b'" },
	{ "a IN 1", 6, "expected '(' after IN, found '1'" },
	{ "a IN (1, 2", 11, "expected ')' to close '(' at column 6, found "
	    "end of input" },
	{ "a BETWEEN 1 OR 2", 13, "expected AND in 'BETWEEN ... AND ...', "
	    "found 'OR'" },
	{ "CASE a END", 8, "expected WHEN in CASE, found 'END'" },
	{ "CASE WHEN a 1 END", 13, "expected THEN after WHEN ..., found '1'" },
	{ "CASE WHEN a THEN 1", 19, "expected END to close 'CASE' at column "
	    "1, found end of input" },
	{ "CAST(a)", 7, "expected AS in CAST(... AS type), found ')'" },
	{ "CAST(a AS TXT)", 11, "unknown type 'TXT' (did you mean 'INT'?)" },
	{ "CAST(a AS STRNG)", 11, "unknown type 'STRNG' (did you mean "
	    "'STRING'?)" },
	{ "CAST(a AS INT", 14, "expected ')' to close 'CAST(' at column 5, "
	    "found end of input" },
	{ "a.", 3, "expected a field name after '.', found end of input" },
	{ "a[1", 4, "expected ']' to close '[' at column 2, found end of "
	    "input" },
	{ "INTERVAL", 9, "expected a number or a string after INTERVAL, "
	    "found end of input" },
	{ "INTERVAL 1 MONTH", 10, "year-month intervals are not supported "
	    "in expressions (use days)" },
	{ "INTERVAL '1-2' YEAR TO MONTH", 10, "year-month intervals are not "
	    "supported in expressions (use days)" },
	{ "INTERVAL 'soon'", 11, "invalid interval: expected a number, found "
	    "'soon'" },
	{ "INTERVAL '3:60' MINUTE TO SECOND", 13, "invalid interval: SECOND "
	    "60 outside range [0, 59] in '3:60'" },
	{ "INTERVAL '3:30' MINUTES TO SECOND", 17, "invalid interval: expected "
	    "YEAR, DAY, HOUR or MINUTE before TO, found 'MINUTES'" },
	{ "INTERVAL '1 10' HOUR TO SECOND", 12, "invalid interval: '1 10' does "
	    "not match HOUR TO SECOND ('[+|-]h:m:s.n')" },
	{ "TIMESTAMP 'noon'", 11, "invalid TIMESTAMP literal 'noon'" },
	{ "*", 1, "'*' is only allowed as a select item or in count(*) and "
	    "struct(*)" },
	{ "lower(*)", 7, "'*' is not an argument of lower()" },
	{ "a AS b", 3, "unexpected AS: an alias is only allowed in a select "
	    "list" },
	{ "to_timestamp(s, 'yyyy-MM-dd HH:mm::ss')", 34,
	    "invalid datetime pattern 'yyyy-MM-dd HH:mm::ss': doubled "
	    "separator '::' (did you mean 'yyyy-MM-dd HH:mm:ss'?)" },
	{ "to_timestamp(s, 'YYYY-MM-dd')", 18, "invalid datetime pattern "
	    "'YYYY-MM-dd': 'Y' is the week-based year, use 'y'" },
	{ "date_format(t, 'yyyy-QQ')", 22, "invalid datetime pattern "
	    "'yyyy-QQ': unknown pattern letter 'Q'" },
	{ "date_format(t, 'HH:mmm')", 20, "invalid datetime pattern "
	    "'HH:mmm': too many pattern letters 'mmm'" },
	{ "date_format(t, 'yyyy [MM]')", 22, "invalid datetime pattern "
	    "'yyyy [MM]': '[' is reserved (optional sections are not "
	    "supported)" },
	{ "date_format(t, \"HH 'o''clock'\")", 16, "" },
	{ "date_format(t, \"HH 'oclock\")", 20, "invalid datetime pattern "
	    "'HH 'oclock': unterminated quote" },
	{ "a rlike '('", 9, "invalid regular expression: unmatched ( or \\(" },
	{ "a rlike '(?i)x'", 9, "invalid regular expression: '(?' groups "
	    "(lookaround, flags, non-capturing) are not supported" },
	{ "regexp_extract(a, 'x+?', 1)", 19, "invalid regular expression "
	    "'x+?': lazy quantifiers like '+?' are not supported" },
	{ "from_json(v, s)", 14, "from_json() wants its schema as a string "
	    "literal, as in from_json(value, 'a STRING, b INT')" },
	{ "from_json(v, 'a STRNG')", 17, "invalid schema: unknown type "
	    "'STRNG' (did you mean 'STRING'?)" },
	{ "date_trunc('fortnight', t)", 12, "invalid date_trunc unit "
	    "'fortnight' (use year, quarter, month, week, day, hour, minute, "
	    "second, millisecond or microsecond)" },
	{ "named_struct('a')", 1, "named_struct() takes name, value pairs" },
	{ "named_struct(a, 1)", 14, "named_struct() field names must be "
	    "string literals" },
};

START_TEST(test_errors)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse(err_rows[_i].in, 0, &e);
	if (err_rows[_i].msg[0] == '\0') {
		/* A row that must parse (quoted literal in a pattern). */
		ck_assert_msg(l != NULL, "%s: %s", err_rows[_i].in, e.msg);
		st_expr_list_free(l);
		return;
	}
	ck_assert_msg(l == NULL, "'%s' parsed", err_rows[_i].in);
	ck_assert_str_eq(e.msg, err_rows[_i].msg);
	ck_assert_msg(e.col == err_rows[_i].col, "'%s': col %zu, want %zu",
	    err_rows[_i].in, e.col, err_rows[_i].col);
	ck_assert_ptr_eq(e.text, err_rows[_i].in);
}
END_TEST

START_TEST(test_error_format)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse("a = 1 and", 0, &e);
	ck_assert_ptr_null(l);
	st_buf b = ST_BUF_INIT;
	st_expr_error_format(&b, &e);
	ck_assert_str_eq(b.data, "invalid expression at column 10: expected "
	    "an expression after 'and', found end of input\n"
	    "  a = 1 and\n"
	    "           ^\n");
	st_buf_release(&b);
}
END_TEST

START_TEST(test_depth)
{
	char deep[2000];
	size_t k = 0;
	for (int i = 0; i < 300; i++)
		deep[k++] = '(';
	deep[k++] = '1';
	for (int i = 0; i < 300; i++)
		deep[k++] = ')';
	deep[k] = '\0';
	st_expr_error e;
	ck_assert_ptr_null(st_expr_parse(deep, 0, &e));
	ck_assert_str_eq(e.msg, "expression nested too deeply (more than "
	    "200 levels)");
	k = 0;
	for (int i = 0; i < 300; i++)
		deep[k++] = '-';
	deep[k++] = '1';
	deep[k] = '\0';
	ck_assert_ptr_null(st_expr_parse(deep, 0, &e));
	/* 150 levels are fine. */
	k = 0;
	for (int i = 0; i < 150; i++)
		deep[k++] = '(';
	deep[k++] = '1';
	for (int i = 0; i < 150; i++)
		deep[k++] = ')';
	deep[k] = '\0';
	st_expr_list *l = st_expr_parse(deep, 0, &e);
	ck_assert_ptr_nonnull(l);
	st_expr_list_free(l);
}
END_TEST

/* ---- select lists ----------------------------------------------------- */

static const struct { const char *in; const char *names; } list_rows[] = {
	{ "a, b", "a|b" },
	{ "a AS x, b y", "x|y" },
	{ "*", "*" },
	{ "*, upper(gt) AS GT", "*|GT" },
	{ "* EXCEPT (a, `b c`)", "*" },
	{ "explode(split(value,' ')) as word", "word" },
	{ "explode(arr)", "col" },
	{ "posexplode(arr)", "pos+col" },
	{ "posexplode(arr) AS (p, c)", "p+c" },
	{ "a + b, count(*)", NULL },
	{ "cast(cast(Creation_Time as double)/1000000000 as timestamp) as "
	    "event_time", "event_time" },
	{ "value.ImpressionID, value.CreatedTime", "ImpressionID|CreatedTime" },
	{ "a AS `x y`", "x y" },
	{ "1 + 1", "(1 + 1)" },
};

START_TEST(test_lists)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse_list(list_rows[_i].in, ST_EXPR_STAR |
	    ST_EXPR_GENERATORS, &e);
	if (!list_rows[_i].names) {
		ck_assert_ptr_null(l);
		return;
	}
	ck_assert_msg(l != NULL, "%s: %s", list_rows[_i].in, e.msg);
	st_buf b = ST_BUF_INIT;
	for (size_t i = 0; i < st_expr_list_len(l); i++) {
		const st_expr_item *it = st_expr_list_item(l, i);
		if (i)
			st_buf_putc(&b, '|');
		st_buf_puts(&b, it->name);
		if (it->name2) {
			st_buf_putc(&b, '+');
			st_buf_puts(&b, it->name2);
		}
	}
	ck_assert_str_eq(b.data, list_rows[_i].names);
	st_buf_release(&b);
	st_expr_list_free(l);
}
END_TEST

START_TEST(test_list_errors)
{
	st_expr_error e;
	ck_assert_ptr_null(st_expr_parse_list("explode(a), explode(b)",
	    ST_EXPR_GENERATORS, &e));
	ck_assert_str_eq(e.msg, "only one generator (explode, posexplode) "
	    "is allowed per select list");
	ck_assert_uint_eq(e.col, 13);
	ck_assert_ptr_null(st_expr_parse_list("lower(explode(a))",
	    ST_EXPR_GENERATORS, &e));
	ck_assert_str_eq(e.msg, "generator 'explode' is only allowed at the "
	    "top of a select item");
	ck_assert_ptr_null(st_expr_parse_list("*", 0, &e));
	ck_assert_str_eq(e.msg, "'*' is not allowed here");
	ck_assert_ptr_null(st_expr_parse_list("a,", 0, &e));
	ck_assert_str_eq(e.msg, "expected an expression after ',', found end "
	    "of input");
	ck_assert_ptr_null(st_expr_parse_list("a AS", 0, &e));
	ck_assert_str_eq(e.msg, "expected a name after AS, found end of "
	    "input");
	ck_assert_ptr_null(st_expr_parse_list("a b c", 0, &e));
	ck_assert_str_eq(e.msg, "expected ',' or end of input after 'b', "
	    "found 'c'");
	ck_assert_ptr_null(st_expr_parse_list("* EXCEPT a", ST_EXPR_STAR, &e));
	ck_assert_str_eq(e.msg, "expected '(' after EXCEPT, found 'a'");
}
END_TEST

/* ---- aggregates and inspection -------------------------------------- */

START_TEST(test_aggregates)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse_list("sum(Buy) AS TotalBuy, count(*) "
	    "AS n, avg(x), min(x + 1), max(x), first(x), last(x), "
	    "approx_count_distinct(u), count(DISTINCT u), count(1)",
	    ST_EXPR_AGGREGATES, &e);
	ck_assert_msg(l != NULL, "%s", e.msg);
	ck_assert_uint_eq(st_expr_list_len(l), 10);
	static const char *names[] = { "TotalBuy", "n", "avg(x)",
	    "min((x + 1))", "max(x)", "first(x)", "last(x)",
	    "approx_count_distinct(u)", "count(DISTINCT u)", "count(1)" };
	static const char *fn[] = { "sum", "count", "avg", "min", "max",
	    "first", "last", "approx_count_distinct", "count", "count" };
	for (size_t i = 0; i < 10; i++) {
		const st_expr_item *it = st_expr_list_item(l, i);
		ck_assert_str_eq(it->name, names[i]);
		ck_assert(st_expr_is_aggregate(it->expr));
		ck_assert_str_eq(st_expr_call_name(it->expr), fn[i]);
	}
	const st_expr *c = st_expr_list_item(l, 1)->expr;
	ck_assert(st_expr_call_star(c));
	ck_assert_uint_eq(st_expr_call_nargs(c), 0);
	c = st_expr_list_item(l, 3)->expr;
	ck_assert_uint_eq(st_expr_call_nargs(c), 1);
	st_buf b = ST_BUF_INIT;
	st_expr_default_name(&b, st_expr_call_arg(c, 0));
	ck_assert_str_eq(b.data, "(x + 1)");
	st_buf_release(&b);
	ck_assert(st_expr_call_distinct(st_expr_list_item(l, 8)->expr));
	/* Evaluate an argument per record. */
	st_eval ev;
	st_eval_init(&ev, l);
	st_record r;
	st_record_init(&r);
	st_record_set_line(&r, "{\"x\":41}", 8, 1);
	st_eval_set_record(&ev, &r);
	st_value v;
	st_expr_eval(&ev, st_expr_call_arg(c, 0), &v);
	ck_assert_int_eq(v.type, ST_V_BIGINT);
	ck_assert_int_eq(v.u.i, 42);
	st_record_release(&r);
	st_eval_release(&ev);
	const char *const *cols;
	int star;
	size_t nc = st_expr_list_columns(l, &cols, &star);
	ck_assert_uint_eq(nc, 3);
	ck_assert_str_eq(cols[0], "Buy");
	ck_assert_str_eq(cols[1], "x");
	ck_assert_str_eq(cols[2], "u");
	st_expr_list_free(l);
	/* Aggregates inside expressions (Spark's round(avg(x), 4)), not
	 * inside another aggregate (Spark's NESTED_AGGREGATE_FUNCTION). */
	l = st_expr_parse_list("sum(x) + 1, round(avg(x), 4)",
	    ST_EXPR_AGGREGATES, &e);
	ck_assert_msg(l != NULL, "%s", e.msg);
	ck_assert_str_eq(st_expr_list_item(l, 0)->name, "(sum(x) + 1)");
	ck_assert_str_eq(st_expr_list_item(l, 1)->name, "round(avg(x), 4)");
	st_expr_list_free(l);
	ck_assert_ptr_null(st_expr_parse_list("sum(avg(x))", ST_EXPR_AGGREGATES,
	    &e));
	ck_assert_str_eq(e.msg, "aggregate function 'avg': it is not allowed "
	    "to use an aggregate function in the argument of another "
	    "aggregate function");
	ck_assert_uint_eq(e.col, 5);
}
END_TEST

START_TEST(test_columns)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse("a.b.c = x AND lower(y) = a.d OR "
	    "to_json(struct(*)) IS NULL", 0, &e);
	ck_assert_ptr_nonnull(l);
	const char *const *cols;
	int star;
	size_t n = st_expr_list_columns(l, &cols, &star);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(cols[0], "a");
	ck_assert_str_eq(cols[1], "x");
	ck_assert_str_eq(cols[2], "y");
	ck_assert_int_eq(star, 1);
	const char *name;
	size_t len, depth;
	ck_assert(!st_expr_is_column(st_expr_list_item(l, 0)->expr, &name,
	    &len, &depth));
	st_expr_list_free(l);
	l = st_expr_parse("value.ImpressionID", 0, &e);
	ck_assert(st_expr_is_column(st_expr_list_item(l, 0)->expr, &name,
	    &len, &depth));
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(depth, 1);
	st_expr_list_free(l);
}
END_TEST

/* ---- walking the tree through the accessors -------------------------- */

static const char *const kind_names[] = {
	"lit", "col", "field", "index", "neg", "pos", "bitnot", "not", "bin",
	"and", "or", "isnull", "isbool", "like", "in", "between", "case",
	"cast", "call", "star"
};
static const char *const binop_names[] = {
	"add", "sub", "mul", "div", "mod", "idiv", "concat", "bitand", "bitor",
	"bitxor", "eq", "ne", "lt", "le", "gt", "ge", "nseq", "distinct"
};

/* e as an s-expression, using only the public accessors. */
static void
shape(st_buf *b, const st_expr *e)
{
	st_node_kind k = st_expr_kind(e);
	const st_value *v = st_expr_literal(e);
	size_t len;

	if (k == ST_NODE_LITERAL) {
		ck_assert_ptr_nonnull(v);
		if (v->type == ST_V_INTERVAL)
			st_buf_printf(b, "iv:%lld", (long long)v->u.i);
		else
			st_value_write_json(b, v);
		return;
	}
	ck_assert_ptr_null(v);
	if (k == ST_NODE_COLUMN) {
		const char *name, *part;
		size_t depth;
		ck_assert(st_expr_is_column(e, &name, &len, &depth));
		for (size_t i = 0; i <= depth; i++) {
			part = st_expr_column_part(e, i, &len);
			ck_assert_ptr_nonnull(part);
			if (i)
				st_buf_putc(b, '.');
			st_buf_add(b, part, len);
		}
		ck_assert_ptr_null(st_expr_column_part(e, depth + 1, &len));
		ck_assert_uint_eq(st_expr_nchildren(e), 0);
		return;
	}
	ck_assert_ptr_null(st_expr_column_part(e, 0, &len));
	if (st_expr_negated(e))
		st_buf_puts(b, "not-");
	int op = st_expr_binop(e);
	if (k == ST_NODE_BINARY)
		st_buf_puts(b, binop_names[op]);
	else {
		ck_assert_int_eq(op, -1);
		st_buf_puts(b, k == ST_NODE_CALL ? st_expr_call_name(e) :
		    kind_names[k]);
	}
	st_buf_putc(b, '(');
	size_t n = st_expr_nchildren(e);
	for (size_t i = 0; i < n; i++) {
		if (i)
			st_buf_puts(b, ", ");
		shape(b, st_expr_child(e, i));
	}
	ck_assert_ptr_null(st_expr_child(e, n));
	st_buf_putc(b, ')');
}

static const struct { const char *in, *shape; } shape_rows[] = {
	/* what st-join reads off --on and --within */
	{ "a = b AND impressions.ImpressionID = clicks.AdID",
	    "and(eq(a, b), eq(impressions.ImpressionID, clicks.AdID))" },
	{ "ClickTime BETWEEN ImpressionTime AND ImpressionTime + "
	    "INTERVAL 1 HOUR",
	    "between(ClickTime, ImpressionTime, add(ImpressionTime, "
	    "iv:3600000000))" },
	{ "l.t >= r.t - INTERVAL '15' MINUTE AND l.t < r.t",
	    "and(ge(l.t, sub(r.t, iv:900000000)), lt(l.t, r.t))" },
	{ "INTERVAL 2 SECONDS + t > u", "gt(add(iv:2000000, t), u)" },
	{ "a NOT BETWEEN 1 AND 2", "not-between(a, 1, 2)" },
	/* every kind */
	{ "a OR NOT b", "or(a, not(b))" },
	{ "x NOT IN (1, 'y', null)", "not-in(x, 1, \"y\", null)" },
	{ "a IS NOT NULL AND b IS TRUE", "and(not-isnull(a), isbool(b))" },
	{ "s NOT LIKE 'x%'", "not-like(s, \"x%\")" },
	{ "a <=> b", "nseq(a, b)" },
	{ "a IS NOT DISTINCT FROM b", "not-distinct(a, b)" },
	{ "-a * ~b + +c", "add(mul(neg(a), bitnot(b)), pos(c))" },
	{ "a.b[0].c", "field(index(a.b, 0))" },
	{ "`odd name`.x || 'z'", "concat(odd name.x, \"z\")" },
	{ "CASE k WHEN 1 THEN 'one' ELSE 'many' END",
	    "case(k, 1, \"one\", \"many\")" },
	{ "CAST(a AS INT)", "cast(a)" },
	{ "lower(s) = upper(t)", "eq(lower(s), upper(t))" },
	{ "count(*)", "count()" },
};

START_TEST(test_shapes)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse(shape_rows[_i].in, ST_EXPR_AGGREGATES,
	    &e);
	ck_assert_msg(l != NULL, "%s: %s", shape_rows[_i].in, e.msg);
	st_buf b = ST_BUF_INIT;
	shape(&b, st_expr_list_item(l, 0)->expr);
	st_buf_putc(&b, '\0');
	ck_assert_str_eq(b.data, shape_rows[_i].shape);
	st_buf_release(&b);
	st_expr_list_free(l);
}
END_TEST

/* ---- evaluation ------------------------------------------------------- */

#define REC "{\"i\":7,\"j\":-3,\"d\":2.5,\"s\":\"Hello World\",\"e\":\"\"," \
    "\"n\":null,\"t\":true,\"f\":false,\"ts\":\"2019-02-05T10:00:00Z\"," \
    "\"arr\":[1,2,3],\"o\":{\"p\":{\"q\":\"deep\"},\"r\":[{\"k\":1}," \
    "{\"k\":2}]},\"Mixed\":1,\"big\":9223372036854775807," \
    "\"ns\":1424686733090638193,\"ms\":\"1549360800000\"," \
    "\"csv\":\"1,x,2019-02-05\",\"js\":\"{\\\"a\\\":\\\"x\\\",\\\"b\\\":" \
    "\\\"12\\\"}\",\"words\":\"Hello Spark Streaming\"}"

static const struct { const char *expr, *want; } eval_rows[] = {
	/* literals */
	{ "1", "1" }, { "-1", "-1" }, { "1.5", "1.5" }, { "1.50", "1.50" },
	{ "1e2", "100.0" }, { "'x'", "\"x\"" }, { "null", "null" },
	{ "true", "true" }, { "2147483647", "2147483647" },
	{ "2147483648", "2147483648" }, { "5L", "5" }, { "2D", "2.0" },
	{ "'a\\tb'", "\"a\\tb\"" }, { "'\\u0041'", "\"A\"" },
	{ "INTERVAL '15' MINUTE", "\"15 minutes\"" },
	{ "INTERVAL 1 HOUR 30 MINUTES", "\"90 minutes\"" },
	{ "INTERVAL '2' DAY", "\"2 days\"" },
	{ "TIMESTAMP '2019-02-05 10:00:00'", "\"2019-02-05T10:00:00Z\"" },
	{ "DATE '2019-02-05'", "\"2019-02-05\"" },
	/* columns */
	{ "i", "7" }, { "s", "\"Hello World\"" }, { "missing", "null" },
	{ "n", "null" }, { "o.p.q", "\"deep\"" }, { "o.p", "{\"q\":\"deep\"}" },
	{ "o.p.zz", "null" }, { "o.r.k", "[1,2]" }, { "arr[0]", "1" },
	{ "arr[3]", "null" }, { "arr[-1]", "null" }, { "mixed", "1" },
	{ "MIXED", "1" }, { "`s`", "\"Hello World\"" }, { "O.P.Q", "\"deep\"" },
	{ "i.x", "null" },
	/* arithmetic */
	{ "i + 1", "8" }, { "i - 10", "-3" }, { "i * j", "-21" },
	{ "i / 2", "3.5" }, { "i / 0", "null" }, { "i % 3", "1" },
	{ "j % 2", "-1" }, { "i % 0", "null" }, { "i div 2", "3" },
	{ "j div 2", "-1" }, { "i div 0", "null" }, { "d * 2", "5.0" },
	{ "d + i", "9.5" }, { "i + null", "null" }, { "'3' + 1", "4.0" },
	{ "'x' + 1", "null" }, { "2147483647 + 1", "-2147483648" },
	{ "big + 1", "-9223372036854775808" }, { "0.1 + 0.2", "0.3" },
	{ "1.5 * 2", "3.0" }, { "1.5 * 1.5", "2.25" }, { "1.5 - 2", "-0.5" },
	{ "1.5 + 1e0", "2.5" }, { "10 / 4", "2.5" }, { "d / 0", "null" },
	{ "-i", "-7" }, { "-d", "-2.5" }, { "+i", "7" }, { "~0", "-1" },
	{ "6 & 3", "2" }, { "6 | 3", "7" }, { "6 ^ 3", "5" },
	{ "7.5 % 2", "1.5" }, { "d % 1", "0.5" },
	{ "'a' || 'b'", "\"ab\"" }, { "i || 'x'", "\"7x\"" },
	{ "s || null", "null" },
	/* datetime arithmetic */
	{ "cast(ts as timestamp) + INTERVAL 15 MINUTES",
	    "\"2019-02-05T10:15:00Z\"" },
	{ "cast(ts as timestamp) - INTERVAL '1' DAY",
	    "\"2019-02-04T10:00:00Z\"" },
	{ "ts + INTERVAL 1 SECOND", "\"2019-02-05T10:00:01Z\"" },
	{ "cast(ts as timestamp) - cast('2019-02-05 09:00' as timestamp)",
	    "\"1 hour\"" },
	{ "DATE '2019-02-05' + 1", "\"2019-02-06\"" },
	{ "DATE '2019-02-05' - 5", "\"2019-01-31\"" },
	{ "INTERVAL 1 HOUR * 2", "\"2 hours\"" },
	{ "INTERVAL 1 HOUR + INTERVAL 30 MINUTES", "\"90 minutes\"" },
	/* comparison */
	{ "i = 7", "true" }, { "i == 7", "true" }, { "i = 7.0", "true" },
	{ "i != 7", "false" }, { "i <> 8", "true" }, { "i < 8", "true" },
	{ "i <= 7", "true" }, { "i > 7", "false" }, { "i >= 8", "false" },
	{ "i = '7'", "true" }, { "i = '7.0'", "true" }, { "i = 'x'", "null" },
	{ "s = 'Hello World'", "true" }, { "s < 'Z'", "true" },
	{ "s = null", "null" }, { "n = n", "null" }, { "n <=> n", "true" },
	{ "n <=> 1", "false" }, { "i <=> 7", "true" },
	{ "ts > '2019-02-05 09:59:59'", "true" },
	{ "cast(ts as timestamp) = '2019-02-05 10:00:00'", "true" },
	{ "cast(ts as timestamp) < '2019-01-01'", "false" },
	{ "cast(ts as date) = '2019-02-05'", "true" },
	{ "cast(ts as date) = cast(ts as timestamp)", "false" },
	{ "DATE '2019-02-05' = TIMESTAMP '2019-02-05 00:00:00'", "true" },
	{ "t = true", "true" }, { "t = 'true'", "true" }, { "true = 1", "true" },
	{ "arr = array(1, 2, 3)", "true" }, { "1.0 = 1", "true" },
	{ "cast('NaN' as double) = cast('NaN' as double)", "true" },
	{ "i IS DISTINCT FROM 8", "true" }, { "n IS DISTINCT FROM n", "false" },
	{ "n IS NOT DISTINCT FROM null", "true" },
	/* logic: three-valued */
	{ "true AND true", "true" }, { "true AND false", "false" },
	{ "true AND null", "null" }, { "false AND null", "false" },
	{ "null AND false", "false" }, { "null AND null", "null" },
	{ "true OR null", "true" }, { "false OR null", "null" },
	{ "null OR true", "true" }, { "false OR false", "false" },
	{ "NOT true", "false" }, { "NOT null", "null" }, { "NOT n", "null" },
	{ "NOT i = 8", "true" }, { "t AND NOT f", "true" },
	{ "'true' AND 1", "true" },
	/* IS */
	{ "n IS NULL", "true" }, { "missing IS NULL", "true" },
	{ "i IS NULL", "false" }, { "i IS NOT NULL", "true" },
	{ "e IS NULL", "false" }, { "t IS TRUE", "true" },
	{ "n IS TRUE", "false" }, { "n IS NOT TRUE", "true" },
	{ "f IS FALSE", "true" },
	/* LIKE, RLIKE */
	{ "s LIKE 'Hello%'", "true" }, { "s LIKE '%World'", "true" },
	{ "s LIKE '%lo W%'", "true" }, { "s LIKE 'Hello World'", "true" },
	{ "s LIKE 'hello%'", "false" }, { "s ILIKE 'hello%'", "true" },
	{ "s LIKE 'H_llo%'", "true" }, { "s LIKE '%o__W%'", "false" },
	{ "s LIKE '%o_W%'", "true" },
	{ "s LIKE '%o%o%'", "true" }, { "s LIKE '%'", "true" },
	{ "e LIKE '%'", "true" }, { "e LIKE '_'", "false" },
	{ "s NOT LIKE '%x%'", "true" }, { "n LIKE '%'", "null" },
	{ "s LIKE n", "null" }, { "'a%b' LIKE 'a\\%b'", "true" },
	{ "'axb' LIKE 'a\\%b'", "false" }, { "'a_b' LIKE 'a!_b' ESCAPE '!'",
	    "true" }, { "'\xc3\xa9t\xc3\xa9' LIKE '_t_'", "true" },
	{ "s LIKE concat('%', 'World')", "true" },
	{ "s LIKE '%' || 'World'", "true" },
	{ "i LIKE '7'", "true" },
	{ "s RLIKE '^H.*d$'", "true" }, { "s RLIKE 'o W'", "true" },
	{ "s RLIKE '^W'", "false" }, { "s REGEXP '[0-9]'", "false" },
	{ "'abc123' RLIKE '\\\\d+'", "true" }, { "'abc' RLIKE '\\\\d'", "false" },
	{ "'a b' RLIKE 'a\\\\sb'", "true" }, { "s RLIKE concat('W', 'or')",
	    "true" }, { "s NOT RLIKE 'z'", "true" },
	/* IN, BETWEEN */
	{ "i IN (1, 7)", "true" }, { "i IN (1, 2)", "false" },
	{ "i IN (1, null)", "null" }, { "i IN (7, null)", "true" },
	{ "n IN (1)", "null" }, { "i NOT IN (1, 2)", "true" },
	{ "i NOT IN (1, null)", "null" }, { "s IN ('x', 'Hello World')",
	    "true" }, { "i IN ('7')", "true" },
	{ "i BETWEEN 1 AND 7", "true" }, { "i BETWEEN 8 AND 9", "false" },
	{ "i NOT BETWEEN 8 AND 9", "true" }, { "i BETWEEN null AND 9", "null" },
	{ "i BETWEEN null AND 5", "false" },
	{ "ts BETWEEN '2019-02-05' AND '2019-02-06'", "true" },
	{ "cast(ts as timestamp) BETWEEN cast(ts as timestamp) AND "
	    "cast(ts as timestamp) + INTERVAL 15 MINUTES", "true" },
	/* CASE */
	{ "CASE WHEN i > 5 THEN 'big' ELSE 'small' END", "\"big\"" },
	{ "CASE WHEN i > 9 THEN 'big' END", "null" },
	{ "CASE WHEN n THEN 1 WHEN t THEN 2 END", "2" },
	{ "CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", "\"seven\"" },
	{ "CASE n WHEN null THEN 1 ELSE 2 END", "2" },
	/* CAST */
	{ "cast(i as string)", "\"7\"" }, { "cast('12' as int)", "12" },
	{ "cast('x' as int)", "null" }, { "cast(d as int)", "2" },
	{ "cast(d as bigint)", "2" }, { "cast(i as double)", "7.0" },
	{ "cast('1.239' as decimal(5,2))", "1.24" },
	{ "cast(i as boolean)", "true" }, { "cast('no' as boolean)", "false" },
	{ "cast(ts as timestamp)", "\"2019-02-05T10:00:00Z\"" },
	{ "cast(ts as date)", "\"2019-02-05\"" },
	{ "cast(cast(ts as timestamp) as bigint)", "1549360800" },
	{ "cast(cast(ts as timestamp) as double)", "1549360800.0" },
	{ "cast(1549360800 as timestamp)", "\"2019-02-05T10:00:00Z\"" },
	{ "cast(cast(ns as double)/1000000000 as timestamp)",
	    "\"2015-02-23T10:18:53.090638Z\"" },
	{ "cast(arr as array<string>)", "[\"1\",\"2\",\"3\"]" },
	{ "cast(o as string)", "\"{\\\"p\\\":{\\\"q\\\":\\\"deep\\\"},"
	    "\\\"r\\\":[{\\\"k\\\":1},{\\\"k\\\":2}]}\"" },
	{ "cast(null as int)", "null" }, { "cast(t as int)", "1" },
	{ "int('5')", "5" }, { "string(1.5)", "\"1.5\"" },
	{ "double('2')", "2.0" }, { "timestamp('2019-02-05')",
	    "\"2019-02-05T00:00:00Z\"" }, { "date('2019-02-05 11:00')",
	    "\"2019-02-05\"" }, { "boolean('t')", "true" },
	/* string functions */
	{ "lower(s)", "\"hello world\"" }, { "upper(s)", "\"HELLO WORLD\"" },
	{ "lcase('AB')", "\"ab\"" }, { "ucase('ab')", "\"AB\"" },
	{ "lower(n)", "null" }, { "initcap('hello wORLD')", "\"Hello World\"" },
	{ "trim('  a b  ')", "\"a b\"" }, { "ltrim('  a ')", "\"a \"" },
	{ "rtrim('  a ')", "\"  a\"" }, { "trim('xxaxx', 'x')", "\"a\"" },
	{ "length(s)", "11" }, { "length('\xc3\xa9t\xc3\xa9')", "3" },
	{ "length(e)", "0" }, { "length(n)", "null" },
	{ "char_length('abc')", "3" },
	{ "substring(s, 1, 5)", "\"Hello\"" }, { "substring(s, 7)",
	    "\"World\"" }, { "substring(s, -5)", "\"World\"" },
	{ "substring(s, -5, 2)", "\"Wo\"" }, { "substring(s, 0, 2)", "\"He\"" },
	{ "substring(s, 20)", "\"\"" }, { "substr(s, 2, 3)", "\"ell\"" },
	{ "substring('\xc3\xa9t\xc3\xa9', 2, 1)", "\"t\"" },
	{ "substring(s, 1, -1)", "\"\"" },
	/* Positions and lengths near INT64_MAX saturate (a fuzzer finding:
	 * start + len overflowed). */
	{ "substring(s, 9223372036854775807, 9223372036854775807)", "\"\"" },
	{ "substring(s, 2, 9223372036854775807)", "\"ello World\"" },
	{ "substring(s, -3, 9223372036854775807)", "\"rld\"" },
	{ "concat('a', 'b', 'c')", "\"abc\"" }, { "concat('a', n)", "null" },
	{ "concat(i, 'x', d)", "\"7x2.5\"" },
	{ "concat_ws('-', 'a', n, 'b')", "\"a-b\"" },
	{ "concat_ws(',', arr, 'x')", "\"1,2,3,x\"" },
	{ "concat_ws(n, 'a')", "null" },
	{ "instr(s, 'World')", "7" }, { "instr(s, 'x')", "0" },
	{ "lpad('7', 3, '0')", "\"007\"" }, { "rpad('ab', 5, 'xy')",
	    "\"abxyx\"" }, { "lpad('abcd', 2, 'x')", "\"ab\"" },
	{ "lpad('a', 3)", "\"  a\"" },
	{ "repeat('ab', 3)", "\"ababab\"" }, { "reverse('abc')", "\"cba\"" },
	{ "reverse(arr)", "[3,2,1]" },
	{ "replace(s, 'l', 'L')", "\"HeLLo WorLd\"" },
	{ "replace(s, 'o')", "\"Hell Wrld\"" },
	{ "startswith(s, 'Hell')", "true" }, { "endswith(s, 'x')", "false" },
	{ "contains(s, 'o W')", "true" },
	{ "split(words, ' ')", "[\"Hello\",\"Spark\",\"Streaming\"]" },
	{ "split('a,b,,c,', ',')", "[\"a\",\"b\",\"\",\"c\",\"\"]" },
	{ "split('a1b22c', '[0-9]+')", "[\"a\",\"b\",\"c\"]" },
	{ "split('a b c', ' ', 2)", "[\"a\",\"b c\"]" },
	{ "split('abc', '')", "[\"a\",\"b\",\"c\"]" },
	{ "split(n, ' ')", "null" }, { "split('', ',')", "[\"\"]" },
	{ "split('a.b', '\\\\.')", "[\"a\",\"b\"]" },
	{ "regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 1)", "\"100\"" },
	{ "regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 2)", "\"200\"" },
	{ "regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 0)", "\"100-200\"" },
	{ "regexp_extract('foo', '(\\\\d+)', 1)", "\"\"" },
	{ "regexp_extract('a1', '([a-z])([0-9])')", "\"a\"" },
	{ "regexp_extract(s, concat('(W', 'o)'), 1)", "\"Wo\"" },
	{ "regexp_replace('100-200', '(\\\\d+)', 'num')", "\"num-num\"" },
	{ "regexp_replace('a-b', '([a-z])-([a-z])', '$2-$1')", "\"b-a\"" },
	{ "regexp_replace(s, 'o', '0')", "\"Hell0 W0rld\"" },
	{ "regexp_replace(n, 'o', '0')", "null" },
	/* conditionals */
	{ "coalesce(n, missing, 3)", "3" }, { "coalesce(n)", "null" },
	{ "nvl(n, 'd')", "\"d\"" }, { "nvl(i, 0)", "7" },
	{ "ifnull(n, 1)", "1" }, { "nvl2(n, 1, 2)", "2" },
	{ "nvl2(i, 1, 2)", "1" }, { "nullif(i, 7)", "null" },
	{ "nullif(i, 8)", "7" }, { "if(i > 5, 'y', 'n')", "\"y\"" },
	{ "if(n, 'y', 'n')", "\"n\"" }, { "isnull(n)", "true" },
	{ "isnotnull(n)", "false" }, { "isnan(cast('NaN' as double))", "true" },
	{ "isnan(1.0)", "false" }, { "typeof(i)", "\"bigint\"" },
	{ "typeof(1)", "\"int\"" }, { "typeof(1.5)", "\"decimal\"" },
	{ "typeof(d)", "\"double\"" }, { "typeof(s)", "\"string\"" },
	{ "typeof(o)", "\"struct\"" }, { "typeof(arr)", "\"array\"" },
	/* math */
	{ "abs(j)", "3" }, { "abs(-2.5)", "2.5" }, { "abs(-d)", "2.5" },
	{ "abs(n)", "null" }, { "round(2.5)", "3" }, { "round(d)", "3.0" },
	{ "round(-2.5)", "-3" }, { "round(1.005, 2)", "1.01" },
	{ "round(cast(1.005 as double), 2)", "1.01" },
	{ "round(123.456, 1)", "123.5" }, { "round(1234, -2)", "1200" },
	{ "round(1250, -2)", "1300" }, { "round(d, 0)", "3.0" },
	{ "round(cast(0.125 as double), 2)", "0.13" },
	{ "floor(d)", "2" }, { "floor(-d)", "-3" }, { "ceil(d)", "3" },
	{ "ceiling(-d)", "-2" }, { "floor(i)", "7" }, { "ceil(1.2)", "2" },
	{ "floor(-1.2)", "-2" }, { "sqrt(16)", "4.0" }, { "sqrt(-1)", "\"NaN\"" },
	{ "pow(2, 10)", "1024.0" }, { "power(2, 0.5) > 1.41", "true" },
	{ "exp(0)", "1.0" }, { "ln(1)", "0.0" }, { "log10(1000)", "3.0" },
	{ "log2(8)", "3.0" }, { "log(2, 8)", "3.0" }, { "ln(0)", "null" },
	{ "sign(j)", "-1.0" }, { "signum(0)", "0.0" }, { "mod(7, 3)", "1" },
	{ "mod(-7, 3)", "-1" }, { "pmod(-7, 3)", "2" }, { "mod(7, 0)", "null" },
	{ "greatest(1, 5, 3)", "5" }, { "greatest(1, n, 3)", "3" },
	{ "least(4, 2.5, 3)", "2.5" }, { "least(n, n)", "null" },
	{ "greatest('a', 'b')", "\"b\"" },
	/* datetime */
	{ "to_timestamp('2019-02-05 10:00:00')", "\"2019-02-05T10:00:00Z\"" },
	{ "to_timestamp('2019-02-05 10:00:00', 'yyyy-MM-dd HH:mm:ss')",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "to_timestamp('05/02/2019 10:00', 'dd/MM/yyyy HH:mm')",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "to_timestamp('2019-02-05 10', 'yyyy-MM-dd HH:mm')", "null" },
	{ "to_timestamp('2019-02-30', 'yyyy-MM-dd')", "null" },
	{ "to_timestamp('2019-02-05T10:00:00.250Z', "
	    "\"yyyy-MM-dd'T'HH:mm:ss.SSSX\")", "\"2019-02-05T10:00:00.250Z\"" },
	{ "to_timestamp('2019-02-05 12:00:00 +0200', 'yyyy-MM-dd HH:mm:ss Z')",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "to_timestamp('2019-02-05 12:00 +02:00', 'yyyy-MM-dd HH:mm XXX')",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "to_timestamp('5 Feb 2019 10:00 PM', 'd MMM yyyy hh:mm a')",
	    "\"2019-02-05T22:00:00Z\"" },
	{ "to_timestamp('Tuesday, February 5, 19', 'EEEE, MMMM d, yy')",
	    "\"2019-02-05T00:00:00Z\"" },
	{ "to_timestamp('2019036', 'yyyyDDD')", "\"2019-02-05T00:00:00Z\"" },
	{ "to_timestamp('20190205', 'yyyyMMdd')", "\"2019-02-05T00:00:00Z\"" },
	{ "to_timestamp('12:30:00 UTC', 'HH:mm:ss z')",
	    "\"1970-01-01T12:30:00Z\"" },
	{ "to_timestamp(n)", "null" }, { "to_timestamp(1549360800)",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "to_timestamp('x')", "null" },
	{ "to_timestamp('10:00', concat('HH', ':mm'))",
	    "\"1970-01-01T10:00:00Z\"" },
	{ "to_timestamp('10:00', concat('HH', '::mm'))", "null" },
	{ "to_date('2019-02-05 10:00:00')", "\"2019-02-05\"" },
	{ "to_date('05.02.2019', 'dd.MM.yyyy')", "\"2019-02-05\"" },
	{ "date_format(ts, 'yyyy-MM-dd')", "\"2019-02-05\"" },
	{ "date_format(ts, 'dd/MM/yy HH:mm:ss')", "\"05/02/19 10:00:00\"" },
	{ "date_format(ts, 'EEE, d MMM yyyy')", "\"Tue, 5 Feb 2019\"" },
	{ "date_format(ts, 'EEEE MMMM')", "\"Tuesday February\"" },
	{ "date_format(ts, 'hh a')", "\"10 AM\"" },
	{ "date_format(ts, 'D')", "\"36\"" },
	{ "date_format(ts, 'HH:mm:ss.SSS')", "\"10:00:00.000\"" },
	{ "date_format(ts, \"yyyy-MM-dd'T'HH:mm:ssXXX\")",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "date_format(ts, 'HH:mm z')", "\"10:00 UTC\"" },
	{ "date_format(n, 'yyyy')", "null" },
	{ "from_unixtime(1549360800)", "\"2019-02-05 10:00:00\"" },
	{ "from_unixtime(0, 'yyyy')", "\"1970\"" },
	{ "unix_timestamp('2019-02-05 10:00:00')", "1549360800" },
	{ "unix_timestamp('05/02/2019', 'dd/MM/yyyy')", "1549324800" },
	{ "unix_timestamp(cast(ts as timestamp))", "1549360800" },
	{ "unix_timestamp('garbage')", "null" },
	{ "to_unix_timestamp('2019-02-05 10:00:00')", "1549360800" },
	{ "timestamp_seconds(1549360800)", "\"2019-02-05T10:00:00Z\"" },
	{ "timestamp_seconds(1549360800.5)", "\"2019-02-05T10:00:00.500Z\"" },
	{ "timestamp_millis(1549360800250)", "\"2019-02-05T10:00:00.250Z\"" },
	{ "timestamp_millis(cast(ms as bigint))", "\"2019-02-05T10:00:00Z\"" },
	{ "timestamp_micros(1549360800000001)",
	    "\"2019-02-05T10:00:00.000001Z\"" },
	{ "unix_seconds(timestamp_millis(1549360800250))", "1549360800" },
	{ "unix_millis(timestamp_millis(1549360800250))", "1549360800250" },
	{ "unix_micros(timestamp_seconds(1))", "1000000" },
	{ "current_timestamp()", "\"2019-02-05T12:00:00Z\"" },
	{ "current_timestamp", "\"2019-02-05T12:00:00Z\"" },
	{ "now()", "\"2019-02-05T12:00:00Z\"" },
	{ "current_date()", "\"2019-02-05\"" },
	{ "unix_timestamp()", "1549368000" },
	{ "year(ts)", "2019" }, { "month(ts)", "2" }, { "dayofmonth(ts)", "5" },
	{ "day(ts)", "5" }, { "hour(ts)", "10" }, { "minute('2019-02-05 "
	    "10:42:07')", "42" }, { "second('2019-02-05 10:42:07')", "7" },
	{ "dayofweek(ts)", "3" }, { "dayofyear(ts)", "36" },
	{ "quarter(ts)", "1" }, { "weekofyear(ts)", "6" },
	{ "weekofyear('2021-01-01')", "53" }, { "year(n)", "null" },
	{ "year('garbage')", "null" },
	{ "date_trunc('hour', '2019-02-05 10:42:07')",
	    "\"2019-02-05T10:00:00Z\"" },
	{ "date_trunc('DAY', ts)", "\"2019-02-05T00:00:00Z\"" },
	{ "date_trunc('month', ts)", "\"2019-02-01T00:00:00Z\"" },
	{ "date_trunc('year', ts)", "\"2019-01-01T00:00:00Z\"" },
	{ "date_trunc('week', ts)", "\"2019-02-04T00:00:00Z\"" },
	{ "date_trunc('quarter', '2019-05-05')", "\"2019-04-01T00:00:00Z\"" },
	{ "date_trunc('minute', '2019-02-05 10:42:07')",
	    "\"2019-02-05T10:42:00Z\"" },
	{ "date_add('2019-02-05', 30)", "\"2019-03-07\"" },
	{ "date_sub(ts, 5)", "\"2019-01-31\"" },
	{ "datediff('2019-03-01', '2019-02-01')", "28" },
	/* JSON and CSV */
	{ "from_json(js, 'a STRING, b INT')", "{\"a\":\"x\",\"b\":12}" },
	{ "from_json(js, 'a STRING, b INT').b", "12" },
	{ "from_json(js, 'a INT, c STRING')", "{\"a\":null,\"c\":null}" },
	{ "from_json('not json', 'a INT')", "null" },
	{ "from_json('[1]', 'a INT')", "null" }, { "from_json(n, 'a INT')",
	    "null" },
	{ "to_json(o.p)", "\"{\\\"q\\\":\\\"deep\\\"}\"" },
	{ "to_json(arr)", "\"[1,2,3]\"" }, { "to_json(n)", "null" },
	{ "to_json(named_struct('t', cast(ts as timestamp), 'd', 1.5))",
	    "\"{\\\"t\\\":\\\"2019-02-05T10:00:00Z\\\",\\\"d\\\":1.5}\"" },
	{ "from_csv(csv, 'a INT, b STRING, c DATE')",
	    "{\"a\":1,\"b\":\"x\",\"c\":\"2019-02-05\"}" },
	{ "from_csv('1', 'a INT, b STRING')", "{\"a\":1,\"b\":null}" },
	{ "from_csv('\"x,y\",2', 'a STRING, b INT')",
	    "{\"a\":\"x,y\",\"b\":2}" },
	{ "to_csv(named_struct('a', 1, 'b', 'x,y', 'c', n))",
	    "\"1,\\\"x,y\\\",\"" },
	{ "to_csv(from_csv(csv, 'a INT, b STRING, c DATE'))",
	    "\"1,x,2019-02-05\"" },
	/* structs and arrays */
	{ "struct(i, s)", "{\"i\":7,\"s\":\"Hello World\"}" },
	{ "struct(i + 1, o.p.q)", "{\"col1\":8,\"q\":\"deep\"}" },
	{ "named_struct('x', i, 'y', 2)", "{\"x\":7,\"y\":2}" },
	{ "struct(i, s).s", "\"Hello World\"" },
	{ "array(1, 2)", "[1,2]" }, { "array()", "[]" },
	{ "size(arr)", "3" }, { "size(n)", "-1" }, { "size(array())", "0" },
	{ "cardinality(arr)", "3" }, { "size(o)", "2" },
	{ "element_at(arr, 1)", "1" }, { "element_at(arr, -1)", "3" },
	{ "element_at(arr, 4)", "null" }, { "element_at(arr, 0)", "null" },
	{ "element_at(o, 'p')", "{\"q\":\"deep\"}" },
	{ "array_contains(arr, 2)", "true" },
	{ "array_contains(arr, 9)", "false" },
	{ "array_contains(array(1, null), 9)", "null" },
	{ "split(words, ' ')[1]", "\"Spark\"" },
	{ "size(split(words, ' '))", "3" },
};

START_TEST(test_eval)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse(eval_rows[_i].expr, 0, &e);
	ck_assert_msg(l != NULL, "%s: %s (col %zu)", eval_rows[_i].expr, e.msg,
	    e.col);
	st_record r;
	st_record_init(&r);
	st_record_set_line(&r, REC, strlen(REC), 1);
	ck_assert_int_eq(st_record_scan(&r), 0);
	st_eval ev;
	st_eval_init(&ev, l);
	ev.now = INT64_C(1549368000000000);	/* 2019-02-05T12:00:00Z */
	st_eval_set_record(&ev, &r);
	st_value v;
	st_expr_eval(&ev, st_expr_list_item(l, 0)->expr, &v);
	st_buf b = ST_BUF_INIT;
	st_value_write_json(&b, &v);
	ck_assert_msg(strcmp(b.data, eval_rows[_i].want) == 0,
	    "%s: got %s, want %s", eval_rows[_i].expr, b.data,
	    eval_rows[_i].want);
	/* A second row must not see the first one's cached columns. */
	st_eval_set_record(&ev, &r);
	st_buf_reset(&b);
	st_expr_eval(&ev, st_expr_list_item(l, 0)->expr, &v);
	st_value_write_json(&b, &v);
	ck_assert_str_eq(b.data, eval_rows[_i].want);
	st_buf_release(&b);
	st_eval_release(&ev);
	st_record_release(&r);
	st_expr_list_free(l);
}
END_TEST

/* st_expr_raw() copies the digits of CAST(c AS BIGINT|INT) when it can;
 * on many generated values its text must be what st_expr_eval() and
 * st_value_write_json() give, and it must take the short way often. */
static uint64_t raw_rng = 88172645463325252ULL;

static unsigned
raw_rand(unsigned n)
{
	raw_rng ^= raw_rng << 13;
	raw_rng ^= raw_rng >> 7;
	raw_rng ^= raw_rng << 17;
	return (unsigned)(raw_rng % n);
}

/* A JSON value for c: strings of digits with now and then a sign, a
 * blank, a dot, an exponent; numbers of every JSON form. */
static void
raw_value(st_buf *b)
{
	static const char *const fixed[] = { "0", "-0", "\"0\"", "\"-0\"",
	    "\"007\"", "\"00\"", "\"\"", "\" 7\"", "\"7 \"", "\"+7\"", "\"-7\"",
	    "999999999999999999", "\"999999999999999999\"",
	    "9999999999999999999", "\"9999999999999999999\"",
	    "-999999999999999999", "\"2147483647\"", "\"2147483648\"",
	    "2147483648", "\"999999999\"", "999999999", "-999999999",
	    "1.0", "1e3", "\"1.5\"", "\"1e3\"", "true", "null", "[1]",
	    "{\"a\":1}", "\"\\u0031\"", "\"12\\u0033\"", "-1549360800000",
	    "\"1549360800000\"" };
	unsigned k = raw_rand(4);

	st_buf_reset(b);
	if (k == 0) {
		st_buf_puts(b, fixed[raw_rand(sizeof fixed / sizeof *fixed)]);
		return;
	}
	if (k == 1) {
		static const char alpha[] = "0123456789012345678901234567"
		    "89 +-.eE\t";
		unsigned n = raw_rand(22);
		st_buf_putc(b, '"');
		for (unsigned i = 0; i < n; i++) {
			char c = alpha[raw_rand(sizeof alpha - 1)];
			if (c == '\t')
				st_buf_puts(b, "\\t");
			else
				st_buf_putc(b, c);
		}
		st_buf_putc(b, '"');
		return;
	}
	/* A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	int quote = k == 2;
	if (quote)
		st_buf_putc(b, '"');
	if (raw_rand(4) == 0)
		st_buf_putc(b, '-');
	unsigned nd = 1 + raw_rand(21);
	st_buf_putc(b, nd == 1 ? (char)('0' + raw_rand(10)) :
	    (char)('1' + raw_rand(9)));
	for (unsigned i = 1; i < nd; i++)
		st_buf_putc(b, (char)('0' + raw_rand(10)));
	if (raw_rand(8) == 0) {
		st_buf_putc(b, '.');
		st_buf_putc(b, (char)('0' + raw_rand(10)));
	}
	if (raw_rand(8) == 0)
		st_buf_printf(b, "e%s%u", raw_rand(2) ? "-" : "", raw_rand(30));
	if (quote)
		st_buf_putc(b, '"');
}

START_TEST(test_raw_cast)
{
	static const char *const exprs[] = { "CAST(c AS BIGINT)",
	    "CAST(c AS INT)", "CAST(c AS DOUBLE)", "CAST(x AS BIGINT)" };
	st_buf val = ST_BUF_INIT, line = ST_BUF_INIT, slow = ST_BUF_INIT;
	size_t fast = 0;

	for (size_t x = 0; x < sizeof exprs / sizeof *exprs; x++) {
		st_expr_error e;
		st_expr_list *l = st_expr_parse(exprs[x], 0, &e);
		ck_assert_ptr_nonnull(l);
		const st_expr *ex = st_expr_list_item(l, 0)->expr;
		st_eval ev;
		st_eval_init(&ev, l);
		st_record r;
		st_record_init(&r);
		for (int i = 0; i < 20000; i++) {
			raw_value(&val);
			st_buf_reset(&line);
			st_buf_printf(&line, "{\"c\":%s}", val.data);
			st_record_set_line(&r, line.data, line.len, 1);
			ck_assert_int_eq(st_record_scan(&r), 0);
			st_eval_set_record(&ev, &r);
			st_field f;
			int rc = st_expr_raw(&ev, ex, &f);
			st_value v;
			st_eval_set_record(&ev, &r);
			st_expr_eval(&ev, ex, &v);
			st_buf_reset(&slow);
			st_value_write_json(&slow, &v);
			if (rc < 0)
				continue;
			fast++;
			if (rc == 0)
				ck_assert_msg(strcmp(slow.data, "null") == 0,
				    "%s of %s: raw null, eval %s", exprs[x],
				    val.data, slow.data);
			else
				ck_assert_msg(f.vlen == slow.len &&
				    memcmp(f.val, slow.data, slow.len) == 0,
				    "%s of %s: raw %.*s, eval %s", exprs[x],
				    val.data, (int)f.vlen, f.val, slow.data);
		}
		st_record_release(&r);
		st_eval_release(&ev);
		st_expr_list_free(l);
	}
	/* CAST(x ...) always (x is absent); the casts of digits often. */
	ck_assert_uint_gt(fast, 20000 + 4000);
	st_buf_release(&val);
	st_buf_release(&line);
	st_buf_release(&slow);
}
END_TEST

/* ---- predicates and resolvers ---------------------------------------- */

START_TEST(test_bool)
{
	static const struct { const char *e; int want; } rows[] = {
		{ "true", 1 }, { "false", 0 }, { "null", -1 }, { "1", 1 },
		{ "0", 0 }, { "'yes'", 1 }, { "'maybe'", -1 }, { "x = 1", -1 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		st_expr_error e;
		st_expr_list *l = st_expr_parse(rows[i].e, 0, &e);
		st_record r;
		st_record_init(&r);
		st_record_set_line(&r, "{}", 2, 1);
		st_eval ev;
		st_eval_init(&ev, l);
		st_eval_set_record(&ev, &r);
		ck_assert_int_eq(st_expr_eval_bool(&ev,
		    st_expr_list_item(l, 0)->expr), rows[i].want);
		st_eval_release(&ev);
		st_record_release(&r);
		st_expr_list_free(l);
	}
}
END_TEST

/* A join-style resolver: ImpressionID and ClickTime as values, others as
 * raw JSON. */
static int
resolver(void *ud, const char *name, size_t len, st_field *f, st_value *v)
{
	(*(int *)ud)++;
	if (len == 12 && memcmp(name, "ImpressionID", 12) == 0) {
		*v = st_v_string("i1", 2);
		return 2;
	}
	if (len == 7 && memcmp(name, "ClickID", 7) == 0) {
		f->val = "\"i1\"";
		f->vlen = 4;
		f->type = ST_J_STRING;
		return 1;
	}
	if (len == 14 && memcmp(name, "ImpressionTime", 14) == 0) {
		*v = st_v_timestamp(INT64_C(1549360800000000));
		return 2;
	}
	if (len == 9 && memcmp(name, "ClickTime", 9) == 0) {
		f->val = "\"2019-02-05T10:10:00Z\"";
		f->vlen = 22;
		f->type = ST_J_STRING;
		return 1;
	}
	return 0;
}

START_TEST(test_resolver)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse("ImpressionID = ClickID AND ClickTime "
	    "BETWEEN ImpressionTime AND ImpressionTime + INTERVAL 15 MINUTES "
	    "AND ClickID = ClickID AND nothing IS NULL", 0, &e);
	ck_assert_msg(l != NULL, "%s", e.msg);
	st_eval ev;
	int calls = 0;
	st_eval_init(&ev, l);
	st_eval_set_resolver(&ev, resolver, &calls);
	ck_assert_int_eq(st_expr_eval_bool(&ev, st_expr_list_item(l, 0)->expr),
	    1);
	/* Each column is resolved once per row, however often it is read. */
	ck_assert_int_eq(calls, 5);
	st_eval_set_resolver(&ev, resolver, &calls);
	ck_assert_int_eq(st_expr_eval_bool(&ev, st_expr_list_item(l, 0)->expr),
	    1);
	ck_assert_int_eq(calls, 10);
	st_field raw;
	st_expr_list *l2 = st_expr_parse("ClickID", 0, &e);
	st_eval ev2;
	st_eval_init(&ev2, l2);
	st_eval_set_resolver(&ev2, resolver, &calls);
	ck_assert_int_eq(st_expr_raw_column(&ev2, st_expr_list_item(l2,
	    0)->expr, &raw), 1);
	ck_assert_uint_eq(raw.vlen, 4);
	st_eval_release(&ev2);
	st_expr_list_free(l2);
	st_eval_release(&ev);
	st_expr_list_free(l);
}
END_TEST

START_TEST(test_now_fixed)
{
	st_expr_error e;
	st_expr_list *l = st_expr_parse("current_timestamp()", 0, &e);
	st_eval ev;
	st_eval_init(&ev, l);
	st_record r;
	st_record_init(&r);
	st_record_set_line(&r, "{}", 2, 1);
	st_eval_set_record(&ev, &r);
	st_value a, b;
	st_expr_eval(&ev, st_expr_list_item(l, 0)->expr, &a);
	st_eval_set_record(&ev, &r);
	st_expr_eval(&ev, st_expr_list_item(l, 0)->expr, &b);
	/* The wall clock is read once and then fixed. */
	ck_assert_int_eq(a.type, ST_V_TIMESTAMP);
	ck_assert(a.u.i == b.u.i);
	ck_assert(a.u.i > INT64_C(1500000000000000));
	st_record_release(&r);
	st_eval_release(&ev);
	st_expr_list_free(l);
}
END_TEST

START_TEST(test_suggest)
{
	static const char *c[] = { "event_type", "user_id", "ad_id" };
	ck_assert_str_eq(st_suggest("event_typ", 9, c, 3), "event_type");
	ck_assert_str_eq(st_suggest("EVENT_TYPE", 10, c, 3),
	    "event_type");
	ck_assert_str_eq(st_suggest("userid", 6, c, 3), "user_id");
	ck_assert_ptr_null(st_suggest("zzz", 3, c, 3));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("expr");
	TCase *tc = tcase_create("expr");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_names, 0,
	    sizeof name_rows / sizeof *name_rows);
	tcase_add_loop_test(tc, test_errors, 0,
	    sizeof err_rows / sizeof *err_rows);
	tcase_add_test(tc, test_error_format);
	tcase_add_test(tc, test_depth);
	tcase_add_loop_test(tc, test_lists, 0,
	    sizeof list_rows / sizeof *list_rows);
	tcase_add_test(tc, test_list_errors);
	tcase_add_test(tc, test_aggregates);
	tcase_add_test(tc, test_columns);
	tcase_add_loop_test(tc, test_shapes, 0,
	    sizeof shape_rows / sizeof *shape_rows);
	tcase_add_loop_test(tc, test_eval, 0,
	    sizeof eval_rows / sizeof *eval_rows);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_resolver);
	tcase_add_test(tc, test_raw_cast);
	tcase_add_test(tc, test_now_fixed);
	tcase_add_test(tc, test_suggest);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
