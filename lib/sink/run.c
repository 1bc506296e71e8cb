/* run.c - st-sink: the operator that feeds a sink and commits batches;
 * see sink.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "err.h"
#include "fs.h"
#include "hash.h"
#include "hook.h"
#include "progress.h"
#include "status.h"
#include "sink.h"
#include "datetime.h"

/* Commits and progress files kept behind the last batch. */
#define KEEP_COMMITS 100

typedef struct sink_op {
	const st_sink_opts *o;
	st_sink *sink;
	st_sink_batch sb;
	char **keys;		/* this batch's key columns */
	int skip;		/* a replay of a committed batch: 1 when
				 * DIR/commits has it, 2 when only the sink */
	uint64_t rows;
	int64_t begin_us;	/* when the sink began the batch */
	char run_id[40];	/* this run's id (Spark's runId) */
	json_t *prev;		/* the last progress record written */
	st_hooks hooks;		/* --on-progress, --on-failure */
	int started;		/* a batch began */
	const char *ckpt_dir;
} sink_op;

/* After batch b is committed: the metrics file and the progress hook. */
static void
after_commit(sink_op *so, json_t *pv, int64_t id)
{
	const st_sink_opts *o = so->o;

	if (o->metrics_file) {
		st_buf m = ST_BUF_INIT;
		const char *name = json_string_value(json_object_get(pv, "name"));
		st_metrics_query q = {
			.query = name ? name : json_string_value(
			    json_object_get(pv, "id")),
			.checkpoint = so->ckpt_dir,
			.running = 1,
			.last_commit = id,
			.progress = pv,
		};
		st_metrics_prometheus(&m, &q, 1);
		if (st_write_file_atomic(o->metrics_file, m.data, m.len) < 0)
			st_warn("cannot write '%s':", o->metrics_file);
		st_buf_release(&m);
	}
	if (o->on_progress) {
		char *t = json_dumps(pv, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char idv[48], ck[4096];
		snprintf(idv, sizeof idv, "ST_BATCH_ID=%lld", (long long)id);
		snprintf(ck, sizeof ck, "ST_CHECKPOINT=%s", so->ckpt_dir);
		char *env[] = { idv, ck, NULL };
		st_buf line = ST_BUF_INIT;
		st_buf_printf(&line, "%s\n", t ? t : "{}");
		st_hook_fire(&so->hooks, "--on-progress", o->on_progress,
		    line.data, line.len, env);
		st_buf_release(&line);
		free(t);
	}
}

static void
free_keys(sink_op *so)
{
	if (so->keys == NULL)
		return;
	for (char **k = so->keys; *k; k++)
		free(*k);
	free(so->keys);
	so->keys = NULL;
}

/* so->skip of a silent no-data batch (see st_batch_no_data). */
#define SILENT 3

/* 1: in DIR/commits; 2: only in the sink; 0: not committed; -1: error. */
static int
committed(st_ctx *ctx, sink_op *so, int64_t id)
{
	if (ctx->ckpt == NULL || id < 0)
		return 0;
	if (st_ckpt_committed(ctx->ckpt, id))
		return 1;
	if (so->sink->vt->has_batch == NULL)
		return 0;
	int rc = so->sink->vt->has_batch(so->sink, &so->sb);
	return rc > 0 ? 2 : rc;
}

static int
sink_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	sink_op *so = op->self;
	json_t *m = b->begin ? json_object_get(b->begin, "mode") : NULL;
	json_t *k = b->begin ? json_object_get(b->begin, "keys") : NULL;

	free_keys(so);
	so->keys = st_calloc(json_array_size(k) + 1, sizeof *so->keys);
	size_t i, n = 0;
	json_t *v;
	json_array_foreach(k, i, v)
		if (json_is_string(v))
			so->keys[n++] = st_strdup(json_string_value(v));
	so->sb.id = b->id;
	so->sb.ts_ms = b->ts_ms;
	so->sb.mode = json_is_string(m) ? json_string_value(m) : "append";
	so->sb.keys = so->keys;
	so->sb.out = &ctx->out;
	/* The query id every tool of the pipeline shares: st_ckpt_open
	 * read back the id of whichever tool created "metadata" first. */
	so->sb.query = ctx->ckpt ? st_ckpt_query_id(ctx->ckpt) : NULL;
	so->rows = 0;
	so->started = 1;
	so->begin_us = st_mono_usec();
	so->skip = committed(ctx, so, b->id);
	if (so->skip < 0)
		return -1;
	if (so->skip)
		return 0;
	/* A no-data batch no stateful tool needed is one Spark does not
	 * run: committed, nothing written, unless rows come after all (as
	 * the rows an append-mode op flushes in the runner's last batch). */
	if (st_batch_no_data(b) && !st_batch_needed(b)) {
		so->skip = SILENT;
		return 0;
	}
	return so->sink->vt->begin(so->sink, &so->sb);
}

static int
sink_record(st_op *op, st_ctx *ctx, st_record *r)
{
	sink_op *so = op->self;

	(void)ctx;
	if (so->skip == SILENT) {
		so->skip = 0;
		if (so->sink->vt->begin(so->sink, &so->sb) < 0)
			return -1;
	}
	if (so->skip)
		return 0;
	so->rows++;
	return so->sink->vt->write(so->sink, r);
}

static int
sink_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	sink_op *so = op->self;
	st_buf p = ST_BUF_INIT;

	if (so->skip == 1)
		return 0;
	/* A sink that records its batches (SQLite) records a silent one
	 * too, as an empty append: no rows, no table replaced. */
	if (so->skip == SILENT && so->sink->vt->has_batch && b->id >= 0 &&
	    ctx->ckpt) {
		so->sb.mode = "append";
		if (so->sink->vt->begin(so->sink, &so->sb) < 0 ||
		    so->sink->vt->end(so->sink, &so->sb) < 0)
			return -1;
	}
	if (!so->skip && so->sink->vt->end(so->sink, &so->sb) < 0)
		return -1;
	if (ctx->ckpt == NULL || b->id < 0)
		return 0;
	json_t *prog = json_deep_copy(json_object_get(b->end, "progress"));
	if (!json_is_array(prog)) {
		json_decref(prog);
		prog = json_array();
	}
	const char *desc = so->sink->vt->describe(so->sink);
	json_array_append_new(prog, json_pack("{sssIs{ss}}", "name",
	    "st-sink", "numOutputRows", (json_int_t)so->rows, "sink",
	    "description", desc));
	if (so->prev == NULL) {
		st_buf pp = ST_BUF_INIT;
		(void)st_ckpt_read_json(ctx->ckpt,
		    st_ckpt_progress_path(&pp, b->id - 1), &so->prev);
		st_buf_release(&pp);
	}
	st_progress_info pi = {
		.id = st_ckpt_query_id(ctx->ckpt),
		.run_id = so->run_id,
		.name = so->o->query_name,
		.batch_id = b->id,
		.ts_ms = b->ts_ms,
		.now_ms = st_now_usec() / 1000,
		.add_batch_ms = (st_mono_usec() - so->begin_us) / 1000,
		.sink_rows = (int64_t)so->rows,
		.sink_desc = desc,
		.prev = so->prev,
	};
	json_t *pv = st_progress_build(&pi, prog);
	json_decref(prog);
	json_t *cv = json_pack("{sIsI}", "batch", (json_int_t)b->id, "ts",
	    (json_int_t)b->ts_ms);
	int rc = st_ckpt_write_json(ctx->ckpt,
	    st_ckpt_progress_path(&p, b->id), pv);
	/* The commit goes last: once it is there, the batch is done. */
	if (rc == 0)
		rc = st_ckpt_write_json(ctx->ckpt,
		    st_ckpt_commit_path(&p, b->id), cv);
	json_decref(so->prev);
	so->prev = pv;
	json_decref(cv);
	st_buf_release(&p);
	if (rc == 0)
		after_commit(so, pv, b->id);
	if (rc == 0) {
		(void)st_ckpt_prune(ctx->ckpt, ST_CKPT_COMMITS,
		    b->id + 1 - KEEP_COMMITS);
		(void)st_ckpt_prune(ctx->ckpt, ST_CKPT_PROGRESS,
		    b->id + 1 - KEEP_COMMITS);
	}
	return rc;
}

static st_sink *
make_sink(const st_sink_opts *o, const st_common *c)
{
	if (o->format == NULL || strcmp(o->format, "stdout") == 0)
		return st_sink_stdout_new();
	if (strcmp(o->format, "json") == 0)
		return st_sink_file_new(o->path, 0, 0);
	if (strcmp(o->format, "csv") == 0)
		return st_sink_file_new(o->path, 1, o->header);
	if (strcmp(o->format, "console") == 0)
		return st_sink_console_new(o->num_rows, o->truncate);
	if (strcmp(o->format, "chart") == 0)
		return st_sink_chart_new(o->path, o->x, o->y, o->series);
	if (strcmp(o->format, "sqlite") == 0)
		return st_sink_sqlite_new(o->path, o->table ? o->table :
		    "st_output");
	if (strcmp(o->format, "postgres") == 0)
		return st_sink_postgres_new(o->dsn, o->table ? o->table :
		    "st_output");
	if (strcmp(o->format, "exec") == 0)
		return st_sink_exec_new(o->command, c->checkpoint);
	if (strcmp(o->format, "kafka") == 0)
		return st_sink_kafka_new(o->kafka);
	st_warn("unknown format '%s'", o->format);
	return NULL;
}

/*
 * The pipeline failed (rc != 0): the failure, as the tool that raised it
 * said it (an upstream abort line, else this sink's last message), goes to
 * DIR/failure for st-status and to the --on-failure hook. A clean run
 * removes an older DIR/failure.
 */
static void
failure(const st_sink_opts *o, const st_common *c, sink_op *so, int rc)
{
	st_ckpt ck;
	int has_ck = c->checkpoint && st_ckpt_open(&ck, c->checkpoint) == 0;

	if (rc == 0) {
		if (has_ck) {
			(void)st_ckpt_remove(&ck, ST_CKPT_FAILURE);
			st_ckpt_close(&ck);
		}
		return;
	}
	const char *tool = NULL, *msg = NULL;
	if (!st_abort_upstream(&tool, &msg)) {
		tool = "st-sink";
		msg = st_last_message();
	}
	st_buf ts = ST_BUF_INIT;
	st_format_timestamp(&ts, st_now_usec());
	json_t *f = json_pack("{s:s, s:s, s:o, s:s, s:s, s:i}", "tool", tool ? tool : "?",
	    "message", msg ? msg : "", "batch", so->sb.id >= 0 && so->started ?
	    json_integer(so->sb.id) : json_null(), "timestamp", ts.data,
	    "runId", so->run_id, "exitStatus", rc);
	st_buf_release(&ts);
	if (has_ck) {
		(void)st_ckpt_write_json(&ck, ST_CKPT_FAILURE, f);
		st_ckpt_close(&ck);
	}
	if (o->on_failure) {
		char *t = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER);
		st_buf line = ST_BUF_INIT;
		char ck_env[4096];
		snprintf(ck_env, sizeof ck_env, "ST_CHECKPOINT=%s",
		    c->checkpoint ? c->checkpoint : "");
		char *env[] = { ck_env, NULL };
		st_buf_printf(&line, "%s\n", t ? t : "{}");
		st_hook_fire(&so->hooks, "--on-failure", o->on_failure,
		    line.data, line.len, env);
		st_buf_release(&line);
		free(t);
	}
	json_decref(f);
}

int
st_sink_run(const st_sink_opts *o, const st_common *c)
{
	sink_op so = { .o = o };
	st_op op = {
		.name = "st-sink",
		.self = &so,
		.flags = o->raw ? 0 : ST_OP_SINK,
		.begin = sink_begin,
		.record = sink_record,
		.end = sink_end,
	};

	/* With --raw, standard output is a stream again: it ends with eos
	 * or abort like any tool's. */
	st_abort_enable(o->raw);
	if (c->checkpoint) {
		/* Announce a committing sink before any batch arrives, so a
		 * restarting st-read waits for commits, not for its own
		 * output; so first, before opening a database takes time. */
		st_ckpt ck;
		json_t *v = json_pack("{ss}", "format",
		    o->format ? o->format : "stdout");
		if (o->path)
			json_object_set_new(v, "path", json_string(o->path));
		if (o->table)
			json_object_set_new(v, "table",
			    json_string(o->table));
		if (o->command)
			json_object_set_new(v, "command",
			    json_string(o->command));
		int rc = st_ckpt_open(&ck, c->checkpoint) < 0 ||
		    st_ckpt_write_json(&ck, ST_CKPT_SINK, v) < 0 ? -1 : 0;
		json_decref(v);
		st_ckpt_close(&ck);
		if (rc < 0)
			return ST_EXIT_DATA;
	}
	st_uuid4(so.run_id);
	st_hooks_init(&so.hooks, o->hook_timeout);
	so.ckpt_dir = c->checkpoint;
	so.sb.id = -1;
	so.sink = make_sink(o, c);
	if (so.sink == NULL) {
		failure(o, c, &so, ST_EXIT_DATA);
		st_hooks_release(&so.hooks);
		return ST_EXIT_DATA;
	}
	int rc = st_op_run(&op, c);
	failure(o, c, &so, rc);
	st_hooks_release(&so.hooks);
	json_decref(so.prev);
	free_keys(&so);
	st_sink_free(so.sink);
	return rc;
}
