/*
 * kafka.c - Kafka topics as a replayable source (librdkafka); see
 * source.h.
 *
 * A range names, per topic and partition, the offsets [from, to) of one
 * batch:
 *
 *     {"topics":{"t":{"0":[1200,1350],"1":[40,41]}}}
 *
 * The position is the next offset of every partition seen so far,
 * {"t":{"0":1350,"1":41}}. plan() asks the brokers for the partitions of
 * the subscribed topics (one metadata request) and their earliest and
 * latest offsets (two ListOffsets requests, each for every partition at
 * once), and never looks at a record; the plan right after an
 * available-now snapshot uses what the snapshot asked, and once the
 * snapshot's ends are reached available-now stops without asking. emit()
 * assigns the partitions of the range at their from offsets (or goes on
 * where the last batch stopped) and consumes up to to, so a replay
 * fetches exactly the same records; offsets that hold no record for this
 * consumer (control records, aborted transactions) end a range as well.
 * Consumer-group commits play no part (--group-id commits for monitoring
 * only).
 *
 * The starting offsets (earliest, latest or Spark's JSON) are resolved
 * when the first batch is planned and, with a checkpoint, kept in
 * DIR/sources/NAME/kafka-initial, so that a restart before any batch
 * does not move "latest". Partitions that appear later (a topic grown,
 * a new topic matching the pattern) start at their earliest offset, as in
 * Spark.
 */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "checkpoint.h"
#include "err.h"
#include "kafka.h"
#include "source.h"
#include "datetime.h"

#define META_TIMEOUT_MS 10000
#define BATCH 1024

typedef struct kafka_source {
	const st_kafka_source_opts *o;
	char *name;
	char *desc;
	rd_kafka_t *rk;
	regex_t re;
	int has_re;
	json_t *pos;		/* {"t":{"0":next}} */
	json_t *initial;	/* resolved starting offsets, NULL before */
	json_t *ending;		/* resolved ending offsets (bounded), or NULL */
	json_t *snap;		/* available-now: end offsets at the start */
	/* What the snapshot learnt, for the plan that follows it (one
	 * metadata and two ListOffsets rounds fewer): parts of known, with
	 * topics borrowed from known_md. */
	struct part *known;
	size_t known_n;
	const struct rd_kafka_metadata *known_md;
	int exhausted;
	/* The consumer's assignment, to continue a fetch where the last
	 * batch ended instead of assigning again. */
	json_t *assigned;	/* {"t":{"0":next}} or NULL */
	rd_kafka_topic_partition_list_t *paused;	/* by the last batch */
	st_buf rec;
	st_buf tmp;
	rd_kafka_queue_t *q;	/* the consumer queue */
	rd_kafka_message_t *msgs[BATCH];	/* polled, msgs[mi..mn) unread */
	size_t mi, mn;
	int64_t behind, behind_parts;	/* after the last plan */
} kafka_source;

/* One partition of a plan. */
struct part {
	const char *topic;	/* borrowed from metadata or a range */
	int32_t p;
	int64_t lo, hi;		/* earliest and latest offsets */
	int64_t from, to;
	int reset;		/* data loss: the position moves back */
};
typedef struct part part;

static int64_t
jget(json_t *o, const char *t, int32_t p, int64_t dflt)
{
	char k[16];

	snprintf(k, sizeof k, "%d", (int)p);
	json_t *v = json_object_get(json_object_get(o, t), k);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static void
jset(json_t *o, const char *t, int32_t p, int64_t v)
{
	char k[16];
	json_t *to = json_object_get(o, t);

	if (to == NULL) {
		to = json_object();
		json_object_set_new(o, t, to);
	}
	snprintf(k, sizeof k, "%d", (int)p);
	json_object_set_new(to, k, json_integer(v));
}

static int
cmp_part(const void *a, const void *b)
{
	const part *x = a, *y = b;
	int c = strcmp(x->topic, y->topic);

	return c ? c : (x->p > y->p) - (x->p < y->p);
}

/* The partitions the source reads now: a new array of *n (topics
 * borrowed from *md, which the caller destroys). */
static part *
partitions(kafka_source *ks, const struct rd_kafka_metadata **md,
    size_t *n)
{
	const st_kafka_source_opts *o = ks->o;
	part *v = NULL;
	size_t cnt = 0;

	*md = NULL;
	if (o->assign) {
		const char *t;
		json_t *ps;
		json_object_foreach(o->assign, t, ps) {
			size_t i;
			json_t *p;
			json_array_foreach(ps, i, p) {
				v = st_realloc(v, (cnt + 1) * sizeof *v);
				memset(&v[cnt], 0, sizeof *v);
				v[cnt].topic = t;
				v[cnt].p = (int32_t)json_integer_value(p);
				cnt++;
			}
		}
		*n = cnt;
		qsort(v, cnt, sizeof *v, cmp_part);
		return v;
	}
	rd_kafka_resp_err_t err = rd_kafka_metadata(ks->rk, 1, NULL, md,
	    META_TIMEOUT_MS);
	if (err)
		st_die(ST_EXIT_DATA, "%s: cannot get the topics' metadata: %s",
		    ks->desc, rd_kafka_err2str(err));
	for (int i = 0; i < (*md)->topic_cnt; i++) {
		const rd_kafka_metadata_topic_t *t = &(*md)->topics[i];
		int want = 0;
		if (ks->has_re)
			want = regexec(&ks->re, t->topic, 0, NULL, 0) == 0 &&
			    strncmp(t->topic, "__", 2) != 0;
		else
			for (char **s = o->subscribe; *s; s++)
				if (strcmp(*s, t->topic) == 0)
					want = 1;
		if (!want || t->err)
			continue;
		for (int j = 0; j < t->partition_cnt; j++) {
			v = st_realloc(v, (cnt + 1) * sizeof *v);
			memset(&v[cnt], 0, sizeof *v);
			v[cnt].topic = t->topic;
			v[cnt].p = t->partitions[j].id;
			cnt++;
		}
	}
	*n = cnt;
	qsort(v, cnt, sizeof *v, cmp_part);
	return v;
}

/* Fills lo and hi of every partition: one ListOffsets round for each. */
static void
watermarks(kafka_source *ks, part *v, size_t n)
{
	for (int pass = 0; pass < 2; pass++) {
		rd_kafka_topic_partition_list_t *l =
		    rd_kafka_topic_partition_list_new((int)n);
		for (size_t i = 0; i < n; i++)
			rd_kafka_topic_partition_list_add(l, v[i].topic,
			    v[i].p)->offset = pass ? RD_KAFKA_OFFSET_END :
			    RD_KAFKA_OFFSET_BEGINNING;
		rd_kafka_resp_err_t err = n ? rd_kafka_offsets_for_times(ks->rk,
		    l, META_TIMEOUT_MS) : 0;
		if (err)
			st_die(ST_EXIT_DATA, "%s: cannot get the partitions' "
			    "offsets: %s", ks->desc, rd_kafka_err2str(err));
		for (size_t i = 0; i < n; i++) {
			rd_kafka_topic_partition_t *e = &l->elems[i];
			if (e->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
				/* Gone (an assigned partition that does not
				 * exist): nothing to read. */
				v[i].lo = v[i].hi = -1;
				continue;
			}
			if (e->err)
				st_die(ST_EXIT_DATA, "%s: cannot get the offsets "
				    "of %s-%d: %s", ks->desc, v[i].topic,
				    (int)v[i].p, rd_kafka_err2str(e->err));
			if (pass)
				v[i].hi = e->offset;
			else
				v[i].lo = e->offset;
		}
		rd_kafka_topic_partition_list_destroy(l);
	}
}

/* Spark's JSON offsets, {"t":{"0":23,"1":-2}} (-2 earliest, -1 latest),
 * or earliest / latest for every partition: a new object of concrete
 * offsets for the partitions v. */
static json_t *
resolve_offsets(const char *spec, const char *opt,
    part *v, size_t n)
{
	json_t *out = json_object();
	json_t *js = NULL;

	if (strcmp(spec, "earliest") != 0 && strcmp(spec, "latest") != 0) {
		json_error_t je;
		js = json_loads(spec, 0, &je);
		if (!json_is_object(js))
			st_die(ST_EXIT_USAGE, "invalid offsets '%s' for %s "
			    "(earliest, latest or JSON like "
			    "{\"t\":{\"0\":23,\"1\":-2}})", spec, opt);
	}
	for (size_t i = 0; i < n; i++) {
		int64_t off = strcmp(spec, "latest") == 0 ? -1 : -2;
		if (js) {
			off = jget(js, v[i].topic, v[i].p, -3);
			if (off == -3)
				st_die(ST_EXIT_USAGE, "%s gives no offset for "
				    "%s-%d", opt, v[i].topic, (int)v[i].p);
		}
		if (v[i].hi < 0)
			continue;
		off = off == -2 ? v[i].lo : off == -1 ? v[i].hi : off;
		jset(out, v[i].topic, v[i].p, off);
	}
	json_decref(js);
	return out;
}

/* The starting offsets: from the checkpoint when an earlier run resolved
 * them, else resolved now (and kept). */
static void
initial(kafka_source *ks, part *v, size_t n)
{
	st_ckpt c;
	st_buf pb = ST_BUF_INIT;
	int has_ckpt = ks->o->ckpt && st_ckpt_open(&c, ks->o->ckpt) == 0;
	const char *p = st_ckpt_kafka_initial_path(&pb, ks->name ? ks->name :
	    "default");

	if (has_ckpt && st_ckpt_read_json(&c, p, &ks->initial) < 0)
		st_die(ST_EXIT_DATA, "corrupt checkpoint file '%s/%s'",
		    ks->o->ckpt, p);
	if (ks->initial == NULL) {
		ks->initial = resolve_offsets(ks->o->starting,
		    "--starting-offsets", v, n);
		if (has_ckpt && st_ckpt_write_json(&c, p, ks->initial) < 0)
			exit(ST_EXIT_DATA);
	}
	if (has_ckpt)
		st_ckpt_close(&c);
	st_buf_release(&pb);
}

/* Offsets that are gone: an error (exit 1) or a warning, as
 * --fail-on-data-loss says. */
static void
data_loss(kafka_source *ks, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
data_loss(kafka_source *ks, const char *fmt, ...)
{
	va_list ap;
	st_buf b = ST_BUF_INIT;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st_buf_printf(&b, "%s: %s", ks->desc, msg);
	if (ks->o->fail_on_data_loss)
		st_die(ST_EXIT_DATA, "%s (some data may have been lost; "
		    "--fail-on-data-loss false skips it)", b.data);
	st_warn("%s: skipped (--fail-on-data-loss false)", b.data);
	st_buf_release(&b);
}

/* The partitions and their offsets now: what the snapshot just learnt,
 * else asked of the brokers. */
static part *
current(kafka_source *ks, const struct rd_kafka_metadata **md, size_t *n)
{
	part *v = ks->known;

	if (v) {
		*md = ks->known_md;
		*n = ks->known_n;
		ks->known = NULL;
		ks->known_md = NULL;
		return v;
	}
	v = partitions(ks, md, n);
	watermarks(ks, v, *n);
	return v;
}

/* Available-now: whether every partition of the snapshot is read exactly
 * to its end there (then no plan can find more, and none asks the
 * brokers). A position past it (a topic re-created) is for plan() to
 * report. */
static int
snap_done(kafka_source *ks)
{
	const char *t;
	json_t *ps;

	json_object_foreach(ks->snap, t, ps) {
		const char *k;
		json_t *e;
		json_object_foreach(ps, k, e)
			if (jget(ks->pos, t, atoi(k), -1) !=
			    json_integer_value(e))
				return 0;
	}
	return 1;
}

static json_t *
kafka_plan(st_source *s, const st_source_limits *lim)
{
	kafka_source *ks = s->self;
	const struct rd_kafka_metadata *md;
	size_t n;

	if (ks->snap && ks->known == NULL && snap_done(ks))
		return NULL;
	part *v = current(ks, &md, &n);
	if (ks->initial == NULL)
		initial(ks, v, n);
	if (ks->o->ending && ks->ending == NULL)
		ks->ending = resolve_offsets(ks->o->ending,
		    "--ending-offsets", v, n);

	int64_t total = 0;
	int all_done = 1;
	for (size_t i = 0; i < n; i++) {
		part *q = &v[i];
		if (q->hi < 0) {
			if (jget(ks->pos, q->topic, q->p, -1) >= 0)
				data_loss(ks, "partition %s-%d is gone",
				    q->topic, (int)q->p);
			q->from = q->to = 0;
			continue;
		}
		int64_t from = jget(ks->pos, q->topic, q->p, -1);
		if (from < 0)
			from = jget(ks->initial, q->topic, q->p, q->lo);
		if (from > q->hi) {
			data_loss(ks, "partition %s-%d: offset %lld is past "
			    "the end (%lld): the topic was deleted and "
			    "re-created, or its records removed; reading "
			    "from %lld", q->topic, (int)q->p,
			    (long long)from, (long long)q->hi,
			    (long long)q->lo);
			from = q->lo;
			q->reset = 1;
		} else if (from < q->lo) {
			data_loss(ks, "partition %s-%d: offsets %lld to %lld "
			    "are gone (retention or deletion); reading from "
			    "%lld", q->topic, (int)q->p, (long long)from,
			    (long long)q->lo - 1, (long long)q->lo);
			from = q->lo;
		}
		int64_t to = q->hi;
		if (ks->snap)
			to = jget(ks->snap, q->topic, q->p, from);
		if (ks->ending) {
			int64_t e = jget(ks->ending, q->topic, q->p, from);
			if (e < to)
				to = e;
			if (from < e)
				all_done = 0;
		}
		if (to < from)
			to = from;
		q->from = from;
		q->to = to;
		total += to - from;
	}
	if (ks->ending)
		ks->exhausted = all_done;
	/* maxOffsetsPerTrigger: split the limit over the partitions by
	 * their share of the lag, as Spark's KafkaSource.rateLimit. */
	if (lim->max_records && total > lim->max_records) {
		for (size_t i = 0; i < n; i++) {
			part *q = &v[i];
			int64_t size = q->to - q->from;
			if (size <= 0)
				continue;
			double prorate = (double)lim->max_records *
			    ((double)size / (double)total);
			int64_t take = prorate < 1 ? (int64_t)(prorate + 0.999999)
			    : (int64_t)prorate;
			if (take < size)
				q->to = q->from + take;
		}
	}
	json_t *topics = json_object();
	int any = 0;
	ks->behind_parts = ks->behind = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].reset)
			any = 1;
		part *q = &v[i];
		/* The lag st-status shows: offsets left after this batch. */
		if (q->hi > q->to) {
			ks->behind_parts++;
			ks->behind += q->hi - q->to;
		}
		/* A partition first seen is known from now on. */
		if (jget(ks->pos, q->topic, q->p, -1) < 0 && q->hi >= 0 &&
		    q->from == q->to)
			jset(ks->pos, q->topic, q->p, q->from);
		if (q->to <= q->from && !q->reset)
			continue;
		json_t *t = json_object_get(topics, q->topic);
		if (t == NULL) {
			t = json_object();
			json_object_set_new(topics, q->topic, t);
		}
		char k[16];
		snprintf(k, sizeof k, "%d", (int)q->p);
		json_object_set_new(t, k, json_pack("[II]",
		    (json_int_t)q->from, (json_int_t)q->to));
		any = 1;
	}
	free(v);
	if (md)
		rd_kafka_metadata_destroy(md);
	if (!any) {
		json_decref(topics);
		return NULL;
	}
	return json_pack("{so}", "topics", topics);
}

static void
kafka_advance(st_source *s, json_t *range)
{
	kafka_source *ks = s->self;
	const char *t;
	json_t *ps;

	json_object_foreach(json_object_get(range, "topics"), t, ps) {
		const char *k;
		json_t *r;
		json_object_foreach(ps, k, r) {
			/* Not max(): after data loss a range may start
			 * below the old position. */
			jset(ks->pos, t, atoi(k),
			    json_integer_value(json_array_get(r, 1)));
		}
	}
}

static int
kafka_empty(st_source *s, json_t *range)
{
	const char *t;
	json_t *ps;

	(void)s;
	json_object_foreach(json_object_get(range, "topics"), t, ps) {
		const char *k;
		json_t *r;
		json_object_foreach(ps, k, r)
			if (json_integer_value(json_array_get(r, 0)) <
			    json_integer_value(json_array_get(r, 1)))
				return 0;
	}
	return 1;
}

/* Appends a payload as a JSON value: null, a string, or base64 text;
 * returns -1 when it is not UTF-8 and the policy is text. */
static int
put_payload(kafka_source *ks, st_buf *b, const void *p, size_t n)
{
	if (p == NULL) {
		st_buf_puts(b, "null");
		return 0;
	}
	if (ks->o->binary == ST_KAFKA_BINARY_BASE64) {
		st_buf_putc(b, '"');
		st_base64_encode(b, p, n);
		st_buf_putc(b, '"');
		return 0;
	}
	return st_buf_put_json_utf8(b, p, n);
}

/* Writes one message as a record of Spark's Kafka columns. */
static void
write_message(kafka_source *ks, rd_kafka_message_t *m, st_emitter *em)
{
	st_buf *b = &ks->rec;
	const char *topic = rd_kafka_topic_name(m->rkt);
	/* What is not UTF-8, and its bytes for the corrupt record (none
	 * for a header value). */
	const char *bad = NULL;
	const void *raw = NULL;
	size_t rlen = 0;

	st_buf_reset(b);
	st_buf_puts(b, "{\"key\":");
	if (put_payload(ks, b, m->key, m->key_len) < 0) {
		bad = "key", raw = m->key, rlen = m->key_len;
		st_buf_puts(b, "null");
	}
	st_buf_puts(b, ",\"value\":");
	if (put_payload(ks, b, m->payload, m->len) < 0) {
		bad = "value", raw = m->payload, rlen = m->len;
		st_buf_puts(b, "null");
	}
	st_buf_puts(b, ",\"topic\":");
	st_buf_put_json_string(b, topic, strlen(topic));
	st_buf_puts(b, ",\"partition\":");
	st_buf_put_i64(b, m->partition);
	st_buf_puts(b, ",\"offset\":");
	st_buf_put_i64(b, m->offset);
	st_buf_puts(b, ",\"timestamp\":");
	rd_kafka_timestamp_type_t tt;
	int64_t ts = rd_kafka_message_timestamp(m, &tt);
	if (tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
		st_buf_puts(b, "null");
	} else {
		st_buf_putc(b, '"');
		st_format_timestamp(b, ts * 1000);
		st_buf_putc(b, '"');
	}
	/* Spark: 0 CreateTime, 1 LogAppendTime. */
	st_buf_puts(b, tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ?
	    ",\"timestampType\":1" : ",\"timestampType\":0");
	if (ks->o->include_headers) {
		rd_kafka_headers_t *h = NULL;
		st_buf_puts(b, ",\"headers\":[");
		if (rd_kafka_message_headers(m, &h) == 0) {
			const char *name;
			const void *val;
			size_t vlen;
			for (size_t i = 0; rd_kafka_header_get_all(h, i, &name,
			    &val, &vlen) == 0; i++) {
				if (i)
					st_buf_putc(b, ',');
				st_buf_puts(b, "{\"key\":");
				st_buf_put_json_string(b, name, strlen(name));
				st_buf_puts(b, ",\"value\":");
				if (put_payload(ks, b, val, vlen) < 0) {
					bad = "header value", raw = m->payload;
					rlen = 0;
					st_buf_puts(b, "null");
				}
				st_buf_putc(b, '}');
			}
		}
		st_buf_putc(b, ']');
	}
	st_buf_putc(b, '}');
	if (bad == NULL) {
		st_emitter_write(em, b->data, b->len);
		return;
	}
	st_buf_reset(&ks->tmp);
	st_base64_encode(&ks->tmp, raw, rlen);
	st_emitter_bad(em, ks->tmp.data, ks->tmp.len,
	    b->data, b->len, "%s-%d offset %lld: the %s is not UTF-8 (read "
	    "binary payloads with --binary base64)", topic,
	    (int)m->partition, (long long)m->offset, bad);
}

typedef struct want {
	const char *topic;
	int32_t p;
	int64_t from, to, next;
	int done;
} want;

/* One batch being fetched: the partitions of its range. */
typedef struct fetch {
	want *w;		/* new array of n, topics borrowed from the range */
	size_t n, left;		/* left: how many are not done */
	rd_kafka_topic_partition_list_t *l;	/* new: those with records */
	int dirty;		/* the consumer is not at the batch's end */
} fetch;

static want *
find_want(fetch *f, const char *t, int32_t p)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->w[i].p == p && strcmp(f->w[i].topic, t) == 0)
			return &f->w[i];
	return NULL;
}

static void
want_done(fetch *f, want *x)
{
	if (!x->done) {
		x->done = 1;
		f->left--;
	}
}

/* The partitions of range (borrowed: f's topics point into it). */
static void
fetch_init(fetch *f, json_t *range)
{
	const char *t;
	json_t *ps;

	memset(f, 0, sizeof *f);
	json_object_foreach(json_object_get(range, "topics"), t, ps) {
		const char *k;
		json_t *r;
		json_object_foreach(ps, k, r) {
			f->w = st_realloc(f->w, (f->n + 1) * sizeof *f->w);
			want *x = &f->w[f->n++];
			x->topic = t;
			x->p = atoi(k);
			x->from = json_integer_value(json_array_get(r, 0));
			x->to = json_integer_value(json_array_get(r, 1));
			x->next = x->from;
			x->done = x->from >= x->to;
			if (!x->done)
				f->left++;
		}
	}
}

static void
fetch_release(fetch *f)
{
	if (f->l)
		rd_kafka_topic_partition_list_destroy(f->l);
	free(f->w);
}

/* Whether the consumer can go on from where the last batch left off:
 * same partitions, each at the from of f. */
static int
can_continue(kafka_source *ks, fetch *f)
{
	size_t cnt = 0;
	const char *t;
	json_t *ps;

	if (ks->assigned == NULL)
		return 0;
	json_object_foreach(ks->assigned, t, ps)
		cnt += json_object_size(ps);
	if (cnt != f->left)
		return 0;
	for (size_t i = 0; i < f->n; i++)
		if (!f->w[i].done && jget(ks->assigned, f->w[i].topic,
		    f->w[i].p, -1) != f->w[i].from)
			return 0;
	return 1;
}

/* Points the consumer at the from offsets of the partitions left (or lets
 * it go on where the last batch ended) and resumes them. */
static void
fetch_start(kafka_source *ks, fetch *f)
{
	f->l = rd_kafka_topic_partition_list_new((int)f->n);
	for (size_t i = 0; i < f->n; i++)
		if (!f->w[i].done)
			rd_kafka_topic_partition_list_add(f->l, f->w[i].topic,
			    f->w[i].p)->offset = f->w[i].from;
	rd_kafka_resp_err_t err;
	if (can_continue(ks, f)) {
		err = rd_kafka_resume_partitions(ks->rk, f->l);
	} else {
		/* A partition paused at the end of an earlier batch stays
		 * paused across assign(), so it is resumed first: resumed
		 * after, the fetch assign() started would be outdated (a
		 * version barrier) and fetched all over again. */
		if (ks->paused)
			(void)rd_kafka_resume_partitions(ks->rk, ks->paused);
		err = rd_kafka_assign(ks->rk, f->l);
	}
	if (err)
		st_die(ST_EXIT_DATA, "%s: cannot fetch: %s", ks->desc,
		    rd_kafka_err2str(err));
	json_decref(ks->assigned);
	ks->assigned = NULL;
}

/* Nothing came for long: checks that the rest of the range still exists
 * (records removed below it are data loss). */
static void
fetch_check_gone(kafka_source *ks, fetch *f)
{
	for (size_t i = 0; i < f->n; i++) {
		want *x = &f->w[i];
		int64_t lo, hi;
		if (x->done || rd_kafka_query_watermark_offsets(ks->rk,
		    x->topic, x->p, &lo, &hi, META_TIMEOUT_MS))
			continue;
		if (hi < x->to && hi <= x->next) {
			data_loss(ks, "partition %s-%d: offsets %lld to %lld "
			    "of this batch are gone", x->topic, (int)x->p,
			    (long long)x->next, (long long)x->to - 1);
			want_done(f, x);
		}
	}
}

/* An event of the consumer queue that is not a record: the end of a
 * partition, offsets out of range (data loss), or a client error. */
static void
fetch_event(kafka_source *ks, fetch *f, want *x, rd_kafka_message_t *m)
{
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		/* At the end: done when the batch's range is read. An end
		 * below the range means records were removed; the idle
		 * check deals with it (a transaction may still be open). */
		if (x && m->offset >= x->to)
			want_done(f, x);
	} else if (x && (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
	    m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE)) {
		data_loss(ks, "partition %s-%d: offsets %lld to %lld are gone",
		    x->topic, (int)x->p, (long long)x->next,
		    (long long)x->to - 1);
		want_done(f, x);
		f->dirty = 1;
	} else if (m->err != RD_KAFKA_RESP_ERR__TRANSPORT &&
	    m->err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
		st_warn("%s: %s", ks->desc, rd_kafka_message_errstr(m));
	}
}

/* One message of the consumer queue (destroyed here): a record of the
 * batch is written; one outside it (fetched past an earlier batch's end,
 * or from a partition the batch does not read) is dropped. */
static void
fetch_message(kafka_source *ks, fetch *f, rd_kafka_message_t *m,
    st_emitter *em)
{
	want *x = m->rkt ? find_want(f, rd_kafka_topic_name(m->rkt),
	    m->partition) : NULL;

	if (m->err) {
		fetch_event(ks, f, x, m);
	} else if (x && !x->done && m->offset >= x->to) {
		/* Past the range: what is left of it holds no record this
		 * consumer sees (a transaction's control record, aborted
		 * records under read_committed, records compacted away), and
		 * a partition's messages come in offset order. */
		want_done(f, x);
		f->dirty = 1;
	} else if (x == NULL || x->done || m->offset < x->next) {
		f->dirty = 1;
	} else {
		write_message(ks, m, em);
		x->next = m->offset + 1;
		if (x->next >= x->to)
			want_done(f, x);
	}
	rd_kafka_message_destroy(m);
}

/*
 * The next message or event of the consumer queue, or NULL after
 * timeout_ms. What is queued comes BATCH at a time, one lock round per
 * batch, and never waited for: rd_kafka_consume_batch_queue() waits until
 * it has all BATCH or its timeout passes, which at the end of a batch (or
 * of a fetch) would idle with records in hand, so it is called with no
 * timeout and only an empty queue is waited on.
 */
static rd_kafka_message_t *
next_message(kafka_source *ks, int timeout_ms)
{
	if (ks->mi == ks->mn) {
		ssize_t got = rd_kafka_consume_batch_queue(ks->q, 0, ks->msgs,
		    BATCH);
		ks->mi = 0;
		ks->mn = got > 0 ? (size_t)got : 0;
		if (ks->mn == 0)
			return rd_kafka_consume_queue(ks->q, timeout_ms);
	}
	return ks->msgs[ks->mi++];
}

/* After the batch: messages polled past it are dropped, the partitions
 * paused until the next batch says from where, and, when the consumer
 * stands exactly at the batch's end, that is remembered so that the next
 * batch goes on without assigning again. */
static void
fetch_finish(kafka_source *ks, fetch *f)
{
	for (; ks->mi < ks->mn; ks->mi++) {
		rd_kafka_message_destroy(ks->msgs[ks->mi]);
		f->dirty = 1;
	}
	(void)rd_kafka_pause_partitions(ks->rk, f->l);
	if (ks->paused)
		rd_kafka_topic_partition_list_destroy(ks->paused);
	ks->paused = rd_kafka_topic_partition_list_copy(f->l);
	if (f->dirty)
		return;
	ks->assigned = json_object();
	for (size_t i = 0; i < f->n; i++)
		if (f->w[i].from < f->w[i].to)
			jset(ks->assigned, f->w[i].topic, f->w[i].p,
			    f->w[i].to);
}

static int
kafka_emit(st_source *s, json_t *range, st_emitter *em)
{
	kafka_source *ks = s->self;
	fetch f;

	fetch_init(&f, range);
	if (f.left == 0) {
		fetch_release(&f);
		return 0;
	}
	fetch_start(ks, &f);
	int64_t idle_since = st_mono_usec();
	while (f.left > 0) {
		if (st_stop_requested()) {
			/* The batch is logged: the next run emits it again. */
			st_warn("%s: stopped in the middle of a batch",
			    ks->desc);
			fetch_release(&f);
			return -1;
		}
		rd_kafka_message_t *m = next_message(ks, 100);
		if (m) {
			idle_since = st_mono_usec();
			fetch_message(ks, &f, m, em);
		} else if (st_mono_usec() - idle_since > 30 * ST_USEC_PER_SEC) {
			idle_since = st_mono_usec();
			fetch_check_gone(ks, &f);
		}
	}
	fetch_finish(ks, &f);
	fetch_release(&f);
	return 0;
}

/* The range of a then b: per partition, a's from and b's to. */
static json_t *
kafka_merge(st_source *s, json_t *a, json_t *b)
{
	json_t *out = json_deep_copy(a);
	json_t *topics = json_object_get(out, "topics");
	const char *t;
	json_t *ps;

	(void)s;
	if (topics == NULL) {
		topics = json_object();
		json_object_set_new(out, "topics", topics);
	}
	json_object_foreach(json_object_get(b, "topics"), t, ps) {
		json_t *to = json_object_get(topics, t);
		if (to == NULL) {
			to = json_object();
			json_object_set_new(topics, t, to);
		}
		const char *k;
		json_t *r;
		json_object_foreach(ps, k, r) {
			json_t *ar = json_object_get(to, k);
			json_int_t from = json_integer_value(json_array_get(ar ?
			    ar : r, 0));
			json_object_set_new(to, k, json_pack("[II]", from,
			    json_integer_value(json_array_get(r, 1))));
		}
	}
	return out;
}

static void
kafka_snapshot(st_source *s)
{
	kafka_source *ks = s->self;
	const struct rd_kafka_metadata *md;
	size_t n;
	part *v = current(ks, &md, &n);

	json_decref(ks->snap);
	ks->snap = json_object();
	for (size_t i = 0; i < n; i++)
		if (v[i].hi >= 0)
			jset(ks->snap, v[i].topic, v[i].p, v[i].hi);
	ks->known = v;
	ks->known_n = n;
	ks->known_md = md;
}

static void
kafka_wait(st_source *s, int64_t usec)
{
	struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000 };

	/* Not rd_kafka_poll(): the main queue is the consumer's (callbacks
	 * are served by rd_kafka_consumer_poll() in emit). */
	(void)s;
	(void)nanosleep(&ts, NULL);
}

static int
kafka_exhausted(st_source *s)
{
	kafka_source *ks = s->self;

	return ks->exhausted;
}

static int
kafka_commit(st_source *s, json_t *range)
{
	kafka_source *ks = s->self;
	const char *t;
	json_t *ps;

	if (ks->o->group_id == NULL)
		return 0;
	rd_kafka_topic_partition_list_t *l =
	    rd_kafka_topic_partition_list_new(4);
	json_object_foreach(json_object_get(range, "topics"), t, ps) {
		const char *k;
		json_t *r;
		json_object_foreach(ps, k, r)
			rd_kafka_topic_partition_list_add(l, t, atoi(k))->offset =
			    json_integer_value(json_array_get(r, 1));
	}
	rd_kafka_resp_err_t err = l->cnt ? rd_kafka_commit(ks->rk, l, 1) : 0;
	if (err)
		st_warn("%s: cannot commit offsets to group '%s': %s",
		    ks->desc, ks->o->group_id, rd_kafka_err2str(err));
	rd_kafka_topic_partition_list_destroy(l);
	return 0;
}

static json_t *
kafka_save(st_source *s)
{
	kafka_source *ks = s->self;

	return json_deep_copy(ks->pos);
}

static int
kafka_load(st_source *s, json_t *pos)
{
	kafka_source *ks = s->self;

	if (!json_is_object(pos))
		return -1;
	json_decref(ks->pos);
	ks->pos = json_deep_copy(pos);
	return 0;
}

static const char *
kafka_describe(st_source *s)
{
	kafka_source *ks = s->self;

	return ks->desc;
}

static void
kafka_free(st_source *s)
{
	kafka_source *ks = s->self;

	for (; ks->mi < ks->mn; ks->mi++)
		rd_kafka_message_destroy(ks->msgs[ks->mi]);
	/* Before the handle: a partition list holds its partitions
	 * (rd_kafka_destroy() waits for every reference). */
	if (ks->paused)
		rd_kafka_topic_partition_list_destroy(ks->paused);
	if (ks->q)
		rd_kafka_queue_destroy(ks->q);
	if (ks->rk)
		rd_kafka_destroy_flags(ks->rk,
		    RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	if (ks->has_re)
		regfree(&ks->re);
	json_decref(ks->pos);
	json_decref(ks->initial);
	json_decref(ks->ending);
	json_decref(ks->snap);
	json_decref(ks->assigned);
	free(ks->known);
	if (ks->known_md)
		rd_kafka_metadata_destroy(ks->known_md);
	st_buf_release(&ks->rec);
	st_buf_release(&ks->tmp);
	free(ks->desc);
	free(ks->name);
	free(ks);
}

static void
kafka_backlog(st_source *s, int64_t *files, int64_t *bytes, int64_t *planned,
    int64_t *records)
{
	kafka_source *ks = s->self;

	*files = ks->behind_parts;
	*bytes = -1;
	*planned = -1;
	*records = ks->behind;
}

static const st_source_vt kafka_vt = {
	.kind = "kafka",
	.replayable = 1,
	.plan = kafka_plan,
	.advance = kafka_advance,
	.emit = kafka_emit,
	.empty = kafka_empty,
	.merge = kafka_merge,
	.commit = kafka_commit,
	.snapshot = kafka_snapshot,
	.wait = kafka_wait,
	.exhausted = kafka_exhausted,
	.save = kafka_save,
	.load = kafka_load,
	.describe = kafka_describe,
	.backlog = kafka_backlog,
	.free = kafka_free,
};

/* librdkafka's log lines, as st's warnings. */
static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	if (level <= 4 || getenv("ST_KAFKA_DEBUG"))
		st_warn("kafka: %s: %s", fac, buf);
}

st_source *
st_kafka_source_new(const char *name, const st_kafka_source_opts *o)
{
	kafka_source *ks = st_calloc(1, sizeof *ks);
	st_buf_init(&ks->tmp);
	st_source *s = st_calloc(1, sizeof *s);
	st_buf d = ST_BUF_INIT;
	char errstr[512];

	ks->o = o;
	ks->name = name ? st_strdup(name) : NULL;
	ks->pos = json_object();
	st_buf_puts(&d, "KafkaV2[");
	if (o->assign) {
		char *t = json_dumps(o->assign, JSON_COMPACT);
		st_buf_printf(&d, "Assign[%s]", t);
		free(t);
	} else if (o->pattern) {
		st_buf_printf(&d, "SubscribePattern[%s]", o->pattern);
	} else {
		st_buf_puts(&d, "Subscribe[");
		for (char **t = o->subscribe; *t; t++)
			st_buf_printf(&d, "%s%s", t == o->subscribe ? "" : ",",
			    *t);
		st_buf_putc(&d, ']');
	}
	st_buf_putc(&d, ']');
	ks->desc = st_buf_detach(&d, NULL);
	if (o->pattern) {
		int rc = regcomp(&ks->re, o->pattern, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			regerror(rc, &ks->re, errstr, sizeof errstr);
			st_usage_error("invalid pattern '%s' for "
			    "--subscribe-pattern: %s", o->pattern, errstr);
		}
		ks->has_re = 1;
	}
	const char *defaults[] = {
		"group.id", o->group_id ? o->group_id : "st-read",
		"enable.auto.commit", "false",
		"enable.auto.offset.store", "false",
		"enable.partition.eof", "true",
		"auto.offset.reset", "error",
		"isolation.level", "read_committed",
		"topic.metadata.refresh.interval.ms", "5000",
		"log_level", "4",
		"fetch.wait.max.ms", "100",
		/* librdkafka 2.0.2 counts queued.min.messages (meant per
		 * partition) on the one consumer queue all partitions feed:
		 * at its default, 100000, a few partitions' worth of records
		 * stop every fetch until the broker thread next wakes up,
		 * up to a second later (bench/kafka.sh waited 0.8 s of its
		 * 1.1 s there). queued.max.messages.kbytes (64 MB) still
		 * bounds what is queued. */
		"queued.min.messages", "1000000",
		NULL
	};
	rd_kafka_conf_t *c = st_kafka_conf_build(&o->conf, defaults);
	rd_kafka_conf_set_log_cb(c, log_cb);
	ks->rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, errstr, sizeof errstr);
	if (ks->rk == NULL)
		st_die(ST_EXIT_DATA, "%s: %s", ks->desc, errstr);
	rd_kafka_poll_set_consumer(ks->rk);
	ks->q = rd_kafka_queue_get_consumer(ks->rk);
	s->vt = &kafka_vt;
	s->name = name ? st_strdup(name) : NULL;
	s->self = ks;
	return s;
}
