/*
 * rate.c - Spark's rate source (RateStreamProvider): rows of a timestamp
 * and a counting value at a fixed rate, for tests and benchmarks; see
 * source.h.
 *
 * A range names the rows of a batch by itself, {"startMs":T,"ms":[a,b],
 * "values":[v,w],"partitions":K}: the rows with values v <= n < w, in the
 * order Spark's K partitions give them (partition p holds v+p, v+p+K, ...,
 * partitions one after the other), each timestamped by the time its value
 * falls due. That time depends on the value alone, so a batch replayed
 * after a crash, or an epoch of the continuous trigger replayed in one
 * piece, gives the same rows.
 *
 * The values due by ms milliseconds after the start follow Spark's
 * valueAtSecond(): the rate grows by rows_per_second / (ramp_up + 1) each
 * second of the ramp-up, then stays at rows_per_second; within a second
 * (the continuous trigger plans by the millisecond) values fall due
 * evenly. With micro-batches, offsets are whole seconds, as Spark's are,
 * and a second's rows are timestamped as Spark's RateStreamMicroBatchStream
 * does: start + second + round(k * 1000 / rows in that second) for its k-th
 * row. (Spark spreads a batch of several ramp-up seconds evenly over the
 * batch instead; with a constant rate the two agree.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "source.h"
#include "datetime.h"

typedef struct rate_source {
	st_rate_opts o;
	int64_t start_ms;	/* wall-clock ms of second 0 */
	int64_t pos_ms;		/* ms after start planned through */
	char desc[160];
	st_buf line;
} rate_source;

/* Spark's RateStreamProvider.valueAtSecond: the values due by second s. */
static int64_t
value_at_second(const st_rate_opts *o, int64_t s)
{
	int64_t r = o->ramp_up_seconds;
	int64_t delta = o->rows_per_second / (r + 1);

	if (s <= r) {
		/* delta * s * (s + 1) / 2, halved first against overflow */
		if (s % 2 == 1)
			return (s + 1) / 2 * delta * s;
		return s / 2 * delta * (s + 1);
	}
	return value_at_second(o, r) + (s - r) * o->rows_per_second;
}

/* The values due by ms milliseconds after the start. */
static int64_t
value_at_ms(const st_rate_opts *o, int64_t ms)
{
	int64_t s = ms / 1000, a = value_at_second(o, s);
	int64_t b = value_at_second(o, s + 1);

	return a + (b - a) * (ms % 1000) / 1000;
}

/* The ms after the start at which value v falls due. */
static int64_t
due_ms(const st_rate_opts *o, int64_t v)
{
	int64_t r = o->ramp_up_seconds, s;

	if (v >= value_at_second(o, r)) {
		s = r + (v - value_at_second(o, r)) / o->rows_per_second;
	} else {
		/* the last second of the ramp-up whose start is <= v */
		int64_t lo = 0, hi = r;
		while (lo < hi) {
			int64_t mid = lo + (hi - lo + 1) / 2;
			if (value_at_second(o, mid) <= v)
				lo = mid;
			else
				hi = mid - 1;
		}
		s = lo;
	}
	int64_t a = value_at_second(o, s), d = value_at_second(o, s + 1) - a;
	/* math.round(k * 1000.0 / d), in integers */
	return s * 1000 + ((v - a) * 2000 + d) / (2 * d);
}

static json_t *
rate_range(rate_source *rs, int64_t from, int64_t to)
{
	return json_pack("{sIs[II]s[II]sI}", "startMs",
	    (json_int_t)rs->start_ms, "ms", (json_int_t)from, (json_int_t)to,
	    "values", (json_int_t)value_at_ms(&rs->o, from),
	    (json_int_t)value_at_ms(&rs->o, to), "partitions",
	    (json_int_t)(rs->o.continuous ? 1 : rs->o.partitions));
}

static int64_t
now_ms(const rate_source *rs)
{
	int64_t t = st_now_usec() / 1000 - rs->start_ms;

	return t < 0 ? 0 : t;
}

/* How far a plan made now reaches: whole seconds, or (continuous) now. */
static int64_t
plan_end(const rate_source *rs)
{
	int64_t t = now_ms(rs);

	return rs->o.continuous ? t : t / 1000 * 1000;
}

static json_t *
rate_plan(st_source *s, const st_source_limits *lim)
{
	rate_source *rs = s->self;
	int64_t end = plan_end(rs);

	(void)lim;
	if (end <= rs->pos_ms ||
	    value_at_ms(&rs->o, end) == value_at_ms(&rs->o, rs->pos_ms))
		return NULL;
	return rate_range(rs, rs->pos_ms, end);
}

static void
rate_advance(st_source *s, json_t *range)
{
	rate_source *rs = s->self;
	json_t *st = json_object_get(range, "startMs");

	if (json_is_integer(st))
		rs->start_ms = json_integer_value(st);
	rs->pos_ms = json_integer_value(json_array_get(json_object_get(range,
	    "ms"), 1));
}

static int
rate_emit(st_source *s, json_t *range, st_emitter *em)
{
	rate_source *rs = s->self;
	json_t *vals = json_object_get(range, "values");
	int64_t start = json_integer_value(json_object_get(range, "startMs"));
	int64_t v0 = json_integer_value(json_array_get(vals, 0));
	int64_t v1 = json_integer_value(json_array_get(vals, 1));
	int64_t k = json_integer_value(json_object_get(range, "partitions"));

	if (k < 1)
		k = 1;
	for (int64_t p = 0; p < k; p++)
		for (int64_t v = v0 + p; v < v1; v += k) {
			st_buf_reset(&rs->line);
			st_buf_puts(&rs->line, "{\"timestamp\":\"");
			st_format_timestamp(&rs->line,
			    (start + due_ms(&rs->o, v)) * 1000);
			st_buf_puts(&rs->line, "\",\"value\":");
			st_buf_put_i64(&rs->line, v);
			st_buf_putc(&rs->line, '}');
			st_emitter_write(em, rs->line.data, rs->line.len);
		}
	return 0;
}

static int
rate_empty(st_source *s, json_t *range)
{
	json_t *vals = json_object_get(range, "values");

	(void)s;
	return json_integer_value(json_array_get(vals, 0)) >=
	    json_integer_value(json_array_get(vals, 1));
}

static json_t *
rate_merge(st_source *s, json_t *a, json_t *b)
{
	json_t *m = json_deep_copy(a);

	(void)s;
	json_array_set(json_object_get(m, "ms"), 1,
	    json_array_get(json_object_get(b, "ms"), 1));
	json_array_set(json_object_get(m, "values"), 1,
	    json_array_get(json_object_get(b, "values"), 1));
	return m;
}

/* Sleeps until the next row falls due (at most usec). */
static void
rate_wait(st_source *s, int64_t usec)
{
	rate_source *rs = s->self;
	int64_t next;

	if (rs->o.continuous)
		next = due_ms(&rs->o, value_at_ms(&rs->o, rs->pos_ms)) + 1;
	else
		next = (rs->pos_ms / 1000 + 1) * 1000;
	int64_t d = (next - now_ms(rs)) * 1000;
	if (d > usec)
		d = usec;
	if (d <= 0)
		return;
	struct timespec ts = { d / 1000000, (d % 1000000) * 1000 };
	(void)nanosleep(&ts, NULL);
}

static int
rate_exhausted(st_source *s)
{
	(void)s;
	return 0;
}

static json_t *
rate_save(st_source *s)
{
	rate_source *rs = s->self;

	return json_pack("{sIsI}", "startMs", (json_int_t)rs->start_ms, "ms",
	    (json_int_t)rs->pos_ms);
}

static int
rate_load(st_source *s, json_t *pos)
{
	rate_source *rs = s->self;
	json_t *st = json_object_get(pos, "startMs");
	json_t *ms = json_object_get(pos, "ms");

	if (!json_is_integer(st) || !json_is_integer(ms))
		return -1;
	rs->start_ms = json_integer_value(st);
	rs->pos_ms = json_integer_value(ms);
	return 0;
}

static const char *
rate_describe(st_source *s)
{
	return ((rate_source *)s->self)->desc;
}

static void
rate_free(st_source *s)
{
	rate_source *rs = s->self;

	st_buf_release(&rs->line);
	free(rs);
}

static const st_source_vt rate_vt = {
	.kind = "rate",
	.replayable = 1,
	.plan = rate_plan,
	.advance = rate_advance,
	.emit = rate_emit,
	.empty = rate_empty,
	.merge = rate_merge,
	.wait = rate_wait,
	.exhausted = rate_exhausted,
	.save = rate_save,
	.load = rate_load,
	.describe = rate_describe,
	.free = rate_free,
};

st_source *
st_rate_source_new(const char *name, const st_rate_opts *opts)
{
	st_source *s = st_calloc(1, sizeof *s);
	rate_source *rs = st_calloc(1, sizeof *rs);

	rs->o = *opts;
	if (rs->o.rows_per_second < 1)
		rs->o.rows_per_second = 1;
	if (rs->o.partitions < 1)
		rs->o.partitions = 1;
	/* Second 0 is now, unless the checkpoint says when it was. */
	rs->start_ms = st_now_usec() / 1000;
	snprintf(rs->desc, sizeof rs->desc, "RateStreamV2[rowsPerSecond=%lld, "
	    "rampUpTimeSeconds=%lld, numPartitions=%lld]",
	    (long long)rs->o.rows_per_second,
	    (long long)rs->o.ramp_up_seconds, (long long)rs->o.partitions);
	s->vt = &rate_vt;
	s->name = name ? st_strdup(name) : NULL;
	s->self = rs;
	return s;
}
