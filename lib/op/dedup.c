/* dedup.c - st-dedup; see dedup.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "column.h"
#include "err.h"
#include "op/dedup.h"
#include "linefile.h"
#include "state/file.h"
#include "state/table.h"
#include "datetime.h"

/* Time of a key without a readable event time: never expires. */
#define NEVER INT64_MAX

/* The state file's format (state/file.h). */
#define FORMAT "st-dedup/1"

typedef struct dedup {
	const st_dedup_opts *o;
	size_t nkeys;
	st_table t;
	st_buf key, out;
	st_linefile late;
	int64_t wm, delay, swept_wm;
	int64_t late_wm;	/* rows at or before it are late */
	uint64_t m_new, m_removed, m_dups, m_limit;
	int warned_limit;
	int warned_no_time;	/* a record without its time was reported */
	st_colcheck cc;		/* --keys columns seen */
	uint32_t *order;	/* field indices, sorted by name */
	uint32_t ocap;
} dedup;

/* The record whose fields are being sorted (qsort has no argument). */
static const st_record *sorting;

static int
by_name(const void *a, const void *b)
{
	const st_field *x = &sorting->fields.v[*(const uint32_t *)a];
	const st_field *y = &sorting->fields.v[*(const uint32_t *)b];
	uint32_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/*
 * The key of a whole record (Spark's dropDuplicates() on all columns): a
 * Spark row has a schema, so the order of the JSON fields does not matter
 * and a missing field is a null one. The key is every non-null field,
 * sorted by name, each name and its value.
 */
static void
whole_key(dedup *d, st_record *r)
{
	uint32_t n = 0;

	st_record_scan(r);
	if (r->fields.n > d->ocap) {
		d->ocap = r->fields.n * 2;
		d->order = st_realloc(d->order, d->ocap * sizeof *d->order);
	}
	for (uint32_t i = 0; i < r->fields.n; i++)
		if (r->fields.v[i].type != ST_J_NULL)
			d->order[n++] = i;
	sorting = r;
	qsort(d->order, n, sizeof *d->order, by_name);
	for (uint32_t i = 0; i < n; i++) {
		const st_field *f = &r->fields.v[d->order[i]];
		st_buf_add(&d->key, f->key, f->klen);
		st_buf_putc(&d->key, ST_KEY_SEP);
		st_key_add(&d->key, f);
	}
}

static void
late_row(dedup *d, st_ctx *ctx, st_record *r)
{
	ctx->rows_dropped_watermark++;
	st_linefile_record(&d->late, r);
}

static int
keep_unexpired(st_entry *e, void *arg)
{
	dedup *d = arg;
	int64_t t = *(int64_t *)st_entry_payload(e);

	/* Spark evicts a key whose time is at or before the watermark. */
	if (t == NEVER || t > d->wm)
		return 1;
	d->m_removed++;
	return 0;
}

/* Entries of the table to forget, the oldest first. */
static size_t limit_drop;

static int
keep_recent(st_entry *e, void *arg)
{
	dedup *d = arg;

	(void)e;
	if (limit_drop == 0)
		return 1;
	limit_drop--;
	d->m_limit++;
	return 0;
}

/* Forgets the oldest keys beyond the limit. */
static void
enforce_limit(dedup *d)
{
	if (d->o->max_keys == 0 || d->t.n <= (size_t)d->o->max_keys)
		return;
	if (!d->warned_limit) {
		d->warned_limit = 1;
		st_warn("more than %lld keys: forgetting the oldest (their "
		    "duplicates will pass again); a watermark bounds the "
		    "state without this", (long long)d->o->max_keys);
	}
	/* The table's vector is in insertion order, and the sweep walks it
	 * in that order: the first n - max keys are the oldest. */
	limit_drop = d->t.n - (size_t)d->o->max_keys;
	st_table_sweep(&d->t, keep_recent, NULL, d);
}

static int
dd_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	dedup *d = op->self;

	if (d->o->within && !st_batch_has_watermark(b) && !st_batch_no_data(b))
		st_refuse(ctx, "dropDuplicatesWithinWatermark is not supported "
		    "without a watermark: a key lives until the watermark "
		    "passes its time plus the delay (put st-watermark -t %s "
		    "before st-dedup, or drop --within-watermark)",
		    d->o->time.col);
	if (strcmp(st_batch_mode(b), "append") != 0)
		st_refuse(ctx, "deduplication of the %s-mode output of an "
		    "aggregation is not supported: Spark allows several "
		    "stateful operators in append mode only (use --mode "
		    "append upstream)", st_batch_mode(b));
	/* Behind another stateful tool, the previous batch's watermark
	 * (b->late_wm: MultiStatefulOperatorsSuite "aggregation -> stream
	 * deduplication", on window_time); the current one expires keys. */
	d->late_wm = b->late_wm;
	d->wm = b->wm;
	d->m_new = d->m_removed = d->m_dups = d->m_limit = 0;
	/* Keys expire when the batch begins, as in the no-data batch Spark
	 * runs once the watermark moved: a key whose expiry is at or before
	 * the watermark is gone before this batch's rows are looked up. */
	if (d->o->time.col && d->wm != ST_TIME_NONE && d->wm > d->swept_wm) {
		st_batch_need(b);
		st_table_sweep(&d->t, keep_unexpired, NULL, d);
		d->swept_wm = d->wm;
	}
	d->delay = d->o->delay;
	if (d->delay == 0 && b->begin) {
		const char *s = json_string_value(json_object_get(b->begin,
		    "delay"));
		if (s && st_parse_duration(s, &d->delay) < 0)
			d->delay = 0;
	}
	return 0;
}

static int
dd_record(st_op *op, st_ctx *ctx, st_record *r)
{
	dedup *d = op->self;
	const st_dedup_opts *o = d->o;
	int64_t t = NEVER;
	int created;

	int has_time = o->time.col && st_evtime_get(&o->time, r, &t) == 0;
	if (o->time.col && !has_time && !d->warned_no_time) {
		d->warned_no_time = 1;
		st_evtime_warn_missing(&o->time, r, ctx->input_name,
		    "are never forgotten");
	}
	if (has_time && d->late_wm != ST_TIME_NONE && t <= d->late_wm) {
		/* Late: at or before the watermark, as Spark's
		 * watermarkPredicateForData (eventTime <= watermark). */
		late_row(d, ctx, r);
		return 0;
	}
	st_buf_reset(&d->key);
	if (o->keys == NULL) {
		whole_key(d, r);
	} else {
		st_colcheck_row(&d->cc, r);
		for (size_t i = 0; i < d->nkeys; i++) {
			const st_field *f = st_record_column(r, o->keys[i],
			    strlen(o->keys[i]));
			if (f)
				st_colcheck_found(&d->cc, i);
			st_key_add(&d->key, f);
		}
	}
	st_entry *e = st_table_upsert(&d->t, d->key.data, d->key.len,
	    &created);
	if (!created) {
		d->m_dups++;
		return 0;
	}
	if (o->within && t != NEVER)
		t = d->delay ? t + d->delay : t;
	*(int64_t *)st_entry_payload(e) = o->time.col ? t : NEVER;
	d->m_new++;
	/* --max-keys evicts at the end of the batch (dd_end), never inside
	 * it: a duplicate within one batch is always dropped. */
	st_emit(ctx, r);
	return 0;
}

static int
dd_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	dedup *d = op->self;

	(void)ctx;
	(void)b;
	st_colcheck_end(&d->cc);
	enforce_limit(d);
	return 0;
}

static json_t *
dd_describe(st_op *op)
{
	dedup *d = op->self;
	json_t *j = json_object(), *k = json_array();

	for (size_t i = 0; i < d->nkeys; i++)
		json_array_append_new(k, json_string(d->o->keys[i]));
	json_object_set_new(j, "keys", k);
	if (d->o->time.col)
		json_object_set_new(j, "time", json_string(d->o->time.col));
	json_object_set_new(j, "withinWatermark",
	    json_boolean(d->o->within));
	return j;
}

static int
dd_save(st_op *op, FILE *f)
{
	dedup *d = op->self;
	st_buf *b = &d->out;

	st_buf_reset(b);
	st_state_header(b, FORMAT, d->t.n);
	for (size_t i = 0; i < d->t.n; i++) {
		st_entry *e = d->t.v[i];
		int64_t t = *(int64_t *)st_entry_payload(e);
		st_buf_putc(b, '[');
		if (t == NEVER)
			st_buf_add(b, "null", 4);
		else
			st_buf_put_i64(b, t);
		st_buf_putc(b, ',');
		/* The key bytes as one JSON string: they may hold field
		 * names (whole-record keys) as well as values. */
		st_buf_put_json_string(b, st_entry_key(&d->t, e), e->klen);
		st_buf_add(b, "]\n", 2);
		if (b->len > 65536) {
			if (fwrite(b->data, 1, b->len, f) != b->len)
				return -1;
			st_buf_reset(b);
		}
	}
	return fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
}

/* The reading of dd_load: the scanned row, kept across lines. */
typedef struct {
	dedup *d;
	st_fields a;
} dd_loading;

static int
dd_load_row(void *arg, char *line, size_t len, size_t lineno)
{
	dd_loading *l = arg;
	dedup *d = l->d;
	st_fields *a = &l->a;
	st_json_err je;
	int created;
	int64_t t;
	double dv;

	if (st_json_scan_array(line, len, a, &je) < 0 ||
	    a->n != 2 || a->v[1].type != ST_J_STRING) {
		st_warn("state line %zu is not a key", lineno);
		return -1;
	}
	if (a->v[0].type == ST_J_NULL)
		t = NEVER;
	else if (!st_json_number(a->v[0].val, a->v[0].vlen, &t, &dv))
		return -1;
	st_buf_reset(&d->key);
	st_json_unescape(a->v[1].val + 1, a->v[1].vlen - 2, &d->key);
	st_entry *e = st_table_upsert(&d->t, d->key.data, d->key.len,
	    &created);
	*(int64_t *)st_entry_payload(e) = t;
	return 0;
}

static int
dd_load(st_op *op, FILE *f)
{
	dedup *d = op->self;
	dd_loading l = { d, { 0 } };
	size_t nlines;
	int rc;

	st_table_release(&d->t, NULL, NULL);
	d->swept_wm = ST_TIME_NONE;
	if (f == NULL)
		return 0;
	rc = st_state_read(f, FORMAT, dd_load_row, &l, &nlines);
	st_fields_release(&l.a);
	return rc;
}

static void
dd_metrics(st_op *op, json_t *obj)
{
	dedup *d = op->self;

	json_object_set_new(obj, "stateRows", json_integer(d->t.n));
	json_object_set_new(obj, "stateRowsUpdated", json_integer(d->m_new));
	json_object_set_new(obj, "stateRowsRemoved",
	    json_integer(d->m_removed + d->m_limit));
	json_object_set_new(obj, "stateMemoryBytes",
	    json_integer(st_table_memory(&d->t)));
	json_object_set_new(obj, "numDuplicatesDropped",
	    json_integer(d->m_dups));
	if (d->o->max_keys)
		json_object_set_new(obj, "stateRowsEvictedByLimit",
		    json_integer(d->m_limit));
	st_colcheck_metric(&d->cc, obj);
}

void
st_dedup_check(st_dedup_opts *o)
{
	if (o->within && o->time.col == NULL)
		st_usage_error("--within-watermark needs --time, the event "
		    "time column of the watermark");
	if (o->delay && !o->within)
		st_usage_error("--delay goes with --within-watermark");
	/* Without --keys every column is a key, the event time included. */
	if (o->time.col && !o->within && o->keys) {
		int found = 0;
		for (size_t i = 0; o->keys && o->keys[i]; i++)
			found |= strcasecmp(o->keys[i], o->time.col) == 0;
		if (!found)
			st_usage_error("the event time column '%s' must be "
			    "one of --keys (dropDuplicates forgets a key when "
			    "the watermark passes its time), or use "
			    "--within-watermark", o->time.col);
	}
}

int
st_dedup_run(const st_dedup_opts *o, st_common *common)
{
	dedup d;

	memset(&d, 0, sizeof d);
	d.o = o;
	d.wm = d.swept_wm = d.late_wm = ST_TIME_NONE;
	for (d.nkeys = 0; o->keys && o->keys[d.nkeys]; d.nkeys++)
		;
	st_table_init(&d.t, sizeof(int64_t));
	st_colcheck_init(&d.cc, "--keys", (const char *const *)o->keys,
	    d.nkeys);
	st_linefile_open(&d.late, o->late_output);
	st_op op = {
		.name = "st-dedup",
		.flags = ST_OP_END_TEXT,
		.self = &d,
		.begin = dd_begin,
		.record = dd_record,
		.end = dd_end,
		.describe = dd_describe,
		.save = dd_save,
		.load = dd_load,
		.metrics = dd_metrics,
		.late = &d.late,
	};
	int rc = st_op_run(&op, common);
	st_linefile_close(&d.late);
	st_table_release(&d.t, NULL, NULL);
	st_buf_release(&d.key);
	st_buf_release(&d.out);
	st_colcheck_release(&d.cc);
	free(d.order);
	return rc;
}
