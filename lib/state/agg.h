/*
 * agg.h - aggregate functions over groups: the specs given on the command
 * line and the compact per-group slots that accumulate them.
 *
 * A spec list is what --agg takes, Spark's agg() in SQL form:
 *
 *     sum(Buy) AS TotalBuy, count(*) AS n, avg(x), min(x), max(x),
 *     first(x), last(x), approx_count_distinct(x), collect_list(x),
 *     collect_set(x), stddev(x) (= stddev_samp), stddev_pop(x),
 *     variance(x) (= var_samp), var_pop(x), percentile_approx(x, p
 *     [, accuracy]) with p a number or array(p1, ...), median(x),
 *     count(DISTINCT x), sum(DISTINCT x), avg(DISTINCT x) (exact; input
 *     without control lines only, as Spark refuses distinct aggregates
 *     on streams), max_by(x, ord), min_by(x, ord), bool_and(b) (=
 *     every), bool_or(b) (= some, any), count_if(b), product(x),
 *     first(x[, ignoreNulls]) (= first_value, any_value), last(x[,
 *     ignoreNulls]) (= last_value)
 *
 * Without AS a result is named as Spark names it: "sum(Buy)", "count(1)".
 * Function names are case-insensitive. An argument is any expression of
 * the expression language (expr/expr.h, st-expr(7)):
 *
 *     sum(case when Type = 'BUY' then Amount else 0 end) AS TotalBuy
 *
 * Ownership: an st_aggs owns its parsed list and evaluator; the st_agg
 * entries and their expressions are borrowed from it.
 *
 * Each group keeps one slot per aggregate, updated in place: 8 bytes for
 * count and approx_count_distinct (the count, the sketch pointer), an
 * st_aslot of 24 bytes for the others, at the offsets st_aggs gives
 * (st_aggs_slot()). No allocation per record except for string values
 * kept by min, max, first and last, and the HyperLogLog sketch of
 * approx_count_distinct.
 * Result types follow Spark: count -> BIGINT; sum of integers -> BIGINT,
 * of any fraction -> DOUBLE; avg -> DOUBLE; min, max, first, last -> the
 * input's type; approx_count_distinct -> BIGINT (HyperLogLog, see hll.h);
 * collect_list, collect_set -> an array (nulls skipped; the set keeps the
 * first occurrence of each value, in arrival order); stddev and variance
 * -> DOUBLE (Welford's moments; null for no value, and the sample ones
 * for a single value, as Spark 3); percentile_approx -> the input's type
 * (Spark's algorithm: QuantileSummaries, Greenwald-Khanna with relative
 * error 1/accuracy, a batch's values a partial summary merged into the
 * group's at the batch's end; see agg.c); median -> DOUBLE, exact and
 * interpolated as Spark's percentile(x, 0.5) (a count per distinct
 * value); count(DISTINCT x) -> BIGINT; sum(DISTINCT x), avg(DISTINCT x)
 * -> as sum and avg, over the distinct non-null values.
 * These last keep their values in the slot's own allocation.
 * max_by(x, ord), min_by(x, ord) -> x's type: the x of the row with the
 * greatest (least) ord, rows with a null ord skipped, the later row on a
 * tie (Spark's MaxMinBy: it replaces unless the kept ord is strictly
 * greater, resp. less); null when no ord was non-null; the pair is an
 * owned allocation. bool_and, bool_or -> BOOLEAN (Spark's min and max of
 * booleans: null for no non-null value); count_if -> BIGINT, the rows
 * where the argument is true; product -> DOUBLE, null for no non-null
 * value. Their arguments are cast: booleans as CAST(x AS BOOLEAN) (also
 * numbers, which Spark refuses at analysis), product's from numbers and
 * numeric strings; a value that does not cast counts as null.
 * Aggregates skip nulls (a missing field is null), except count(*), and
 * first/last, which as in Spark (ignoreNulls false) take what comes;
 * with a second argument true (a boolean literal) they skip nulls too.
 */
#ifndef ST_STATE_AGG_H
#define ST_STATE_AGG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "expr/expr.h"
#include "record.h"
#include "state/hll.h"
#include "value.h"

typedef enum st_agg_fn {
	ST_AGG_COUNT,		/* count(x): non-null values */
	ST_AGG_COUNT_ALL,	/* count(*), count(1): rows */
	ST_AGG_SUM,
	ST_AGG_AVG,
	ST_AGG_MIN,
	ST_AGG_MAX,
	ST_AGG_FIRST,
	ST_AGG_LAST,
	ST_AGG_APPROX_DISTINCT,
	ST_AGG_COLLECT_LIST,
	ST_AGG_COLLECT_SET,
	ST_AGG_COUNT_DISTINCT,	/* count(DISTINCT x) */
	ST_AGG_STDDEV_SAMP,
	ST_AGG_STDDEV_POP,
	ST_AGG_VAR_SAMP,
	ST_AGG_VAR_POP,
	ST_AGG_PERCENTILE_APPROX,
	ST_AGG_MEDIAN,
	ST_AGG_MAX_BY,		/* max_by(x, ord) */
	ST_AGG_MIN_BY,
	ST_AGG_BOOL_AND,	/* bool_and, every */
	ST_AGG_BOOL_OR,		/* bool_or, some, any */
	ST_AGG_COUNT_IF,
	ST_AGG_PRODUCT,
	ST_AGG_SUM_DISTINCT,	/* sum(DISTINCT x) */
	ST_AGG_AVG_DISTINCT	/* avg(DISTINCT x) */
} st_agg_fn;

typedef struct st_agg {
	st_agg_fn fn;
	const st_expr *call;	/* the aggregate call in the list */
	const st_expr *arg;	/* the argument; NULL for count(*) */
	const st_expr *ord;	/* max_by, min_by: the ordering argument */
	size_t val;		/* where st_aggs_eval puts the argument's
				 * value (the ordering's follows it) */
	int ignore_nulls;	/* first, last: the second argument, true */
	const char *name;	/* its name: the output column's of a plain
				 * item, else Spark's name of the call */
	char *own;		/* owned name, or NULL */
	size_t off;		/* offset of its slot in a group's slots */
	/* percentile_approx: the percentages (owned), whether they were
	 * given as an array, and the accuracy. */
	double *pct;
	size_t npct;
	int pct_array;
	int64_t accuracy;
	/* The current batch (st_aggs_begin_batch): percentile_approx keeps
	 * a batch's values apart until the batch ends, as Spark's partial
	 * aggregate; running: one digest over all rows instead (st-running,
	 * Spark's percentile_approx as a running window function). */
	uint32_t batch;
	int running;
} st_agg;


/*
 * An output column: a plain aggregate item is its slot's result; any
 * other item (round(avg(x), 2), sum(a) / count(b), count(*) * 2, a key
 * column, a constant) is an expression evaluated over the group's slots
 * and keys when the row is written.
 */
typedef struct st_agg_out {
	const char *name;
	const st_expr *expr;	/* NULL: the result of slot `slot` */
	size_t slot;
} st_agg_out;

typedef struct st_aggs {
	st_agg *v;		/* the slots: one per aggregate call */
	size_t n;
	st_agg_out *out;	/* the output columns, in the list's order */
	size_t nout;
	st_expr_list *list;	/* the parsed --agg text */
	st_eval ev;		/* evaluates the arguments */
	st_eval oev;		/* evaluates the outputs */
	const char *const *keys;	/* grouping key names (borrowed) */
	size_t nkeys;
	size_t size;		/* bytes of a group's slots (a multiple of 8) */
	size_t nvals;		/* argument values st_aggs_eval writes */
	st_value *vals;		/* nvals values for st_aggs_eval (owned) */
} st_aggs;

/*
 * Parses a spec list into a (emptied first). Each aggregate call becomes
 * a slot, wherever it stands in an item; an aggregate inside another's
 * arguments is refused, as Spark refuses sum(avg(x)), and so is a column
 * outside every aggregate that is not one of the grouping keys (keys,
 * nkeys: borrowed, they must outlive a; resolved exactly, then ignoring
 * case). Returns 0, or -1 with a message in *err (new string: free() it):
 * the expression library's caret message for a syntax error, or what is
 * not an aggregate.
 */
int st_aggs_parse_keys(st_aggs *a, const char *text, const char *const *keys,
    size_t nkeys, char **err);
/* The same without grouping keys. */
int st_aggs_parse(st_aggs *a, const char *text, char **err);

/* A new batch begins: what an aggregate keeps per batch starts afresh
 * (call it on every begin line). */
void st_aggs_begin_batch(st_aggs *a);

/* Running aggregates (st-running): a result after every row. */
void st_aggs_set_running(st_aggs *a);

/* True when every output is its own slot, in order (no expression). */
int st_aggs_plain(const st_aggs *a);

/* Appends output i's value as JSON text for the group whose slots are at
 * slots; keyvals (or NULL: keys read as null) holds the raw JSON of the
 * group's key values, in the order of the keys given to the parse. */
void st_aggs_put(st_aggs *a, void *slots, size_t i, const st_field *keyvals,
    st_buf *b);
void st_aggs_release(st_aggs *a);

/* The list in canonical text ("sum(Buy) AS TotalBuy, count(1) AS n"), for
 * the query fingerprint. */
void st_aggs_format(const st_aggs *a, st_buf *b);

/*
 * The list in a stateful tool's describe (op.h), into object d: "agg",
 * the canonical text (st_aggs_format), and "aggCalls", the slots alone,
 * an array of their calls without names, exact (st_expr_canonical:
 * ["sum(`Buy`)", "count(*)"]): what a group's saved state is made of.
 */
void st_aggs_describe(const st_aggs *a, json_t *d);

/*
 * The describe's evolves (op.h) for "agg" and "aggCalls" (0 for any other
 * key; 1 for "aggSlots", which st kept for a while before aggCalls): a
 * restart may change --agg when the slots stay the same calls in the
 * same order (function, argument, percentages, accuracy; count(1) is
 * count(*)), as Spark's StateSchemaCompatibilityChecker allows a query
 * whose aggregate buffers keep their schema: output expressions over
 * them and names may change. A checkpoint without aggCalls (older st) is
 * compared by reading its "agg" text against a's slots (default names:
 * a string literal and a column of the same spelling look alike there).
 * was and now are whole describes (borrowed).
 */
int st_aggs_evolves(const st_aggs *a, const char *key, json_t *was,
    json_t *now);

/* True when the list has an aggregate Spark refuses on streams
 * (count(DISTINCT x)): the caller refuses a controlled input. */
int st_aggs_has_distinct(const st_aggs *a);

/* One aggregate's running state. */
typedef struct st_aslot {
	union {
		int64_t i;
		double d;
		char *p;	/* owned bytes (string or JSON text) */
		st_hll *h;	/* owned sketch */
	} a;
	union {
		int64_t i;
		double d;
	} b;
	uint8_t t;		/* st_vtype of a kept value, or sum's kind */
	uint8_t set;		/* a value has been kept */
} st_aslot;

/* Bytes of agg's slot: only the first member of st_aslot for the counts
 * and approx_count_distinct (functions on such a slot touch no other). */
size_t st_agg_slot_size(const st_agg *agg);

/* The slot of aggregate i in a group's slots (a->size bytes at slots,
 * 8-aligned). */
static inline st_aslot *
st_aggs_slot(const st_aggs *a, void *slots, size_t i)
{
	return (st_aslot *)((char *)slots + a->v[i].off);
}

/* Evaluates every aggregate's arguments on record r into
 * vals[0..a->nvals) (borrowed from r and a's evaluator until the next
 * call): aggregate i's at vals[a->v[i].val], max_by's and min_by's
 * ordering value next to it. */
void st_aggs_eval(st_aggs *a, st_record *r, st_value *vals);

/* Folds value v into slot s (v ignored for count(*); for max_by and
 * min_by, v[0] is the value and v[1] the ordering). */
void st_agg_update(const st_agg *agg, st_aslot *s, const st_value *v);

/* Folds every aggregate of record r into a group's slots. */
void st_aggs_update(st_aggs *a, void *slots, st_record *r);

/* Folds src into dst, src coming after dst in event order (sessions
 * merging). src is left as it was (release it separately). */
void st_agg_merge(const st_agg *agg, st_aslot *dst, const st_aslot *src);

/* Appends the aggregate's result as JSON text. */
void st_agg_result(const st_agg *agg, const st_aslot *s, st_buf *b);

/* The aggregate's result as a value of Spark's result type (strings and
 * parsed arrays in arena, or borrowed from the slot until it changes). */
void st_agg_value(const st_agg *agg, const st_aslot *s, st_arena *arena,
    st_value *out);

/* Frees what the slot owns and zeroes it. */
void st_agg_clear(const st_agg *agg, st_aslot *s);

/* True when the aggregate's slots may own memory beyond themselves
 * (strings, lists, sketches, summaries). */
int st_agg_owns_memory(const st_agg *agg);

/* Bytes the slot owns beyond itself (for memory metrics). */
size_t st_agg_memory(const st_agg *agg, const st_aslot *s);

/* Saves the slot as one JSON value / loads it back from one (validated)
 * JSON value text. load returns 0 or -1 when the text does not fit. */
void st_agg_save(const st_agg *agg, const st_aslot *s, st_buf *b);
int st_agg_load(const st_agg *agg, st_aslot *s, const char *val, size_t n);

/*
 * Appends a group of a state file (state/file.h) as two JSON arrays,
 * "[k1,...],[s1,...]": the nkeys values of its encoded key (state/table.h;
 * borrowed, klen bytes), then every aggregate's slot in slots, saved. The
 * caller writes what surrounds them (st-window puts the window first).
 */
void st_aggs_save_group(const st_aggs *a, void *slots, const char *key,
    size_t klen, size_t nkeys, st_buf *b);

#endif
