/* join.c - st-join: stream-static and stream-stream joins; see join.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "column.h"
#include "err.h"
#include "join/cols.h"
#include "join/cond.h"
#include "join/key.h"
#include "join/side.h"
#include "join/table.h"
#include "op/join.h"
#include "linefile.h"
#include "suggest.h"
#include "datetime.h"

enum { L = 0, R = 1 };

static const struct { const char *name; st_join_type t; } type_names[] = {
	{ "inner", ST_JOIN_INNER },
	{ "left", ST_JOIN_LEFT },
	{ "right", ST_JOIN_RIGHT },
	{ "full", ST_JOIN_FULL },
	{ "left_semi", ST_JOIN_LEFT_SEMI },
	{ "left_anti", ST_JOIN_LEFT_ANTI },
	/* Spark's other spellings */
	{ "left_outer", ST_JOIN_LEFT },
	{ "leftouter", ST_JOIN_LEFT },
	{ "right_outer", ST_JOIN_RIGHT },
	{ "rightouter", ST_JOIN_RIGHT },
	{ "full_outer", ST_JOIN_FULL },
	{ "fullouter", ST_JOIN_FULL },
	{ "outer", ST_JOIN_FULL },
	{ "semi", ST_JOIN_LEFT_SEMI },
	{ "leftsemi", ST_JOIN_LEFT_SEMI },
	{ "anti", ST_JOIN_LEFT_ANTI },
	{ "leftanti", ST_JOIN_LEFT_ANTI },
};

int
st_join_type_parse(const char *s)
{
	for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
		if (strcasecmp(s, type_names[i].name) == 0)
			return type_names[i].t;
	return -1;
}

const char *
st_join_type_name(st_join_type t)
{
	return type_names[t].name;
}

typedef struct join {
	const st_join_opts *o;
	int stream;		/* stream-stream, else stream-static */
	int warned_unbounded;	/* said once that state grows for ever */
	st_jcond cond;
	st_jcols drop[2];	/* raw names dropped from each side */
	st_buf prefix;		/* raw --right-prefix */
	st_jcols cols[2];	/* each side's columns (declared or seen) */
	int declared[2];
	/* Key columns no record of a side's batch has (column.h): a typo
	 * would make every row of that side match nothing. */
	st_colcheck cc[2];
	char ccname[2][160];
	/* stream-static */
	st_jtable table;
	st_schema *schema;
	/* stream-stream */
	st_jside state[2];
	st_jside batch[2];	/* this batch's rows, joined at its end */
	int64_t wm;
	uint64_t removed;	/* rows evicted this batch */
	st_linefile late;
	/* scratch */
	st_arena arena;
	st_fields f[2];
	st_buf out, key;
	st_value *kv;
	st_jrow **matches;
	size_t nmatches, capmatches;
} join;

/* ---- output rows --------------------------------------------------- */

/* Appends value text for the raw column name k of a scanned object, or
 * null when absent. */
static void
field_or_null(st_buf *b, const st_fields *f, const char *k, size_t n)
{
	for (uint32_t i = f->n; i-- > 0;) {
		if (f->v[i].klen == n && memcmp(f->v[i].key, k, n) == 0) {
			st_buf_add(b, f->v[i].val, f->v[i].vlen);
			return;
		}
	}
	st_buf_puts(b, "null");
}

/* Index of the using key whose column (on side s) is the raw name k, or
 * -1. */
static long
using_key(const join *j, int s, const char *k, size_t n)
{
	for (size_t i = 0; i < j->cond.nkeys; i++)
		if (j->cond.using_[i] && j->cond.rawlen[s][i] == n &&
		    memcmp(j->cond.raw[s][i], k, n) == 0)
			return (long)i;
	return -1;
}

static void
scan_or_die(join *j, int s, const char *json, size_t len)
{
	st_json_err e;

	/* Rows reach here already validated (records, state, the table). */
	if (st_json_scan_object(json, len, &j->f[s], &e) < 0)
		st_die(ST_EXIT_DATA, "internal error: invalid buffered row");
}

/* The fields of a row of side s: f when the caller has them (a scanned
 * record, a table row's kept index), else the text scanned into j->f[s]. */
static const st_fields *
fields_of(join *j, int s, const char *json, size_t len, const st_fields *f)
{
	if (f)
		return f;
	scan_or_die(j, s, json, len);
	return &j->f[s];
}

/* True when the left part of an output row has a column named by the raw
 * name k: the left row's undropped fields lf, or for a null-extended row
 * (lf NULL) the left side's columns. */
static int
left_has(const join *j, const st_fields *lf, const char *k, size_t n)
{
	if (j->drop[L].n && st_jcols_find(&j->drop[L], k, n) >= 0)
		return 0;
	if (!lf)
		return st_jcols_find(&j->cols[L], k, n) >= 0;
	for (uint32_t i = 0; i < lf->n; i++)
		if (lf->v[i].klen == n && memcmp(lf->v[i].key, k, n) == 0)
			return 1;
	return 0;
}

/* True when json[0..len) is its members written as st_objw writes them:
 * "{", "key":value pairs joined by ",", "}", no blank anywhere. Every byte
 * outside the members is then structural, so the length tells. */
static int
compact(const char *json, size_t len, const st_fields *f)
{
	size_t n = 2;

	if (f->n == 0 || json[0] != '{' || json[len - 1] != '}')
		return 0;
	for (uint32_t i = 0; i < f->n; i++)
		n += f->v[i].klen + f->v[i].vlen + 4;
	return n - 1 == len;
}

/* Writes one output row from a left and a right JSON object, either of
 * them NULL for a null-extended row. lf and rf are their fields when the
 * caller has them, else NULL (the rows are scanned here). */
static void
emit_pair(join *j, st_ctx *ctx, const char *l, size_t ll,
    const st_fields *lf, const char *r, size_t rl, const st_fields *rf)
{
	st_buf *b = &j->out;
	st_objw w;

	lf = l ? fields_of(j, L, l, ll, lf) : NULL;
	rf = r ? fields_of(j, R, r, rl, rf) : NULL;
	st_buf_reset(b);
	st_objw_begin(&w, b);
	if (lf && j->drop[L].n == 0 && compact(l, ll, lf)) {
		/* Every member kept, in order, as written: one copy. */
		st_buf_add(b, l + 1, ll - 2);
		w.n = lf->n;
	} else if (lf) {
		for (uint32_t i = 0; i < lf->n; i++) {
			const st_field *f = &lf->v[i];
			if (j->drop[L].n == 0 ||
			    st_jcols_find(&j->drop[L], f->key, f->klen) < 0)
				st_objw_raw(&w, f->key, f->klen, f->val,
				    f->vlen);
		}
	} else {
		const st_jcols *lc = &j->cols[L];
		for (size_t i = 0; i < lc->n; i++) {
			const char *k = lc->names[i];
			size_t n = lc->lens[i];
			if (st_jcols_find(&j->drop[L], k, n) >= 0)
				continue;
			st_objw_key_raw(&w, k, n);
			/* A shared key column carries the right's value. */
			long u = using_key(j, L, k, n);
			if (u >= 0)
				field_or_null(b, rf, j->cond.raw[R][u],
				    j->cond.rawlen[R][u]);
			else
				st_buf_puts(b, "null");
		}
	}
	const st_jcols *rc = &j->cols[R];
	uint32_t nr = rf ? rf->n : (uint32_t)rc->n;
	for (uint32_t i = 0; i < nr; i++) {
		const char *k = rf ? rf->v[i].key : rc->names[i];
		size_t n = rf ? rf->v[i].klen : rc->lens[i];
		if ((j->drop[R].n && st_jcols_find(&j->drop[R], k, n) >= 0) ||
		    using_key(j, R, k, n) >= 0)
			continue;
		if (left_has(j, lf, k, n)) {
			/* A clash: the right's column goes by the prefix. */
			st_buf_reset(&j->key);
			st_buf_add(&j->key, j->prefix.data, j->prefix.len);
			st_buf_add(&j->key, k, n);
			st_objw_key_raw(&w, j->key.data, j->key.len);
		} else {
			st_objw_key_raw(&w, k, n);
		}
		if (rf)
			st_buf_add(b, rf->v[i].val, rf->v[i].vlen);
		else
			st_buf_puts(b, "null");
	}
	st_objw_end(&w);
	st_emit_raw(ctx, b->data, b->len);
}

/* Collects the rows of side o matching key k (hash h) of a row of side s
 * with time t (role role) and JSON json, in arrival order, into
 * j->matches. */
static size_t
collect(join *j, const st_jside *o, int s, const st_value *k, uint64_t h,
    int64_t t, int role, const char *json, size_t len, const st_fields *f)
{
	j->nmatches = 0;
	if (st_jkey_has_null(k, j->cond.nkeys))
		return 0;
	for (st_jrow *m = st_jside_probe(o, h); m; m = st_jside_next(m, h)) {
		if (!st_jkey_match(k, m->keys, j->cond.nkeys))
			continue;
		if (j->stream && !st_jcond_time_ok(&j->cond, t, role, m->time,
		    m->role))
			continue;
		if (st_jcond_has_residual(&j->cond)) {
			int other = !s;
			scan_or_die(j, other, m->json, m->len);
			int ok = s == L ?
			    st_jcond_residual(&j->cond, json, len, f, m->json,
				m->len, &j->f[R]) :
			    st_jcond_residual(&j->cond, m->json, m->len,
				&j->f[L], json, len, f);
			if (!ok)
				continue;
		}
		if (j->nmatches == j->capmatches) {
			j->capmatches = j->capmatches ? j->capmatches * 2 : 16;
			j->matches = st_realloc(j->matches, j->capmatches *
			    sizeof *j->matches);
		}
		j->matches[j->nmatches++] = m;
	}
	/* Chains run newest first; output goes in arrival order. */
	for (size_t a = 0, b = j->nmatches; a + 1 < b; a++, b--) {
		st_jrow *x = j->matches[a];
		j->matches[a] = j->matches[b - 1];
		j->matches[b - 1] = x;
	}
	return j->nmatches;
}

/* ---- stream-static ------------------------------------------------- */

static void
static_columns(join *j)
{
	if (j->declared[R])
		return;
	st_jcols_clear(&j->cols[R]);
	for (size_t i = 0; i < j->table.cols.n; i++)
		st_jcols_add(&j->cols[R], j->table.cols.names[i],
		    j->table.cols.lens[i]);
}

/* A static table without a join column can never match: as Spark's
 * UNRESOLVED_COLUMN, an error naming the column with the nearest one. The
 * names resolve as everywhere (column.h). */
static void
static_check_keys(join *j)
{
	const st_jcols *c = &j->table.cols;
	if (j->table.rows.count == 0)
		return;
	for (size_t i = 0; i < j->cond.nkeys; i++) {
		const char *k = j->cond.keys[R][i];
		int found = 0;
		for (size_t n = 0; n < c->n && !found; n++)
			found = c->lens[n] == strlen(k) &&
			    strncasecmp(c->names[n], k, c->lens[n]) == 0;
		if (found)
			continue;
		const char *sug = st_suggest(k, strlen(k),
		    (const char *const *)c->names, c->n);
		if (sug)
			st_die(ST_EXIT_DATA, "--static '%s' has no column '%s' "
			    "to join on (did you mean '%s'?)",
			    j->o->static_spec, k, sug);
		st_die(ST_EXIT_DATA, "--static '%s' has no column '%s' to join "
		    "on", j->o->static_spec, k);
	}
}

static int
static_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	join *j = op->self;
	int reloaded;

	(void)ctx, (void)b;
	if (st_jtable_refresh(&j->table, &reloaded) < 0)
		return -1;
	if (reloaded) {
		static_columns(j);
		static_check_keys(j);
	}
	return 0;
}

static int
static_record(st_op *op, st_ctx *ctx, st_record *rec)
{
	join *j = op->self;

	/* A permissive runner's _corrupt_record line comes unscanned. */
	if (st_record_scan(rec) < 0)
		st_die(ST_EXIT_DATA, "internal error: invalid record");
	st_arena_reset(&j->arena);
	st_colcheck_row(&j->cc[L], rec);
	st_jcond_keys_found(&j->cond, L, &j->arena, &rec->fields, j->kv,
	    j->cc[L].seen);
	size_t n = collect(j, &j->table.rows, L, j->kv,
	    st_jkey_hash(j->kv, j->cond.nkeys), ST_TIME_NONE, -1, rec->line,
	    rec->len, &rec->fields);
	switch (j->o->type) {
	case ST_JOIN_LEFT_SEMI:
		if (n)
			st_emit(ctx, rec);
		break;
	case ST_JOIN_LEFT_ANTI:
		if (!n)
			st_emit(ctx, rec);
		break;
	default:
		/* Neither side is scanned again: the record has its
		 * index, the table's rows keep theirs. */
		if (!n && j->o->type == ST_JOIN_LEFT)
			emit_pair(j, ctx, rec->line, rec->len, &rec->fields,
			    NULL, 0, NULL);
		for (size_t i = 0; i < n; i++) {
			const st_jrow *m = j->matches[i];
			st_fields view;
			emit_pair(j, ctx, rec->line, rec->len, &rec->fields,
			    m->json, m->len, st_jrow_fields(m, &view));
		}
	}
	return 0;
}

static int
static_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	join *j = op->self;

	(void)ctx, (void)b;
	st_colcheck_end(&j->cc[L]);
	return 0;
}

/* numMissingColumns, as st-window's: the key columns of either side that
 * no record of the batch had. */
static void
missing_metric(join *j, json_t *obj)
{
	st_colcheck_metric(&j->cc[L], obj);
	st_colcheck_metric(&j->cc[R], obj);
}

static void
static_metrics(st_op *op, json_t *obj)
{
	join *j = op->self;

	json_object_set_new(obj, "staticRows",
	    json_integer((json_int_t)j->table.rows.count));
	json_object_set_new(obj, "staticVersion",
	    json_integer((json_int_t)j->table.version));
	missing_metric(j, obj);
}

/* ---- stream-stream ------------------------------------------------- */

static int
outer_side(const join *j, int s)
{
	st_join_type t = j->o->type;

	return t == ST_JOIN_FULL || (s == L && t == ST_JOIN_LEFT) ||
	    (s == R && t == ST_JOIN_RIGHT);
}

/* True when side s has a watermark upstream: st-watermark --source for
 * it, or one st-watermark over both sources. */
static int
side_watermarked(const join *j, const st_batch *b, int s)
{
	json_t *wms = json_object_get(b->begin, "wms");

	if (json_is_object(wms))
		return json_object_get(wms, s == L ? j->o->left :
		    j->o->right) != NULL;
	return st_batch_has_watermark(b);
}

/* Spark's UnsupportedOperationChecker on stream-stream joins. */
static void
check_stream(join *j, st_ctx *ctx, const st_batch *b)
{
	const char *type = st_join_type_name(j->o->type);

	/* No-data batches: the runner's last one has no upstream members. */
	if (b->begin == NULL || st_batch_no_data(b))
		return;
	if (strcmp(st_batch_mode(b), "append") != 0)
		st_refuse(ctx, "a join between two streams is not supported "
		    "in %s output mode, only in append mode (use --mode "
		    "append upstream)", st_batch_mode(b));
	if (j->o->type == ST_JOIN_INNER)
		return;
	/* The rows that wait for a match are evicted by the watermark of
	 * the other, nullable, side. */
	for (int s = 0; s < 2; s++) {
		int waits = j->o->type == ST_JOIN_FULL ||
		    (s == L && (j->o->type == ST_JOIN_LEFT ||
		    j->o->type == ST_JOIN_LEFT_SEMI)) ||
		    (s == R && j->o->type == ST_JOIN_RIGHT);
		if (waits && !side_watermarked(j, b, !s))
			st_refuse(ctx, "a %s stream-stream join is not "
			    "supported without a watermark on the %s side: "
			    "it tells when a %s row can no longer match (put "
			    "st-watermark --source %s before st-join)", type,
			    s == L ? "right" : "left", s == L ? "left" : "right",
			    s == L ? j->o->right : j->o->left);
	}
}

/*
 * What the join tells the tools after it: its output watermark, not the
 * input's (Spark's produceOutputWatermark, st_jcond_output_watermark), so
 * that the null-extended rows it emits as state goes are not late
 * downstream; and its output mode, append, which makes a stateful tool
 * after it take as late only what the previous batch's watermark passed
 * (Spark's watermark for late events; MultiStatefulOperatorsSuite
 * "stream-stream time interval left outer join -> aggregation"). Both
 * follow from the begin line alone: a replayed batch says the same.
 */
static void
announce(join *j, st_batch *b)
{
	if (b->begin == NULL)
		return;
	if (b->wm != ST_TIME_NONE)
		st_batch_set_watermark(b, st_jcond_output_watermark(&j->cond,
		    j->wm));
	st_batch_set_mode(b, "append", NULL);
}

static int
stream_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	join *j = op->self;

	int64_t prev = j->wm;

	check_stream(j, ctx, b);
	j->removed = 0;
	j->wm = b->wm;
	/* A time bound evicts only with a watermark: st-watermark upstream
	 * puts its delay in every begin line. */
	if (!j->warned_unbounded && b->begin &&
	    json_object_get(b->begin, "delay") == NULL) {
		st_warn("the input has no watermark (st-watermark on each "
		    "source): the state of this stream-stream join will grow "
		    "for ever");
	}
	/* Said at the first batch or never (the last batch of a complete
	 * input is made up here, without the upstream members). */
	j->warned_unbounded = 1;
	if (j->wm == ST_TIME_NONE && b->begin) {
		/* Only per-source watermarks: the global one is their
		 * minimum, Spark's default policy. */
		json_t *wms = json_object_get(b->begin, "wms");
		const char *k;
		json_t *v;
		json_object_foreach(wms, k, v) {
			int64_t t;
			const char *s = json_string_value(v);
			if (s && st_parse_timestamp(s, strlen(s), &t) == 0 &&
			    (j->wm == ST_TIME_NONE || t < j->wm))
				j->wm = t;
		}
	}
	/* A watermark that moved evicts state and emits outer rows: Spark
	 * runs the no-data batch for it. */
	if (j->wm != ST_TIME_NONE && j->cond.has_bound &&
	    (prev == ST_TIME_NONE || j->wm > prev))
		st_batch_need(b);
	announce(j, b);
	return 0;
}

static int
stream_record(st_op *op, st_ctx *ctx, st_record *rec)
{
	join *j = op->self;
	int s, role;

	if (ctx->source == NULL)
		st_die(ST_EXIT_DATA, "%s:%llu: record outside any source "
		    "section: a stream-stream join reads tagged input "
		    "(st-read --source %s=DIR --source %s=DIR)",
		    ctx->input_name, (unsigned long long)rec->lineno,
		    j->o->left, j->o->right);
	if (strcmp(ctx->source, j->o->left) == 0)
		s = L;
	else if (strcmp(ctx->source, j->o->right) == 0)
		s = R;
	else
		st_die(ST_EXIT_DATA, "%s:%llu: record from source '%s', "
		    "neither the left '%s' nor the right '%s'",
		    ctx->input_name, (unsigned long long)rec->lineno,
		    ctx->source, j->o->left, j->o->right);

	st_arena_reset(&j->arena);
	int64_t t = st_jcond_time(&j->cond, s, &j->arena, &rec->fields,
	    &role);
	/* Late: at or before the watermark (Spark's eventTime <=
	 * watermark), dropped and counted in numRowsDroppedByWatermark. */
	if (j->wm != ST_TIME_NONE && t != ST_TIME_NONE && t <= j->wm) {
		ctx->rows_dropped_watermark++;
		st_linefile_line(&j->late, rec->line, rec->len);
		return 0;
	}
	st_colcheck_row(&j->cc[s], rec);
	st_jcond_keys_found(&j->cond, s, &j->arena, &rec->fields, j->kv,
	    j->cc[s].seen);
	if (!j->declared[s])
		st_jcols_add_fields(&j->cols[s], &rec->fields);
	st_buf_reset(&j->out);
	st_record_serialize(rec, &j->out);
	st_jrow *r = st_jside_add(&j->batch[s], j->out.data, j->out.len,
	    j->kv, st_jkey_hash(j->kv, j->cond.nkeys), t);
	r->role = role;
	return 0;
}

static st_jrow *
keep(join *j, int s, const st_jrow *x, int matched)
{
	st_jrow *r = st_jside_add(&j->state[s], x->json, x->len, x->keys,
	    x->hash, x->time);
	r->role = x->role;
	r->matched = matched;
	return r;
}

static void
emit_unmatched(join *j, st_ctx *ctx, int s, const st_jrow *r)
{
	if (s == L)
		emit_pair(j, ctx, r->json, r->len, NULL, NULL, 0, NULL);
	else
		emit_pair(j, ctx, NULL, 0, NULL, r->json, r->len, NULL);
}

/* Joins this batch's rows of side s with the state of the other side,
 * then buffers them: Spark's symmetric hash join, one side at a time. */
static void
process(join *j, st_ctx *ctx, int s)
{
	int o = !s;

	for (st_jrow *x = j->batch[s].head; x; x = x->next) {
		scan_or_die(j, s, x->json, x->len);
		/* A row failing a condition on its own side can never match:
		 * not buffered, and on an outer side null-extended at once
		 * (Spark's pre-join filter). */
		if (st_jcond_side_fails(&j->cond, s, x->json, x->len,
		    &j->f[s])) {
			if (outer_side(j, s))
				emit_unmatched(j, ctx, s, x);
			continue;
		}
		/* collect() may rescan j->f[o] only; keep this row's scan. */
		st_fields mine = j->f[s];
		size_t n = collect(j, &j->state[o], s, x->keys, x->hash,
		    x->time, x->role, x->json, x->len, &mine);
		j->f[s] = mine;
		if (j->o->type == ST_JOIN_LEFT_SEMI) {
			if (s == L) {
				if (n)
					st_emit_raw(ctx, x->json, x->len);
				else
					keep(j, L, x, 0);
			} else {
				for (size_t i = 0; i < n; i++) {
					st_jrow *m = j->matches[i];
					if (!m->matched)
						st_emit_raw(ctx, m->json,
						    m->len);
					m->matched = 1;
				}
				keep(j, R, x, 0);
			}
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			st_jrow *m = j->matches[i];
			if (s == L)
				emit_pair(j, ctx, x->json, x->len, NULL,
				    m->json, m->len, NULL);
			else
				emit_pair(j, ctx, m->json, m->len, NULL,
				    x->json, x->len, NULL);
			m->matched = 1;
		}
		keep(j, s, x, n > 0);
	}
	st_jside_clear(&j->batch[s]);
}

/* Drops the rows the watermark has made useless; an outer side's rows
 * that never matched are emitted null-extended as they go. */
static void
evict(join *j, st_ctx *ctx)
{
	if (j->wm == ST_TIME_NONE || !j->cond.has_bound)
		return;
	for (int s = 0; s < 2; s++) {
		st_jrow *r = j->state[s].head;
		while (r) {
			st_jrow *next = r->next;
			if (st_jcond_evictable(&j->cond, r->time, r->role,
			    j->wm)) {
				if (!r->matched && outer_side(j, s))
					emit_unmatched(j, ctx, s, r);
				st_jside_remove(&j->state[s], r);
				j->removed++;
			}
			r = next;
		}
	}
}

static int
stream_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	join *j = op->self;

	(void)b;
	st_colcheck_end(&j->cc[L]);
	st_colcheck_end(&j->cc[R]);
	process(j, ctx, L);
	process(j, ctx, R);
	evict(j, ctx);
	return 0;
}

static int
stream_finish(st_op *op, st_ctx *ctx, int complete)
{
	join *j = op->self;

	if (!complete)
		return 0;
	/* The input is all there is: what never matched never will. */
	for (int s = 0; s < 2; s++)
		if (outer_side(j, s))
			for (st_jrow *r = j->state[s].head; r; r = r->next)
				if (!r->matched)
					emit_unmatched(j, ctx, s, r);
	return 0;
}

static json_t *
strv_json(char **v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *
stream_describe(st_op *op)
{
	join *j = op->self;
	const st_join_opts *o = j->o;
	json_t *d = json_object();

	json_object_set_new(d, "join", json_string("stream-stream"));
	json_object_set_new(d, "type", json_string(st_join_type_name(o->type)));
	json_object_set_new(d, "left", json_string(o->left));
	json_object_set_new(d, "right", json_string(o->right));
	json_object_set_new(d, "on", json_string(o->on));
	json_object_set_new(d, "within", o->within ? json_string(o->within) :
	    json_null());
	json_object_set_new(d, "leftColumns", strv_json(o->left_columns));
	json_object_set_new(d, "rightColumns", strv_json(o->right_columns));
	return d;
}

static void
stream_metrics(st_op *op, json_t *obj)
{
	join *j = op->self;

	json_object_set_new(obj, "stateRowsLeft",
	    json_integer((json_int_t)j->state[L].count));
	json_object_set_new(obj, "stateRowsRight",
	    json_integer((json_int_t)j->state[R].count));
	json_object_set_new(obj, "stateRowsRemoved",
	    json_integer((json_int_t)j->removed));
	json_object_set_new(obj, "stateMemoryBytes",
	    json_integer((json_int_t)(j->state[L].bytes +
	    j->state[R].bytes)));
	missing_metric(j, obj);
}

/* State file: a header line, then one line per buffered row:
 *   {"st-join-state":1,"columns":[[left...],[right...]],"rows":[nl,nr]}
 *   {"side":"left","matched":false,"time":"2020-09-09T10:00:00Z","row":{..}}
 * Keys and times are recomputed from the row on load (the query is the
 * same: the runner checked it). */
static int
stream_save(st_op *op, FILE *f)
{
	join *j = op->self;
	st_buf b = ST_BUF_INIT;

	st_buf_puts(&b, "{\"st-join-state\":1,\"columns\":[");
	for (int s = 0; s < 2; s++) {
		st_buf_puts(&b, s ? ",[" : "[");
		for (size_t i = 0; i < j->cols[s].n; i++) {
			if (i)
				st_buf_putc(&b, ',');
			st_buf_putc(&b, '"');
			st_buf_add(&b, j->cols[s].names[i], j->cols[s].lens[i]);
			st_buf_putc(&b, '"');
		}
		st_buf_putc(&b, ']');
	}
	st_buf_printf(&b, "],\"rows\":[%zu,%zu]}\n", j->state[L].count,
	    j->state[R].count);
	for (int s = 0; s < 2; s++) {
		for (st_jrow *r = j->state[s].head; r; r = r->next) {
			st_buf_printf(&b, "{\"side\":\"%s\",\"matched\":%s,"
			    "\"time\":", s ? "right" : "left",
			    r->matched ? "true" : "false");
			if (r->time == ST_TIME_NONE) {
				st_buf_puts(&b, "null");
			} else {
				st_buf_putc(&b, '"');
				st_format_timestamp(&b, r->time);
				st_buf_putc(&b, '"');
			}
			st_buf_puts(&b, ",\"row\":");
			st_buf_add(&b, r->json, r->len);
			st_buf_puts(&b, "}\n");
			if (b.len > 1 << 16) {
				if (fwrite(b.data, 1, b.len, f) != b.len)
					goto fail;
				st_buf_reset(&b);
			}
		}
	}
	if (fwrite(b.data, 1, b.len, f) != b.len)
		goto fail;
	st_buf_release(&b);
	return 0;
fail:
	st_warn("cannot write join state:");
	st_buf_release(&b);
	return -1;
}

static void
reset_columns(join *j)
{
	for (int s = 0; s < 2; s++) {
		st_jcols_clear(&j->cols[s]);
		char **decl = s ? j->o->right_columns : j->o->left_columns;
		for (char **p = decl; p && *p; p++)
			st_jcols_add_plain(&j->cols[s], *p);
		/* Shared key columns are always there, so that a
		 * null-extended row carries its key. */
		for (size_t i = 0; i < j->cond.nkeys; i++)
			if (j->cond.using_[i])
				st_jcols_add(&j->cols[s], j->cond.raw[s][i],
				    j->cond.rawlen[s][i]);
	}
}

static int
stream_load(st_op *op, FILE *f)
{
	join *j = op->self;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t lineno = 0;
	st_fields scan = { 0 };
	st_json_err e;
	int rc = -1;
	json_int_t want[2] = { 0, 0 }, got[2] = { 0, 0 };

	for (int s = 0; s < 2; s++) {
		st_jside_clear(&j->state[s]);
		st_jside_clear(&j->batch[s]);
	}
	reset_columns(j);
	if (f == NULL)
		return 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			json_t *h = json_loadb(line, n, 0, NULL);
			json_t *cols = json_object_get(h, "columns");
			json_t *nr = json_object_get(h, "rows");
			if (json_integer_value(json_object_get(h,
			    "st-join-state")) != 1 || !json_is_array(cols) ||
			    !json_is_integer(json_array_get(nr, 0)) ||
			    !json_is_integer(json_array_get(nr, 1))) {
				st_warn("join state: unknown format");
				json_decref(h);
				goto out;
			}
			for (int s = 0; s < 2; s++)
				want[s] = json_integer_value(json_array_get(nr,
				    s));
			for (int s = 0; s < 2; s++) {
				if (j->declared[s])
					continue;
				size_t i;
				json_t *v;
				json_array_foreach(json_array_get(cols, s), i,
				    v)
					st_jcols_add_plain(&j->cols[s],
					    json_string_value(v));
			}
			json_decref(h);
			continue;
		}
		st_field side, matched, row;
		if (st_json_scan_object(line, n, &scan, &e) < 0 ||
		    !st_json_object_get(line, n, "side", 4, &scan, &side) ||
		    !st_json_object_get(line, n, "matched", 7, &scan,
		    &matched) ||
		    !st_json_object_get(line, n, "row", 3, &scan, &row) ||
		    row.type != ST_J_OBJECT) {
			st_warn("join state: line %zu is not a state row",
			    lineno);
			goto out;
		}
		int s = side.vlen == 7 && memcmp(side.val, "\"right\"", 7) == 0;
		int role;
		if (st_json_scan_object(row.val, row.vlen, &j->f[s], &e) < 0)
			goto out;
		st_arena_reset(&j->arena);
		int64_t t = st_jcond_time(&j->cond, s, &j->arena, &j->f[s],
		    &role);
		st_jcond_keys(&j->cond, s, &j->arena, &j->f[s], j->kv);
		st_jrow *r = st_jside_add(&j->state[s], row.val, row.vlen,
		    j->kv, st_jkey_hash(j->kv, j->cond.nkeys), t);
		r->role = role;
		r->matched = matched.type == ST_J_TRUE;
		got[s]++;
	}
	if (lineno == 0) {
		st_warn("join state: empty file");
		goto out;
	}
	if (got[0] != want[0] || got[1] != want[1]) {
		st_warn("join state: %lld left and %lld right rows, its header "
		    "says %lld and %lld", (long long)got[0], (long long)got[1],
		    (long long)want[0], (long long)want[1]);
		goto out;
	}
	rc = 0;
out:
	free(line);
	st_fields_release(&scan);
	return rc;
}

/* ---- setup --------------------------------------------------------- */

static void
raw_list(st_jcols *c, char **v)
{
	for (; v && *v; v++)
		st_jcols_add_plain(c, *v);
}

/* The combinations of options that cannot run (usage errors). */
static void
check_options(const st_join_opts *o)
{
	int is_static = o->static_spec != NULL;

	if (is_static && (o->left || o->right))
		st_usage_error("--static and --left/--right cannot be used "
		    "together");
	if (!is_static && (!o->left || !o->right))
		st_usage_error("give --static FILE for a stream-static join, "
		    "or --left NAME and --right NAME for a stream-stream join");
	if (o->on == NULL)
		st_usage_error("--on is required");
	if (is_static) {
		if (o->within)
			st_usage_error("--within is for stream-stream joins");
		if (o->type == ST_JOIN_RIGHT || o->type == ST_JOIN_FULL)
			st_usage_error("join type '%s' is not supported "
			    "between a stream and a static table (the stream "
			    "is the left side; use left)",
			    st_join_type_name(o->type));
		if (o->late_output)
			st_usage_error("--late-output is for stream-stream "
			    "joins");
	} else {
		if (strcmp(o->left, o->right) == 0)
			st_usage_error("--left and --right name the same "
			    "source '%s'", o->left);
		if (o->type == ST_JOIN_LEFT_ANTI)
			st_usage_error("join type 'left_anti' is not "
			    "supported between two streams");
		if (o->static_format || o->static_schema)
			st_usage_error("--static-format and --static-schema "
			    "need --static");
	}
}

int
st_join_run(const st_join_opts *o, const st_common *common)
{
	join j;
	st_op op;
	char err[400];
	int is_static = o->static_spec != NULL;
	int rc;

	memset(&j, 0, sizeof j);
	memset(&op, 0, sizeof op);
	j.o = o;
	j.late = (st_linefile)ST_LINEFILE_INIT;
	j.wm = ST_TIME_NONE;
	check_options(o);
	j.stream = !is_static;
	if (st_jcond_init(&j.cond, o->on, o->within,
	    is_static ? NULL : o->left, is_static ? NULL : o->right, err,
	    sizeof err) < 0)
		st_usage_error("%s", err);
	if (j.cond.nkeys == 0)
		st_usage_error("--on has no equality between a left and a "
		    "right column to join on");
	if (!is_static && o->type != ST_JOIN_INNER &&
	    (j.cond.lo == INT64_MIN || j.cond.hi == INT64_MAX))
		st_usage_error("a %s stream-stream join needs a time bound "
		    "between the sides, both ways, in --on or --within, so "
		    "that every buffered row is evicted in time (X BETWEEN "
		    "Y AND Y + INTERVAL 15 MINUTES)",
		    st_join_type_name(o->type));
	if (!is_static && !j.cond.has_bound) {
		j.warned_unbounded = 1;
		st_warn("no time bound between the sides (in --on or "
		    "--within): the state of this stream-stream join will grow "
		    "for ever, as Spark's without watermarks and a time-range "
		    "condition");
	}
	raw_list(&j.drop[L], o->drop_left);
	raw_list(&j.drop[R], o->drop_right);
	st_column_raw(&j.prefix, o->right_prefix ? o->right_prefix : "right_");
	j.declared[L] = o->left_columns != NULL;
	j.declared[R] = o->right_columns != NULL;
	j.kv = st_calloc(j.cond.nkeys + 1, sizeof *j.kv);
	for (int s = 0; s < 2; s++) {
		st_jside_init(&j.state[s], j.cond.nkeys);
		st_jside_init(&j.batch[s], j.cond.nkeys);
	}
	reset_columns(&j);
	for (int s = 0; s < 2; s++) {
		if (is_static)
			snprintf(j.ccname[s], sizeof j.ccname[s], "--on");
		else
			snprintf(j.ccname[s], sizeof j.ccname[s], "--on (%s "
			    "'%.100s')", s == L ? "left" : "right",
			    s == L ? o->left : o->right);
		st_colcheck_init(&j.cc[s], j.ccname[s],
		    (const char *const *)j.cond.keys[s], j.cond.nkeys);
	}

	op.name = "st-join";
	op.self = &j;
	if (is_static) {
		int fmt = ST_JTABLE_AUTO;
		const char *why;
		if (o->static_format &&
		    (fmt = st_jtable_format_parse(o->static_format)) < 0)
			st_usage_error("invalid format '%s' for --static-format "
			    "(csv, json, sqlite)", o->static_format);
		if (o->static_schema) {
			st_schema_error se;
			j.schema = st_schema_parse(o->static_schema, &se);
			if (j.schema == NULL)
				st_usage_error("invalid schema for "
				    "--static-schema at column %zu: %s",
				    se.col, se.msg);
		}
		if (st_jtable_init(&j.table, o->static_spec, fmt, j.schema,
		    j.cond.keys[R], j.cond.nkeys, &why) < 0)
			st_usage_error("invalid --static '%s': %s",
			    o->static_spec, why);
		j.table.malformed = common->malformed;
		int reloaded;
		if (st_jtable_refresh(&j.table, &reloaded) < 0) {
			rc = ST_EXIT_DATA;
			goto out;
		}
		static_columns(&j);
		static_check_keys(&j);
		op.begin = static_begin;
		op.record = static_record;
		op.end = static_end;
		op.flags = ST_OP_END_TEXT;
		op.metrics = static_metrics;
	} else {
		st_linefile_open(&j.late, o->late_output);
		op.late = &j.late;
		op.flags = ST_OP_UNTAG | ST_OP_END_TEXT;
		op.begin = stream_begin;
		op.record = stream_record;
		op.end = stream_end;
		op.finish = stream_finish;
		op.describe = stream_describe;
		op.save = stream_save;
		op.load = stream_load;
		op.metrics = stream_metrics;
	}

	rc = st_op_run(&op, common);
out:
	st_linefile_close(&j.late);
	for (int s = 0; s < 2; s++) {
		st_jside_release(&j.state[s]);
		st_jside_release(&j.batch[s]);
		st_jcols_release(&j.cols[s]);
		st_jcols_release(&j.drop[s]);
		st_fields_release(&j.f[s]);
		st_colcheck_release(&j.cc[s]);
	}
	if (is_static)
		st_jtable_release(&j.table);
	st_schema_free(j.schema);
	st_jcond_release(&j.cond);
	st_arena_release(&j.arena);
	st_buf_release(&j.out);
	st_buf_release(&j.key);
	st_buf_release(&j.prefix);
	free(j.kv);
	free(j.matches);
	return rc;
}
