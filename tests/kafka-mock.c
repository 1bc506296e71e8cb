/*
 * kafka-mock - a Kafka-protocol broker for the tests: librdkafka's mock
 * cluster (rdkafka_mock.h) in a process of its own.
 *
 *     kafka-mock [-b BROKERS] [TOPIC:PARTITIONS ...]
 *
 * Creates the cluster (BROKERS brokers, default 1) listening on 127.0.0.1
 * on ports the kernel picks (so never one another test uses), creates the
 * topics, prints the bootstrap address ("127.0.0.1:PORT,...") on a line of
 * its own to standard output, flushes it, and then reads commands on
 * standard input, one a line, answering each with "ok" or "error: ...":
 *
 *     create TOPIC PARTITIONS
 *     error APIKEY ERR COUNT    the next COUNT requests of Kafka API APIKEY
 *                               (0 Produce, 1 Fetch, ...) fail with error
 *                               code ERR (rd_kafka_mock_push_request_errors)
 *     clear APIKEY              forgets the errors pushed for APIKEY
 *     committed GROUP TOPIC N   the offsets GROUP has committed for partitions
 *                               0..N-1 of TOPIC, asked of the cluster as a
 *                               monitoring tool does (OffsetFetch): the
 *                               answer is "ok 0=OFF 1=OFF ...", -1001 for
 *                               none
 *     commit GROUP TOPIC P=OFF[,P=OFF...]   commits those offsets for GROUP
 *                               (OffsetCommit), as another client could
 *
 * It runs until SIGTERM or SIGINT (standard input at its end does not stop
 * it, so `kafka-mock t:3 </dev/null >addr &` works). Tests start it with
 * start_kafka_mock and stop it with stop_kafka_mock (tests/lib-kafka.sh).
 *
 * What librdkafka 2.0.2's mock cluster does not do, and so the tests cannot
 * exercise (probed 2026-12-02: its ApiVersions lists Produce, Fetch,
 * ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator, the
 * group APIs, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn
 * and TxnOffsetCommit, nothing else): deleting topics (no DeleteTopics);
 * adding partitions to an existing topic (no CreatePartitions, no
 * rd_kafka_mock_* call for it, and "create" of an existing topic fails with
 * "Topic already exists"); transaction markers: init, commit and abort
 * succeed, but no control record is written (a transaction's records take
 * contiguous offsets, the high watermark counts an open transaction) and a
 * read_committed fetch returns aborted and open records alike. See
 * tests/lib-kafka.sh.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A consumer of group on the cluster, for the group commands (new
 * handle), or NULL after printing why. */
static rd_kafka_t *
group_client(rd_kafka_mock_cluster_t *mc, const char *group)
{
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	if (rd_kafka_conf_set(conf, "bootstrap.servers",
	    rd_kafka_mock_cluster_bootstraps(mc), errstr, sizeof errstr) ||
	    rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr) ||
	    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr,
	    sizeof errstr) ||
	    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr)) {
		printf("error: %s\n", errstr);
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr,
	    sizeof errstr);
	if (rk == NULL)
		printf("error: %s\n", errstr);
	return rk;
}

/* committed GROUP TOPIC N, commit GROUP TOPIC P=OFF,...: answers one
 * line. */
static void
group_command(rd_kafka_mock_cluster_t *mc, const char *cmd,
    const char *group, const char *topic, const char *arg)
{
	rd_kafka_t *rk = group_client(mc, group);
	if (rk == NULL)
		return;
	rd_kafka_topic_partition_list_t *l =
	    rd_kafka_topic_partition_list_new(8);
	rd_kafka_resp_err_t err;
	if (strcmp(cmd, "committed") == 0) {
		for (int p = 0; p < atoi(arg); p++)
			rd_kafka_topic_partition_list_add(l, topic, p);
		err = rd_kafka_committed(rk, l, 10000);
	} else {
		for (const char *s = arg; s && *s; ) {
			int p;
			long long off;
			if (sscanf(s, "%d=%lld", &p, &off) != 2)
				break;
			rd_kafka_topic_partition_list_add(l, topic, p)->offset =
			    off;
			s = strchr(s, ',');
			s = s ? s + 1 : NULL;
		}
		err = rd_kafka_commit(rk, l, 0);
	}
	if (err) {
		printf("error: %s\n", rd_kafka_err2str(err));
	} else {
		printf("ok");
		for (int i = 0; i < l->cnt && strcmp(cmd, "committed") == 0;
		    i++)
			printf(" %d=%lld", (int)l->elems[i].partition,
			    (long long)l->elems[i].offset);
		printf("\n");
	}
	rd_kafka_topic_partition_list_destroy(l);
	rd_kafka_destroy(rk);
}

static int
create(rd_kafka_mock_cluster_t *mc, const char *spec)
{
	char topic[512];
	const char *colon = strrchr(spec, ':');
	int n = colon ? atoi(colon + 1) : 1;
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	if (len == 0 || len >= sizeof topic || n < 1) {
		fprintf(stderr, "kafka-mock: invalid topic '%s' "
		    "(TOPIC:PARTITIONS)\n", spec);
		return -1;
	}
	memcpy(topic, spec, len);
	topic[len] = '\0';
	rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, topic, n, 1);
	if (err) {
		fprintf(stderr, "kafka-mock: cannot create '%s': %s\n", topic,
		    rd_kafka_err2str(err));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char errstr[512];
	int brokers = 1, i = 1;

	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		brokers = atoi(argv[2]);
		i = 3;
	}
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	/* The handle only hosts the cluster; keep it quiet. */
	rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof errstr);
	if (rk == NULL) {
		fprintf(stderr, "kafka-mock: %s\n", errstr);
		return 1;
	}
	rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
	if (mc == NULL) {
		fprintf(stderr, "kafka-mock: cannot create the cluster\n");
		return 1;
	}
	for (; i < argc; i++)
		if (create(mc, argv[i]) < 0)
			return 1;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);

	char line[1024];
	while (!stop && fgets(line, sizeof line, stdin)) {
		char topic[512], cmd[16], group[256], arg[512];
		int n, key, err, cnt;
		if (sscanf(line, "error %d %d %d", &key, &err, &cnt) == 3) {
			rd_kafka_resp_err_t *v = calloc((size_t)cnt, sizeof *v);
			for (int j = 0; j < cnt; j++)
				v[j] = (rd_kafka_resp_err_t)err;
			rd_kafka_mock_push_request_errors_array(mc, (int16_t)key,
			    (size_t)cnt, v);
			free(v);
			printf("ok\n");
		} else if (sscanf(line, "clear %d", &key) == 1) {
			rd_kafka_mock_clear_request_errors(mc, (int16_t)key);
			printf("ok\n");
		} else if (sscanf(line, "%15s %255s %255s %511s", cmd, group,
		    topic, arg) == 4 && (strcmp(cmd, "committed") == 0 ||
		    strcmp(cmd, "commit") == 0)) {
			group_command(mc, cmd, group, topic, arg);
		} else if (sscanf(line, "create %511s %d", topic, &n) == 2) {
			rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc,
			    topic, n, 1);
			if (err)
				printf("error: %s\n", rd_kafka_err2str(err));
			else
				printf("ok\n");
		} else {
			printf("error: unknown command\n");
		}
		fflush(stdout);
	}
	while (!stop)
		pause();
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
