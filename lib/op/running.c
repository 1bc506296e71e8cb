/* running.c - st-running; see running.h. */
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "err.h"
#include "op/running.h"
#include "state/agg.h"
#include "state/file.h"
#include "state/table.h"

/* The state file's format (state/file.h). */
#define FORMAT "st-running/1"

typedef struct running {
	const st_running_opts *o;
	st_aggs aggs;
	size_t nby;
	st_table t;
	st_buf key, out;
	st_arena arena;
	uint64_t m_updated;
	st_colcheck cc;		/* --by columns seen */
	st_field *kv;		/* the record's --by values, copied */
	int exprs;		/* some output is an expression */
} running;

static void
free_payload(void *payload, void *arg)
{
	running *s = arg;
	st_aslot *slots = payload;

	for (size_t i = 0; i < s->aggs.n; i++)
		st_agg_clear(&s->aggs.v[i], st_aggs_slot(&s->aggs, slots, i));
}

static int
run_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	running *s = op->self;
	const char *mode = b->begin ?
	    json_string_value(json_object_get(b->begin, "mode")) : NULL;

	s->m_updated = 0;
	if (mode && strcmp(mode, "append") != 0) {
		st_writer_flush(&ctx->out);
		st_die(ST_EXIT_DATA, "batch %lld is in %s mode: running "
		    "aggregates need each row once (use st-window --mode "
		    "append upstream)", (long long)b->id, mode);
	}
	return 0;
}

static int
run_record(st_op *op, st_ctx *ctx, st_record *r)
{
	running *s = op->self;
	int created;

	st_buf_reset(&s->key);
	st_colcheck_row(&s->cc, r);
	for (size_t i = 0; i < s->nby; i++) {
		const st_field *f = st_record_column(r, s->o->by[i],
		    strlen(s->o->by[i]));
		if (f)
			st_colcheck_found(&s->cc, i);
		st_key_add(&s->key, f);
		if (!s->exprs)
			continue;
		/* For the outputs' expressions, copied: setting the
		 * results edits r. */
		memset(&s->kv[i], 0, sizeof s->kv[i]);
		s->kv[i].val = f ? st_arena_strndup(&s->arena, f->val,
		    f->vlen) : "null";
		s->kv[i].vlen = f ? f->vlen : 4;
		s->kv[i].type = (uint8_t)st_json_type(s->kv[i].val);
	}
	st_entry *e = st_table_upsert(&s->t, s->key.data, s->key.len,
	    &created);
	st_aslot *slots = st_entry_payload(e);
	st_aggs_update(&s->aggs, slots, r);
	s->m_updated++;
	for (size_t i = 0; i < s->aggs.nout; i++) {
		st_buf_reset(&s->out);
		st_aggs_put(&s->aggs, slots, i, s->kv, &s->out);
		st_record_set_raw(r, s->aggs.out[i].name,
		    strlen(s->aggs.out[i].name), s->out.data, s->out.len);
	}
	st_arena_reset(&s->arena);
	st_emit(ctx, r);
	return 0;
}

static int
run_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	running *s = op->self;

	(void)ctx, (void)b;
	st_colcheck_end(&s->cc);
	return 0;
}

static json_t *
run_describe(st_op *op)
{
	running *s = op->self;
	json_t *d = json_object(), *by = json_array();

	for (size_t i = 0; i < s->nby; i++)
		json_array_append_new(by, json_string(s->o->by[i]));
	json_object_set_new(d, "by", by);
	st_aggs_describe(&s->aggs, d);
	return d;
}

/* The state is the aggregates' slots per key: the outputs over them and
 * their names may change on restart (st_aggs_evolves). */
static int
run_evolves(st_op *op, const char *key, json_t *was, json_t *now)
{
	running *s = op->self;

	return st_aggs_evolves(&s->aggs, key, was, now);
}

static int
run_save(st_op *op, FILE *f)
{
	running *s = op->self;
	st_buf *b = &s->out;

	st_buf_reset(b);
	st_state_header(b, FORMAT, s->t.n);
	for (size_t i = 0; i < s->t.n; i++) {
		st_entry *e = s->t.v[i];
		st_buf_putc(b, '[');
		st_aggs_save_group(&s->aggs, st_entry_payload(e),
		    st_entry_key(&s->t, e), e->klen, s->nby, b);
		st_buf_add(b, "]\n", 2);
	}
	return fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
}

/* The reading of run_load: the scanned rows, kept across lines. */
typedef struct {
	running *s;
	st_fields a, k;
} run_loading;

static int
run_load_row(void *arg, char *line, size_t len, size_t lineno)
{
	run_loading *l = arg;
	running *s = l->s;
	st_fields *a = &l->a, *k = &l->k;
	st_json_err je;
	int rc = 0, created;

	if (st_json_scan_array(line, len, a, &je) < 0 ||
	    a->n != 2 || st_json_scan_array(a->v[0].val, a->v[0].vlen,
	    k, &je) < 0 || k->n != s->nby)
		goto bad;
	st_buf_reset(&s->key);
	for (size_t i = 0; i < k->n; i++)
		st_key_add_json(&s->key, k->v[i].val, k->v[i].vlen);
	st_entry *e = st_table_upsert(&s->t, s->key.data, s->key.len,
	    &created);
	st_aslot *slots = st_entry_payload(e);
	if (st_json_scan_array(a->v[1].val, a->v[1].vlen, k, &je) < 0 ||
	    k->n != s->aggs.n)
		goto bad;
	for (size_t i = 0; i < k->n && rc == 0; i++)
		rc = st_agg_load(&s->aggs.v[i],
		    st_aggs_slot(&s->aggs, slots, i), k->v[i].val,
		    k->v[i].vlen);
	if (rc < 0)
		goto bad;
	return 0;
bad:
	st_warn("state line %zu is not a key of this query", lineno);
	return -1;
}

static int
run_load(st_op *op, FILE *f)
{
	running *s = op->self;
	run_loading l = { s, { 0 }, { 0 } };
	size_t nlines;
	int rc;

	st_table_release(&s->t, free_payload, s);
	if (f == NULL)
		return 0;
	rc = st_state_read(f, FORMAT, run_load_row, &l, &nlines);
	st_fields_release(&l.a);
	st_fields_release(&l.k);
	return rc;
}

static void
run_metrics(st_op *op, json_t *obj)
{
	running *s = op->self;
	size_t mem = st_table_memory(&s->t);

	for (size_t i = 0; i < s->t.n; i++) {
		st_aslot *slots = st_entry_payload(s->t.v[i]);
		for (size_t k = 0; k < s->aggs.n; k++)
			mem += st_agg_memory(&s->aggs.v[k],
			    st_aggs_slot(&s->aggs, slots, k));
	}
	json_object_set_new(obj, "stateRows", json_integer(s->t.n));
	json_object_set_new(obj, "stateRowsUpdated",
	    json_integer(s->m_updated));
	json_object_set_new(obj, "stateRowsRemoved", json_integer(0));
	json_object_set_new(obj, "stateMemoryBytes", json_integer(mem));
	st_colcheck_metric(&s->cc, obj);
}

int
st_running_run(const st_running_opts *o, st_common *common)
{
	running s;
	char *err = NULL;

	memset(&s, 0, sizeof s);
	s.o = o;
	if (o->agg_text == NULL)
		st_usage_error("--agg is required");
	for (s.nby = 0; o->by && o->by[s.nby]; s.nby++)
		;
	if (st_aggs_parse_keys(&s.aggs, o->agg_text,
	    (const char *const *)o->by, s.nby, &err) < 0)
		st_usage_error("--agg: %s", err);
	st_aggs_set_running(&s.aggs);
	s.exprs = !st_aggs_plain(&s.aggs);
	s.kv = st_calloc(s.nby ? s.nby : 1, sizeof *s.kv);
	st_table_init(&s.t, s.aggs.size);
	st_colcheck_init(&s.cc, "--by", (const char *const *)o->by, s.nby);
	st_op op = {
		.name = "st-running",
		.self = &s,
		.begin = run_begin,
		.record = run_record,
		.end = run_end,
		.flags = ST_OP_END_TEXT,
		.describe = run_describe,
		.evolves = run_evolves,
		.save = run_save,
		.load = run_load,
		.metrics = run_metrics,
	};
	int rc = st_op_run(&op, common);
	st_table_release(&s.t, free_payload, &s);
	st_aggs_release(&s.aggs);
	st_colcheck_release(&s.cc);
	free(s.kv);
	st_buf_release(&s.key);
	st_buf_release(&s.out);
	st_arena_release(&s.arena);
	return rc;
}
