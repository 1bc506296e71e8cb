/* watermark.c - st-watermark; see watermark.h. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "op/watermark.h"
#include "datetime.h"

typedef struct wmstate {
	const st_watermark_opts *o;
	int64_t max_seen;	/* through the last batch; ST_TIME_NONE */
	int64_t wm;		/* in force for the current batch */
	int64_t bmin, bmax;	/* event times of the current batch */
	int64_t bfirst;		/* its first event time, and the sum of */
	double bsum;		/* the others' distance to it (for avg) */
	int64_t bn;
	int64_t no_time;	/* records without a readable time, per batch */
	int64_t delay;		/* in force: the option's or the checkpoint's */
	int policy_max;
	int64_t global;		/* the global watermark last written */
	int warned, warned_policy;
	int warned_no_time;	/* a record without its time was reported */
} wmstate;

static json_t *
ts_json(int64_t us)
{
	if (us == ST_TIME_NONE)
		return json_null();
	st_buf t = ST_BUF_INIT;
	st_format_timestamp(&t, us);
	json_t *j = json_string(t.data);
	st_buf_release(&t);
	return j;
}

static int64_t
json_ts(json_t *j)
{
	const char *s = json_string_value(j);
	int64_t us;
	if (s == NULL || st_parse_timestamp(s, strlen(s), &us) < 0)
		return ST_TIME_NONE;
	return us;
}

void
st_watermark_set(st_batch *b, int64_t wm)
{
	st_batch_set_watermark(b, wm);
	if (wm == ST_TIME_NONE && b->begin) {
		json_object_set_new(b->begin, "wm", json_null());
		b->dirty = 1;
	}
}

static int
wm_begin(st_op *op, st_ctx *ctx, st_batch *b)
{
	wmstate *s = op->self;
	const st_watermark_opts *o = s->o;

	(void)ctx;
	if (s->max_seen != ST_TIME_NONE) {
		int64_t cand = s->max_seen - s->delay;
		if (s->wm == ST_TIME_NONE || cand > s->wm)
			s->wm = cand;
	}
	s->bmin = s->bmax = ST_TIME_NONE;
	s->bsum = 0;
	s->bn = 0;
	s->no_time = 0;
	if (b->begin == NULL) {
		b->wm = s->wm;
		return 0;
	}
	st_buf d = ST_BUF_INIT;
	st_format_duration(&d, s->delay);
	json_object_set_new(b->begin, "delay", json_string(d.data));
	st_buf_release(&d);
	if (o->source == NULL) {
		st_watermark_set(b, s->wm);
		return 0;
	}
	json_t *wms = json_object_get(b->begin, "wms");
	if (!json_is_object(wms)) {
		wms = json_object();
		json_object_set_new(b->begin, "wms", wms);
	}
	json_object_set_new(wms, o->source, ts_json(s->wm));
	int64_t global = ST_TIME_NONE;
	int first = 1;
	const char *k;
	json_t *v;
	json_object_foreach(wms, k, v) {
		int64_t w = json_ts(v);
		if (s->policy_max) {
			if (w != ST_TIME_NONE && (global == ST_TIME_NONE ||
			    w > global))
				global = w;
		} else if (w == ST_TIME_NONE) {
			/* A source without a watermark yet holds the
			 * minimum back, as Spark's min policy does. */
			global = ST_TIME_NONE;
			first = 0;
			break;
		} else if (first || w < global) {
			global = w;
			first = 0;
		}
	}
	/* Never back, across restarts and sources added to the query, as
	 * Spark's WatermarkTracker keeps its global watermark. */
	if (s->global != ST_TIME_NONE && (global == ST_TIME_NONE ||
	    global < s->global))
		global = s->global;
	s->global = global;
	st_watermark_set(b, global);
	return 0;
}

static int
wm_record(st_op *op, st_ctx *ctx, st_record *r)
{
	wmstate *s = op->self;
	int64_t t;

	if (s->o->source == NULL || (ctx->source &&
	    strcmp(ctx->source, s->o->source) == 0)) {
		if (st_evtime_get(&s->o->time, r, &t) == 0) {
			if (s->bmax == ST_TIME_NONE || t > s->bmax)
				s->bmax = t;
			if (s->bmin == ST_TIME_NONE || t < s->bmin)
				s->bmin = t;
			/* Distances to the first time stay small, so their
			 * sum keeps microseconds where a sum of times would
			 * not. */
			if (s->bn++ == 0)
				s->bfirst = t;
			s->bsum += (double)(t - s->bfirst);
		} else {
			s->no_time++;
			if (!s->warned_no_time) {
				s->warned_no_time = 1;
				st_evtime_warn_missing(&s->o->time, r,
				    ctx->input_name, "do not move the watermark");
			}
		}
	}
	st_emit(ctx, r);
	return 0;
}

static int
wm_end(st_op *op, st_ctx *ctx, st_batch *b)
{
	wmstate *s = op->self;

	(void)ctx;
	(void)b;
	if (s->bmax != ST_TIME_NONE && (s->max_seen == ST_TIME_NONE ||
	    s->bmax > s->max_seen))
		s->max_seen = s->bmax;
	return 0;
}

static json_t *
wm_describe(st_op *op)
{
	wmstate *s = op->self;
	json_t *d = json_object();

	json_object_set_new(d, "time", json_string(s->o->time.col));
	json_object_set_new(d, "timeUnitUsec", json_integer(s->o->time.unit));
	if (s->o->source)
		json_object_set_new(d, "source", json_string(s->o->source));
	return d;
}

static int
wm_save(st_op *op, FILE *f)
{
	wmstate *s = op->self;
	json_t *j = json_object();

	json_object_set_new(j, "format", json_string("st-watermark/1"));
	json_object_set_new(j, "maxEventTime", ts_json(s->max_seen));
	json_object_set_new(j, "watermark", ts_json(s->wm));
	st_buf d = ST_BUF_INIT;
	st_format_duration(&d, s->delay);
	json_object_set_new(j, "delay", json_string(d.data));
	st_buf_release(&d);
	json_object_set_new(j, "policy", json_string(s->policy_max ? "max" :
	    "min"));
	if (s->o->source)
		json_object_set_new(j, "globalWatermark", ts_json(s->global));
	char *t = json_dumps(j, JSON_COMPACT);
	int rc = fprintf(f, "%s\n", t) < 0 ? -1 : 0;
	free(t);
	json_decref(j);
	return rc;
}

static int
wm_load(st_op *op, FILE *f)
{
	wmstate *s = op->self;

	s->max_seen = s->wm = s->global = ST_TIME_NONE;
	s->delay = s->o->delay;
	s->policy_max = s->o->policy_max;
	if (f == NULL)
		return 0;
	json_t *j = json_loadf(f, JSON_DISABLE_EOF_CHECK, NULL);
	const char *fmt = json_string_value(json_object_get(j, "format"));
	if (fmt == NULL || strcmp(fmt, "st-watermark/1") != 0) {
		st_warn("unknown state format (expected st-watermark/1)");
		json_decref(j);
		return -1;
	}
	/* Both values, each null (none yet) or a timestamp: a missing or
	 * unreadable one is not "none yet", which would accept late rows. */
	const char *keys[2] = { "maxEventTime", "watermark" };
	int64_t *to[2] = { &s->max_seen, &s->wm };
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(j, keys[i]);
		*to[i] = json_ts(v);
		if (v == NULL || (!json_is_null(v) && *to[i] == ST_TIME_NONE)) {
			st_warn("state: '%s' is %s", keys[i], v ? "not a "
			    "timestamp" : "missing");
			json_decref(j);
			return -1;
		}
	}
	s->global = json_ts(json_object_get(j, "globalWatermark"));
	/* The checkpoint's delay and policy win (older checkpoints have
	 * none: the options then). */
	const char *ds = json_string_value(json_object_get(j, "delay"));
	int64_t delay;
	if (ds && st_parse_duration(ds, &delay) == 0 && delay != s->delay) {
		st_buf o = ST_BUF_INIT;
		st_format_duration(&o, s->delay);
		if (!s->warned)
			st_warn("the checkpoint's delay '%s' wins over --delay "
			    "'%s' (a restarted query keeps its watermark; "
			    "use a new checkpoint to change it)", ds, o.data);
		st_buf_release(&o);
		s->delay = delay;
		s->warned = 1;
	}
	const char *ps = json_string_value(json_object_get(j, "policy"));
	if (ps && (strcmp(ps, "max") == 0) != s->policy_max) {
		if (!s->warned_policy)
			st_warn("the checkpoint's policy '%s' wins over "
			    "--policy '%s' (as Spark keeps a query's "
			    "multipleWatermarkPolicy)", ps,
			    s->policy_max ? "max" : "min");
		s->policy_max = strcmp(ps, "max") == 0;
		s->warned_policy = 1;
	}
	json_decref(j);
	return 0;
}

static void
wm_metrics(st_op *op, json_t *obj)
{
	wmstate *s = op->self;
	json_t *e = json_object();

	/* Spark's progress eventTime object, for this batch. */
	if (s->bmin != ST_TIME_NONE) {
		json_object_set_new(e, "min", ts_json(s->bmin));
		json_object_set_new(e, "max", ts_json(s->bmax));
		json_object_set_new(e, "avg", ts_json(s->bfirst +
		    (int64_t)(s->bsum / (double)s->bn)));
	}
	json_object_set_new(e, "watermark", ts_json(s->wm));
	json_object_set_new(obj, "eventTime", e);
	if (s->no_time)
		json_object_set_new(obj, "numRowsWithoutEventTime",
		    json_integer(s->no_time));
}

int
st_watermark_run(const st_watermark_opts *o, st_common *common)
{
	wmstate s = { .o = o, .max_seen = ST_TIME_NONE, .wm = ST_TIME_NONE,
	    .bmin = ST_TIME_NONE, .bmax = ST_TIME_NONE, .delay = o->delay,
	    .policy_max = o->policy_max, .global = ST_TIME_NONE };
	st_op op = {
		.name = "st-watermark",
		.flags = ST_OP_END_TEXT,
		.self = &s,
		.begin = wm_begin,
		.record = wm_record,
		.end = wm_end,
		.describe = wm_describe,
		.save = wm_save,
		.load = wm_load,
		.metrics = wm_metrics,
	};

	/* Two watermarks of one pipeline, one per source, need two
	 * corners of the checkpoint: the source names them by default. */
	if (o->source && common->name == NULL)
		common->name = o->source;
	return st_op_run(&op, common);
}

void
st_watermark_check(const st_watermark_opts *o)
{
	if (o->time.col == NULL)
		st_usage_error("--time is required");
	if (o->delay < 0)
		st_usage_error("--delay is required");
}
