/*
 * kafka.c - the Kafka sink (librdkafka): one message per record, one
 * transaction per batch with the batch id recorded inside it; see sink.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bytes.h"
#include "column.h"
#include "err.h"
#include "opts.h"
#include "sink.h"
#include "datetime.h"

#define TIMEOUT_MS 30000

typedef struct kafka_sink {
	const st_kafka_sink_opts *o;
	rd_kafka_t *rk;
	int txn;		/* transactions (exactly-once) */
	int in_txn;
	char *query;		/* the query the producer was made for */
	int64_t last;		/* the last batch recorded in the batches
				 * topic for query, -2 before looking */
	char desc[256];
	char txn_id[64];	/* this attempt at the batch: "N-PID-SEQ" */
	unsigned seq;
	/* Delivery reports of the current batch. */
	uint64_t sent, acked, failed;
	char errmsg[512];
	st_buf key, val, tmp;
	st_fields hdrs, hobj;
} kafka_sink;

void
st_kafka_sink_opts_init(st_kafka_sink_opts *k)
{
	memset(k, 0, sizeof *k);
	st_kafka_conf_init(&k->conf);
	k->batches_topic = "_st_batches";
}

void
st_kafka_sink_opts_release(st_kafka_sink_opts *k)
{
	st_kafka_conf_release(&k->conf);
}

/* --topic, --batches-topic: a name, not empty. */
static void
opt_topic(void *field, const char *arg, const st_option *opt)
{
	if (*arg == '\0')
		st_usage_error("%s needs a topic name", st_opt_name(opt));
	*(const char **)field = arg;
}

static const char *const delivery_names[] = {
	"exactly-once", "at-least-once", NULL
};
static const char *const binary_names[] = { "text", "base64", NULL };

const st_option st_kafka_sink_options[] = {
	ST_OPT_TEXT(NULL, "Kafka (--format kafka):"),
	ST_OPT_GROUP(st_kafka_conf_options, st_kafka_sink_opts, conf),
	ST_OPT_CALL(0, "topic", "T", st_kafka_sink_opts, topic, opt_topic,
	    "write to T (default: each record's topic column)"),
	ST_OPT_STRING(0, "key-column", "COL", st_kafka_sink_opts, key_column,
	    "the key is COL (default: the key column, if any)"),
	ST_OPT_CHOICE(0, "delivery", "MODE", st_kafka_sink_opts,
	    at_least_once, delivery_names, "mode",
	    "exactly-once (default with a checkpoint: one\n"
	    "transaction per batch) or at-least-once"),
	ST_OPT_CHOICE(0, "binary", "MODE", st_kafka_sink_opts, binary_base64,
	    binary_names, "mode",
	    "text (default) or base64: key and value columns\n"
	    "hold base64 text, sent as the bytes it encodes"),
	ST_OPT_CALL(0, "batches-topic", "T", st_kafka_sink_opts,
	    batches_topic, opt_topic,
	    "where exactly-once records batch ids (_st_batches)"),
	ST_OPT_END
};

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	kafka_sink *ks = opaque;

	(void)rk;
	if (m->err == 0) {
		ks->acked++;
		return;
	}
	if (ks->failed++ == 0)
		snprintf(ks->errmsg, sizeof ks->errmsg, "cannot write to "
		    "topic '%s': %s", rd_kafka_topic_name(m->rkt),
		    rd_kafka_err2str(m->err));
}

static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	if (level <= 3 || getenv("ST_KAFKA_DEBUG"))
		st_warn("kafka: %s: %s", fac, buf);
}

/* A fatal or failed transactional call: prints why, returns -1. */
static int
txn_error(kafka_sink *ks, const char *what, rd_kafka_error_t *e)
{
	st_warn("%s: %s: %s", ks->desc, what, rd_kafka_error_string(e));
	rd_kafka_error_destroy(e);
	return -1;
}

/* Makes the producer: transactional for query (exactly-once), else
 * idempotent. */
static int
open_producer(kafka_sink *ks, const char *query)
{
	char errstr[512], tid[128];

	ks->txn = query && !ks->o->at_least_once;
	snprintf(tid, sizeof tid, "st-%s", query ? query : "");
	const char *defaults[] = {
		"enable.idempotence", "true",
		"acks", "all",
		/* The Java client's partitioner for keyed records. */
		"partitioner", "murmur2_random",
		"linger.ms", "5",
		"log_level", "3",
		"transactional.id", ks->txn ? tid : NULL,
		NULL
	};
	if (!ks->txn)
		defaults[10] = NULL;
	rd_kafka_conf_t *c = st_kafka_conf_build(&ks->o->conf, defaults);
	rd_kafka_conf_set_dr_msg_cb(c, dr_cb);
	rd_kafka_conf_set_log_cb(c, log_cb);
	rd_kafka_conf_set_opaque(c, ks);
	ks->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, errstr, sizeof errstr);
	if (ks->rk == NULL) {
		st_warn("%s: %s", ks->desc, errstr);
		return -1;
	}
	ks->query = query ? st_strdup(query) : NULL;
	if (ks->txn) {
		/* Fences an earlier producer of this query and aborts the
		 * transaction it left open. */
		rd_kafka_error_t *e = rd_kafka_init_transactions(ks->rk,
		    TIMEOUT_MS);
		if (e)
			return txn_error(ks, "cannot start transactions", e);
	}
	return 0;
}

/* The last batch of query recorded in the batches topic (read_committed),
 * or -1. Returns -2 after printing why. */
static int64_t
recorded_batch(kafka_sink *ks, const char *query)
{
	char errstr[512];
	const char *defaults[] = {
		"group.id", "st-sink",
		"enable.auto.commit", "false",
		"enable.partition.eof", "true",
		"isolation.level", "read_committed",
		"log_level", "3",
		NULL
	};
	rd_kafka_conf_t *c = st_kafka_conf_build(&ks->o->conf, defaults);
	rd_kafka_conf_set_log_cb(c, log_cb);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, errstr,
	    sizeof errstr);
	if (rk == NULL) {
		st_warn("%s: %s", ks->desc, errstr);
		return -2;
	}
	int64_t last = -1;
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_topic_t *t = rd_kafka_topic_new(rk, ks->o->batches_topic,
	    NULL);
	rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t, &md,
	    TIMEOUT_MS);
	rd_kafka_topic_destroy(t);
	if (err || md->topic_cnt != 1 || md->topics[0].err ||
	    md->topics[0].partition_cnt < 1) {
		/* No batches topic yet: no batch recorded. */
		if (md)
			rd_kafka_metadata_destroy(md);
		rd_kafka_destroy(rk);
		return -1;
	}
	int32_t np = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);
	int32_t p = st_kafka_partition(query, strlen(query), np);
	int64_t lo, hi;
	err = rd_kafka_query_watermark_offsets(rk, ks->o->batches_topic, p,
	    &lo, &hi, TIMEOUT_MS);
	if (err) {
		st_warn("%s: cannot read topic '%s': %s", ks->desc,
		    ks->o->batches_topic, rd_kafka_err2str(err));
		rd_kafka_destroy(rk);
		return -2;
	}
	if (hi > lo) {
		rd_kafka_topic_partition_list_t *l =
		    rd_kafka_topic_partition_list_new(1);
		rd_kafka_topic_partition_list_add(l, ks->o->batches_topic,
		    p)->offset = lo;
		rd_kafka_assign(rk, l);
		rd_kafka_topic_partition_list_destroy(l);
		int64_t deadline = st_mono_usec() + 60 * ST_USEC_PER_SEC;
		for (;;) {
			rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
			if (m == NULL) {
				if (st_mono_usec() > deadline) {
					st_warn("%s: cannot read topic '%s': "
					    "timed out", ks->desc,
					    ks->o->batches_topic);
					rd_kafka_destroy(rk);
					return -2;
				}
				continue;
			}
			int eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
			int64_t off = m->offset;
			if (m->err == 0 && m->key_len == strlen(query) &&
			    memcmp(m->key, query, m->key_len) == 0) {
				json_t *v = json_loadb(m->payload, m->len, 0,
				    NULL);
				int64_t b = json_integer_value(json_object_get(v,
				    "batch"));
				if (b > last)
					last = b;
				json_decref(v);
			}
			rd_kafka_message_destroy(m);
			if (eof || off >= hi - 1)
				break;
		}
	}
	rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	return last;
}

static int
ensure_producer(kafka_sink *ks, const st_sink_batch *b)
{
	if (ks->rk)
		return 0;
	return open_producer(ks, b->query);
}

static int
kafka_has_batch(st_sink *s, const st_sink_batch *b)
{
	kafka_sink *ks = s->self;

	if (b->query == NULL || ks->o->at_least_once || b->id < 0)
		return 0;
	/* Fence (and abort) an older producer's open transaction first,
	 * so that what the batches topic says is final. */
	if (ensure_producer(ks, b) < 0)
		return -1;
	if (ks->last == -2) {
		ks->last = recorded_batch(ks, b->query);
		if (ks->last == -2)
			return -1;
	}
	return b->id <= ks->last;
}

static int
kafka_begin(st_sink *s, const st_sink_batch *b)
{
	kafka_sink *ks = s->self;

	if (ensure_producer(ks, b) < 0)
		return -1;
	ks->sent = ks->acked = ks->failed = 0;
	ks->errmsg[0] = '\0';
	if (ks->txn) {
		rd_kafka_error_t *e = rd_kafka_begin_transaction(ks->rk);
		if (e)
			return txn_error(ks, "cannot begin a transaction", e);
		ks->in_txn = 1;
		snprintf(ks->txn_id, sizeof ks->txn_id, "%lld-%ld-%u",
		    (long long)b->id, (long)getpid(), ks->seq++);
	}
	return 0;
}

/* A key or value column as message bytes, into out: a string is its
 * text (or, with --binary base64, the bytes its base64 encodes), any
 * other JSON value its JSON text. Returns 0, 1 for null / absent, -1
 * when a base64 column is not base64. */
static int
payload(kafka_sink *ks, const st_field *f, st_buf *out)
{
	st_buf_reset(out);
	if (f == NULL || f->type == ST_J_NULL)
		return 1;
	if (f->type != ST_J_STRING) {
		st_buf_add(out, f->val, f->vlen);
		return 0;
	}
	if (!ks->o->binary_base64) {
		(void)st_field_string(f, out);
		return 0;
	}
	st_buf_reset(&ks->tmp);
	(void)st_field_string(f, &ks->tmp);
	return st_base64_decode(out, ks->tmp.data,
	    ks->tmp.len) < 0 ? -1 : 0;
}

static int
produce(kafka_sink *ks, const char *topic, const void *key, size_t klen,
    const void *val, size_t vlen, rd_kafka_headers_t *h)
{
	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(ks->rk,
		    RD_KAFKA_V_TOPIC(topic),
		    RD_KAFKA_V_KEY(key, klen),
		    RD_KAFKA_V_VALUE((void *)val, vlen),
		    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_HEADERS(h),
		    RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(ks->rk, 50);
			continue;
		}
		if (err) {
			if (h)
				rd_kafka_headers_destroy(h);
			st_warn("%s: cannot write to topic '%s': %s", ks->desc,
			    topic, rd_kafka_err2str(err));
			return -1;
		}
		ks->sent++;
		rd_kafka_poll(ks->rk, 0);
		return 0;
	}
}

static int
kafka_write(st_sink *s, st_record *r)
{
	kafka_sink *ks = s->self;
	char topic[256];

	if (st_record_scan(r) < 0) {
		st_warn("%s: line %llu: not a JSON object", ks->desc,
		    (unsigned long long)r->lineno);
		return -1;
	}
	if (ks->o->topic) {
		snprintf(topic, sizeof topic, "%s", ks->o->topic);
	} else {
		const st_field *t = st_record_column(r, "topic", 5);
		st_buf_reset(&ks->tmp);
		if (t == NULL || st_field_string(t, &ks->tmp) < 0 ||
		    ks->tmp.len == 0 || ks->tmp.len >= sizeof topic) {
			st_warn("%s: line %llu: no topic: give --topic or a "
			    "topic column", ks->desc,
			    (unsigned long long)r->lineno);
			return -1;
		}
		memcpy(topic, ks->tmp.data, ks->tmp.len);
		topic[ks->tmp.len] = '\0';
	}
	const char *kc = ks->o->key_column ? ks->o->key_column : "key";
	const st_field *kf = st_record_column(r, kc, strlen(kc));
	if (kf == NULL && ks->o->key_column) {
		st_warn("%s: line %llu: no column '%s' for --key-column",
		    ks->desc, (unsigned long long)r->lineno, kc);
		return -1;
	}
	int knull = payload(ks, kf, &ks->key);
	const st_field *vf = st_record_column(r, "value", 5);
	int vnull;
	if (vf == NULL) {
		/* Spark's to_json(struct(*)): the record is the value. */
		st_buf_reset(&ks->val);
		st_record_serialize(r, &ks->val);
		vnull = 0;
	} else {
		vnull = payload(ks, vf, &ks->val);
	}
	if (knull < 0 || vnull < 0) {
		st_warn("%s: line %llu: the %s column is not base64 "
		    "(--binary base64)", ks->desc,
		    (unsigned long long)r->lineno, knull < 0 ? "key" : "value");
		return -1;
	}
	rd_kafka_headers_t *h = NULL;
	const st_field *hf = st_record_column(r, "headers", 7);
	if (ks->in_txn) {
		/* Which attempt at the batch wrote the message: the batch
		 * record names the one that committed (for brokers, such as
		 * librdkafka's mock, that do not hide aborted records). */
		h = rd_kafka_headers_new(4);
		rd_kafka_header_add(h, "st.txn", -1, ks->txn_id, -1);
	}
	if (hf && hf->type == ST_J_ARRAY) {
		st_json_err je;
		if (st_json_scan_array(hf->val, hf->vlen, &ks->hdrs, &je) == 0) {
			if (h == NULL)
				h = rd_kafka_headers_new(ks->hdrs.n);
			for (uint32_t i = 0; i < ks->hdrs.n; i++) {
				const st_field *e = &ks->hdrs.v[i];
				if (e->type != ST_J_OBJECT ||
				    st_json_scan_object(e->val, e->vlen,
				    &ks->hobj, &je) < 0)
					continue;
				const st_field *hk = st_fields_column(&ks->hobj,
				    "key", 3, NULL, NULL);
				const st_field *hv = st_fields_column(&ks->hobj,
				    "value", 5, NULL, NULL);
				st_buf name = ST_BUF_INIT;
				if (hk == NULL || st_field_string(hk, &name) < 0) {
					st_buf_release(&name);
					continue;
				}
				st_buf_putc(&name, '\0');
				st_buf_reset(&ks->tmp);
				int hnull = payload(ks, hv, &ks->tmp);
				rd_kafka_header_add(h, name.data, -1,
				    hnull ? NULL : ks->tmp.data,
				    hnull ? 0 : (ssize_t)ks->tmp.len);
				st_buf_release(&name);
			}
		}
	}
	return produce(ks, topic, knull ? NULL : ks->key.data,
	    knull ? 0 : ks->key.len, vnull ? NULL : ks->val.data,
	    vnull ? 0 : ks->val.len, h);
}

/* Waits until every message sent is acknowledged or failed. */
static int
flush_all(kafka_sink *ks)
{
	int64_t deadline = st_mono_usec() + 5 * 60 * ST_USEC_PER_SEC;

	while (rd_kafka_outq_len(ks->rk) > 0 || ks->acked + ks->failed <
	    ks->sent) {
		rd_kafka_flush(ks->rk, 1000);
		if (st_mono_usec() > deadline) {
			st_warn("%s: %llu messages not acknowledged after 5 "
			    "minutes", ks->desc,
			    (unsigned long long)(ks->sent - ks->acked));
			return -1;
		}
	}
	if (ks->failed) {
		st_warn("%s: %s (%llu of %llu messages failed)", ks->desc,
		    ks->errmsg, (unsigned long long)ks->failed,
		    (unsigned long long)ks->sent);
		return -1;
	}
	return 0;
}

static int
kafka_end(st_sink *s, const st_sink_batch *b)
{
	kafka_sink *ks = s->self;

	/* Every record acknowledged first, then the batch id, in the same
	 * transaction: on a broker that shows records of open transactions
	 * (librdkafka's mock), a visible batch record then means all of the
	 * batch's records are there too. */
	int rc = flush_all(ks);
	if (rc == 0 && ks->txn && b->id >= 0) {
		/* The batch id, in the same transaction as its records. */
		char v[256];
		int n = snprintf(v, sizeof v, "{\"query\":\"%s\",\"batch\":%lld,"
		    "\"ts\":%lld,\"txn\":\"%s\"}", b->query, (long long)b->id,
		    (long long)b->ts_ms, ks->txn_id);
		rc = produce(ks, ks->o->batches_topic, b->query,
		    strlen(b->query), v, (size_t)n, NULL);
		if (rc == 0)
			rc = flush_all(ks);
	}
	if (rc < 0) {
		if (ks->in_txn) {
			rd_kafka_error_t *e = rd_kafka_abort_transaction(ks->rk,
			    TIMEOUT_MS);
			if (e)
				rd_kafka_error_destroy(e);
			ks->in_txn = 0;
		}
		return -1;
	}
	if (ks->in_txn) {
		rd_kafka_error_t *e = rd_kafka_commit_transaction(ks->rk,
		    TIMEOUT_MS);
		ks->in_txn = 0;
		if (e)
			return txn_error(ks, "cannot commit the transaction", e);
		if (b->id > ks->last)
			ks->last = b->id;
	}
	return 0;
}

static const char *
kafka_describe(st_sink *s)
{
	kafka_sink *ks = s->self;

	return ks->desc;
}

static void
kafka_free(st_sink *s)
{
	kafka_sink *ks = s->self;

	if (ks->rk) {
		if (ks->in_txn) {
			rd_kafka_error_t *e = rd_kafka_abort_transaction(ks->rk,
			    TIMEOUT_MS);
			if (e)
				rd_kafka_error_destroy(e);
		}
		rd_kafka_flush(ks->rk, TIMEOUT_MS);
		rd_kafka_destroy(ks->rk);
	}
	free(ks->query);
	st_buf_release(&ks->key);
	st_buf_release(&ks->val);
	st_buf_release(&ks->tmp);
	st_fields_release(&ks->hdrs);
	st_fields_release(&ks->hobj);
	free(ks);
}

static const st_sink_vt kafka_vt = {
	.format = "kafka",
	.idempotent = 1,
	.begin = kafka_begin,
	.write = kafka_write,
	.end = kafka_end,
	.has_batch = kafka_has_batch,
	.describe = kafka_describe,
	.free = kafka_free,
};

st_sink *
st_sink_kafka_new(const st_kafka_sink_opts *o)
{
	kafka_sink *ks = st_calloc(1, sizeof *ks);
	st_buf_init(&ks->tmp);
	st_sink *s = st_calloc(1, sizeof *s);

	ks->o = o;
	ks->last = -2;
	snprintf(ks->desc, sizeof ks->desc, "KafkaSink[%s]",
	    o->topic ? o->topic : "topic column");
	s->vt = &kafka_vt;
	s->self = ks;
	return s;
}
