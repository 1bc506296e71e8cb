/*
 * check_kafka.c - how lib/source/kafka.c's fetch loop takes the messages
 * of a batch's range [from, to), fed by hand (no broker): a read_committed
 * consumer sees no record at the offsets of a transaction's control
 * records or of aborted transactions, so a range may end on offsets that
 * never come. librdkafka 2.0.2's mock writes no control records (see
 * tests/kafka-mock.c), so this is where it is tested. The oracle is Kafka's
 * own consumer: KafkaConsumer positions advance past control records and
 * aborted batches (Fetcher, "skip the control batch"), and Spark's
 * KafkaDataConsumer.fetchRecord ends a range when the next offset it gets
 * is at or past its end (the "offset was changed from X to Y" case).
 */
#include <check.h>
#include <fcntl.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>

/* Messages made here are not librdkafka's: destroying them and reading
 * their timestamps go through these. */
static int destroyed;
static void
fake_destroy(rd_kafka_message_t *m)
{
	(void)m;
	destroyed++;
}
static int64_t
fake_timestamp(const rd_kafka_message_t *m, rd_kafka_timestamp_type_t *tt)
{
	(void)m;
	*tt = RD_KAFKA_TIMESTAMP_CREATE_TIME;
	return 1700000000000;
}
#define rd_kafka_message_destroy(m) fake_destroy(m)
#define rd_kafka_message_timestamp(m, tt) fake_timestamp(m, tt)

#include "../../lib/source/kafka.c"

static rd_kafka_t *rk;
static rd_kafka_topic_t *rkt;
static kafka_source ks;
static st_kafka_source_opts opts;
static st_writer out;
static st_emitter em;
static fetch f;

static void
setup(const char *range)
{
	char errstr[256];
	json_error_t je;

	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	/* No broker: quiet about it. */
	rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
	ck_assert_ptr_nonnull(rk);
	rkt = rd_kafka_topic_new(rk, "t", NULL);
	memset(&ks, 0, sizeof ks);
	memset(&opts, 0, sizeof opts);
	ks.o = &opts;
	ks.desc = "KafkaV2[Subscribe[t]]";
	st_buf_init(&ks.rec);
	st_buf_init(&ks.tmp);
	st_writer_init(&out, open("/dev/null", O_WRONLY), "/dev/null", 0);
	memset(&em, 0, sizeof em);
	em.out = &out;
	json_t *r = json_loads(range, 0, &je);
	ck_assert_ptr_nonnull(r);
	fetch_init(&f, r);
	destroyed = 0;
	/* f borrows the topic names of r: kept until teardown. */
	ks.assigned = r;
}

static void
teardown(void)
{
	fetch_release(&f);
	json_decref(ks.assigned);
	st_buf_release(&ks.rec);
	st_buf_release(&ks.tmp);
	st_writer_release(&out);
	close(out.fd);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
}

static void
feed(int32_t p, int64_t off, rd_kafka_resp_err_t err)
{
	rd_kafka_message_t m;

	memset(&m, 0, sizeof m);
	m.rkt = rkt;
	m.partition = p;
	m.offset = off;
	m.err = err;
	m.payload = (void *)"v";
	m.len = 1;
	fetch_message(&ks, &f, &m, &em);
}

START_TEST(test_range_ends_on_a_control_record)
{
	/* 5, 6 records, 7 a commit marker, 8 the next transaction's. */
	setup("{\"topics\":{\"t\":{\"0\":[5,8],\"1\":[0,1]}}}");
	ck_assert_uint_eq(f.left, 2);
	feed(0, 5, 0);
	feed(0, 6, 0);
	ck_assert_uint_eq(f.left, 2);
	feed(0, 8, 0);
	ck_assert_uint_eq(f.left, 1);
	ck_assert_int_eq(f.dirty, 1);
	ck_assert_uint_eq(em.rows, 2);
	feed(1, 0, 0);
	ck_assert_uint_eq(f.left, 0);
	ck_assert_uint_eq(em.rows, 3);
	ck_assert_int_eq(destroyed, 4);
	teardown();
}
END_TEST

START_TEST(test_range_of_aborted_records_only)
{
	/* [3, 6) all aborted: the first message seen is 6. */
	setup("{\"topics\":{\"t\":{\"2\":[3,6]}}}");
	feed(2, 6, 0);
	ck_assert_uint_eq(f.left, 0);
	ck_assert_uint_eq(em.rows, 0);
	teardown();
}
END_TEST

START_TEST(test_end_of_partition_past_the_range)
{
	/* The marker is the partition's last offset: the end event says
	 * 8, the range is read, and the consumer stands at its end. */
	setup("{\"topics\":{\"t\":{\"0\":[5,8]}}}");
	feed(0, 5, 0);
	feed(0, 6, 0);
	feed(0, 8, RD_KAFKA_RESP_ERR__PARTITION_EOF);
	ck_assert_uint_eq(f.left, 0);
	ck_assert_int_eq(f.dirty, 0);
	ck_assert_uint_eq(em.rows, 2);
	teardown();
}
END_TEST

START_TEST(test_old_and_foreign_messages_dropped)
{
	setup("{\"topics\":{\"t\":{\"0\":[5,7]}}}");
	feed(0, 4, 0);		/* fetched before the range */
	feed(3, 5, 0);		/* a partition the batch does not read */
	ck_assert_uint_eq(f.left, 1);
	ck_assert_uint_eq(em.rows, 0);
	ck_assert_int_eq(f.dirty, 1);
	feed(0, 5, 0);
	feed(0, 5, 0);		/* again: once only */
	feed(0, 6, 0);
	ck_assert_uint_eq(f.left, 0);
	ck_assert_uint_eq(em.rows, 2);
	teardown();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("kafka");
	TCase *t = tcase_create("fetch");

	tcase_add_test(t, test_range_ends_on_a_control_record);
	tcase_add_test(t, test_range_of_aborted_records_only);
	tcase_add_test(t, test_end_of_partition_past_the_range);
	tcase_add_test(t, test_old_and_foreign_messages_dropped);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
