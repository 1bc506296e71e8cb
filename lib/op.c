/* op.c - the runner every operator tool shares; see op.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "op.h"
#include "datetime.h"

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	/* A second signal means the user will not wait for the batch. */
	if (stop_flag)
		_exit(128 + sig);
	stop_flag = 1;
}

void
st_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read(2) must return so the loop can stop
	 * between batches. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
st_stop_requested(void)
{
	return stop_flag != 0;
}

void
st_batch_set_watermark(st_batch *b, int64_t wm)
{
	b->wm = wm;
	if (b->begin == NULL)
		return;
	if (wm == ST_TIME_NONE) {
		json_object_del(b->begin, "wm");
	} else {
		st_buf t = ST_BUF_INIT;
		st_format_timestamp(&t, wm);
		json_object_set_new(b->begin, "wm", json_string(t.data));
		st_buf_release(&t);
	}
	b->dirty = 1;
}

const char *
st_batch_mode(const st_batch *b)
{
	const char *m = b->begin ? json_string_value(json_object_get(b->begin,
	    "mode")) : NULL;

	return m ? m : "append";
}

int
st_batch_has_watermark(const st_batch *b)
{
	return b->begin && (json_object_get(b->begin, "wm") ||
	    json_object_get(b->begin, "wms") ||
	    json_object_get(b->begin, "delay"));
}

void
st_refuse(st_ctx *ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	st_writer_flush(&ctx->out);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st_die(ST_EXIT_USAGE, "%s", msg);
}

int
st_batch_no_data(const st_batch *b)
{
	return b->begin && json_is_true(json_object_get(b->begin, "noData"));
}

void
st_batch_need(st_batch *b)
{
	if (!st_batch_no_data(b) || st_batch_needed(b))
		return;
	json_object_set_new(b->begin, "run", json_true());
	b->dirty = 1;
}

int
st_batch_needed(const st_batch *b)
{
	return b->begin && json_is_true(json_object_get(b->begin, "run"));
}

void
st_batch_set_mode(st_batch *b, const char *mode, const char *const *keys)
{
	if (b->begin == NULL)
		return;
	json_object_set_new(b->begin, "mode", json_string(mode));
	json_t *k = json_array();
	for (; keys && *keys; keys++)
		json_array_append_new(k, json_string(*keys));
	json_object_set_new(b->begin, "keys", k);
	b->dirty = 1;
}

void
st_emit(st_ctx *ctx, st_record *r)
{
	ctx->rows_out++;
	st_record_write(r, &ctx->out);
}

void
st_emit_raw(st_ctx *ctx, const char *json, size_t len)
{
	ctx->rows_out++;
	st_write_data_line(&ctx->out, json, len);
}

/*
 * Called by the reader before each read(2). When the input has nothing more
 * to give right now, what this tool has written so far is flushed, so that
 * a record never waits in a buffer while the pipeline is idle (continuous
 * mode, low rates). While input keeps coming, output still goes out in big
 * blocks: one poll(2) per read of input, not per record.
 */
static void
flush_if_idle(void *arg)
{
	st_ctx *ctx = arg;
	struct pollfd pfd = { .fd = 0, .events = POLLIN };

	if (ctx->out.len == 0)
		return;
	if (poll(&pfd, 1, 0) == 0)
		st_writer_flush(&ctx->out);
}

/*
 * The runner's own state, beside the public context. st_op_run() is a loop
 * over input lines that hands each to one of four phases:
 *
 *   batch_begin   a begin line (or the synthetic batch of end of input):
 *                 state for the batch, the op's begin, the begin line out;
 *   batch_data    a data line: validation, malformed policy, the op's
 *                 record (a data line outside any batch opens the implicit
 *                 batch of plain NDJSON);
 *   batch_end     an end line: the op's end, then batch_close: state saved,
 *                 the end line out with the op's progress, output flushed,
 *                 the batch released;
 *   input_end     end of input: the implicit batch ends, the op's finish
 *                 (in one more batch of its own when the input had
 *                 control lines and is complete).
 *
 * A source that produces many small batches (the continuous trigger) goes
 * through the same phases; nothing about a batch is written twice.
 */
typedef struct runner {
	st_op *op;
	st_ctx ctx;
	st_ckpt ckpt;
	int stateful;		/* op keeps checkpointed state */
	char *corner;		/* "state/<name>" */
	const char *cname;	/* <name>: the corner's name, in corner */
	int64_t state_version;	/* the batch whose state the op holds */
	st_linefile dead;	/* --dead-letter */
	st_malformed_policy mal;
	char *owner;		/* "TOOL[.NAME]", its side files' owner */
	st_buf scratch;
	char *source;		/* owned copy of the current source tag */
	st_fields cfields;	/* a control line's members (text path) */

	st_reader rd;
	st_record rec;
	st_batch batch;		/* the batch in progress when in_batch */
	st_ctl begin_ctl;	/* owns batch.begin */
	int in_batch;
	int implicit;		/* in_batch is plain NDJSON's batch -1 */
	int stopped;		/* stopped by a signal, not end of input */
	int eos;		/* the end-of-stream line was read */
	int64_t last_id, last_ts, last_wm;	/* the last batch ended */
	int chained;		/* a begin line gave an output mode */
} runner;

/* An end line as batch_close() writes it: either a parsed object (obj) or,
 * for the text path, the line with the offset of its progress array's ']'
 * and whether that array is empty. */
typedef struct end_line {
	json_t *obj;		/* borrowed; NULL: text */
	const char *text;
	size_t len, rbr;
	int empty;
} end_line;

static void
write_control(runner *rn, json_t *obj)
{
	if (rn->op->flags & ST_OP_SINK)
		return;
	st_buf_reset(&rn->scratch);
	st_ctl_serialize(obj, &rn->scratch);
	st_buf_putc(&rn->scratch, '\n');
	st_writer_write(&rn->ctx.out, rn->scratch.data, rn->scratch.len);
}

/*
 * What changed between the query a tool was started with and now, member
 * by member, as the option that sets it: "--agg was 'sum(x) AS s', now
 * 'count(*)'". A describe member is named as its option, camelCase for
 * the dashes (sessionGap: --session-gap). Members the op's evolves allows
 * to change are left out: an empty diff is a query the state still fits.
 */
static void
query_diff(st_op *op, json_t *was, json_t *now, st_buf *out)
{
	json_t *keys = json_object();
	const char *k;
	json_t *v;

	json_object_foreach(was, k, v)
		json_object_set(keys, k, json_true());
	json_object_foreach(now, k, v)
		json_object_set(keys, k, json_true());
	json_object_foreach(keys, k, v) {
		json_t *a = json_object_get(was, k), *b = json_object_get(now, k);
		if ((a && b && json_equal(a, b)) ||
		    (op->evolves && op->evolves(op, k, was, now)))
			continue;
		if (out->len)
			st_buf_puts(out, "; ");
		/* Members not named as their option. */
		static const char *const named[][2] = {
			{ "grouping", "--cube/--rollup" },
			{ "timeUnitUsec", "--time-unit (usec)" },
			{ "aggCalls", "--agg (its aggregate calls)" },
		};
		const char *opt = NULL;
		for (size_t i = 0; i < sizeof named / sizeof *named; i++)
			if (strcmp(k, named[i][0]) == 0)
				opt = named[i][1];
		if (opt)
			st_buf_puts(out, opt);
		else
			st_buf_puts(out, "--");
		for (const char *c = opt ? "" : k; *c; c++) {
			if (*c >= 'A' && *c <= 'Z') {
				st_buf_putc(out, '-');
				st_buf_putc(out, (char)(*c - 'A' + 'a'));
			} else {
				st_buf_putc(out, *c);
			}
		}
		char *ta = a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		char *tb = b ? json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		st_buf_printf(out, " was %s, now %s", ta ? ta : "not given",
		    tb ? tb : "not given");
		free(ta);
		free(tb);
	}
	json_decref(keys);
}

static int
check_query(runner *rn)
{
	if (rn->op->describe == NULL)
		return 0;
	json_t *now = rn->op->describe(rn->op), *was;
	st_buf path = ST_BUF_INIT;
	int rc = st_ckpt_read_json(&rn->ckpt,
	    st_ckpt_query_path(&path, rn->corner), &was);

	st_buf diff = ST_BUF_INIT;
	int changed = rc > 0 && !json_equal(was, now);

	if (changed)
		query_diff(rn->op, was, now, &diff);
	if (changed && diff.len == 0) {
		/* Only what the state does not depend on changed: the query
		 * is now's, as Spark writes the new state schema. */
		rc = st_ckpt_write_json(&rn->ckpt, path.data, now);
	} else if (changed) {
		st_warn("checkpoint '%s' holds the state of a different query "
		    "(%s); Spark refuses such a change too: use a new "
		    "checkpoint directory, or the old options",
		    rn->ckpt.dir, diff.data);
		rc = -1;
	} else if (rc == 0) {
		rc = st_ckpt_write_json(&rn->ckpt, path.data, now);
	}
	st_buf_release(&diff);
	json_decref(was);
	json_decref(now);
	st_buf_release(&path);
	return rc < 0 ? -1 : 0;
}

/* True when the op's corner of the checkpoint exists. */
static int
has_state(runner *rn)
{
	return st_ckpt_exists(&rn->ckpt, rn->corner);
}

/*
 * The invariants of the op's corner, checked at start: the query file
 * exists wherever state does, and the state of the last committed batch
 * (where replays start) is there. A tool of a running pipeline may prune
 * or commit meanwhile (an overlapping run's tools start too), so an
 * apparent violation is looked at again while the last commit moves.
 */
static int
check_corner(runner *rn)
{
	st_ckpt *c = &rn->ckpt;
	st_buf p = ST_BUF_INIT;
	int rc = 0;

	for (int tries = 0; tries < 5; tries++) {
		int64_t last = st_ckpt_last_commit(c), *v;
		size_t n;
		rc = 0;
		if (last < 0 && errno) {
			st_warn("cannot read checkpoint directory '%s/%s':",
			    c->dir, ST_CKPT_COMMITS);
			return -1;
		}
		if (st_ckpt_versions(c, rn->corner, &v, &n) < 0) {
			st_warn("cannot read checkpoint directory '%s/%s':",
			    c->dir, rn->corner);
			return -1;
		}
		int found = last < 0 || n == 0;
		for (size_t i = 0; i < n && !found; i++)
			found = v[i] == last;
		if (n && !st_ckpt_exists(c, st_ckpt_query_path(&p,
		    rn->corner))) {
			st_warn("checkpoint file '%s/%s' is missing, but '%s/%s' "
			    "holds state; restore it from a backup, or start "
			    "again with a new checkpoint directory", c->dir,
			    p.data, c->dir, rn->corner);
			rc = -1;
		} else if (!found && st_ckpt_last_commit(c) == last) {
			st_warn("checkpoint file '%s/%s' is missing: it holds "
			    "the state after batch %lld, the last committed; "
			    "restore it from a backup, or start again with a "
			    "new checkpoint directory", c->dir,
			    st_ckpt_state_path(&p, rn->corner, last),
			    (long long)last);
			rc = -1;
		} else if (!found) {
			rc = 1;		/* a commit meanwhile: again */
		}
		free(v);
		if (rc <= 0)
			break;
	}
	st_buf_release(&p);
	return rc < 0 ? -1 : 0;
}

/* Makes the op hold the state after batch id-1. */
static int
ensure_state(runner *rn, int64_t id)
{
	if (!rn->stateful || rn->state_version == id - 1)
		return 0;
	if (id == 0) {
		rn->state_version = -1;
		return rn->op->load(rn->op, NULL);
	}
	st_buf path = ST_BUF_INIT;
	st_ckpt_state_path(&path, rn->corner, id - 1);
	FILE *f = st_ckpt_open_read(&rn->ckpt, path.data);
	if (f == NULL && errno == ENOENT && !has_state(rn))
		st_warn("no saved state for batch %lld: '%s/%s' does not exist "
		    "(was this tool added to a pipeline that already ran? "
		    "start it with a new checkpoint directory)",
		    (long long)(id - 1), rn->ckpt.dir, rn->corner);
	else if (f == NULL && errno == ENOENT)
		st_warn("no saved state for batch %lld: checkpoint file "
		    "'%s/%s' is missing; restore it from a backup, or start "
		    "again with a new checkpoint directory",
		    (long long)(id - 1), rn->ckpt.dir, path.data);
	else if (f == NULL)
		st_ckpt_warn_read(&rn->ckpt, path.data);
	if (f == NULL) {
		st_buf_release(&path);
		return -1;
	}
	int rc = rn->op->load(rn->op, f);
	fclose(f);
	if (rc < 0)
		st_warn("cannot load state '%s/%s': restore it from a backup, "
		    "or start again with a new checkpoint directory",
		    rn->ckpt.dir, path.data);
	st_buf_release(&path);
	rn->state_version = id - 1;
	return rc;
}

static void
prune_state(runner *rn, int64_t id)
{
	/* A version may go only when a later batch is committed (replays
	 * start after the last commit and need its state), and only beyond
	 * the versions the user asked to keep. Without a checkpointing sink
	 * the count alone decides. */
	int64_t limit = id + 1 - rn->ctx.common->keep_versions;
	if (st_ckpt_sink_announced(&rn->ckpt)) {
		int64_t committed = st_ckpt_last_commit(&rn->ckpt);
		if (committed < limit)
			limit = committed;
	}
	(void)st_ckpt_prune(&rn->ckpt, rn->corner, limit);
}

static int
save_state(runner *rn, int64_t id)
{
	st_buf path = ST_BUF_INIT;
	st_ckpt_tx tx;

	st_ckpt_state_path(&path, rn->corner, id);
	FILE *f = st_ckpt_begin(&rn->ckpt, path.data, &tx);
	if (f == NULL) {
		st_warn("cannot write '%s/%s':", rn->ckpt.dir, path.data);
		st_buf_release(&path);
		return -1;
	}
	if (rn->op->save(rn->op, f) < 0) {
		if (st_ckpt_tx_error(&tx))
			errno = st_ckpt_tx_error(&tx);
		st_warn("cannot write '%s/%s':", rn->ckpt.dir, path.data);
		st_ckpt_abort(&tx);
		st_buf_release(&path);
		return -1;
	}
	if (st_ckpt_commit(&tx) < 0) {
		st_warn("cannot write '%s/%s':", rn->ckpt.dir, path.data);
		st_buf_release(&path);
		return -1;
	}
	st_buf_release(&path);
	rn->state_version = id;
	prune_state(rn, id);
	return 0;
}

static json_t *
progress_entry(runner *rn)
{
	json_t *o = json_object();
	st_ctx *c = &rn->ctx;

	json_object_set_new(o, "name", json_string(rn->cname));
	json_object_set_new(o, "numInputRows", json_integer(c->rows_in));
	json_object_set_new(o, "numOutputRows", json_integer(c->rows_out));
	if (c->rows_malformed)
		json_object_set_new(o, "numMalformedRows",
		    json_integer(c->rows_malformed));
	/* Stateful ops drop late rows with or without a checkpoint. */
	if (rn->op->save != NULL || c->rows_dropped_watermark)
		json_object_set_new(o, "numRowsDroppedByWatermark",
		    json_integer(c->rows_dropped_watermark));
	if (rn->op->metrics)
		rn->op->metrics(rn->op, o);
	return o;
}

/*
 * The end line of a batch, as text, for ops without an end callback (the
 * stateless tools) or flagged ST_OP_END_TEXT: parsing the line with jansson and writing it back
 * costs about 25 us (its progress array grows with every stage), which
 * with small batches (a trickle through st-read -) made each stage of a
 * pipeline slower than the source. Here the line is validated by the
 * scanner and the op's progress entry is inserted into its text; the
 * upstream bytes pass unchanged. Returns 1 with the batch id in *id, the
 * offset of the progress array's ']' in *rbr and whether the array is
 * empty in *empty; 0 for anything unusual (escaped or duplicate keys, no
 * progress array, ...), which then takes the general path, which says
 * what is wrong when something is.
 */
static int
end_as_text(runner *rn, const char *line, size_t len, int64_t *id,
    size_t *rbr, int *empty)
{
	st_fields *f = &rn->cfields;
	int kind = 0, have_id = 0, have_prog = 0;

	if (st_json_scan_object(line, len, f, NULL) < 0)
		return 0;
	for (uint32_t i = 0; i < f->n; i++) {
		const st_field *a = &f->v[i];
		if (a->kesc)
			return 0;
		for (uint32_t j = 0; j < i; j++)
			if (f->v[j].klen == a->klen &&
			    memcmp(f->v[j].key, a->key, a->klen) == 0)
				return 0;
		if (a->klen == 3 && memcmp(a->key, "@st", 3) == 0) {
			kind = a->vlen == 5 && memcmp(a->val, "\"end\"", 5) == 0;
		} else if (a->klen == 5 && memcmp(a->key, "batch", 5) == 0) {
			double dv;
			have_id = a->type == ST_J_NUMBER &&
			    st_json_number(a->val, a->vlen, id, &dv) == 1 &&
			    *id >= 0;
		} else if (a->klen == 8 && memcmp(a->key, "progress", 8) == 0) {
			if (a->type != ST_J_ARRAY)
				return 0;
			have_prog = 1;
			*rbr = (size_t)(a->val - line) + a->vlen - 1;
			const char *q = a->val + 1;
			while (*q == ' ' || *q == '\t' || *q == '\n' ||
			    *q == '\r')
				q++;
			*empty = *q == ']';
		}
	}
	return kind && have_id && have_prog;
}

/* Appends the op's progress entry for the batch, as compact JSON, to b. */
static void
progress_text(runner *rn, st_buf *b)
{
	st_ctx *c = &rn->ctx;

	if (rn->op->metrics == NULL && rn->op->save == NULL &&
	    c->rows_dropped_watermark == 0) {
		/* What progress_entry() would give, without building it. */
		st_buf_puts(b, "{\"name\":");
		st_buf_put_json_string(b, rn->cname, strlen(rn->cname));
		st_buf_puts(b, ",\"numInputRows\":");
		st_buf_put_i64(b, (int64_t)c->rows_in);
		st_buf_puts(b, ",\"numOutputRows\":");
		st_buf_put_i64(b, (int64_t)c->rows_out);
		if (c->rows_malformed) {
			st_buf_puts(b, ",\"numMalformedRows\":");
			st_buf_put_i64(b, (int64_t)c->rows_malformed);
		}
		st_buf_putc(b, '}');
		return;
	}
	json_t *o = progress_entry(rn);
	char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(17));
	st_buf_puts(b, t ? t : "{}");
	free(t);
	json_decref(o);
}

static void
reset_counters(st_ctx *c)
{
	c->rows_in = c->rows_out = c->rows_malformed = 0;
	c->rows_dropped_watermark = 0;
}

/* Applies the malformed-record policy; returns 1 when r should go on to
 * the op (possibly rewritten as a _corrupt_record), 0 when dropped. */
static int
malformed(runner *rn, st_record *r)
{
	size_t n;
	const char *keep = st_malformed_apply(&rn->mal, &rn->ctx.out, r->line,
	    r->len, NULL, 0, &n, "%s:%llu:%zu: malformed record: %s",
	    rn->ctx.input_name, (unsigned long long)r->lineno,
	    r->err.offset + 1, r->err.msg);

	rn->ctx.rows_malformed++;
	if (keep == NULL)
		return 0;
	st_record_set_line(r, keep, n, r->lineno);
	return 1;
}

static noreturn void
protocol_error(runner *rn, uint64_t lineno, const char *msg)
{
	st_die(ST_EXIT_DATA, "%s:%llu: %s", rn->ctx.input_name,
	    (unsigned long long)lineno, msg);
}

/* The watermark for late rows of batch b (st_batch's late_wm), before the
 * op's begin callback announces its own mode downstream. */
static void
set_late_wm(runner *rn, st_batch *b)
{
	if (b->begin && json_object_get(b->begin, "mode"))
		rn->chained = 1;
	b->late_wm = rn->chained ? rn->last_wm : b->wm;
}

/*
 * Begin phase. obj is the begin object, owned by rn->begin_ctl from here to
 * the batch's end; line/len its text as read, passed on unchanged when the
 * op does not edit it (NULL: always serialized).
 */
static int
batch_begin(runner *rn, const char *line, size_t len)
{
	st_op *op = rn->op;
	st_batch *b = &rn->batch;
	json_t *obj = rn->begin_ctl.obj;

	memset(b, 0, sizeof *b);
	b->id = rn->begin_ctl.batch;
	b->begin = obj;
	b->ts_ms = json_integer_value(json_object_get(obj, "ts"));
	b->wm = ST_TIME_NONE;
	const char *wm = json_string_value(json_object_get(obj, "wm"));
	if (wm && st_parse_timestamp(wm, strlen(wm), &b->wm) < 0)
		protocol_error(rn, rn->rd.lineno, "invalid watermark in begin "
		    "line");
	free(rn->source);
	rn->source = NULL;
	rn->ctx.source = NULL;
	reset_counters(&rn->ctx);
	rn->in_batch = 1;
	rn->ctx.batch = b;
	set_late_wm(rn, b);
	if (rn->stateful && ensure_state(rn, b->id) < 0)
		return -1;
	/* Side files exactly once: a replayed batch first cuts them back. */
	st_linefile *side[] = { &rn->dead, op->late };
	if (st_linefile_batch(rn->ctx.ckpt, rn->owner, b->id, side, 2) < 0)
		return -1;
	if (op->begin && op->begin(op, &rn->ctx, b) < 0)
		return -1;
	if (line == NULL || b->dirty || (op->flags & ST_OP_SINK)) {
		write_control(rn, b->begin);
	} else {
		st_writer_write(&rn->ctx.out, line, len);
		st_writer_putc(&rn->ctx.out, '\n');
	}
	return 0;
}

/* Data phase: one data line. */
static int
batch_data(runner *rn, const char *line, size_t len)
{
	st_op *op = rn->op;

	if (!rn->in_batch) {
		if (rn->ctx.controlled)
			protocol_error(rn, rn->rd.lineno, "data line outside "
			    "any batch");
		rn->implicit = rn->in_batch = 1;
		memset(&rn->batch, 0, sizeof rn->batch);
		rn->batch.id = -1;
		rn->batch.ts_ms = st_now_usec() / 1000;
		rn->batch.wm = ST_TIME_NONE;
		rn->ctx.batch = &rn->batch;
		set_late_wm(rn, &rn->batch);
		reset_counters(&rn->ctx);
		if (op->begin && op->begin(op, &rn->ctx, &rn->batch) < 0)
			return -1;
	}
	st_record_set_line(&rn->rec, line, len, rn->rd.lineno);
	if (st_record_scan(&rn->rec) < 0 &&
	    !malformed(rn, &rn->rec))
		return 0;
	rn->ctx.rows_in++;
	return op->record(op, &rn->ctx, &rn->rec);
}

/*
 * The second half of the end phase, after the op's end callback (or, for
 * the batch of end of input, its finish): the state saved, the end line
 * written with the op's progress (none for the implicit batch), the output
 * flushed and the batch released.
 */
static int
batch_close(runner *rn, const end_line *e)
{
	st_batch *b = &rn->batch;

	if (!rn->implicit) {
		if (rn->stateful && save_state(rn, b->id) < 0)
			return -1;
		if (e->obj != NULL) {
			json_array_append_new(json_object_get(e->obj,
			    "progress"), progress_entry(rn));
			write_control(rn, e->obj);
		} else {
			st_buf_reset(&rn->scratch);
			st_buf_add(&rn->scratch, e->text, e->rbr);
			if (!e->empty)
				st_buf_putc(&rn->scratch, ',');
			progress_text(rn, &rn->scratch);
			st_buf_add(&rn->scratch, e->text + e->rbr,
			    e->len - e->rbr);
			st_buf_putc(&rn->scratch, '\n');
			st_writer_write(&rn->ctx.out, rn->scratch.data,
			    rn->scratch.len);
		}
		st_writer_flush(&rn->ctx.out);
	}
	rn->last_id = b->id;
	rn->last_ts = b->ts_ms;
	rn->last_wm = b->wm;
	rn->in_batch = 0;
	rn->ctx.batch = NULL;
	st_ctl_release(&rn->begin_ctl);
	return 0;
}

/* End phase: the op's end callback on the batch, then batch_close(). */
static int
batch_end(runner *rn, const end_line *e)
{
	st_op *op = rn->op;

	rn->batch.end = e->obj;
	if (op->end && op->end(op, &rn->ctx, &rn->batch) < 0)
		return -1;
	return batch_close(rn, e);
}

/*
 * An end line on the text path (see end_as_text), for ops that do not read
 * it: returns 1 when it was handled (rc in *rc), 0 when the line needs the
 * general path.
 */
static int
end_text(runner *rn, const char *line, size_t len, int *rc)
{
	st_op *op = rn->op;
	end_line e = { .text = line, .len = len };
	int64_t id = -1;

	if (!rn->in_batch || (op->flags & ST_OP_SINK) ||
	    (op->end != NULL && !(op->flags & ST_OP_END_TEXT)) ||
	    !end_as_text(rn, line, len, &id, &e.rbr, &e.empty))
		return 0;
	if (id != rn->batch.id)
		protocol_error(rn, rn->rd.lineno, "end line does not match "
		    "the batch in progress");
	*rc = batch_end(rn, &e);
	return 1;
}

static int
is_abort(const char *line, size_t len)
{
	static const char a[] = "{\"@st\":\"abort\"";

	return len >= sizeof a - 1 && memcmp(line, a, sizeof a - 1) == 0;
}

/* An abort line arrived: passes it on (a sink with --raw too) and makes
 * sure no other is written at exit. */
static void
upstream_abort(runner *rn, const st_ctl *c, const char *line, size_t len)
{
	const char *tool = json_string_value(json_object_get(c->obj, "tool"));
	const char *msg = json_string_value(json_object_get(c->obj,
	    "message"));

	if (!(rn->op->flags & ST_OP_SINK)) {
		st_writer_write(&rn->ctx.out, line, len);
		st_writer_putc(&rn->ctx.out, '\n');
	}
	st_writer_flush(&rn->ctx.out);
	st_abort_passed(tool, msg);
	if (rn->op->flags & ST_OP_SINK)
		st_warn("upstream %s failed: %s", tool ? tool : "tool",
		    msg ? msg : "(no message)");
}

/* A control line. Returns 0, or -1 when a callback failed or the stream
 * was aborted upstream. */
static int
control_line(runner *rn, const char *line, size_t len)
{
	st_op *op = rn->op;
	st_ctl c;
	const char *why;
	int rc = 0;

	/* An abort may end plain NDJSON too: a failing tool writes one
	 * whatever its input was. */
	if (rn->implicit && !is_abort(line, len))
		protocol_error(rn, rn->rd.lineno, "control line after data "
		    "lines outside any batch");
	if (end_text(rn, line, len, &rc))
		return rc;
	if (st_ctl_parse(&c, line, len, &why) < 0)
		protocol_error(rn, rn->rd.lineno, why);
	rn->ctx.controlled = 1;
	switch (c.kind) {
	case ST_CTL_BEGIN:
		if (rn->in_batch)
			protocol_error(rn, rn->rd.lineno, "batch began before "
			    "the previous one ended");
		rn->begin_ctl = c;	/* keeps c.obj to the batch's end */
		return batch_begin(rn, line, len);
	case ST_CTL_END:
		if (!rn->in_batch || c.batch != rn->batch.id)
			protocol_error(rn, rn->rd.lineno, "end line does not "
			    "match the batch in progress");
		if (!json_is_array(json_object_get(c.obj, "progress")))
			json_object_set_new(c.obj, "progress", json_array());
		rc = batch_end(rn, &(end_line){ .obj = c.obj });
		break;
	case ST_CTL_EOS:
		if (rn->in_batch)
			protocol_error(rn, rn->rd.lineno, "end of stream inside "
			    "a batch");
		rn->eos = 1;
		break;
	case ST_CTL_ABORT:
		/* An upstream tool failed and said why: pass its line on and
		 * fail too, printing nothing more (it did), but the sink, last,
		 * repeats the message. */
		upstream_abort(rn, &c, line, len);
		rc = -1;
		break;
	case ST_CTL_SOURCE:
		free(rn->source);
		rn->source = st_strdup(json_string_value(
		    json_object_get(c.obj, "name")));
		rn->ctx.source = rn->source;
		/* passed on as it is, unless the op merges the sources into
		 * one output */
		if (op->flags & ST_OP_UNTAG)
			break;
		__attribute__((fallthrough));
	case ST_CTL_OTHER:
		if (!(op->flags & ST_OP_SINK)) {
			st_writer_write(&rn->ctx.out, line, len);
			st_writer_putc(&rn->ctx.out, '\n');
		}
		break;
	}
	st_ctl_release(&c);
	return rc;
}

/*
 * End-of-input phase. Plain NDJSON's batch ends here; then the op's finish.
 * When the input had control lines and is all there is, what finish
 * flushes travels in one more batch, so that it stays inside the protocol
 * for the tools downstream.
 */
static int
input_end(runner *rn)
{
	st_op *op = rn->op;

	if (rn->in_batch && !rn->implicit)
		st_die(ST_EXIT_DATA, "input ended inside batch %lld (did an "
		    "upstream tool die?); nothing of it was committed",
		    (long long)rn->batch.id);
	if (rn->ctx.controlled && !rn->eos && !rn->stopped)
		st_die(ST_EXIT_DATA, "input ended without an end-of-stream "
		    "line (did an upstream tool die?)");
	if (rn->implicit) {
		if (rn->in_batch && batch_end(rn, &(end_line){ 0 }) < 0)
			return -1;
		return op->finish ? op->finish(op, &rn->ctx, 1) : 0;
	}
	if (op->finish == NULL)
		return 0;
	int complete = !rn->stopped && rn->ctx.ckpt == NULL;
	if (!complete || !rn->ctx.controlled)
		return op->finish(op, &rn->ctx, complete);

	int64_t id = rn->last_id + 1;
	rn->begin_ctl = (st_ctl){ .kind = ST_CTL_BEGIN, .batch = id,
	    .obj = st_ctl_new_begin(id, rn->last_ts) };
	/* A batch without input (st_batch_no_data): what it carries is
	 * what the op flushes. */
	json_object_set_new(rn->begin_ctl.obj, "noData", json_true());
	if (rn->last_wm != ST_TIME_NONE) {
		st_buf t = ST_BUF_INIT;
		st_format_timestamp(&t, rn->last_wm);
		json_object_set_new(rn->begin_ctl.obj, "wm",
		    json_string(t.data));
		st_buf_release(&t);
	}
	/* The begin callback announces the op's output mode and keys for
	 * this batch, as for any other. */
	if (batch_begin(rn, NULL, 0) < 0 || op->finish(op, &rn->ctx, 1) < 0)
		return -1;
	json_t *e = st_ctl_new_end(id);
	int rc = batch_close(rn, &(end_line){ .obj = e });
	json_decref(e);
	return rc;
}

static void
runner_init(runner *rn, st_op *op, const st_common *common)
{
	memset(rn, 0, sizeof *rn);
	rn->op = op;
	rn->state_version = -2;
	rn->last_id = -1;
	rn->last_wm = ST_TIME_NONE;
	rn->ctx.common = common;
	rn->ctx.input_name = "<stdin>";
	st_signals_init();
	st_io_tune_pipe(0);
	st_io_tune_pipe(1);
	st_writer_init(&rn->ctx.out, 1, "standard output", 0);
	st_abort_writer(&rn->ctx.out);
	st_reader_init(&rn->rd, 0, "<stdin>");
	rn->rd.before_read = flush_if_idle;
	rn->rd.before_read_arg = &rn->ctx;
	st_record_init(&rn->rec);

	st_buf cn = ST_BUF_INIT;
	st_ckpt_state_dir(&cn, op->name, common->name);
	rn->corner = st_buf_detach(&cn, NULL);
	rn->cname = rn->corner + strlen(ST_CKPT_STATE "/");

	rn->dead = (st_linefile)ST_LINEFILE_INIT;
	st_linefile_open(&rn->dead, common->dead_letter);
	st_malformed_init(&rn->mal, common->malformed, &rn->dead);
	st_buf_reset(&cn);
	st_buf_puts(&cn, op->name);
	if (common->name)
		st_buf_printf(&cn, ".%s", common->name);
	rn->owner = st_buf_detach(&cn, NULL);
}

static int
runner_open_checkpoint(runner *rn)
{
	const st_common *common = rn->ctx.common;

	if (common->checkpoint == NULL)
		return 0;
	if (st_ckpt_open(&rn->ckpt, common->checkpoint) < 0)
		return -1;
	rn->ctx.ckpt = &rn->ckpt;
	rn->stateful = rn->op->save != NULL && rn->op->load != NULL;
	if (rn->stateful && (check_corner(rn) < 0 || check_query(rn) < 0))
		return -1;
	return 0;
}

static void
runner_release(runner *rn)
{
	st_ctl_release(&rn->begin_ctl);
	st_writer_flush(&rn->ctx.out);
	st_malformed_report(&rn->mal);
	st_malformed_release(&rn->mal);
	st_linefile_close(&rn->dead);
	st_abort_writer(NULL);
	st_writer_release(&rn->ctx.out);
	st_reader_release(&rn->rd);
	st_record_release(&rn->rec);
	st_buf_release(&rn->scratch);
	st_fields_release(&rn->cfields);
	free(rn->source);
	free(rn->corner);
	free(rn->owner);
	if (rn->ctx.ckpt)
		st_ckpt_close(&rn->ckpt);
}

/* True when a stop request should end the run now: between batches, or
 * inside plain NDJSON's batch (which has no boundary but end of input). */
static int
stop_now(const runner *rn)
{
	return stop_flag && (!rn->in_batch || rn->implicit);
}

int
st_op_run(st_op *op, const st_common *common)
{
	runner rn;
	int rc = 0;

	runner_init(&rn, op, common);
	if (runner_open_checkpoint(&rn) < 0)
		rc = -1;
	while (rc == 0) {
		const char *line;
		size_t len;
		int got = st_reader_getline(&rn.rd, &line, &len);

		if (got == -2) {
			if (stop_now(&rn)) {
				rn.stopped = 1;
				break;
			}
			continue;
		}
		if (got < 0)
			st_die(ST_EXIT_DATA, "cannot read %s:", rn.rd.name);
		if (got == 0)
			break;
		/* A BOM opening the stream and blank lines are no records
		 * (st(7)): every tool skips them, as st-read does. */
		if (rn.rd.lineno == 1)
			st_skip_bom(&line, &len);
		if (st_blank_line(line, len))
			continue;

		if (st_is_control(line, len)) {
			rc = control_line(&rn, line, len);
			if (rn.eos)
				break;	/* the last line of the stream */
			if (rc == 0 && stop_flag && !rn.in_batch) {
				rn.stopped = 1;
				break;
			}
		} else {
			rc = batch_data(&rn, line, len);
		}
	}
	/* On failure a callback said why; everything is released anyway,
	 * so that the sanitizer build reports real leaks only. */
	if (rc == 0)
		rc = input_end(&rn);
	/* A clean end, passed on: this tool and every one upstream ended
	 * well (or this one stopped, as asked, at a batch boundary). */
	if (rc == 0 && rn.ctx.controlled && !(op->flags & ST_OP_SINK))
		st_ctl_write_eos(&rn.ctx.out);
	runner_release(&rn);
	return rc < 0 ? ST_EXIT_DATA : ST_EXIT_OK;
}
