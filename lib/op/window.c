/* window.c - st-window; see window.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "linefile.h"
#include "op/window.h"
#include "state/file.h"
#include "state/table.h"
#include "datetime.h"

/* The state file's format (state/file.h). */
#define FORMAT "st-window/1"

int
st_outmode_parse(const char *s, st_outmode *m)
{
	if (strcmp(s, "append") == 0)
		*m = ST_MODE_APPEND;
	else if (strcmp(s, "update") == 0)
		*m = ST_MODE_UPDATE;
	else if (strcmp(s, "complete") == 0)
		*m = ST_MODE_COMPLETE;
	else
		return -1;
	return 0;
}

const char *
st_outmode_name(st_outmode m)
{
	return m == ST_MODE_APPEND ? "append" : m == ST_MODE_UPDATE ?
	    "update" : "complete";
}

/*
 * A fixed window group's payload is one slot per aggregate; its key is
 * the window start (8 bytes, native order) then the encoded key values,
 * and its end is the start plus the window size: the window is stored
 * once. A plain groupBy group has the same payload and the key values
 * alone as key. A session key's payload is a list of sessions (the key
 * values alone are the table key): sessions of one key are few.
 */

typedef struct sess {
	int64_t start, end;
	uint32_t updated;
	uint32_t pad;
	st_aslot slots[];
} sess;

typedef struct sesslist {
	sess *v;		/* n sessions, stride bytes each, by start */
	uint32_t n, cap;
} sesslist;

/* A row to emit: borrowed from the state. */
typedef struct row {
	int64_t start, end;
	const char *key;	/* encoded key values */
	size_t klen;
	st_aslot *slots;
	st_value *kv;		/* parsed key values, for sorting */
} row;

typedef struct win {
	const st_window_opts *o;
	st_aggs aggs;
	size_t nby;
	size_t nkey;		/* key values of a group: nby, and the number
				 * of the grouping set with --cube/--rollup */
	uint32_t *sets;		/* the grouping sets: bit i, column i rolled
				 * up */
	size_t nsets;
	const st_field **kf;	/* the record's key fields */
	st_field *kv;		/* a written row's key values (raw JSON) */
	size_t stride;		/* bytes of one sess */
	int owned_mem;		/* some aggregate owns memory */
	st_table t;
	st_buf key;		/* key being built: 8 bytes start + values */
	st_buf out;
	st_arena arena;		/* per record */
	uint32_t epoch;		/* number of the batch, in entry flags */
	int keep_updated;	/* list the updated entries (update mode,
				 * sessions) */
	st_entry **updated;	/* entries changed in this batch */
	size_t nupdated, capupdated;
	row *rows;
	size_t nrows, caprows;
	st_linefile late;
	int64_t wm;		/* watermark of the batch in progress */
	int64_t late_wm;	/* rows at or before it are late */
	int64_t swept_wm;	/* state holds nothing ending at or before */
	const char *const *keys;	/* "window" + by, for the begin line */
	/* per-batch metrics */
	uint64_t m_updated, m_removed, m_no_time;
	int warned_no_time;
	st_colcheck cc;		/* --by/--cube/--rollup columns seen */
	uint64_t nsess;		/* sessions in state */
} win;

static sess *
sess_at(const win *w, sesslist *l, size_t i)
{
	return (sess *)((char *)l->v + i * w->stride);
}

static void
clear_slots(const win *w, st_aslot *slots)
{
	for (size_t i = 0; i < w->aggs.n; i++)
		st_agg_clear(&w->aggs.v[i], st_aggs_slot(&w->aggs, slots, i));
}

static void
free_payload(void *payload, void *arg)
{
	win *w = arg;

	if (w->o->gap) {
		sesslist *l = payload;
		for (size_t i = 0; i < l->n; i++)
			clear_slots(w, sess_at(w, l, i)->slots);
		free(l->v);
		w->nsess -= l->n;
	} else {
		clear_slots(w, payload);
	}
}

/* A fixed window group's slots, start and end. */
static st_aslot *
group_slots(st_entry *e)
{
	return st_entry_payload(e);
}

static int64_t
group_start(const win *w, const st_entry *e)
{
	int64_t s;

	memcpy(&s, st_entry_key(&w->t, e), 8);
	return s;
}

/*
 * Marks e as changed in this batch: its flags hold the number of the last
 * batch that changed it, so nothing needs clearing between batches. Only
 * update mode (which emits them) and sessions (whose sessions carry their
 * own mark) need the list of them; the others count them.
 */
static void
mark_updated(win *w, st_entry *e)
{
	if (e->flags == w->epoch)
		return;
	e->flags = w->epoch;
	if (!w->keep_updated) {
		w->m_updated++;
		return;
	}
	if (w->nupdated == w->capupdated) {
		w->capupdated = w->capupdated ? w->capupdated * 2 : 64;
		w->updated = st_realloc(w->updated,
		    w->capupdated * sizeof *w->updated);
	}
	w->updated[w->nupdated++] = e;
}

static void
fold(win *w, st_aslot *slots)
{
	for (size_t i = 0; i < w->aggs.n; i++)
		st_agg_update(&w->aggs.v[i], st_aggs_slot(&w->aggs, slots, i),
		    &w->aggs.vals[w->aggs.v[i].val]);
}

static int
is_late(const win *w, int64_t end)
{
	return w->o->mode != ST_MODE_COMPLETE && w->late_wm != ST_TIME_NONE &&
	    end <= w->late_wm;
}

/* Adds the record to key's session list, merging the sessions it joins. */
static int
add_session(win *w, int64_t t)
{
	int64_t s0 = t, e0 = t + w->o->gap;

	if (is_late(w, e0))
		return 0;
	int created;
	st_entry *e = st_table_upsert(&w->t, w->key.data + 8, w->key.len - 8,
	    &created);
	sesslist *l = st_entry_payload(e);
	size_t i, hit = SIZE_MAX;

	/* Sessions that touch [s0, e0] merge, as Spark's do. */
	for (i = 0; i < l->n; i++) {
		sess *s = sess_at(w, l, i);
		if (s->start <= e0 && s0 <= s->end) {
			hit = i;
			break;
		}
	}
	if (hit == SIZE_MAX) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1;
			l->v = st_realloc(l->v, l->cap * w->stride);
		}
		for (i = 0; i < l->n && sess_at(w, l, i)->start < s0; i++)
			;
		memmove(sess_at(w, l, i + 1), sess_at(w, l, i),
		    (l->n - i) * w->stride);
		sess *s = sess_at(w, l, i);
		memset(s, 0, w->stride);
		s->start = s0;
		s->end = e0;
		l->n++;
		w->nsess++;
		hit = i;
	}
	sess *s = sess_at(w, l, hit);
	if (s0 < s->start)
		s->start = s0;
	if (e0 > s->end)
		s->end = e0;
	fold(w, s->slots);
	s->updated = 1;
	/* The grown session may now reach its neighbours. */
	while (hit + 1 < l->n && sess_at(w, l, hit + 1)->start <= s->end) {
		sess *n = sess_at(w, l, hit + 1);
		for (size_t k = 0; k < w->aggs.n; k++)
			st_agg_merge(&w->aggs.v[k],
			    st_aggs_slot(&w->aggs, s->slots, k),
			    st_aggs_slot(&w->aggs, n->slots, k));
		if (n->end > s->end)
			s->end = n->end;
		clear_slots(w, n->slots);
		memmove(n, sess_at(w, l, hit + 2),
		    (l->n - hit - 2) * w->stride);
		l->n--;
		w->nsess--;
	}
	while (hit > 0 && sess_at(w, l, hit - 1)->end >= s->start) {
		sess *p = sess_at(w, l, hit - 1);
		for (size_t k = 0; k < w->aggs.n; k++)
			st_agg_merge(&w->aggs.v[k],
			    st_aggs_slot(&w->aggs, p->slots, k),
			    st_aggs_slot(&w->aggs, s->slots, k));
		if (s->end > p->end)
			p->end = s->end;
		p->updated = 1;
		clear_slots(w, s->slots);
		memmove(s, sess_at(w, l, hit + 1),
		    (l->n - hit - 1) * w->stride);
		l->n--;
		w->nsess--;
		hit--;
		s = p;
	}
	mark_updated(w, e);
	return 1;
}

static void
late_row(win *w, st_ctx *ctx, st_record *r)
{
	ctx->rows_dropped_watermark++;
	st_linefile_record(&w->late, r);
}

static int add_to_set(win *w, int64_t t, uint32_t set);

static int
win_record(st_op *op, st_ctx *ctx, st_record *r)
{
	win *w = op->self;
	const st_window_opts *o = w->o;
	int64_t t = 0;

	if (o->time.col && st_evtime_get(&o->time, r, &t) < 0) {
		w->m_no_time++;
		if (!w->warned_no_time) {
			w->warned_no_time = 1;
			st_evtime_warn_missing(&o->time, r, ctx->input_name,
			    "are skipped");
		}
		return 0;
	}
	st_colcheck_row(&w->cc, r);
	for (size_t i = 0; i < w->nby; i++)
		if ((w->kf[i] = st_record_column(r, o->by[i],
		    strlen(o->by[i]))))
			st_colcheck_found(&w->cc, i);
	st_aggs_eval(&w->aggs, r, w->aggs.vals);

	int used = 0;
	for (size_t k = 0; k < w->nsets; k++)
		used |= add_to_set(w, t, w->sets[k]);
	if (!used)
		late_row(w, ctx, r);
	return 0;
}

/* The grouping sets of --cube (every subset of the key columns) or
 * --rollup (every prefix), most detailed first; one set without them. */
static void
make_sets(win *w)
{
	size_t n = w->nby;

	if (w->o->grouping == ST_GROUP_CUBE) {
		w->nsets = (size_t)1 << n;
		w->sets = st_calloc(w->nsets, sizeof *w->sets);
		for (size_t i = 0; i < w->nsets; i++)
			w->sets[i] = (uint32_t)i;
	} else if (w->o->grouping == ST_GROUP_ROLLUP) {
		w->nsets = n + 1;
		w->sets = st_calloc(w->nsets, sizeof *w->sets);
		/* Set k rolls up the last k columns. */
		for (size_t k = 0; k <= n; k++)
			w->sets[k] = (uint32_t)(((1u << n) - 1) &
			    ~((1u << (n - k)) - 1));
	} else {
		w->nsets = 1;
		w->sets = st_calloc(1, sizeof *w->sets);
	}
}

/* Folds the record (its key fields in w->kf, its values in
 * w->aggs.vals) into the groups of one grouping set; returns 0 when it
 * was too late for every window. */
static int
add_to_set(win *w, int64_t t, uint32_t set)
{
	const st_window_opts *o = w->o;
	int used = 0, created;
	char num[16];

	/* The key: room for the window start, then the key values. */
	st_buf_reset(&w->key);
	st_buf_add(&w->key, "\0\0\0\0\0\0\0\0", 8);
	for (size_t i = 0; i < w->nby; i++) {
		if (set >> i & 1)
			st_key_add(&w->key, NULL);
		else
			st_key_add(&w->key, w->kf[i]);
	}
	if (o->grouping != ST_GROUP_BY) {
		int n = snprintf(num, sizeof num, "%u", (unsigned)set);
		st_key_add_json(&w->key, num, (size_t)n);
	}
	if (o->time.col == NULL) {
		st_entry *e = st_table_upsert(&w->t, w->key.data + 8,
		    w->key.len - 8, &created);
		fold(w, group_slots(e));
		mark_updated(w, e);
		used = 1;
	} else if (o->gap) {
		used = add_session(w, t);
	} else if (o->size == 0) {
		/* The time column is a key: the group [t, t] closes once the
		 * watermark reaches t (Spark: eventTime <= watermark). */
		if (!is_late(w, t)) {
			memcpy(w->key.data, &t, 8);
			st_entry *e = st_table_upsert(&w->t, w->key.data,
			    w->key.len, &created);
			fold(w, group_slots(e));
			mark_updated(w, e);
			used = 1;
		}
	} else {
		/* Every window [s, s + size) holding t, latest first. */
		int64_t s = st_floordiv(t, o->slide) * o->slide;
		for (; s > t - o->size; s -= o->slide) {
			int64_t end = s + o->size;
			if (is_late(w, end))
				break;
			memcpy(w->key.data, &s, 8);
			st_entry *e = st_table_upsert(&w->t, w->key.data,
			    w->key.len, &created);
			fold(w, group_slots(e));
			mark_updated(w, e);
			used = 1;
		}
	}
	return used;
}

static int
win_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	win *w = op->self;

	st_aggs_begin_batch(&w->aggs);
	if (b->begin && !st_batch_no_data(b) && st_aggs_has_distinct(&w->aggs))
		st_refuse(ctx, "distinct aggregations are not supported on "
		    "streams (Spark: use approx_count_distinct); "
		    "count(DISTINCT x) is for input without control lines, "
		    "a batch job");
	if (strcmp(st_batch_mode(b), "append") != 0)
		st_refuse(ctx, "multiple streaming aggregations are not "
		    "supported in %s mode: an aggregation over another's "
		    "output needs it in append mode (use --mode append "
		    "upstream)", st_batch_mode(b));
	/* Spark runs a no-data batch for a window in append or update mode
	 * when the watermark moved: windows may close, state be evicted. */
	if (w->o->mode != ST_MODE_COMPLETE && b->wm != ST_TIME_NONE &&
	    (w->wm == ST_TIME_NONE || b->wm > w->wm))
		st_batch_need(b);
	/* Behind another stateful tool, the previous batch's watermark
	 * (b->late_wm), so that a window the upstream just emitted still
	 * counts (MultiStatefulOperatorsSuite "window agg -> window agg");
	 * the current one closes and evicts. */
	w->late_wm = b->late_wm;
	w->wm = b->wm;
	w->m_updated = w->m_removed = w->m_no_time = 0;
	if (++w->epoch == 0) {
		/* After 2^32 batches: no entry may keep a stale number. */
		for (size_t i = 0; i < w->t.n; i++)
			w->t.v[i]->flags = 0;
		w->epoch = 1;
	}
	if (b->begin == NULL)
		return 0;
	if (w->o->mode == ST_MODE_APPEND &&
	    json_object_get(b->begin, "wm") == NULL) {
		st_writer_flush(&ctx->out);
		st_die(ST_EXIT_USAGE, "append mode needs a watermark: a "
		    "window is emitted once the watermark passes its end, "
		    "and batch %lld has none (put st-watermark before "
		    "st-window, or use --mode update or complete)",
		    (long long)b->id);
	}
	st_batch_set_mode(b, st_outmode_name(w->o->mode),
	    w->o->mode == ST_MODE_APPEND ? NULL : w->keys);
	return 0;
}

static void
add_row(win *w, int64_t start, int64_t end, const char *key, size_t klen,
    st_aslot *slots)
{
	if (w->nrows == w->caprows) {
		w->caprows = w->caprows ? w->caprows * 2 : 64;
		w->rows = st_realloc(w->rows, w->caprows * sizeof *w->rows);
	}
	row *r = &w->rows[w->nrows++];
	r->start = start;
	r->end = end;
	r->key = key;
	r->klen = klen;
	r->slots = slots;
	r->kv = NULL;
}

/* Adds the rows of entry e that pass the filter: 0 all, 1 updated, 2
 * closed by the watermark. */
static void
entry_rows(win *w, st_entry *e, int which)
{
	const char *k = st_entry_key(&w->t, e);
	size_t kl = e->klen;

	if (w->o->gap) {
		sesslist *l = st_entry_payload(e);
		for (size_t i = 0; i < l->n; i++) {
			sess *s = sess_at(w, l, i);
			if ((which == 1 && !s->updated) ||
			    (which == 2 && s->end > w->wm))
				continue;
			add_row(w, s->start, s->end, k, kl, s->slots);
		}
		return;
	}
	int64_t start = 0, end = 0;
	if (w->o->time.col) {
		start = group_start(w, e);
		end = start + w->o->size;
		if (which == 2 && end > w->wm)
			return;
		k += 8;
		kl -= 8;
	}
	add_row(w, start, end, k, kl, group_slots(e));
}

static int
row_cmp(const void *a, const void *b)
{
	const row *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static size_t sort_nby;

static int
row_cmp_keys(const void *a, const void *b)
{
	const row *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	for (size_t i = 0; i < sort_nby; i++) {
		int c = st_value_compare(&x->kv[i], &y->kv[i]);
		if (c)
			return c;
	}
	return (x->end > y->end) - (x->end < y->end);
}

static void
write_row(win *w, st_ctx *ctx, const row *r)
{
	st_buf *b = &w->out;
	const char *p = r->key, *end = r->key + r->klen, *next;

	st_buf_reset(b);
	st_buf_putc(b, '{');
	/* Grouped on the time column itself (size 0): no window column. */
	if (w->o->time.col && (w->o->size || w->o->gap)) {
		st_buf_add(b, "\"window\":{\"start\":\"", 19);
		st_format_timestamp(b, r->start);
		st_buf_add(b, "\",\"end\":\"", 9);
		st_format_timestamp(b, r->end);
		st_buf_add(b, "\"}", 2);
	}
	for (size_t i = 0; i < w->nby; i++) {
		size_t n = st_key_next(p, end, &next);
		if (b->len > 1)
			st_buf_putc(b, ',');
		st_buf_put_json_string(b, w->o->by[i], strlen(w->o->by[i]));
		st_buf_putc(b, ':');
		st_buf_add(b, p, n);
		w->kv[i].val = p;
		w->kv[i].vlen = (uint32_t)n;
		w->kv[i].type = (uint8_t)st_json_type(p);
		p = next;
	}
	for (size_t i = 0; i < w->aggs.nout; i++) {
		if (b->len > 1)
			st_buf_putc(b, ',');
		st_buf_put_json_string(b, w->aggs.out[i].name,
		    strlen(w->aggs.out[i].name));
		st_buf_putc(b, ':');
		st_aggs_put(&w->aggs, r->slots, i, w->kv, b);
	}
	st_buf_putc(b, '}');
	st_emit_raw(ctx, b->data, b->len);
}

/* Sorts the collected rows (window start, then key values) and writes
 * them. */
static void
emit_rows(win *w, st_ctx *ctx)
{
	st_arena a = ST_ARENA_INIT;

	if (w->nrows > 1 && w->nkey) {
		for (size_t i = 0; i < w->nrows; i++) {
			row *r = &w->rows[i];
			const char *p = r->key, *end = r->key + r->klen, *next;
			r->kv = st_arena_alloc(&a, w->nkey * sizeof *r->kv);
			for (size_t k = 0; k < w->nkey; k++) {
				size_t n = st_key_next(p, end, &next);
				if (st_value_from_json(&a, p, n, &r->kv[k]) < 0)
					r->kv[k] = st_v_null();
				p = next;
			}
		}
		sort_nby = w->nkey;
		qsort(w->rows, w->nrows, sizeof *w->rows, row_cmp_keys);
	} else if (w->nrows > 1) {
		qsort(w->rows, w->nrows, sizeof *w->rows, row_cmp);
	}
	for (size_t i = 0; i < w->nrows; i++)
		write_row(w, ctx, &w->rows[i]);
	w->nrows = 0;
	st_arena_release(&a);
}

static int
keep_open(st_entry *e, void *arg)
{
	win *w = arg;

	if (w->o->gap) {
		sesslist *l = st_entry_payload(e);
		size_t j = 0;
		for (size_t i = 0; i < l->n; i++) {
			sess *s = sess_at(w, l, i);
			if (s->end <= w->wm) {
				clear_slots(w, s->slots);
				w->m_removed++;
				w->nsess--;
				continue;
			}
			if (j != i)
				memcpy(sess_at(w, l, j), s, w->stride);
			j++;
		}
		l->n = (uint32_t)j;
		return j > 0;
	}
	if (group_start(w, e) + w->o->size <= w->wm) {
		w->m_removed++;
		return 0;
	}
	return 1;
}

/* Evicts what the watermark has closed (after append mode emitted it). */
static void
evict(win *w)
{
	if (w->o->mode == ST_MODE_COMPLETE || w->o->time.col == NULL ||
	    w->wm == ST_TIME_NONE || w->wm <= w->swept_wm)
		return;
	st_table_sweep(&w->t, keep_open, free_payload, w);
	w->swept_wm = w->wm;
}

static void
clear_updated(win *w)
{
	for (size_t i = 0; i < w->nupdated; i++) {
		st_entry *e = w->updated[i];
		if (w->o->gap) {
			sesslist *l = st_entry_payload(e);
			for (size_t k = 0; k < l->n; k++)
				sess_at(w, l, k)->updated = 0;
		}
	}
	w->nupdated = 0;
}

static size_t
state_rows(const win *w)
{
	return w->o->gap ? (size_t)w->nsess : w->t.n;
}

static int
win_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	win *w = op->self;

	st_colcheck_end(&w->cc);
	for (size_t i = 0; i < w->nupdated; i++) {
		st_entry *e = w->updated[i];
		if (w->o->gap) {
			sesslist *l = st_entry_payload(e);
			for (size_t k = 0; k < l->n; k++)
				w->m_updated += sess_at(w, l, k)->updated;
		} else {
			w->m_updated++;
		}
	}
	switch (w->o->mode) {
	case ST_MODE_APPEND:
		if (w->wm != ST_TIME_NONE && w->wm > w->swept_wm) {
			for (size_t i = 0; i < w->t.n; i++)
				entry_rows(w, w->t.v[i], 2);
			emit_rows(w, ctx);
		}
		break;
	case ST_MODE_UPDATE:
		/* Deleted entries are not in the list: eviction comes
		 * after, and late rows never touch a closed window. */
		for (size_t i = 0; i < w->nupdated; i++)
			entry_rows(w, w->updated[i], 1);
		emit_rows(w, ctx);
		break;
	case ST_MODE_COMPLETE:
		/* A no-data batch nobody needed is one Spark does not run:
		 * the table is the last batch's, not shown again. */
		if (st_batch_no_data(b) && !st_batch_needed(b))
			break;
		for (size_t i = 0; i < w->t.n; i++)
			entry_rows(w, w->t.v[i], 0);
		emit_rows(w, ctx);
		break;
	}
	clear_updated(w);
	evict(w);
	return 0;
}

static int
win_finish(st_op *op, st_ctx *ctx, int complete)
{
	win *w = op->self;

	/* The input was all there is: an append-mode window will never see
	 * more rows, so it is final now, as in a batch job. */
	if (complete && w->o->mode == ST_MODE_APPEND) {
		for (size_t i = 0; i < w->t.n; i++)
			entry_rows(w, w->t.v[i], 0);
		emit_rows(w, ctx);
	}
	/* The runner's flush batch is a no-data batch (st_batch_no_data):
	 * in complete mode the table is the last batch's, and a sink does
	 * not show it again. */
	return 0;
}

static json_t *
win_describe(st_op *op)
{
	win *w = op->self;
	const st_window_opts *o = w->o;
	json_t *d = json_object();
	st_buf b = ST_BUF_INIT;

	if (o->time.col) {
		json_object_set_new(d, "time", json_string(o->time.col));
		json_object_set_new(d, "timeUnitUsec",
		    json_integer(o->time.unit));
	}
	if (o->gap) {
		st_format_duration(&b, o->gap);
		json_object_set_new(d, "sessionGap", json_string(b.data));
	} else if (o->time.col) {
		st_format_duration(&b, o->size);
		json_object_set_new(d, "size", json_string(b.data));
		st_buf_reset(&b);
		st_format_duration(&b, o->slide);
		json_object_set_new(d, "slide", json_string(b.data));
	}
	json_t *by = json_array();
	for (size_t i = 0; i < w->nby; i++)
		json_array_append_new(by, json_string(o->by[i]));
	json_object_set_new(d, "by", by);
	if (o->grouping != ST_GROUP_BY)
		json_object_set_new(d, "grouping", json_string(
		    o->grouping == ST_GROUP_CUBE ? "cube" : "rollup"));
	st_aggs_describe(&w->aggs, d);
	json_object_set_new(d, "mode", json_string(st_outmode_name(o->mode)));
	st_buf_release(&b);
	return d;
}

/* The state is the aggregates' slots per window and key: the outputs over
 * them and their names may change on restart (st_aggs_evolves). */
static int
win_evolves(st_op *op, const char *key, json_t *was, json_t *now)
{
	win *w = op->self;

	return st_aggs_evolves(&w->aggs, key, was, now);
}

static void
save_row(win *w, st_buf *b, int64_t start, int64_t end, const char *k,
    size_t kl, st_aslot *slots)
{
	st_buf_putc(b, '[');
	st_buf_put_i64(b, start);
	st_buf_putc(b, ',');
	st_buf_put_i64(b, end);
	st_buf_putc(b, ',');
	st_aggs_save_group(&w->aggs, slots, k, kl, w->nkey, b);
	st_buf_add(b, "]\n", 2);
}

static int
win_save(st_op *op, FILE *f)
{
	win *w = op->self;
	st_buf *b = &w->out;

	st_buf_reset(b);
	st_state_header(b, FORMAT, state_rows(w));
	for (size_t i = 0; i < w->t.n; i++) {
		st_entry *e = w->t.v[i];
		const char *k = st_entry_key(&w->t, e);
		if (w->o->gap) {
			sesslist *l = st_entry_payload(e);
			for (size_t j = 0; j < l->n; j++) {
				sess *s = sess_at(w, l, j);
				save_row(w, b, s->start, s->end, k, e->klen,
				    s->slots);
			}
		} else if (w->o->time.col) {
			int64_t start = group_start(w, e);
			save_row(w, b, start, start + w->o->size, k + 8,
			    e->klen - 8, group_slots(e));
		} else {
			save_row(w, b, 0, 0, k, e->klen, group_slots(e));
		}
		if (b->len > 65536) {
			if (fwrite(b->data, 1, b->len, f) != b->len)
				return -1;
			st_buf_reset(b);
		}
	}
	if (fwrite(b->data, 1, b->len, f) != b->len)
		return -1;
	return 0;
}

static int
load_row(win *w, const char *line, size_t len, st_fields *f, st_fields *g)
{
	st_json_err je;
	int64_t start, end;
	double dv;

	if (st_json_scan_array(line, len, f, &je) < 0 || f->n != 4 ||
	    !st_json_number(f->v[0].val, f->v[0].vlen, &start, &dv) ||
	    !st_json_number(f->v[1].val, f->v[1].vlen, &end, &dv))
		return -1;
	st_buf_reset(&w->key);
	st_buf_add(&w->key, &start, 8);
	if (st_json_scan_array(f->v[2].val, f->v[2].vlen, g, &je) < 0 ||
	    g->n != w->nkey)
		return -1;
	for (size_t i = 0; i < g->n; i++)
		st_key_add_json(&w->key, g->v[i].val, g->v[i].vlen);
	if (st_json_scan_array(f->v[3].val, f->v[3].vlen, g, &je) < 0 ||
	    g->n != w->aggs.n)
		return -1;

	int created;
	st_aslot *slots;
	if (w->o->gap) {
		st_entry *e = st_table_upsert(&w->t, w->key.data + 8,
		    w->key.len - 8, &created);
		sesslist *l = st_entry_payload(e);
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1;
			l->v = st_realloc(l->v, l->cap * w->stride);
		}
		sess *s = sess_at(w, l, l->n++);
		memset(s, 0, w->stride);
		s->start = start;
		s->end = end;
		w->nsess++;
		slots = s->slots;
	} else {
		size_t off = w->o->time.col ? 0 : 8;
		if (w->o->time.col && end != start + w->o->size)
			return -1;
		st_entry *e = st_table_upsert(&w->t, w->key.data + off,
		    w->key.len - off, &created);
		if (!created)
			return -1;
		slots = group_slots(e);
	}
	for (size_t i = 0; i < w->aggs.n; i++)
		if (st_agg_load(&w->aggs.v[i],
		    st_aggs_slot(&w->aggs, slots, i), g->v[i].val,
		    g->v[i].vlen) < 0)
			return -1;
	return 0;
}

/* The reading of win_load: the scanned rows, kept across lines. */
typedef struct {
	win *w;
	st_fields a, b;
} win_loading;

static int
win_load_row(void *arg, char *line, size_t len, size_t lineno)
{
	win_loading *l = arg;

	if (load_row(l->w, line, len, &l->a, &l->b) < 0) {
		st_warn("state line %zu is not a group of this query",
		    lineno);
		return -1;
	}
	return 0;
}

static int
win_load(st_op *op, FILE *f)
{
	win *w = op->self;
	win_loading l = { w, { 0 }, { 0 } };
	size_t nlines;
	int rc;

	st_table_release(&w->t, free_payload, w);
	w->nsess = 0;
	w->nupdated = 0;
	w->swept_wm = ST_TIME_NONE;
	if (f == NULL)
		return 0;
	rc = st_state_read(f, FORMAT, win_load_row, &l, &nlines);
	if (nlines == 0 && rc == 0) {
		st_warn("empty state file");
		rc = -1;
	}
	st_fields_release(&l.a);
	st_fields_release(&l.b);
	return rc;
}

static void
win_metrics(st_op *op, json_t *obj)
{
	win *w = op->self;
	size_t mem = st_table_memory(&w->t);

	if (w->owned_mem || w->o->gap) {
		for (size_t i = 0; i < w->t.n; i++) {
			st_entry *e = w->t.v[i];
			if (w->o->gap) {
				sesslist *l = st_entry_payload(e);
				mem += l->cap * w->stride + 16;
				for (size_t j = 0; j < l->n; j++)
					for (size_t k = 0; k < w->aggs.n; k++)
						mem += st_agg_memory(
						    &w->aggs.v[k],
						    st_aggs_slot(&w->aggs,
						    sess_at(w, l, j)->slots,
						    k));
			} else {
				for (size_t k = 0; k < w->aggs.n; k++)
					mem += st_agg_memory(&w->aggs.v[k],
					    st_aggs_slot(&w->aggs,
					    group_slots(e), k));
			}
		}
	}
	json_object_set_new(obj, "stateRows", json_integer(state_rows(w)));
	json_object_set_new(obj, "stateRowsUpdated",
	    json_integer(w->m_updated));
	json_object_set_new(obj, "stateRowsRemoved",
	    json_integer(w->m_removed));
	json_object_set_new(obj, "stateMemoryBytes", json_integer(mem));
	if (w->m_no_time)
		json_object_set_new(obj, "numRowsWithoutEventTime",
		    json_integer(w->m_no_time));
	st_colcheck_metric(&w->cc, obj);
}

/* Grouping on the event time column itself: each value a group. */
static int
time_is_key(const st_window_opts *o)
{
	for (size_t i = 0; o->time.col && o->by && o->by[i]; i++)
		if (strcmp(o->by[i], o->time.col) == 0)
			return 1;
	return 0;
}

void
st_window_check(st_window_opts *o)
{
	if (o->agg_text == NULL)
		st_usage_error("--agg is required");
	if (o->grouping != ST_GROUP_BY) {
		size_t n = 0;
		while (o->by && o->by[n])
			n++;
		if (n > 16)
			st_usage_error("--cube and --rollup take at most 16 "
			    "columns (a cube of them is 2^n groups per row)");
	}
	if (o->time.col == NULL) {
		if (o->size || o->slide || o->gap)
			st_usage_error("--size, --slide and --session-gap need "
			    "--time, the event time column");
		/* Without --by either: a global aggregate, one group. */
		if (!o->mode_given)
			o->mode = ST_MODE_UPDATE;
		if (o->mode == ST_MODE_APPEND)
			st_usage_error("append mode needs a window: a group "
			    "without a window never closes, so it could "
			    "never be emitted (use --mode update or "
			    "complete)");
		return;
	}
	if (o->gap && (o->size || o->slide))
		st_usage_error("--session-gap cannot be combined with --size "
		    "or --slide");
	if (!o->gap && o->size == 0 && !time_is_key(o))
		st_usage_error("--time needs --size (or --session-gap), or the "
		    "time column among --by to group on its values");
	if (o->slide == 0)
		o->slide = o->size;
	if (o->slide > o->size)
		st_usage_error("--slide must not be longer than --size (rows "
		    "between windows would be lost)");
	if (o->gap && o->mode == ST_MODE_UPDATE)
		st_usage_error("update mode is not supported for session "
		    "windows: a session's window changes as it grows (use "
		    "append or complete)");
}

int
st_window_run(const st_window_opts *o, st_common *common)
{
	win w;
	char *err = NULL;
	int rc;

	memset(&w, 0, sizeof w);
	w.o = o;
	w.wm = w.swept_wm = w.late_wm = ST_TIME_NONE;
	for (w.nby = 0; o->by && o->by[w.nby]; w.nby++)
		;
	if (st_aggs_parse_keys(&w.aggs, o->agg_text,
	    (const char *const *)o->by, w.nby, &err) < 0)
		st_usage_error("--agg: %s", err);
	w.nkey = w.nby + (o->grouping != ST_GROUP_BY);
	make_sets(&w);
	w.kf = st_calloc(w.nby ? w.nby : 1, sizeof *w.kf);
	w.kv = st_calloc(w.nby ? w.nby : 1, sizeof *w.kv);
	st_colcheck_init(&w.cc, o->grouping == ST_GROUP_CUBE ? "--cube" :
	    o->grouping == ST_GROUP_ROLLUP ? "--rollup" : "--by",
	    (const char *const *)o->by, w.nby);
	for (size_t i = 0; i < w.aggs.n; i++)
		if (st_agg_owns_memory(&w.aggs.v[i]))
			w.owned_mem = 1;
	for (size_t i = 0; i < w.aggs.nout; i++)
		for (size_t k = 0; k < w.nby; k++)
			if (strcmp(w.aggs.out[i].name, o->by[k]) == 0)
				st_usage_error("aggregate '%s' has the name of "
				    "a key column (use AS)", o->by[k]);
	w.stride = sizeof(sess) + w.aggs.size;
	st_table_init(&w.t, o->gap ? sizeof(sesslist) :
	    w.aggs.size);
	w.epoch = 1;
	w.keep_updated = o->gap || o->mode == ST_MODE_UPDATE;
	const char **keys = st_calloc(w.nby + 2, sizeof *keys);
	size_t nk = 0;
	if (o->time.col && (o->size || o->gap))
		keys[nk++] = "window";
	for (size_t i = 0; i < w.nby; i++)
		keys[nk++] = o->by[i];
	w.keys = keys;
	st_linefile_open(&w.late, o->late_output);

	st_op op = {
		.name = "st-window",
		.flags = ST_OP_END_TEXT,
		.self = &w,
		.begin = win_begin,
		.record = win_record,
		.end = win_end,
		.finish = win_finish,
		.describe = win_describe,
		.evolves = win_evolves,
		.save = win_save,
		.load = win_load,
		.metrics = win_metrics,
		.late = &w.late,
	};
	rc = st_op_run(&op, common);

	st_linefile_close(&w.late);
	st_table_release(&w.t, free_payload, &w);
	st_aggs_release(&w.aggs);
	st_buf_release(&w.key);
	st_buf_release(&w.out);
	st_arena_release(&w.arena);
	free(w.updated);
	free(w.rows);
	free(w.sets);
	free(w.kf);
	free(w.kv);
	st_colcheck_release(&w.cc);
	free(keys);
	free(err);
	return rc;
}
